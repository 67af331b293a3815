package p

import (
	"github.com/dotcompute/dc"
)

func publish(t dc.Thread, s *[64]int32, v int32) {
	s[t.LocalX()] = v
	t.Barrier()
}

//dc:kernel
func K(t dc.Thread, xs []int32) {
	s := dc.Shared[[64]int32](t)
	if t.LocalX() == 0 {
		publish(t, s, 1) // ERROR: call of publish (which calls t.Barrier()) is reached only by the threads where t.LocalX() == 0 (barrier_call.go:15:2)
	}
	for k := 0; k < len(xs); k++ {
		if xs[k] < int32(t.LocalX()) {
			break
		}
		publish(t, s, xs[k]) // ERROR: call of publish (which calls t.Barrier()) is not reached by the threads that left the loop where xs[k] < int32(t.LocalX()) (barrier_call.go:20:4)
	}
}
