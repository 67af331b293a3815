// Package subslices holds kernels that slice their slices: rows of a
// matrix passed to device functions, windows, and writes through them.
package subslices

import "github.com/dotcompute/dc"

// dot returns the dot product of two equally long vectors.
func dot(a, b []float32) float32 {
	var s float32
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// scaleInto writes k*src to dst (len(dst) elements).
func scaleInto(dst, src []float32, k float32) {
	for i := range dst {
		dst[i] = k * src[i]
	}
}

// MatVec computes y = M x for a row-major m×n matrix, one row per thread,
// handing each row to dot as a subslice.
//
//dc:kernel
func MatVec(t dc.Thread, m, x, y []float32, n int) {
	r := t.GlobalX()
	if r >= len(y) {
		return
	}
	y[r] = dot(m[r*n:(r+1)*n], x)
}

// RowScale scales row r of the matrix by r+1 into out, through a subslice
// of out that the device function writes.
//
//dc:kernel
func RowScale(t dc.Thread, m, out []float32, n int) {
	r := t.GlobalX()
	if (r+1)*n > len(m) {
		return
	}
	row := out[r*n:]
	scaleInto(row[:n], m[r*n:(r+1)*n], float32(r+1))
}

// Window sums a window of w elements starting at each index (clipped at the
// end), with len of a subslice of a subslice.
//
//dc:kernel
func Window(t dc.Thread, in []int32, out []int32, w int) {
	i := t.GlobalX()
	if i >= len(in) {
		return
	}
	rest := in[i:]
	win := rest[:min(w, len(rest))]
	var s int32
	for _, v := range win {
		s += v
	}
	out[i] = s*100 + int32(len(win))
}
