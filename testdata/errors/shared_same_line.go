package p

import "github.com/dotcompute/dc"

//dc:kernel
func K(t dc.Thread, x []float32) {
	a, b := dc.Shared[[64]float32](t), dc.Shared[[64]float32](t) // ERROR: two dc.Shared calls on one line
	a[t.LocalX()] = x[0]
	b[t.LocalX()] = x[1]
}
