package opencl

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/runtime"
)

// TestAllocTooLarge checks that buffers larger than the device allows are
// errors matching runtime.ErrOutOfMemory, refused before clCreateBuffer,
// and that OpenCL's out-of-memory codes match it too.
func TestAllocTooLarge(t *testing.T) {
	for _, tc := range []struct {
		code int32
		oom  bool
	}{
		{clMemObjectAllocFailure, true},
		{clOutOfResources, true},
		{clOutOfHostMemory, true},
		{clInvalidWorkGroupSize, false},
		{clInvalidBufferSize, false},
	} {
		err := fmt.Errorf("wrapped: %w", &Error{Call: "clCreateBuffer", Code: tc.code})
		if got := errors.Is(err, runtime.ErrOutOfMemory); got != tc.oom {
			t.Errorf("errors.Is(%v, ErrOutOfMemory) = %v, want %v", err, got, tc.oom)
		}
	}

	b := openBackendOrSkip(t)
	t.Logf("%s: CL_DEVICE_MAX_MEM_ALLOC_SIZE %d, CL_DEVICE_GLOBAL_MEM_SIZE %d", b.dev.info.Name, b.dev.maxAlloc, b.dev.global)
	if b.dev.maxAlloc == 0 || b.dev.maxAlloc >= 1<<62 {
		t.Fatalf("CL_DEVICE_MAX_MEM_ALLOC_SIZE = %d", b.dev.maxAlloc)
	}
	dev := openOrSkip(t)
	type check struct {
		name string
		err  error
		want string // prefix of the message
		oom  bool
	}
	_, errNeg := runtime.NewBuffer[float32](dev, -5)
	_, errMax := runtime.NewBuffer[byte](dev, int(b.dev.maxAlloc)+1)
	_, errHuge := runtime.NewBuffer[byte](dev, 1<<62)
	_, errOverflow := runtime.NewBuffer[int64](dev, 1<<61)
	// Device allocations hold one element more than the buffer (see
	// runtime.Fault).
	for _, c := range []check{
		{"negative", errNeg, "runtime: NewBuffer: negative length -5", false},
		{"max alloc + 1", errMax, fmt.Sprintf("runtime: NewBuffer: opencl: Alloc: out of memory: %d bytes requested, CL_DEVICE_MAX_MEM_ALLOC_SIZE of ", b.dev.maxAlloc+2), true},
		{"1<<62 bytes", errHuge, "runtime: NewBuffer: opencl: Alloc: out of memory: 4611686018427387905 bytes requested, CL_DEVICE_MAX_MEM_ALLOC_SIZE of ", true},
		{"overflow", errOverflow, "runtime: NewBuffer: out of memory: 2305843009213693952 elements of 8 bytes overflow int64", true},
	} {
		if c.err == nil || !strings.HasPrefix(c.err.Error(), c.want) {
			t.Errorf("%s: got %v, want the prefix %q", c.name, c.err, c.want)
		}
		if got := errors.Is(c.err, runtime.ErrOutOfMemory); got != c.oom {
			t.Errorf("%s: errors.Is(%v, ErrOutOfMemory) = %v, want %v", c.name, c.err, got, c.oom)
		}
	}
	// The device still works.
	x, err := runtime.BufferOf(dev, []int32{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := dev.Launch(fillKernel, dc.Grid1D(2), []runtime.Arg{x, runtime.Scalar(int32(5))}, nil); err != nil {
		t.Fatal(err)
	}
	got := make([]int32, 2)
	if err := x.Read(got); err != nil || got[0] != 5 || got[1] != 6 {
		t.Errorf("Read after the failed allocations: %v, %v", got, err)
	}
}

// spinModule holds a kernel that runs for a chosen number of iterations,
// long enough to outlast a SyncContext deadline.
var spinModule = &runtime.Module{
	Package: "github.com/dotcompute/dc/backends/opencl/spinmodule",
	OpenCL: `
// spin runs iters steps of a linear congruential generator, which the
// compiler cannot fold, then stores the state and the steps it ran.
__kernel void spin(__global long *out, long out_len, long iters) {
	if (get_global_id(0) != 0 || out_len < 2) {
		return;
	}
	ulong x = (ulong)out[0];
	long i = 0;
	for (; i < iters; i++) {
		x = x * 6364136223846793005UL + 1442695040888963407UL;
	}
	out[0] = (long)x;
	out[1] = i;
}
`,
}

var spinKernel = &runtime.Kernel{Module: spinModule, Name: "spin", Params: []runtime.Param{
	{Name: "out", Kind: runtime.BufferParam, Size: 8, Written: true},
	{Name: "iters", Kind: runtime.ScalarParam, Size: 8},
}}

// TestSyncContext checks SyncContext returns at its deadline while an
// OpenCL kernel runs, that Sync afterwards waits for the kernel, and that
// its results arrive.
func TestSyncContext(t *testing.T) {
	dev := openOrSkip(t)
	out, err := runtime.NewBuffer[int64](dev, 2)
	if err != nil {
		t.Fatal(err)
	}
	spin := func(iters int64) time.Duration {
		t.Helper()
		began := time.Now()
		if err := dev.Launch(spinKernel, dc.Grid1D(1), []runtime.Arg{out, runtime.Scalar(iters)}, nil); err != nil {
			t.Fatal(err)
		}
		return time.Since(began)
	}
	// Calibrate, once the program is built: the spin should last about
	// 2 s.
	spin(1)
	if err := dev.Sync(); err != nil {
		t.Fatal(err)
	}
	const probe = 100_000_000
	began := time.Now()
	spin(probe)
	if err := dev.SyncContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	perStep := float64(time.Since(began)) / probe
	iters := int64(float64(2*time.Second) / max(perStep, 0.01))
	t.Logf("%.2fns per step: spinning %d steps", perStep, iters)

	if took := spin(iters); took > 500*time.Millisecond {
		t.Errorf("Launch took %v: it waited for the kernel", took)
	}
	const timeout = 200 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	began = time.Now()
	err = dev.SyncContext(ctx)
	took := time.Since(began)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("SyncContext while the kernel runs: %v, want DeadlineExceeded", err)
	}
	if took > timeout+500*time.Millisecond {
		t.Errorf("SyncContext took %v with a %v timeout", took, timeout)
	}
	// The wait stopped at the deadline: the device is free for other
	// calls while the kernel runs.
	statsDone := make(chan struct{})
	go func() {
		dev.Stats()
		close(statsDone)
	}()
	select {
	case <-statsDone:
	case <-time.After(time.Second):
		t.Error("the device stayed busy after SyncContext returned")
	}
	began = time.Now()
	if err := dev.Sync(); err != nil {
		t.Errorf("Sync after the deadline: %v", err)
	}
	t.Logf("SyncContext returned after %v; Sync waited %v more", took, time.Since(began))
	got := make([]int64, 2)
	if err := out.Read(got); err != nil {
		t.Fatal(err)
	}
	if got[1] != iters {
		t.Errorf("the kernel ran %d steps, want %d", got[1], iters)
	}
	if err := dev.SyncContext(context.Background()); err != nil {
		t.Errorf("SyncContext when idle: %v", err)
	}
}
