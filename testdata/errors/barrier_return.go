package p

import (
	"github.com/dotcompute/dc"
)

// K returns early in the threads past the end, so the others wait at the
// barrier forever: guard the work instead.
//
//dc:kernel
func K(t dc.Thread, in, out []float32, n int) {
	i := t.GlobalX()
	if i >= n {
		return
	}
	s := dc.Shared[[256]float32](t)
	s[t.LocalX()] = in[i]
	t.Barrier() // ERROR: t.Barrier() is not reached by the threads that returned where i >= n (barrier_return.go:14:3); every thread of a group must reach it: guard the work, not the barrier
	out[i] = s[0]
}
