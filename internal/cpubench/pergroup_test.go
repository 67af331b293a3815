package cpubench_test

import (
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/cpubench"
	"github.com/dotcompute/dc/kernels"
)

// The per-group translations run each kernel's own algorithm, so they are
// checked against the kernel itself under dc.Emulate, at sizes that leave
// the last group (or tile) partial, over two chunks of groups.

// emulate runs body over g under dc.Emulate.
func emulate(t *testing.T, g dc.Grid, body func(t dc.Thread)) {
	t.Helper()
	if err := dc.Emulate(g, body); err != nil {
		t.Fatal(err)
	}
}

// chunks runs groups [0, n) in two calls of run.
func chunks(n int, run func(g0, g1 int)) {
	run(0, n/3)
	run(n/3, n)
}

func TestReduceSumGroupsTree(t *testing.T) {
	const n = 3*kernels.ReduceGroupSize + 77
	g := dc.Grid1D(n)
	groups := g.Groups.X
	in := small(n, 1)
	want, got := make([]float32, groups), make([]float32, groups)
	emulate(t, g, func(t dc.Thread) { kernels.ReduceSum(t, in, want) })
	chunks(groups, func(g0, g1 int) { cpubench.ReduceSumGroupsTree(in, got, g0, g1) })
	equal(t, "partial", got, want, 0)
}

func TestMatMulGroupsTiled(t *testing.T) {
	const m, n, k = 37, 45, 29 // no multiple of the tile side
	g := dc.Grid2D(n, m)
	a, b := small(m*k, 2), small(k*n, 3)
	want, got := make([]float32, m*n), make([]float32, m*n)
	emulate(t, g, func(t dc.Thread) { kernels.MatMul(t, a, b, want, m, n, k) })
	chunks(g.Groups.X*g.Groups.Y, func(g0, g1 int) { cpubench.MatMulGroupsTiled(a, b, got, m, n, k, g0, g1) })
	equal(t, "c", got, want, 0)
	serial := make([]float32, m*n)
	cpubench.MatMulRows(a, b, serial, n, k, 0, m)
	equal(t, "c", got, serial, 0)
}

func TestBlockScanGroupsHillisSteele(t *testing.T) {
	const n = 3*cpubench.ScanGroupSize + 77
	g := dc.Grid1D(n)
	groups := g.Groups.X
	in := make([]int32, n)
	for i := range in {
		in[i] = int32(i%11) - 4
	}
	want, wantSums := make([]int32, n), make([]int32, groups)
	emulate(t, g, func(t dc.Thread) { cpubench.BlockScan(t, in, want, wantSums) })
	got, sums := make([]int32, n), make([]int32, groups)
	chunks(groups, func(g0, g1 int) { cpubench.BlockScanGroupsHillisSteele(in, got, sums, g0, g1) })
	equalInts(t, "out", got, want)
	equalInts(t, "sums", sums, wantSums)
}

func TestHistogramGroupsShared(t *testing.T) {
	const n, groups = 5000, 3
	in := make([]uint32, n)
	for i := range in {
		in[i] = uint32(i*i*7 + i/3)
	}
	want, got := make([]int32, cpubench.HistBins), make([]int32, cpubench.HistBins)
	for i := range want {
		want[i], got[i] = int32(i%5), int32(i%5) // Histogram adds to what hist holds
	}
	emulate(t, dc.Grid1D(groups*cpubench.HistBins), func(t dc.Thread) { cpubench.Histogram(t, in, want) })
	chunks(groups, func(g0, g1 int) { cpubench.HistogramGroupsShared(in, got, groups, g0, g1) })
	equalInts(t, "hist", got, want)
}

func TestNBodyGroupsTiled(t *testing.T) {
	const n = 2*cpubench.NBodyTile + 45 // the last tile is partial
	g := dc.Grid1D(n)
	pos := make([]float32, 4*n)
	for i := range n {
		pos[4*i], pos[4*i+1], pos[4*i+2] = float32(i%13)-6, float32(i%7)-3, float32(i%5)-2
		pos[4*i+3] = 1 + float32(i%3)
	}
	want, got := make([]float32, 3*n), make([]float32, 3*n)
	emulate(t, g, func(t dc.Thread) { cpubench.NBody(t, pos, want, n) })
	chunks(g.Groups.X, func(g0, g1 int) { cpubench.NBodyGroupsTiled(pos, got, n, g0, g1) })
	// The same pulls in the same order; the tolerance allows for a
	// compiler that fuses multiply-adds in one and not the other.
	equal(t, "acc", got, want, 1e-5)
}
