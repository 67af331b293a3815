package polybench

import (
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
)

func TestConvolution2D(t *testing.T) {
	ni, nj := 45, 70
	a := kerneltest.Rand32(30, ni*nj, 0, 1)
	b0 := kerneltest.Rand32(31, ni*nj, 0, 1) // the border must stay as it was
	g := grid2D(nj, ni)
	want := clone(b0)
	emulate(t, g, func(th dc.Thread) { Convolution2D(th, ni, nj, a, want) })

	A, B := matrix(a, ni, nj), matrix(b0, ni, nj)
	var c11, c12, c13, c21, c22, c23, c31, c32, c33 float32
	c11, c21, c31 = +0.2, +0.5, -0.8
	c12, c22, c32 = -0.3, +0.6, -0.9
	c13, c23, c33 = +0.4, +0.7, +0.10
	for i := 1; i < ni-1; i++ {
		for j := 1; j < nj-1; j++ {
			B[i][j] = c11*A[i-1][j-1] + c12*A[i+0][j-1] + c13*A[i+1][j-1] +
				c21*A[i-1][j+0] + c22*A[i+0][j+0] + c23*A[i+1][j+0] +
				c31*A[i-1][j+1] + c32*A[i+0][j+1] + c33*A[i+1][j+1]
		}
	}
	// The kernel adds the nine taps in another order than the reference
	// (by rows of the filter rather than by columns, as in PolyBench/GPU),
	// and they have both signs: the difference is bounded by 9·2⁻²⁴ times
	// the sum of the taps' magnitudes, at most 4.4 for data in [0, 1).
	const abs = 9 * 4.4 / (1 << 24)
	kerneltest.Close32(t, "Emulate vs host", want, flat(B), 0, abs)
	for _, dev := range devices(t) {
		bb := upload(t, dev, b0)
		launched(t, dev, LaunchConvolution2D(dev, g, ni, nj, upload(t, dev, a), bb))
		kerneltest.Close32(t, dev.Backend()+" Convolution2D", kerneltest.Read(t, bb), want, 0, abs)
	}
}

func TestConvolution3D(t *testing.T) {
	ni, nj, nk := 12, 19, 37
	a := kerneltest.Rand32(32, ni*nj*nk, 0, 1)
	g := grid2D(nk, nj)
	want := make([]float32, ni*nj*nk)
	for i := 1; i < ni-1; i++ {
		emulate(t, g, func(th dc.Thread) { Convolution3D(th, ni, nj, nk, a, want, i) })
	}

	A := make([][][]float32, ni)
	B := make([][][]float32, ni)
	for i := range A {
		A[i], B[i] = matrix(a[i*nj*nk:(i+1)*nj*nk], nj, nk), matrix(make([]float32, nj*nk), nj, nk)
	}
	var c11, c12, c13, c21, c22, c23, c31, c32, c33 float32
	c11, c21, c31 = +2, +5, -8
	c12, c22, c32 = -3, +6, -9
	c13, c23, c33 = +4, +7, +10
	for i := 1; i < ni-1; i++ {
		for j := 1; j < nj-1; j++ {
			for k := 1; k < nk-1; k++ {
				B[i][j][k] = c11*A[i-1][j-1][k-1] + c13*A[i+1][j-1][k-1] +
					c21*A[i-1][j-1][k-1] + c23*A[i+1][j-1][k-1] +
					c31*A[i-1][j-1][k-1] + c33*A[i+1][j-1][k-1] +
					c12*A[i+0][j-1][k+0] + c22*A[i+0][j+0][k+0] +
					c32*A[i+0][j+1][k+0] + c11*A[i-1][j-1][k+1] +
					c13*A[i+1][j-1][k+1] + c21*A[i-1][j+0][k+1] +
					c23*A[i+1][j+0][k+1] + c31*A[i-1][j+1][k+1] +
					c33*A[i+1][j+1][k+1]
			}
		}
	}
	var host []float32
	for i := range B {
		host = append(host, flat(B[i])...)
	}
	// Same order as the reference, but the taps have both signs, so a
	// fused multiply-add moves the result by up to half an ulp of a running
	// sum: within 15·2⁻²⁴ times the taps' magnitudes, at most 90.
	const abs = 15 * 90.0 / (1 << 24)
	kerneltest.Close32(t, "Emulate vs host", want, host, 0, abs)
	for _, dev := range devices(t) {
		ab, bb := upload(t, dev, a), zeros(t, dev, ni*nj*nk)
		for i := 1; i < ni-1; i++ {
			launched(t, dev, LaunchConvolution3D(dev, g, ni, nj, nk, ab, bb, i))
		}
		kerneltest.Close32(t, dev.Backend()+" Convolution3D", kerneltest.Read(t, bb), want, 0, abs)
	}
}

