package opencl

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/dotcompute/dc"
	_ "github.com/dotcompute/dc/backends/cpu" // the fallback of TestMissingLibrary
	dcruntime "github.com/dotcompute/dc/runtime"
	"github.com/google/go-cmp/cmp"
)

func TestMemoryOffsets(t *testing.T) {
	b := openBackendOrSkip(t)
	m, err := b.Alloc(64)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Free()
	src := make([]byte, 16)
	for i := range src {
		src[i] = byte(i + 1)
	}
	if err := m.Write(8, src); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 64)
	if err := m.Read(0, got); err != nil {
		t.Fatal(err)
	}
	want := make([]byte, 64)
	copy(want[8:], src)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("whole buffer mismatch (-want +got):\n%s", diff)
	}
	part := make([]byte, 4)
	if err := m.Read(12, part); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]byte{5, 6, 7, 8}, part); diff != "" {
		t.Errorf("Read(12, 4 bytes) mismatch (-want +got):\n%s", diff)
	}
	if err := m.Write(60, src[:8]); err == nil || err.Error() != "opencl: Write: 8 bytes at offset 60 are outside the 64-byte buffer" {
		t.Errorf("Write past the end: %v", err)
	}
	if err := m.Read(64, nil); err != nil {
		t.Errorf("empty Read at the end: %v", err)
	}

	// A zero-size allocation is usable.
	z, err := b.Alloc(0)
	if err != nil {
		t.Fatal(err)
	}
	if err := z.Write(0, nil); err != nil {
		t.Errorf("empty Write: %v", err)
	}
	if err := z.Free(); err != nil {
		t.Errorf("Free of a zero-size allocation: %v", err)
	}
}

func TestAllocIsZeroed(t *testing.T) {
	b := openBackendOrSkip(t)
	// Dirty memory and free it, so the next allocation may reuse it.
	const size = 1 << 16
	ones := make([]byte, size)
	for i := range ones {
		ones[i] = 0xff
	}
	for range 3 {
		m, err := b.Alloc(size)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]byte, size)
		if err := m.Read(0, got); err != nil {
			t.Fatal(err)
		}
		for i, v := range got {
			if v != 0 {
				t.Fatalf("Alloc byte %d = %#x, want 0", i, v)
			}
		}
		if err := m.Write(0, ones); err != nil {
			t.Fatal(err)
		}
		if err := m.Free(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMemoryAfterFree(t *testing.T) {
	b := openBackendOrSkip(t)
	m, err := b.Alloc(16)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Free(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		op   string
		err  error
		want string
	}{
		{"Write", m.Write(0, []byte{1}), "opencl: Write: memory was freed"},
		{"Read", m.Read(0, make([]byte, 1)), "opencl: Read: memory was freed"},
		{"Free", m.Free(), "opencl: Free: memory was freed"},
		{"Launch", b.Launch(&dcruntime.Call{Kernel: fillKernel, Entry: "fill", Grid: dc.Grid1D(4),
			Args: []dcruntime.CallArg{{Memory: m, Len: 4}, {Scalar: []byte{1, 0, 0, 0}}}}),
			"opencl: argument x: memory was freed"},
	} {
		if tc.err == nil || tc.err.Error() != tc.want || !errors.Is(tc.err, errFreed) {
			t.Errorf("%s after Free: %v, want %q", tc.op, tc.err, tc.want)
		}
	}
}

func TestClosedBackend(t *testing.T) {
	b := openBackendOrSkip(t)
	m, err := b.Alloc(4)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Read(0, make([]byte, 4)); err == nil || err.Error() != "opencl: Read: device is closed" {
		t.Errorf("Read after Close: %v", err)
	}
	if _, err := b.Alloc(4); err == nil || err.Error() != "opencl: Alloc: device is closed" {
		t.Errorf("Alloc after Close: %v", err)
	}
	if err := b.Sync(); err == nil || err.Error() != "opencl: Sync: device is closed" {
		t.Errorf("Sync after Close: %v", err)
	}
	if err := m.Free(); err != nil {
		t.Errorf("Free after Close: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// launchFill launches fill on b with a grid g over a buffer of n int32s.
func launchFill(t *testing.T, b *backend, g dc.Grid, n int) error {
	t.Helper()
	m, err := b.Alloc(int64(4 * n))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Free() })
	return b.Launch(&dcruntime.Call{Kernel: fillKernel, Entry: "fill", Grid: g,
		Args: []dcruntime.CallArg{{Memory: m, Len: n}, {Scalar: []byte{7, 0, 0, 0}}}})
}

func TestWorkGroupSizeTooLarge(t *testing.T) {
	b := openBackendOrSkip(t)
	if err := launchFill(t, b, dc.Grid1D(10), 10); err != nil {
		t.Fatal(err)
	}
	k := b.kernels[kernelKey{testModule, "fill"}]
	if k == nil || k.groupSize < 1 {
		t.Fatalf("fill's kernel object is not cached: %+v", k)
	}
	// The runtime would reject a group over MaxGroupSize first: this goes
	// to the backend directly.
	size := int(k.groupSize) + 1
	err := launchFill(t, b, dc.Grid{Groups: dc.Dim3{X: 1, Y: 1, Z: 1}, GroupSize: dc.Dim3{X: size, Y: 1, Z: 1}}, 10)
	var ce *Error
	if !errors.As(err, &ce) || ce.Code != clInvalidWorkGroupSize {
		t.Fatalf("error = %v, want a CL_INVALID_WORK_GROUP_SIZE *Error", err)
	}
	want := fmt.Sprintf("opencl: clEnqueueNDRangeKernel: CL_INVALID_WORK_GROUP_SIZE (kernel fill: group size %dx1x1 has %d work-items, CL_KERNEL_WORK_GROUP_SIZE is %d)", size, size, k.groupSize)
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s", diff)
	}
	if !errors.Is(err, &Error{Code: clInvalidWorkGroupSize}) {
		t.Errorf("errors.Is(err, &Error{Code: -54}) = false")
	}
}

func TestGlobalSizeOverflow(t *testing.T) {
	const max32 = 1<<32 - 1
	for _, tc := range []struct {
		a, b, limit uint64
		want        uint64
		ok          bool
	}{
		{1<<31 - 1, 2, max32, 1<<32 - 2, true},
		{1<<31 - 1, 4, max32, 0, false}, // a 32-bit size_t overflows
		{1<<31 - 1, 1<<31 - 1, maxSize, (1<<31 - 1) * (1<<31 - 1), maxSize >= 1<<62},
		{1 << 32, 1 << 32, math.MaxUint64, 0, false}, // overflows 64 bits
	} {
		got, ok := mulSize(tc.a, tc.b, tc.limit)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("mulSize(%d, %d, %d) = %d, %v; want %d, %v", tc.a, tc.b, tc.limit, got, ok, tc.want, tc.ok)
		}
	}
}

