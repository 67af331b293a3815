package opencl

import (
	"errors"
	"os"
	"testing"

	"github.com/dotcompute/dc/runtime"
)

// requireOpenCL reports whether the environment demands that OpenCL work
// (CI sets DC_REQUIRE_OPENCL=1), so tests fail instead of skipping.
func requireOpenCL() bool { return os.Getenv("DC_REQUIRE_OPENCL") == "1" }

// skipUnavailable skips t when err says OpenCL is missing here, unless
// DC_REQUIRE_OPENCL=1; any other error fails t.
func skipUnavailable(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, ErrUnavailable) && !requireOpenCL() {
		t.Skipf("no OpenCL platform: install pocl-opencl-icd ocl-icd-libopencl1 (%v)", err)
	}
	t.Fatalf("opening OpenCL (DC_REQUIRE_OPENCL=%q): %v", os.Getenv("DC_REQUIRE_OPENCL"), err)
}

// openOrSkip opens the OpenCL device through the runtime, closing it when
// the test ends.
func openOrSkip(t testing.TB) *runtime.Device {
	t.Helper()
	dev, err := runtime.Open(runtime.WithBackend("opencl"))
	if err != nil {
		skipUnavailable(t, err)
	}
	t.Cleanup(func() {
		if err := dev.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return dev
}

// openBackendOrSkip opens the OpenCL backend directly, bypassing the
// runtime's checks, closing it when the test ends.
func openBackendOrSkip(t testing.TB) *backend {
	t.Helper()
	b, err := open()
	if err != nil {
		skipUnavailable(t, err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return b
}

// testModule holds the kernels most tests launch, hand-written in the ABI
// the OpenCL printer generates: a buffer is a pointer and a long length, a
// scalar its value (bool as uchar, structs in C layout).
var testModule = &runtime.Module{
	Package: "github.com/dotcompute/dc/backends/opencl/testmodule",
	OpenCL: `
// geom writes, for every work-item inside nx*ny*nz, the 18 values of the
// geometry builtins in the 3 dimensions.
__kernel void geom(__global long *out, long out_len, long nx, long ny, long nz) {
	long x = get_global_id(0), y = get_global_id(1), z = get_global_id(2);
	if (x >= nx || y >= ny || z >= nz) {
		return;
	}
	long i = ((z * ny + y) * nx + x) * 18;
	if (i + 18 > out_len) {
		return;
	}
	for (uint d = 0; d < 3; d++) {
		out[i + 6*d + 0] = get_global_id(d);
		out[i + 6*d + 1] = get_local_id(d);
		out[i + 6*d + 2] = get_group_id(d);
		out[i + 6*d + 3] = get_local_size(d);
		out[i + 6*d + 4] = get_num_groups(d);
		out[i + 6*d + 5] = get_global_size(d);
	}
}

typedef struct {
	char a;
	int b;
	long c;
	float d;
	uchar e;
} params;

__kernel void scalars(__global long *out, long out_len, char i8, uchar flag, short i16, int i32,
		uint u32, long i64, ulong u64, float f32, params p) {
	if (get_global_id(0) != 0 || out_len < 14) {
		return;
	}
	out[0] = i8;
	out[1] = flag;
	out[2] = i16;
	out[3] = i32;
	out[4] = u32;
	out[5] = i64;
	out[6] = (long)u64;
	out[7] = as_int(f32);
	out[8] = p.a;
	out[9] = p.b;
	out[10] = p.c;
	out[11] = as_int(p.d);
	out[12] = p.e;
	out[13] = sizeof(params);
}

// reduce sums each group's elements of in into out[group] through local
// memory.
__kernel void reduce(__global const int *in, long in_len, __global int *out, long out_len) {
	__local int s[128];
	size_t l = get_local_id(0);
	long g = get_global_id(0);
	s[l] = g < in_len ? in[g] : 0;
	barrier(CLK_LOCAL_MEM_FENCE);
	for (size_t stride = get_local_size(0) / 2; stride > 0; stride >>= 1) {
		if (l < stride) {
			s[l] += s[l + stride];
		}
		barrier(CLK_LOCAL_MEM_FENCE);
	}
	if (l == 0 && get_group_id(0) < out_len) {
		out[get_group_id(0)] = s[0];
	}
}

// hist counts the values of in into bins and hands out tickets: olds[i] is
// the value atomic_add returned to work-item i.
__kernel void hist(__global const int *in, long in_len, __global int *bins, long bins_len,
		__global int *counter, long counter_len, __global int *olds, long olds_len) {
	long g = get_global_id(0);
	if (g >= in_len || g >= olds_len) {
		return;
	}
	int v = in[g];
	if (v >= 0 && v < bins_len) {
		atomic_add(&bins[v], 1);
	}
	olds[g] = atomic_add(&counter[0], 1);
}

// fill sets x[i] = v + i.
__kernel void fill(__global int *x, long x_len, int v) {
	long i = get_global_id(0);
	if (i < x_len) {
		x[i] = v + (int)i;
	}
}
`,
}

// Kernels of testModule.
var (
	geomKernel = &runtime.Kernel{Module: testModule, Name: "geom", Params: []runtime.Param{
		{Name: "out", Kind: runtime.BufferParam, Written: true, Size: 8},
		{Name: "nx", Kind: runtime.ScalarParam, Size: 8},
		{Name: "ny", Kind: runtime.ScalarParam, Size: 8},
		{Name: "nz", Kind: runtime.ScalarParam, Size: 8},
	}}
	scalarsKernel = &runtime.Kernel{Module: testModule, Name: "scalars", Params: []runtime.Param{
		{Name: "out", Kind: runtime.BufferParam, Written: true, Size: 8},
		{Name: "i8", Kind: runtime.ScalarParam, Size: 1},
		{Name: "flag", Kind: runtime.ScalarParam, Size: 1},
		{Name: "i16", Kind: runtime.ScalarParam, Size: 2},
		{Name: "i32", Kind: runtime.ScalarParam, Size: 4},
		{Name: "u32", Kind: runtime.ScalarParam, Size: 4},
		{Name: "i64", Kind: runtime.ScalarParam, Size: 8},
		{Name: "u64", Kind: runtime.ScalarParam, Size: 8},
		{Name: "f32", Kind: runtime.ScalarParam, Size: 4},
		{Name: "p", Kind: runtime.ScalarParam, Size: 24},
	}}
	reduceKernel = &runtime.Kernel{Module: testModule, Name: "reduce", SharedBytes: 512, Barrier: true, Params: []runtime.Param{
		{Name: "in", Kind: runtime.BufferParam, Size: 4},
		{Name: "out", Kind: runtime.BufferParam, Written: true, Size: 4},
	}}
	histKernel = &runtime.Kernel{Module: testModule, Name: "hist", Params: []runtime.Param{
		{Name: "in", Kind: runtime.BufferParam, Size: 4},
		{Name: "bins", Kind: runtime.BufferParam, Written: true, Size: 4},
		{Name: "counter", Kind: runtime.BufferParam, Written: true, Size: 4},
		{Name: "olds", Kind: runtime.BufferParam, Written: true, Size: 4},
	}}
	fillKernel = &runtime.Kernel{Module: testModule, Name: "fill", Params: []runtime.Param{
		{Name: "x", Kind: runtime.BufferParam, Written: true, Size: 4},
		{Name: "v", Kind: runtime.ScalarParam, Size: 4},
	}}
)
