package polybench

import (
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
)

// The sizes are small, different from each other (a transposed index
// shows) and not multiples of the 32×8 or 256-thread groups (the guards
// run). The data are non-negative, as PolyBench's initialisations are, so
// the sums do not cancel.
const (
	ni, nj, nk, nl, nm = 37, 45, 29, 51, 23
	rel                = 1e-5 // see the file comment of helpers_test.go
)

func Test2MM(t *testing.T) {
	alpha, beta := float32(32412), float32(2123)
	a, b := kerneltest.Rand32(1, ni*nk, 0, 1), kerneltest.Rand32(2, nk*nj, 0, 1)
	c, d := kerneltest.Rand32(3, nj*nl, 0, 1), kerneltest.Rand32(4, ni*nl, 0, 1)
	g1, g2 := grid2D(nj, ni), grid2D(nl, ni)
	tmp, dOut := make([]float32, ni*nj), clone(d)
	emulate(t, g1, func(th dc.Thread) { MM2Kernel1(th, ni, nj, nk, alpha, tmp, a, b) })
	emulate(t, g2, func(th dc.Thread) { MM2Kernel2(th, ni, nj, nl, beta, tmp, c, dOut) })

	A, B, C, D := matrix(a, ni, nk), matrix(b, nk, nj), matrix(c, nj, nl), matrix(d, ni, nl)
	T := matrix(make([]float32, ni*nj), ni, nj)
	for i := 0; i < ni; i++ {
		for j := 0; j < nj; j++ {
			T[i][j] = 0
			for k := 0; k < nk; k++ {
				T[i][j] += alpha * A[i][k] * B[k][j]
			}
		}
	}
	for i := 0; i < ni; i++ {
		for j := 0; j < nl; j++ {
			D[i][j] *= beta
			for k := 0; k < nj; k++ {
				D[i][j] += T[i][k] * C[k][j]
			}
		}
	}
	kerneltest.Close32(t, "Emulate vs host: tmp", tmp, flat(T), rel, 0)
	kerneltest.Close32(t, "Emulate vs host: D", dOut, flat(D), rel, 0)
	for _, dev := range devices(t) {
		tb, db := zeros(t, dev, ni*nj), upload(t, dev, d)
		launched(t, dev, LaunchMM2Kernel1(dev, g1, ni, nj, nk, alpha, tb, upload(t, dev, a), upload(t, dev, b)))
		launched(t, dev, LaunchMM2Kernel2(dev, g2, ni, nj, nl, beta, tb, upload(t, dev, c), db))
		kerneltest.Close32(t, dev.Backend()+" tmp", kerneltest.Read(t, tb), tmp, rel, 0)
		kerneltest.Close32(t, dev.Backend()+" D", kerneltest.Read(t, db), dOut, rel, 0)
	}
}

