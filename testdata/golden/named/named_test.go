package named

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// Tolerance: Celsius.F rounds after each operation (the conversion forbids
// an FMA) with float32 constants, so Fahrenheit values compare exactly; a
// backend that computed in double, or fused, would differ by an ulp for
// a fifth to a third of the inputs (element 0, 25.3, differs both ways). The
// smoothed series and Scale are multiply-adds that a device may contract,
// skipping a rounding of half an ulp of values below 400 (2^-16): abs 2e-5.
// Integers, levels and alarms compare exactly.
const abs = 2e-5

func temps(seed uint64, n int) Temps {
	xs := kerneltest.Rand32(seed, n, -40, 130)
	ts := make(Temps, n)
	for i, x := range xs {
		ts[i] = Celsius(x)
	}
	ts[0] = 25.3 // Go: float32(25.3*float32(1.8))+32 = 77.53999; fused or in double: 77.54
	return ts
}

func f32[T ~float32](xs []T) []float32 {
	out := make([]float32, len(xs))
	for i, x := range xs {
		out[i] = float32(x)
	}
	return out
}

func TestConvert(t *testing.T) {
	const threshold Celsius = 30
	for _, dev := range kerneltest.Devices(t) {
		for si, n := range []int{1, 1000} {
			for _, g := range []dc.Grid{dc.Grid1D(n), kerneltest.Grid1D(n, 100)} {
				name := fmt.Sprintf("%s n=%d group=%d", dev.Backend(), n, g.GroupSize.X)
				in := temps(uint64(si), n)
				wOut, wLevels, wSmooth := make([]Fahrenheit, n), make([]Level, n), make(Temps, n)
				wCounts, wAlarms := make([]Count, n), make([]Alarm, n)
				if err := dc.Emulate(g, func(t dc.Thread) { Convert(t, in, wOut, wLevels, wSmooth, wCounts, wAlarms, threshold) }); err != nil {
					t.Fatal(err)
				}
				if want := Fahrenheit(77.53999); wOut[0] != want || wLevels[0] != hot || wCounts[0] != bias || wAlarms[0] {
					t.Errorf("%s: Emulate: element 0 = %v %v %v %v, want %v %v %v false", name, wOut[0], wLevels[0], wCounts[0], wAlarms[0], want, hot, bias)
				}

				ib, _ := runtime.BufferOf(dev, in)
				ob, _ := runtime.NewBuffer[Fahrenheit](dev, n)
				lb, _ := runtime.NewBuffer[Level](dev, n)
				sb, _ := runtime.NewBuffer[Celsius](dev, n)
				cb, _ := runtime.NewBuffer[Count](dev, n)
				ab, _ := runtime.NewBuffer[Alarm](dev, n)
				if err := LaunchConvert(dev, g, ib, ob, lb, sb, cb, ab, threshold); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				gOut, gLevels, gSmooth := make([]Fahrenheit, n), make([]Level, n), make(Temps, n)
				gCounts, gAlarms := make([]Count, n), make([]Alarm, n)
				for _, err := range []error{ob.Read(gOut), lb.Read(gLevels), sb.Read(gSmooth), cb.Read(gCounts), ab.Read(gAlarms)} {
					if err != nil {
						t.Fatal(err)
					}
				}
				kerneltest.Equal(t, name+": Fahrenheit", gOut, wOut)
				kerneltest.Close32(t, name+": smooth", f32(gSmooth), f32(wSmooth), 0, abs)
				kerneltest.Equal(t, name+": levels", gLevels, wLevels)
				kerneltest.Equal(t, name+": counts", gCounts, wCounts)
				kerneltest.Equal(t, name+": alarms", gAlarms, wAlarms)
			}
		}
	}
}

func TestScale(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for si, n := range []int{3, 600} {
			name := fmt.Sprintf("%s n=%d", dev.Backend(), n)
			ts := temps(uint64(si)+5, n)
			levels := kerneltest.RandInts[Level](uint64(si), n, -128, 127) // *3 wraps
			g := dc.Grid1D(n)
			wTs, wLevels := slices.Clone(ts), slices.Clone(levels)
			if err := dc.Emulate(g, func(t dc.Thread) { Scale(t, wTs, wLevels, 1.5, -3) }); err != nil {
				t.Fatal(err)
			}
			for i := range n {
				if w := levels[i]*3 - 2; wLevels[i] != w {
					t.Fatalf("%s: Emulate: level %d*3-2 = %d, want %d", name, levels[i], wLevels[i], w)
				}
			}
			tb, _ := runtime.BufferOf(dev, ts)
			lb, _ := runtime.BufferOf(dev, levels)
			if err := LaunchScale(dev, g, tb, lb, 1.5, -3); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			gTs, gLevels := make(Temps, n), make([]Level, n)
			if err := tb.Read(gTs); err != nil {
				t.Fatal(err)
			}
			if err := lb.Read(gLevels); err != nil {
				t.Fatal(err)
			}
			kerneltest.Close32(t, name+": temps", f32(gTs), f32(wTs), 0, abs)
			kerneltest.Equal(t, name+": levels", gLevels, wLevels)
		}
	}
}

func TestShift(t *testing.T) {
	// One float32 addition: exact on every target.
	for _, dev := range kerneltest.Devices(t) {
		for si, n := range []int{1, 700} {
			name := fmt.Sprintf("%s n=%d", dev.Backend(), n)
			cs := temps(uint64(si)+9, n)
			fs := make([]Fahrenheit, n)
			for i, c := range cs {
				fs[i] = c.F()
			}
			g := kerneltest.Grid1D(n, 128)
			wc, wf := slices.Clone(cs), slices.Clone(fs)
			if err := dc.Emulate(g, func(t dc.Thread) { Shift(t, wc, Celsius(-1.5)) }); err != nil {
				t.Fatal(err)
			}
			if err := dc.Emulate(g, func(t dc.Thread) { Shift(t, wf, Fahrenheit(2.25)) }); err != nil {
				t.Fatal(err)
			}
			cb, _ := runtime.BufferOf(dev, cs)
			fb, _ := runtime.BufferOf(dev, fs)
			if err := LaunchShift(dev, g, cb, -1.5); err != nil {
				t.Fatalf("%s: Celsius: %v", name, err)
			}
			if err := LaunchShift(dev, g, fb, 2.25); err != nil {
				t.Fatalf("%s: Fahrenheit: %v", name, err)
			}
			gc, gf := make(Temps, n), make([]Fahrenheit, n)
			if err := cb.Read(gc); err != nil {
				t.Fatal(err)
			}
			if err := fb.Read(gf); err != nil {
				t.Fatal(err)
			}
			kerneltest.Equal(t, name+": Celsius", gc, wc)
			kerneltest.Equal(t, name+": Fahrenheit", gf, wf)
			if wc[0] != cs[0]-1.5 {
				t.Errorf("%s: Emulate: %v - 1.5 = %v", name, cs[0], wc[0])
			}
		}
	}
}

func TestNamedErrors(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		tb, _ := runtime.BufferOf(dev, Temps{1, 2})
		err := LaunchScale(dev, dc.Grid1D(2), tb, nil, 1, 0)
		var ke *runtime.KernelError
		if !errors.As(err, &ke) || ke.Kernel != "Scale" || ke.Arg != "levels" {
			t.Errorf("%s: nil levels: got error %v, want a *runtime.KernelError for Scale, argument levels", dev.Backend(), err)
		}
	}
}
