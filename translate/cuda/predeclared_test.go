package cuda

import (
	"go/token"
	"strings"
	"testing"

	"github.com/dotcompute/dc/translate/ir"
)

// predeclaredProgram uses, as Go allows, names that NVRTC's built-in headers
// predeclare: device functions (float2int), typedefs and namespaces
// (size_t, std), macros (CUDART_VERSION, cudaStreamDefault) and function-like
// macros (va_start), as functions, struct types, fields, parameters and
// locals.
//
//	type size_t struct{ CUDART_VERSION, cudaStreamDefault int64 }
//	func float2int(x float32) int32 { return int32(x) }
//	func std(x int) int { return x }
//	func va_start(x int) int { return x }
//	func Predeclared(t dc.Thread, cudaEventDefault int64, o []int64, f []float32) {
//		CUDA_IPC_HANDLE_SIZE := size_t{CUDART_VERSION: cudaEventDefault}
//		o[0] = CUDA_IPC_HANDLE_SIZE.CUDART_VERSION + std(va_start(1)) + int64(float2int(f[0]))
//	}
func predeclaredProgram() *ir.Program {
	st := &ir.Struct{Name: "size_t", Size: 16, Align: 8, Fields: []*ir.Field{
		{Name: "CUDART_VERSION", Type: tI64, Offset: 0},
		{Name: "cudaStreamDefault", Type: tI64, Offset: 8},
	}}
	x := param("x", tF32)
	f2i := function("float2int", 2, []*ir.Var{x}, []ir.Type{tI32}, ret(2, conv(ref(x), tI32)))
	y := param("x", tInt)
	std := function("std", 3, []*ir.Var{y}, []ir.Type{tInt}, ret(3, ref(y)))
	z := param("x", tInt)
	vaStart := function("va_start", 4, []*ir.Var{z}, []ir.Type{tInt}, ret(4, ref(z)))
	ev := param("cudaEventDefault", tI64)
	o, f := out("o", sliceOf(tI64)), param("f", sliceOf(tF32))
	h := local("CUDA_IPC_HANDLE_SIZE", st)
	sum := bin(token.ADD, field(ref(h), 0), conv(callOf(std, callOf(vaStart, cnst(tInt, 1))), tI64))
	k := kernel("Predeclared", 5, []*ir.Var{ev, o, f},
		decl(6, h, &ir.StructLit{T: st, Fields: []ir.Expr{ref(ev), cnst(tI64, 0)}}),
		assign(7, idx(ref(o), cnst(tInt, 0)), bin(token.ADD, sum, conv(callOf(f2i, idx(ref(f), cnst(tInt, 0))), tI64))),
	)
	prog := program(k)
	prog.Structs = []*ir.Struct{st}
	prog.Funcs = []*ir.Func{f2i, std, vaStart}
	return prog
}

// TestPredeclaredNamesRenamed checks that no user name of
// predeclaredProgram reaches the CUDA source as it is.
func TestPredeclaredNamesRenamed(t *testing.T) {
	src, err := PrintChecked(predeclaredProgram())
	if err != nil {
		t.Fatal(err)
	}
	// The layout checks' messages name the Go types and fields.
	var code []string
	for _, l := range strings.Split(src, "\n") {
		if !strings.HasPrefix(l, "static_assert(") {
			code = append(code, l)
		}
	}
	text := strings.Join(code, "\n")
	for _, n := range []string{"size_t", "CUDART_VERSION", "cudaStreamDefault", "float2int", "std", "va_start", "cudaEventDefault", "CUDA_IPC_HANDLE_SIZE"} {
		for _, use := range []string{" " + n + " ", " " + n + "(", "." + n, "(" + n + ")", " " + n + ","} {
			if strings.Contains(text, use) {
				t.Errorf("the source uses %q as is (%q):\n%s", n, use, src)
				break
			}
		}
	}
}

// TestNVRTCPredeclaredNames compiles predeclaredProgram: names that NVRTC's
// headers predeclare must not break valid Go.
func TestNVRTCPredeclaredNames(t *testing.T) {
	n := loadNVRTC(t)
	src := Print(predeclaredProgram())
	if _, err := compile(n, src, "k.cu", "sm_80"); err != nil {
		t.Fatalf("compile: %v\nsource:\n%s", err, src)
	}
}
