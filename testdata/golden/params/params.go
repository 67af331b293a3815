// Package params is a golden case: kernels that assign to their
// parameters. Go gives every thread its own copy of each parameter, so one
// thread's change must never show in another's: the CPU loop runs a
// chunk's threads with shared parameters, and PoCL passes struct
// arguments by reference to one copy.
package params

import "github.com/dotcompute/dc"

// P is a struct parameter with an array field.
type P struct {
	A [2]int32
	N int32
}

// Mutate changes a scalar, a struct (and its array field) and a slice parameter in
// some threads and writes what each thread then sees.
//
//dc:kernel
func Mutate(t dc.Thread, s int32, p P, xs []int32, out []int32) {
	i := t.GlobalX()
	if i >= len(out)/6 {
		return
	}
	if i%2 == 1 {
		s = 100 + int32(i)
		p.A[1] = 200
		p.N++
		xs = xs[1:]
	}
	out[6*i] = s
	out[6*i+1] = p.A[1]
	out[6*i+2] = p.N
	out[6*i+3] = p.A[0]
	out[6*i+4] = xs[0]
	out[6*i+5] = int32(len(xs))
}

// Grouped is Mutate's scalar and struct part with a barrier, so the CPU
// runs it thread by thread.
//
//dc:kernel
func Grouped(t dc.Thread, s int32, p P, out []int32) {
	sh := dc.Shared[[64]int32](t)
	l := t.LocalX()
	if l%3 == 0 {
		s *= 2
		p.A[0] = s
	}
	sh[l] = s + p.A[0]
	t.Barrier()
	if i := t.GlobalX(); i < len(out) {
		out[i] = sh[(l+1)%t.GroupSizeX()]
	}
}
