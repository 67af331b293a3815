package p

import (
	"github.com/dotcompute/dc"
)

type S struct{}

//dc:kernel
func (S) K(t dc.Thread, x []int) { // ERROR: a kernel cannot be a method
}
