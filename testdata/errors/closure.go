package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []float32) {
	f := func(v float32) float32 { return v * 2 } // ERROR: unsupported: closures (function literals) cannot be used in kernels
	x[0] = f(x[0])                                // ERROR: unsupported: calls of function values
}