func TestFdtd2D(t *testing.T) {
	tmax, nx, ny := 6, 40, 70
	fict := kerneltest.Rand32(33, tmax, 0, 1)
	ex, ey, hz := kerneltest.Rand32(34, nx*ny, 0, 1), kerneltest.Rand32(35, nx*ny, 0, 1), kerneltest.Rand32(36, nx*ny, 0, 1)
	g := grid2D(ny, nx)
	wx, wy, wz := clone(ex), clone(ey), clone(hz)
	for step := 0; step < tmax; step++ {
		emulate(t, g, func(th dc.Thread) { FdtdStep1(th, nx, ny, fict, wx, wy, wz, step) })
		emulate(t, g, func(th dc.Thread) { FdtdStep2(th, nx, ny, wx, wy, wz, step) })
		emulate(t, g, func(th dc.Thread) { FdtdStep3(th, nx, ny, wx, wy, wz, step) })
	}

	// PolyBench's C multiplies by the double constants 0.5 and 0.7; Go's
	// float32 arithmetic by float32 ones. For 0.5 that is the same result
	// (float32 subtraction rounded once either way); for 0.7 it is not,
	// so the reference does that step in float64 as C does.
	EX, EY, HZ := matrix(ex, nx, ny), matrix(ey, nx, ny), matrix(hz, nx, ny)
	for step := 0; step < tmax; step++ {
		for j := 0; j < ny; j++ {
			EY[0][j] = fict[step]
		}
		for i := 1; i < nx; i++ {
			for j := 0; j < ny; j++ {
				EY[i][j] = float32(float64(EY[i][j]) - 0.5*float64(HZ[i][j]-HZ[i-1][j]))
			}
		}
		for i := 0; i < nx; i++ {
			for j := 1; j < ny; j++ {
				EX[i][j] = float32(float64(EX[i][j]) - 0.5*float64(HZ[i][j]-HZ[i][j-1]))
			}
		}
		for i := 0; i < nx-1; i++ {
			for j := 0; j < ny-1; j++ {
				HZ[i][j] = float32(float64(HZ[i][j]) - 0.7*float64(EX[i][j+1]-EX[i][j]+EY[i+1][j]-EY[i][j]))
			}
		}
	}
	// The fields stay within a few units; their differences cancel, so the
	// bound is absolute: a few float32 ulps of such values per step (2⁻²¹
	// at 4 to 8), over six steps.
	const abs = 6 * 4.0 / (1 << 21)
	kerneltest.Close32(t, "Emulate vs host: ex", wx, flat(EX), 0, abs)
	kerneltest.Close32(t, "Emulate vs host: ey", wy, flat(EY), 0, abs)
	kerneltest.Close32(t, "Emulate vs host: hz", wz, flat(HZ), 0, abs)
	for _, dev := range devices(t) {
		fb, xb, yb, zb := upload(t, dev, fict), upload(t, dev, ex), upload(t, dev, ey), upload(t, dev, hz)
		for step := 0; step < tmax; step++ {
			launched(t, dev, LaunchFdtdStep1(dev, g, nx, ny, fb, xb, yb, zb, step))
			launched(t, dev, LaunchFdtdStep2(dev, g, nx, ny, xb, yb, zb, step))
			launched(t, dev, LaunchFdtdStep3(dev, g, nx, ny, xb, yb, zb, step))
		}
		kerneltest.Close32(t, dev.Backend()+" ex", kerneltest.Read(t, xb), wx, 0, abs)
		kerneltest.Close32(t, dev.Backend()+" ey", kerneltest.Read(t, yb), wy, 0, abs)
		kerneltest.Close32(t, dev.Backend()+" hz", kerneltest.Read(t, zb), wz, 0, abs)
	}
}

