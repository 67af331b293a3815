package polybench

import (
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
)

func TestCorrelation(t *testing.T) {
	m, n := 70, 50
	data := kerneltest.Rand32(9, m*n, 0, 10)
	g := dc.Grid1D(m).WithGroupSize(32, 1, 1)
	mean, std, sym := make([]float32, m), make([]float32, m), make([]float32, m*m)
	d2 := append([]float32(nil), data...)
	if err := dc.Emulate(g, func(th dc.Thread) { CorrMean(th, mean, d2, m, n, float32(n)) }); err != nil {
		t.Fatal(err)
	}
	if err := dc.Emulate(g, func(th dc.Thread) { CorrStd(th, mean, std, d2, m, n, float32(n), 0.1) }); err != nil {
		t.Fatal(err)
	}
	g2 := dc.Grid2D(m, n).WithGroupSize(8, 8, 1)
	if err := dc.Emulate(g2, func(th dc.Thread) { CorrReduce(th, mean, std, d2, m, n, float32(n)) }); err != nil {
		t.Fatal(err)
	}
	if err := dc.Emulate(g, func(th dc.Thread) { CorrCorr(th, sym, d2, m, n) }); err != nil {
		t.Fatal(err)
	}
	for _, dev := range kerneltest.Devices(t) {
		db := kerneltest.Upload(t, dev, data)
		mb, sb, yb := kerneltest.Upload(t, dev, make([]float32, m)), kerneltest.Upload(t, dev, make([]float32, m)), kerneltest.Upload(t, dev, make([]float32, m*m))
		if err := LaunchCorrMean(dev, g, mb, db, m, n, float32(n)); err != nil {
			t.Fatal(err)
		}
		if err := LaunchCorrStd(dev, g, mb, sb, db, m, n, float32(n), 0.1); err != nil {
			t.Fatal(err)
		}
		if err := LaunchCorrReduce(dev, g2, mb, sb, db, m, n, float32(n)); err != nil {
			t.Fatal(err)
		}
		if err := LaunchCorrCorr(dev, g, yb, db, m, n); err != nil {
			t.Fatal(err)
		}
		kerneltest.Close32(t, dev.Backend()+" mean", kerneltest.Read(t, mb), mean, 1e-5, 1e-5)
		kerneltest.Close32(t, dev.Backend()+" std", kerneltest.Read(t, sb), std, 1e-5, 1e-5)
		kerneltest.Close32(t, dev.Backend()+" corr", kerneltest.Read(t, yb), sym, 1e-4, 1e-4)
	}
	// A correlation matrix: ones on the diagonal (but the last, which the
	// kernel leaves to the host, as PolyBench does), symmetric, within [-1, 1].
	for j := range m - 1 {
		if sym[j*m+j] != 1 {
			t.Errorf("Emulate: corr[%d][%d] = %v", j, j, sym[j*m+j])
		}
		for k := j + 1; k < m; k++ {
			if c := sym[j*m+k]; c != sym[k*m+j] || c < -1.0001 || c > 1.0001 {
				t.Fatalf("Emulate: corr[%d][%d] = %v, corr[%d][%d] = %v", j, k, c, k, j, sym[k*m+j])
			}
		}
	}
}
