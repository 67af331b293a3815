package vet_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/dotcompute/dc/gen"
	"github.com/dotcompute/dc/gen/vet"
)

// TestAnalyzer runs the analyzer over the packages of testdata/src, copied
// into a module that uses this checkout of dc, and compares its
// diagnostics with their // want comments. Package fresh is generated and
// must get no diagnostic; package stale is generated, then edited: a
// kernel's body changed, a kernel added and one removed, while kernel
// Same, untouched but moved down by the added one, stays up to date.
func TestAnalyzer(t *testing.T) {
	dir := module(t)
	if _, err := gen.Run(gen.Config{Dir: dir, Patterns: []string{"./fresh", "./stale"}}); err != nil {
		t.Fatal(err)
	}
	staleGo := filepath.Join(dir, "stale", "stale.go")
	edit(t, staleGo,
		"func Scale(t dc.Thread, a float32, x []float32) {\n", "func Scale(t dc.Thread, a float32, x []float32) { // want `kernel Scale changed since dc_kernels.go was generated \\(it would run the old code\\): run go generate`\n",
		"x[i] *= a\n", "x[i] *= a + 1\n",
		"//dc:kernel\nfunc Same(", "//dc:kernel\nfunc Added(t dc.Thread, x []float32) { // want `kernel Added is not in dc_kernels.go: run go generate`\n}\n\n//dc:kernel\nfunc Same(",
	)
	// Kernel Gone was generated and has been removed since.
	edit(t, filepath.Join(dir, "stale", gen.GoFile),
		"package stale\n", "package stale // want `dc_kernels.go holds kernel Gone, which no longer exists: run go generate`\n",
		"// dcKernelSame describes kernel Same;", "// dcKernelGone describes kernel Gone; source hash 00000000000000000000000000000000.\nvar dcKernelGone = dcKernelSame\n\n// dcKernelSame describes kernel Same;",
	)
	analysistest.Run(t, dir, vet.Analyzer, "./...")
}

// module copies testdata/src into a new module that requires this
// checkout of dc, and returns its directory.
func module(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("cp", "-r", "testdata/src/.", dir).CombinedOutput(); err != nil {
		t.Fatalf("copying testdata/src: %v\n%s", err, out)
	}
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goLine := regexp.MustCompile(`(?m)^go [0-9.]+$`).Find(mod)
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "go.mod"), "module tmpmod\n\n"+string(goLine)+"\n\nrequire github.com/dotcompute/dc v0.0.0\n\nreplace github.com/dotcompute/dc => "+root+"\n")
	write(t, filepath.Join(dir, "go.sum"), string(sum))
	return dir
}

// edit replaces, in the file at path, each old string (once) with its new one.
func edit(t *testing.T, path string, oldNew ...string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for i := 0; i < len(oldNew); i += 2 {
		if !strings.Contains(s, oldNew[i]) {
			t.Fatalf("%s has no %q", path, oldNew[i])
		}
		s = strings.Replace(s, oldNew[i], oldNew[i+1], 1)
	}
	write(t, path, s)
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
