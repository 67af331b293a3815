package accum

import (
	"fmt"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// small returns n small integers as float32s: every sum below is exact, so
// every device must give dc.Emulate's results bit for bit.
func small(seed, n int) []float32 {
	xs := make([]float32, n)
	for i := range xs {
		xs[i] = float32((i*7+seed*3)%9 - 4)
	}
	return xs
}

func read(t *testing.T, b *runtime.Buffer[float32]) []float32 {
	t.Helper()
	out := make([]float32, b.Len())
	if err := b.Read(out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGEMM(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for _, s := range []struct{ m, n, k int }{{1, 1, 1}, {5, 7, 3}, {33, 17, 40}, {4, 4, 0}} {
			a, b := small(1, s.m*s.k), small(2, s.k*s.n)
			c := small(3, s.m*s.n)
			g := dc.Grid2D(s.n, s.m)
			want := append([]float32(nil), c...)
			if err := dc.Emulate(g, func(t dc.Thread) { GEMM(t, a, b, want, s.m, s.n, s.k) }); err != nil {
				t.Fatal(err)
			}
			ab, _ := runtime.BufferOf(dev, a)
			bb, _ := runtime.BufferOf(dev, b)
			cb, _ := runtime.BufferOf(dev, c)
			if err := LaunchGEMM(dev, g, ab, bb, cb, s.m, s.n, s.k); err != nil {
				t.Fatal(err)
			}
			kerneltest.Equal(t, fmt.Sprintf("%s GEMM %v: c", dev.Backend(), s), read(t, cb), want)
		}
	}
}

// TestGEMMAliased passes one buffer as b and c. With one row (m = 1) no
// thread reads what another writes: thread j writes c[j] and reads b[p*n+j],
// which is c[j] for p = 0 and past c for p > 0.
func TestGEMMAliased(t *testing.T) {
	const n, k = 9, 4
	for _, dev := range kerneltest.Devices(t) {
		a, bc := small(4, k), small(5, k*n)
		g := dc.Grid2D(n, 1)
		want := append([]float32(nil), bc...)
		if err := dc.Emulate(g, func(t dc.Thread) { GEMM(t, a, want, want, 1, n, k) }); err != nil {
			t.Fatal(err)
		}
		ab, _ := runtime.BufferOf(dev, a)
		bcb, _ := runtime.BufferOf(dev, bc)
		if err := LaunchGEMM(dev, g, ab, bcb, bcb, 1, n, k); err != nil {
			t.Fatal(err)
		}
		kerneltest.Equal(t, dev.Backend()+" GEMM aliased: b and c", read(t, bcb), want)
	}
}

// TestAccum launches Accum with different buffers and with one buffer as
// x and y: then y[i] is read back after each step (y[i] *= p+1), which a
// body that kept y[i] in a local would miss.
func TestAccum(t *testing.T) {
	const size, n = 1000, 4
	for _, dev := range kerneltest.Devices(t) {
		for _, g := range []dc.Grid{dc.Grid1D(size), kerneltest.Grid1D(size, 64)} {
			x, y := small(6, size), small(7, size)
			want := append([]float32(nil), y...)
			if err := dc.Emulate(g, func(t dc.Thread) { Accum(t, x, want, n) }); err != nil {
				t.Fatal(err)
			}
			xb, _ := runtime.BufferOf(dev, x)
			yb, _ := runtime.BufferOf(dev, y)
			if err := LaunchAccum(dev, g, xb, yb, n); err != nil {
				t.Fatal(err)
			}
			kerneltest.Equal(t, fmt.Sprintf("%s Accum %v: y", dev.Backend(), g), read(t, yb), want)

			want = append([]float32(nil), y...)
			if err := dc.Emulate(g, func(t dc.Thread) { Accum(t, want, want, n) }); err != nil {
				t.Fatal(err)
			}
			yb, _ = runtime.BufferOf(dev, y)
			if err := LaunchAccum(dev, g, yb, yb, n); err != nil {
				t.Fatal(err)
			}
			kerneltest.Equal(t, fmt.Sprintf("%s Accum aliased %v: y", dev.Backend(), g), read(t, yb), want)
		}
	}
}

func TestCount(t *testing.T) {
	const size = 300
	for _, dev := range kerneltest.Devices(t) {
		x := make([]int32, size)
		hist := make([]int32, size)
		for i := range x {
			x[i] = int32(i*37%1000 - 100)
			hist[i] = int32(i % 3)
		}
		want := append([]int32(nil), hist...)
		if err := dc.Emulate(dc.Grid1D(size), func(t dc.Thread) { Count(t, x, want) }); err != nil {
			t.Fatal(err)
		}
		xb, _ := runtime.BufferOf(dev, x)
		hb, _ := runtime.BufferOf(dev, hist)
		if err := LaunchCount(dev, dc.Grid1D(size), xb, hb); err != nil {
			t.Fatal(err)
		}
		got := make([]int32, size)
		if err := hb.Read(got); err != nil {
			t.Fatal(err)
		}
		kerneltest.Equal(t, dev.Backend()+" Count: hist", got, want)
	}
}
