package gen_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dotcompute/dc/gen"
	"github.com/dotcompute/dc/translate"
)

const addSrc = `package k

import "github.com/dotcompute/dc"

// Add adds x to y.
//
//dc:kernel
func Add(t dc.Thread, x, y []float32) {
	if i := t.GlobalX(); i < len(y) {
		y[i] += x[i]
	}
}
`

// TestRunWritesOnlyChanges runs the generator three times over a module
// with a kernel package and a package without kernels: the first run
// writes the Go file, the files of SIMD bodies and stubs (Add qualifies) and the CUDA
// and OpenCL sources, the second writes nothing and
// leaves the files untouched, and a third run after deleting them writes
// the same bytes again. The generated package must pass go vet.
func TestRunWritesOnlyChanges(t *testing.T) {
	t.Parallel()
	dir := newModule(t, map[string]string{
		"k/k.go":     addSrc,
		"nok/nok.go": "package nok\n\n// Twice returns 2x.\nfunc Twice(x int) int { return 2 * x }\n",
	})
	cfg := gen.Config{Dir: dir, Patterns: []string{"./..."}, Emit: []string{"cuda", "opencl", "metal"}}
	goFile := filepath.Join(dir, "k", gen.GoFile)
	cuFile := filepath.Join(dir, "k", "dc_kernels.cu")
	clFile := filepath.Join(dir, "k", "dc_kernels.cl")
	metalFile := filepath.Join(dir, "k", "dc_kernels.metal")
	simdFile := filepath.Join(dir, "k", gen.SIMDFile)
	stubFile := filepath.Join(dir, "k", gen.NoSIMDFile)
	files := []string{goFile, simdFile, stubFile, cuFile, clFile, metalFile}

	written, err := gen.Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(files, written); diff != "" {
		t.Fatalf("first run: written files mismatch (-want +got):\n%s", diff)
	}
	first := map[string]string{}
	for _, f := range files {
		first[f] = readFile(t, f)
		if !strings.HasPrefix(first[f], gen.Header+"\n") {
			t.Errorf("%s does not start with the header %q:\n%.200s", f, gen.Header, first[f])
		}
	}
	if !strings.Contains(first[goFile], "\nfunc LaunchAdd(dev *runtime.Device, g dc.Grid, x *runtime.Buffer[float32], y *runtime.Buffer[float32]) error {\n") {
		t.Errorf("%s has no LaunchAdd with the expected signature:\n%s", goFile, first[goFile])
	}
	if !strings.Contains(first[goFile], "MSL:     dcMSL,") || !strings.Contains(first[metalFile], "kernel void Add(") {
		t.Errorf("the Go file does not embed the MSL, or %s has no kernel Add", metalFile)
	}
	if _, err := os.Stat(filepath.Join(dir, "nok", gen.GoFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("package without kernels: stat %s: got %v, want it not to exist", gen.GoFile, err)
	}

	// Back-date the files, so that any rewrite would show in their mtimes.
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, f := range files {
		if err := os.Chtimes(f, old, old); err != nil {
			t.Fatal(err)
		}
	}
	written, err = gen.Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 0 {
		t.Errorf("second run wrote %q, want nothing", written)
	}
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if !fi.ModTime().Equal(old) {
			t.Errorf("second run: %s modified at %v, want untouched (%v)", f, fi.ModTime(), old)
		}
	}

	// From scratch again: the same bytes.
	for _, f := range files {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
	written, err = gen.Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(files, written); diff != "" {
		t.Errorf("third run: written files mismatch (-want +got):\n%s", diff)
	}
	for _, f := range files {
		if diff := cmp.Diff(first[f], readFile(t, f)); diff != "" {
			t.Errorf("%s differs between runs (-first +third):\n%s", f, diff)
		}
	}

	if out, ok := goCmd(t, dir, "vet", "./..."); !ok {
		t.Errorf("go vet of the generated package failed:\n%s", out)
	}
}

// TestRunSIMDFile checks that the files of SIMD bodies and stubs exist exactly while
// a kernel of the package qualifies: a run after the only qualifying
// kernel stops qualifying removes them, and one that finds a hand-written
// file of that name leaves it alone.
func TestRunSIMDFile(t *testing.T) {
	t.Parallel()
	dir := newModule(t, map[string]string{"k/k.go": addSrc})
	cfg := gen.Config{Dir: dir, Patterns: []string{"./..."}}
	goFile := filepath.Join(dir, "k", gen.GoFile)
	simdFile := filepath.Join(dir, "k", gen.SIMDFile)
	stubFile := filepath.Join(dir, "k", gen.NoSIMDFile)
	written, err := gen.Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{goFile, simdFile, stubFile}, written); diff != "" {
		t.Fatalf("first run: written files mismatch (-want +got):\n%s", diff)
	}
	src := readFile(t, simdFile)
	if !strings.HasPrefix(src, gen.Header+"\n//go:build goexperiment.simd && amd64\n") {
		t.Errorf("%s does not start with the header and the build constraint:\n%.200s", simdFile, src)
	}
	if out, ok := goCmd(t, dir, "vet", "./..."); !ok {
		t.Errorf("go vet of the generated package failed:\n%s", out)
	}

	// min does not qualify: the file goes.
	writeFile(t, filepath.Join(dir, "k", "k.go"), strings.Replace(addSrc, "y[i] += x[i]", "y[i] = min(y[i], x[i])", 1))
	written, err = gen.Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{goFile, simdFile, stubFile}, written); diff != "" {
		t.Errorf("second run: written files mismatch (-want +got):\n%s", diff)
	}
	for _, f := range []string{simdFile, stubFile} {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("stat %s: got %v, want it removed", f, err)
		}
	}
	if strings.Contains(readFile(t, goFile), "dc_simd") {
		t.Errorf("%s still refers to a SIMD body", goFile)
	}

	// A file of that name written by hand stays.
	hand := "package k\n"
	writeFile(t, simdFile, hand)
	if _, err := gen.Run(cfg); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, simdFile); got != hand {
		t.Errorf("a hand-written %s was changed to:\n%s", gen.SIMDFile, got)
	}
}

