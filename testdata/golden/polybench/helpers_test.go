package polybench

import (
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// Every kernel runs on every device and is compared with dc.Emulate, and
// the Emulate result with a plain-Go host reference written the way
// PolyBench's CPU reference is: the same loops over two-dimensional
// arrays, in float32 where PolyBench's DATA_TYPE float is, in float64
// where its C promotes to double.
//
// Tolerances are relative to the magnitudes involved. Where the kernel
// sums in the reference's order the results can still differ by fused
// multiply-adds (Go permits contracting x*y+z, and so does the OpenCL C dc
// prints), each worth at most half an ulp of the running sum: k fused
// steps over non-negative terms stay within k·2⁻²⁴ relative, about 3e-6
// for the 50-term sums here, so 1e-5 is tight. Where a kernel reorders a
// sum, or its terms cancel, the test says so and bounds the error by the
// sum of the terms' magnitudes instead.

// group2D is PolyBench/GPU's block for its 2-D kernels, group1D for its
// 1-D ones.
const (
	group2DX, group2DY = 32, 8
	group1D            = 256
)

// grid2D is PolyBench/GPU's 2-D launch: ceil(nx/32)×ceil(ny/8) groups of
// 32×8, x running over columns and y over rows.
func grid2D(nx, ny int) dc.Grid {
	return dc.Grid{
		Groups:    dc.Dim3{X: (nx + group2DX - 1) / group2DX, Y: (ny + group2DY - 1) / group2DY, Z: 1},
		GroupSize: dc.Dim3{X: group2DX, Y: group2DY, Z: 1},
	}
}

// grid1D is PolyBench/GPU's 1-D launch: ceil(n/256) groups of 256.
func grid1D(n int) dc.Grid { return kerneltest.Grid1D(n, group1D) }

// devices returns kerneltest.Devices and names them in the test log.
func devices(t *testing.T) []*runtime.Device {
	t.Helper()
	devs := kerneltest.Devices(t)
	names := make([]string, len(devs))
	for i, d := range devs {
		names[i] = d.Backend()
	}
	t.Logf("devices: %v", names)
	return devs
}

func emulate(t *testing.T, g dc.Grid, body func(th dc.Thread)) {
	t.Helper()
	if err := dc.Emulate(g, body); err != nil {
		t.Fatal(err)
	}
}

func launched(t *testing.T, dev *runtime.Device, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", dev.Backend(), err)
	}
}

// upload copies xs to dev.
func upload(t *testing.T, dev *runtime.Device, xs []float32) *runtime.Buffer[float32] {
	t.Helper()
	return kerneltest.Upload(t, dev, xs)
}

// zeros returns a zeroed buffer of n elements on dev.
func zeros(t *testing.T, dev *runtime.Device, n int) *runtime.Buffer[float32] {
	t.Helper()
	return kerneltest.Upload(t, dev, make([]float32, n))
}

// clone returns a copy of xs, for the Emulate run to update in place.
func clone(xs []float32) []float32 { return append([]float32(nil), xs...) }

// matrix returns the rows×cols row-major matrix xs as rows, the host
// references' two-dimensional arrays.
func matrix(xs []float32, rows, cols int) [][]float32 {
	m := make([][]float32, rows)
	for i := range m {
		m[i] = clone(xs[i*cols : (i+1)*cols])
	}
	return m
}

// flat returns the rows of m one after another.
func flat(m [][]float32) []float32 {
	var xs []float32
	for _, row := range m {
		xs = append(xs, row...)
	}
	return xs
}
