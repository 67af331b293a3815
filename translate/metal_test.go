package translate_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/dotcompute/dc/gen"
	"github.com/dotcompute/dc/translate"
	"github.com/dotcompute/dc/translate/ir"
	"github.com/dotcompute/dc/translate/msl"
)

// TestGoldenMetalClangShim compiles the MSL of every golden case and of the
// standard kernels (kernels/) with clang-16 as C++17 against the metal_stdlib
// shim in translate/msl/testdata/shim. This approximates a Metal compile (the
// syntax, the types, the address spaces and the calls the shim declares); it
// is not Metal. It also checks that exactly the kernels Unsupported lists are
// left out, and that every kernel computing with float64 is among them.
func TestGoldenMetalClangShim(t *testing.T) {
	clang := clangOrSkip(t)
	shim, err := filepath.Abs(filepath.Join("msl", "testdata", "shim"))
	if err != nil {
		t.Fatal(err)
	}
	pkgs := goldenPackages(t)
	std, err := gen.Load(gen.Config{Dir: "..", Patterns: []string{"./kernels"}})
	if err != nil || len(std) != 1 {
		t.Fatalf("loading kernels/: %v", err)
	}
	pkgs["kernels"] = std[0]
	entry := regexp.MustCompile(`(?m)^kernel void (\w+)\(`)
	for _, name := range append(goldenCases(t), "kernels") {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			prog, err := translate.Translate(pkgs[name].Input)
			if err != nil {
				t.Fatal(err)
			}
			src, err := msl.PrintChecked(prog)
			if err != nil {
				t.Fatalf("the MSL printer reports: %v", err)
			}
			omitted := make(map[string]bool)
			for _, o := range msl.Unsupported(prog) {
				omitted[o.Kernel] = true
				if !o.Pos.IsValid() {
					t.Errorf("%s: no position", o)
				}
			}
			printed := make(map[string]bool)
			for _, m := range entry.FindAllStringSubmatch(src, -1) {
				printed[m[1]] = true
			}
			for _, k := range prog.Kernels {
				if ir.KernelUsesFloat64(k) && !omitted[k.Name] {
					t.Errorf("kernel %s uses float64 but is not listed as unsupported", k.Name)
				}
				if printed[k.Name] == omitted[k.Name] {
					t.Errorf("kernel %s: printed %v, left out %v", k.Name, printed[k.Name], omitted[k.Name])
				}
			}
			path := filepath.Join(t.TempDir(), "dc_kernels.metal")
			if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(clang, "-x", "c++", "-std=c++17", "-fsyntax-only",
				"-Wno-unknown-attributes", "-I", shim, path).CombinedOutput()
			if err != nil {
				t.Errorf("clang-16 with the metal_stdlib shim (an approximation of a Metal compile) rejects the MSL: %v\n%s", err, out)
			}
		})
	}
}
