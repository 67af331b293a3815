package polybench

import (
	"math"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
)

func TestCovariance(t *testing.T) {
	m, n := 70, 50
	data := kerneltest.Rand32(41, n*m, 0, 1)
	floatN := float32(n)
	// PolyBench/GPU's own grids for the first two kernels divide before
	// rounding up (and the second by the wrong block side), leaving threads
	// out unless the sizes are multiples; these cover every column and row.
	g1, g2, g3 := grid1D(m), grid2D(m, n), grid1D(m)
	mean, d, sym := make([]float32, m), clone(data), make([]float32, m*m)
	emulate(t, g1, func(th dc.Thread) { CovarMean(th, m, n, floatN, mean, d) })
	emulate(t, g2, func(th dc.Thread) { CovarReduce(th, m, n, mean, d) })
	emulate(t, g3, func(th dc.Thread) { CovarCovar(th, m, n, sym, d) })

	D, S, hmean := matrix(data, n, m), matrix(make([]float32, m*m), m, m), make([]float32, m)
	for j := 0; j < m; j++ {
		hmean[j] = 0.0
		for i := 0; i < n; i++ {
			hmean[j] += D[i][j]
		}
		hmean[j] /= floatN
	}
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			D[i][j] -= hmean[j]
		}
	}
	for j1 := 0; j1 < m; j1++ {
		for j2 := j1; j2 < m; j2++ {
			S[j1][j2] = 0.0
			for i := 0; i < n; i++ {
				S[j1][j2] += D[i][j1] * D[i][j2]
			}
			S[j2][j1] = S[j1][j2]
		}
	}
	// The means are sums of non-negative terms (rel). The centred data
	// have both signs, so the covariances cancel: a fused multiply-add
	// moves one by half an ulp of a running sum, within n·2⁻²⁴ times the
	// sum of the products' magnitudes, at most n/4.
	abs := float64(n) * float64(n) / 4 / (1 << 24)
	kerneltest.Close32(t, "Emulate vs host: mean", mean, hmean, rel, 0)
	kerneltest.Close32(t, "Emulate vs host: data", d, flat(D), rel, 1e-7)
	kerneltest.Close32(t, "Emulate vs host: symmat", sym, flat(S), 0, abs)
	for _, dev := range devices(t) {
		mb, db, sb := zeros(t, dev, m), upload(t, dev, data), zeros(t, dev, m*m)
		launched(t, dev, LaunchCovarMean(dev, g1, m, n, floatN, mb, db))
		launched(t, dev, LaunchCovarReduce(dev, g2, m, n, mb, db))
		launched(t, dev, LaunchCovarCovar(dev, g3, m, n, sb, db))
		kerneltest.Close32(t, dev.Backend()+" mean", kerneltest.Read(t, mb), mean, rel, 0)
		kerneltest.Close32(t, dev.Backend()+" data", kerneltest.Read(t, db), d, rel, 1e-7)
		kerneltest.Close32(t, dev.Backend()+" symmat", kerneltest.Read(t, sb), sym, 0, abs)
	}
}

