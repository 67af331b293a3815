package polybench

import "github.com/dotcompute/dc"

// The covariance kernels and the solvers of PolyBench/GPU (COVAR,
// GRAMSCHM, LU, ADI). The solvers are driven from the host: one launch of
// each kernel per column k (per row for ADI's column sweep), as the CUDA
// versions do.

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

// The ADI kernels sweep the n×n grids x and b (coefficients a) along the
// rows, one thread per row (1 to 3), then along the columns, one launch per
// row with a thread per column (4 to 6).

// AdiKernel1 is the forward sweep along each row.
//
//dc:kernel
func AdiKernel1(t dc.Thread, n int, a, b, x []float32) {
	i1 := t.GlobalX()
	if i1 < n {
		for i2 := 1; i2 < n; i2++ {
			x[i1*n+i2] = x[i1*n+i2] - x[i1*n+(i2-1)]*a[i1*n+i2]/b[i1*n+(i2-1)]
			b[i1*n+i2] = b[i1*n+i2] - a[i1*n+i2]*a[i1*n+i2]/b[i1*n+(i2-1)]
		}
	}
}

// AdiKernel2 scales each row's last element.
//
//dc:kernel
func AdiKernel2(t dc.Thread, n int, a, b, x []float32) {
	i1 := t.GlobalX()
	if i1 < n {
		x[i1*n+(n-1)] = x[i1*n+(n-1)] / b[i1*n+(n-1)]
	}
}

// AdiKernel3 is the backward sweep along each row.
//
//dc:kernel
func AdiKernel3(t dc.Thread, n int, a, b, x []float32) {
	i1 := t.GlobalX()
	if i1 < n {
		for i2 := 0; i2 < n-2; i2++ {
			x[i1*n+(n-i2-2)] = (x[i1*n+(n-2-i2)] - x[i1*n+(n-2-i2-1)]*a[i1*n+(n-i2-3)]) / b[i1*n+(n-3-i2)]
		}
	}
}

// AdiKernel4 is the forward step of the column sweep at row i1.
//
//dc:kernel
func AdiKernel4(t dc.Thread, n int, a, b, x []float32, i1 int) {
	i2 := t.GlobalX()
	if i2 < n {
		x[i1*n+i2] = x[i1*n+i2] - x[(i1-1)*n+i2]*a[i1*n+i2]/b[(i1-1)*n+i2]
		b[i1*n+i2] = b[i1*n+i2] - a[i1*n+i2]*a[i1*n+i2]/b[(i1-1)*n+i2]
	}
}

// AdiKernel5 scales the last row.
//
//dc:kernel
func AdiKernel5(t dc.Thread, n int, a, b, x []float32) {
	i2 := t.GlobalX()
	if i2 < n {
		x[(n-1)*n+i2] = x[(n-1)*n+i2] / b[(n-1)*n+i2]
	}
}

// AdiKernel6 is the backward step of the column sweep for row n-2-i1.
//
//dc:kernel
func AdiKernel6(t dc.Thread, n int, a, b, x []float32, i1 int) {
	i2 := t.GlobalX()
	if i2 < n {
		x[(n-2-i1)*n+i2] = (x[(n-2-i1)*n+i2] - x[(n-i1-3)*n+i2]*a[(n-3-i1)*n+i2]) / b[(n-2-i1)*n+i2]
	}
}
