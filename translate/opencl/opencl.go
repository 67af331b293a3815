// Package opencl prints the kernel IR as OpenCL C 1.2, for any OpenCL
// device (the opencl backend builds it at run time with clBuildProgram).
//
// The printing is the C-family core in package cfamily, shared with the
// CUDA printer; this package only describes the OpenCL C dialect:
// __kernel entry points, __global slices and __local shared arrays,
// get_global_id and friends, barrier, the atomic_* functions, OpenCL's
// overloaded math and as_type bit casts.
//
// What OpenCL C lacks is built from what it has, with Go's semantics:
//
//   - float32 atomic add is a compare-and-swap loop on the bits
//     (atomic_cmpxchg), one helper per address space;
//   - bool is stored as uchar: OpenCL forbids bool in kernel parameters and
//     leaves its size open, while Go's bool is one byte holding 0 or 1;
//   - a product under an explicit conversion, which Go says must round on
//     its own, is a helper with FP_CONTRACT off, so it is never fused with
//     an addition outside the conversion;
//   - float64 is optional in OpenCL (cl_khr_fp64): everything that uses it
//     is printed under #ifdef cl_khr_fp64, so the float32 kernels of a
//     package still build on a device without float64, and the runtime
//     refuses to launch a float64 kernel there (runtime.Kernel.Float64).
//
// Go requires correctly rounded float32 division and square root, which
// OpenCL only gives with the build option
// -cl-fp32-correctly-rounded-divide-sqrt; the backend passes it where the
// device supports it. #line directives map the build log to Go lines.
package opencl

import (
	"fmt"
	"strings"

	"github.com/dotcompute/dc/translate/cfamily"
	"github.com/dotcompute/dc/translate/ir"
)

// Barrier is the group barrier: like CUDA's __syncthreads, it orders both
// group-shared and device memory accesses of the group's threads.
const Barrier = "barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE)"

// Float64Enable enables double where the device supports it.
const Float64Enable = `#ifdef cl_khr_fp64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif
`

// Dialect is the OpenCL C 1.2 dialect of the C-family printer.
var Dialect = &cfamily.Dialect{
	Name: "opencl",
	Types: [ir.Float64 + 1]string{
		ir.Bool: "uchar",
		ir.Int:  "long", ir.Int8: "char", ir.Int16: "short", ir.Int32: "int", ir.Int64: "long",
		ir.Uint: "ulong", ir.Uint8: "uchar", ir.Uint16: "ushort", ir.Uint32: "uint", ir.Uint64: "ulong",
		ir.Float32: "float", ir.Float64: "double",
	},
	IntSuffix: [ir.Float64 + 1]string{
		ir.Int: "L", ir.Int64: "L", ir.Uint: "UL", ir.Uint64: "UL", ir.Uint32: "u",
	},
	// As in CUDA, read-only slices are restrict, and kernels that also
	// write a slice get a second entry point without it for launches
	// whose buffers overlap.
	Restrict:         "restrict",
	Kernel:           "__kernel",
	SharedVar:        "__local",
	SharedPtr:        "__local",
	GlobalPtr:        "__global",
	ArrayArgsByValue: true,
	CompoundLiteral:  true,
	TypedefStructs:   true,
	StaticAssert:     "_Static_assert",
	AlignOf:          "__alignof__",
	ZeroAggregate:    "{0}",
	Thread:           thread,
	Barrier:          Barrier,
	RoundedMul: func(k ir.Kind) string {
		if k == ir.Float32 {
			return "dc_rmul_f32"
		}
		return "dc_rmul_f64"
	},
	Math:             mathName,
	FastMath:         fastMathName,
	BitCast:          bitCast,
	Atomic:           atomic,
	Helpers:          helpers,
	Float64Guard:     "cl_khr_fp64",
	Float64Enable:    Float64Enable,
	Reserved:         reserved,
	ReservedPrefixes: reservedPrefixes,
}

// Print returns the OpenCL C source of every kernel and device function of
// p. IR that OpenCL C cannot express (see PrintChecked) prints as #error
// lines, so the build fails with the Go position.
func Print(p *ir.Program) string {
	s, _ := cfamily.Print(Dialect, p)
	return s
}

// PrintChecked is Print that also returns, as an error, every IR construct
// the printer cannot express, each with its Go position.
func PrintChecked(p *ir.Program) (string, error) {
	return cfamily.Print(Dialect, p)
}

