//go:build goexperiment.simd && amd64

package vmath

import (
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"simd/archsimd"
	"sync"
	"testing"
	"time"

	"github.com/dotcompute/dc"
)

// The tests compare every function lane by lane, bit for bit, with the
// scalar function it stands for, on millions of inputs: special values,
// the boundaries of the algorithms' cases, and random bit patterns over
// the whole range. VMATH_EXHAUSTIVE=1 adds every float32 (2**32 inputs,
// about 7 minutes on one core).

// needAVX2 skips t on a CPU without AVX2, and returns whether the CPU has
// AVX-512.
func needAVX2(t *testing.T) bool {
	t.Helper()
	if !archsimd.X86.AVX2() {
		t.Skip("the CPU has no AVX2")
	}
	return archsimd.X86.AVX512()
}

// around appends to xs the n float32s on either side of x, and x.
func around(xs []float32, x float32, n int) []float32 {
	lo, hi := x, x
	xs = append(xs, x)
	for range n {
		lo = math.Nextafter32(lo, float32(math.Inf(-1)))
		hi = math.Nextafter32(hi, float32(math.Inf(1)))
		xs = append(xs, lo, hi)
	}
	return xs
}

// inputs32 returns float32 inputs: special values of both signs (zeros,
// subnormals, the smallest and largest normals, infinities, quiet and
// signaling NaNs with payloads), the thresholds where float32 results of
// Exp overflow, become subnormal and underflow, every 1024th bit pattern
// and 4M random ones.
func inputs32() []float32 {
	var xs []float32
	for _, b := range []uint32{
		0, 1, 2, 0x7FFFF, 0x7FFFFF, 0x800000, 0x800001, 0x7F7FFFFF, 0x7F800000,
		0x7F800001, 0x7FA00000, 0x7FBFFFFF, 0x7FC00000, 0x7FC00001, 0x7FFFFFFF,
		0x3F800000, 0x3F3504F3, 0x3F3504F4, 0x3F000000,
	} {
		xs = append(xs, math.Float32frombits(b), math.Float32frombits(b|0x80000000))
	}
	for _, x := range []float32{
		88.72283, 88.72284, -87.33655, -103.27893, -103.97208, -104, 1, -1, 0.5, 0.6931472,
		709.78, -708.39, -745.13, 1e-30, 1e30, 3.4e38, -3.4e38,
	} {
		xs = around(xs, x, 2000)
	}
	for b := uint64(0); b < 1<<32; b += 1024 {
		xs = append(xs, math.Float32frombits(uint32(b)))
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 4 << 20 {
		xs = append(xs, math.Float32frombits(r.Uint32()))
	}
	return xs
}

// inputs64 returns float64 inputs: every float32 input as a float64, the
// boundaries of math.Exp's cases (overflow, where k reaches 1024,
// subnormal results, underflow, and ties of x/ln2 between integers),
// subnormals and fractions near sqrt(2)/2 for math.Log, and 6M random bit
// patterns (2M of them subnormals, 2M fractions near sqrt(2)/2).
func inputs64() []float64 {
	var xs []float64
	for _, x := range inputs32() {
		xs = append(xs, float64(x))
	}
	around := func(x float64, n int) {
		lo, hi := x, x
		xs = append(xs, x)
		for range n {
			lo = math.Nextafter(lo, math.Inf(-1))
			hi = math.Nextafter(hi, math.Inf(1))
			xs = append(xs, lo, hi)
		}
	}
	for _, x := range []float64{
		7.09782712893384e+02, 709.0895657128241, -708.3964185322641, -708.39641853226410622,
		-744.4400719213812, -745.1332191019411, -745.1332191019412, -1.4e9, -1.5e9, -math.MaxFloat64,
		math.MaxFloat64, math.SmallestNonzeroFloat64, 0x1p-1022, 0x1p-1023, 1, math.Sqrt2 / 2,
	} {
		around(x, 1000)
		around(-x, 10)
	}
	for n := -1080.0; n <= 1030; n++ {
		around((n+0.5)*math.Ln2, 3)
	}
	for _, b := range []uint64{0x7FF0000000000001, 0x7FF8000000000000, 0x7FFFFFFFFFFFFFFF, 0x7FF4000000000000} {
		xs = append(xs, math.Float64frombits(b), math.Float64frombits(b|1<<63))
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 2 << 20 {
		xs = append(xs, math.Float64frombits(r.Uint64()))
		// Fractions near sqrt(2)/2 and subnormals.
		xs = append(xs, math.Float64frombits(0x3FE6A09E667F3BCD+r.Uint64()%1024-512+r.Uint64()%2047<<52))
		xs = append(xs, math.Float64frombits(r.Uint64()%(1<<52)))
	}
	return xs
}

// check64 compares vec on lanes of n float64s with ref on xs.
func check64(t *testing.T, name string, n int, xs []float64, vec func([]float64, []float64), ref func(float64) float64) {
	t.Helper()
	in, out := make([]float64, n), make([]float64, n)
	bad := 0
	for i := 0; i < len(xs); i += n {
		copy(in, xs[i:min(i+n, len(xs))])
		vec(in, out)
		for j := range min(n, len(xs)-i) {
			if want := ref(in[j]); math.Float64bits(out[j]) != math.Float64bits(want) {
				if bad++; bad <= 10 {
					t.Errorf("%s(%v [%#016x]) = %v [%#016x], want %v [%#016x]", name, in[j], math.Float64bits(in[j]),
						out[j], math.Float64bits(out[j]), want, math.Float64bits(want))
				}
			}
		}
	}
	if bad > 10 {
		t.Errorf("%s: %d of %d lanes differ", name, bad, len(xs))
	}
}

// check32 compares vec on lanes of n float32s with ref on xs.
func check32(t *testing.T, name string, n int, xs []float32, vec func([]float32, []float32), ref func(float32) float32) {
	t.Helper()
	in, out := make([]float32, n), make([]float32, n)
	bad := 0
	for i := 0; i < len(xs); i += n {
		copy(in, xs[i:min(i+n, len(xs))])
		vec(in, out)
		for j := range min(n, len(xs)-i) {
			if want := ref(in[j]); math.Float32bits(out[j]) != math.Float32bits(want) {
				if bad++; bad <= 10 {
					t.Errorf("%s(%v [%#08x]) = %v [%#08x], want %v [%#08x]", name, in[j], math.Float32bits(in[j]),
						out[j], math.Float32bits(out[j]), want, math.Float32bits(want))
				}
			}
		}
	}
	if bad > 10 {
		t.Errorf("%s: %d of %d lanes differ", name, bad, len(xs))
	}
}

// The functions on slices of one vector.
var (
	exp64x4  = func(in, out []float64) { Exp64x4(archsimd.LoadFloat64x4Slice(in)).StoreSlice(out) }
	log64x4  = func(in, out []float64) { Log64x4(archsimd.LoadFloat64x4Slice(in)).StoreSlice(out) }
	exp64x8  = func(in, out []float64) { Exp64x8(archsimd.LoadFloat64x8Slice(in)).StoreSlice(out) }
	log64x8  = func(in, out []float64) { Log64x8(archsimd.LoadFloat64x8Slice(in)).StoreSlice(out) }
	exp32x8  = func(in, out []float32) { Exp32x8(archsimd.LoadFloat32x8Slice(in)).StoreSlice(out) }
	log32x8  = func(in, out []float32) { Log32x8(archsimd.LoadFloat32x8Slice(in)).StoreSlice(out) }
	abs32x8  = func(in, out []float32) { Abs32x8(archsimd.LoadFloat32x8Slice(in)).StoreSlice(out) }
	exp32x16 = func(in, out []float32) { Exp32x16(archsimd.LoadFloat32x16Slice(in)).StoreSlice(out) }
	log32x16 = func(in, out []float32) { Log32x16(archsimd.LoadFloat32x16Slice(in)).StoreSlice(out) }
	abs32x16 = func(in, out []float32) { Abs32x16(archsimd.LoadFloat32x16Slice(in)).StoreSlice(out) }
)

// TestFloat64 compares Exp64x4, Log64x4 (and the x8 functions where the
// CPU has AVX-512) with math.Exp and math.Log.
func TestFloat64(t *testing.T) {
	avx512 := needAVX2(t)
	xs := inputs64()
	t.Logf("%d inputs, math.Exp fuses: %v", len(xs), useFMA)
	check64(t, "Exp64x4", 4, xs, exp64x4, math.Exp)
	check64(t, "Log64x4", 4, xs, log64x4, math.Log)
	if avx512 {
		check64(t, "Exp64x8", 8, xs, exp64x8, math.Exp)
		check64(t, "Log64x8", 8, xs, log64x8, math.Log)
	}
}

// TestFloat32 compares the float32 functions with dc.Exp, dc.Log and
// dc.Abs.
func TestFloat32(t *testing.T) {
	avx512 := needAVX2(t)
	xs := inputs32()
	t.Logf("%d inputs", len(xs))
	check32(t, "Exp32x8", 8, xs, exp32x8, dc.Exp[float32])
	check32(t, "Log32x8", 8, xs, log32x8, dc.Log[float32])
	check32(t, "Abs32x8", 8, xs, abs32x8, dc.Abs[float32])
	if avx512 {
		check32(t, "Exp32x16", 16, xs, exp32x16, dc.Exp[float32])
		check32(t, "Log32x16", 16, xs, log32x16, dc.Log[float32])
		check32(t, "Abs32x16", 16, xs, abs32x16, dc.Abs[float32])
	}
}

// expAsm is math/exp_amd64.s written in Go, fusing where fused is true
// as the assembly does with FMA. Explicit conversions keep the compiler
// from fusing anything else.
func expAsm(x float64, fused bool) float64 {
	b := math.Float64bits(x)
	switch {
	case b == negInfBits:
		return 0
	case b&absMask >= posInfBits:
		return x
	case x > overflow:
		return math.Inf(1)
	}
	x1 := float64(log2e * x)
	k := int32(math.MinInt32) // CVTSD2SL's value out of range
	if r := math.RoundToEven(x1); r >= math.MinInt32 && r <= math.MaxInt32 {
		k = int32(r)
	}
	kf := float64(k)
	var r float64
	if fused {
		r = math.FMA(-kf, ln2U, x)
		r = math.FMA(-kf, ln2L, r)
	} else {
		r = x - float64(ln2U*kf)
		r = r - float64(ln2L*kf)
	}
	r *= 0.0625
	p := exp8
	for _, c := range []float64{exp7, exp6, exp5, exp4, exp3, exp2, exp1} {
		if fused {
			p = math.FMA(p, r, c)
		} else {
			p = float64(p*r) + c
		}
	}
	r = float64(r * p)
	if fused {
		for range 3 {
			r = float64(r * float64(r+2))
		}
		r = math.FMA(r, float64(r+2), 1)
	} else {
		for range 4 {
			r = float64(r * float64(r+2))
		}
		r = r + 1
	}
	e := int64(k) + 0x3FF
	switch {
	case e >= 0x7FF:
		return math.Inf(1)
	case e < -52:
		return 0
	case e <= 0:
		r = float64(r * math.Float64frombits(uint64(e+0x3FE)<<52))
		return float64(r * 0x1p-1022)
	}
	return float64(r * math.Float64frombits(uint64(e)<<52))
}

// TestExpBothWays checks both of Exp64x4's ways (with and without fused
// multiplies and adds) against expAsm, and expAsm, the way this CPU
// takes, against math.Exp: so the way math.Exp takes on other CPUs is
// checked too.
func TestExpBothWays(t *testing.T) {
	avx512 := needAVX2(t)
	if !archsimd.X86.FMA() {
		t.Skip("the CPU has no FMA: the fused way cannot run")
	}
	xs := inputs64()
	check64(t, "expAsm", 1, xs, func(in, out []float64) { out[0] = expAsm(in[0], useFMA) }, math.Exp)
	saved := useFMA
	t.Cleanup(func() { useFMA = saved })
	for _, fused := range []bool{false, true} {
		useFMA = fused
		ref := func(x float64) float64 { return expAsm(x, fused) }
		check64(t, "Exp64x4", 4, xs, exp64x4, ref)
		if avx512 {
			check64(t, "Exp64x8", 8, xs, exp64x8, ref)
		}
	}
}

// TestFloat32Exhaustive compares the float32 functions with dc.Exp, dc.Log
// and dc.Abs on every float32, where VMATH_EXHAUSTIVE=1.
func TestFloat32Exhaustive(t *testing.T) {
	avx512 := needAVX2(t)
	if os.Getenv("VMATH_EXHAUSTIVE") != "1" {
		t.Skip("VMATH_EXHAUSTIVE=1 runs it (minutes)")
	}
	type fn struct {
		name string
		n    int
		vec  func([]float32, []float32)
	}
	// The functions of each scalar one, with the scalar one.
	groups := []struct {
		ref func(float32) float32
		fns []fn
	}{
		{dc.Exp[float32], []fn{{"Exp32x8", 8, exp32x8}, {"Exp32x16", 16, exp32x16}}},
		{dc.Log[float32], []fn{{"Log32x8", 8, log32x8}, {"Log32x16", 16, log32x16}}},
		{dc.Abs[float32], []fn{{"Abs32x8", 8, abs32x8}, {"Abs32x16", 16, abs32x16}}},
	}
	start := time.Now()
	const block = 1 << 16
	var (
		mu   sync.Mutex
		bad  = map[string]int{}
		wg   sync.WaitGroup
		next = make(chan uint64)
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			in, want, out := make([]float32, block), make([]float32, block), make([]float32, block)
			for lo := range next {
				for i := range in {
					in[i] = math.Float32frombits(uint32(lo) + uint32(i))
				}
				for _, g := range groups {
					for i, x := range in {
						want[i] = g.ref(x)
					}
					for _, f := range g.fns {
						if f.n == 16 && !avx512 {
							continue
						}
						for i := 0; i < block; i += f.n {
							f.vec(in[i:i+f.n], out[i:i+f.n])
						}
						for i := range out {
							if math.Float32bits(out[i]) != math.Float32bits(want[i]) {
								mu.Lock()
								if bad[f.name]++; bad[f.name] <= 10 {
									t.Errorf("%s(%#08x) = %#08x, want %#08x", f.name, math.Float32bits(in[i]), math.Float32bits(out[i]), math.Float32bits(want[i]))
								}
								mu.Unlock()
							}
						}
					}
				}
			}
		})
	}
	for lo := uint64(0); lo < 1<<32; lo += block {
		if lo%(1<<30) == 0 && lo > 0 {
			t.Logf("%d/4 of the float32s after %v", lo>>30, time.Since(start))
		}
		next <- lo
	}
	close(next)
	wg.Wait()
	for name, n := range bad {
		t.Errorf("%s: %d of 2**32 inputs differ", name, n)
	}
	t.Logf("every float32 in %v", time.Since(start))
}
