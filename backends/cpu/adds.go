package cpu

import (
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/dotcompute/dc/runtime"
)

// addSlots is the number of elements an Adds holds sums for at a time: a
// power of two.
const addSlots = 512

// Adds combines the atomic adds a chunk of groups makes to the elements of
// 32-bit integer buffers that the kernel only adds to (dc.AtomicAdd as a
// statement, its old value unused; no other read or write of the buffer),
// such as the global histogram every group adds its counts to. No thread
// can see such an element before the launch ends, so the sum of a chunk's
// adds to it can go to memory in one atomic add instead of one per thread,
// which on a histogram's few, shared elements contend between workers.
// Integer addition wraps, so the sums end as the single adds would.
//
// An Adds keeps the sums of the last addSlots elements added to, keyed by
// address, and adds a sum to memory when another element takes its slot,
// and all of them in Done. Generated code takes one per chunk from
// NewAdds.
type Adds struct {
	on   bool // combine; otherwise every add goes to memory at once
	used int  // slots holding a sum
	keys [addSlots]*uint32
	sums [addSlots]uint32
}

var addsPool = sync.Pool{New: func() any { return new(Adds) }}

// NewAdds returns an empty Adds for a chunk of call c, whose buffer
// arguments params are those the kernel only adds to. It combines adds
// only where none of them overlaps another buffer argument of c: through
// another parameter the kernel could read what they hold.
func NewAdds(c *runtime.Call, params ...int) *Adds {
	a := addsPool.Get().(*Adds)
	a.on = true
	for _, i := range params {
		for j := range c.Args {
			if j != i && overlap(c.Args[i].Host, c.Args[j].Host) {
				a.on = false
			}
		}
	}
	return a
}

// overlap reports whether memory x and y share a byte.
func overlap(x, y []byte) bool {
	if len(x) == 0 || len(y) == 0 {
		return false
	}
	x0, y0 := uintptr(unsafe.Pointer(unsafe.SliceData(x))), uintptr(unsafe.Pointer(unsafe.SliceData(y)))
	return x0 < y0+uintptr(len(y)) && y0 < x0+uintptr(len(x))
}

// Int32 adds v to *p, as dc.AtomicAdd(p, v) does with its old value unused.
func (a *Adds) Int32(p *int32, v int32) { a.add((*uint32)(unsafe.Pointer(p)), uint32(v)) }

// Uint32 adds v to *p, as dc.AtomicAdd(p, v) does with its old value unused.
func (a *Adds) Uint32(p *uint32, v uint32) { a.add(p, v) }

func (a *Adds) add(p *uint32, v uint32) {
	if !a.on {
		atomic.AddUint32(p, v)
		return
	}
	h := uintptr(unsafe.Pointer(p)) >> 2 & (addSlots - 1)
	switch q := a.keys[h]; q {
	case p:
		a.sums[h] += v
		return
	case nil:
		a.used++
	default:
		atomic.AddUint32(q, a.sums[h])
	}
	a.keys[h], a.sums[h] = p, v
}

// Done adds every sum a holds to memory and returns a to the pool: the
// chunk's adds are all in memory when it returns.
func (a *Adds) Done() {
	for h := 0; a.used > 0 && h < addSlots; h++ {
		if q := a.keys[h]; q != nil {
			atomic.AddUint32(q, a.sums[h])
			a.keys[h] = nil
			a.used--
		}
	}
	addsPool.Put(a)
}
