package gocpu

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// bcePackages are the generated packages whose fast CPU bodies
// TestBoundsChecks counts bounds checks in, as patterns relative to the
// repository root.
var bcePackages = []string{"./kernels", "./internal/cpubench", "./internal/benchkernels", "./testdata/golden/..."}

// bceGolden is the table TestBoundsChecks compares with.
const bceGolden = "testdata/bce.golden"

// bceFound matches a line the compiler prints under
// -d=ssa/check_bce/debug=1: one bounds check it could not remove.
var bceFound = regexp.MustCompile(`^(.+\.go):(\d+):\d+: Found (IsInBounds|IsSliceInBounds)$`)

// bceFunc is a function of a generated file and the lines it spans.
type bceFunc struct {
	name       string
	start, end int
}

// bceCounts is how many index and slice bounds checks the compiler keeps
// in one function.
type bceCounts struct {
	index, slice int
}

// TestBoundsChecks builds the generated kernel packages with the compiler's
// bounds-check report (-gcflags=-d=ssa/check_bce/debug=1) and compares the
// number of checks left in every fast CPU body (dc_cpu_<Kernel>_fast, the
// body run when no fault can happen, with the functions a loop-form body
// runs its rows or threads in) with testdata/bce.golden. A check the
// kernel's own guard proves unneeded costs time in every thread, so more
// checks than the table says is a regression; fewer is an improvement to
// accept with go test -update (after regenerating the packages).
func TestBoundsChecks(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("skipping: the go command is not available to build the generated packages")
	}
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"build", "-o", os.DevNull}
	for _, p := range bcePackages {
		args = append(args, "-gcflags="+p+"=-d=ssa/check_bce/debug=1")
	}
	args = append(args, bcePackages...)
	cmd := exec.Command(goCmd, args...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	found, err := bceParse(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := bceTable(root, found)
	if err != nil {
		t.Fatal(err)
	}
	// The compiler's bounds-check elimination changes between Go
	// releases: the table is for the release that wrote it.
	ver, err := exec.Command(goCmd, "env", "GOVERSION").Output()
	if err != nil {
		t.Fatal(err)
	}
	release := bceRelease(strings.TrimSpace(string(ver)))
	got = bceVersionPrefix + release + "\n" + got
	path := filepath.FromSlash(bceGolden)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if first, _, _ := strings.Cut(string(want), "\n"); first != bceVersionPrefix+release {
		t.Skipf("%s was recorded by another Go release (%q); this is %s: run go test -run TestBoundsChecks -update to record it for this one", bceGolden, first, release)
	}
	if diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(got, "\n")); diff != "" {
		t.Errorf("bounds checks left in the fast CPU bodies differ from %s (-want +got); "+
			"fewer is an improvement to accept with go test -update, more is a regression:\n%s", path, diff)
	}
}

// bceParse returns, for every file of the compiler's bounds-check report
// out (file names relative to the repository root), the line of each check.
func bceParse(out []byte) (map[string][]bceCheck, error) {
	found := map[string][]bceCheck{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		m := bceFound.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		line, err := strconv.Atoi(m[2])
		if err != nil {
			return nil, fmt.Errorf("bounds-check report line %q: %v", sc.Text(), err)
		}
		file := filepath.ToSlash(filepath.Clean(m[1]))
		found[file] = append(found[file], bceCheck{line: line, slice: m[3] == "IsSliceInBounds"})
	}
	return found, sc.Err()
}

// bceCheck is one bounds check the compiler kept: its line, and whether it
// checks a slice expression rather than an index.
type bceCheck struct {
	line  int
	slice bool
}

// bceTable returns the golden table: one line per fast CPU body of the
// generated file (dc_kernels.go) of every package of bcePackages, with the
// index and slice checks found reports inside it, by file and in source
// order.
func bceTable(root string, found map[string][]bceCheck) (string, error) {
	var files []string
	for _, p := range bcePackages {
		pattern := filepath.Join(root, filepath.FromSlash(p), "dc_kernels.go")
		if dir, ok := strings.CutSuffix(p, "/..."); ok {
			pattern = filepath.Join(root, filepath.FromSlash(dir), "*", "dc_kernels.go")
		}
		matches, err := filepath.Glob(pattern)
		if err != nil {
			return "", err
		}
		for _, m := range matches {
			rel, err := filepath.Rel(root, m)
			if err != nil {
				return "", err
			}
			files = append(files, filepath.ToSlash(rel))
		}
	}
	sort.Strings(files)
	var b strings.Builder
	b.WriteString("# Bounds checks the Go compiler keeps in each fast CPU body (go test -run TestBoundsChecks -update rewrites this).\n")
	b.WriteString("# file function index slice\n")
	for _, file := range files {
		funcs, err := bceFuncs(filepath.Join(root, filepath.FromSlash(file)))
		if err != nil {
			return "", err
		}
		// A body's outlined functions count as the body's: in loop form
		// <body>_row (one run of threads) and <body>_thread (one thread),
		// in group form <body>_tl<N> (one thread loop).
		counts := map[string]*bceCounts{}
		var bodies []string
		for _, f := range funcs {
			name := f.name
			for _, suffix := range []string{"_row", "_thread"} {
				name = strings.TrimSuffix(name, suffix)
			}
			if i := strings.LastIndex(name, "_tl"); i > 0 && strings.TrimLeft(name[i+3:], "0123456789") == "" && len(name) > i+3 {
				name = name[:i]
			}
			if !strings.HasPrefix(name, "dc_cpu_") || !strings.HasSuffix(name, "_fast") {
				continue
			}
			c := counts[name]
			if c == nil {
				c = &bceCounts{}
				counts[name] = c
			}
			if name == f.name {
				bodies = append(bodies, name)
			}
			for _, chk := range found[file] {
				if chk.line < f.start || chk.line > f.end {
					continue
				}
				if chk.slice {
					c.slice++
				} else {
					c.index++
				}
			}
		}
		for _, name := range bodies {
			fmt.Fprintf(&b, "%s %s %d %d\n", file, name, counts[name].index, counts[name].slice)
		}
	}
	return b.String(), nil
}

// bceFuncs returns the top-level functions of the Go file at path with the
// lines they span, in source order.
func bceFuncs(path string) ([]bceFunc, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var funcs []bceFunc
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv != nil {
			continue
		}
		funcs = append(funcs, bceFunc{
			name:  fd.Name.Name,
			start: fset.Position(fd.Pos()).Line,
			end:   fset.Position(fd.End()).Line,
		})
	}
	return funcs, nil
}

// bceVersionPrefix starts the first line of the table, which names the Go
// release it was recorded with.
const bceVersionPrefix = "# go release: "

// bceRelease returns the release of a Go version, "go1.26" for "go1.26.8".
func bceRelease(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v
	}
	return parts[0] + "." + parts[1]
}
