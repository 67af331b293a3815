package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []int) {
	x = append(x, 1) // ERROR: unsupported: built-in append: append allocates
}
