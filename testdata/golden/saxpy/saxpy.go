// Package saxpy is a golden case: the classic 1D y = a*x + y, once with one
// thread per element and once as a grid-stride loop.
package saxpy

import "github.com/dotcompute/dc"

// Saxpy computes y[i] = a*x[i] + y[i], one thread per element.
//
//dc:kernel
func Saxpy(t dc.Thread, a float32, x, y []float32) {
	if i := t.GlobalX(); i < len(y) {
		y[i] = a*x[i] + y[i]
	}
}

// SaxpyStride computes the same with a grid-stride loop, so a grid smaller
// than the data covers all of it.
//
//dc:kernel
func SaxpyStride(t dc.Thread, a float32, x, y []float32, n int) {
	for i := t.GlobalX(); i < n; i += t.GridSizeX() {
		y[i] = a*x[i] + y[i]
	}
}