func Test3MM(t *testing.T) {
	a, b := kerneltest.Rand32(5, ni*nk, 0, 1), kerneltest.Rand32(6, nk*nj, 0, 1)
	c, d := kerneltest.Rand32(7, nj*nm, 0, 1), kerneltest.Rand32(8, nm*nl, 0, 1)
	g1, g2, g3 := grid2D(nj, ni), grid2D(nl, nj), grid2D(nl, ni)
	e, f, gOut := make([]float32, ni*nj), make([]float32, nj*nl), make([]float32, ni*nl)
	emulate(t, g1, func(th dc.Thread) { MM3Kernel1(th, ni, nj, nk, a, b, e) })
	emulate(t, g2, func(th dc.Thread) { MM3Kernel2(th, nj, nl, nm, c, d, f) })
	emulate(t, g3, func(th dc.Thread) { MM3Kernel3(th, ni, nj, nl, e, f, gOut) })

	A, B, C, D := matrix(a, ni, nk), matrix(b, nk, nj), matrix(c, nj, nm), matrix(d, nm, nl)
	E, F, G := matrix(e, ni, nj), matrix(f, nj, nl), matrix(gOut, ni, nl)
	for i := 0; i < ni; i++ {
		for j := 0; j < nj; j++ {
			E[i][j] = 0
			for k := 0; k < nk; k++ {
				E[i][j] += A[i][k] * B[k][j]
			}
		}
	}
	for i := 0; i < nj; i++ {
		for j := 0; j < nl; j++ {
			F[i][j] = 0
			for k := 0; k < nm; k++ {
				F[i][j] += C[i][k] * D[k][j]
			}
		}
	}
	for i := 0; i < ni; i++ {
		for j := 0; j < nl; j++ {
			G[i][j] = 0
			for k := 0; k < nj; k++ {
				G[i][j] += E[i][k] * F[k][j]
			}
		}
	}
	kerneltest.Close32(t, "Emulate vs host: E", e, flat(E), rel, 0)
	kerneltest.Close32(t, "Emulate vs host: F", f, flat(F), rel, 0)
	kerneltest.Close32(t, "Emulate vs host: G", gOut, flat(G), rel, 0)
	for _, dev := range devices(t) {
		eb, fb, gb := zeros(t, dev, ni*nj), zeros(t, dev, nj*nl), zeros(t, dev, ni*nl)
		launched(t, dev, LaunchMM3Kernel1(dev, g1, ni, nj, nk, upload(t, dev, a), upload(t, dev, b), eb))
		launched(t, dev, LaunchMM3Kernel2(dev, g2, nj, nl, nm, upload(t, dev, c), upload(t, dev, d), fb))
		launched(t, dev, LaunchMM3Kernel3(dev, g3, ni, nj, nl, eb, fb, gb))
		kerneltest.Close32(t, dev.Backend()+" E", kerneltest.Read(t, eb), e, rel, 0)
		kerneltest.Close32(t, dev.Backend()+" F", kerneltest.Read(t, fb), f, rel, 0)
		kerneltest.Close32(t, dev.Backend()+" G", kerneltest.Read(t, gb), gOut, rel, 0)
	}
}

func TestGemm(t *testing.T) {
	// Relative bounds as in the file comment: nk·2⁻²⁴ and nk·2⁻⁵³ of the
	// non-negative sums, with room to spare.
	t.Run("float32", func(t *testing.T) { testGemm(t, kerneltest.Close32, rel) })
	t.Run("float64", func(t *testing.T) { testGemm(t, kerneltest.Close64, 1e-13) })
}

func testGemm[T float32 | float64](t *testing.T, close func(testing.TB, string, []T, []T, float64, float64) bool, rel float64) {
	alpha, beta := T(32412), T(2123)
	a, b, c := convert[T](kerneltest.Rand32(9, ni*nk, 0, 1)), convert[T](kerneltest.Rand32(10, nk*nj, 0, 1)), convert[T](kerneltest.Rand32(11, ni*nj, 0, 1))
	g := grid2D(nj, ni)
	want := append([]T(nil), c...)
	emulate(t, g, func(th dc.Thread) { Gemm(th, ni, nj, nk, alpha, beta, a, b, want) })

	C := make([][]T, ni)
	for i := range C {
		C[i] = append([]T(nil), c[i*nj:(i+1)*nj]...)
	}
	for i := 0; i < ni; i++ {
		for j := 0; j < nj; j++ {
			C[i][j] *= beta
			for k := 0; k < nk; k++ {
				C[i][j] += alpha * a[i*nk+k] * b[k*nj+j]
			}
		}
	}
	var host []T
	for _, row := range C {
		host = append(host, row...)
	}
	close(t, "Emulate vs host", want, host, rel, 0)
	for _, dev := range devices(t) {
		cb := kerneltest.Upload(t, dev, c)
		err := LaunchGemm(dev, g, ni, nj, nk, alpha, beta, kerneltest.Upload(t, dev, a), kerneltest.Upload(t, dev, b), cb)
		if kerneltest.CannotRun(t, dev, err) {
			continue
		}
		launched(t, dev, err)
		close(t, dev.Backend()+" Gemm", kerneltest.Read(t, cb), want, rel, 0)
	}
}

