package structlits

import (
	"fmt"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// Everything compares exactly: Lits adds small integers in float32, and
// CountCells sums multiples of 1/8 far below 2^21, exact in any order.

var sizes = []struct{ n, group int }{{1, 256}, {1000, 256}, {5000, 128}}

func TestLits(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for _, s := range sizes {
			name := fmt.Sprintf("%s n=%d group=%d", dev.Backend(), s.n, s.group)
			g := kerneltest.Grid1D(s.n, s.group)
			wOut, wTs := make([]float32, s.n), make([]Two, s.n)
			if err := dc.Emulate(g, func(t dc.Thread) { Lits(t, wOut, wTs) }); err != nil {
				t.Fatal(err)
			}
			out, _ := runtime.NewBuffer[float32](dev, s.n)
			ts, _ := runtime.NewBuffer[Two](dev, s.n)
			if err := LaunchLits(dev, g, out, ts); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			kerneltest.Equal(t, name+": out", kerneltest.Read(t, out), wOut)
			kerneltest.Equal(t, name+": ts", kerneltest.Read(t, ts), wTs)
		}
	}
}

func TestCountCells(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for si, s := range sizes {
			for _, ncells := range []int{1, 5} {
				name := fmt.Sprintf("%s n=%d group=%d cells=%d", dev.Backend(), s.n, s.group, ncells)
				xs := make([]float32, s.n)
				for i, v := range kerneltest.RandInts(uint64(si), s.n, 0, 64) {
					xs[i] = float32(v) / 8
				}
				g := kerneltest.Grid1D(s.n, s.group)
				want := make([]Cell, ncells)
				if err := dc.Emulate(g, func(t dc.Thread) { CountCells(t, want, xs) }); err != nil {
					t.Fatal(err)
				}
				cb, _ := runtime.NewBuffer[Cell](dev, ncells)
				xb, _ := runtime.BufferOf(dev, xs)
				if err := LaunchCountCells(dev, g, cb, xb); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				kerneltest.Equal(t, name, kerneltest.Read(t, cb), want)
				if want[0].N == 0 || want[0].Max[0] == 0 && s.n > 1 {
					t.Errorf("%s: reference looks empty: %+v", name, want[0])
				}
			}
		}
	}
}
