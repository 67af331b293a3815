package metal

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/runtime"
)

// openOrSkip opens the Metal device through the runtime, or skips the
// test when the Mac has none, unless DC_REQUIRE_BACKENDS names metal.
func openOrSkip(t *testing.T) *runtime.Device {
	t.Helper()
	dev, err := runtime.Open(runtime.WithBackend("metal"))
	if err != nil {
		if errors.Is(err, ErrNoDevice) && !slices.Contains(strings.Split(os.Getenv("DC_REQUIRE_BACKENDS"), ","), "metal") {
			t.Skipf("no Metal device: %v", err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := dev.Close(); err != nil {
			t.Error(err)
		}
	})
	return dev
}

func TestDeviceInfo(t *testing.T) {
	dev := openOrSkip(t)
	info := dev.Info()
	if info.Backend != "metal" || !info.MSL || info.Float64 || info.HostMemory ||
		info.MaxGroupSize < 1 || info.MaxGroupSize > 1024 || info.SharedMemoryBytes < 1 || info.Name == "" {
		t.Errorf("implausible device info: %+v", info)
	}
	t.Logf("%+v", info)
}

// square is a hand-written module: out[i] = in[i]*in[i] for i < n.
var square = &runtime.Module{
	Package: "example.com/square",
	MSL: `#include <metal_stdlib>
using namespace metal;
#line 3 "square.go"
kernel void Square(device const float* in [[buffer(0)]], constant long& in_len [[buffer(1)]],
		device float* out [[buffer(2)]], constant long& out_len [[buffer(3)]], constant int& n [[buffer(4)]],
		uint3 gid [[thread_position_in_grid]]) {
	long i = (long)gid.x;
	if (i < n && i < in_len && i < out_len) {
		out[i] = in[i] * in[i];
	}
}
`,
}

var squareKernel = &runtime.Kernel{Module: square, Name: "Square", Params: []runtime.Param{
	{Name: "in", Kind: runtime.BufferParam, Size: 4},
	{Name: "out", Kind: runtime.BufferParam, Size: 4, Written: true},
	{Name: "n", Kind: runtime.ScalarParam, Size: 4},
}}

func TestLaunchCopyAndSyncContext(t *testing.T) {
	dev := openOrSkip(t)
	if err := dev.Precompile(square); err != nil {
		t.Fatal(err)
	}
	const n = 1000
	xs := make([]float32, n)
	for i := range xs {
		xs[i] = float32(i) / 8
	}
	in, err := runtime.BufferOf(dev, xs)
	if err != nil {
		t.Fatal(err)
	}
	out, err := runtime.NewBuffer[float32](dev, n)
	if err != nil {
		t.Fatal(err)
	}
	if err := dev.Launch(squareKernel, dc.Grid1D(n), []runtime.Arg{in, out, runtime.Scalar(int32(n - 1))}, nil); err != nil {
		t.Fatal(err)
	}
	if err := dev.SyncContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := make([]float32, n)
	if err := out.Read(got); err != nil {
		t.Fatal(err)
	}
	for i, x := range xs {
		want := x * x
		if i == n-1 {
			want = 0 // i < n fails: NewBuffer's memory is zeroed
		}
		if got[i] != want {
			t.Fatalf("out[%d] = %v, want %v", i, got[i], want)
		}
	}
	// A copy on the device, then back to the host.
	back, err := runtime.NewBuffer[float32](dev, n)
	if err != nil {
		t.Fatal(err)
	}
	if k, err := runtime.Copy(back, out); err != nil || k != n {
		t.Fatalf("Copy: %d, %v", k, err)
	}
	again := make([]float32, n)
	if err := back.Read(again); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(again, got) {
		t.Error("the copied buffer differs from its source")
	}
}

func TestGroupSizeOverPipelineLimit(t *testing.T) {
	dev := openOrSkip(t)
	in, _ := runtime.NewBuffer[float32](dev, 4)
	out, _ := runtime.NewBuffer[float32](dev, 4)
	// The runtime checks the device's limit; a grid within it but over
	// the pipeline's maxTotalThreadsPerThreadgroup is the backend's to
	// refuse. Below both, the launch runs.
	g := dc.Grid{Groups: dc.Dim3{X: 1, Y: 1, Z: 1}, GroupSize: dc.Dim3{X: dev.Info().MaxGroupSize, Y: 1, Z: 1}}
	err := dev.Launch(squareKernel, g, []runtime.Arg{in, out, runtime.Scalar(int32(4))}, nil)
	if err != nil && !strings.Contains(err.Error(), "maxTotalThreadsPerThreadgroup") {
		t.Fatalf("launch with the device's largest group: %v", err)
	}
	if err := dev.Sync(); err != nil {
		t.Fatal(err)
	}
}

func TestCompileErrorNamesGoLines(t *testing.T) {
	dev := openOrSkip(t)
	broken := &runtime.Module{
		Package: "example.com/broken",
		MSL: "#include <metal_stdlib>\nusing namespace metal;\n" +
			"#line 7 \"broken.go\"\n" +
			"kernel void K(device float* x [[buffer(0)]], constant long& x_len [[buffer(1)]]) {\n" +
			"\tx[0] = undeclared;\n}\n",
	}
	k := &runtime.Kernel{Module: broken, Name: "K", Params: []runtime.Param{{Name: "x", Kind: runtime.BufferParam, Size: 4, Written: true}}}
	x, _ := runtime.NewBuffer[float32](dev, 1)
	err := dev.Launch(k, dc.Grid1D(1), []runtime.Arg{x}, nil)
	var ce *CompileError
	if !errors.As(err, &ce) {
		t.Fatalf("got %v, want a *CompileError", err)
	}
	if !strings.Contains(ce.Log, "broken.go:8: error:") || !strings.Contains(ce.Log, "undeclared") {
		t.Errorf("the log does not name broken.go:8 and the undeclared identifier:\n%s", ce.Log)
	}
	// The failure is remembered, not compiled again.
	if err2 := dev.Launch(k, dc.Grid1D(1), []runtime.Arg{x}, nil); !errors.As(err2, &ce) {
		t.Errorf("second launch: %v", err2)
	}
}
