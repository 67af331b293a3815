package minmax

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// min and max are exact: every result is one of the operands (or NaN), so
// floats compare bit for bit with Same32/Same64 (which tells -0 from +0
// and matches any NaN with any NaN) and integers with Equal.

var outNames = [numOut]string{"min(x,y)", "max(x,y)", "min(x,y,z)", "max(x,y,z)", "mixed"}

// floatInputs returns every triple of the special values NaN, -Inf, -1,
// -0, +0, 1, +Inf, then n random triples.
func floatInputs(seed uint64, n int) (a, b, c []float64) {
	sp := []float64{math.NaN(), math.Inf(-1), -1, math.Copysign(0, -1), 0, 1, math.Inf(1)}
	for _, x := range sp {
		for _, y := range sp {
			for _, z := range sp {
				a, b, c = append(a, x), append(b, y), append(c, z)
			}
		}
	}
	a = append(a, kerneltest.Rand64(seed, n, -2, 2)...)
	b = append(b, kerneltest.Rand64(seed+1, n, -2, 2)...)
	c = append(c, kerneltest.Rand64(seed+2, n, -2, 2)...)
	return a, b, c
}

func to32(xs []float64) []float32 {
	out := make([]float32, len(xs))
	for i, x := range xs {
		out[i] = float32(x)
	}
	return out
}

// checkReference checks Emulate's min on the special triples against Go's
// rules: NaN wins, and -0 is less than +0.
func checkReference(t *testing.T, a, b []float64, out []float64) {
	t.Helper()
	n := len(a)
	for i := range 7 * 7 * 7 {
		x, y := a[i], b[i]
		w := out[oMin2*n+i]
		switch {
		case math.IsNaN(x) || math.IsNaN(y):
			if !math.IsNaN(w) {
				t.Fatalf("Emulate: min(%v, %v) = %v, want NaN", x, y, w)
			}
		case x == 0 && y == 0:
			if math.Signbit(w) != (math.Signbit(x) || math.Signbit(y)) {
				t.Fatalf("Emulate: min(%v, %v) = %v: wrong zero", x, y, w)
			}
		}
	}
}

var sizes = []struct{ n, group int }{{0, 256}, {1000, 256}, {1000, 64}} // 343 and 1343 elements

func TestFloat32(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for si, s := range sizes {
			a64, b64, c64 := floatInputs(uint64(si), s.n)
			a, b, c := to32(a64), to32(b64), to32(c64)
			n := len(a)
			name := fmt.Sprintf("%s n=%d group=%d", dev.Backend(), n, s.group)
			g := kerneltest.Grid1D(n, s.group)
			want := make([]float32, numOut*n)
			if err := dc.Emulate(g, func(t dc.Thread) { Float32(t, a, b, c, want) }); err != nil {
				t.Fatal(err)
			}
			w64 := make([]float64, len(want))
			for i, w := range want {
				w64[i] = float64(w)
			}
			checkReference(t, a64, b64, w64)
			ab, _ := runtime.BufferOf(dev, a)
			bb, _ := runtime.BufferOf(dev, b)
			cb, _ := runtime.BufferOf(dev, c)
			ob, _ := runtime.NewBuffer[float32](dev, numOut*n)
			if err := LaunchFloat32(dev, g, ab, bb, cb, ob); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got := make([]float32, numOut*n)
			if err := ob.Read(got); err != nil {
				t.Fatal(err)
			}
			for k := range numOut {
				kerneltest.Same32(t, name+": "+outNames[k], got[k*n:(k+1)*n], want[k*n:(k+1)*n])
			}
		}
	}
}

func TestFloat64(t *testing.T) {
	kerneltest.Run(t, func(t *testing.T, dev *runtime.Device) {
		kerneltest.NeedFloat64(t, dev)
		for si, s := range sizes {
			a, b, c := floatInputs(uint64(si)+10, s.n)
			n := len(a)
			name := fmt.Sprintf("n=%d group=%d", n, s.group)
			g := kerneltest.Grid1D(n, s.group)
			want := make([]float64, numOut*n)
			if err := dc.Emulate(g, func(t dc.Thread) { Float64(t, a, b, c, want) }); err != nil {
				t.Fatal(err)
			}
			checkReference(t, a, b, want)
			ab, _ := runtime.BufferOf(dev, a)
			bb, _ := runtime.BufferOf(dev, b)
			cb, _ := runtime.BufferOf(dev, c)
			ob, _ := runtime.NewBuffer[float64](dev, numOut*n)
			if err := LaunchFloat64(dev, g, ab, bb, cb, ob); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got := make([]float64, numOut*n)
			if err := ob.Read(got); err != nil {
				t.Fatal(err)
			}
			for k := range numOut {
				kerneltest.Same64(t, name+": "+outNames[k], got[k*n:(k+1)*n], want[k*n:(k+1)*n])
			}
		}
	})
}