// convert returns xs in T.
func convert[T float32 | float64](xs []float32) []T {
	ys := make([]T, len(xs))
	for i, x := range xs {
		ys[i] = T(x)
	}
	return ys
}

func TestSyrk(t *testing.T) {
	alpha, beta := float32(12435), float32(4546)
	a, c := kerneltest.Rand32(12, ni*nj, 0, 1), kerneltest.Rand32(13, ni*ni, 0, 1)
	g := grid2D(ni, ni)
	want := clone(c)
	emulate(t, g, func(th dc.Thread) { Syrk(th, ni, nj, alpha, beta, a, want) })

	A, C := matrix(a, ni, nj), matrix(c, ni, ni)
	for i := 0; i < ni; i++ {
		for j := 0; j < ni; j++ {
			C[i][j] *= beta
		}
	}
	for i := 0; i < ni; i++ {
		for j := 0; j < ni; j++ {
			for k := 0; k < nj; k++ {
				C[i][j] += alpha * A[i][k] * A[j][k]
			}
		}
	}
	kerneltest.Close32(t, "Emulate vs host", want, flat(C), rel, 0)
	for _, dev := range devices(t) {
		cb := upload(t, dev, c)
		launched(t, dev, LaunchSyrk(dev, g, ni, nj, alpha, beta, upload(t, dev, a), cb))
		kerneltest.Close32(t, dev.Backend()+" Syrk", kerneltest.Read(t, cb), want, rel, 0)
	}
}

func TestSyr2k(t *testing.T) {
	alpha, beta := float32(12435), float32(4546)
	a, b, c := kerneltest.Rand32(14, ni*nj, 0, 1), kerneltest.Rand32(15, ni*nj, 0, 1), kerneltest.Rand32(16, ni*ni, 0, 1)
	g := grid2D(ni, ni)
	want := clone(c)
	emulate(t, g, func(th dc.Thread) { Syr2k(th, ni, nj, alpha, beta, a, b, want) })

	// The reference adds the two products one at a time, the kernel their
	// sum: 2·nj roundings of non-negative terms either way, within
	// 2·nj·2⁻²⁴ ≈ 5e-6 relative.
	A, B, C := matrix(a, ni, nj), matrix(b, ni, nj), matrix(c, ni, ni)
	for i := 0; i < ni; i++ {
		for j := 0; j < ni; j++ {
			C[i][j] *= beta
		}
	}
	for i := 0; i < ni; i++ {
		for j := 0; j < ni; j++ {
			for k := 0; k < nj; k++ {
				C[i][j] += alpha * A[i][k] * B[j][k]
				C[i][j] += alpha * B[i][k] * A[j][k]
			}
		}
	}
	kerneltest.Close32(t, "Emulate vs host", want, flat(C), rel, 0)
	for _, dev := range devices(t) {
		cb := upload(t, dev, c)
		launched(t, dev, LaunchSyr2k(dev, g, ni, nj, alpha, beta, upload(t, dev, a), upload(t, dev, b), cb))
		kerneltest.Close32(t, dev.Backend()+" Syr2k", kerneltest.Read(t, cb), want, rel, 0)
	}
}

