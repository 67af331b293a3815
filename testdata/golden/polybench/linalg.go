package polybench

import "github.com/dotcompute/dc"

// The linear-algebra kernels of PolyBench/GPU (2MM, 3MM, GEMM, SYRK, SYR2K,
// ATAX, BICG, MVT, GESUMMV, GEMVER, DOITGEN): one thread per output
// element, accumulating into global memory, mostly in the order of
// PolyBench's CPU reference. Matrices
// are row-major; the 2-D kernels take x as the column and y as the row, in
// 32×8 groups, the 1-D ones run in groups of 256.

// MM2Kernel1 is 2MM's first product: tmp = alpha·A·B, with A ni×nk and
// B nk×nj.
//
//dc:kernel
func MM2Kernel1(t dc.Thread, ni, nj, nk int, alpha float32, tmp, a, b []float32) {
	j, i := t.GlobalX(), t.GlobalY()
	if i < ni && j < nj {
		tmp[i*nj+j] = 0
		for k := 0; k < nk; k++ {
			tmp[i*nj+j] += alpha * a[i*nk+k] * b[k*nj+j]
		}
	}
}

// MM2Kernel2 is 2MM's second product: D = beta·D + tmp·C, with tmp ni×nj,
// C nj×nl and D ni×nl.
//
//dc:kernel
func MM2Kernel2(t dc.Thread, ni, nj, nl int, beta float32, tmp, c, d []float32) {
	j, i := t.GlobalX(), t.GlobalY()
	if i < ni && j < nl {
		d[i*nl+j] *= beta
		for k := 0; k < nj; k++ {
			d[i*nl+j] += tmp[i*nj+k] * c[k*nl+j]
		}
	}
}

// MM3Kernel1 is 3MM's E = A·B (A ni×nk, B nk×nj).
//
//dc:kernel
func MM3Kernel1(t dc.Thread, ni, nj, nk int, a, b, e []float32) {
	j, i := t.GlobalX(), t.GlobalY()
	if i < ni && j < nj {
		e[i*nj+j] = 0
		for k := 0; k < nk; k++ {
			e[i*nj+j] += a[i*nk+k] * b[k*nj+j]
		}
	}
}

// MM3Kernel2 is 3MM's F = C·D (C nj×nm, D nm×nl).
//
//dc:kernel
func MM3Kernel2(t dc.Thread, nj, nl, nm int, c, d, f []float32) {
	j, i := t.GlobalX(), t.GlobalY()
	if i < nj && j < nl {
		f[i*nl+j] = 0
		for k := 0; k < nm; k++ {
			f[i*nl+j] += c[i*nm+k] * d[k*nl+j]
		}
	}
}

// MM3Kernel3 is 3MM's G = E·F (E ni×nj, F nj×nl).
//
//dc:kernel
func MM3Kernel3(t dc.Thread, ni, nj, nl int, e, f, g []float32) {
	j, i := t.GlobalX(), t.GlobalY()
	if i < ni && j < nl {
		g[i*nl+j] = 0
		for k := 0; k < nj; k++ {
			g[i*nl+j] += e[i*nj+k] * f[k*nl+j]
		}
	}
}

// Gemm computes C = beta·C + alpha·A·B (A ni×nk, B nk×nj, C ni×nj), in
// float32 or float64: PolyBench's DATA_TYPE is a type parameter here.
//
//dc:kernel types=float32,float64
func Gemm[T dc.Float](t dc.Thread, ni, nj, nk int, alpha, beta T, a, b, c []T) {
	j, i := t.GlobalX(), t.GlobalY()
	if i < ni && j < nj {
		c[i*nj+j] *= beta
		for k := 0; k < nk; k++ {
			c[i*nj+j] += alpha * a[i*nk+k] * b[k*nj+j]
		}
	}
}

// Syrk computes the symmetric rank-k update C = beta·C + alpha·A·Aᵀ
// (A ni×nj, C ni×ni), every element of C, both triangles.
//
//dc:kernel
func Syrk(t dc.Thread, ni, nj int, alpha, beta float32, a, c []float32) {
	j, i := t.GlobalX(), t.GlobalY()
	if i < ni && j < ni {
		c[i*ni+j] *= beta
		for k := 0; k < nj; k++ {
			c[i*ni+j] += alpha * a[i*nj+k] * a[j*nj+k]
		}
	}
}

// Syr2k computes the symmetric rank-2k update
// C = beta·C + alpha·A·Bᵀ + alpha·B·Aᵀ (A and B ni×nj, C ni×ni), adding
// both products of a step at once as PolyBench/GPU's kernel does.
//
//dc:kernel
func Syr2k(t dc.Thread, ni, nj int, alpha, beta float32, a, b, c []float32) {
	j, i := t.GlobalX(), t.GlobalY()
	if i < ni && j < ni {
		c[i*ni+j] *= beta
		for k := 0; k < nj; k++ {
			c[i*ni+j] += alpha*a[i*nj+k]*b[j*nj+k] + alpha*b[i*nj+k]*a[j*nj+k]
		}
	}
}

