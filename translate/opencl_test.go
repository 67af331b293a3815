package translate_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dotcompute/dc/gen"
	"github.com/dotcompute/dc/translate"
	"github.com/dotcompute/dc/translate/cfamily"
	"github.com/dotcompute/dc/translate/ir"
	"github.com/dotcompute/dc/translate/opencl"
)

// clangOrSkip returns the clang that checks OpenCL C, skipping (or failing
// where DC_REQUIRE_CLANG=1, as in CI) when none is installed.
func clangOrSkip(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"clang-16", "clang"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("DC_REQUIRE_CLANG") == "1" {
		t.Fatal("DC_REQUIRE_CLANG=1 but clang-16 is not installed")
	}
	t.Skip("clang-16 not installed (apt-get install clang-16): OpenCL C is still built and run by PoCL in the golden cases' own tests")
	return ""
}

// TestGoldenOpenCLNoFloat64 checks what PoCL, which has float64, cannot:
// that every OpenCL golden also builds for a device without cl_khr_fp64,
// and that exactly the kernels that use float64 drop out there. clang-16
// compiles each file as OpenCL C 1.2 twice, with and without the extension.
// The standard kernels (kernels/) are checked the same way.
func TestGoldenOpenCLNoFloat64(t *testing.T) {
	clang := clangOrSkip(t)
	pkgs := goldenPackages(t)
	std, err := gen.Load(gen.Config{Dir: "..", Patterns: []string{"./kernels"}})
	if err != nil || len(std) != 1 {
		t.Fatalf("loading kernels/: %v", err)
	}
	pkgs["kernels"] = std[0]
	entry := regexp.MustCompile(`(?m)^__kernel void (\w+)\(`)
	for _, name := range append(goldenCases(t), "kernels") {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join("..", "testdata", "golden", name)
			if name == "kernels" {
				dir = filepath.Join("..", "kernels")
			}
			path := filepath.Join(dir, strings.TrimSuffix(gen.GoFile, ".go")+".cl")
			prog, err := translate.Translate(pkgs[name].Input)
			if err != nil {
				t.Fatal(err)
			}
			want := map[bool][]string{} // kernels present without, with fp64
			for _, k := range prog.Kernels {
				entries := []string{k.Name}
				if cfamily.HasAliasedVariant(opencl.Dialect, k) {
					entries = append(entries, cfamily.AliasedName(k))
				}
				var names []string
				for _, n := range entries {
					names = append(names, n)
					if ir.FastConditions(k) != nil {
						names = append(names, ir.FastName(n))
					}
				}
				if !ir.KernelUsesFloat64(k) {
					want[false] = append(want[false], names...)
				}
				want[true] = append(want[true], names...)
				// The standard kernels name their instances: the float64
				// ones, and only those, need float64.
				if name == "kernels" && ir.KernelUsesFloat64(k) != strings.Contains(k.Name, "float64") {
					t.Errorf("kernel %s: KernelUsesFloat64 = %v", k.Name, ir.KernelUsesFloat64(k))
				}
			}
			for _, fp64 := range []bool{true, false} {
				args := []string{"-x", "cl", "-cl-std=CL1.2", "-Xclang", "-finclude-default-header", "-w"}
				if !fp64 {
					args = append(args, "-Xclang", "-cl-ext=-cl_khr_fp64")
				}
				if out, err := exec.Command(clang, append(args, "-fsyntax-only", path)...).CombinedOutput(); err != nil {
					t.Fatalf("fp64=%v: %v\n%s", fp64, err, out)
				}
				pre, err := exec.Command(clang, append(args, "-E", "-P", path)...).Output()
				if err != nil {
					t.Fatalf("fp64=%v: preprocessing: %v", fp64, err)
				}
				var got []string
				for _, m := range entry.FindAllStringSubmatch(string(pre), -1) {
					got = append(got, m[1])
				}
				if strings.Join(got, " ") != strings.Join(want[fp64], " ") {
					t.Errorf("fp64=%v: kernels %v, want %v", fp64, got, want[fp64])
				}
			}
		})
	}
}