func TestJacobi1D(t *testing.T) {
	tsteps, n := 20, 600
	a, b := kerneltest.Rand32(37, n, 0, 1), kerneltest.Rand32(38, n, 0, 1)
	g := grid1D(n)
	wa, wb := clone(a), clone(b)
	for range tsteps {
		emulate(t, g, func(th dc.Thread) { Jacobi1DStep(th, n, wa, wb) })
		emulate(t, g, func(th dc.Thread) { Jacobi1DCopy(th, n, wa, wb) })
	}

	// PolyBench's C multiplies by the double 0.33333, the kernel by the
	// float32 nearest it: each step's results differ by an ulp or so, and
	// the averaging does not amplify that, so 20 steps stay within
	// 20·2⁻²³ relative.
	ha, hb := clone(a), clone(b)
	for range tsteps {
		for i := 1; i < n-1; i++ {
			hb[i] = float32(0.33333 * float64(ha[i-1]+ha[i]+ha[i+1]))
		}
		for j := 1; j < n-1; j++ {
			ha[j] = hb[j]
		}
	}
	const rel = 20.0 / (1 << 23)
	kerneltest.Close32(t, "Emulate vs host: A", wa, ha, rel, 0)
	kerneltest.Close32(t, "Emulate vs host: B", wb, hb, rel, 0)
	for _, dev := range devices(t) {
		ab, bb := upload(t, dev, a), upload(t, dev, b)
		for range tsteps {
			launched(t, dev, LaunchJacobi1DStep(dev, g, n, ab, bb))
			launched(t, dev, LaunchJacobi1DCopy(dev, g, n, ab, bb))
		}
		kerneltest.Equal(t, dev.Backend()+" A", kerneltest.Read(t, ab), wa)
		kerneltest.Equal(t, dev.Backend()+" B", kerneltest.Read(t, bb), wb)
	}
}

func TestJacobi2D(t *testing.T) {
	tsteps, n := 8, 50
	a, b := kerneltest.Rand32(39, n*n, 0, 1), kerneltest.Rand32(40, n*n, 0, 1)
	g := grid2D(n, n)
	wa, wb := clone(a), clone(b)
	for range tsteps {
		emulate(t, g, func(th dc.Thread) { Jacobi2DStep(th, n, wa, wb) })
		emulate(t, g, func(th dc.Thread) { Jacobi2DCopy(th, n, wa, wb) })
	}

	A, B := matrix(a, n, n), matrix(b, n, n)
	for range tsteps {
		for i := 1; i < n-1; i++ {
			for j := 1; j < n-1; j++ {
				B[i][j] = 0.2 * (A[i][j] + A[i][j-1] + A[i][1+j] + A[1+i][j] + A[i-1][j])
			}
		}
		for i := 1; i < n-1; i++ {
			for j := 1; j < n-1; j++ {
				A[i][j] = B[i][j]
			}
		}
	}
	// Same float32 operations in the same order, and no product to fuse
	// with an addition: every backend must give the same bits.
	kerneltest.Equal(t, "Emulate vs host: A", wa, flat(A))
	kerneltest.Equal(t, "Emulate vs host: B", wb, flat(B))
	for _, dev := range devices(t) {
		ab, bb := upload(t, dev, a), upload(t, dev, b)
		for range tsteps {
			launched(t, dev, LaunchJacobi2DStep(dev, g, n, ab, bb))
			launched(t, dev, LaunchJacobi2DCopy(dev, g, n, ab, bb))
		}
		kerneltest.Equal(t, dev.Backend()+" A", kerneltest.Read(t, ab), wa)
		kerneltest.Equal(t, dev.Backend()+" B", kerneltest.Read(t, bb), wb)
	}
}
