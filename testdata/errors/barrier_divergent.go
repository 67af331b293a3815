package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, xs []float32) {
	s := dc.Shared[[256]float32](t)
	l := t.LocalX()
	if l < 100 {
		s[l] = xs[t.GlobalX()]
		t.Barrier() // ERROR: t.Barrier() is reached only by the threads where l < 100 (barrier_divergent.go:11:2); every thread of a group must reach it: guard the work, not the barrier
	}
	for j := 0; j < int(s[l]); j++ {
		t.Barrier() // ERROR: t.Barrier() is reached only by the threads where j < int(s[l]) (barrier_divergent.go:15:2)
	}
}
