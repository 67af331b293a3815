//go:build goexperiment.simd && amd64

package cpubench

import (
	"fmt"
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