// TestRunStaleOutput regenerates a package whose previous dc_kernels.go no
// longer compiles: the struct type and the kernel it refers to were
// renamed. The generator must not be stopped by its own stale output.
func TestRunStaleOutput(t *testing.T) {
	t.Parallel()
	src := `package s

import "github.com/dotcompute/dc"

// Vec is a 2-D vector.
type Vec struct{ X, Y float32 }

// Move moves every v by d.
//
//dc:kernel
func Move(t dc.Thread, v []Vec, d Vec) {
	if i := t.GlobalX(); i < len(v) {
		v[i].X += d.X
		v[i].Y += d.Y
	}
}
`
	dir := newModule(t, map[string]string{"s/s.go": src})
	cfg := gen.Config{Dir: dir, Patterns: []string{"./s"}}
	goFile := filepath.Join(dir, "s", gen.GoFile)
	if _, err := gen.Run(cfg); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, goFile); !strings.Contains(got, "func LaunchMove(") || !strings.Contains(got, "Buffer[Vec]") {
		t.Fatalf("first run: %s has no LaunchMove over Buffer[Vec]:\n%s", goFile, got)
	}

	renamed := strings.NewReplacer("Vec", "Point", "Move", "Shift").Replace(src)
	writeFile(t, filepath.Join(dir, "s", "s.go"), renamed)
	// The premise: the old output now breaks the package.
	if out, ok := goCmd(t, dir, "build", "./s"); ok || !strings.Contains(out, "undefined: Vec") {
		t.Fatalf("go build with the stale %s: want a failure with \"undefined: Vec\", got ok=%v:\n%s", gen.GoFile, ok, out)
	}

	written, err := gen.Run(cfg)
	if err != nil {
		t.Fatalf("regenerating over a stale %s: %v", gen.GoFile, err)
	}
	if diff := cmp.Diff([]string{goFile}, written); diff != "" {
		t.Errorf("written files mismatch (-want +got):\n%s", diff)
	}
	got := readFile(t, goFile)
	if !strings.Contains(got, "func LaunchShift(") || strings.Contains(got, "Vec") || strings.Contains(got, "Move") {
		t.Errorf("regenerated %s still mentions Vec or Move, or lacks LaunchShift:\n%s", goFile, got)
	}
	if out, ok := goCmd(t, dir, "vet", "./s"); !ok {
		t.Errorf("go vet after regenerating failed:\n%s", out)
	}
}

// TestRunHandWrittenFile checks that a hand-written dc_kernels.go (one
// without dckgen's header) is not taken for generated output: it is loaded
// with the package (the kernel uses its constant), and it is not
// overwritten.
func TestRunHandWrittenFile(t *testing.T) {
	t.Parallel()
	hand := "package h\n\n// Factor is what Triple multiplies by.\nconst Factor = 3\n"
	dir := newModule(t, map[string]string{
		"h/h.go": `package h

import "github.com/dotcompute/dc"

// Triple multiplies x by Factor.
//
//dc:kernel
func Triple(t dc.Thread, x []float32) {
	if i := t.GlobalX(); i < len(x) {
		x[i] *= Factor
	}
}
`,
		"h/dc_kernels.go": hand,
	})
	path := filepath.Join(dir, "h", gen.GoFile)
	written, err := gen.Run(gen.Config{Dir: dir, Patterns: []string{"./h"}})
	want := fmt.Sprintf("dckgen: %s was not written by dckgen (it does not start with %q); not overwriting it", path, gen.Header)
	if err == nil || err.Error() != want {
		t.Errorf("got error %v, want %q", err, want)
	}
	if len(written) != 0 {
		t.Errorf("written %q, want nothing", written)
	}
	if diff := cmp.Diff(hand, readFile(t, path)); diff != "" {
		t.Errorf("the hand-written file changed (-want +got):\n%s", diff)
	}
}

