package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// dckgen is the path of the command, built once by TestMain.
var dckgen string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "dckgen-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	dckgen = filepath.Join(dir, "dckgen")
	if out, err := exec.Command("go", "build", "-o", dckgen, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building dckgen: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// result is what one run of dckgen did.
type result struct {
	code           int
	stdout, stderr string
}

// run runs dckgen with args in dir.
func run(t *testing.T, dir string, args ...string) result {
	t.Helper()
	cmd := exec.Command(dckgen, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("running dckgen %q: %v", args, err)
	}
	return r
}

// repoRoot returns the root of this repository, above the working directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(mod, []byte("module github.com/dotcompute/dc\n")) {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod of github.com/dotcompute/dc above the working directory")
		}
		dir = parent
	}
}

// newModule creates the module tmpmod in a temporary directory, using this
// repository through a replace directive, with the given files (paths
// relative to the module root, slash-separated), and returns its root.
func newModule(t *testing.T, files map[string]string) string {
	t.Helper()
	root := repoRoot(t)
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	// The go directive of this repository: a lower one would need go mod tidy.
	goLine := regexp.MustCompile(`(?m)^go [0-9.]+$`).Find(mod)
	if goLine == nil {
		t.Fatal("no go directive in this repository's go.mod")
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]string{
		"go.mod": "module tmpmod\n\n" + string(goLine) + "\n\nrequire github.com/dotcompute/dc v0.0.0\n\nreplace github.com/dotcompute/dc => " + root + "\n",
		"go.sum": string(sum),
	}
	for name, src := range files {
		all[name] = src
	}
	for name, src := range all {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// posOf returns "path:line:col" of the first occurrence of sub in the file.
func posOf(t *testing.T, path, sub string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	i := strings.Index(src, sub)
	if i < 0 {
		t.Fatalf("%s does not contain %q", path, sub)
	}
	return fmt.Sprintf("%s:%d:%d", path, strings.Count(src[:i], "\n")+1, i-strings.LastIndex(src[:i], "\n"))
}

const usage = "usage: dckgen [flags] [packages]\n"

func TestMisuse(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		msg  string // first line of stderr
	}{
		{[]string{"-nope"}, "flag provided but not defined: -nope"},
		{[]string{"-emit=bogus"}, `dckgen: unknown -emit target "bogus" (available: cuda, metal, opencl)`},
		{[]string{"-emit", "cuda,", "."}, `dckgen: unknown -emit target "" (available: cuda, metal, opencl)`},
	} {
		r := run(t, dir, c.args...)
		if r.code != 2 {
			t.Errorf("dckgen %q: exit %d, want 2; stderr:\n%s", c.args, r.code, r.stderr)
		}
		if want := c.msg + "\n" + usage; !strings.HasPrefix(r.stderr, want) {
			t.Errorf("dckgen %q: stderr does not start with %q:\n%s", c.args, want, r.stderr)
		}
		for _, flag := range []string{"-emit", "-tags", "-v"} {
			if !regexp.MustCompile(`\n  ` + flag + `[ \t\n]`).MatchString(r.stderr) {
				t.Errorf("dckgen %q: usage does not describe %s:\n%s", c.args, flag, r.stderr)
			}
		}
		if r.stdout != "" {
			t.Errorf("dckgen %q: stdout %q, want nothing", c.args, r.stdout)
		}
	}
}

// TestDiagnostics runs dckgen on a package with rejected constructs: every
// diagnostic is printed as file:line:col: message, and the exit status is 1.
func TestDiagnostics(t *testing.T) {
	t.Parallel()
	dir := newModule(t, map[string]string{"p/p.go": `package p

import "github.com/dotcompute/dc"

func work(x []float32) {}

//dc:kernel
func K(t dc.Thread, x []float32) {
	go work(x)
	defer work(x)
	ch := make(chan int)
	_ = ch
}
`})
	file := filepath.Join(dir, "p", "p.go")
	r := run(t, dir, "./p")
	if r.code != 1 {
		t.Errorf("exit %d, want 1", r.code)
	}
	want := posOf(t, file, "go work") + ": kernel K: unsupported: go statements (goroutines) cannot be used in kernels\n" +
		posOf(t, file, "defer work") + ": kernel K: unsupported: defer cannot be used in kernels\n" +
		posOf(t, file, "make(") + ": kernel K: unsupported: built-in make: make allocates; kernels cannot allocate memory (use dc.Shared or a local array)\n"
	if diff := cmp.Diff(want, r.stderr); diff != "" {
		t.Errorf("stderr mismatch (-want +got):\n%s", diff)
	}
	if r.stdout != "" {
		t.Errorf("stdout %q, want nothing", r.stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "p", "dc_kernels.go")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stat dc_kernels.go: got %v, want it not written", err)
	}
}

// TestTypeErrors runs dckgen on packages that do not type-check: exit
// status 1 and the type errors, with their positions, after the dckgen
// prefix, one on the same line, several below it; a type error in a call
// of package dc is explained in the dialect's terms.
func TestTypeErrors(t *testing.T) {
	t.Parallel()
	dir := newModule(t, map[string]string{"p/p.go": `package p

import "github.com/dotcompute/dc"

//dc:kernel
func K(t dc.Thread, x []float32) {
	x[0] = nosuch
}
`, "a/a.go": `package a

import "github.com/dotcompute/dc"

//dc:kernel
func Count(t dc.Thread, n []uint64, x []float32) {
	dc.AtomicAdd(&n[0], 1)
	_ = dc.Sqrt(len(x))
}
`})
	r := run(t, dir, "./p")
	if r.code != 1 {
		t.Errorf("exit %d, want 1", r.code)
	}
	want := "dckgen: " + posOf(t, filepath.Join(dir, "p", "p.go"), "nosuch") + ": undefined: nosuch\n"
	if diff := cmp.Diff(want, r.stderr); diff != "" {
		t.Errorf("stderr mismatch (-want +got):\n%s", diff)
	}
	r = run(t, dir, "./a")
	a := filepath.Join(dir, "a", "a.go")
	want = "dckgen: packages have errors:\n" +
		posOf(t, a, "dc.AtomicAdd") + ": uint64 does not satisfy int32 | uint32 | float32 (uint64 missing in int32 | uint32 | float32): " +
		"dc.AtomicAdd works on int32, uint32 or float32 only: 64-bit atomics are not supported (not every backend has them); use a 32-bit type\n" +
		posOf(t, a, "dc.Sqrt") + ": int does not satisfy dc.Float (int missing in ~float32 | ~float64): dc.Sqrt takes float32 or float64\n"
	if diff := cmp.Diff(want, r.stderr); r.code != 1 || diff != "" {
		t.Errorf("exit %d, stderr mismatch (-want +got):\n%s", r.code, diff)
	}
}

// TestGenerate runs dckgen on a good package: with -v it prints the files
// it wrote, one per line; run again it writes and prints nothing; without
// packages it works on the current directory; -tags reaches the go command.
func TestGenerate(t *testing.T) {
	t.Parallel()
	kernel := func(constraint, name string) string {
		return constraint + "package k\n\nimport \"github.com/dotcompute/dc\"\n\n// " + name + " zeroes x.\n//\n//dc:kernel\nfunc " + name + "(t dc.Thread, x []int32) {\n\tif i := t.GlobalX(); i < len(x) {\n\t\tx[i] = 0\n\t}\n}\n"
	}
	dir := newModule(t, map[string]string{
		"k/k.go":       kernel("", "Zero"),
		"k/special.go": kernel("//go:build special\n\n", "Special"),
	})
	pkg := filepath.Join(dir, "k")
	goFile, cuFile := filepath.Join(pkg, "dc_kernels.go"), filepath.Join(pkg, "dc_kernels.cu")

	check := func(what string, r result, stdout string, stderr ...string) {
		t.Helper()
		if r.code != 0 || r.stderr != strings.Join(stderr, "") {
			t.Fatalf("%s: exit %d, want 0; stderr:\n%s", what, r.code, r.stderr)
		}
		if diff := cmp.Diff(stdout, r.stdout); diff != "" {
			t.Errorf("%s: stdout mismatch (-want +got):\n%s", what, diff)
		}
	}
	check("first run", run(t, dir, "-v", "-emit=cuda", "./k"), goFile+"\n"+cuFile+"\n")
	first := map[string][]byte{}
	for _, f := range []string{goFile, cuFile} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("// Code generated by dckgen. DO NOT EDIT.\n")) {
			t.Errorf("%s does not start with the dckgen header:\n%.200s", f, b)
		}
		first[f] = b
	}
	if !bytes.Contains(first[goFile], []byte("\nfunc LaunchZero(")) || bytes.Contains(first[goFile], []byte("Special")) {
		t.Errorf("%s: want LaunchZero and no Special:\n%s", goFile, first[goFile])
	}

	// Nothing changed: nothing written, "up to date", same bytes.
	check("second run in the package directory", run(t, pkg, "-v", "-emit=cuda"), "", "dckgen: up to date\n")
	for f, b := range first {
		got, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, got) {
			t.Errorf("%s changed on the second run", f)
		}
	}

	// Without -v nothing is printed; the tag brings in Special.
	check("run with -tags", run(t, dir, "-tags=other,special", "-emit=cuda", "./k"), "")
	got, err := os.ReadFile(goFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(got, []byte("\nfunc LaunchSpecial(")) {
		t.Errorf("-tags=other,special: %s has no LaunchSpecial:\n%s", goFile, got)
	}

	// -check: up to date, then stale after an edit of the kernel's body,
	// listing the Go file and the CUDA source already there, writing nothing.
	check("-check when up to date", run(t, dir, "-check", "-tags=special", "./k"), "")
	src := filepath.Join(pkg, "k.go")
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, bytes.Replace(b, []byte("x[i] = 0"), []byte("x[i] = 0 + 1"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, dir, "-check", "-tags=special", "./k")
	if r.code != 1 || r.stdout != cuFile+"\n"+goFile+"\n" {
		t.Errorf("-check after an edit: exit %d, stdout %q; want 1 and %s, %s", r.code, r.stdout, goFile, cuFile)
	}
	if after, err := os.ReadFile(goFile); err != nil || !bytes.Equal(after, got) {
		t.Errorf("-check changed %s (%v)", goFile, err)
	}
	r = run(t, dir, "-check", "-v", "-tags=special", "./k")
	if want := goFile + ": kernel Zero changed\n"; r.code != 1 || !strings.Contains(r.stderr, want) {
		t.Errorf("-check -v after an edit: exit %d, stderr %q; want 1 and %q", r.code, r.stderr, want)
	}
}

// TestHelpAndVersion checks that -h is a short manual (what dckgen does,
// every flag, the exit codes, a //go:generate line) and -version prints
// the version.
func TestHelpAndVersion(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := run(t, dir, "-h")
	if r.code != 0 {
		t.Errorf("-h: exit %d, want 0", r.code)
	}
	for _, want := range []string{usage, "writes dc_kernels.go", "//go:generate go tool dckgen", "-check", "-emit", "-tags", "-v", "-version", "Exit status: 0 success"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("-h does not mention %q:\n%s", want, r.stderr)
		}
	}
	r = run(t, dir, "-version")
	if r.code != 0 || !regexp.MustCompile(`^dckgen \S.* go1\.\S+\n$`).MatchString(r.stdout) {
		t.Errorf("-version: exit %d, stdout %q", r.code, r.stdout)
	}
}

