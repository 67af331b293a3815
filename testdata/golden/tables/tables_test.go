package tables

import (
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// Blur3 and Sobel multiply by exact table weights (powers of two and small
// integers) and add at most 9 terms: within 4 ulp-scale relative of the
// reference whatever order or FMA contraction a target uses (rel 1e-6,
// abs 1e-6 for results near zero). Digits is integer: exact.

func TestTables(t *testing.T) {
	const n = 1000 // not a multiple of 256
	in := kerneltest.Rand32(1, n, -1, 1)
	const w, h = 37, 23
	img := kerneltest.Rand32(2, w*h, 0, 1)
	vals := make([]uint32, n)
	rng := kerneltest.Rand(3)
	for i := range vals {
		vals[i] = rng.Uint32() >> (rng.IntN(32))
	}
	vals[0], vals[1], vals[2] = 0, 9, 4294967295

	wantBlur, wantSobel, wantDigits := make([]float32, n), make([]float32, w*h), make([]int32, n)
	if err := dc.Emulate(dc.Grid1D(n), func(th dc.Thread) { Blur3(th, in, wantBlur) }); err != nil {
		t.Fatal(err)
	}
	if err := dc.Emulate(dc.Grid2D(w, h), func(th dc.Thread) { Sobel(th, img, wantSobel, w, h) }); err != nil {
		t.Fatal(err)
	}
	if err := dc.Emulate(dc.Grid1D(n), func(th dc.Thread) { Digits(th, vals, wantDigits) }); err != nil {
		t.Fatal(err)
	}
	if wantDigits[0] != 1 || wantDigits[1] != 1 || wantDigits[2] != 10 {
		t.Fatalf("Emulate Digits = %v, want [1 1 10]", wantDigits[:3])
	}
	for _, dev := range kerneltest.Devices(t) {
		name := dev.Backend()
		ib, _ := runtime.BufferOf(dev, in)
		ob, _ := runtime.NewBuffer[float32](dev, n)
		if err := LaunchBlur3(dev, dc.Grid1D(n), ib, ob); err != nil {
			t.Fatal(err)
		}
		got := make([]float32, n)
		if err := ob.Read(got); err != nil {
			t.Fatal(err)
		}
		kerneltest.Close32(t, name+": Blur3", got, wantBlur, 1e-6, 1e-6)

		imb, _ := runtime.BufferOf(dev, img)
		sb, _ := runtime.NewBuffer[float32](dev, w*h)
		if err := LaunchSobel(dev, dc.Grid2D(w, h), imb, sb, w, h); err != nil {
			t.Fatal(err)
		}
		gotS := make([]float32, w*h)
		if err := sb.Read(gotS); err != nil {
			t.Fatal(err)
		}
		kerneltest.Close32(t, name+": Sobel", gotS, wantSobel, 1e-6, 1e-6)

		vb, _ := runtime.BufferOf(dev, vals)
		db, _ := runtime.NewBuffer[int32](dev, n)
		if err := LaunchDigits(dev, dc.Grid1D(n), vb, db); err != nil {
			t.Fatal(err)
		}
		gotD := make([]int32, n)
		if err := db.Read(gotD); err != nil {
			t.Fatal(err)
		}
		kerneltest.Equal(t, name+": Digits", gotD, wantDigits)
	}
}
