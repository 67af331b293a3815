package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []int) {
	select {} // ERROR: unsupported: select cannot be used in kernels
}
