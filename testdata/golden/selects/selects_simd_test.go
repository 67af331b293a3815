//go:build goexperiment.simd && amd64

package selects

import (
	"simd/archsimd"
	"testing"
)

// TestSIMDBodies checks that a build with GOEXPERIMENT=simd runs the
// kernels with vectors, so the other tests compare the vector code.
func TestSIMDBodies(t *testing.T) {
	if !archsimd.X86.AVX2() {
		t.Skip("the CPU has no AVX2: no SIMD body runs")
	}
	one := []float32{1}
	if !dc_simd_Clamp(0, 1, one, one, []float32{0}, 1) {
		t.Error("Clamp has no SIMD body")
	}
	if !dc_simd_Piecewise(0, 1, one, one, []float32{0}, []float32{0}, 1) {
		t.Error("Piecewise has no SIMD body")
	}
}
