package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []int) {
	i := 0
loop: // ERROR: unsupported: labels are only supported on for and switch
	x[i] = i
	i++
	if i < len(x) {
		goto loop // ERROR: unsupported: goto cannot be used in kernels
	}
}
