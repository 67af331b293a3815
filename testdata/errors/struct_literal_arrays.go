package p

import "github.com/dotcompute/dc"

// S has two array fields.
type S struct {
	A [2]int32
	B [2]int32
}

// T has one big array field.
type T struct {
	N int32
	C [5000]float32
}

//dc:kernel
func K(t dc.Thread, x []int32, ts []T) {
	a := [2]int32{1, 2}
	i := int32(t.GlobalX())
	s := S{A: a, B: [2]int32{i, 0}} // ERROR: unsupported: struct literal of S sets one array field from an array value and another from an array literal with non-constant elements; set that field after the literal
	x[0] = s.A[0]
	ts[0] = T{N: 1} // ERROR: unsupported: struct literal of T leaves out array field C of 5000 elements; the limit is 4096 (declare a variable and set the fields)
}
