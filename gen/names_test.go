package gen_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dotcompute/dc/gen"
	"github.com/dotcompute/dc/translate"
)

// namesSrc has kernels of every shape whose generated code declares
// names of its own: checked and unchecked, generic, with shared memory
// (scratch space of the CPU fallback), a device function and a struct
// (layout guards), and one with SIMD bodies. It imports dc under another
// name, so that a package may declare dc itself.
const namesSrc = `package k

import d "github.com/dotcompute/dc"

// P is a particle.
type P struct{ X, V float32 }

func step(p P) P { return P{p.X + p.V, p.V} }

//dc:kernel
func Add(t d.Thread, x, y []float32) {
	if i := t.GlobalX(); i < len(y) {
		y[i] += x[i]
	}
}

//dc:kernel types=float32,float64
func Scale[T d.Float](t d.Thread, a T, x []T) {
	if i := t.GlobalX(); i < len(x) {
		x[i] *= a
	}
}

//dc:kernel
func Sum(t d.Thread, x []int32, out []int32) {
	s := d.Shared[[256]int32](t)
	s[t.LocalX()] = x[t.GlobalX()]
	t.Barrier()
	if t.LocalX() == 0 {
		d.AtomicAdd(&out[0], s[0])
	}
}

//dc:kernel unchecked
func Move(t d.Thread, ps []P) {
	if i := t.GlobalX(); i < len(ps) {
		ps[i] = step(ps[i])
	}
}
`

// TestGeneratedNames declares, for every package-level name the generated
// files of namesSrc declare or import, that name in a package of its own
// beside namesSrc, and checks that dckgen refuses each such package with
// one diagnostic at the declaration naming it, and writes nothing.
func TestGeneratedNames(t *testing.T) {
	t.Parallel()
	dir := newModule(t, map[string]string{"k/k.go": namesSrc})
	pkgs, err := gen.Load(gen.Config{Dir: dir, Patterns: []string{"./k"}})
	if err != nil {
		t.Fatal(err)
	}
	files, err := gen.Generate(pkgs[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	names, err := gen.GeneratedNames(files)
	if err != nil {
		t.Fatal(err)
	}
	// The names every package gets, and one of each kind of per-kernel name.
	have := map[string]bool{}
	for _, n := range names {
		have[n.Name] = true
	}
	for _, n := range []string{"dcModule", "dcCUDA", "dcOpenCL", "dcMSL", "dcKernelAdd", "dcKernelScale_float32",
		"LaunchAdd", "LaunchScale", "dc_cpu_Add", "dc_run_Add", "dc_scratch_Sum", "runtime", "cpu", "dc", "unsafe"} {
		if !have[n] {
			t.Errorf("GeneratedNames lacks %s", n)
		}
	}
	if len(names) < 30 {
		t.Fatalf("GeneratedNames returned %d names, want at least 30: %v", len(names), names)
	}
	mod := map[string]string{}
	for i, n := range names {
		dir := fmt.Sprintf("n%d", i)
		mod[dir+"/k.go"] = namesSrc
		mod[dir+"/name.go"] = "package k\n\n// " + n.Name + " is declared by the user.\nfunc " + n.Name + "() {}\n"
	}
	dir = newModule(t, mod)
	written, err := gen.Run(gen.Config{Dir: dir, Patterns: []string{"./..."}})
	var list translate.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("got %v (%T), want a translate.ErrorList", err, err)
	}
	if len(written) > 0 {
		t.Errorf("wrote %v", written)
	}
	byFile := map[string][]*translate.Error{}
	for _, e := range list {
		byFile[e.Pos.Filename] = append(byFile[e.Pos.Filename], e)
	}
	for i, n := range names {
		file := filepath.Join(dir, fmt.Sprintf("n%d", i), "name.go")
		want := posOf(t, file, n.Name+"()") + ": "
		got := byFile[file]
		if len(got) != 1 || !strings.HasPrefix(got[0].Error(), want) || !strings.Contains(got[0].Msg, n.Name) || !strings.Contains(got[0].Msg, "rename it") {
			t.Errorf("%s: got %v, want one diagnostic at %s naming it", n.Name, got, want)
		}
		delete(byFile, file)
	}
	for _, l := range byFile {
		t.Errorf("unexpected diagnostics: %v", l)
	}
}
