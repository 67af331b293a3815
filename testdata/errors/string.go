package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []int, name string) { // ERROR: unsupported: strings cannot be used in kernels
}
