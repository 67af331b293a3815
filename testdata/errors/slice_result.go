package p

import (
	"github.com/dotcompute/dc"
)

func pick(a, b []int) []int { // ERROR: device functions cannot return slices
	return a
}

//dc:kernel
func K(t dc.Thread, a, b []int) {
	c := pick(a, b)
	c[0] = 1
}
