package metal

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/dotcompute/dc/runtime"
)

// MaxBindings is the size of a compute function's buffer argument table:
// the entry points bind [[buffer(0)]] to [[buffer(30)]].
//
// Reference: https://developer.apple.com/metal/Metal-Feature-Set-Tables.pdf ("Maximum number of entries in the buffer argument table, per graphics or kernel function")
const MaxBindings = 31

// MaxSetBytes is the most bytes setBytes:length:atIndex: binds; a larger
// scalar is copied into a buffer of its own for the launch.
//
// Reference: https://developer.apple.com/documentation/metal/mtlcomputecommandencoder/setbytes(_:length:index:)
const MaxSetBytes = 4096

// binding is one entry of an entry point's buffer argument table, as the
// MSL printer (translate/msl) declares it: the kernel's parameters in
// order, each slice as two entries (its device pointer, then its length
// as a `constant long&`), each scalar as one `constant T&` entry; a checked
// kernel's fault record and tag are the last parameters of the Call and
// bind the same way.
type binding struct {
	Index  int            // [[buffer(Index)]]
	Param  string         // the Go parameter it belongs to, for messages
	Memory runtime.Memory // a slice's memory; nil for bytes
	// Bytes are the bytes setBytes binds: a scalar's value, or a slice's
	// length as a little-endian int64. Never empty.
	Bytes []byte
}

// packArgs returns the argument table of call c, reusing dst and lens:
// lens holds the lengths' bytes, 8 per buffer parameter, which the
// bindings' Bytes point into, so both must stay untouched while the
// bindings are in use. A scalar of no bytes (an empty struct, which C++
// makes one byte) binds one zero byte.
func packArgs(dst []binding, lens []byte, c *runtime.Call) ([]binding, []byte, error) {
	dst = dst[:0]
	if c.Kernel == nil {
		return dst, lens, errors.New("metal: launch of a nil kernel")
	}
	if len(c.Args) != len(c.Kernel.Params) {
		return dst, lens, fmt.Errorf("metal: %d arguments for %d parameters", len(c.Args), len(c.Kernel.Params))
	}
	n := 0
	for _, p := range c.Kernel.Params {
		if p.Kind == runtime.BufferParam {
			n++
		}
	}
	if cap(lens) < 8*n {
		lens = make([]byte, 8*n)
	}
	lens = lens[:8*n]
	idx, buf := 0, 0
	for i, p := range c.Kernel.Params {
		arg := c.Args[i]
		switch p.Kind {
		case runtime.BufferParam:
			if arg.Memory == nil {
				return dst, lens, fmt.Errorf("metal: argument %s: no device memory", p.Name)
			}
			l := lens[8*buf : 8*buf+8 : 8*buf+8]
			binary.LittleEndian.PutUint64(l, uint64(int64(arg.Len)))
			buf++
			dst = append(dst,
				binding{Index: idx, Param: p.Name, Memory: arg.Memory},
				binding{Index: idx + 1, Param: p.Name, Bytes: l})
			idx += 2
		case runtime.ScalarParam:
			b := arg.Scalar
			if len(b) == 0 {
				b = zeroByte[:]
			}
			dst = append(dst, binding{Index: idx, Param: p.Name, Bytes: b})
			idx++
		default:
			return dst, lens, fmt.Errorf("metal: argument %s: invalid parameter kind %v", p.Name, p.Kind)
		}
	}
	if idx > MaxBindings {
		return dst, lens, fmt.Errorf("metal: kernel %s takes %d buffer bindings, Metal's argument table holds %d", c.Kernel.Name, idx, MaxBindings)
	}
	return dst, lens, nil
}

// zeroByte is what a scalar without bytes binds.
var zeroByte [1]byte
