package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []int) {
	g := dc.Grid1D(len(x)) // ERROR: unsupported: dc.Grid1D is host API
	_ = g
}
