// Package polybench is a golden case: the kernels of PolyBench/GPU (the
// CUDA version by Grauer-Gray et al.) written in the dialect the way their
// CUDA versions are written, kernel by kernel, accumulating into global
// memory in loops, and launched as the CUDA host code launches them. This
// file holds the correlation kernels (mean, standard deviation through
// math.Sqrt on float64, the symmetric correlation matrix); linalg.go,
// stencils.go and solvers.go the rest of the suite.
package polybench

import (
	"math"

	"github.com/dotcompute/dc"
)

// CorrMean computes the mean of each of the m columns of data (n rows).
//
//dc:kernel
func CorrMean(t dc.Thread, mean, data []float32, m, n int, floatN float32) {
	j := t.GlobalX()
	if j < m {
		mean[j] = 0
		for i := 0; i < n; i++ {
			mean[j] += data[i*m+j]
		}
		mean[j] /= floatN
	}
}

// CorrStd computes each column's standard deviation (1 below eps).
//
//dc:kernel
func CorrStd(t dc.Thread, mean, std, data []float32, m, n int, floatN, eps float32) {
	j := t.GlobalX()
	if j < m {
		std[j] = 0
		for i := 0; i < n; i++ {
			std[j] += (data[i*m+j] - mean[j]) * (data[i*m+j] - mean[j])
		}
		std[j] /= floatN
		std[j] = float32(math.Sqrt(float64(std[j])))
		if std[j] <= eps {
			std[j] = 1.0
		}
	}
}

// CorrReduce centres and scales data: (x - mean) / (sqrt(n) · std).
//
//dc:kernel
func CorrReduce(t dc.Thread, mean, std, data []float32, m, n int, floatN float32) {
	j, i := t.GlobalX(), t.GlobalY()
	if i < n && j < m {
		data[i*m+j] -= mean[j]
		data[i*m+j] /= float32(math.Sqrt(float64(floatN))) * std[j]
	}
}

// CorrCorr computes the correlation matrix of the normalised columns.
//
//dc:kernel
func CorrCorr(t dc.Thread, symmat, data []float32, m, n int) {
	j1 := t.GlobalX()
	if j1 < m-1 {
		symmat[j1*m+j1] = 1.0
		for j2 := j1 + 1; j2 < m; j2++ {
			symmat[j1*m+j2] = 0.0
			for i := 0; i < n; i++ {
				symmat[j1*m+j2] += data[i*m+j1] * data[i*m+j2]
			}
			symmat[j2*m+j1] = symmat[j1*m+j2]
		}
	}
}
