package smith

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	dcgen "github.com/dotcompute/dc/gen"
)

// envInt returns the integer in environment variable name, or def.
func envInt(t *testing.T, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%s=%q: %v", name, s, err)
	}
	return n
}

// moduleRoot returns the directory of the module's go.mod above the
// working directory.
func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("smith: no go.mod above the working directory")
		}
		dir = parent
	}
}

// runGen runs dckgen in-process on one package, turning a panic into an
// error.
func runGen(root, pattern string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("dckgen panicked: %v\n%s", r, debug.Stack())
		}
	}()
	_, err = dcgen.Run(dcgen.Config{Dir: root, Patterns: []string{pattern}, Emit: []string{"metal"}})
	return err
}

// checkMSL compiles the dc_kernels.metal that dckgen wrote in dir with
// clang as C++17 against the metal_stdlib shim of translate/msl, as the
// golden cases' MSL is checked: an approximation of a Metal compile, which
// here checks that the generated control flow (labelled break and continue
// without goto) is well formed. It does nothing when clang is absent
// (clang is "" then).
func checkMSL(t *testing.T, clang, root, dir string) {
	t.Helper()
	if clang == "" {
		return
	}
	shim := filepath.Join(root, "translate", "msl", "testdata", "shim")
	out, err := exec.Command(clang, "-x", "c++", "-std=c++17", "-fsyntax-only", "-Wno-unknown-attributes",
		"-I", shim, filepath.Join(dir, "dc_kernels.metal")).CombinedOutput()
	if err != nil {
		t.Errorf("clang with the metal_stdlib shim (an approximation of a Metal compile) rejects the MSL of %s: %v\n%s", dir, err, out)
	}
}

// clangPath returns clang-16 (or clang) from PATH, or "" after logging
// that the MSL is not checked; with DC_REQUIRE_CLANG=1 a missing clang
// fails the test.
func clangPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"clang-16", "clang"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("DC_REQUIRE_CLANG") == "1" {
		t.Fatal("DC_REQUIRE_CLANG=1 but clang-16 is not installed")
	}
	t.Log("smith: clang-16 not installed: the MSL of the generated packages is not checked against the metal_stdlib shim")
	return ""
}

// TestSmith generates packages of random kernels in a directory inside the
// module (a dot directory, which ./... patterns skip), runs dckgen on each,
// compiles their MSL against the metal_stdlib shim (checkMSL) and then runs
// `go test` on them: every kernel on every backend that opens against
// dc.Emulate. The directory is removed unless the test fails.
//
// DC_SMITH_SEEDS=N runs N packages (default 3) with seeds from
// DC_SMITH_SEED0 (default 1); DC_SMITH_KERNELS sets kernels per package
// (default 8).
func TestSmith(t *testing.T) { smith(t, false, "DC_SMITH_SEEDS", 3) }

// TestSmithFaults is TestSmith with out-of-range indexes and zero divisors
// (Config.Faults): every backend must report a *runtime.Fault exactly
// where dc.Emulate panics, and must not crash. DC_SMITH_FAULT_SEEDS=N
// runs N packages (default 2).
func TestSmithFaults(t *testing.T) { smith(t, true, "DC_SMITH_FAULT_SEEDS", 2) }

func smith(t *testing.T, faults bool, seedsVar string, defSeeds int) {
	if testing.Short() {
		t.Skip("smith: generates and builds packages; skipped in -short mode")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skipf("smith: the go command is needed to test the generated packages: %v", err)
	}
	seeds := envInt(t, seedsVar, defSeeds)
	seed0 := envInt(t, "DC_SMITH_SEED0", 1)
	kernels := envInt(t, "DC_SMITH_KERNELS", 8)
	root := moduleRoot(t)
	clang := clangPath(t)
	dir, err := os.MkdirTemp(".", ".smith-run-")
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(dir)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("smith: generated packages kept in %s", abs)
			return
		}
		os.RemoveAll(abs)
	})
	rel, err := filepath.Rel(root, abs)
	if err != nil {
		t.Fatal(err)
	}
	var pkgs []string
	for s := range seeds {
		seed := seed0 + s
		name := fmt.Sprintf("p%d", seed)
		if faults {
			name = fmt.Sprintf("f%d", seed)
		}
		files, err := Generate(Config{Seed: uint64(seed), Package: name, Kernels: kernels, Faults: faults})
		if err != nil {
			t.Errorf("%v", err)
		}
		pdir := filepath.Join(abs, name)
		if err := os.MkdirAll(pdir, 0o755); err != nil {
			t.Fatal(err)
		}
		for base, src := range files {
			if err := os.WriteFile(filepath.Join(pdir, base), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		pattern := "./" + filepath.ToSlash(filepath.Join(rel, name))
		if err := runGen(root, pattern); err != nil {
			t.Errorf("seed %d: dckgen rejects or fails on %s: %v", seed, pdir, err)
			continue
		}
		checkMSL(t, clang, root, pdir)
		pkgs = append(pkgs, pattern)
	}
	// Test the packages in batches: one go command builds in parallel.
	const batch = 8
	for len(pkgs) > 0 {
		n := min(batch, len(pkgs))
		args := append([]string{"test", "-count=1", "-vet=off"}, pkgs[:n]...)
		pkgs = pkgs[n:]
		cmd := exec.Command("go", args...)
		cmd.Dir = root
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "DC_REQUIRE_BACKENDS=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, failures(string(out)))
		}
	}
}

// failures keeps the lines of go test output that say what failed,
// dropping the "ok" lines of passing packages.
func failures(out string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "ok ") {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}

// TestGenerateDeterministic checks that a seed always gives the same files
// and that different seeds give different ones.
func TestGenerateDeterministic(t *testing.T) {
	a, err := Generate(Config{Seed: 7, Package: "p", Kernels: 4})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Generate(Config{Seed: 7, Package: "p", Kernels: 4})
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, different files (-first +second):\n%s", diff)
	}
	c, _ := Generate(Config{Seed: 8, Package: "p", Kernels: 4})
	if a["p.go"] == c["p.go"] {
		t.Errorf("seeds 7 and 8 gave the same source")
	}
	for _, want := range []string{"//dc:kernel", "func K3(", "func TestK3("} {
		if !strings.Contains(a["p.go"]+a["p_test.go"], want) {
			t.Errorf("generated files lack %q", want)
		}
	}
}
