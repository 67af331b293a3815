// Package cuda prints the kernel IR as CUDA C++ for NVRTC, NVIDIA's
// run-time compiler.
//
// The output includes no header (NVRTC has no standard headers): it uses
// only compiler builtins. It needs C++11 or later (static_assert, alignof
// and T{...} struct literals), so it must be compiled with -std=c++17:
// NVRTC 11 defaults to C++03, and the output then stops at an #error that
// says so. Kernels are extern "C", so their names are the Kernel.Name the
// runtime looks up. The printing itself is the C-family core in package
// cfamily; this package only describes the CUDA dialect.
package cuda

import (
	"fmt"
	"strings"

	"github.com/dotcompute/dc/translate/cfamily"
	"github.com/dotcompute/dc/translate/ir"
)

// Prologue stops a compilation in C++03 mode (NVRTC 11's default) with a
// clear message instead of errors at the first static_assert or T{...}.
const Prologue = `#if __cplusplus < 201103L
#error "dc: this CUDA C++ needs C++11 or later: compile it with the NVRTC option -std=c++17"
#endif
`

// Dialect is the CUDA C++ dialect of the C-family printer.
var Dialect = &cfamily.Dialect{
	Name:     "cuda",
	Prologue: Prologue,
	Types: [ir.Float64 + 1]string{
		ir.Bool: "bool",
		ir.Int:  "long long", ir.Int8: "signed char", ir.Int16: "short", ir.Int32: "int", ir.Int64: "long long",
		ir.Uint: "unsigned long long", ir.Uint8: "unsigned char", ir.Uint16: "unsigned short",
		ir.Uint32: "unsigned int", ir.Uint64: "unsigned long long",
		ir.Float32: "float", ir.Float64: "double",
	},
	IntSuffix: [ir.Float64 + 1]string{
		ir.Int: "LL", ir.Int64: "LL", ir.Uint: "ULL", ir.Uint64: "ULL", ir.Uint32: "u",
	},
	// Read-only slices are __restrict__ (NVRTC then loads them through the
	// read-only ld.global.nc path). Go lets the host pass one buffer as
	// several arguments, where that would be undefined, so such kernels are
	// also printed without restrict (cfamily.AliasedName), and the runtime
	// launches that entry point when the buffers of a launch overlap.
	Restrict:      "__restrict__",
	Kernel:        `extern "C" __global__`,
	Func:          "__device__",
	SharedVar:     "__shared__",
	StaticAssert:  "static_assert",
	AlignOf:       "alignof",
	ZeroAggregate: "{}",
	Thread:        thread,
	Barrier:       "__syncthreads()",
	RoundedMul: func(k ir.Kind) string {
		if k == ir.Float32 {
			return "__fmul_rn"
		}
		return "__dmul_rn"
	},
	Math:     mathName,
	FastMath: fastMathName,
	BitCast:  bitCast,
	Atomic:   atomic,
	Reserved: reserved,
	// NVRTC's built-in headers define hundreds of macros, typedefs and
	// enumerators with these prefixes (CUDART_VERSION, cudaStreamDefault,
	// cudaError_t, CU_UUID_HAS_BEEN_DEFINED): a variable or field with such
	// a name would be macro-expanded.
	ReservedPrefixes: []string{"cuda", "CUDA_", "CUDART", "CU_"},
}

// Print returns the CUDA C++ source of every kernel and device function of
// p. IR that CUDA cannot express (see PrintChecked) prints as #error lines,
// so NVRTC rejects it with the Go position.
func Print(p *ir.Program) string {
	s, _ := cfamily.Print(Dialect, p)
	return s
}

// PrintChecked is Print that also returns, as an error, every IR construct
// the printer cannot express, each with its Go position.
func PrintChecked(p *ir.Program) (string, error) {
	return cfamily.Print(Dialect, p)
}

var dims = [3]string{"x", "y", "z"}

// thread returns the 64-bit expression of a thread geometry builtin.
func thread(b ir.Builtin) string {
	d := dims[b.Dim()]
	switch b - ir.Builtin(b.Dim()) {
	case ir.GlobalX:
		return fmt.Sprintf("((long long)blockIdx.%s * (long long)blockDim.%s + (long long)threadIdx.%s)", d, d, d)
	case ir.LocalX:
		return "(long long)threadIdx." + d
	case ir.GroupX:
		return "(long long)blockIdx." + d
	case ir.GroupSizeX:
		return "(long long)blockDim." + d
	case ir.NumGroupsX:
		return "(long long)gridDim." + d
	case ir.GridSizeX:
		return fmt.Sprintf("((long long)gridDim.%s * (long long)blockDim.%s)", d, d)
	}
	return ""
}

func mathName(op ir.Builtin, k ir.Kind) string {
	switch op {
	case ir.IsNaN:
		return "isnan"
	case ir.IsInf:
		return "isinf"
	}
	n, ok := cfamily.CMathNames[op]
	if !ok {
		return ""
	}
	if k == ir.Float32 {
		n += "f"
	}
	return n
}

