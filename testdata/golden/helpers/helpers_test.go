package helpers

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

func TestBlend(t *testing.T) {
	// Tolerance: a few float32 operations on values in [-1, 2]; a device
	// may contract the multiply-adds of lerp and smoothstep (3 of them) into
	// FMAs, each changing a result by at most an ulp of a value below 4,
	// amplified by at most 6 (the slope of smoothstep with 1/(e1-e0) <= 1).
	// abs 1e-5 covers that.
	const abs = 1e-5
	sizes := []struct{ w, h int }{{1, 1}, {37, 21}, {16, 16}}
	for _, dev := range kerneltest.Devices(t) {
		for si, s := range sizes {
			name := fmt.Sprintf("%s %dx%d", dev.Backend(), s.w, s.h)
			n := s.w * s.h
			a := kerneltest.Rand32(uint64(si), n, -1, 1)
			b := kerneltest.Rand32(uint64(si)+1, n, -1, 1)
			g := dc.Grid2D(s.w, s.h)
			wlo, whi, wout := make([]float32, n), make([]float32, n), make([]float32, n)
			if err := dc.Emulate(g, func(t dc.Thread) { Blend(t, a, b, wlo, whi, wout, s.w, s.h) }); err != nil {
				t.Fatal(err)
			}
			ab, _ := runtime.BufferOf(dev, a)
			bb, _ := runtime.BufferOf(dev, b)
			lb, _ := runtime.NewBuffer[float32](dev, n)
			hb, _ := runtime.NewBuffer[float32](dev, n)
			ob, _ := runtime.NewBuffer[float32](dev, n)
			if err := LaunchBlend(dev, g, ab, bb, lb, hb, ob, s.w, s.h); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			glo, ghi, gout := make([]float32, n), make([]float32, n), make([]float32, n)
			for _, r := range []struct {
				b   *runtime.Buffer[float32]
				dst []float32
			}{{lb, glo}, {hb, ghi}, {ob, gout}} {
				if err := r.b.Read(r.dst); err != nil {
					t.Fatal(err)
				}
			}
			kerneltest.Equal(t, name+": lo", glo, wlo)
			kerneltest.Equal(t, name+": hi", ghi, whi)
			kerneltest.Close32(t, name+": out", gout, wout, 0, abs)
			for i := range n {
				if wlo[i] != min(a[i], b[i]) || whi[i] != max(a[i], b[i]) {
					t.Fatalf("%s: Emulate: order(%v, %v) = %v, %v", name, a[i], b[i], wlo[i], whi[i])
				}
			}
		}
	}
}

func TestGroupStats(t *testing.T) {
	// Tolerance: Emulate and the backends add in the same tree order, so
	// the sums should agree exactly; we allow a relative 2^-23 per tree
	// level (log2 128 = 7) for a backend that reassociates. The inputs are
	// positive, so relative bounds hold.
	rel := 7 * math.Ldexp(1, -23)
	for _, dev := range kerneltest.Devices(t) {
		for si, n := range []int{5, 128, 1000} { // partial group, one group, 8 groups
			name := fmt.Sprintf("%s n=%d", dev.Backend(), n)
			xs := kerneltest.Rand32(uint64(si)+5, n, 0, 1)
			g := kerneltest.Grid1D(n, blockSize)
			groups := g.Groups.X
			wsums := make([]float32, 2*groups)
			wq, wr := make([]int32, n), make([]int32, n)
			if err := dc.Emulate(g, func(t dc.Thread) { GroupStats(t, xs, wsums, wq, wr, n) }); err != nil {
				t.Fatal(err)
			}
			// The reference against the host.
			for gi := range groups {
				var s1, s2 float64
				for _, x := range xs[gi*blockSize : min(n, (gi+1)*blockSize)] {
					s1 += float64(x)
					s2 += float64(x) * float64(x)
				}
				kerneltest.Close32(t, fmt.Sprintf("%s: Emulate vs host group %d", name, gi), wsums[2*gi:2*gi+2], []float32{float32(s1), float32(s2)}, 1e-5, 0)
			}
			for i := range n {
				a := i - n/2
				if q, r := int32(math.Floor(float64(a)/10)), int32(a-10*int(math.Floor(float64(a)/10))); wq[i] != q || wr[i] != r {
					t.Fatalf("%s: Emulate: divmod(%d, 10) = %d, %d, want %d, %d", name, a, wq[i], wr[i], q, r)
				}
			}

			xb, _ := runtime.BufferOf(dev, xs)
			sb, _ := runtime.NewBuffer[float32](dev, 2*groups)
			qb, _ := runtime.NewBuffer[int32](dev, n)
			rb, _ := runtime.NewBuffer[int32](dev, n)
			if err := LaunchGroupStats(dev, g, xb, sb, qb, rb, n); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			gsums := make([]float32, 2*groups)
			gq, gr := make([]int32, n), make([]int32, n)
			if err := sb.Read(gsums); err != nil {
				t.Fatal(err)
			}
			if err := qb.Read(gq); err != nil {
				t.Fatal(err)
			}
			if err := rb.Read(gr); err != nil {
				t.Fatal(err)
			}
			kerneltest.Close32(t, name+": sums", gsums, wsums, rel, 0)
			kerneltest.Equal(t, name+": q", gq, wq)
			kerneltest.Equal(t, name+": r", gr, wr)
		}
	}
}

func TestClamp(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for si, n := range []int{3, 600} {
			name := fmt.Sprintf("%s n=%d", dev.Backend(), n)
			xs := kerneltest.RandInts[int32](uint64(si), n, -50, 50)
			ys := kerneltest.Rand64(uint64(si), n/2+1, -50, 50) // a different length
			const lo, hi = -20, 30
			wx, wy := slices.Clone(xs), slices.Clone(ys)
			g := dc.Grid1D(n)
			if err := dc.Emulate(g, func(t dc.Thread) { Clamp(t, wx, wy, lo, hi) }); err != nil {
				t.Fatal(err)
			}
			for i, x := range xs {
				if wx[i] != min(max(x, lo), hi) {
					t.Fatalf("%s: Emulate: clamp(%d) = %d", name, x, wx[i])
				}
			}
			if dev.Info().Float64 {
				xb, _ := runtime.BufferOf(dev, xs)
				yb, _ := runtime.BufferOf(dev, ys)
				if err := LaunchClamp(dev, g, xb, yb, lo, hi); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				gx, gy := make([]int32, n), make([]float64, len(ys))
				if err := xb.Read(gx); err != nil {
					t.Fatal(err)
				}
				if err := yb.Read(gy); err != nil {
					t.Fatal(err)
				}
				kerneltest.Equal(t, name+": xs", gx, wx)
				kerneltest.Equal(t, name+": ys", gy, wy) // clamping is exact
			} else {
				t.Logf("%s: Clamp not run: no float64 support", name)
			}
		}
	}
}

func TestHelpersErrors(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		xb, _ := runtime.BufferOf(dev, []float32{1})
		sb, _ := runtime.NewBuffer[float32](dev, 2)
		qb, _ := runtime.NewBuffer[int32](dev, 1)
		err := LaunchGroupStats(dev, kerneltest.Grid1D(1, blockSize), xb, sb, qb, nil, 1)
		var ke *runtime.KernelError
		if !errors.As(err, &ke) || ke.Kernel != "GroupStats" || ke.Arg != "r" {
			t.Errorf("%s: nil r: got error %v, want a *runtime.KernelError for GroupStats, argument r", dev.Backend(), err)
		}
	}
}
