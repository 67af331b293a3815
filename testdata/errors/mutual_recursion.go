package p

import (
	"github.com/dotcompute/dc"
)

func even(n int) bool {
	if n == 0 {
		return true
	}
	return odd(n - 1)
}

func odd(n int) bool {
	if n == 0 {
		return false
	}
	return even(n - 1) // ERROR: unsupported: recursion: even calls itself
}

//dc:kernel
func K(t dc.Thread, x []bool) {
	x[0] = even(4)
}
