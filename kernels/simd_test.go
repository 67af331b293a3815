//go:build goexperiment.simd && amd64

package kernels

import (
	"fmt"
	"simd/archsimd"
	"sync/atomic"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// The tests of this file run only in builds with GOEXPERIMENT=simd (make
// test-simd): they compare the SIMD bodies of the qualifying kernels bit
// for bit with the scalar CPU bodies and with dc.Emulate.

// simdLengths are the problem sizes: below, at and around the vector
// widths, and several chunks of groups whose last vector is partial.
var simdLengths = []int{1, 7, 8, 9, 15, 16, 17, 33, 255, 1000, 4099, 70001}

// simdGroups are the group sizes: the default one, and one that is no
// multiple of a vector width, so that chunks start between vectors.
var simdGroups = []int{256, 100}

// simdWidth is one SIMD body of a kernel.
type simdWidth[F any] struct {
	name string
	fn   F
}

// simdWidths returns the SIMD bodies the CPU runs, widest first, failing
// the test where the init of the SIMD file did not pick the widest.
func simdWidths[F any](t *testing.T, set func() bool, w16, w8 F) []simdWidth[F] {
	t.Helper()
	var ws []simdWidth[F]
	if archsimd.X86.AVX512() {
		ws = append(ws, simdWidth[F]{"AVX-512", w16})
	}
	if archsimd.X86.AVX2() {
		ws = append(ws, simdWidth[F]{"AVX2", w8})
	}
	if len(ws) == 0 {
		t.Skip("the CPU has no AVX2: no SIMD body runs")
	}
	if !set() {
		t.Fatal("the SIMD body is not set although the CPU has AVX2")
	}
	return ws
}

// cpuDevice opens the CPU backend.
func cpuDevice(t *testing.T) *runtime.Device {
	t.Helper()
	dev, err := runtime.Open(runtime.WithBackend("cpu"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dev.Close() })
	return dev
}

// launchSaxpy runs Saxpy on dev and returns y.
func launchSaxpy(t *testing.T, dev *runtime.Device, g dc.Grid, a float32, xs, ys []float32) []float32 {
	t.Helper()
	x, err := runtime.BufferOf(dev, xs)
	if err != nil {
		t.Fatal(err)
	}
	y, err := runtime.BufferOf(dev, ys)
	if err != nil {
		t.Fatal(err)
	}
	if err := LaunchSaxpy(dev, g, a, x, y); err != nil {
		t.Fatal(err)
	}
	return kerneltest.Read(t, y)
}

// TestSIMDSaxpy compares Saxpy's SIMD bodies with its scalar CPU body and
// with dc.Emulate, bit for bit, on inputs with NaNs, infinities, zeros of
// both signs and subnormals.
func TestSIMDSaxpy(t *testing.T) {
	saved := dc_simdfn_Saxpy
	t.Cleanup(func() { dc_simdfn_Saxpy = saved })
	dev := cpuDevice(t)
	for _, w := range simdWidths(t, func() bool { return saved != nil }, dc_simd16_Saxpy, dc_simd8_Saxpy) {
		for _, a := range []float32{2.5, -0.0, float32(1e-40)} {
			for _, group := range simdGroups {
				for i, n := range simdLengths {
					name := fmt.Sprintf("%s a=%v group=%d n=%d", w.name, a, group, n)
					xs := kerneltest.Special32(uint64(2*i), n, -4, 4)
					ys := kerneltest.Special32(uint64(2*i+1), n, -4, 4)
					g := kerneltest.Grid1D(n, group)

					var calls atomic.Int64
					dc_simdfn_Saxpy = func(lo, hi int, a float32, x, y []float32) bool {
						calls.Add(1)
						return w.fn(lo, hi, a, x, y)
					}
					got := launchSaxpy(t, dev, g, a, xs, ys)
					if calls.Load() == 0 {
						t.Fatalf("%s: the SIMD body did not run", name)
					}
					dc_simdfn_Saxpy = nil
					scalar := launchSaxpy(t, dev, g, a, xs, ys)
					emulated := append([]float32(nil), ys...)
					if err := dc.Emulate(g, func(t dc.Thread) { Saxpy(t, a, xs, emulated) }); err != nil {
						t.Fatal(err)
					}
					kerneltest.Bits32(t, name+": SIMD vs scalar", got, scalar)
					kerneltest.Bits32(t, name+": SIMD vs emulated", got, emulated)
				}
			}
		}
	}
}

// TestSIMDSaxpyShort checks that a SIMD body leaves a launch whose x is
// shorter than y to the scalar body, which reports the fault.
func TestSIMDSaxpyShort(t *testing.T) {
	saved := dc_simdfn_Saxpy
	t.Cleanup(func() { dc_simdfn_Saxpy = saved })
	dev := cpuDevice(t)
	for _, w := range simdWidths(t, func() bool { return saved != nil }, dc_simd16_Saxpy, dc_simd8_Saxpy) {
		var accepted atomic.Int64
		dc_simdfn_Saxpy = func(lo, hi int, a float32, x, y []float32) bool {
			ok := w.fn(lo, hi, a, x, y)
			if ok && hi > lo {
				accepted.Add(1)
			}
			return ok
		}
		x, err := runtime.BufferOf(dev, make([]float32, 10))
		if err != nil {
			t.Fatal(err)
		}
		y, err := runtime.BufferOf(dev, make([]float32, 20))
		if err != nil {
			t.Fatal(err)
		}
		err = LaunchSaxpy(dev, dc.Grid1D(20), 1, x, y)
		if err == nil {
			err = dev.Sync()
		}
		if err == nil {
			t.Errorf("%s: a launch with x shorter than y reported no fault", w.name)
		}
		if accepted.Load() != 0 {
			t.Errorf("%s: the SIMD body ran a launch with x shorter than y", w.name)
		}
	}
}

// TestSIMDScale compares Scale_float32's SIMD bodies with its scalar CPU
// body and with dc.Emulate, bit for bit.
func TestSIMDScale(t *testing.T) {
	saved := dc_simdfn_Scale_float32
	t.Cleanup(func() { dc_simdfn_Scale_float32 = saved })
	dev := cpuDevice(t)
	run := func(g dc.Grid, a float32, xs []float32) []float32 {
		x, err := runtime.BufferOf(dev, xs)
		if err != nil {
			t.Fatal(err)
		}
		if err := LaunchScale(dev, g, a, x); err != nil {
			t.Fatal(err)
		}
		return kerneltest.Read(t, x)
	}
	for _, w := range simdWidths(t, func() bool { return saved != nil }, dc_simd16_Scale_float32, dc_simd8_Scale_float32) {
		for _, a := range []float32{-1.75, float32(1e-39), float32(3e38)} {
			for i, n := range simdLengths {
				name := fmt.Sprintf("%s a=%v n=%d", w.name, a, n)
				xs := kerneltest.Special32(uint64(i), n, -1e3, 1e3)
				g := kerneltest.Grid1D(n, simdGroups[i%len(simdGroups)])
				var calls atomic.Int64
				dc_simdfn_Scale_float32 = func(lo, hi int, a float32, x []float32) bool {
					calls.Add(1)
					return w.fn(lo, hi, a, x)
				}
				got := run(g, a, xs)
				if calls.Load() == 0 {
					t.Fatalf("%s: the SIMD body did not run", name)
				}
				dc_simdfn_Scale_float32 = nil
				scalar := run(g, a, xs)
				emulated := append([]float32(nil), xs...)
				if err := dc.Emulate(g, func(t dc.Thread) { Scale(t, a, emulated) }); err != nil {
					t.Fatal(err)
				}
				kerneltest.Bits32(t, name+": SIMD vs scalar", got, scalar)
				kerneltest.Bits32(t, name+": SIMD vs emulated", got, emulated)
			}
		}
	}
}
