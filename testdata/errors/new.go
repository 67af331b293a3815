package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []int) {
	p := new(int) // ERROR: unsupported: built-in new: new allocates
	_ = p
}
