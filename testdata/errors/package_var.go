package p

import (
	"github.com/dotcompute/dc"
)

var scale float32 = 2

//dc:kernel
func K(t dc.Thread, x []float32) {
	x[0] *= scale // ERROR: unsupported: package-level variable scale
}
