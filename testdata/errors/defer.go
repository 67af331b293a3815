package p

import (
	"github.com/dotcompute/dc"
)

func done() {}

//dc:kernel
func K(t dc.Thread, x []int) {
	defer done() // ERROR: unsupported: defer cannot be used in kernels
}
