package p

import (
	"github.com/dotcompute/dc"
)

func helper(t dc.Thread, x []int) {}

//dc:kernel
func K(t dc.Thread, x []int) {
	helper(dc.Thread{}, x) // ERROR: the dc.Thread argument must be the function's own dc.Thread parameter
}
