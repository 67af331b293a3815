package cpubench_test

import (
	"math"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/cpubench"
	"github.com/dotcompute/dc/internal/kerneltest"
	dcrt "github.com/dotcompute/dc/runtime"
)

// openCPU opens the CPU backend, which is always present.
func openCPU(t *testing.T) *dcrt.Device {
	t.Helper()
	dev, err := dcrt.Open(dcrt.WithBackend("cpu"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dev.Close() })
	return dev
}

// buffer copies xs into a new buffer on dev.
func buffer(t *testing.T, dev *dcrt.Device, xs []float32) *dcrt.Buffer[float32] {
	t.Helper()
	b, err := dcrt.BufferOf(dev, xs)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// read returns the contents of b.
func read(t *testing.T, b *dcrt.Buffer[float32]) []float32 {
	t.Helper()
	out := make([]float32, b.Len())
	if err := b.Read(out); err != nil {
		t.Fatal(err)
	}
	return out
}

// small returns n small integers as float32 (from -3 to 3), so that sums
// and products of them are exact in any order.
func small(n, seed int) []float32 {
	xs := make([]float32, n)
	for i := range xs {
		xs[i] = float32((i*7+i/5+seed*13)%7 - 3)
	}
	return xs
}

// equal fails the test at the first element of got that differs from want
// by more than tol relative to want's magnitude (at least 1).
func equal(t *testing.T, name string, got, want []float32, tol float64) {
	t.Helper()
	for i := range want {
		d := math.Abs(float64(got[i]) - float64(want[i]))
		if d > tol*max(1, math.Abs(float64(want[i]))) {
			t.Fatalf("%s[%d] = %v, serial Go gives %v", name, i, got[i], want[i])
		}
	}
}

func TestBlackScholes(t *testing.T) {
	dev := openCPU(t)
	const n = 300
	price, strike, years := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range n {
		price[i] = 5 + float32(i%25)
		strike[i] = 1 + float32(i%99)
		years[i] = 0.25 + float32(i%10)*0.9
	}
	wantCall, wantPut := make([]float32, n), make([]float32, n)
	cpubench.BlackScholesSerial(price, strike, years, 0.02, 0.3, wantCall, wantPut)
	call, put := buffer(t, dev, make([]float32, n)), buffer(t, dev, make([]float32, n))
	if err := cpubench.LaunchBlackScholes(dev, dc.Grid1D(n), buffer(t, dev, price), buffer(t, dev, strike), buffer(t, dev, years), 0.02, 0.3, call, put); err != nil {
		t.Fatal(err)
	}
	equal(t, "call", read(t, call), wantCall, 0)
	equal(t, "put", read(t, put), wantPut, 0)
	if wantCall[0] <= 0 || wantPut[1] <= 0 {
		t.Fatalf("serial prices %v, %v: want positive prices", wantCall[0], wantPut[1])
	}
}

func TestStencil(t *testing.T) {
	dev := openCPU(t)
	const w, h = 37, 21
	in := small(w*h, 1)
	want := make([]float32, w*h)
	cpubench.StencilRows(in, want, w, h, 0, h)
	out := buffer(t, dev, make([]float32, w*h))
	if err := cpubench.LaunchStencil(dev, dc.Grid2D(w, h), buffer(t, dev, in), out, w, h); err != nil {
		t.Fatal(err)
	}
	equal(t, "out", read(t, out), want, 0)
}

func TestGEMM(t *testing.T) {
	dev := openCPU(t)
	const m, n, k = 19, 23, 17
	a, b := small(m*k, 1), small(k*n, 2)
	want := make([]float32, m*n)
	cpubench.MatMulRows(a, b, want, n, k, 0, m)
	c := buffer(t, dev, small(m*n, 3)) // GEMM overwrites what c held
	if err := cpubench.LaunchGEMM(dev, dc.Grid2D(n, m), buffer(t, dev, a), buffer(t, dev, b), c, m, n, k); err != nil {
		t.Fatal(err)
	}
	equal(t, "c", read(t, c), want, 0)
}

func TestMatVec(t *testing.T) {
	dev := openCPU(t)
	const m, n = 300, 41
	a, x := small(m*n, 1), small(n, 2)
	want := make([]float32, m)
	cpubench.MatVecRows(a, x, want, n, 0, m)
	y := buffer(t, dev, make([]float32, m))
	if err := cpubench.LaunchMatVec(dev, dc.Grid1D(m), buffer(t, dev, a), buffer(t, dev, x), y, m, n); err != nil {
		t.Fatal(err)
	}
	equal(t, "y", read(t, y), want, 0)
}

// bufferOf copies xs into a new buffer on dev.
func bufferOf[T any](t *testing.T, dev *dcrt.Device, xs []T) *dcrt.Buffer[T] {
	t.Helper()
	b, err := dcrt.BufferOf(dev, xs)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readInts returns the contents of b.
func readInts(t *testing.T, b *dcrt.Buffer[int32]) []int32 {
	t.Helper()
	out := make([]int32, b.Len())
	if err := b.Read(out); err != nil {
		t.Fatal(err)
	}
	return out
}

// equalInts fails the test at the first element of got that differs from
// want.
func equalInts(t *testing.T, name string, got, want []int32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s has %d elements, serial Go %d", name, len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s[%d] = %v, serial Go gives %v", name, i, got[i], want[i])
		}
	}
}

