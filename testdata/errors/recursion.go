package p

import (
	"github.com/dotcompute/dc"
)

func fact(n int) int {
	if n <= 1 {
		return 1
	}
	return n * fact(n-1) // ERROR: unsupported: recursion: fact calls itself
}

//dc:kernel
func K(t dc.Thread, x []int) {
	x[0] = fact(5)
}
