package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []int) {
	x[0] = cap(x) // ERROR: unsupported: built-in cap
}
