package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []int) {
	u := t // ERROR: unsupported: dc.Thread values cannot be copied into variables
	_ = u
}
