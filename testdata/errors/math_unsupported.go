package p

import (
	"github.com/dotcompute/dc"
	"math"
)

//dc:kernel
func K(t dc.Thread, x []float64) {
	x[0] = math.Gamma(x[0]) // ERROR: unsupported: math.Gamma cannot be used in kernels
}
