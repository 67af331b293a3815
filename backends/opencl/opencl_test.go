package opencl

import (
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/runtime"
	"github.com/google/go-cmp/cmp"
)

func TestInfo(t *testing.T) {
	dev := openOrSkip(t)
	info := dev.Info()
	descs, err := Devices()
	if err != nil {
		t.Fatal(err)
	}
	// With DC_OPENCL_DEVICE unset, Open picks the first GPU, else the
	// first device.
	want := descs[0]
	for _, d := range descs {
		if d.Type == "GPU" {
			want = d
			break
		}
	}
	if got, wantName := info.Name, want.Name+" ("+want.PlatformName+")"; got != wantName {
		t.Errorf("Name = %q, want %q", got, wantName)
	}
	if info.Backend != "opencl" || dev.Backend() != "opencl" {
		t.Errorf("Backend = %q / %q, want opencl", info.Backend, dev.Backend())
	}
	if info.HostMemory {
		t.Errorf("HostMemory = true, want false")
	}
	if info.MaxGroupSize < 1 || info.MaxGroupSize > 1<<20 {
		t.Errorf("MaxGroupSize = %d, want 1..2^20", info.MaxGroupSize)
	}
	for _, v := range []int{info.MaxGroupDims.X, info.MaxGroupDims.Y, info.MaxGroupDims.Z} {
		if v < 1 {
			t.Errorf("MaxGroupDims = %v, want every dimension >= 1", info.MaxGroupDims)
		}
	}
	if info.MaxGroupDims.X*info.MaxGroupDims.Y*info.MaxGroupDims.Z < info.MaxGroupSize {
		t.Errorf("MaxGroupDims %v hold fewer than MaxGroupSize %d work-items", info.MaxGroupDims, info.MaxGroupSize)
	}
	if info.MaxGroups != (dc.Dim3{}) {
		t.Errorf("MaxGroups = %v, want no limit (0,0,0)", info.MaxGroups)
	}
	// OpenCL requires at least 16 KiB of local memory (1 KiB for custom
	// devices).
	if info.SharedMemoryBytes < 1024 {
		t.Errorf("SharedMemoryBytes = %d, want at least 1024", info.SharedMemoryBytes)
	}
	if want.PlatformName == "Portable Computing Language" && !info.Float64 {
		t.Errorf("Float64 = false on PoCL's CPU device, want true")
	}
	t.Logf("%s: %+v", dev, info)
}

// geomWant returns what geom writes for grid g over nx*ny*nz work-items.
func geomWant(g dc.Grid, n dc.Dim3) []int64 {
	out := make([]int64, 0, n.X*n.Y*n.Z*18)
	groups := [3]int{g.Groups.X, g.Groups.Y, g.Groups.Z}
	size := [3]int{g.GroupSize.X, g.GroupSize.Y, g.GroupSize.Z}
	for z := range n.Z {
		for y := range n.Y {
			for x := range n.X {
				for d, id := range [3]int{x, y, z} {
					out = append(out, int64(id), int64(id%size[d]), int64(id/size[d]),
						int64(size[d]), int64(groups[d]), int64(groups[d]*size[d]))
				}
			}
		}
	}
	return out
}

