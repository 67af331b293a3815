package mathfn

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// Tolerances, in ulp, per function. The reference (dc's functions on the
// host) computes in float64 with package math and rounds, so for float32 it
// is within about half an ulp of the exact result. The device bounds are
// the OpenCL 1.2 full-profile accuracy table (section 7.4), the loosest of
// CUDA, Metal (precise mode) and OpenCL, plus 1 ulp for the reference's
// rounding. For float64 we add 2 ulp for package math's own error (it is
// not correctly rounded). Abs, Floor, Ceil, Trunc and FMA are exact
// everywhere.
var names = [numFuncs]string{"Sqrt", "Rsqrt", "Exp", "Exp2", "Log", "Log2", "Sin", "Cos", "Tan", "Tanh", "Atan2", "Pow", "Abs", "Floor", "Ceil", "Trunc", "FMA"}

var ulp32 = [numFuncs]uint64{
	fSqrt: 3 + 1, fRsqrt: 2 + 1, fExp: 3 + 1, fExp2: 3 + 1, fLog: 3 + 1, fLog2: 3 + 1,
	fSin: 4 + 1, fCos: 4 + 1, fTan: 5 + 1, fTanh: 5 + 1, fAtan2: 6 + 1, fPow: 16 + 1,
}

var ulp64 = [numFuncs]uint64{
	fSqrt: 0 + 2, fRsqrt: 2 + 2, fExp: 3 + 2, fExp2: 3 + 2, fLog: 3 + 2, fLog2: 3 + 2,
	fSin: 4 + 2, fCos: 4 + 2, fTan: 5 + 2, fTanh: 5 + 2, fAtan2: 6 + 2, fPow: 16 + 2,
}

// inputs returns n random inputs followed by special values: x > 0 with
// 0, 1, +Inf; y in [-8, 8) with -0, NaN; z in [-1.2, 1.2) with ±0.
func inputs(seed uint64, n int) (x, y, z []float64) {
	x = kerneltest.Rand64(seed, n, 0.01, 10)
	y = kerneltest.Rand64(seed+1, n, -8, 8)
	z = kerneltest.Rand64(seed+2, n, -1.2, 1.2)
	negZero := math.Copysign(0, -1)
	x = append(x, 0, 1, math.Inf(1), 4, 0.5)
	y = append(y, negZero, 2.5, -2.5, math.NaN(), -0.5)
	z = append(z, 0, negZero, 1, 0, negZero)
	return x, y, z
}

func to32(xs []float64) []float32 {
	out := make([]float32, len(xs))
	for i, x := range xs {
		out[i] = float32(x)
	}
	return out
}

var sizes = []struct {
	n     int // random inputs; 5 specials follow
	group int
}{
	{0, 256},    // the specials only
	{1000, 256}, // 1005 elements: 4 groups, the last partly idle
	{1000, 64},
}

func TestMath32(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for si, s := range sizes {
			x64, y64, z64 := inputs(uint64(si), s.n)
			x, y, z := to32(x64), to32(y64), to32(z64)
			n := len(x)
			name := fmt.Sprintf("%s n=%d group=%d", dev.Backend(), n, s.group)
			g := kerneltest.Grid1D(n, s.group)
			want := make([]float32, numFuncs*n)
			if err := dc.Emulate(g, func(t dc.Thread) { Math32(t, x, y, z, want) }); err != nil {
				t.Fatal(err)
			}
			if w, h := want[fSqrt*n+n-2], float32(2); w != h {
				t.Errorf("%s: Emulate: Sqrt(4) = %v, want %v", name, w, h)
			}
			xb, _ := runtime.BufferOf(dev, x)
			yb, _ := runtime.BufferOf(dev, y)
			zb, _ := runtime.BufferOf(dev, z)
			ob, _ := runtime.NewBuffer[float32](dev, numFuncs*n)
			if err := LaunchMath32(dev, g, xb, yb, zb, ob); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got := make([]float32, numFuncs*n)
			if err := ob.Read(got); err != nil {
				t.Fatal(err)
			}
			for f := range numFuncs {
				kerneltest.ULP32(t, name+": "+names[f], got[f*n:(f+1)*n], want[f*n:(f+1)*n], ulp32[f])
			}
		}
	}
}

