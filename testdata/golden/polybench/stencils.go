package polybench

import "github.com/dotcompute/dc"

// The stencil kernels of PolyBench/GPU (2DCONV, 3DCONV, FDTD-2D, JACOBI1D,
// JACOBI2D). The host launches them once per time step (or, for 3DCONV,
// once per plane), as the CUDA versions do; the 2-D kernels take x as the
// column and y as the row, in 32×8 groups, the 1-D ones run in groups of
// 256.

// Convolution2D applies PolyBench's 3×3 filter to the interior of the
// ni×nj image a, writing b; the border of b is left as it is.
//
//dc:kernel
func Convolution2D(t dc.Thread, ni, nj int, a, b []float32) {
	j, i := t.GlobalX(), t.GlobalY()
	const (
		c11, c21, c31 = +0.2, +0.5, -0.8
		c12, c22, c32 = -0.3, +0.6, -0.9
		c13, c23, c33 = +0.4, +0.7, +0.10
	)
	if i < ni-1 && j < nj-1 && i > 0 && j > 0 {
		b[i*nj+j] = c11*a[(i-1)*nj+(j-1)] + c21*a[(i-1)*nj+(j+0)] + c31*a[(i-1)*nj+(j+1)] +
			c12*a[(i+0)*nj+(j-1)] + c22*a[(i+0)*nj+(j+0)] + c32*a[(i+0)*nj+(j+1)] +
			c13*a[(i+1)*nj+(j-1)] + c23*a[(i+1)*nj+(j+0)] + c33*a[(i+1)*nj+(j+1)]
	}
}

// Convolution3D applies PolyBench's 3-D filter (its fifteen taps, repeats
// included) to plane i of the ni×nj×nk volume a, writing b; x is k and y
// is j, and the host launches it once for each interior plane.
//
//dc:kernel
func Convolution3D(t dc.Thread, ni, nj, nk int, a, b []float32, i int) {
	k, j := t.GlobalX(), t.GlobalY()
	var c11, c12, c13, c21, c22, c23, c31, c32, c33 float32
	c11, c21, c31 = +2, +5, -8
	c12, c22, c32 = -3, +6, -9
	c13, c23, c33 = +4, +7, +10
	if i < ni-1 && j < nj-1 && k < nk-1 && i > 0 && j > 0 && k > 0 {
		b[i*(nk*nj)+j*nk+k] = c11*a[(i-1)*(nk*nj)+(j-1)*nk+(k-1)] + c13*a[(i+1)*(nk*nj)+(j-1)*nk+(k-1)] +
			c21*a[(i-1)*(nk*nj)+(j-1)*nk+(k-1)] + c23*a[(i+1)*(nk*nj)+(j-1)*nk+(k-1)] +
			c31*a[(i-1)*(nk*nj)+(j-1)*nk+(k-1)] + c33*a[(i+1)*(nk*nj)+(j-1)*nk+(k-1)] +
			c12*a[(i+0)*(nk*nj)+(j-1)*nk+(k+0)] + c22*a[(i+0)*(nk*nj)+(j+0)*nk+(k+0)] +
			c32*a[(i+0)*(nk*nj)+(j+1)*nk+(k+0)] + c11*a[(i-1)*(nk*nj)+(j-1)*nk+(k+1)] +
			c13*a[(i+1)*(nk*nj)+(j-1)*nk+(k+1)] + c21*a[(i-1)*(nk*nj)+(j+0)*nk+(k+1)] +
			c23*a[(i+1)*(nk*nj)+(j+0)*nk+(k+1)] + c31*a[(i-1)*(nk*nj)+(j+1)*nk+(k+1)] +
			c33*a[(i+1)*(nk*nj)+(j+1)*nk+(k+1)]
	}
}

// FdtdStep1 updates the electric field ey of an nx×ny grid for time step
// t, row 0 from the source fict.
//
//dc:kernel
func FdtdStep1(th dc.Thread, nx, ny int, fict, ex, ey, hz []float32, t int) {
	j, i := th.GlobalX(), th.GlobalY()
	if i < nx && j < ny {
		if i == 0 {
			ey[i*ny+j] = fict[t]
		} else {
			ey[i*ny+j] = ey[i*ny+j] - 0.5*(hz[i*ny+j]-hz[(i-1)*ny+j])
		}
	}
}

// FdtdStep2 updates the electric field ex.
//
//dc:kernel
func FdtdStep2(th dc.Thread, nx, ny int, ex, ey, hz []float32, t int) {
	j, i := th.GlobalX(), th.GlobalY()
	if i < nx && j < ny && j > 0 {
		ex[i*ny+j] = ex[i*ny+j] - 0.5*(hz[i*ny+j]-hz[i*ny+(j-1)])
	}
}

// FdtdStep3 updates the magnetic field hz from ex and ey.
//
//dc:kernel
func FdtdStep3(th dc.Thread, nx, ny int, ex, ey, hz []float32, t int) {
	j, i := th.GlobalX(), th.GlobalY()
	if i < nx-1 && j < ny-1 {
		hz[i*ny+j] = hz[i*ny+j] - 0.7*(ex[i*ny+(j+1)]-ex[i*ny+j]+ey[(i+1)*ny+j]-ey[i*ny+j])
	}
}

// Jacobi1DStep is a step of the 1-D Jacobi stencil: b = the three-point
// average of a, inside the n points.
//
//dc:kernel
func Jacobi1DStep(t dc.Thread, n int, a, b []float32) {
	i := t.GlobalX()
	if i > 0 && i < n-1 {
		b[i] = 0.33333 * (a[i-1] + a[i] + a[i+1])
	}
}

// Jacobi1DCopy copies the interior of b back to a.
//
//dc:kernel
func Jacobi1DCopy(t dc.Thread, n int, a, b []float32) {
	j := t.GlobalX()
	if j > 0 && j < n-1 {
		a[j] = b[j]
	}
}

// Jacobi2DStep is a step of the 2-D Jacobi stencil on an n×n grid: b = the
// five-point average of a, inside.
//
//dc:kernel
func Jacobi2DStep(t dc.Thread, n int, a, b []float32) {
	i, j := t.GlobalY(), t.GlobalX()
	if i >= 1 && i < n-1 && j >= 1 && j < n-1 {
		b[i*n+j] = 0.2 * (a[i*n+j] + a[i*n+(j-1)] + a[i*n+(1+j)] + a[(1+i)*n+j] + a[(i-1)*n+j])
	}
}

// Jacobi2DCopy copies the interior of b back to a.
//
//dc:kernel
func Jacobi2DCopy(t dc.Thread, n int, a, b []float32) {
	i, j := t.GlobalY(), t.GlobalX()
	if i >= 1 && i < n-1 && j >= 1 && j < n-1 {
		a[i*n+j] = b[i*n+j]
	}
}
