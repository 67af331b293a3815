package p

import "github.com/dotcompute/dc"

func bump(c []int32) int32 { return dc.AtomicAdd(&c[0], 1) }

func pair(a, b int32) int32 { return a - b }

//dc:kernel
func K(t dc.Thread, c, out []int32) {
	out[0] = dc.AtomicAdd(&c[0], 1) - dc.AtomicAdd(&c[0], 0) // ERROR: both operands of - call something with effects
	out[1] = pair(bump(c), bump(c))                          // ERROR: several operands of pair call something with effects
	ok := dc.AtomicAdd(&c[0], 1) > 0 && bump(c) > 0          // short-circuit order is fixed in C too
	if ok {
		out[bump(c)] = bump(c) // hoisted: the index is evaluated first, as in Go
	}
}

type Pair struct{ A, B int32 }

//dc:kernel
func K2(t dc.Thread, c []int32, out []Pair) {
	out[0] = Pair{A: bump(c), B: bump(c)} // ERROR: several operands of the Pair literal call something with effects
}
