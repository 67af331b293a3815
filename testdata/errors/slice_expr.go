package p

import "github.com/dotcompute/dc"

func next(i int) int { return i + 1 }

//dc:kernel
func K(t dc.Thread, x []int) {
	y := x[1:] // allowed
	y[0] = 1
	z := x[0:1:2] // ERROR: unsupported: three-index slice expressions
	z[0] = 2
	var a [4]int
	b := a[1:] // ERROR: unsupported: slicing [4]int; only slices can be sliced
	b[0] = 3
	c := x[next(0):] // ERROR: unsupported: a slice bound that calls a function
	c[0] = 4
}
