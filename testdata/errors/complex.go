package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []float64) {
	c := complex(x[0], x[1]) // ERROR: unsupported: built-in complex: complex numbers cannot be used in kernels
	_ = c
}
