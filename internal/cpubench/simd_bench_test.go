package cpubench

import (
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/kernels"
	dcrt "github.com/dotcompute/dc/runtime"
)

// The benchmarks of this file compare a build with GOEXPERIMENT=simd and
// one without (see docs/performance.md): Saxpy, Quadratic and
// BlackScholes on the CPU backend, which run in SIMD bodies when the
// experiment is on, and serial Go loops, which stay scalar either way. The
// simd metric is 1 where the build runs the kernel's SIMD body.

// simdBenchN is the problem size of the benchmarks.
const simdBenchN = 1 << 20

// benchDevice opens the CPU backend for a benchmark.
func benchDevice(b *testing.B) *dcrt.Device {
	b.Helper()
	dev, err := dcrt.Open(dcrt.WithBackend("cpu"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { dev.Close() })
	return dev
}

// benchBuffer copies xs to dev.
func benchBuffer(b *testing.B, dev *dcrt.Device, xs []float32) *dcrt.Buffer[float32] {
	b.Helper()
	buf, err := dcrt.BufferOf(dev, xs)
	if err != nil {
		b.Fatal(err)
	}
	return buf
}

// runLaunches times launch, syncing dev after each.
func runLaunches(b *testing.B, dev *dcrt.Device, simd bool, launch func() error) {
	b.Helper()
	b.SetBytes(4 * simdBenchN)
	for b.Loop() {
		if err := launch(); err != nil {
			b.Fatal(err)
		}
		if err := dev.Sync(); err != nil {
			b.Fatal(err)
		}
	}
	m := 0.0
	if simd {
		m = 1
	}
	b.ReportMetric(m, "simd")
}

// BenchmarkCPUSaxpy is kernels.Saxpy on the CPU backend (memory-bound).
func BenchmarkCPUSaxpy(b *testing.B) {
	dev := benchDevice(b)
	x := benchBuffer(b, dev, kerneltest.Rand32(1, simdBenchN, -1, 1))
	y := benchBuffer(b, dev, kerneltest.Rand32(2, simdBenchN, -1, 1))
	// Saxpy of package kernels: it runs a SIMD body where Quadratic does.
	runLaunches(b, dev, dc_simd_Quadratic(0, 1, []float32{1}, []float32{1}, []float32{1}, []float32{0}, []float32{0}), func() error {
		return kernels.LaunchSaxpy(dev, dc.Grid1D(simdBenchN), 0.5, x, y)
	})
}

// quadraticInputs returns coefficients with real roots mostly.
func quadraticInputs() (a, bb, c []float32) {
	return kerneltest.Rand32(3, simdBenchN, 0.5, 2), kerneltest.Rand32(4, simdBenchN, 4, 10), kerneltest.Rand32(5, simdBenchN, -2, 2)
}

// BenchmarkCPUQuadratic is Quadratic on the CPU backend (compute-bound:
// a square root and three divisions per root).
func BenchmarkCPUQuadratic(b *testing.B) {
	dev := benchDevice(b)
	a, bb, c := quadraticInputs()
	ba, bbb, bc := benchBuffer(b, dev, a), benchBuffer(b, dev, bb), benchBuffer(b, dev, c)
	r1, r2 := benchBuffer(b, dev, make([]float32, simdBenchN)), benchBuffer(b, dev, make([]float32, simdBenchN))
	runLaunches(b, dev, dc_simd_Quadratic(0, 1, []float32{1}, []float32{1}, []float32{1}, []float32{0}, []float32{0}), func() error {
		return LaunchQuadratic(dev, dc.Grid1D(simdBenchN), ba, bbb, bc, r1, r2)
	})
}

// BenchmarkCPUBlackScholes is BlackScholes on the CPU backend (math-heavy:
// a Log, three Exps and a square root per option).
func BenchmarkCPUBlackScholes(b *testing.B) {
	dev := benchDevice(b)
	price := benchBuffer(b, dev, kerneltest.Rand32(6, simdBenchN, 5, 30))
	strike := benchBuffer(b, dev, kerneltest.Rand32(7, simdBenchN, 1, 30))
	years := benchBuffer(b, dev, kerneltest.Rand32(8, simdBenchN, 0.25, 10))
	call, put := benchBuffer(b, dev, make([]float32, simdBenchN)), benchBuffer(b, dev, make([]float32, simdBenchN))
	one := []float32{1}
	runLaunches(b, dev, dc_simd_BlackScholes(0, 1, one, one, one, 0.02, 0.3, []float32{0}, []float32{0}), func() error {
		return LaunchBlackScholes(dev, dc.Grid1D(simdBenchN), price, strike, years, 0.02, 0.3, call, put)
	})
}

// BenchmarkSerialQuadratic is QuadraticSerial: plain scalar Go on one
// core, the code a SIMD build may slow down.
func BenchmarkSerialQuadratic(b *testing.B) {
	a, bb, c := quadraticInputs()
	r1, r2 := make([]float32, simdBenchN), make([]float32, simdBenchN)
	b.SetBytes(4 * simdBenchN)
	for b.Loop() {
		QuadraticSerial(a, bb, c, r1, r2)
	}
}

// BenchmarkSerialSaxpy is a serial Go saxpy loop on one core.
func BenchmarkSerialSaxpy(b *testing.B) {
	x, y := kerneltest.Rand32(1, simdBenchN, -1, 1), kerneltest.Rand32(2, simdBenchN, -1, 1)
	b.SetBytes(4 * simdBenchN)
	for b.Loop() {
		for i := range y {
			y[i] = 0.5*x[i] + y[i]
		}
	}
}