// TestRunTypeErrors checks that packages with type errors are refused with
// every error, positioned, in the message, and that nothing is written.
// One error is in a hand-written dc_kernels.go, which must therefore not
// be blanked as the generator's own output.
func TestRunTypeErrors(t *testing.T) {
	t.Parallel()
	hand := "package hand\n\n// N is not a string.\nvar N int = \"three\"\n"
	dir := newModule(t, map[string]string{
		"bad/bad.go": `package bad

import "github.com/dotcompute/dc"

//dc:kernel
func K(t dc.Thread, x []float32) {
	x[0] = nosuch
}
`,
		"hand/k.go":          strings.ReplaceAll(addSrc, "package k", "package hand"),
		"hand/dc_kernels.go": hand,
	})
	_, err := gen.Run(gen.Config{Dir: dir, Patterns: []string{"./bad", "./hand"}})
	if err == nil {
		t.Fatal("got no error, want the packages refused")
	}
	var list translate.ErrorList
	if errors.As(err, &list) {
		t.Errorf("got kernel diagnostics %v, want the packages refused before translation", list)
	}
	msg := err.Error()
	for _, want := range []string{
		"dckgen: packages have errors:\n",
		posOf(t, filepath.Join(dir, "bad", "bad.go"), "nosuch") + ": undefined: nosuch",
		posOf(t, filepath.Join(dir, "hand", gen.GoFile), `"three"`) + `: cannot use "three" (untyped string constant) as int value in variable declaration`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not contain %q:\n%s", want, msg)
		}
	}
	// Each error once: not again as the compiler's output that go list
	// reports ("-: # tmpmod/bad ...").
	for _, e := range []string{"undefined: nosuch", `cannot use "three"`} {
		if n := strings.Count(msg, e); n != 1 {
			t.Errorf("error reports %q %d times, want once:\n%s", e, n, msg)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "bad", gen.GoFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stat bad/%s: got %v, want it not written", gen.GoFile, err)
	}
	if got := readFile(t, filepath.Join(dir, "hand", gen.GoFile)); got != hand {
		t.Errorf("hand/%s changed:\n%s", gen.GoFile, got)
	}
}

// TestRunDiagnostics checks that the kernel diagnostics of two packages all
// come back as one translate.ErrorList, sorted by position, each with its
// file, line and column and naming its kernel, a construct used three
// times in one kernel (the map in M) once, and that nothing is written.
func TestRunDiagnostics(t *testing.T) {
	t.Parallel()
	dir := newModule(t, map[string]string{
		// The kernel with the later diagnostic comes first in the file.
		"a/a.go": `package a

import "github.com/dotcompute/dc"

func work(x []float32) {}

//dc:kernel
func G(t dc.Thread, x []float32) {
	x[0] = 1
	go work(x)
}

//dc:kernel
func D(t dc.Thread, x []float32) {
	defer work(x)
}
`,
		"a/z.go": `package a

import "github.com/dotcompute/dc"

//dc:kernel
func M(t dc.Thread, x []int) {
	var m map[int]int
	m[1] = 2
	x[0] = m[3]
}
`,
		"b/b.go": `package b

import "github.com/dotcompute/dc"

//dc:kernel
func Ok(t dc.Thread, x []float32) {}

//dc:kernel
func C(t dc.Thread, x []float32) {
	f := func(v float32) float32 { return v * 2 }
	x[0] = f(x[0])
}
`,
	})
	_, err := gen.Run(gen.Config{Dir: dir, Patterns: []string{"./b", "./a"}})
	var list translate.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("got error %v (%T), want a translate.ErrorList", err, err)
	}
	a, z, b := filepath.Join(dir, "a", "a.go"), filepath.Join(dir, "a", "z.go"), filepath.Join(dir, "b", "b.go")
	want := []string{
		posOf(t, a, "go work") + ": kernel G: unsupported: go statements (goroutines) cannot be used in kernels",
		posOf(t, a, "defer work") + ": kernel D: unsupported: defer cannot be used in kernels",
		posOf(t, z, "m map[int]int") + ": kernel M: unsupported: maps cannot be used in kernels",
		posOf(t, b, "func(v float32)") + ": kernel C: unsupported: closures (function literals) cannot be used in kernels",
		posOf(t, b, "f(x[0])") + ": kernel C: unsupported: calls of function values cannot be used in kernels",
	}
	var got []string
	for _, e := range list {
		got = append(got, e.Error())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("diagnostics mismatch (-want +got):\n%s", diff)
	}
	if !sort.SliceIsSorted(list, func(i, j int) bool {
		p, q := list[i].Pos, list[j].Pos
		if p.Filename != q.Filename {
			return p.Filename < q.Filename
		}
		if p.Line != q.Line {
			return p.Line < q.Line
		}
		return p.Column < q.Column
	}) {
		t.Errorf("diagnostics are not sorted by position:\n%v", list)
	}
	if diff := cmp.Diff(strings.Join(want, "\n"), err.Error()); diff != "" {
		t.Errorf("error text mismatch (-want +got):\n%s", diff)
	}
	for _, f := range []string{"a/" + gen.GoFile, "b/" + gen.GoFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("stat %s: got %v, want it not written", f, err)
		}
	}
}

