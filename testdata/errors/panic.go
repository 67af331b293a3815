package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []int) {
	if len(x) == 0 {
		panic("empty") // ERROR: unsupported: built-in panic
	}
}
