// Package cpubench holds the kernels of make bench's CPU table (section cpu
// of dcbench) that the standard library (package kernels) does not have:
// a math-heavy elementwise kernel, 2D and 3D stencils, a GEMM written as
// CUDA code is (accumulating into c), a matrix-vector product, a block
// scan, a shared-memory histogram and an n-body step in shared-memory
// tiles. Each comes with the serial Go function the table checks it
// against.
package cpubench

import "github.com/dotcompute/dc"

//go:generate go run github.com/dotcompute/dc/cmd/dckgen -emit=cuda,opencl,metal

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

// Quadratic solves a[i]x² + b[i]x + c[i] = 0 for every i: r1 and r2 get
// the roots (-b ± √(b²-4ac)) / 2a, each refined by one Newton step, NaN
// where the roots are not real. It is elementwise and uses only + - * /
// and Sqrt, so a build with GOEXPERIMENT=simd runs it with vectors. Launch
// with dc.Grid1D(len(r1)).
//
//dc:kernel
func Quadratic(t dc.Thread, a, b, c, r1, r2 []float32) {
	if i := t.GlobalX(); i < len(r1) {
		ai, bi, ci := a[i], b[i], c[i]
		d := dc.Sqrt(bi*bi - 4*ai*ci)
		x1 := (-bi + d) / (2 * ai)
		x2 := (-bi - d) / (2 * ai)
		x1 -= (ai*x1*x1 + bi*x1 + ci) / (2*ai*x1 + bi)
		x2 -= (ai*x2*x2 + bi*x2 + ci) / (2*ai*x2 + bi)
		r1[i], r2[i] = x1, x2
	}
}