func TestLocalMemoryTooLarge(t *testing.T) {
	b := openBackendOrSkip(t)
	over := b.dev.info.SharedMemoryBytes + 4096
	m := &dcruntime.Module{Package: "example.com/bigshared", OpenCL: fmt.Sprintf(`
__kernel void big(__global int *x, long x_len) {
	__local char s[%d];
	s[get_local_id(0)] = 1;
	barrier(CLK_LOCAL_MEM_FENCE);
	if (get_global_id(0) < x_len) {
		x[get_global_id(0)] = s[%d];
	}
}
`, over, over-1)}
	// SharedBytes left 0, as if the generator had not counted the array:
	// the runtime's check passes and the backend's must catch it.
	k := &dcruntime.Kernel{Module: m, Name: "big", Params: []dcruntime.Param{{Name: "x", Kind: dcruntime.BufferParam, Written: true, Size: 4}}}
	mem, err := b.Alloc(4)
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Free()
	err = b.Launch(&dcruntime.Call{Kernel: k, Entry: "big", Grid: dc.Grid1D(1), Args: []dcruntime.CallArg{{Memory: mem, Len: 1}}})
	var ce *Error
	if !errors.As(err, &ce) || ce.Code != clOutOfResources {
		t.Fatalf("error = %v, want a CL_OUT_OF_RESOURCES *Error", err)
	}
	used := b.kernels[kernelKey{m, "big"}].localMem
	if used < uint64(over) {
		t.Errorf("CL_KERNEL_LOCAL_MEM_SIZE = %d, want at least %d", used, over)
	}
	want := fmt.Sprintf("opencl: clEnqueueNDRangeKernel: CL_OUT_OF_RESOURCES (kernel big uses %d bytes of local memory, the device has %d)", used, b.dev.info.SharedMemoryBytes)
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s", diff)
	}
}