func bitCast(op ir.Builtin, x string) string {
	switch op {
	case ir.Float32Bits:
		return "__float_as_uint(" + x + ")"
	case ir.Float32From:
		return "__uint_as_float(" + x + ")"
	case ir.Float64Bits:
		return "(unsigned long long)__double_as_longlong(" + x + ")"
	case ir.Float64From:
		return "__longlong_as_double((long long)(" + x + "))"
	}
	return ""
}

// atomic names CUDA's atomic functions: 32-bit integers for all of them,
// float for add and exchange. CUDA's pointers are generic: the same
// function serves global and shared memory.
func atomic(op ir.Builtin, k ir.Kind, _ ir.Space) string {
	switch k {
	case ir.Int32, ir.Uint32:
	case ir.Float32:
		if op != ir.AtomicAdd && op != ir.AtomicExchange {
			return ""
		}
	default:
		return ""
	}
	switch op {
	case ir.AtomicAdd:
		return "atomicAdd"
	case ir.AtomicExchange:
		return "atomicExch"
	case ir.AtomicMin:
		return "atomicMin"
	case ir.AtomicMax:
		return "atomicMax"
	case ir.AtomicCAS:
		return "atomicCAS"
	}
	return ""
}

// reserved are CUDA's predefined names: built-in variables, types,
// qualifiers and device functions a user name must not shadow.
var reserved = func() []string {
	r := []string{
		"threadIdx", "blockIdx", "blockDim", "gridDim", "warpSize", "dim3",
		"__global__", "__device__", "__host__", "__shared__", "__constant__",
		"__managed__", "__restrict__", "__noinline__", "__forceinline__",
		"__syncthreads", "__syncwarp", "__threadfence", "__threadfence_block",
		"atomicAdd", "atomicSub", "atomicExch", "atomicMin", "atomicMax",
		"atomicInc", "atomicDec", "atomicCAS", "atomicAnd", "atomicOr", "atomicXor",
		"clock", "clock64", "umin", "umax", "llmin", "llmax", "ullmin", "ullmax",
		"saturate", "half", "half2", "nv_bfloat16", "texture", "surface",
		// Typedefs, namespaces and macros of NVRTC's built-in headers.
		"size_t", "ptrdiff_t", "clock_t", "va_list", "std", "CUuuid",
		"va_start", "va_arg", "va_copy", "va_end", "alloca",
		"NOMINMAX", "STD", "THROWBADALLOC",
	}
	// Device functions of NVRTC's built-in headers (CUDA 11.8) that the
	// common C library names (package cfamily) leave out: a user function
	// of the same name and parameters would redefine them.
	r = append(r, strings.Fields(`
		all any ballot dadd dmul dsub fdivide fdividef mul24 umul24 mul64hi mulhi
		double2int double2ll double2uint double2ull float2double float2int float2uint
		float_as_int float_as_uint int2double int2float int_as_float ll2double
		uint2double uint2float uint_as_float ull2double
		rnorm3d rnorm3df rnorm4d rnorm4df syncthreads_and syncthreads_count syncthreads_or
		surf1Dread surf1Dwrite surf1DLayeredread surf1DLayeredwrite surf2Dread surf2Dwrite
		surf2DLayeredread surf2DLayeredwrite surf3Dread surf3Dwrite surfCubemapread
		surfCubemapwrite surfCubemapLayeredread surfCubemapLayeredwrite
		tex1D tex1DGrad tex1DLayered tex1DLayeredGrad tex1DLayeredLod tex1DLod tex1Dfetch
		tex2D tex2DGrad tex2DLayered tex2DLayeredGrad tex2DLayeredLod tex2DLod tex2Dgather
		tex3D tex3DGrad tex3DLod texCubemap texCubemapGrad texCubemapLayered
		texCubemapLayeredGrad texCubemapLayeredLod texCubemapLod
	`)...)
	for _, base := range []string{"char", "uchar", "short", "ushort", "int", "uint", "long", "ulong", "longlong", "ulonglong", "float", "double"} {
		for n := 1; n <= 4; n++ {
			r = append(r, fmt.Sprintf("%s%d", base, n), fmt.Sprintf("make_%s%d", base, n))
		}
	}
	return r
}()

// fastMathName returns CUDA's fast intrinsic for op on float32 in a
// fastmath kernel (the functions --use_fast_math would substitute), or "".
func fastMathName(op ir.Builtin, k ir.Kind) string {
	if k != ir.Float32 {
		return ""
	}
	switch op {
	case ir.Sin:
		return "__sinf"
	case ir.Cos:
		return "__cosf"
	case ir.Tan:
		return "__tanf"
	case ir.Exp:
		return "__expf"
	case ir.Log:
		return "__logf"
	case ir.Log2:
		return "__log2f"
	case ir.Log10:
		return "__log10f"
	case ir.Pow:
		return "__powf"
	}
	return ""
}
