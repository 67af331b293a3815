package p

import (
	"github.com/dotcompute/dc"
)

func sum(vs ...int) int { return 0 } // ERROR: unsupported: variadic parameters

//dc:kernel
func K(t dc.Thread, x []int) {
	x[0] = sum(1, 2)
}
