package opencl_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dotcompute/dc/gen"
	"github.com/dotcompute/dc/translate"
	"github.com/dotcompute/dc/translate/opencl"
)

// print translates testdata/names and prints its OpenCL C.
func print(t *testing.T) string {
	t.Helper()
	pkgs, err := gen.Load(gen.Config{Dir: ".", Patterns: []string{"./testdata/names"}})
	if err != nil || len(pkgs) != 1 {
		t.Fatalf("loading testdata/names: %v", err)
	}
	prog, err := translate.Translate(pkgs[0].Input)
	if err != nil {
		t.Fatal(err)
	}
	src, err := opencl.PrintChecked(prog)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// TestDialect checks what is particular to OpenCL C: reserved names are
// renamed, atomics pick their address space, bool is uchar, fastmath
// uses native_ functions on float32 only, and float64 is guarded.
func TestDialect(t *testing.T) {
	src := print(t)
	for _, want := range []string{
		"float length_(float dot_, float half_) {", // OpenCL built-ins and types
		"long local_ = (long)get_local_id(0);",     // an address-space keyword
		"float uas_x = (float)local_;",             // as_ is a reserved prefix
		"float uget_value = uas_x * 2.0f;",         // and so is get_
		"dc_atomic_add_f32_local(&s[i % 64L], length_(uas_x, uget_value));",
		"dc_atomic_add_f32_global(&out[0], 1.0f);",
		"float dc_atomic_add_f32_local(volatile __local float* p, float v) {",
		"__kernel void Names(__global float* out, long out_len, __global const uchar* restrict flags, long flags_len, uchar flag) {",
		"barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);",
		"xs[i] = native_sin(xs[i]) + (float)sin(ys[i]);",
		"#ifdef cl_khr_fp64\n#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n#endif\n",
		"\n#ifdef cl_khr_fp64\n// dc: fastmath\n",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", src)
	}
}

// TestCompiles checks the output with clang-16 as OpenCL C 1.2, with and
// without cl_khr_fp64, warnings as errors except unused variables.
func TestCompiles(t *testing.T) {
	clang, err := exec.LookPath("clang-16")
	if err != nil {
		if os.Getenv("DC_REQUIRE_CLANG") == "1" {
			t.Fatal("DC_REQUIRE_CLANG=1 but clang-16 is not installed")
		}
		t.Skip("clang-16 not installed (apt-get install clang-16)")
	}
	path := filepath.Join(t.TempDir(), "names.cl")
	if err := os.WriteFile(path, []byte(print(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{"+cl_khr_fp64", "-cl_khr_fp64"} {
		cmd := exec.Command(clang, "-x", "cl", "-cl-std=CL1.2", "-Xclang", "-finclude-default-header",
			"-Xclang", "-cl-ext="+ext, "-fsyntax-only", "-Werror", "-Wno-unused-variable", path)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: %v\n%s", ext, err, out)
		}
	}
}
