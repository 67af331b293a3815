package floatconv

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	dcrt "github.com/dotcompute/dc/runtime"
)

// specials are the values whose conversions Go's specification leaves to
// the implementation, and the edges of every integer kind's range.
var specials = []float64{
	math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1),
	0.5, -0.5, 1.5, -1.5, 127.9, 128, -128.5, -129, 255.9, 256, -1,
	32767.5, 32768, -32769, 65535.9, 65536, 70000, -70000,
	1 << 31, 1<<31 - 0.5, -(1 << 31), -(1 << 31) - 1, -(1 << 31) - 0.5, 1 << 32, 3e9, -3e9, 5e9,
	1 << 63, -(1 << 63), 9.3e18, -9.3e18, 1 << 64, 1.8446744073709550e19, 1e20, -1e20,
	math.MaxFloat32, -math.MaxFloat32, math.MaxFloat64, math.SmallestNonzeroFloat64, 1e-40,
}

// inputs returns the specials and n values spread over every magnitude.
func inputs(n int) []float64 {
	xs := append([]float64(nil), specials...)
	r := kerneltest.Rand(7)
	for range n {
		e := r.IntN(140) - 70 // 2^-70 to 2^70
		m := r.Float64()*2 - 1
		xs = append(xs, math.Ldexp(m, e))
	}
	return xs
}

// amd64 returns x converted to every integer kind as Go does on amd64 (see
// the package doc), written out so that the test does not depend on the
// machine it runs on: a 32-bit and a 64-bit truncating conversion whose
// out-of-range result is the smallest integer, and uint64 from 2⁶³ up
// through x - 2⁶³.
func amd64(x float64) Ints {
	cvt32 := func(x float64) int32 {
		if x >= -(1<<31) && x < 1<<31 {
			return int32(x)
		}
		return math.MinInt32
	}
	cvt64 := func(x float64) int64 {
		if x >= -(1<<63) && x < 1<<63 {
			return int64(x)
		}
		return math.MinInt64
	}
	u64 := uint64(cvt64(x))
	if !(x < 1<<63) {
		u64 = uint64(cvt64(x-(1<<63))) | 1<<63
	}
	c := cvt32(x)
	return Ints{int8(c), int16(c), c, cvt64(x), int(cvt64(x)), uint8(c), uint16(c), uint32(cvt64(x)), u64, uint(u64)}
}

// want is what a backend must give: the host's own conversions on the
// CPU backend (Go's generated code), amd64's everywhere else.
func want(dev *dcrt.Device, host []Ints, xs []float64) []Ints {
	if dev.Backend() == "cpu" {
		return host
	}
	w := make([]Ints, len(xs))
	for i, x := range xs {
		w[i] = amd64(x)
	}
	return w
}

func TestAMD64Rules(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skipf("the rules are amd64's; this is %s", runtime.GOARCH)
	}
	for _, x := range inputs(10000) {
		var got [2]Ints
		g := dc.Grid1D(1)
		if err := dc.Emulate(g, func(t dc.Thread) { From64(t, []float64{x}, got[:1]) }); err != nil {
			t.Fatal(err)
		}
		if err := dc.Emulate(g, func(t dc.Thread) { From32(t, []float32{float32(x)}, got[1:]) }); err != nil {
			t.Fatal(err)
		}
		if w := amd64(x); got[0] != w {
			t.Errorf("float64 %v: Go gives %+v, the rules %+v", x, got[0], w)
		}
		if w := amd64(float64(float32(x))); got[1] != w {
			t.Errorf("float32 %v: Go gives %+v, the rules %+v", float32(x), got[1], w)
		}
	}
}

func TestFrom32(t *testing.T) {
	var xs []float32
	var wide []float64
	for _, x := range inputs(1000) {
		xs = append(xs, float32(x))
		wide = append(wide, float64(float32(x)))
	}
	g := kerneltest.Grid1D(len(xs), 64)
	host := make([]Ints, len(xs))
	if err := dc.Emulate(g, func(t dc.Thread) { From32(t, xs, host) }); err != nil {
		t.Fatal(err)
	}
	for _, dev := range kerneltest.Devices(t) {
		name := fmt.Sprintf("%s From32 n=%d", dev.Backend(), len(xs))
		xb, _ := dcrt.BufferOf(dev, xs)
		ob, _ := dcrt.NewBuffer[Ints](dev, len(xs))
		if err := LaunchFrom32(dev, g, xb, ob); kerneltest.CannotRun(t, dev, err) {
			continue
		} else if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := make([]Ints, len(xs))
		if err := ob.Read(got); err != nil {
			t.Fatal(err)
		}
		check(t, name, wide, got, want(dev, host, wide))
	}
}

func TestFrom64(t *testing.T) {
	xs := inputs(1000)
	g := kerneltest.Grid1D(len(xs), 64)
	host := make([]Ints, len(xs))
	if err := dc.Emulate(g, func(t dc.Thread) { From64(t, xs, host) }); err != nil {
		t.Fatal(err)
	}
	for _, dev := range kerneltest.Devices(t) {
		if !dev.Info().Float64 {
			t.Logf("%s: no float64, From64 not run", dev)
			continue
		}
		name := fmt.Sprintf("%s From64 n=%d", dev.Backend(), len(xs))
		xb, _ := dcrt.BufferOf(dev, xs)
		ob, _ := dcrt.NewBuffer[Ints](dev, len(xs))
		if err := LaunchFrom64(dev, g, xb, ob); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := make([]Ints, len(xs))
		if err := ob.Read(got); err != nil {
			t.Fatal(err)
		}
		check(t, name, xs, got, want(dev, host, xs))
	}
}

// check reports the first few conversions that differ.
func check(t *testing.T, name string, xs []float64, got, want []Ints) {
	t.Helper()
	bad := 0
	for i := range got {
		if got[i] != want[i] {
			if bad < 8 {
				t.Errorf("%s: x = %v: got %+v, want %+v", name, xs[i], got[i], want[i])
			}
			bad++
		}
	}
	if bad > 8 {
		t.Errorf("%s: %d of %d conversions differ", name, bad, len(got))
	}
}

// TestIndex converts a float to an index: in range it counts, and a NaN
// or a huge value faults as Go's index check does, on every backend.
func TestIndex(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for _, bad := range []float32{float32(math.NaN()), 1e30, -3} {
			xs := []float32{1, 2, 3, bad, 4}
			hist := make([]int32, 8)
			g := kerneltest.Grid1D(len(xs), 32)
			werr := dc.Emulate(g, func(t dc.Thread) { Index(t, xs, 1.5, hist) })
			if werr == nil {
				t.Fatalf("dc.Emulate of %v: no fault", bad)
			}
			xb, _ := dcrt.BufferOf(dev, xs)
			hb, _ := dcrt.NewBuffer[int32](dev, len(hist))
			err := LaunchIndex(dev, g, xb, 1.5, hb)
			if kerneltest.CannotRun(t, dev, err) {
				continue
			}
			if err == nil {
				err = dev.Sync()
			}
			var f *dcrt.Fault
			if !errors.As(err, &f) {
				t.Errorf("%s: index %v: got %v, want a fault like dc.Emulate's %v", dev.Backend(), bad, err, werr)
			}
		}
	}
}
