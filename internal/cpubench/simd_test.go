//go:build goexperiment.simd && amd64

package cpubench

import (
	"fmt"
	"math"
	"simd/archsimd"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	dcrt "github.com/dotcompute/dc/runtime"
)

// TestSIMDQuadratic runs only in builds with GOEXPERIMENT=simd (make
// test-simd): it compares Quadratic's SIMD bodies bit for bit with its
// scalar CPU body, with dc.Emulate and with QuadraticSerial, on inputs
// with NaNs, infinities, zeros of both signs and subnormals, for lengths
// that are no multiple of a vector width.
func TestSIMDQuadratic(t *testing.T) {
	saved := dc_simdw_Quadratic
	t.Cleanup(func() { dc_simdw_Quadratic = saved })
	var widths []int
	if archsimd.X86.AVX512() {
		widths = append(widths, 16)
	}
	if archsimd.X86.AVX2() {
		widths = append(widths, 8)
	}
	if len(widths) == 0 {
		t.Skip("the CPU has no AVX2: no SIMD body runs")
	}
	if saved != widths[0] {
		t.Fatalf("the SIMD body runs %d lanes, want %d", saved, widths[0])
	}
	dev, err := dcrt.Open(dcrt.WithBackend("cpu"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dev.Close() })
	launch := func(g dc.Grid, a, b, c []float32) ([]float32, []float32) {
		var bufs [5]*dcrt.Buffer[float32]
		for i, xs := range [][]float32{a, b, c, make([]float32, len(a)), make([]float32, len(a))} {
			if bufs[i], err = dcrt.BufferOf(dev, xs); err != nil {
				t.Fatal(err)
			}
		}
		if err := LaunchQuadratic(dev, g, bufs[0], bufs[1], bufs[2], bufs[3], bufs[4]); err != nil {
			t.Fatal(err)
		}
		return kerneltest.Read(t, bufs[3]), kerneltest.Read(t, bufs[4])
	}
	for _, w := range widths {
		for i, n := range []int{1, 7, 15, 17, 33, 1000, 4099, 70001} {
			for _, group := range []int{256, 100} {
				name := fmt.Sprintf("%d lanes n=%d group=%d", w, n, group)
				a := kerneltest.Special32(uint64(3*i), n, -2, 2)
				b := kerneltest.Special32(uint64(3*i+1), n, -10, 10)
				c := kerneltest.Special32(uint64(3*i+2), n, -2, 2)
				g := kerneltest.Grid1D(n, group)
				dc_simdw_Quadratic = w
				if !dc_simd_Quadratic(0, n, a, b, c, make([]float32, n), make([]float32, n)) {
					t.Fatalf("%s: the SIMD body refuses the launch", name)
				}
				s1, s2 := launch(g, a, b, c)
				dc_simdw_Quadratic = 0
				c1, c2 := launch(g, a, b, c)
				e1, e2 := make([]float32, n), make([]float32, n)
				if err := dc.Emulate(g, func(t dc.Thread) { Quadratic(t, a, b, c, e1, e2) }); err != nil {
					t.Fatal(err)
				}
				h1, h2 := make([]float32, n), make([]float32, n)
				QuadraticSerial(a, b, c, h1, h2)
				kerneltest.Bits32(t, name+": r1 SIMD vs scalar", s1, c1)
				kerneltest.Bits32(t, name+": r2 SIMD vs scalar", s2, c2)
				kerneltest.Bits32(t, name+": r1 SIMD vs emulated", s1, e1)
				kerneltest.Bits32(t, name+": r2 SIMD vs emulated", s2, e2)
				kerneltest.Bits32(t, name+": r1 SIMD vs serial", s1, h1)
				kerneltest.Bits32(t, name+": r2 SIMD vs serial", s2, h2)
			}
		}
	}
}

// simdWidths returns the vector widths the CPU runs, widest first, and
// skips t where it runs none.
func simdWidths(t *testing.T) []int {
	t.Helper()
	var widths []int
	if archsimd.X86.AVX512() {
		widths = append(widths, 16)
	}
	if archsimd.X86.AVX2() {
		widths = append(widths, 8)
	}
	if len(widths) == 0 {
		t.Skip("the CPU has no AVX2: no SIMD body runs")
	}
	return widths
}

// wild32 returns n float32s of which one in three is a random bit pattern
// (any sign and exponent, NaNs included), the others as Special32 gives
// them in [lo, hi).
func wild32(seed uint64, n int, lo, hi float32) []float32 {
	xs := kerneltest.Special32(seed, n, lo, hi)
	r := kerneltest.Rand(seed + 7)
	for i := range xs {
		if r.IntN(3) == 0 {
			xs[i] = math.Float32frombits(r.Uint32())
		}
	}
	return xs
}