func TestDeviceSelection(t *testing.T) {
	descs, err := Devices()
	if err != nil {
		skipUnavailable(t, err)
	}
	last := descs[len(descs)-1]
	for _, tc := range []struct {
		env  string
		want DeviceDesc
	}{
		{"0", descs[0]},
		{fmt.Sprint(last.Index), last},
		{fmt.Sprintf("%d:%d", last.Platform, last.Device), last},
		{" 0:0 ", descs[0]},
		{strings.ToUpper(last.Name), last},
		{strings.ToLower(last.PlatformName + " " + last.Name[:len(last.Name)/2]), last},
	} {
		t.Run(tc.env, func(t *testing.T) {
			t.Setenv(EnvDevice, tc.env)
			b, err := open()
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			if got, want := b.Info().Name, tc.want.Name+" ("+tc.want.PlatformName+")"; got != want {
				t.Errorf("%s=%q opened %q, want %q", EnvDevice, tc.env, got, want)
			}
		})
	}
	list := make([]string, len(descs))
	for i, d := range descs {
		list[i] = d.String()
	}
	for _, env := range []string{"no-such-device-xyz", fmt.Sprint(len(descs)), "-1", "99:0", "0:99"} {
		t.Setenv(EnvDevice, env)
		_, err := dcruntime.Open(dcruntime.WithBackend("opencl"))
		want := fmt.Sprintf("runtime: open backend opencl: opencl: DC_OPENCL_DEVICE=%q matches no device; the devices are: %s", env, strings.Join(list, "; "))
		if err == nil {
			t.Errorf("%s=%q: Open succeeded", EnvDevice, env)
		} else if diff := cmp.Diff(want, err.Error()); diff != "" {
			t.Errorf("%s=%q: error mismatch (-want +got):\n%s", EnvDevice, env, diff)
		}
	}
}

func TestChoose(t *testing.T) {
	descs := []DeviceDesc{
		{Index: 0, Platform: 0, Device: 0, PlatformName: "Portable Computing Language", Name: "cpu-haswell", Type: "CPU"},
		{Index: 1, Platform: 1, Device: 0, PlatformName: "NVIDIA CUDA", Name: "NVIDIA H100", Type: "GPU"},
		{Index: 2, Platform: 1, Device: 1, PlatformName: "NVIDIA CUDA", Name: "NVIDIA A100", Type: "GPU"},
	}
	for _, tc := range []struct {
		env  string
		want int
	}{
		{"", 1}, // the first GPU
		{"2", 2},
		{"1:1", 2},
		{"1:0", 1},
		{"a100", 2},
		{"nvidia", 1},
		{"computing language cpu", 0},
	} {
		t.Setenv(EnvDevice, tc.env)
		if got, err := choose(descs); err != nil || got != tc.want {
			t.Errorf("%s=%q: choose = %d, %v; want %d", EnvDevice, tc.env, got, err, tc.want)
		}
	}
	t.Setenv(EnvDevice, "")
	if got, err := choose(descs[:1]); err != nil || got != 0 {
		t.Errorf("without a GPU choose = %d, %v; want the first device, 0", got, err)
	}
	t.Setenv(EnvDevice, "3")
	_, err := choose(descs)
	want := `opencl: DC_OPENCL_DEVICE="3" matches no device; the devices are: ` +
		"0 (0:0) Portable Computing Language: cpu-haswell [CPU]; " +
		"1 (1:0) NVIDIA CUDA: NVIDIA H100 [GPU]; " +
		"2 (1:1) NVIDIA CUDA: NVIDIA A100 [GPU]"
	if err == nil || err.Error() != want {
		t.Errorf("choose with 3 = %v, want %q", err, want)
	}
}

