//go:build goexperiment.simd && amd64

package kernels

import (
	"fmt"
	"simd/archsimd"
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

// simdWidths returns the vector widths the CPU runs, widest first,
// failing the test where the init of the SIMD file did not pick the widest.
func simdWidths(t *testing.T, picked int) []int {
	t.Helper()
	var ws []int
	if archsimd.X86.AVX512() {
		ws = append(ws, 16)
	}
	if archsimd.X86.AVX2() {
		ws = append(ws, 8)
	}
	if len(ws) == 0 {
		t.Skip("the CPU has no AVX2: no SIMD body runs")
	}
	if picked != ws[0] {
		t.Fatalf("the SIMD body runs %d lanes, want %d", picked, ws[0])
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
	saved := dc_simdw_Saxpy
	t.Cleanup(func() { dc_simdw_Saxpy = saved })
	dev := cpuDevice(t)
	for _, w := range simdWidths(t, saved) {
		for _, a := range []float32{2.5, -0.0, float32(1e-40)} {
			for _, group := range simdGroups {
				for i, n := range simdLengths {
					name := fmt.Sprintf("%d lanes a=%v group=%d n=%d", w, a, group, n)
					xs := kerneltest.Special32(uint64(2*i), n, -4, 4)
					ys := kerneltest.Special32(uint64(2*i+1), n, -4, 4)
					g := kerneltest.Grid1D(n, group)

					dc_simdw_Saxpy = w
					if !dc_simd_Saxpy(0, n, a, xs, append([]float32(nil), ys...)) {
						t.Fatalf("%s: the SIMD body refuses the launch", name)
					}
					got := launchSaxpy(t, dev, g, a, xs, ys)
					dc_simdw_Saxpy = 0
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
	saved := dc_simdw_Saxpy
	t.Cleanup(func() { dc_simdw_Saxpy = saved })
	dev := cpuDevice(t)
	for _, w := range simdWidths(t, saved) {
		dc_simdw_Saxpy = w
		if dc_simd_Saxpy(0, 20, 1, make([]float32, 10), make([]float32, 20)) {
			t.Errorf("%d lanes: the SIMD body accepts x shorter than the range", w)
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
			t.Errorf("%d lanes: a launch with x shorter than y reported no fault", w)
		}
	}
}

// TestSIMDScale compares Scale_float32's SIMD bodies with its scalar CPU
// body and with dc.Emulate, bit for bit.
func TestSIMDScale(t *testing.T) {
	saved := dc_simdw_Scale_float32
	t.Cleanup(func() { dc_simdw_Scale_float32 = saved })
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
	for _, w := range simdWidths(t, saved) {
		for _, a := range []float32{-1.75, float32(1e-39), float32(3e38)} {
			for i, n := range simdLengths {
				name := fmt.Sprintf("%d lanes a=%v n=%d", w, a, n)
				xs := kerneltest.Special32(uint64(i), n, -1e3, 1e3)
				g := kerneltest.Grid1D(n, simdGroups[i%len(simdGroups)])
				dc_simdw_Scale_float32 = w
				if !dc_simd_Scale_float32(0, n, a, append([]float32(nil), xs...)) {
					t.Fatalf("%s: the SIMD body refuses the launch", name)
				}
				got := run(g, a, xs)
				dc_simdw_Scale_float32 = 0
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