// TestLoadErrors checks that errors without a position are one clean
// line, without go/packages' "-:" for a missing position: a directory that
// does not exist, and a function nested deeper than Go's parser allows,
// which is reported once, without go list's follow-on "package ; expected
// package" error.
func TestLoadErrors(t *testing.T) {
	t.Parallel()
	var deep strings.Builder
	deep.WriteString("package d\n\nimport \"github.com/dotcompute/dc\"\n\n//dc:kernel\nfunc K(t dc.Thread, x []float32) {\n")
	for range 2000 {
		deep.WriteString("if x[0] > 0 {\n")
	}
	deep.WriteString("x[0] = 1\n" + strings.Repeat("}\n", 2000) + "}\n")
	dir := newModule(t, map[string]string{"p/p.go": "package p\n", "d/d.go": deep.String()})
	r := run(t, dir, "./nonexistent")
	want := "dckgen: stat " + filepath.Join(dir, "nonexistent") + ": directory not found\n"
	if r.code != 1 || r.stderr != want {
		t.Errorf("./nonexistent: exit %d, stderr %q; want 1, %q", r.code, r.stderr, want)
	}
	r = run(t, dir, "./d")
	re := regexp.MustCompile(`^dckgen: ` + regexp.QuoteMeta(filepath.Join(dir, "d", "d.go")) + `:\d+:\d+: exceeded max [^\n]*split the code into functions\)\n$`)
	if r.code != 1 || !re.MatchString(r.stderr) {
		t.Errorf("deep nesting: exit %d, stderr %q; want 1 and one line matching %s", r.code, r.stderr, re)
	}
}