func TestAtax(t *testing.T) {
	nx, ny := 300, 270 // more than one 256-thread group each way
	a, x := kerneltest.Rand32(17, nx*ny, 0, 1), kerneltest.Rand32(18, ny, 0, 1)
	g1, g2 := grid1D(nx), grid1D(ny)
	tmp, y := make([]float32, nx), make([]float32, ny)
	emulate(t, g1, func(th dc.Thread) { AtaxKernel1(th, nx, ny, a, x, tmp) })
	emulate(t, g2, func(th dc.Thread) { AtaxKernel2(th, nx, ny, a, y, tmp) })

	// The reference interleaves the two products row by row; each element
	// still sums in the kernels' order.
	A := matrix(a, nx, ny)
	hy, htmp := make([]float32, ny), make([]float32, nx)
	for i := 0; i < ny; i++ {
		hy[i] = 0
	}
	for i := 0; i < nx; i++ {
		htmp[i] = 0
		for j := 0; j < ny; j++ {
			htmp[i] = htmp[i] + A[i][j]*x[j]
		}
		for j := 0; j < ny; j++ {
			hy[j] = hy[j] + A[i][j]*htmp[i]
		}
	}
	// 300-term sums: 300·2⁻²⁴ ≈ 2e-5.
	const rel = 4e-5
	kerneltest.Close32(t, "Emulate vs host: tmp", tmp, htmp, rel, 0)
	kerneltest.Close32(t, "Emulate vs host: y", y, hy, rel, 0)
	for _, dev := range devices(t) {
		ab, tb, yb := upload(t, dev, a), zeros(t, dev, nx), zeros(t, dev, ny)
		launched(t, dev, LaunchAtaxKernel1(dev, g1, nx, ny, ab, upload(t, dev, x), tb))
		launched(t, dev, LaunchAtaxKernel2(dev, g2, nx, ny, ab, yb, tb))
		kerneltest.Close32(t, dev.Backend()+" tmp", kerneltest.Read(t, tb), tmp, rel, 0)
		kerneltest.Close32(t, dev.Backend()+" y", kerneltest.Read(t, yb), y, rel, 0)
	}
}

func TestBicg(t *testing.T) {
	nx, ny := 270, 300
	a := kerneltest.Rand32(19, nx*ny, 0, 1)
	r, p := kerneltest.Rand32(20, nx, 0, 1), kerneltest.Rand32(21, ny, 0, 1)
	g1, g2 := grid1D(ny), grid1D(nx)
	s, q := make([]float32, ny), make([]float32, nx)
	emulate(t, g1, func(th dc.Thread) { BicgKernel1(th, nx, ny, a, r, s) })
	emulate(t, g2, func(th dc.Thread) { BicgKernel2(th, nx, ny, a, p, q) })

	A := matrix(a, nx, ny)
	hs, hq := make([]float32, ny), make([]float32, nx)
	for i := 0; i < ny; i++ {
		hs[i] = 0
	}
	for i := 0; i < nx; i++ {
		hq[i] = 0
		for j := 0; j < ny; j++ {
			hs[j] = hs[j] + r[i]*A[i][j]
			hq[i] = hq[i] + A[i][j]*p[j]
		}
	}
	const rel = 4e-5 // 300-term sums, as in TestAtax
	kerneltest.Close32(t, "Emulate vs host: s", s, hs, rel, 0)
	kerneltest.Close32(t, "Emulate vs host: q", q, hq, rel, 0)
	for _, dev := range devices(t) {
		ab, sb, qb := upload(t, dev, a), zeros(t, dev, ny), zeros(t, dev, nx)
		launched(t, dev, LaunchBicgKernel1(dev, g1, nx, ny, ab, upload(t, dev, r), sb))
		launched(t, dev, LaunchBicgKernel2(dev, g2, nx, ny, ab, upload(t, dev, p), qb))
		kerneltest.Close32(t, dev.Backend()+" s", kerneltest.Read(t, sb), s, rel, 0)
		kerneltest.Close32(t, dev.Backend()+" q", kerneltest.Read(t, qb), q, rel, 0)
	}
}

