package cuda

import (
	"fmt"
	"unsafe"

	"github.com/dotcompute/dc/runtime"
)

// params packs the arguments of one launch for cuLaunchKernel: an array
// of pointers, one per C parameter of the kernel, each to that
// parameter's bytes in an arena. Both are reused from launch to launch
// (the runtime serializes launches on a backend, and cuLaunchKernel copies
// the values before it returns), so the steady state allocates nothing.
// The backend holds its params, which keeps the arena alive and in place
// (Go's heap does not move) while the driver reads it.
//
// The kernel ABI, which the CUDA printer declares: a buffer parameter is
// two C parameters, the device pointer (T*) and the length in elements
// (long long); a scalar is one, its bytes in Go's layout (the printer
// declares structs with Go's field offsets and checks them with
// static_assert).
type params struct {
	words []uint64         // the arena, 8-byte aligned; each value starts on a word
	ptrs  []unsafe.Pointer // one per C parameter, into words
	sizes []int            // the size in bytes of each C parameter, for tests
}

// pack fills p with the arguments of c.
func (p *params) pack(c *runtime.Call) error {
	k := c.Kernel
	if len(c.Args) != len(k.Params) {
		return fmt.Errorf("cuda: kernel %s: %d arguments for %d parameters", c.Entry, len(c.Args), len(k.Params))
	}
	// Size the arena first: growing it moves it, and the pointers with it.
	words, count := 0, 0
	for i, prm := range k.Params {
		switch prm.Kind {
		case runtime.BufferParam:
			words += 2
			count += 2
		case runtime.ScalarParam:
			words += max(1, (len(c.Args[i].Scalar)+7)/8)
			count++
		default:
			return fmt.Errorf("cuda: kernel %s: parameter %s has invalid kind %v", c.Entry, prm.Name, prm.Kind)
		}
	}
	if cap(p.words) < words {
		p.words = make([]uint64, words)
	}
	p.words = p.words[:words]
	p.ptrs = p.ptrs[:0]
	p.sizes = p.sizes[:0]
	w := 0
	put := func(size int) []byte {
		p.ptrs = append(p.ptrs, unsafe.Pointer(&p.words[w]))
		p.sizes = append(p.sizes, size)
		b := unsafe.Slice((*byte)(unsafe.Pointer(&p.words[w])), size)
		w += max(1, (size+7)/8)
		return b
	}
	for i, prm := range k.Params {
		arg := &c.Args[i]
		switch prm.Kind {
		case runtime.BufferParam:
			m, ok := arg.Memory.(*memory)
			switch {
			case !ok || m == nil:
				return fmt.Errorf("cuda: kernel %s: argument %s: memory %T is not CUDA memory", c.Entry, prm.Name, arg.Memory)
			case m.freed:
				return fmt.Errorf("cuda: kernel %s: argument %s: %w", c.Entry, prm.Name, errFreed)
			}
			p.words[w] = uint64(m.ptr)
			put(8)
			p.words[w] = uint64(int64(arg.Len))
			put(8)
		case runtime.ScalarParam:
			// A zero-size scalar still gets a (zeroed) word: C has no
			// zero-size parameters.
			b := put(len(arg.Scalar))
			copy(b, arg.Scalar)
			if len(b) == 0 {
				p.words[w-1] = 0
			}
		}
	}
	return nil
}

// pointers returns the kernelParams argument of cuLaunchKernel, nil when
// the kernel has no parameters.
func (p *params) pointers() unsafe.Pointer {
	if len(p.ptrs) == 0 {
		return nil
	}
	return unsafe.Pointer(&p.ptrs[0])
}
