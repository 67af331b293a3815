package p

import (
	"github.com/dotcompute/dc"
)

func mk(x float32) [4]float32 {
	var a [4]float32
	a[0] = x
	return a
}

//dc:kernel
func K(t dc.Thread, x []float32) {
	var a [4]float32
	var big, big2 [300]float32
	if a == mk(x[0]) { // ERROR: unsupported: comparing [4]float32 values computed by calls
		x[0] = 1
	}
	if big == big2 { // ERROR: unsupported: comparing [300]float32 values (300 elements and fields, more than 256)
		x[1] = 1
	}
}
