package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []int) {
	y := x[1:] // ERROR: unsupported: slice expressions (s[i:j])
	y[0] = 1
}
