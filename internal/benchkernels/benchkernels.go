// Package benchkernels holds the kernels make bench times checked and
// unchecked: each kernel K has a copy KUnchecked, marked //dc:kernel
// unchecked, with the same body.
package benchkernels

import "github.com/dotcompute/dc"

//go:generate go run github.com/dotcompute/dc/cmd/dckgen -emit=cuda,opencl,metal

// Saxpy is the saxpy kernel, with run-time checks.
//
//dc:kernel
func Saxpy(t dc.Thread, a float32, x, y []float32) {
	if i := t.GlobalX(); i < len(y) {
		y[i] = a*x[i] + y[i]
	}
}

// SaxpyUnchecked is the saxpy kernel, without run-time checks.
//
//dc:kernel unchecked
func SaxpyUnchecked(t dc.Thread, a float32, x, y []float32) {
	if i := t.GlobalX(); i < len(y) {
		y[i] = a*x[i] + y[i]
	}
}

// Stencil is the stencil kernel, with run-time checks.
//
//dc:kernel
func Stencil(t dc.Thread, in, out []float32, w, h int) {
	x, y := t.GlobalX(), t.GlobalY()
	if x >= 1 && x < w-1 && y >= 1 && y < h-1 {
		c := y*w + x
		out[c] = 0.2 * (in[c] + in[c-1] + in[c+1] + in[c-w] + in[c+w])
	}
}

// StencilUnchecked is the stencil kernel, without run-time checks.
//
//dc:kernel unchecked
func StencilUnchecked(t dc.Thread, in, out []float32, w, h int) {
	x, y := t.GlobalX(), t.GlobalY()
	if x >= 1 && x < w-1 && y >= 1 && y < h-1 {
		c := y*w + x
		out[c] = 0.2 * (in[c] + in[c-1] + in[c+1] + in[c-w] + in[c+w])
	}
}

// Reduce is the reduce kernel, with run-time checks.
//
//dc:kernel
func Reduce(t dc.Thread, in, partial []float32) {
	sh := dc.Shared[[256]float32](t)
	i, l := t.GlobalX(), t.LocalX()
	var v float32
	if i < len(in) {
		v = in[i]
	}
	sh[l] = v
	t.Barrier()
	for s := 128; s > 0; s /= 2 {
		if l < s {
			sh[l] += sh[l+s]
		}
		t.Barrier()
	}
	if l == 0 && t.GroupX() < len(partial) {
		partial[t.GroupX()] = sh[0]
	}
}

// ReduceUnchecked is the reduce kernel, without run-time checks.
//
//dc:kernel unchecked
func ReduceUnchecked(t dc.Thread, in, partial []float32) {
	sh := dc.Shared[[256]float32](t)
	i, l := t.GlobalX(), t.LocalX()
	var v float32
	if i < len(in) {
		v = in[i]
	}
	sh[l] = v
	t.Barrier()
	for s := 128; s > 0; s /= 2 {
		if l < s {
			sh[l] += sh[l+s]
		}
		t.Barrier()
	}
	if l == 0 && t.GroupX() < len(partial) {
		partial[t.GroupX()] = sh[0]
	}
}

// MatMul is the matmul kernel, with run-time checks.
//
//dc:kernel
func MatMul(t dc.Thread, a, b, c []float32, m, n, k int) {
	ta := dc.Shared[[16][16]float32](t)
	tb := dc.Shared[[16][16]float32](t)
	row, col := t.GlobalY(), t.GlobalX()
	ly, lx := t.LocalY(), t.LocalX()
	var acc float32
	for k0 := 0; k0 < k; k0 += 16 {
		var av, bv float32
		if row < m && k0+lx < k {
			av = a[row*k+k0+lx]
		}
		if col < n && k0+ly < k {
			bv = b[(k0+ly)*n+col]
		}
		ta[ly][lx] = av
		tb[ly][lx] = bv
		t.Barrier()
		for j := range 16 {
			acc += ta[ly][j] * tb[j][lx]
		}
		t.Barrier()
	}
	if row < m && col < n {
		c[row*n+col] = acc
	}
}

// MatMulUnchecked is the matmul kernel, without run-time checks.
//
//dc:kernel unchecked
func MatMulUnchecked(t dc.Thread, a, b, c []float32, m, n, k int) {
	ta := dc.Shared[[16][16]float32](t)
	tb := dc.Shared[[16][16]float32](t)
	row, col := t.GlobalY(), t.GlobalX()
	ly, lx := t.LocalY(), t.LocalX()
	var acc float32
	for k0 := 0; k0 < k; k0 += 16 {
		var av, bv float32
		if row < m && k0+lx < k {
			av = a[row*k+k0+lx]
		}
		if col < n && k0+ly < k {
			bv = b[(k0+ly)*n+col]
		}
		ta[ly][lx] = av
		tb[ly][lx] = bv
		t.Barrier()
		for j := range 16 {
			acc += ta[ly][j] * tb[j][lx]
		}
		t.Barrier()
	}
	if row < m && col < n {
		c[row*n+col] = acc
	}
}

// Empty does nothing: timing its launches measures the host overhead of a
// launch, from the typed launcher to the driver call.
//
//dc:kernel
func Empty(t dc.Thread) {}