func TestGeometry(t *testing.T) {
	dev := openOrSkip(t)
	// Each extent but 1x1x1 is not a multiple of the group size, so some
	// work-items fall outside it and must return early.
	for _, tc := range []struct {
		name string
		g    dc.Grid
		n    dc.Dim3
	}{
		{"1D", dc.Grid1D(1000), dc.Dim3{X: 1000, Y: 1, Z: 1}},
		{"2D", dc.Grid2D(37, 21), dc.Dim3{X: 37, Y: 21, Z: 1}},
		{"3D", dc.Grid3D(13, 9, 6), dc.Dim3{X: 13, Y: 9, Z: 6}},
		{"3D-3x5x2", dc.Grid3D(13, 9, 6).WithGroupSize(3, 5, 2), dc.Dim3{X: 13, Y: 9, Z: 6}},
		{"1x1x1", dc.Grid{Groups: dc.Dim3{X: 1, Y: 1, Z: 1}, GroupSize: dc.Dim3{X: 1, Y: 1, Z: 1}}, dc.Dim3{X: 1, Y: 1, Z: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := geomWant(tc.g, tc.n)
			out, err := runtime.NewBuffer[int64](dev, len(want))
			if err != nil {
				t.Fatal(err)
			}
			defer out.Close()
			args := []runtime.Arg{out, runtime.Scalar(int64(tc.n.X)), runtime.Scalar(int64(tc.n.Y)), runtime.Scalar(int64(tc.n.Z))}
			if err := dev.Launch(geomKernel, tc.g, args, nil); err != nil {
				t.Fatal(err)
			}
			got := make([]int64, len(want))
			if err := out.Read(got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("builtins mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// scalarParams is the Go twin of the params struct of testModule.
type scalarParams struct {
	A int8
	B int32
	C int64
	D float32
	E bool
}

func TestScalars(t *testing.T) {
	dev := openOrSkip(t)
	out, err := runtime.NewBuffer[int64](dev, 14)
	if err != nil {
		t.Fatal(err)
	}
	p := scalarParams{A: -3, B: 77, C: 1 << 50, D: 0.25, E: true}
	u64 := uint64(1<<63 + 9)
	args := []runtime.Arg{out,
		runtime.Scalar(int8(-7)), runtime.Scalar(true), runtime.Scalar(int16(-12345)),
		runtime.Scalar(int32(-123456789)), runtime.Scalar(uint32(4000000000)),
		runtime.Scalar(int64(-1<<40 - 5)), runtime.Scalar(u64), runtime.Scalar(float32(-1.5)),
		runtime.Scalar(p),
	}
	if err := dev.Launch(scalarsKernel, dc.Grid1D(1), args, nil); err != nil {
		t.Fatal(err)
	}
	got := make([]int64, 14)
	if err := out.Read(got); err != nil {
		t.Fatal(err)
	}
	want := []int64{-7, 1, -12345, -123456789, 4000000000, -1<<40 - 5, int64(u64),
		int64(int32(math.Float32bits(-1.5))), -3, 77, 1 << 50, int64(math.Float32bits(0.25)), 1, 24}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scalars mismatch (-want +got):\n%s", diff)
	}
}

func TestLocalMemoryReduction(t *testing.T) {
	dev := openOrSkip(t)
	const n, group = 1000, 128
	in := make([]int32, n)
	for i := range in {
		in[i] = int32(i*7%101 - 50)
	}
	g := dc.Grid1D(n).WithGroupSize(group, 1, 1)
	want := make([]int32, g.Groups.X)
	for i, v := range in {
		want[i/group] += v
	}
	inBuf, err := runtime.BufferOf(dev, in)
	if err != nil {
		t.Fatal(err)
	}
	outBuf, err := runtime.NewBuffer[int32](dev, len(want))
	if err != nil {
		t.Fatal(err)
	}
	if err := dev.Launch(reduceKernel, g, []runtime.Arg{inBuf, outBuf}, nil); err != nil {
		t.Fatal(err)
	}
	got := make([]int32, len(want))
	if err := outBuf.Read(got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("group sums mismatch (-want +got):\n%s", diff)
	}
}

func TestAtomics(t *testing.T) {
	dev := openOrSkip(t)
	const n, nbins = 5000, 17
	in := make([]int32, n)
	want := make([]int32, nbins)
	for i := range in {
		in[i] = int32(i * i % nbins)
		want[in[i]]++
	}
	inBuf, _ := runtime.BufferOf(dev, in)
	bins, _ := runtime.NewBuffer[int32](dev, nbins)
	counter, _ := runtime.NewBuffer[int32](dev, 1)
	olds, err := runtime.NewBuffer[int32](dev, n)
	if err != nil {
		t.Fatal(err)
	}
	if err := dev.Launch(histKernel, dc.Grid1D(n), []runtime.Arg{inBuf, bins, counter, olds}, nil); err != nil {
		t.Fatal(err)
	}
	got := make([]int32, nbins)
	if err := bins.Read(got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("histogram mismatch (-want +got):\n%s", diff)
	}
	total := make([]int32, 1)
	if err := counter.Read(total); err != nil || total[0] != n {
		t.Errorf("counter = %v, %v; want %d", total, err, n)
	}
	// atomic_add returns the old value: every ticket 0..n-1 exactly once.
	tickets := make([]int32, n)
	if err := olds.Read(tickets); err != nil {
		t.Fatal(err)
	}
	slices.Sort(tickets)
	for i, v := range tickets {
		if v != int32(i) {
			t.Fatalf("sorted tickets[%d] = %d, want %d", i, v, i)
		}
	}
}

func TestBuffers(t *testing.T) {
	dev := openOrSkip(t)

	// NewBuffer is zeroed.
	z, err := runtime.NewBuffer[int32](dev, 1000)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]int32, 1000)
	for i := range got {
		got[i] = -1
	}
	if err := z.Read(got); err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(got, func(v int32) bool { return v != 0 }); i >= 0 {
		t.Errorf("NewBuffer element %d = %d, want 0", i, got[i])
	}

	// A host copy goes to the device, a kernel changes part of it, and it
	// comes back.
	src := []int32{9, 9, 9, 9, 9, 9, 9, 9, 9, 9}
	buf, err := runtime.BufferOf(dev, src)
	if err != nil {
		t.Fatal(err)
	}
	if err := dev.Launch(fillKernel, dc.Grid1D(10), []runtime.Arg{buf, runtime.Scalar(int32(100))}, nil); err != nil {
		t.Fatal(err)
	}
	back := make([]int32, 10)
	if err := buf.Read(back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int32{100, 101, 102, 103, 104, 105, 106, 107, 108, 109}, back); diff != "" {
		t.Errorf("fill mismatch (-want +got):\n%s", diff)
	}
	if err := buf.Write(src); err != nil {
		t.Fatal(err)
	}
	// The write goes to the device at the next launch; this one only
	// touches nothing (x_len 10 guards it, grid of 1 work-item writes x[0]).
	if err := dev.Launch(fillKernel, dc.Grid{Groups: dc.Dim3{X: 1, Y: 1, Z: 1}, GroupSize: dc.Dim3{X: 1, Y: 1, Z: 1}},
		[]runtime.Arg{buf, runtime.Scalar(int32(-5))}, nil); err != nil {
		t.Fatal(err)
	}
	if err := buf.Read(back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int32{-5, 9, 9, 9, 9, 9, 9, 9, 9, 9}, back); diff != "" {
		t.Errorf("after Write and a 1-item fill (-want +got):\n%s", diff)
	}

	// Zero-length buffers launch and read back.
	for _, empty := range []func() (*runtime.Buffer[int32], error){
		func() (*runtime.Buffer[int32], error) { return runtime.NewBuffer[int32](dev, 0) },
		func() (*runtime.Buffer[int32], error) { return runtime.BufferOf(dev, []int32{}) },
	} {
		e, err := empty()
		if err != nil {
			t.Fatal(err)
		}
		if err := dev.Launch(fillKernel, dc.Grid1D(1), []runtime.Arg{e, runtime.Scalar(int32(1))}, nil); err != nil {
			t.Errorf("launch with an empty buffer: %v", err)
		}
		if err := e.Read([]int32{}); err != nil {
			t.Errorf("Read of an empty buffer: %v", err)
		}
		if err := e.Close(); err != nil {
			t.Errorf("Close of an empty buffer: %v", err)
		}
	}
}

func TestClosedBuffer(t *testing.T) {
	dev := openOrSkip(t)
	buf, err := runtime.NewBuffer[int32](dev, 4)
	if err != nil {
		t.Fatal(err)
	}
	if err := buf.Close(); err != nil {
		t.Fatal(err)
	}
	err = dev.Launch(fillKernel, dc.Grid1D(4), []runtime.Arg{buf, runtime.Scalar(int32(1))}, nil)
	if !errors.Is(err, runtime.ErrBufferClosed) {
		t.Fatalf("launch with a closed buffer: %v, want ErrBufferClosed", err)
	}
	if got, want := err.Error(), "runtime: kernel fill: argument x: buffer is closed"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

func TestNoOpenCLSource(t *testing.T) {
	dev := openOrSkip(t)
	m := &runtime.Module{Package: "example.com/nocl", CUDA: "__global__ void k() {}"}
	k := &runtime.Kernel{Module: m, Name: "k"}
	for range 2 {
		err := dev.Launch(k, dc.Grid1D(1), nil, nil)
		want := "runtime: kernel k: opencl: module example.com/nocl has no OpenCL source: regenerate it with dckgen"
		if err == nil || err.Error() != want {
			t.Errorf("error = %v, want %q", err, want)
		}
	}
}

func TestBuildError(t *testing.T) {
	dev := openOrSkip(t)
	src := "__kernel void bad(__global int *x, long x_len) {\n#line 7 \"snippet.go\"\n\tint y = undefined_thing;\n\tx[0] = y\n}\n"
	m := &runtime.Module{Package: "example.com/snippet", OpenCL: src}
	k := &runtime.Kernel{Module: m, Name: "bad", Params: []runtime.Param{{Name: "x", Kind: runtime.BufferParam, Written: true, Size: 4}}}
	x, err := runtime.NewBuffer[int32](dev, 1)
	if err != nil {
		t.Fatal(err)
	}
	before := builds.Load()
	var first string
	for i := range 3 {
		err := dev.Launch(k, dc.Grid1D(1), []runtime.Arg{x}, nil)
		var be *BuildError
		if !errors.As(err, &be) {
			t.Fatalf("launch %d: error %v (%T), want a *BuildError", i, err, err)
		}
		var ke *runtime.KernelError
		if !errors.As(err, &ke) || ke.Kernel != "bad" {
			t.Errorf("launch %d: error is not a *runtime.KernelError for bad: %v", i, err)
		}
		var ce *Error
		if !errors.As(err, &ce) || ce.Call != "clBuildProgram" || ce.Code != clBuildProgramFailure {
			t.Errorf("launch %d: errors.As(*Error) = %+v, want clBuildProgram CL_BUILD_PROGRAM_FAILURE", i, ce)
		}
		if be.Package != "example.com/snippet" || be.Device != dev.Info().Name || be.Code != clBuildProgramFailure {
			t.Errorf("BuildError = {Package: %q, Device: %q, Code: %d}, want example.com/snippet, %q, -11", be.Package, be.Device, be.Code, dev.Info().Name)
		}
		if want := "opencl: clBuildProgram: CL_BUILD_PROGRAM_FAILURE: " + be.Log; be.Error() != want {
			t.Errorf("Error() = %q, want %q", be.Error(), want)
		}
		if be.Log != strings.TrimRight(be.Log, " \t\n") {
			t.Errorf("Log has trailing white space: %q", be.Log)
		}
		if i == 0 {
			first = be.Log
		} else if be.Log != first {
			t.Errorf("launch %d: log %q differs from the first %q", i, be.Log, first)
		}
	}
	if n := builds.Load() - before; n != 1 {
		t.Errorf("3 launches of a bad module built it %d times, want once", n)
	}
	if strings.Contains(dev.Info().Name, "(Portable Computing Language)") {
		// PoCL's clang reports the #line file and line, and the column.
		want := "error: snippet.go:7:10: use of undeclared identifier 'undefined_thing'\n" +
			"error: snippet.go:8:10: expected ';' after expression\n"
		if !strings.HasPrefix(first, want) {
			t.Errorf("log = %q, want it to start with %q", first, want)
		}
	} else if !strings.Contains(first, "snippet.go") || !strings.Contains(first, "7") {
		t.Errorf("log %q does not name snippet.go:7", first)
	}
}

func TestProgramCacheShared(t *testing.T) {
	// A module of its own, so no earlier test built it.
	m := &runtime.Module{Package: "example.com/cache", OpenCL: `
__kernel void twice(__global int *x, long x_len) {
	long i = get_global_id(0);
	if (i < x_len) {
		x[i] *= 2;
	}
}
`}
	k := &runtime.Kernel{Module: m, Name: "twice", Params: []runtime.Param{{Name: "x", Kind: runtime.BufferParam, Written: true, Size: 4}}}
	run := func(dev *runtime.Device) {
		t.Helper()
		x, err := runtime.BufferOf(dev, []int32{1, 2, 3})
		if err != nil {
			t.Fatal(err)
		}
		if err := dev.Launch(k, dc.Grid1D(3), []runtime.Arg{x}, nil); err != nil {
			t.Fatal(err)
		}
		got := make([]int32, 3)
		if err := x.Read(got); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int32{2, 4, 6}, got); diff != "" {
			t.Errorf("twice mismatch (-want +got):\n%s", diff)
		}
	}
	before := builds.Load()
	a := openOrSkip(t)
	start := time.Now()
	run(a)
	cold := time.Since(start)
	b := openOrSkip(t)
	start = time.Now()
	run(b)
	t.Logf("first launch (build) %v, first launch on a second Open (cached) %v", cold, time.Since(start))
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	run(openOrSkip(t))
	if n := builds.Load() - before; n != 1 {
		t.Errorf("three opens of the device built the module %d times, want once", n)
	}
}

func TestConcurrentDevices(t *testing.T) {
	devs := []*runtime.Device{openOrSkip(t), openOrSkip(t)}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			dev := devs[i%2]
			x, err := runtime.NewBuffer[int32](dev, 300)
			if err != nil {
				errs[i] = err
				return
			}
			defer x.Close()
			if err := dev.Launch(fillKernel, dc.Grid1D(300), []runtime.Arg{x, runtime.Scalar(int32(i * 1000))}, nil); err != nil {
				errs[i] = err
				return
			}
			got := make([]int32, 300)
			if err := x.Read(got); err != nil {
				errs[i] = err
				return
			}
			for j, v := range got {
				if v != int32(i*1000+j) {
					errs[i] = errors.New("wrong fill result")
					return
				}
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: %v", i, err)
		}
	}
}

func TestFloatRounding(t *testing.T) {
	dev := openOrSkip(t)
	m := &runtime.Module{Package: "example.com/float", OpenCL: `
__kernel void divsqrt(__global const float *a, long a_len, __global const float *b, long b_len,
		__global float *q, long q_len, __global float *s, long s_len) {
	long i = get_global_id(0);
	if (i < a_len && i < b_len && i < q_len && i < s_len) {
		q[i] = a[i] / b[i];
		s[i] = sqrt(a[i]);
	}
}
`}
	k := &runtime.Kernel{Module: m, Name: "divsqrt", Params: []runtime.Param{
		{Name: "a", Kind: runtime.BufferParam, Size: 4},
		{Name: "b", Kind: runtime.BufferParam, Size: 4},
		{Name: "q", Kind: runtime.BufferParam, Written: true, Size: 4},
		{Name: "s", Kind: runtime.BufferParam, Written: true, Size: 4},
	}}
	const n = 4096
	a, b := make([]float32, n), make([]float32, n)
	seed := uint32(1)
	next := func() float32 {
		seed = seed*1664525 + 1013904223
		return math.Float32frombits(0x3f800000|seed>>9) * float32(1+seed%1000)
	}
	for i := range a {
		a[i], b[i] = next(), next()
	}
	ab, _ := runtime.BufferOf(dev, a)
	bb, _ := runtime.BufferOf(dev, b)
	qb, _ := runtime.NewBuffer[float32](dev, n)
	sb, err := runtime.NewBuffer[float32](dev, n)
	if err != nil {
		t.Fatal(err)
	}
	if err := dev.Launch(k, dc.Grid1D(n), []runtime.Arg{ab, bb, qb, sb}, nil); err != nil {
		t.Fatal(err)
	}
	q, s := make([]float32, n), make([]float32, n)
	if err := qb.Read(q); err != nil {
		t.Fatal(err)
	}
	if err := sb.Read(s); err != nil {
		t.Fatal(err)
	}
	bad := 0
	for i := range a {
		// float64 holds enough bits that rounding its quotient and root
		// to float32 gives the correctly rounded float32 results.
		if wq, ws := a[i]/b[i], float32(math.Sqrt(float64(a[i]))); q[i] != wq || s[i] != ws {
			if bad++; bad <= 5 {
				t.Errorf("%g/%g = %g, sqrt = %g; want %g, %g", a[i], b[i], q[i], s[i], wq, ws)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d float32 quotients or roots are not correctly rounded", bad, n)
	}
}

func TestFloat64(t *testing.T) {
	dev := openOrSkip(t)
	if !dev.Info().Float64 {
		t.Skipf("%s has no float64", dev)
	}
	m := &runtime.Module{Package: "example.com/fp64", OpenCL: `
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
__kernel void f64(__global double *x, long x_len, double a) {
	if (get_global_id(0) == 0 && x_len >= 3) {
		x[0] = a * 3.0;
		x[1] = sqrt(a);
		x[2] = a / 7.0;
	}
}
`}
	k := &runtime.Kernel{Module: m, Name: "f64", Params: []runtime.Param{
		{Name: "x", Kind: runtime.BufferParam, Written: true, Size: 8},
		{Name: "a", Kind: runtime.ScalarParam, Size: 8},
	}}
	x, err := runtime.NewBuffer[float64](dev, 3)
	if err != nil {
		t.Fatal(err)
	}
	a := 2.5000000000000004
	if err := dev.Launch(k, dc.Grid1D(1), []runtime.Arg{x, runtime.Scalar(a)}, nil); err != nil {
		t.Fatal(err)
	}
	got := make([]float64, 3)
	if err := x.Read(got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]float64{a * 3, math.Sqrt(a), a / 7}, got); diff != "" {
		t.Errorf("float64 mismatch (-want +got):\n%s", diff)
	}
}

func TestLaunchErrors(t *testing.T) {
	dev := openOrSkip(t)
	x, err := runtime.NewBuffer[int32](dev, 4)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		k    *runtime.Kernel
		args []runtime.Arg
		want string
	}{
		{
			"unknown entry point",
			&runtime.Kernel{Module: testModule, Name: "nope", Params: fillKernel.Params},
			[]runtime.Arg{x, runtime.Scalar(int32(1))},
			"runtime: kernel nope: opencl: clCreateKernel: CL_INVALID_KERNEL_NAME (entry point nope)",
		},
		{
			"scalar of the wrong size",
			&runtime.Kernel{Module: testModule, Name: "fill", Params: []runtime.Param{
				fillKernel.Params[0], {Name: "v", Kind: runtime.ScalarParam, Size: 8}}},
			[]runtime.Arg{x, runtime.Scalar(int64(1))},
			"runtime: kernel fill: opencl: clSetKernelArg: CL_INVALID_ARG_SIZE (argument v)",
		},
	} {
		err := dev.Launch(tc.k, dc.Grid1D(4), tc.args, nil)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: error = %v, want %q", tc.name, err, tc.want)
		}
		var ce *Error
		if !errors.As(err, &ce) {
			t.Errorf("%s: error is not an *Error", tc.name)
		}
	}
}
