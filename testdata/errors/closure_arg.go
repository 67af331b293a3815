package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []float32) {
	apply(x, func(v float32) float32 { return v }) // ERROR: unsupported: closures (function literals)
}

func apply(x []float32, f func(float32) float32) {} // ERROR: unsupported: function values cannot be used in kernels
