package typeerr

import "github.com/dotcompute/dc"

//dc:kernel
func Count(t dc.Thread, n []uint64, x []float32) {
	dc.AtomicAdd(&n[0], 1) // want `dc.AtomicAdd works on int32, uint32 or float32 only: 64-bit atomics are not supported`
	_ = dc.Sqrt(len(x))    // want `dc.Sqrt takes float32 or float64`
}
