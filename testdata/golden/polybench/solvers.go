package polybench

import "github.com/dotcompute/dc"

// The covariance kernels and the factorisations of PolyBench/GPU (COVAR,
// GRAMSCHM, LU). The factorisations are driven from the host: one launch
// of each kernel per column k, as the CUDA versions do.

// CovarMean computes the mean of each of the m columns of data (n rows).
//
//dc:kernel
func CovarMean(t dc.Thread, m, n int, floatN float32, mean, data []float32) {
	j := t.GlobalX()
	if j < m {
		mean[j] = 0.0
		for i := 0; i < n; i++ {
			mean[j] += data[i*m+j]
		}
		mean[j] /= floatN
	}
}

// CovarReduce centres the columns of data on their means.
//
//dc:kernel
func CovarReduce(t dc.Thread, m, n int, mean, data []float32) {
	j, i := t.GlobalX(), t.GlobalY()
	if i < n && j < m {
		data[i*m+j] -= mean[j]
	}
}

// CovarCovar computes the m×m covariance matrix of the centred columns,
// one thread per row j1 filling row and column j1 from the diagonal on.
//
//dc:kernel
func CovarCovar(t dc.Thread, m, n int, symmat, data []float32) {
	j1 := t.GlobalX()
	if j1 < m {
		for j2 := j1; j2 < m; j2++ {
			symmat[j1*m+j2] = 0.0
			for i := 0; i < n; i++ {
				symmat[j1*m+j2] += data[i*m+j1] * data[i*m+j2]
			}
			symmat[j2*m+j1] = symmat[j1*m+j2]
		}
	}
}

// GramSchmidt1 stores the norm of column k of a (ni×nj) in r[k][k]; only
// thread 0 works, as in PolyBench/GPU's one-group launch.
//
//dc:kernel
func GramSchmidt1(t dc.Thread, ni, nj int, a, r, q []float32, k int) {
	if t.GlobalX() == 0 {
		var nrm float32
		for i := 0; i < ni; i++ {
			nrm += a[i*nj+k] * a[i*nj+k]
		}
		r[k*nj+k] = dc.Sqrt(nrm)
	}
}

// GramSchmidt2 writes column k of q: column k of a over its norm.
//
//dc:kernel
func GramSchmidt2(t dc.Thread, ni, nj int, a, r, q []float32, k int) {
	i := t.GlobalX()
	if i < ni {
		q[i*nj+k] = a[i*nj+k] / r[k*nj+k]
	}
}

// GramSchmidt3 projects column k of q out of every later column j of a,
// storing the projection in r[k][j].
//
//dc:kernel
func GramSchmidt3(t dc.Thread, ni, nj int, a, r, q []float32, k int) {
	j := t.GlobalX()
	if j > k && j < nj {
		r[k*nj+j] = 0.0
		for i := 0; i < ni; i++ {
			r[k*nj+j] += q[i*nj+k] * a[i*nj+j]
		}
		for i := 0; i < ni; i++ {
			a[i*nj+j] -= q[i*nj+k] * r[k*nj+j]
		}
	}
}

// LUKernel1 divides row k of the n×n matrix a right of the diagonal by the
// pivot a[k][k].
//
//dc:kernel
func LUKernel1(t dc.Thread, n int, a []float32, k int) {
	j := t.GlobalX()
	if j > k && j < n {
		a[k*n+j] = a[k*n+j] / a[k*n+k]
	}
}

// LUKernel2 eliminates column k from the trailing (n-k-1)×(n-k-1) block.
//
//dc:kernel
func LUKernel2(t dc.Thread, n int, a []float32, k int) {
	j, i := t.GlobalX(), t.GlobalY()
	if i > k && j > k && i < n && j < n {
		a[i*n+j] = a[i*n+j] - a[i*n+k]*a[k*n+j]
	}
}