// QuadraticSerial is Quadratic as a serial Go loop.
func QuadraticSerial(a, b, c, r1, r2 []float32) {
	for i := range r1 {
		ai, bi, ci := a[i], b[i], c[i]
		d := dc.Sqrt(bi*bi - 4*ai*ci)
		x1 := (-bi + d) / (2 * ai)
		x2 := (-bi - d) / (2 * ai)
		x1 -= (ai*x1*x1 + bi*x1 + ci) / (2*ai*x1 + bi)
		x2 -= (ai*x2*x2 + bi*x2 + ci) / (2*ai*x2 + bi)
		r1[i], r2[i] = x1, x2
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

// Stencil3D computes the 7-point Laplacian (the six face neighbours less
// six times the point) of in's interior points into out, for an nx×ny×nz
// grid stored x fastest, then y, then z; the border of out is left alone.
// Launch with dc.Grid3D(nx, ny, nz).
//
//dc:kernel
func Stencil3D(t dc.Thread, in, out []float32, nx, ny, nz int) {
	x, y, z := t.GlobalX(), t.GlobalY(), t.GlobalZ()
	if x >= 1 && x < nx-1 && y >= 1 && y < ny-1 && z >= 1 && z < nz-1 {
		p := nx * ny
		c := z*p + y*nx + x
		out[c] = in[c-1] + in[c+1] + in[c-nx] + in[c+nx] + in[c-p] + in[c+p] - 6*in[c]
	}
}

// Stencil3DPlanes is Stencil3D as a serial Go loop over planes z0 to z1-1.
func Stencil3DPlanes(in, out []float32, nx, ny, nz, z0, z1 int) {
	p := nx * ny
	for z := max(z0, 1); z < min(z1, nz-1); z++ {
		for y := 1; y < ny-1; y++ {
			for x := 1; x < nx-1; x++ {
				c := z*p + y*nx + x
				out[c] = in[c-1] + in[c+1] + in[c-nx] + in[c+nx] + in[c-p] + in[c+p] - 6*in[c]
			}
		}
	}
}

// ScanGroupSize is the group size BlockScan needs: the group size of
// dc.Grid1D.
const ScanGroupSize = 256

// BlockScan computes the inclusive prefix sums of in within each group of
// ScanGroupSize elements into out, and each group's total into
// sums[group], by a Hillis-Steele scan in shared memory (two barriers per
// step). Launch with dc.Grid1D(len(in)).
//
//dc:kernel
func BlockScan(t dc.Thread, in, out, sums []int32) {
	sh := dc.Shared[[ScanGroupSize]int32](t)
	i, l := t.GlobalX(), t.LocalX()
	var v int32
	if i < len(in) {
		v = in[i]
	}
	sh[l] = v
	t.Barrier()
	for s := 1; s < ScanGroupSize; s *= 2 {
		var add int32
		if l >= s {
			add = sh[l-s]
		}
		t.Barrier()
		sh[l] += add
		t.Barrier()
	}
	if i < len(out) {
		out[i] = sh[l]
	}
	if l == ScanGroupSize-1 && t.GroupX() < len(sums) {
		sums[t.GroupX()] = sh[l]
	}
}

// BlockScanGroups is BlockScan as a serial Go loop over groups g0 to g1-1.
func BlockScanGroups(in, out, sums []int32, g0, g1 int) {
	for g := g0; g < g1; g++ {
		var s int32
		for i := g * ScanGroupSize; i < min(g*ScanGroupSize+ScanGroupSize, len(in)); i++ {
			s += in[i]
			out[i] = s
		}
		sums[g] = s
	}
}

// HistBins is the number of bins of Histogram, and the group size it
// needs: the group size of dc.Grid1D.
const HistBins = 256

// Histogram adds the count of in's values falling in each of HistBins
// bins (value % HistBins) to hist: every group counts its threads' values
// in a histogram in shared memory with atomic adds, then adds it to hist
// with atomic adds. Threads take in's values grid-stride, so any grid of
// HistBins-thread groups covers all of in, e.g.
// dc.Grid1D(len(in) / 64) with 64 values per thread.
//
//dc:kernel
func Histogram(t dc.Thread, in []uint32, hist []int32) {
	sh := dc.Shared[[HistBins]int32](t)
	l := t.LocalX()
	sh[l] = 0
	t.Barrier()
	for i := t.GlobalX(); i < len(in); i += t.GridSizeX() {
		dc.AtomicAdd(&sh[in[i]%HistBins], 1)
	}
	t.Barrier()
	if sh[l] != 0 {
		dc.AtomicAdd(&hist[l], sh[l])
	}
}

// HistogramSerial adds the count of in's values falling in each of
// HistBins bins (value % HistBins) to hist, as a serial Go loop.
func HistogramSerial(in []uint32, hist []int32) {
	for _, v := range in {
		hist[v%HistBins]++
	}
}

// NBodyTile is the number of bodies NBody stages in shared memory at a
// time, and the group size it needs: the group size of dc.Grid1D.
const NBodyTile = 256

// NBodySoftening is added to every squared distance of NBody, so that a
// body's pull on itself is zero and close bodies stay finite.
const NBodySoftening = 0.01

// NBody computes the gravitational acceleration of each of n bodies from
// all n (G = 1, softened by NBodySoftening): pos holds x, y, z and mass
// of body i at 4i to 4i+3, acc gets the acceleration's x, y and z at 3i to
// 3i+2. Groups stage NBodyTile bodies at a time in shared memory, and
// every thread sums the pulls in body order. Launch with dc.Grid1D(n).
//
//dc:kernel
func NBody(t dc.Thread, pos, acc []float32, n int) {
	tile := dc.Shared[[NBodyTile][4]float32](t)
	i, l := t.GlobalX(), t.LocalX()
	var px, py, pz float32
	if i < n {
		px, py, pz = pos[4*i], pos[4*i+1], pos[4*i+2]
	}
	var ax, ay, az float32
	for base := 0; base < n; base += NBodyTile {
		if j := base + l; j < n {
			tile[l][0], tile[l][1], tile[l][2], tile[l][3] = pos[4*j], pos[4*j+1], pos[4*j+2], pos[4*j+3]
		}
		t.Barrier()
		for k := 0; k < min(NBodyTile, n-base); k++ {
			ax, ay, az = nbodyPull(px, py, pz, tile[k][0], tile[k][1], tile[k][2], tile[k][3], ax, ay, az)
		}
		t.Barrier()
	}
	if i < n {
		acc[3*i], acc[3*i+1], acc[3*i+2] = ax, ay, az
	}
}

// nbodyPull returns the acceleration (ax, ay, az) plus the pull on a body
// at (px, py, pz) of a body of mass m at (qx, qy, qz).
func nbodyPull(px, py, pz, qx, qy, qz, m, ax, ay, az float32) (float32, float32, float32) {
	dx, dy, dz := qx-px, qy-py, qz-pz
	inv := 1 / dc.Sqrt(dx*dx+dy*dy+dz*dz+NBodySoftening)
	s := m * inv * inv * inv
	return ax + dx*s, ay + dy*s, az + dz*s
}

// NBodyRows is NBody as a serial Go loop over bodies i0 to i1-1, summing
// the pulls in the same order.
func NBodyRows(pos, acc []float32, n, i0, i1 int) {
	for i := i0; i < i1; i++ {
		px, py, pz := pos[4*i], pos[4*i+1], pos[4*i+2]
		var ax, ay, az float32
		for j := range n {
			ax, ay, az = nbodyPull(px, py, pz, pos[4*j], pos[4*j+1], pos[4*j+2], pos[4*j+3], ax, ay, az)
		}
		acc[3*i], acc[3*i+1], acc[3*i+2] = ax, ay, az
	}
}