func TestMissingLibrary(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "libOpenCL-missing.so.1")
	t.Setenv(EnvLibrary, lib)
	t.Setenv(dcruntime.EnvBackend, "")
	_, err := dcruntime.Open(dcruntime.WithBackend("opencl"))
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Open with a missing library: %v, want ErrUnavailable", err)
	}
	want := "runtime: open backend opencl: opencl: cannot load " + lib + " (named by DC_OPENCL_LIBRARY): "
	if runtime.GOOS == "linux" {
		want += lib + ": cannot open shared object file: No such file or directory"
		if diff := cmp.Diff(want, err.Error()); diff != "" {
			t.Errorf("error mismatch (-want +got):\n%s", diff)
		}
	} else if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %q, want the prefix %q", err, want)
	}
	if _, err := Devices(); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Devices with a missing library: %v, want ErrUnavailable", err)
	}

	if runtime.GOOS == "linux" {
		// A library without the OpenCL functions.
		t.Setenv(EnvLibrary, "libc.so.6")
		_, err := Devices()
		if want := "opencl: clGetPlatformIDs is missing in libc.so.6"; err == nil || err.Error() != want {
			t.Errorf("Devices with libc as the OpenCL library: %v, want %q", err, want)
		}
		t.Setenv(EnvLibrary, lib)
	}

	// Without options, Open falls back to the next backend.
	dev, err := dcruntime.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	if dev.Backend() != "cpu" {
		t.Errorf("Open() picked %s, want the cpu fallback", dev.Backend())
	}
}

func TestBuildOptions(t *testing.T) {
	for _, tc := range []struct {
		version string
		single  uint64
		want    string
	}{
		{"OpenCL C 1.2 pocl", 0xbe, "-cl-std=CL1.2 -cl-fp32-correctly-rounded-divide-sqrt"},
		{"OpenCL C 3.0 ", 0x3e, "-cl-std=CL1.2"},
		{"OpenCL C 2.0", 1 << 7, "-cl-std=CL1.2 -cl-fp32-correctly-rounded-divide-sqrt"},
		{"OpenCL C 1.1", 0x3e, ""},
		{"garbage", 0, ""},
	} {
		if got := buildOptions(tc.version, tc.single); got != tc.want {
			t.Errorf("buildOptions(%q, %#x) = %q, want %q", tc.version, tc.single, got, tc.want)
		}
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		code int32
		want string
	}{
		{0, "CL_SUCCESS"},
		{-5, "CL_OUT_OF_RESOURCES"},
		{-11, "CL_BUILD_PROGRAM_FAILURE"},
		{-30, "CL_INVALID_VALUE"},
		{-54, "CL_INVALID_WORK_GROUP_SIZE"},
		{-63, "CL_INVALID_GLOBAL_WORK_SIZE"},
		{-72, "CL_MAX_SIZE_RESTRICTION_EXCEEDED"},
		{-1001, "CL_PLATFORM_NOT_FOUND_KHR"},
		{-20, "CL_ERROR(-20)"},
		{-123, "CL_ERROR(-123)"},
		{5, "CL_ERROR(5)"},
	} {
		if got := CodeName(tc.code); got != tc.want {
			t.Errorf("CodeName(%d) = %q, want %q", tc.code, got, tc.want)
		}
	}
	for code := int32(-72); code <= 0; code++ {
		if (code > -30 && code < -19) != strings.HasPrefix(CodeName(code), "CL_ERROR(") {
			t.Errorf("CodeName(%d) = %q", code, CodeName(code))
		}
	}
	e := &Error{Call: "clEnqueueNDRangeKernel", Code: -54}
	if got, want := e.Error(), "opencl: clEnqueueNDRangeKernel: CL_INVALID_WORK_GROUP_SIZE"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	// Through the runtime's wrapper.
	wrapped := fmt.Errorf("runtime: sync: %w", &dcruntime.KernelError{Kernel: "k", Err: e})
	var ce *Error
	if !errors.As(wrapped, &ce) || ce != e {
		t.Errorf("errors.As did not reach the *Error")
	}
	if !errors.Is(wrapped, &Error{Code: -54}) || !errors.Is(wrapped, &Error{Call: "clEnqueueNDRangeKernel", Code: -54}) {
		t.Errorf("errors.Is by code failed")
	}
	if errors.Is(wrapped, &Error{Code: -5}) || errors.Is(wrapped, &Error{Call: "clFinish", Code: -54}) {
		t.Errorf("errors.Is matched another code or call")
	}
	be := &BuildError{Package: "p", Device: "d", Code: -43}
	if got, want := be.Error(), "opencl: clBuildProgram: CL_INVALID_BUILD_OPTIONS"; got != want {
		t.Errorf("BuildError without a log: %q, want %q", got, want)
	}
}