func TestMath64(t *testing.T) {
	kerneltest.Run(t, func(t *testing.T, dev *runtime.Device) {
		kerneltest.NeedFloat64(t, dev)
		for si, s := range sizes {
			x, y, z := inputs(uint64(si)+10, s.n)
			n := len(x)
			name := fmt.Sprintf("n=%d group=%d", n, s.group)
			g := kerneltest.Grid1D(n, s.group)
			want := make([]float64, numFuncs*n)
			if err := dc.Emulate(g, func(t dc.Thread) { Math64(t, x, y, z, want) }); err != nil {
				t.Fatal(err)
			}
			if w, h := want[fPow*n+n-1], 1/math.Sqrt(0.5); w != h {
				t.Errorf("%s: Emulate: Pow(0.5, -0.5) = %v, want %v", name, w, h)
			}
			xb, _ := runtime.BufferOf(dev, x)
			yb, _ := runtime.BufferOf(dev, y)
			zb, _ := runtime.BufferOf(dev, z)
			ob, _ := runtime.NewBuffer[float64](dev, numFuncs*n)
			if err := LaunchMath64(dev, g, xb, yb, zb, ob); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got := make([]float64, numFuncs*n)
			if err := ob.Read(got); err != nil {
				t.Fatal(err)
			}
			for f := range numFuncs {
				if f == fLog2 {
					// Go's math.Log2 computes Log(frac)/Ln2 + exp and loses
					// up to ~6 bits to cancellation just above 1: its error is
					// absolute, about 2 ulp of 1.0, not relative. Measured on
					// an H100: Go was 37 ulp off the exact value at
					// x = 1.0104, the GPU 0.0 ulp. So Log2 gets an absolute
					// bound of 4 ulp of 1.0 on top of the relative one.
					kerneltest.Close64(t, name+": "+names[f], got[f*n:(f+1)*n], want[f*n:(f+1)*n], float64(ulp64[f])*0x1p-52, 4*0x1p-52)
					continue
				}
				kerneltest.ULP64(t, name+": "+names[f], got[f*n:(f+1)*n], want[f*n:(f+1)*n], ulp64[f])
			}
		}
	})
}

func TestGeometry64(t *testing.T) {
	// Tolerances: Sqrt(x*x+y*y) may be contracted (one FMA) and rounds
	// twice more: 4 ulp. Hypot: OpenCL allows 4 ulp, package math about
	// 1: 5 ulp, also for the nearest and farthest distances (the
	// subtraction x-(k-1) rounds the same everywhere). Mod(Atan2(y, x), 1):
	// fmod is exact, but it keeps the absolute error of Atan2 (8 ulp of a
	// value below pi, < 4e-15), so it is compared absolutely.
	const radius = 2.5
	kerneltest.Run(t, func(t *testing.T, dev *runtime.Device) {
		kerneltest.NeedFloat64(t, dev)
		for si, n := range []int{1, 777} {
			name := fmt.Sprintf("n=%d", n)
			xs := kerneltest.Rand64(uint64(si), n, -6, 6)
			ys := kerneltest.Rand64(uint64(si)+1, n, -6, 6)
			g := dc.Grid1D(n)
			want := make([]float64, numGeo*n)
			if err := dc.Emulate(g, func(t dc.Thread) { Geometry64(t, xs, ys, want, radius) }); err != nil {
				t.Fatal(err)
			}
			xb, _ := runtime.BufferOf(dev, xs)
			yb, _ := runtime.BufferOf(dev, ys)
			ob, _ := runtime.NewBuffer[float64](dev, numGeo*n)
			if err := LaunchGeometry64(dev, g, xb, yb, ob, radius); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got := make([]float64, numGeo*n)
			if err := ob.Read(got); err != nil {
				t.Fatal(err)
			}
			field := func(v []float64, f int) []float64 {
				out := make([]float64, n)
				for i := range n {
					out[i] = v[i*numGeo+f]
				}
				return out
			}
			kerneltest.ULP64(t, name+": norm", field(got, gNorm), field(want, gNorm), 4)
			kerneltest.ULP64(t, name+": hypot", field(got, gHypot), field(want, gHypot), 5)
			kerneltest.Close64(t, name+": mod", field(got, gMod), field(want, gMod), 0, 4e-15)
			kerneltest.ULP64(t, name+": nearest", field(got, gNearest), field(want, gNearest), 5)
			kerneltest.ULP64(t, name+": far", field(got, gFar), field(want, gFar), 5)
			if n > 1 {
				inf := 0
				for _, v := range field(want, gNearest) {
					if math.IsInf(v, 1) {
						inf++
					}
				}
				if inf == 0 || inf == n {
					t.Errorf("%s: Emulate: %d of %d points have no centre within the radius; want some, not all", name, inf, n)
				}
			}
		}
	})
}

