// Package cpubench holds the kernels of make bench's CPU table (section cpu
// of dcbench) that the standard library (package kernels) does not have:
// a math-heavy elementwise kernel, a 2D stencil, a GEMM written as CUDA
// code is (accumulating into c) and a matrix-vector product. Each comes
// with the serial Go function the table checks it against.
package cpubench

import "github.com/dotcompute/dc"

//go:generate go run github.com/dotcompute/dc/cmd/dckgen -emit=cuda,opencl

// BlackScholes prices European call and put options: one option per
// thread, from its spot price, strike and time to expiry in years, at the
// given risk-free rate and volatility. Launch with dc.Grid1D(len(call)).
//
//dc:kernel
func BlackScholes(t dc.Thread, price, strike, years []float32, rate, vol float32, call, put []float32) {
	if i := t.GlobalX(); i < len(call) {
		call[i], put[i] = blackScholes(price[i], strike[i], years[i], rate, vol)
	}
}

// blackScholes returns the call and put prices of one option.
func blackScholes(s, x, years, rate, vol float32) (float32, float32) {
	sq := dc.Sqrt(years)
	d1 := (dc.Log(s/x) + (rate+0.5*vol*vol)*years) / (vol * sq)
	d2 := d1 - vol*sq
	e := x * dc.Exp(-rate*years)
	c1, c2 := cnd(d1), cnd(d2)
	return s*c1 - e*c2, e*(1-c2) - s*(1-c1)
}

// cnd is the cumulative normal distribution, by the polynomial
// approximation of Abramowitz and Stegun (26.2.17) that the CUDA and
// OpenCL Black-Scholes samples use.
func cnd(d float32) float32 {
	const (
		a1 = 0.31938153
		a2 = -0.356563782
		a3 = 1.781477937
		a4 = -1.821255978
		a5 = 1.330274429
		// rsqrt2pi is 1/sqrt(2π).
		rsqrt2pi = 0.39894228040143267793994605993438
	)
	k := 1 / (1 + 0.2316419*dc.Abs(d))
	c := rsqrt2pi * dc.Exp(-0.5*d*d) * (k * (a1 + k*(a2+k*(a3+k*(a4+k*a5)))))
	if d > 0 {
		c = 1 - c
	}
	return c
}

// BlackScholesSerial is BlackScholes as a serial Go loop.
func BlackScholesSerial(price, strike, years []float32, rate, vol float32, call, put []float32) {
	for i := range call {
		call[i], put[i] = blackScholes(price[i], strike[i], years[i], rate, vol)
	}
}

// Stencil computes the 5-point average of in's interior points into out,
// for a w×h row-major grid; the border of out is left alone. Launch with
// dc.Grid2D(w, h).
//
//dc:kernel
func Stencil(t dc.Thread, in, out []float32, w, h int) {
	x, y := t.GlobalX(), t.GlobalY()
	if x >= 1 && x < w-1 && y >= 1 && y < h-1 {
		c := y*w + x
		out[c] = 0.2 * (in[c] + in[c-1] + in[c+1] + in[c-w] + in[c+w])
	}
}

// StencilRows is Stencil as a serial Go loop over rows y0 to y1-1.
func StencilRows(in, out []float32, w, h, y0, y1 int) {
	for y := max(y0, 1); y < min(y1, h-1); y++ {
		for x := 1; x < w-1; x++ {
			c := y*w + x
			out[c] = 0.2 * (in[c] + in[c-1] + in[c+1] + in[c-w] + in[c+w])
		}
	}
}

// GEMM computes c = a × b for row-major a (m×k), b (k×n) and c (m×n) the
// way CUDA code is commonly written: one thread per element of c,
// accumulating into c itself inside the loop over k. Launch with
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

// MatMulRows computes rows i0 to i1-1 of c = a × b for row-major a (m×k),
// b (k×n) and c (m×n), with the sum in a local, as a Go programmer writes
// it: the serial reference of GEMM and the tiled matmul.
func MatMulRows(a, b, c []float32, n, k, i0, i1 int) {
	for i := i0; i < i1; i++ {
		for j := range n {
			var s float32
			for p := range k {
				s += a[i*k+p] * b[p*n+j]
			}
			c[i*n+j] = s
		}
	}
}

// MatVec computes y = a × x for a row-major m×n matrix a: one thread per
// row. Launch with dc.Grid1D(m).
//
//dc:kernel
func MatVec(t dc.Thread, a, x, y []float32, m, n int) {
	if i := t.GlobalX(); i < m {
		var s float32
		for j := range n {
			s += a[i*n+j] * x[j]
		}
		y[i] = s
	}
}

// MatVecRows computes rows i0 to i1-1 of y = a × x for a row-major m×n
// matrix a, as a Go loop.
func MatVecRows(a, x, y []float32, n, i0, i1 int) {
	for i := i0; i < i1; i++ {
		var s float32
		row := a[i*n : i*n+n]
		for j, v := range row {
			s += v * x[j]
		}
		y[i] = s
	}
}