// positive32 returns n positive float32s (no zero, infinity or NaN): one
// in three a random bit pattern, subnormals and huge values included, the
// others in [lo, hi).
func positive32(seed uint64, n int, lo, hi float32) []float32 {
	xs := kerneltest.Rand32(seed, n, lo, hi)
	r := kerneltest.Rand(seed + 7)
	for i := range xs {
		if r.IntN(3) == 0 {
			xs[i] = math.Float32frombits(1 + r.Uint32N(0x7F7FFFFF))
		}
	}
	return xs
}

// TestSIMDBlackScholes runs only in builds with GOEXPERIMENT=simd (make
// test-simd): it compares BlackScholes's SIMD bodies — Log, Exp, Abs, the
// device functions blackScholes and cnd inlined and cnd's if as a masked
// merge — with its scalar CPU body, with dc.Emulate and with
// BlackScholesSerial, for lengths that are no multiple of a vector width.
//
// On positive finite inputs (subnormals and huge values included) the
// results are the same bits. On inputs with NaNs, infinities, zeros of
// both signs and random bit patterns, and rates and volatilities just as
// special, every result that is not a NaN is the same bits, and NaNs are
// NaNs: where two NaNs with different bits meet in an addition or a
// multiplication, x86 returns the first operand's, and which operand is
// first is the compiler's choice, in the scalar code as in the vector
// code.
func TestSIMDBlackScholes(t *testing.T) {
	saved := dc_simdw_BlackScholes
	t.Cleanup(func() { dc_simdw_BlackScholes = saved })
	widths := simdWidths(t)
	if saved != widths[0] {
		t.Fatalf("the SIMD body runs %d lanes, want %d", saved, widths[0])
	}
	dev, err := dcrt.Open(dcrt.WithBackend("cpu"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dev.Close() })
	launch := func(g dc.Grid, price, strike, years []float32, rate, vol float32) ([]float32, []float32) {
		var bufs [5]*dcrt.Buffer[float32]
		for i, xs := range [][]float32{price, strike, years, make([]float32, len(price)), make([]float32, len(price))} {
			if bufs[i], err = dcrt.BufferOf(dev, xs); err != nil {
				t.Fatal(err)
			}
		}
		if err := LaunchBlackScholes(dev, g, bufs[0], bufs[1], bufs[2], rate, vol, bufs[3], bufs[4]); err != nil {
			t.Fatal(err)
		}
		return kerneltest.Read(t, bufs[3]), kerneltest.Read(t, bufs[4])
	}
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	special := [][2]float32{{0.02, 0.3}, {0, 0}, {-0.05, 2}, {nan, 0.3}, {0.02, inf}, {1e30, 1e-30}, {float32(math.Copysign(0, -1)), -0.3}}
	finite := [][2]float32{{0.02, 0.3}, {0.05, 1e-3}, {1e-30, 5}, {3, 0.01}}
	for _, w := range widths {
		for i, n := range []int{1, 7, 15, 17, 33, 1000, 4099, 70001} {
			for _, positive := range []bool{true, false} {
				p := special[i%len(special)]
				price, strike, years := wild32(uint64(3*i), n, -1, 100), wild32(uint64(3*i+1), n, 1e-3, 100), wild32(uint64(3*i+2), n, -0.5, 20)
				same := kerneltest.Same32
				if positive {
					p = finite[i%len(finite)]
					price, strike, years = positive32(uint64(3*i), n, 1, 100), positive32(uint64(3*i+1), n, 1, 100), positive32(uint64(3*i+2), n, 0.1, 10)
					same = kerneltest.Bits32
				}
				name := fmt.Sprintf("%d lanes n=%d positive=%v rate=%v vol=%v", w, n, positive, p[0], p[1])
				g := kerneltest.Grid1D(n, 256)
				dc_simdw_BlackScholes = w
				if !dc_simd_BlackScholes(0, n, price, strike, years, p[0], p[1], make([]float32, n), make([]float32, n)) {
					t.Fatalf("%s: the SIMD body refuses the launch", name)
				}
				s1, s2 := launch(g, price, strike, years, p[0], p[1])
				dc_simdw_BlackScholes = 0
				c1, c2 := launch(g, price, strike, years, p[0], p[1])
				e1, e2 := make([]float32, n), make([]float32, n)
				if err := dc.Emulate(g, func(t dc.Thread) { BlackScholes(t, price, strike, years, p[0], p[1], e1, e2) }); err != nil {
					t.Fatal(err)
				}
				h1, h2 := make([]float32, n), make([]float32, n)
				BlackScholesSerial(price, strike, years, p[0], p[1], h1, h2)
				same(t, name+": call SIMD vs scalar", s1, c1)
				same(t, name+": put SIMD vs scalar", s2, c2)
				same(t, name+": call SIMD vs emulated", s1, e1)
				same(t, name+": put SIMD vs emulated", s2, e2)
				same(t, name+": call SIMD vs serial", s1, h1)
				same(t, name+": put SIMD vs serial", s2, h2)
			}
		}
	}
}