func TestGramSchmidt(t *testing.T) {
	ni, nj := 300, 40 // the rows span two 256-thread groups
	a := kerneltest.Rand32(42, ni*nj, -1, 1)
	// Kernel 1 runs in one group, where thread 0 works; kernel 2 has a
	// thread per row and kernel 3 one per column (PolyBench/GPU sizes both
	// grids by the columns, which misses rows when there are more rows).
	g1, g2, g3 := grid1D(1), grid1D(ni), grid1D(nj)
	wa, wr, wq := clone(a), make([]float32, nj*nj), make([]float32, ni*nj)
	for k := 0; k < nj; k++ {
		emulate(t, g1, func(th dc.Thread) { GramSchmidt1(th, ni, nj, wa, wr, wq, k) })
		emulate(t, g2, func(th dc.Thread) { GramSchmidt2(th, ni, nj, wa, wr, wq, k) })
		emulate(t, g3, func(th dc.Thread) { GramSchmidt3(th, ni, nj, wa, wr, wq, k) })
	}

	A, R, Q := matrix(a, ni, nj), matrix(make([]float32, nj*nj), nj, nj), matrix(make([]float32, ni*nj), ni, nj)
	for k := 0; k < nj; k++ {
		var nrm float32
		for i := 0; i < ni; i++ {
			nrm += A[i][k] * A[i][k]
		}
		R[k][k] = float32(math.Sqrt(float64(nrm)))
		for i := 0; i < ni; i++ {
			Q[i][k] = A[i][k] / R[k][k]
		}
		for j := k + 1; j < nj; j++ {
			R[k][j] = 0
			for i := 0; i < ni; i++ {
				R[k][j] += Q[i][k] * A[i][j]
			}
			for i := 0; i < ni; i++ {
				A[i][j] = A[i][j] - Q[i][k]*R[k][j]
			}
		}
	}
	// Q has unit columns and R entries up to the columns' norms, about
	// √(ni/3) = 10; the projections cancel, so the bounds are absolute: a
	// fused multiply-add per term moves a dot product of ni terms by up to
	// ni·2⁻²⁴ of its terms' magnitudes, and the columns, independent
	// random vectors in 300 dimensions, are far from dependent, so nothing
	// amplifies that much over the 40 columns.
	const absQ, absR = 1e-5, 1e-4
	kerneltest.Close32(t, "Emulate vs host: Q", wq, flat(Q), 0, absQ)
	kerneltest.Close32(t, "Emulate vs host: R", wr, flat(R), 0, absR)
	kerneltest.Close32(t, "Emulate vs host: A", wa, flat(A), 0, absR)
	for _, dev := range devices(t) {
		ab, rb, qb := upload(t, dev, a), zeros(t, dev, nj*nj), zeros(t, dev, ni*nj)
		for k := 0; k < nj; k++ {
			launched(t, dev, LaunchGramSchmidt1(dev, g1, ni, nj, ab, rb, qb, k))
			launched(t, dev, LaunchGramSchmidt2(dev, g2, ni, nj, ab, rb, qb, k))
			launched(t, dev, LaunchGramSchmidt3(dev, g3, ni, nj, ab, rb, qb, k))
		}
		kerneltest.Close32(t, dev.Backend()+" Q", kerneltest.Read(t, qb), wq, 0, absQ)
		kerneltest.Close32(t, dev.Backend()+" R", kerneltest.Read(t, rb), wr, 0, absR)
		kerneltest.Close32(t, dev.Backend()+" A", kerneltest.Read(t, ab), wa, 0, absR)
	}
}

func TestLU(t *testing.T) {
	n := 45
	// Diagonally dominant, so elimination without pivoting is stable.
	a := kerneltest.Rand32(43, n*n, 0, 1)
	for i := 0; i < n; i++ {
		a[i*n+i] += float32(n)
	}
	// PolyBench/GPU shrinks both grids with k (ceil((n-k-1)/block) groups)
	// while the kernels index from column and row 0, so for large k its
	// grids stop reaching the trailing block; these cover the whole matrix.
	g1, g2 := grid1D(n), grid2D(n, n)
	want := clone(a)
	for k := 0; k < n; k++ {
		emulate(t, g1, func(th dc.Thread) { LUKernel1(th, n, want, k) })
		emulate(t, g2, func(th dc.Thread) { LUKernel2(th, n, want, k) })
	}

	A := matrix(a, n, n)
	for k := 0; k < n; k++ {
		for j := k + 1; j < n; j++ {
			A[k][j] = A[k][j] / A[k][k]
		}
		for i := k + 1; i < n; i++ {
			for j := k + 1; j < n; j++ {
				A[i][j] = A[i][j] - A[i][k]*A[k][j]
			}
		}
	}
	// The updates are small against the dominant diagonal; a fused
	// multiply-add changes one by half an ulp of the entry (at most about
	// n), and entries below 1 by less than 2⁻²⁴ each of n steps.
	const rel, abs = 1e-5, 1e-6
	kerneltest.Close32(t, "Emulate vs host", want, flat(A), rel, abs)
	for _, dev := range devices(t) {
		ab := upload(t, dev, a)
		for k := 0; k < n; k++ {
			launched(t, dev, LaunchLUKernel1(dev, g1, n, ab, k))
			launched(t, dev, LaunchLUKernel2(dev, g2, n, ab, k))
		}
		kerneltest.Close32(t, dev.Backend()+" LU", kerneltest.Read(t, ab), want, rel, abs)
	}
}

