package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []int) {
	var v any = x[0]  // ERROR: unsupported: interfaces cannot be used in kernels
	switch v.(type) { // ERROR: unsupported: type switches
	}
}
