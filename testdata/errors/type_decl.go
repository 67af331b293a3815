package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []float32) {
	type pair struct{ a, b float32 } // ERROR: unsupported: type declarations inside kernels
}
