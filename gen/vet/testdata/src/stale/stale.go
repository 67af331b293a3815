package stale

import "github.com/dotcompute/dc"

//dc:kernel
func Scale(t dc.Thread, a float32, x []float32) {
	if i := t.GlobalX(); i < len(x) {
		x[i] *= a
	}
}

//dc:kernel
func Same(t dc.Thread, x []float32) {
	x[0] = 1
}