// thread returns the 64-bit expression of a thread geometry builtin.
// OpenCL 1.2 needs the global size to be a multiple of the group size, so
// get_global_size is the grid size (NumGroups*GroupSize).
func thread(b ir.Builtin) string {
	d := b.Dim()
	switch b - ir.Builtin(d) {
	case ir.GlobalX:
		return fmt.Sprintf("(long)get_global_id(%d)", d)
	case ir.LocalX:
		return fmt.Sprintf("(long)get_local_id(%d)", d)
	case ir.GroupX:
		return fmt.Sprintf("(long)get_group_id(%d)", d)
	case ir.GroupSizeX:
		return fmt.Sprintf("(long)get_local_size(%d)", d)
	case ir.NumGroupsX:
		return fmt.Sprintf("(long)get_num_groups(%d)", d)
	case ir.GridSizeX:
		return fmt.Sprintf("(long)get_global_size(%d)", d)
	}
	return ""
}

// mathName returns OpenCL C's name of the math builtin op: the C99 name,
// overloaded for float and double.
func mathName(op ir.Builtin, k ir.Kind) string {
	switch op {
	case ir.IsNaN:
		return "isnan"
	case ir.IsInf:
		return "isinf"
	case ir.RoundToEven:
		if k == ir.Float32 {
			return "dc_rint_f32"
		}
		return "dc_rint_f64"
	}
	return cfamily.CMathNames[op]
}

// roundToEven is Go's math.RoundToEven through rint, except for values
// that are already integers (|x| >= 2^52, or 2^23 for float) and for
// infinities and NaNs, which it returns unchanged: PoCL 3.1's double rint
// of such values makes the whole kernel silently not run (found by
// internal/smith; reduced to rint(+Inf) computed at run time).
func roundToEven(t, key, limit string) string {
	return fmt.Sprintf(`%[1]s dc_rint_%[2]s(%[1]s x) {
	return fabs(x) < %[3]s ? rint(x) : x;
}
`, t, key, limit)
}

// fastMathName returns OpenCL's native_ function for op on float32 in a
// fastmath kernel (the functions CUDA's fast intrinsics correspond to), or "".
func fastMathName(op ir.Builtin, k ir.Kind) string {
	if k != ir.Float32 {
		return ""
	}
	switch op {
	case ir.Sin, ir.Cos, ir.Tan, ir.Exp, ir.Log, ir.Log2, ir.Log10:
		return "native_" + cfamily.CMathNames[op]
	case ir.Pow:
		return "native_powr"
	}
	return ""
}

func bitCast(op ir.Builtin, x string) string {
	switch op {
	case ir.Float32Bits:
		return "as_uint(" + x + ")"
	case ir.Float32From:
		return "as_float(" + x + ")"
	case ir.Float64Bits:
		return "as_ulong(" + x + ")"
	case ir.Float64From:
		return "as_double((ulong)(" + x + "))"
	}
	return ""
}

// atomic names OpenCL's atomic functions, overloaded for __global and
// __local int and uint (and float for exchange); float add is a helper per
// address space.
func atomic(op ir.Builtin, k ir.Kind, space ir.Space) string {
	switch k {
	case ir.Int32, ir.Uint32:
	case ir.Float32:
		switch op {
		case ir.AtomicAdd:
			if space == ir.SpaceShared {
				return "dc_atomic_add_f32_local"
			}
			return "dc_atomic_add_f32_global"
		case ir.AtomicExchange:
			return "atomic_xchg"
		}
		return ""
	default:
		return ""
	}
	switch op {
	case ir.AtomicAdd:
		return "atomic_add"
	case ir.AtomicExchange:
		return "atomic_xchg"
	case ir.AtomicMin:
		return "atomic_min"
	case ir.AtomicMax:
		return "atomic_max"
	case ir.AtomicCAS:
		return "atomic_cmpxchg"
	}
	return ""
}

// atomicAddF32 is float atomic add in address space q: a compare-and-swap
// loop on the bits, which also terminates when the value is a NaN.
func atomicAddF32(q string) string {
	name := "dc_atomic_add_f32_" + strings.TrimPrefix(q, "__")
	return fmt.Sprintf(`float %[1]s(volatile %[2]s float* p, float v) {
	volatile %[2]s uint* u = (volatile %[2]s uint*)p;
	uint old = *u;
	uint seen;
	do {
		seen = old;
		old = atomic_cmpxchg(u, seen, as_uint(as_float(seen) + v));
	} while (old != seen);
	return as_float(old);
}
`, name, q)
}

