package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestGoVet builds dckvet and runs it as go vet's -vettool over a module
// whose kernel was edited after go generate: go vet fails and names the
// kernel; after go generate it passes.
func TestGoVet(t *testing.T) {
	if testing.Short() {
		t.Skip("builds dckvet and runs go vet and go generate")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tool := filepath.Join(dir, "dckvet")
	if out, err := exec.Command("go", "build", "-o", tool, ".").CombinedOutput(); err != nil {
		t.Fatalf("building dckvet: %v\n%s", err, out)
	}
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	src := `package k

import "github.com/dotcompute/dc"

//go:generate go run github.com/dotcompute/dc/cmd/dckgen

//dc:kernel
func Scale(t dc.Thread, a float32, x []float32) {
	if i := t.GlobalX(); i < len(x) {
		x[i] *= a
	}
}
`
	files := map[string]string{
		"go.mod": "module tmpmod\n\n" + regexp.MustCompile(`(?m)^go [0-9.]+$`).FindString(string(mod)) +
			"\n\nrequire github.com/dotcompute/dc v0.0.0\n\nreplace github.com/dotcompute/dc => " + root + "\n",
		"go.sum": string(sum),
		"k/k.go": src,
	}
	mdir := filepath.Join(dir, "m")
	for name, content := range files {
		path := filepath.Join(mdir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	goCmd := func(args ...string) (string, error) {
		cmd := exec.Command("go", args...)
		cmd.Dir = mdir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := goCmd("generate", "./..."); err != nil {
		t.Fatalf("go generate: %v\n%s", err, out)
	}
	if out, err := goCmd("vet", "-vettool="+tool, "./..."); err != nil {
		t.Fatalf("go vet after go generate: %v\n%s", err, out)
	}
	edited := strings.Replace(src, "x[i] *= a\n", "x[i] *= a + 1\n", 1)
	if err := os.WriteFile(filepath.Join(mdir, "k", "k.go"), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := goCmd("vet", "-vettool="+tool, "./...")
	if want := "k.go:8:6: kernel Scale changed since dc_kernels.go was generated"; err == nil || !strings.Contains(out, want) {
		t.Errorf("go vet after an edit: %v, output does not contain %q:\n%s", err, want, out)
	}
	if out, err := goCmd("generate", "./..."); err != nil {
		t.Fatalf("go generate: %v\n%s", err, out)
	}
	if out, err := goCmd("vet", "-vettool="+tool, "./..."); err != nil {
		t.Errorf("go vet after go generate again: %v\n%s", err, out)
	}
}