func TestSoftplus(t *testing.T) {
	// Tolerance: with fastmath a device may use its fast exp and log
	// (CUDA's __expf and __logf: 2 + 1.16*|x| ulp and 2^-21.41 absolute
	// error), so we allow a relative 1e-4 and an absolute 1e-5 for
	// x in [-8, 8), where the result is between 3e-4 and 8.
	for _, dev := range kerneltest.Devices(t) {
		for si, n := range []int{1, 1000} {
			name := fmt.Sprintf("%s n=%d", dev.Backend(), n)
			x := kerneltest.Rand32(uint64(si)+30, n, -8, 8)
			g := dc.Grid1D(n)
			want := make([]float32, n)
			if err := dc.Emulate(g, func(t dc.Thread) { Softplus(t, x, want) }); err != nil {
				t.Fatal(err)
			}
			host := make([]float32, n)
			for i, v := range x {
				host[i] = float32(math.Log1p(math.Exp(float64(v))))
			}
			kerneltest.Close32(t, name+": Emulate vs host", want, host, 1e-6, 1e-7)
			xb, _ := runtime.BufferOf(dev, x)
			ob, _ := runtime.NewBuffer[float32](dev, n)
			if err := LaunchSoftplus(dev, g, xb, ob); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got := make([]float32, n)
			if err := ob.Read(got); err != nil {
				t.Fatal(err)
			}
			kerneltest.Close32(t, name+": softplus", got, want, 1e-4, 1e-5)
		}
	}
}

func TestMathErrors(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		xb, _ := runtime.BufferOf(dev, []float32{1, 2})
		ob, _ := runtime.NewBuffer[float32](dev, numFuncs*2)
		// y is nil.
		err := LaunchMath32(dev, dc.Grid1D(2), xb, nil, xb, ob)
		var ke *runtime.KernelError
		if !errors.As(err, &ke) || ke.Kernel != "Math32" || ke.Arg != "y" {
			t.Errorf("%s: nil y: got error %v, want a *runtime.KernelError for Math32, argument y", dev.Backend(), err)
		}
		// Too short an output: the kernel indexes out of range, which
		// the CPU backend reports as an error naming the kernel. (GPUs do
		// not check bounds, so this runs on host-memory devices only.)
		if dev.Info().HostMemory {
			short, _ := runtime.NewBuffer[float32](dev, 2)
			err = LaunchMath32(dev, dc.Grid1D(2), xb, xb, xb, short)
			if err == nil {
				err = dev.Sync() // CPU launches are asynchronous
			}
			if !errors.As(err, &ke) || ke.Kernel != "Math32" {
				t.Errorf("%s: short out: got error %v, want a *runtime.KernelError for Math32", dev.Backend(), err)
			}
		}
	}
}
