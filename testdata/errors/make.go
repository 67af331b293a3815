package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []int) {
	y := make([]int, 4) // ERROR: unsupported: built-in make: make allocates
	x[0] = y[0]
}
