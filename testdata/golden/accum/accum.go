// Package accum is a golden case: kernels that accumulate into memory
// inside a loop, as CUDA code often does. The Go printer keeps such an
// element in a local where nothing else in the loop can touch it, and
// keeps the kernel as written for launches that pass one buffer to a
// read-only and a written parameter.
package accum

import "github.com/dotcompute/dc"

// GEMM computes c = a × b for row-major a (m×k), b (k×n) and c (m×n), one
// thread per element of c, accumulating into c. Launch with
// dc.Grid2D(n, m).
//
//dc:kernel
func GEMM(t dc.Thread, a, b, c []float32, m, n, k int) {
	i, j := t.GlobalY(), t.GlobalX()
	if i < m && j < n {
		c[i*n+j] = 0
		for p := 0; p < k; p++ {
			c[i*n+j] += a[i*k+p] * b[p*n+j]
		}
	}
}

// Accum adds x[i] × p to y[i] for p from 1 to n. Passed one buffer as both
// x and y, each step reads the sum so far.
//
//dc:kernel
func Accum(t dc.Thread, x, y []float32, n int) {
	if i := t.GlobalX(); i < len(y) {
		for p := 1; p <= n; p++ {
			y[i] += x[i] * float32(p)
		}
	}
}

// Count counts, in hist[i], the steps of halving x[i] until it is 0: a loop
// that accumulates without reading any other slice.
//
//dc:kernel
func Count(t dc.Thread, x []int32, hist []int32) {
	if i := t.GlobalX(); i < len(hist) {
		for v := x[i]; v > 0; v /= 2 {
			hist[i]++
		}
	}
}