// TestRunTags checks that -tags reaches the go command: a kernel behind
// //go:build special is generated only with the tag, one behind
// //go:build !special only without it.
func TestRunTags(t *testing.T) {
	t.Parallel()
	kernel := func(constraint, name string) string {
		return constraint + "package tg\n\nimport \"github.com/dotcompute/dc\"\n\n// " + name + " zeroes x.\n//\n//dc:kernel\nfunc " + name + "(t dc.Thread, x []int32) {\n\tif i := t.GlobalX(); i < len(x) {\n\t\tx[i] = 0\n\t}\n}\n"
	}
	dir := newModule(t, map[string]string{
		"tg/plain.go":      kernel("", "Plain"),
		"tg/special.go":    kernel("//go:build special\n\n", "Special"),
		"tg/notspecial.go": kernel("//go:build !special\n\n", "Ordinary"),
	})
	goFile := filepath.Join(dir, "tg", gen.GoFile)
	for _, c := range []struct {
		tags      []string
		has, lack []string
	}{
		{nil, []string{"LaunchPlain", "LaunchOrdinary"}, []string{"Special"}},
		{[]string{"other", "special"}, []string{"LaunchPlain", "LaunchSpecial"}, []string{"Ordinary"}},
	} {
		written, err := gen.Run(gen.Config{Dir: dir, Patterns: []string{"./tg"}, Tags: c.tags})
		if err != nil {
			t.Fatalf("tags %q: %v", c.tags, err)
		}
		if diff := cmp.Diff([]string{goFile}, written); diff != "" {
			t.Errorf("tags %q: written files mismatch (-want +got):\n%s", c.tags, diff)
		}
		got := readFile(t, goFile)
		for _, s := range c.has {
			if !strings.Contains(got, "func "+s+"(") {
				t.Errorf("tags %q: %s has no func %s", c.tags, gen.GoFile, s)
			}
		}
		for _, s := range c.lack {
			if strings.Contains(got, s) {
				t.Errorf("tags %q: %s mentions %s", c.tags, gen.GoFile, s)
			}
		}
	}
}

// TestRunUnknownEmit checks that an unknown -emit target is refused before
// anything is loaded (the directory does not even exist).
func TestRunUnknownEmit(t *testing.T) {
	t.Parallel()
	written, err := gen.Run(gen.Config{Dir: filepath.Join(t.TempDir(), "missing"), Emit: []string{"cuda", "bogus"}})
	want := `dckgen: unknown -emit target "bogus" (available: cuda, metal, opencl)`
	if err == nil || err.Error() != want {
		t.Errorf("got error %v, want %q", err, want)
	}
	if len(written) != 0 {
		t.Errorf("written %q, want nothing", written)
	}
}

// TestRunMetalNotes checks that Run, asked to log, names each kernel that
// Metal cannot run with the position of its first float64 use, and that
// the written MSL leaves it out while its neighbour prints.
func TestRunMetalNotes(t *testing.T) {
	t.Parallel()
	dir := newModule(t, map[string]string{"k/k.go": addSrc + `
// Halve halves x in float64.
//
//dc:kernel
func Halve(t dc.Thread, x []float64) {
	if i := t.GlobalX(); i < len(x) {
		x[i] /= 2
	}
}
`})
	var lines []string
	cfg := gen.Config{Dir: dir, Patterns: []string{"./..."}, Emit: []string{"metal"}, Log: func(l string) { lines = append(lines, l) }}
	if _, err := gen.Run(cfg); err != nil {
		t.Fatal(err)
	}
	want := "tmpmod/k: k.go:17:25: kernel Halve: Metal has no float64; it does not run on Metal"
	if !slices.Contains(lines, want) {
		t.Errorf("log lacks %q:\n%s", want, strings.Join(lines, "\n"))
	}
	src := readFile(t, filepath.Join(dir, "k", "dc_kernels.metal"))
	if !strings.Contains(src, "kernel void Add(") || strings.Contains(src, "kernel void Halve(") {
		t.Errorf("the MSL must hold Add and not Halve:\n%s", src)
	}
}