func TestAdi(t *testing.T) {
	tsteps, n := 2, 40
	// PolyBench's own initialisation makes the sweeps divide by numbers
	// close to what they subtract from, and X grows to 5e7 in two steps,
	// amplifying every rounding; small coefficients against the diagonal
	// b keep the sweeps stable.
	a, b, x := kerneltest.Rand32(53, n*n, 0, 0.1), kerneltest.Rand32(54, n*n, 1, 2), kerneltest.Rand32(55, n*n, 0, 1)
	g := grid1D(n)
	wb, wx := clone(b), clone(x)
	for range tsteps {
		emulate(t, g, func(th dc.Thread) { AdiKernel1(th, n, a, wb, wx) })
		emulate(t, g, func(th dc.Thread) { AdiKernel2(th, n, a, wb, wx) })
		emulate(t, g, func(th dc.Thread) { AdiKernel3(th, n, a, wb, wx) })
		for i1 := 1; i1 < n; i1++ {
			emulate(t, g, func(th dc.Thread) { AdiKernel4(th, n, a, wb, wx, i1) })
		}
		emulate(t, g, func(th dc.Thread) { AdiKernel5(th, n, a, wb, wx) })
		for i1 := 0; i1 < n-2; i1++ {
			emulate(t, g, func(th dc.Thread) { AdiKernel6(th, n, a, wb, wx, i1) })
		}
	}

	A, B, X := matrix(a, n, n), matrix(b, n, n), matrix(x, n, n)
	for range tsteps {
		for i1 := 0; i1 < n; i1++ {
			for i2 := 1; i2 < n; i2++ {
				X[i1][i2] = X[i1][i2] - X[i1][i2-1]*A[i1][i2]/B[i1][i2-1]
				B[i1][i2] = B[i1][i2] - A[i1][i2]*A[i1][i2]/B[i1][i2-1]
			}
		}
		for i1 := 0; i1 < n; i1++ {
			X[i1][n-1] = X[i1][n-1] / B[i1][n-1]
		}
		for i1 := 0; i1 < n; i1++ {
			for i2 := 0; i2 < n-2; i2++ {
				X[i1][n-i2-2] = (X[i1][n-2-i2] - X[i1][n-2-i2-1]*A[i1][n-i2-3]) / B[i1][n-3-i2]
			}
		}
		for i1 := 1; i1 < n; i1++ {
			for i2 := 0; i2 < n; i2++ {
				X[i1][i2] = X[i1][i2] - X[i1-1][i2]*A[i1][i2]/B[i1-1][i2]
				B[i1][i2] = B[i1][i2] - A[i1][i2]*A[i1][i2]/B[i1-1][i2]
			}
		}
		for i2 := 0; i2 < n; i2++ {
			X[n-1][i2] = X[n-1][i2] / B[n-1][i2]
		}
		for i1 := 0; i1 < n-2; i1++ {
			for i2 := 0; i2 < n; i2++ {
				X[n-2-i1][i2] = (X[n-2-i1][i2] - X[n-i1-3][i2]*A[n-3-i1][i2]) / B[n-2-i1][i2]
			}
		}
	}
	// B's updates have no product to fuse with an addition: every backend
	// must give the same bits. X's backward sweeps (kernels 3 and 6) may
	// fuse x - x'·a, which moves the result by up to half an ulp of the
	// product (below 0.1, so 2⁻²⁸) before the division by b ≥ 1, and the
	// sweeps pass a change on multiplied by a/b < 0.1: the differences stay
	// below 2⁻²⁴ absolute, however much x - x'·a cancels.
	const abs = 1.0 / (1 << 24)
	kerneltest.Equal(t, "Emulate vs host: B", wb, flat(B))
	kerneltest.Close32(t, "Emulate vs host: X", wx, flat(X), 0, abs)
	for _, dev := range devices(t) {
		ab, bb, xb := upload(t, dev, a), upload(t, dev, b), upload(t, dev, x)
		for range tsteps {
			launched(t, dev, LaunchAdiKernel1(dev, g, n, ab, bb, xb))
			launched(t, dev, LaunchAdiKernel2(dev, g, n, ab, bb, xb))
			launched(t, dev, LaunchAdiKernel3(dev, g, n, ab, bb, xb))
			for i1 := 1; i1 < n; i1++ {
				launched(t, dev, LaunchAdiKernel4(dev, g, n, ab, bb, xb, i1))
			}
			launched(t, dev, LaunchAdiKernel5(dev, g, n, ab, bb, xb))
			for i1 := 0; i1 < n-2; i1++ {
				launched(t, dev, LaunchAdiKernel6(dev, g, n, ab, bb, xb, i1))
			}
		}
		kerneltest.Equal(t, dev.Backend()+" B", kerneltest.Read(t, bb), wb)
		kerneltest.Close32(t, dev.Backend()+" X", kerneltest.Read(t, xb), wx, 0, abs)
	}
}
