package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []int) int { // ERROR: kernel K: a kernel cannot return results
	return 0
}
