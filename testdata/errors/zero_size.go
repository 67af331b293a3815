package p

import "github.com/dotcompute/dc"

type Empty struct{}

//dc:kernel
func K(t dc.Thread, e Empty, x []float32) { // ERROR: unsupported: struct Empty has no fields
	var a [0]float32 // ERROR: unsupported: zero-length arrays
	_ = a
}