func TestMvt(t *testing.T) {
	n := 300
	a := kerneltest.Rand32(22, n*n, 0, 1)
	x1, x2 := kerneltest.Rand32(23, n, 0, 1), kerneltest.Rand32(24, n, 0, 1)
	y1, y2 := kerneltest.Rand32(25, n, 0, 1), kerneltest.Rand32(26, n, 0, 1)
	g := grid1D(n)
	w1, w2 := clone(x1), clone(x2)
	emulate(t, g, func(th dc.Thread) { MvtKernel1(th, n, a, w1, y1) })
	emulate(t, g, func(th dc.Thread) { MvtKernel2(th, n, a, w2, y2) })

	A, h1, h2 := matrix(a, n, n), clone(x1), clone(x2)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			h1[i] = h1[i] + A[i][j]*y1[j]
		}
	}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			h2[i] = h2[i] + A[j][i]*y2[j]
		}
	}
	const rel = 4e-5 // 300-term sums, as in TestAtax
	kerneltest.Close32(t, "Emulate vs host: x1", w1, h1, rel, 0)
	kerneltest.Close32(t, "Emulate vs host: x2", w2, h2, rel, 0)
	for _, dev := range devices(t) {
		ab, b1, b2 := upload(t, dev, a), upload(t, dev, x1), upload(t, dev, x2)
		launched(t, dev, LaunchMvtKernel1(dev, g, n, ab, b1, upload(t, dev, y1)))
		launched(t, dev, LaunchMvtKernel2(dev, g, n, ab, b2, upload(t, dev, y2)))
		kerneltest.Close32(t, dev.Backend()+" x1", kerneltest.Read(t, b1), w1, rel, 0)
		kerneltest.Close32(t, dev.Backend()+" x2", kerneltest.Read(t, b2), w2, rel, 0)
	}
}

func TestGesummv(t *testing.T) {
	n := 300
	alpha, beta := float32(43532), float32(12313)
	a, b, x := kerneltest.Rand32(27, n*n, 0, 1), kerneltest.Rand32(28, n*n, 0, 1), kerneltest.Rand32(29, n, 0, 1)
	g := grid1D(n)
	tmp, y := make([]float32, n), make([]float32, n)
	emulate(t, g, func(th dc.Thread) { Gesummv(th, n, alpha, beta, a, b, tmp, x, y) })

	A, B := matrix(a, n, n), matrix(b, n, n)
	htmp, hy := make([]float32, n), make([]float32, n)
	for i := 0; i < n; i++ {
		htmp[i] = 0
		hy[i] = 0
		for j := 0; j < n; j++ {
			htmp[i] = A[i][j]*x[j] + htmp[i]
			hy[i] = B[i][j]*x[j] + hy[i]
		}
		hy[i] = alpha*htmp[i] + beta*hy[i]
	}
	const rel = 4e-5 // 300-term sums, as in TestAtax
	kerneltest.Close32(t, "Emulate vs host: tmp", tmp, htmp, rel, 0)
	kerneltest.Close32(t, "Emulate vs host: y", y, hy, rel, 0)
	for _, dev := range devices(t) {
		tb, yb := zeros(t, dev, n), zeros(t, dev, n)
		launched(t, dev, LaunchGesummv(dev, g, n, alpha, beta, upload(t, dev, a), upload(t, dev, b), tb, upload(t, dev, x), yb))
		kerneltest.Close32(t, dev.Backend()+" tmp", kerneltest.Read(t, tb), tmp, rel, 0)
		kerneltest.Close32(t, dev.Backend()+" y", kerneltest.Read(t, yb), y, rel, 0)
	}
}