// AtaxKernel1 is ATAX's tmp = A·x (A nx×ny), one thread per row.
//
//dc:kernel
func AtaxKernel1(t dc.Thread, nx, ny int, a, x, tmp []float32) {
	i := t.GlobalX()
	if i < nx {
		tmp[i] = 0
		for j := 0; j < ny; j++ {
			tmp[i] += a[i*ny+j] * x[j]
		}
	}
}

// AtaxKernel2 is ATAX's y = Aᵀ·tmp, one thread per column.
//
//dc:kernel
func AtaxKernel2(t dc.Thread, nx, ny int, a, y, tmp []float32) {
	j := t.GlobalX()
	if j < ny {
		y[j] = 0
		for i := 0; i < nx; i++ {
			y[j] += a[i*ny+j] * tmp[i]
		}
	}
}

// BicgKernel1 is BiCG's s = Aᵀ·r (A nx×ny), one thread per column.
//
//dc:kernel
func BicgKernel1(t dc.Thread, nx, ny int, a, r, s []float32) {
	j := t.GlobalX()
	if j < ny {
		s[j] = 0
		for i := 0; i < nx; i++ {
			s[j] += r[i] * a[i*ny+j]
		}
	}
}

// BicgKernel2 is BiCG's q = A·p, one thread per row.
//
//dc:kernel
func BicgKernel2(t dc.Thread, nx, ny int, a, p, q []float32) {
	i := t.GlobalX()
	if i < nx {
		q[i] = 0
		for j := 0; j < ny; j++ {
			q[i] += a[i*ny+j] * p[j]
		}
	}
}

// MvtKernel1 is MVT's x1 += A·y1 (A n×n).
//
//dc:kernel
func MvtKernel1(t dc.Thread, n int, a, x1, y1 []float32) {
	i := t.GlobalX()
	if i < n {
		for j := 0; j < n; j++ {
			x1[i] += a[i*n+j] * y1[j]
		}
	}
}

// MvtKernel2 is MVT's x2 += Aᵀ·y2.
//
//dc:kernel
func MvtKernel2(t dc.Thread, n int, a, x2, y2 []float32) {
	i := t.GlobalX()
	if i < n {
		for j := 0; j < n; j++ {
			x2[i] += a[j*n+i] * y2[j]
		}
	}
}

// Gesummv computes y = alpha·A·x + beta·B·x (A and B n×n), accumulating
// A·x into tmp and B·x into y, which the caller zeroes, as PolyBench/GPU
// does.
//
//dc:kernel
func Gesummv(t dc.Thread, n int, alpha, beta float32, a, b, tmp, x, y []float32) {
	i := t.GlobalX()
	if i < n {
		for j := 0; j < n; j++ {
			tmp[i] += a[i*n+j] * x[j]
			y[i] += b[i*n+j] * x[j]
		}
		y[i] = alpha*tmp[i] + beta*y[i]
	}
}

// GemverKernel1 is GEMVER's rank-2 update A += u1·v1ᵀ + u2·v2ᵀ (A n×n),
// adding the two products together as PolyBench/GPU's kernel does.
//
//dc:kernel
func GemverKernel1(t dc.Thread, n int, a, v1, v2, u1, u2 []float32) {
	j, i := t.GlobalX(), t.GlobalY()
	if i < n && j < n {
		a[i*n+j] += u1[i]*v1[j] + u2[i]*v2[j]
	}
}

// GemverKernel2 is GEMVER's x += beta·Aᵀ·y + z.
//
//dc:kernel
func GemverKernel2(t dc.Thread, n int, beta float32, a, x, y, z []float32) {
	i := t.GlobalX()
	if i < n {
		for j := 0; j < n; j++ {
			x[i] += beta * a[j*n+i] * y[j]
		}
		x[i] += z[i]
	}
}

// GemverKernel3 is GEMVER's w += alpha·A·x.
//
//dc:kernel
func GemverKernel3(t dc.Thread, n int, alpha float32, a, x, w []float32) {
	i := t.GlobalX()
	if i >= 0 && i < n {
		for j := 0; j < n; j++ {
			w[i] += alpha * a[i*n+j] * x[j]
		}
	}
}

// DoitgenKernel1 is DOITGEN's contraction of slice r of the nr×nq×np
// tensor a with the np×np matrix c4, into the same slice of sum.
//
//dc:kernel
func DoitgenKernel1(t dc.Thread, nq, np int, sum, a, c4 []float32, r int) {
	p, q := t.GlobalX(), t.GlobalY()
	if p < np && q < nq {
		sum[r*(nq*np)+q*np+p] = 0.0
		for s := 0; s < np; s++ {
			sum[r*(nq*np)+q*np+p] = sum[r*(nq*np)+q*np+p] + a[r*(nq*np)+q*np+s]*c4[s*np+p]
		}
	}
}

// DoitgenKernel2 copies slice r of sum back into a.
//
//dc:kernel
func DoitgenKernel2(t dc.Thread, nq, np int, sum, a, c4 []float32, r int) {
	p, q := t.GlobalX(), t.GlobalY()
	if p < np && q < nq {
		a[r*(nq*np)+q*np+p] = sum[r*(nq*np)+q*np+p]
	}
}
