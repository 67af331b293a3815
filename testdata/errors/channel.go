package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, c chan int) { // ERROR: unsupported: channels cannot be used in kernels
}

//dc:kernel
func K2(t dc.Thread, x []int) {
	var c chan int // ERROR: unsupported: channels cannot be used in kernels
	_ = c
}
