package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []float32) {
	w := [3]float32{1, 2, 1} // ERROR: unsupported: array literals
	x[0] = w[0]
}
