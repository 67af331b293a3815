package p

import (
	"github.com/dotcompute/dc"
)

var _ dc.Dim3

//dc:kernel
func K(x []int) { // ERROR: kernel K: the first parameter must be a dc.Thread
}
