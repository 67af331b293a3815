package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []int) {
	var v any // ERROR: unsupported: interfaces cannot be used in kernels
	_ = v
}