func TestStencil3D(t *testing.T) {
	dev := openCPU(t)
	const nx, ny, nz = 19, 11, 7
	in := make([]float32, nx*ny*nz)
	for i := range in {
		in[i] = float32((i*5+i/nx*3+i/(nx*ny))%9 - 4)
	}
	want := make([]float32, nx*ny*nz)
	cpubench.Stencil3DPlanes(in, want, nx, ny, nz, 0, nz)
	out := buffer(t, dev, make([]float32, nx*ny*nz))
	if err := cpubench.LaunchStencil3D(dev, dc.Grid3D(nx, ny, nz), buffer(t, dev, in), out, nx, ny, nz); err != nil {
		t.Fatal(err)
	}
	equal(t, "out", read(t, out), want, 0)
	if c := 3*nx*ny + 5*nx + 7; want[c] == 0 {
		t.Fatalf("serial out[%d] is 0: want an input whose Laplacian is not zero", c)
	}
}

func TestBlockScan(t *testing.T) {
	dev := openCPU(t)
	const n = 3*cpubench.ScanGroupSize + 77 // the last group is partial
	const groups = (n + cpubench.ScanGroupSize - 1) / cpubench.ScanGroupSize
	in := make([]int32, n)
	for i := range in {
		in[i] = int32(i%11) - 4
	}
	want, wantSums := make([]int32, n), make([]int32, groups)
	cpubench.BlockScanGroups(in, want, wantSums, 0, groups)
	out, sums := bufferOf(t, dev, make([]int32, n)), bufferOf(t, dev, make([]int32, groups))
	if err := cpubench.LaunchBlockScan(dev, dc.Grid1D(n), bufferOf(t, dev, in), out, sums); err != nil {
		t.Fatal(err)
	}
	equalInts(t, "out", readInts(t, out), want)
	equalInts(t, "sums", readInts(t, sums), wantSums)
	if want[cpubench.ScanGroupSize] != in[cpubench.ScanGroupSize] {
		t.Fatalf("serial scan restarts at %d with %d, want %d", cpubench.ScanGroupSize, want[cpubench.ScanGroupSize], in[cpubench.ScanGroupSize])
	}
}

func TestHistogram(t *testing.T) {
	dev := openCPU(t)
	const n = 5000
	in := make([]uint32, n)
	for i := range in {
		in[i] = uint32(i*i*7 + i/3)
	}
	start := make([]int32, cpubench.HistBins)
	for i := range start {
		start[i] = int32(i % 5) // Histogram adds to what hist holds
	}
	want := append([]int32(nil), start...)
	cpubench.HistogramSerial(in, want)
	hist := bufferOf(t, dev, start)
	// Three groups of 256 threads: about 6.5 values per thread.
	g := dc.Grid1D(3 * cpubench.HistBins)
	if err := cpubench.LaunchHistogram(dev, g, bufferOf(t, dev, in), hist); err != nil {
		t.Fatal(err)
	}
	equalInts(t, "hist", readInts(t, hist), want)
}

func TestNBody(t *testing.T) {
	dev := openCPU(t)
	const n = 2*cpubench.NBodyTile + 45 // the last tile is partial
	pos := make([]float32, 4*n)
	for i := range n {
		pos[4*i], pos[4*i+1], pos[4*i+2] = float32(i%13)-6, float32(i%7)-3, float32(i%5)-2
		pos[4*i+3] = 1 + float32(i%3)
	}
	want := make([]float32, 3*n)
	cpubench.NBodyRows(pos, want, n, 0, n)
	acc := buffer(t, dev, make([]float32, 3*n))
	if err := cpubench.LaunchNBody(dev, dc.Grid1D(n), buffer(t, dev, pos), acc, n); err != nil {
		t.Fatal(err)
	}
	// The generated Go sums the same pulls in the same order as NBodyRows;
	// the tolerance allows for a compiler that fuses multiply-adds in one
	// and not the other.
	equal(t, "acc", read(t, acc), want, 1e-5)
}

// TestQuadratic compares Quadratic on the CPU backend with
// QuadraticSerial: both are the same float32 Go arithmetic, so the results
// must be identical (NaN where the roots are not real).
func TestQuadratic(t *testing.T) {
	dev := openCPU(t)
	for _, n := range []int{1, 100, 4099} {
		a := kerneltest.Special32(1, n, -2, 2)
		b := kerneltest.Rand32(2, n, -10, 10)
		c := kerneltest.Special32(3, n, -2, 2)
		r1, r2 := buffer(t, dev, make([]float32, n)), buffer(t, dev, make([]float32, n))
		if err := cpubench.LaunchQuadratic(dev, dc.Grid1D(n), buffer(t, dev, a), buffer(t, dev, b), buffer(t, dev, c), r1, r2); err != nil {
			t.Fatal(err)
		}
		w1, w2 := make([]float32, n), make([]float32, n)
		cpubench.QuadraticSerial(a, b, c, w1, w2)
		kerneltest.Same32(t, "r1", read(t, r1), w1)
		kerneltest.Same32(t, "r2", read(t, r2), w2)
	}
}