func TestGemver(t *testing.T) {
	n := 300
	alpha, beta := float32(43532), float32(12313)
	a := kerneltest.Rand32(44, n*n, 0, 1)
	u1, v1, u2, v2 := kerneltest.Rand32(45, n, 0, 1), kerneltest.Rand32(46, n, 0, 1), kerneltest.Rand32(47, n, 0, 1), kerneltest.Rand32(48, n, 0, 1)
	y, z := kerneltest.Rand32(49, n, 0, 1), kerneltest.Rand32(50, n, 0, 1)
	g1, g2 := grid2D(n, n), grid1D(n)
	wa, x, w := clone(a), make([]float32, n), make([]float32, n)
	emulate(t, g1, func(th dc.Thread) { GemverKernel1(th, n, wa, v1, v2, u1, u2) })
	emulate(t, g2, func(th dc.Thread) { GemverKernel2(th, n, beta, wa, x, y, z) })
	emulate(t, g2, func(th dc.Thread) { GemverKernel3(th, n, alpha, wa, x, w) })

	A, hx, hw := matrix(a, n, n), make([]float32, n), make([]float32, n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			A[i][j] = A[i][j] + u1[i]*v1[j] + u2[i]*v2[j]
		}
	}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			hx[i] = hx[i] + beta*A[j][i]*y[j]
		}
	}
	for i := 0; i < n; i++ {
		hx[i] = hx[i] + z[i]
	}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			hw[i] = hw[i] + alpha*A[i][j]*x[j]
		}
	}
	// The kernel adds u2·v2 to u1·v1 before A, the reference one after the
	// other; all terms are non-negative, and the 300-term sums stay within
	// 300·2⁻²⁴ ≈ 2e-5 relative, as in TestAtax.
	const rel = 4e-5
	kerneltest.Close32(t, "Emulate vs host: A", wa, flat(A), rel, 0)
	kerneltest.Close32(t, "Emulate vs host: x", x, hx, rel, 0)
	kerneltest.Close32(t, "Emulate vs host: w", w, hw, rel, 0)
	for _, dev := range devices(t) {
		ab, xb, wb := upload(t, dev, a), zeros(t, dev, n), zeros(t, dev, n)
		launched(t, dev, LaunchGemverKernel1(dev, g1, n, ab, upload(t, dev, v1), upload(t, dev, v2), upload(t, dev, u1), upload(t, dev, u2)))
		launched(t, dev, LaunchGemverKernel2(dev, g2, n, beta, ab, xb, upload(t, dev, y), upload(t, dev, z)))
		launched(t, dev, LaunchGemverKernel3(dev, g2, n, alpha, ab, xb, wb))
		kerneltest.Close32(t, dev.Backend()+" A", kerneltest.Read(t, ab), wa, rel, 0)
		kerneltest.Close32(t, dev.Backend()+" x", kerneltest.Read(t, xb), x, rel, 0)
		kerneltest.Close32(t, dev.Backend()+" w", kerneltest.Read(t, wb), w, rel, 0)
	}
}

func TestDoitgen(t *testing.T) {
	nr, nq, np := 5, 13, 37
	a, c4 := kerneltest.Rand32(51, nr*nq*np, 0, 1), kerneltest.Rand32(52, np*np, 0, 1)
	// PolyBench/GPU sizes the grid's y by nr where the kernels index q;
	// this one covers the nq×np threads of a slice.
	g := grid2D(np, nq)
	wa, sum := clone(a), make([]float32, nr*nq*np)
	for r := 0; r < nr; r++ {
		emulate(t, g, func(th dc.Thread) { DoitgenKernel1(th, nq, np, sum, wa, c4, r) })
		emulate(t, g, func(th dc.Thread) { DoitgenKernel2(th, nq, np, sum, wa, c4, r) })
	}

	ha, hsum := clone(a), make([]float32, nr*nq*np)
	for r := 0; r < nr; r++ {
		for q := 0; q < nq; q++ {
			for p := 0; p < np; p++ {
				hsum[r*(nq*np)+q*np+p] = 0.0
				for s := 0; s < np; s++ {
					hsum[r*(nq*np)+q*np+p] = hsum[r*(nq*np)+q*np+p] + ha[r*(nq*np)+q*np+s]*c4[s*np+p]
				}
			}
			for p := 0; p < np; p++ {
				ha[r*(nq*np)+q*np+p] = hsum[r*(nq*np)+q*np+p]
			}
		}
	}
	kerneltest.Close32(t, "Emulate vs host: sum", sum, hsum, rel, 0)
	kerneltest.Close32(t, "Emulate vs host: A", wa, ha, rel, 0)
	for _, dev := range devices(t) {
		sb, ab, cb := zeros(t, dev, nr*nq*np), upload(t, dev, a), upload(t, dev, c4)
		for r := 0; r < nr; r++ {
			launched(t, dev, LaunchDoitgenKernel1(dev, g, nq, np, sb, ab, cb, r))
			launched(t, dev, LaunchDoitgenKernel2(dev, g, nq, np, sb, ab, cb, r))
		}
		kerneltest.Close32(t, dev.Backend()+" sum", kerneltest.Read(t, sb), sum, rel, 0)
		kerneltest.Close32(t, dev.Backend()+" A", kerneltest.Read(t, ab), wa, rel, 0)
	}
}
