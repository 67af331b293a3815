package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []int) {
	switch x[0] {
	case 1:
		x[1] = 1
		fallthrough // ERROR: unsupported: fallthrough cannot be used in kernels
	case 2:
		x[2] = 2
	}
}
