package subslices

import (
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// MatVec sums n products per row: with n = 37 the float32 results of any
// summation order or FMA contraction agree within 37 ulp-scale relative
// error (rel 5e-6, abs 1e-6 for sums near zero). RowScale multiplies once:
// exact. Window is integer: exact.

func TestSubslices(t *testing.T) {
	const rows, n = 300, 37 // rows not a multiple of 256
	m := kerneltest.Rand32(1, rows*n, -1, 1)
	x := kerneltest.Rand32(2, n, -1, 1)
	in := make([]int32, 1000)
	for i := range in {
		in[i] = int32(i%13) - 6
	}
	const w = 5

	wantY, wantScaled, wantWin := make([]float32, rows), make([]float32, rows*n), make([]int32, len(in))
	if err := dc.Emulate(dc.Grid1D(rows), func(th dc.Thread) {
		MatVec(th, m, x, wantY, n)
		RowScale(th, m, wantScaled, n)
	}); err != nil {
		t.Fatal(err)
	}
	if err := dc.Emulate(dc.Grid1D(len(in)), func(th dc.Thread) { Window(th, in, wantWin, w) }); err != nil {
		t.Fatal(err)
	}
	if got := wantWin[len(in)-1]; got != (in[len(in)-1])*100+1 {
		t.Fatalf("Emulate Window at the end = %d, want one element", got)
	}
	if got, want := wantScaled[2*n+3], 3*m[2*n+3]; got != want {
		t.Fatalf("Emulate RowScale = %v, want %v", got, want)
	}
	for _, dev := range kerneltest.Devices(t) {
		name := dev.Backend()
		mb, _ := runtime.BufferOf(dev, m)
		xb, _ := runtime.BufferOf(dev, x)
		yb, _ := runtime.NewBuffer[float32](dev, rows)
		sb, _ := runtime.NewBuffer[float32](dev, rows*n)
		if err := LaunchMatVec(dev, dc.Grid1D(rows), mb, xb, yb, n); err != nil {
			t.Fatal(err)
		}
		if err := LaunchRowScale(dev, dc.Grid1D(rows), mb, sb, n); err != nil {
			t.Fatal(err)
		}
		gotY, gotS := make([]float32, rows), make([]float32, rows*n)
		if err := yb.Read(gotY); err != nil {
			t.Fatal(err)
		}
		if err := sb.Read(gotS); err != nil {
			t.Fatal(err)
		}
		kerneltest.Close32(t, name+": MatVec", gotY, wantY, 5e-6, 1e-6)
		kerneltest.Equal(t, name+": RowScale", gotS, wantScaled)

		ib, _ := runtime.BufferOf(dev, in)
		ob, _ := runtime.NewBuffer[int32](dev, len(in))
		if err := LaunchWindow(dev, dc.Grid1D(len(in)), ib, ob, w); err != nil {
			t.Fatal(err)
		}
		gotW := make([]int32, len(in))
		if err := ob.Read(gotW); err != nil {
			t.Fatal(err)
		}
		kerneltest.Equal(t, name+": Window", gotW, wantWin)
	}
}