// roundedMul multiplies with one rounding: contraction is off in its body,
// and it holds nothing to contract with.
func roundedMul(t, key string) string {
	return fmt.Sprintf(`%[1]s dc_rmul_%[2]s(%[1]s a, %[1]s b) {
#pragma OPENCL FP_CONTRACT OFF
	return a * b;
}
`, t, key)
}

var helpers = map[string]string{
	"dc_atomic_add_f32_global": atomicAddF32("__global"),
	"dc_atomic_add_f32_local":  atomicAddF32("__local"),
	"dc_rmul_f32":              roundedMul("float", "f32"),
	"dc_rmul_f64":              roundedMul("double", "f64"),
	"dc_rint_f32":              roundToEven("float", "f32", "8388608.0f"),
	"dc_rint_f64":              roundToEven("double", "f64", "4503599627370496.0"),
}

// reservedPrefixes are prefixes of OpenCL C's families of built-in
// functions, types and macros, too many to list: conversions, bit casts,
// vector loads and stores, atomics, images, native and half math, and the
// macros of the OpenCL headers.
var reservedPrefixes = []string{
	"convert_", "as_", "vload", "vstore", "atom", "read_image", "write_image",
	"get_image_", "native_", "half_", "work_group_", "sub_group_", "get_",
	"async_", "CL_", "CLK_", "cl_", "__OPENCL", "FLT_", "DBL_", "M_", "CHAR_",
	"SCHAR_", "UCHAR_", "SHRT_", "USHRT_", "INT_", "UINT_", "LONG_", "ULONG_",
	"FP_", "HUGE_", "MAXFLOAT",
}

// reserved are OpenCL C's keywords, types and built-in functions (OpenCL C
// 1.2 and the common 2.x additions) that a user name must not take:
// built-ins are overloaded, so a user function of the same name clashes.
var reserved = func() []string {
	r := strings.Fields(`
		__global global __local local __constant constant __private private
		__kernel kernel __read_only read_only __write_only write_only
		__read_write read_write uniform pipe __attribute__
		uchar ushort uint ulong half quad complex imaginary size_t ptrdiff_t
		intptr_t uintptr_t image1d_t image1d_buffer_t image1d_array_t image2d_t
		image2d_array_t image2d_depth_t image2d_array_depth_t image3d_t
		sampler_t event_t queue_t ndrange_t clk_event_t reserve_id_t
		cl_mem_fence_flags memory_scope memory_order atomic_int atomic_uint
		atomic_long atomic_ulong atomic_float atomic_double atomic_flag
		acos acosh acospi asin asinh asinpi atan atan2 atanh atanpi atan2pi
		cbrt ceil copysign cos cosh cospi erfc erf exp exp2 exp10 expm1 fabs
		fdim floor fma fmax fmin fmod fract frexp hypot ilogb ldexp lgamma
		lgamma_r log log2 log10 log1p logb mad maxmag minmag modf nan nextafter
		pow pown powr remainder remquo rint rootn round rsqrt sin sincos sinh
		sinpi sqrt tan tanh tanpi tgamma trunc
		abs abs_diff add_sat hadd rhadd clamp clz ctz mad_hi mad_sat max min
		mul_hi rotate sub_sat upsample popcount mad24 mul24
		degrees mix radians step smoothstep sign
		cross dot distance length normalize fast_distance fast_length fast_normalize
		isequal isnotequal isgreater isgreaterequal isless islessequal
		islessgreater isfinite isinf isnan isnormal isordered isunordered
		signbit any all bitselect select shuffle shuffle2 vec_step
		barrier mem_fence read_mem_fence write_mem_fence prefetch
		wait_group_events printf enqueue_kernel enqueue_marker
		retain_event release_event create_user_event set_user_event_status
		capture_event_profiling_info is_valid_event
		true false
	`)
	for _, base := range []string{"char", "uchar", "short", "ushort", "int", "uint", "long", "ulong", "float", "double", "half", "bool", "quad"} {
		for _, n := range []int{2, 3, 4, 8, 16} {
			r = append(r, fmt.Sprintf("%s%d", base, n))
			for _, m := range []int{2, 3, 4, 8, 16} {
				r = append(r, fmt.Sprintf("%s%dx%d", base, n, m)) // reserved matrix types
			}
		}
	}
	return r
}()
