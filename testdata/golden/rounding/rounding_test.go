package rounding

import (
	"fmt"
	"math"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// Rounding is exact: results compare bit for bit, NaNs alike.

var specials = []float64{
	0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(),
	0.5, -0.5, 1.5, 2.5, -2.5, 0.49999999999999994, 1e40, -1e300,
	1 << 52, 1<<52 + 1, 1<<53 + 2, 4503599627370495.5, 8388607.5, 8388609,
}

func inputs(n int) []float64 {
	xs := append([]float64(nil), specials...)
	for _, v := range kerneltest.Rand64(1, n, -1000, 1000) {
		xs = append(xs, v)
	}
	return xs
}

func bits64(xs []float64) []uint64 {
	out := make([]uint64, len(xs))
	for i, x := range xs {
		if x != x {
			x = math.NaN()
		}
		out[i] = math.Float64bits(x)
	}
	return out
}

func bits32(xs []float32) []uint32 {
	out := make([]uint32, len(xs))
	for i, x := range xs {
		if x != x {
			x = float32(math.NaN())
		}
		out[i] = math.Float32bits(x)
	}
	return out
}

func TestRound64(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		if !dev.Info().Float64 {
			t.Logf("%s: no float64, Round64 not run", dev)
			continue
		}
		for _, n := range []int{0, 100} {
			xs := inputs(n)
			name := fmt.Sprintf("%s n=%d", dev.Backend(), len(xs))
			g := kerneltest.Grid1D(len(xs), 32)
			want := make([]float64, 5*len(xs))
			if err := dc.Emulate(g, func(t dc.Thread) { Round64(t, xs, want) }); err != nil {
				t.Fatal(err)
			}
			xb, _ := runtime.BufferOf(dev, xs)
			ob, _ := runtime.NewBuffer[float64](dev, len(want))
			if err := LaunchRound64(dev, g, xb, ob); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got := make([]float64, len(want))
			if err := ob.Read(got); err != nil {
				t.Fatal(err)
			}
			kerneltest.Equal(t, name, bits64(got), bits64(want))
		}
	}
}

func TestRound32(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		var xs []float32
		for _, x := range inputs(100) {
			xs = append(xs, float32(x))
		}
		name := fmt.Sprintf("%s n=%d", dev.Backend(), len(xs))
		g := kerneltest.Grid1D(len(xs), 32)
		want := make([]float32, 4*len(xs))
		if err := dc.Emulate(g, func(t dc.Thread) { Round32(t, xs, want) }); err != nil {
			t.Fatal(err)
		}
		xb, _ := runtime.BufferOf(dev, xs)
		ob, _ := runtime.NewBuffer[float32](dev, len(want))
		if err := LaunchRound32(dev, g, xb, ob); kerneltest.CannotRun(t, dev, err) {
			continue
		} else if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := make([]float32, len(want))
		if err := ob.Read(got); err != nil {
			t.Fatal(err)
		}
		kerneltest.Equal(t, name, bits32(got), bits32(want))
	}
}

func TestShared(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		if !dev.Info().Float64 {
			t.Logf("%s: no float64, Shared not run", dev)
			continue
		}
		for _, c := range []struct{ n, group int }{{1, 64}, {37, 32}, {300, 128}} {
			name := fmt.Sprintf("%s n=%d group=%d", dev.Backend(), c.n, c.group)
			is := make([]S, c.n)
			for i := range is {
				is[i] = S{F0: float64(i), F1: uint16(i), F2: [4]uint16{1, uint16(i % 7), 3, 4}}
			}
			g := kerneltest.Grid1D(c.n, c.group)
			want := make([]int32, c.n)
			if err := dc.Emulate(g, func(t dc.Thread) { Shared(t, is, want) }); err != nil {
				t.Fatal(err)
			}
			ib, _ := runtime.BufferOf(dev, is)
			ob, _ := runtime.NewBuffer[int32](dev, c.n)
			if err := LaunchShared(dev, g, ib, ob); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got := make([]int32, c.n)
			if err := ob.Read(got); err != nil {
				t.Fatal(err)
			}
			kerneltest.Equal(t, name, got, want)
		}
	}
}
