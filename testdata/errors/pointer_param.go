package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, p *float32) { // ERROR: unsupported: pointers cannot be used in kernels
}
