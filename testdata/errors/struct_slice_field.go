package p

import (
	"github.com/dotcompute/dc"
)

type Bad struct {
	Vals []float32 // ERROR: struct Bad used by a kernel has a slice field Vals
}

//dc:kernel
func K(t dc.Thread, x []Bad) {
}
