package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []int) {
	var m map[int]int // ERROR: unsupported: maps cannot be used in kernels
	_ = m
}
