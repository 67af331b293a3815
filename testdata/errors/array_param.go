package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, out []float32,
	c [3]float32) { // ERROR: arrays cannot be kernel parameters; wrap the array in a struct
	out[t.GlobalX()] = c[t.GlobalX()%3]
}
