package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []float32) {
	s := dc.Shared[float32](t) // ERROR: unsupported: dc.Shared[float32]: the type argument must be a fixed-size array type
	_ = s
}
