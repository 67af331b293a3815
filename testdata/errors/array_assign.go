package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []float32) {
	var a, b [4]float32
	b[0] = x[0]
	a = b // ERROR: unsupported: assigning whole arrays
	x[1] = a[0]
}
