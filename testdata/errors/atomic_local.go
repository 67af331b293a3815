package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []int32) {
	var a [4]int32
	dc.AtomicAdd(&a[0], 1) // ERROR: dc.AtomicAdd needs an element of a slice or shared array
	x[0] = a[0]
}
