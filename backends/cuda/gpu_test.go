package cuda

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/runtime"
)

// These tests run kernels on a CUDA device. Without one they skip, naming
// what is missing; with DC_REQUIRE_BACKENDS naming cuda (make gpu-check)
// they fail instead.

// gpuOrSkip opens the cuda backend or skips the test.
func gpuOrSkip(t *testing.T) *runtime.Device {
	t.Helper()
	dev, err := runtime.Open(runtime.WithBackend("cuda"))
	if err != nil {
		if slices.Contains(strings.Split(os.Getenv("DC_REQUIRE_BACKENDS"), ","), "cuda") {
			t.Fatalf("DC_REQUIRE_BACKENDS names cuda, which does not open: %v", err)
		}
		t.Skipf("no CUDA device (needs an NVIDIA GPU and its driver): %v", err)
	}
	t.Cleanup(func() {
		if err := dev.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return dev
}

// testModule holds hand-written kernels in the backend's ABI: a buffer is
// a pointer and a length in elements, a scalar its value.
var testModule = &runtime.Module{
	Package: "dc.test/cudabackend",
	CUDA: `
extern "C" __global__ void fill(int* x, long long x_len, int v) {
	long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
	if (i < x_len) {
		x[i] = v + (int)i;
	}
}

extern "C" __global__ void empty() {}

extern "C" __global__ void wild(int* x, long long x_len) {
	x[x_len + (1LL << 40)] = 1;
}

extern "C" __global__ void spin(int* x, long long x_len, long long cycles) {
	long long start = clock64();
	while (clock64() - start < cycles) {
	}
	x[0] = 1;
}

extern "C" __global__ void __launch_bounds__(64) narrow(int* x, long long x_len) {
	x[threadIdx.x] = 1;
}
`,
}

var (
	fillKernel = &runtime.Kernel{Module: testModule, Name: "fill", Params: []runtime.Param{
		{Name: "x", Kind: runtime.BufferParam, Size: 4, Written: true},
		{Name: "v", Kind: runtime.ScalarParam, Size: 4},
	}}
	emptyKernel  = &runtime.Kernel{Module: testModule, Name: "empty"}
	wildKernel   = &runtime.Kernel{Module: testModule, Name: "wild", Params: []runtime.Param{{Name: "x", Kind: runtime.BufferParam, Size: 4, Written: true}}}
	narrowKernel = &runtime.Kernel{Module: testModule, Name: "narrow", Params: []runtime.Param{{Name: "x", Kind: runtime.BufferParam, Size: 4, Written: true}}}
	spinKernel   = &runtime.Kernel{Module: testModule, Name: "spin", Params: []runtime.Param{
		{Name: "x", Kind: runtime.BufferParam, Size: 4, Written: true},
		{Name: "cycles", Kind: runtime.ScalarParam, Size: 8},
	}}
)

func TestGPUFill(t *testing.T) {
	dev := gpuOrSkip(t)
	const n = 100_000
	x, err := runtime.NewBuffer[int32](dev, n)
	if err != nil {
		t.Fatal(err)
	}
	if err := dev.Launch(fillKernel, dc.Grid1D(n), []runtime.Arg{x, runtime.Scalar(int32(7))}, nil); err != nil {
		t.Fatal(err)
	}
	got := make([]int32, n)
	if err := x.Read(got); err != nil {
		t.Fatal(err)
	}
	for i, v := range got {
		if v != int32(7+i) {
			t.Fatalf("x[%d] = %d, want %d", i, v, 7+i)
		}
	}
	if err := dev.Launch(emptyKernel, dc.Grid1D(1), nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := dev.Sync(); err != nil {
		t.Fatal(err)
	}
	info := dev.Info()
	t.Logf("%s: max group %d, groups %v, shared %d", info.Name, info.MaxGroupSize, info.MaxGroups, info.SharedMemoryBytes)
}

// TestGPUCloseFreesAll checks that Close leaves no device allocation
// behind.
func TestGPUCloseFreesAll(t *testing.T) {
	before := liveAllocs.Load()
	dev, err := runtime.Open(runtime.WithBackend("cuda"))
	if err != nil {
		gpuOrSkip(t)
		return
	}
	for range 5 {
		b, err := runtime.NewBuffer[float32](dev, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if err := dev.Launch(fillKernel, dc.Grid1D(1<<20), []runtime.Arg{b, runtime.Scalar(int32(1))}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if liveAllocs.Load() <= before {
		t.Fatal("no allocation counted")
	}
	if err := dev.Close(); err != nil {
		t.Fatal(err)
	}
	if got := liveAllocs.Load(); got != before {
		t.Errorf("%d allocations live after Close, want %d", got, before)
	}
}

// TestGPUSticky runs a kernel that writes far outside its buffer: the
// illegal address comes back from Sync, every later call fails at once
// with it, and after Close a new Open works again.
func TestGPUSticky(t *testing.T) {
	dev := gpuOrSkip(t)
	x, err := runtime.NewBuffer[int32](dev, 16)
	if err != nil {
		t.Fatal(err)
	}
	if err := dev.Launch(wildKernel, dc.Grid1D(1), []runtime.Arg{x}, nil); err != nil {
		t.Fatal(err)
	}
	err = dev.Sync()
	if !errors.Is(err, ErrIllegalAddress) {
		t.Fatalf("Sync after a wild write = %v, want ErrIllegalAddress", err)
	}
	start := time.Now()
	err = dev.Launch(fillKernel, dc.Grid1D(16), []runtime.Arg{x, runtime.Scalar(int32(0))}, nil)
	if !errors.Is(err, ErrIllegalAddress) || !strings.Contains(err.Error(), "unusable") {
		t.Errorf("Launch after the failure = %v, want the sticky error", err)
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("Launch on a failed device took %v", d)
	}
	if err := dev.Close(); err != nil {
		t.Logf("Close of the failed device: %v", err)
	}
	dev2 := gpuOrSkip(t)
	y, err := runtime.NewBuffer[int32](dev2, 16)
	if err != nil {
		t.Fatal(err)
	}
	if err := dev2.Launch(fillKernel, dc.Grid1D(16), []runtime.Arg{y, runtime.Scalar(int32(3))}, nil); err != nil {
		t.Fatalf("Launch after reopening: %v", err)
	}
	got := make([]int32, 16)
	if err := y.Read(got); err != nil || got[15] != 18 {
		t.Errorf("after reopening: %v, %v", got, err)
	}
}

// TestGPULaunchNoAllocs checks that the backend's steady-state launch
// allocates nothing.
func TestGPULaunchNoAllocs(t *testing.T) {
	gpuOrSkip(t)
	be, err := cudaDriver{}.Open()
	if err != nil {
		t.Fatal(err)
	}
	b := be.(*backend)
	defer b.Close()
	m, err := b.Alloc(4 * 256)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Free()
	c := &runtime.Call{Kernel: fillKernel, Entry: "fill", Grid: dc.Grid1D(256),
		Args: []runtime.CallArg{{Memory: m, Len: 256}, {Scalar: []byte{1, 0, 0, 0}}}}
	if err := b.Launch(c); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(1000, func() {
		if err := b.Launch(c); err != nil {
			t.Fatal(err)
		}
	})
	if err := b.Sync(); err != nil {
		t.Fatal(err)
	}
	if allocs != 0 {
		t.Errorf("Launch allocates %v times, want 0", allocs)
	}
}

// TestGPUFunctionLimit launches a kernel compiled for at most 64 threads
// per group with 128.
func TestGPUFunctionLimit(t *testing.T) {
	dev := gpuOrSkip(t)
	x, err := runtime.NewBuffer[int32](dev, 128)
	if err != nil {
		t.Fatal(err)
	}
	g := dc.Grid{Groups: dc.Dim3{X: 1, Y: 1, Z: 1}, GroupSize: dc.Dim3{X: 128, Y: 1, Z: 1}}
	err = dev.Launch(narrowKernel, g, []runtime.Arg{x}, nil)
	if err == nil || !strings.Contains(err.Error(), "allows at most 64") {
		t.Errorf("launch of 128 threads of a 64-thread kernel: %v", err)
	}
	g.GroupSize.X = 64
	if err := dev.Launch(narrowKernel, g, []runtime.Arg{x}, nil); err != nil {
		t.Errorf("launch of 64 threads: %v", err)
	}
	if err := dev.Sync(); err != nil {
		t.Error(err)
	}
}

// TestGPUSyncContext stops waiting for a long kernel at a deadline, then
// waits for it.
func TestGPUSyncContext(t *testing.T) {
	dev := gpuOrSkip(t)
	x, err := runtime.NewBuffer[int32](dev, 1)
	if err != nil {
		t.Fatal(err)
	}
	// About half a second at 2 GHz.
	if err := dev.Launch(spinKernel, dc.Grid1D(1), []runtime.Arg{x, runtime.Scalar(int64(1e9))}, nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := dev.SyncContext(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("SyncContext = %v, want DeadlineExceeded", err)
	}
	if err := dev.Sync(); err != nil {
		t.Fatal(err)
	}
	got := make([]int32, 1)
	if err := x.Read(got); err != nil || got[0] != 1 {
		t.Errorf("after Sync: %v, %v", got, err)
	}
}

// TestGPUCopy copies on the device.
func TestGPUCopy(t *testing.T) {
	dev := gpuOrSkip(t)
	const n = 4096
	x, err := runtime.NewBuffer[int32](dev, n)
	if err != nil {
		t.Fatal(err)
	}
	y, err := runtime.NewBuffer[int32](dev, n)
	if err != nil {
		t.Fatal(err)
	}
	if err := dev.Launch(fillKernel, dc.Grid1D(n), []runtime.Arg{x, runtime.Scalar(int32(5))}, nil); err != nil {
		t.Fatal(err)
	}
	if k, err := runtime.Copy(y, x); err != nil || k != n {
		t.Fatalf("Copy = %d, %v", k, err)
	}
	got := make([]int32, n)
	if err := y.Read(got); err != nil {
		t.Fatal(err)
	}
	if got[0] != 5 || got[n-1] != 5+n-1 {
		t.Errorf("copy = %d ... %d", got[0], got[n-1])
	}
	if st := dev.Stats(); st.DeviceToDevice != 1 {
		t.Errorf("DeviceToDevice = %d, want 1", st.DeviceToDevice)
	}
}

// TestGPUCompileError launches a kernel of a module that does not compile:
// the error carries NVRTC's log at the Go position.
func TestGPUCompileError(t *testing.T) {
	dev := gpuOrSkip(t)
	bad := &runtime.Module{Package: "dc.test/bad", CUDA: "#line 12 \"bad.go\"\nextern \"C\" __global__ void k() { undeclared = 1; }\n"}
	k := &runtime.Kernel{Module: bad, Name: "k"}
	err := dev.Launch(k, dc.Grid1D(1), nil, nil)
	if err == nil || !strings.Contains(err.Error(), "bad.go:12") || !strings.Contains(err.Error(), "undeclared") {
		t.Errorf("launch of a kernel that does not compile: %v", err)
	}
	if err := dev.Precompile(bad); err == nil {
		t.Error("Precompile of a module that does not compile: no error")
	}
	if err := dev.Precompile(testModule); err != nil {
		t.Errorf("Precompile: %v", err)
	}
}

// int16Module computes -s >> 1 for every int16 s in the ways a printer can
// write Go's wrapping negation in C++ (golden case edge4 once gave a wrong
// answer for s = -32768 on an H100 with the first form, dckgen's).
var int16Module = &runtime.Module{
	Package: "dc.test/int16",
	CUDA: `
extern "C" __global__ void negshift(long long* out, long long out_len) {
	long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
	if (i >= 65536) {
		return;
	}
	short s = (short)(i - 32768);
	out[0 * 65536 + i] = (long long)((short)(-(unsigned int)s) >> 1);
	short t = (short)(-(unsigned int)s);
	out[1 * 65536 + i] = (long long)(t >> 1);
	out[2 * 65536 + i] = (long long)((int)(short)(0u - (unsigned int)s) >> 1);
	out[3 * 65536 + i] = (long long)((short)(unsigned short)(-(unsigned int)s) >> 1);
	out[4 * 65536 + i] = (long long)((short)((unsigned short)0 - (unsigned short)s) >> 1);
}
`,
}

// TestGPUInt16NegShift checks every form of int16 -s >> 1 against Go for
// all 65536 values and reports each form's mismatches; it fails when
// dckgen's form (the first) is wrong.
func TestGPUInt16NegShift(t *testing.T) {
	dev := gpuOrSkip(t)
	const forms = 5
	out, err := runtime.NewBuffer[int64](dev, forms*65536)
	if err != nil {
		t.Fatal(err)
	}
	k := &runtime.Kernel{Module: int16Module, Name: "negshift", Params: []runtime.Param{{Name: "out", Kind: runtime.BufferParam, Size: 8, Written: true}}}
	if err := dev.Launch(k, dc.Grid1D(65536), []runtime.Arg{out}, nil); err != nil {
		t.Fatal(err)
	}
	got := make([]int64, forms*65536)
	if err := out.Read(got); err != nil {
		t.Fatal(err)
	}
	for f := range forms {
		bad := 0
		for i := range 65536 {
			s := int16(i - 32768)
			want := int64(-s >> 1)
			if g := got[f*65536+i]; g != want {
				if bad < 4 {
					t.Logf("form %d: s=%d: got %d, want %d", f, s, g, want)
				}
				bad++
			}
		}
		if bad > 0 && f == 0 {
			t.Errorf("dckgen's form of int16 -s >> 1 is wrong for %d values", bad)
		} else if bad > 0 {
			t.Logf("form %d is wrong for %d values", f, bad)
		}
	}
}
