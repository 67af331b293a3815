package msl_test

import (
	"fmt"
	"go/constant"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dotcompute/dc/gen"
	"github.com/dotcompute/dc/translate"
	"github.com/dotcompute/dc/translate/ir"
	"github.com/dotcompute/dc/translate/msl"
)

// program translates testdata/names.
func program(t *testing.T) *ir.Program {
	t.Helper()
	pkgs, err := gen.Load(gen.Config{Dir: ".", Patterns: []string{"./testdata/names"}})
	if err != nil || len(pkgs) != 1 {
		t.Fatalf("loading testdata/names: %v", err)
	}
	prog, err := translate.Translate(pkgs[0].Input)
	if err != nil {
		t.Fatal(err)
	}
	return prog
}

// TestDialect checks what is particular to MSL: reserved names are
// renamed, scalars are constant references bound to buffer indexes, the
// thread geometry is entry-point parameters handed on to the device
// function that reads it, atomics pick their address space, fastmath uses
// metal::fast:: functions, the kernels that need float64 are left out, and
// a labelled break prints without goto.
func TestDialect(t *testing.T) {
	src, err := msl.PrintChecked(program(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"#include <metal_stdlib>\nusing namespace metal;\n",
		"long lane(uint3 dc_gid, uint3 dc_lid, uint3 dc_grp, uint3 dc_gsz, uint3 dc_ngr) {",
		"kernel void Names(device float* out [[buffer(0)]], constant long& out_len [[buffer(1)]], " +
			"device const bool* flags [[buffer(2)]], constant long& flags_len [[buffer(3)]], " +
			"constant bool& flag [[buffer(4)]], constant int& n [[buffer(5)]], " +
			"uint3 dc_gid [[thread_position_in_grid]], uint3 dc_lid [[thread_position_in_threadgroup]], " +
			"uint3 dc_grp [[threadgroup_position_in_grid]], uint3 dc_gsz [[threads_per_threadgroup]], " +
			"uint3 dc_ngr [[threadgroups_per_grid]]) {",
		"threadgroup float sh0[64];",
		"long local = (long)dc_lid.x;",
		"float length_(float dot_, float half_) {", // Metal functions and types
		"float device_ = (float)local;",            // an address space
		"float threadgroup_ = device_ * 2.0f;",     // and another
		"threadgroup_barrier(mem_flags::mem_device | mem_flags::mem_threadgroup);",
		"dc_atomic_add_f32_threadgroup(&s[i % 64L], length_(device_, threadgroup_));",
		"lane(dc_gid, dc_lid, dc_grp, dc_gsz, dc_ngr)",
		"return atomic_fetch_add_explicit((device atomic_float*)p, v, memory_order_relaxed);",
		"xs[i] = metal::fast::sin(xs[i]) + sqrt(xs[i]);",
		"// Kernels left out: Metal cannot run them.\n",
		"// names.go:48:3: kernel Wide: Metal has no float64 (used through half)\n",
		"// names.go:53:27: kernel Doubles: Metal has no float64\n",
		// break outer: a flag, tested after the inner loop.
		"\tbool dc_brk_1 = false;\n\tfor (long y = 0L; y < w; ",
		"\t\t\t\tdc_brk_1 = true;\n\t\t\t\tbreak;\n\t\t\t}\n\t\t}\n\t\tif (dc_brk_1) break;\n\t}\n",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	for _, bad := range []string{"double", "kernel void Wide(", "kernel void Doubles(", " half(", "goto ", "dc_break_", "dc_continue_"} {
		if strings.Contains(src, bad) {
			t.Errorf("output has %q, which only the left-out kernels use", bad)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", src)
	}
}

// TestUnsupported64BitAtomic checks that a kernel using a 64-bit atomic is
// listed with the atomic's position and left out, while its neighbour
// prints. (Go code cannot ask for one through package dc; other front ends
// of the IR can.)
func TestUnsupported64BitAtomic(t *testing.T) {
	i64 := &ir.Basic{Kind: ir.Int64}
	i32 := &ir.Basic{Kind: ir.Int32}
	kernel := func(name string, elem *ir.Basic, line int) *ir.Kernel {
		xs := &ir.Var{Name: "xs", Type: &ir.Slice{Elem: elem}, Kind: ir.Param, Written: true, Pos: ir.Pos{File: "a.go", Line: line, Col: 1}}
		at := ir.Pos{File: "a.go", Line: line + 1, Col: 2}
		zero := &ir.Const{T: &ir.Basic{Kind: ir.Int}, Value: constant.MakeInt64(0)}
		one := &ir.Const{T: elem, Value: constant.MakeInt64(1)}
		add := &ir.BuiltinCall{Op: ir.AtomicAdd, T: elem, Args: []ir.Expr{
			&ir.Index{X: &ir.VarRef{Var: xs}, Index: zero, T: elem, Pos: at}, one,
		}}
		return &ir.Kernel{Name: name, GoName: name, Pos: ir.Pos{File: "a.go", Line: line, Col: 1}, Params: []*ir.Var{xs},
			Body: &ir.Block{Stmts: []ir.Stmt{&ir.ExprStmt{Pos: at, X: add}}}}
	}
	prog := &ir.Program{Package: "a", Kernels: []*ir.Kernel{kernel("Count64", i64, 10), kernel("Count32", i32, 20)}, Files: []string{"a.go"}}
	got := msl.Unsupported(prog)
	if len(got) != 1 || got[0].String() != "a.go:11:2: kernel Count64: Metal has no 64-bit atomics" {
		t.Fatalf("Unsupported = %v", got)
	}
	src, err := msl.PrintChecked(prog)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(src, "kernel void Count64(") || strings.Contains(src, "#error") || !strings.Contains(src, "kernel void Count32(") {
		t.Errorf("Count64 must be left out without #error, Count32 printed:\n%s", src)
	}
}

// TestUnsupportedBindings checks a kernel whose entry point would need more
// than Metal's 31 buffer bindings is left out, and one with exactly 31 is
// printed.
func TestUnsupportedBindings(t *testing.T) {
	f32 := &ir.Basic{Kind: ir.Float32}
	kernel := func(name string, slices, scalars int) *ir.Kernel {
		k := &ir.Kernel{Name: name, GoName: name, Pos: ir.Pos{File: "b.go", Line: 3, Col: 1}, Body: &ir.Block{}}
		for i := range slices {
			k.Params = append(k.Params, &ir.Var{Name: fmt.Sprintf("s%d", i), Type: &ir.Slice{Elem: f32}, Kind: ir.Param})
		}
		for i := range scalars {
			k.Params = append(k.Params, &ir.Var{Name: fmt.Sprintf("a%d", i), Type: f32, Kind: ir.Param})
		}
		return k
	}
	prog := &ir.Program{Package: "b", Kernels: []*ir.Kernel{kernel("Wide", 15, 2), kernel("Fits", 15, 1)}, Files: []string{"b.go"}}
	got := msl.Unsupported(prog)
	want := "b.go:3:1: kernel Wide: Metal has no room for 32 buffer bindings (the argument table holds 31)"
	if len(got) != 1 || got[0].String() != want {
		t.Fatalf("Unsupported = %v, want [%s]", got, want)
	}
	src, err := msl.PrintChecked(prog)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(src, "kernel void Wide(") || !strings.Contains(src, "[[buffer(30)]]") {
		t.Errorf("Wide must be left out, Fits printed with buffer 30:\n%s", src)
	}
}

// TestCompilesWithShim checks the output with clang-16 as C++17 against the
// metal_stdlib shim in testdata/shim: an approximation of a Metal compile,
// not Metal itself.
func TestCompilesWithShim(t *testing.T) {
	clang, err := exec.LookPath("clang-16")
	if err != nil {
		if os.Getenv("DC_REQUIRE_CLANG") == "1" {
			t.Fatal("DC_REQUIRE_CLANG=1 but clang-16 is not installed")
		}
		t.Skip("clang-16 not installed (apt-get install clang-16): the MSL is not checked against the metal_stdlib shim")
	}
	path := filepath.Join(t.TempDir(), "names.metal")
	if err := os.WriteFile(path, []byte(msl.Print(program(t))), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(clang, "-x", "c++", "-std=c++17", "-fsyntax-only", "-Wno-unknown-attributes",
		"-I", filepath.Join("testdata", "shim"), path).CombinedOutput()
	if err != nil {
		t.Errorf("clang-16 with the metal_stdlib shim (an approximation of a Metal compile) rejects the MSL: %v\n%s", err, out)
	}
}
