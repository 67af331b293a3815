package p

import "github.com/dotcompute/dc"

//dc:kernel
func K(t dc.Thread, x []float32) {
	w := [3]float32{1, 2, 1}             // allowed: the initial value of a variable
	x[0] = w[0] + [3]float32{1, 2, 1}[1] // ERROR: unsupported: array literals are only allowed as a whole value
	big := [8192]float32{}               // ERROR: unsupported: array literal of 8192 elements; the limit is 4096
	x[1] = big[0]
}
