package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []float32) {
	p := &x[0] // ERROR: unsupported: taking addresses (&) is only allowed as the first argument of an atomic
	_ = p
}
