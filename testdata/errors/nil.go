package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []int) {
	if x == nil { // ERROR: unsupported: nil cannot be used in kernels
		return
	}
}