func TestInts(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for si, s := range sizes {
			n := s.n + 5
			name := fmt.Sprintf("%s n=%d group=%d", dev.Backend(), n, s.group)
			seed := uint64(si) * 10
			a := kerneltest.RandInts[int32](seed, n, math.MinInt32, math.MaxInt32)
			b := kerneltest.RandInts[int32](seed+1, n, -200, 200)
			c := kerneltest.RandInts[int32](seed+2, n, math.MinInt32, math.MaxInt32)
			ua := kerneltest.RandInts[uint8](seed+3, n, 0, 255)
			ub := kerneltest.RandInts[uint8](seed+4, n, 0, 255)
			uc := kerneltest.RandInts[uint8](seed+5, n, 0, 255)
			la := kerneltest.RandInts[int64](seed+6, n, math.MinInt64, math.MaxInt64)
			lb := kerneltest.RandInts[int64](seed+7, n, -5000, 5000)
			// Extremes in the first elements.
			copy(a, []int32{math.MinInt32, math.MaxInt32, 0, -1, 100})
			copy(ua, []uint8{0, 255, 128, 127, 200})
			copy(la, []int64{math.MinInt64, math.MaxInt64, 0, -1, 1000})
			g := kerneltest.Grid1D(n, s.group)
			want, uwant, lwant := make([]int32, numOut*n), make([]uint8, numOut*n), make([]int, numOut*n)
			if err := dc.Emulate(g, func(t dc.Thread) { Ints(t, a, b, c, ua, ub, uc, la, lb, want, uwant, lwant) }); err != nil {
				t.Fatal(err)
			}
			if want[oMin3*n+0] != math.MinInt32 || uwant[oMax3*n+1] != 255 || lwant[oMixed*n+1] != 1000 {
				t.Errorf("%s: Emulate: wrong extremes %d %d %d", name, want[oMin3*n], uwant[oMax3*n+1], lwant[oMixed*n+1])
			}
			bufs32 := make([]*runtime.Buffer[int32], 3)
			for k, xs := range [][]int32{a, b, c} {
				bufs32[k], _ = runtime.BufferOf(dev, xs)
			}
			bufs8 := make([]*runtime.Buffer[uint8], 3)
			for k, xs := range [][]uint8{ua, ub, uc} {
				bufs8[k], _ = runtime.BufferOf(dev, xs)
			}
			lab, _ := runtime.BufferOf(dev, la)
			lbb, _ := runtime.BufferOf(dev, lb)
			ob, _ := runtime.NewBuffer[int32](dev, numOut*n)
			uob, _ := runtime.NewBuffer[uint8](dev, numOut*n)
			lob, _ := runtime.NewBuffer[int](dev, numOut*n)
			if err := LaunchInts(dev, g, bufs32[0], bufs32[1], bufs32[2], bufs8[0], bufs8[1], bufs8[2], lab, lbb, ob, uob, lob); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got, ugot, lgot := make([]int32, numOut*n), make([]uint8, numOut*n), make([]int, numOut*n)
			if err := ob.Read(got); err != nil {
				t.Fatal(err)
			}
			if err := uob.Read(ugot); err != nil {
				t.Fatal(err)
			}
			if err := lob.Read(lgot); err != nil {
				t.Fatal(err)
			}
			for k := range numOut {
				kerneltest.Equal(t, name+": int32 "+outNames[k], got[k*n:(k+1)*n], want[k*n:(k+1)*n])
				kerneltest.Equal(t, name+": uint8 "+outNames[k], ugot[k*n:(k+1)*n], uwant[k*n:(k+1)*n])
				kerneltest.Equal(t, name+": int "+outNames[k], lgot[k*n:(k+1)*n], lwant[k*n:(k+1)*n])
			}
		}
	}
}

func TestMinMaxErrors(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		ab, _ := runtime.BufferOf(dev, []float32{1})
		err := LaunchFloat32(dev, dc.Grid1D(1), ab, ab, ab, nil)
		var ke *runtime.KernelError
		if !errors.As(err, &ke) || ke.Kernel != "Float32" || ke.Arg != "out" {
			t.Errorf("%s: nil out: got error %v, want a *runtime.KernelError for Float32, argument out", dev.Backend(), err)
		}
	}
}
