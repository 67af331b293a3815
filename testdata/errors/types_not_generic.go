package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel types=float32 // ERROR: kernel K: types= is only for generic kernels
func K(t dc.Thread, x []float32) {
}
