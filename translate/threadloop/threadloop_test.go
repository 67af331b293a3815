package threadloop_test

import (
	"path"
	"strings"
	"testing"

	"github.com/dotcompute/dc/gen"
	"github.com/dotcompute/dc/translate"
	"github.com/dotcompute/dc/translate/gocpu"
	"github.com/dotcompute/dc/translate/ir"
	"github.com/dotcompute/dc/translate/threadloop"
)

// patterns are the packages whose kernels the tests transform, relative
// to the repository root.
var patterns = []string{"./testdata/golden/...", "./kernels", "./internal/cpubench", "./internal/benchkernels", "./examples/..."}

// unsupported lists the kernels expected to keep a goroutine per thread,
// with a word of the reason.
var unsupported = map[string]string{
	"CallInCond": "calls a function", // testdata/golden/barriers
}

// lockstep maps the kernels (package name and kernel name) whose group
// form runs grid-stride loops in lockstep to the number of such loops;
// every other kernel's has none. The second loop of gridstride.Kept
// steps by a parameter, which the group form cannot prove positive.
var lockstep = map[string]int{
	"gridstride.Hist":                     1,
	"gridstride.Sums":                     1,
	"gridstride.Strides":                  2,
	"gridstride.Tail":                     1,
	"gridstride.Wrap":                     1,
	"faults.StrideSum":                    1,
	"cpubench.Histogram":                  1,
	"atomics.Histogram":                   2,
	"reduce.Reduce_float32":               1,
	"reduce.Reduce_float64":               1,
	"cudasamples.Histogram64":             1,
	"cudasamples.FWTBatch1":               2,
	"ports.ScalarProd":                    2,
	"gridstride.Kept":                     1,
	"samples.MonteCarloOneBlockPerOption": 1,
	"samples.BucketCount":                 3,
	// Barrier-free kernels with a grid-stride loop.
	"saxpy.SaxpyStride":        1,
	"cudasamples.BlackScholes": 1,
	"gridstride.Scale":         1,
	"gridstride.Carry":         1,
	"gridstride.Sparse":        1,
	"gridstride.Offset":        1,
	"gridstride.WrapFree":      1,
	"gridstride.Blocks":        1,
	"samples.FWTModulate":      1,
	"samples.MersenneTwister":  1,
	"samples.BoxMullerGPU":     1,
}

// closed maps some of the kernels of lockstep to the number of their
// lockstep loops that also have closed rounds (a loop over the round's
// first index, dc_b, where the guard holds): their index starts at the
// thread's x index plus a value of the group code, and their bound and
// step are such values, min and max of them included.
var closed = map[string]int{
	"gridstride.Blocks":  1,
	"gridstride.Hist":    1,
	"cpubench.Histogram": 1,
	"saxpy.SaxpyStride":  1,
	"gridstride.Kept":    1,
}

// closedLoops returns the number of loops of group code b over the
// first index of closed rounds.
func closedLoops(b *ir.Block) int {
	n := 0
	ir.InspectStmts(b, func(s ir.Stmt) {
		if f, ok := s.(*ir.ForStmt); ok {
			if d, ok := f.Init.(*ir.DeclStmt); ok && d.Var.Name == "dc_b" {
				n++
			}
		}
	})
	return n
}

// lockstepLoops returns the number of loops of group code b that run
// rounds of a thread loop until no thread runs an iteration: for v :=
// true; v; { ...; ThreadLoop{ ... v = true ... } }.
func lockstepLoops(b *ir.Block) int {
	n := 0
	ir.InspectStmts(b, func(s ir.Stmt) {
		f, ok := s.(*ir.ForStmt)
		if !ok {
			return
		}
		r, ok := f.Cond.(*ir.VarRef)
		if b := ir.BasicOf(f.Cond.Type()); !ok || b == nil || b.Kind != ir.Bool {
			return
		}
		for _, s := range f.Body.Stmts {
			if tl, ok := s.(*ir.ThreadLoop); ok {
				sets := false
				ir.InspectStmts(tl.Body, func(s ir.Stmt) {
					ir.Assigns(s, func(v *ir.Var) { sets = sets || v == r.Var })
				})
				if sets {
					n++
					return
				}
			}
		}
	})
	return n
}

// TestTransform transforms every kernel of the repository's packages that
// has no loop form (barriers, shared memory or a grid-stride loop), verifies the group body with ir.Verify and
// checks the invariants of the group form.
func TestTransform(t *testing.T) {
	pkgs, err := gen.Load(gen.Config{Dir: "../..", Patterns: patterns})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	seen := map[string]bool{}
	for _, p := range pkgs {
		prog, err := translate.Translate(p.Input)
		if err != nil {
			t.Fatalf("%s: %v", p.Path, err)
		}
		for _, k := range prog.Kernels {
			if gocpu.Loop(k) {
				continue
			}
			g, err := threadloop.Transform(k)
			if word, ok := unsupported[k.Name]; ok {
				if err == nil || !strings.Contains(err.Error(), word) {
					t.Errorf("%s: Transform error %v, want one saying %q", k.Name, err, word)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", p.Path, err)
				continue
			}
			n++
			checkGroup(t, prog, g)
			key := path.Base(p.Path) + "." + k.Name
			if got, want := lockstepLoops(g.Body), lockstep[key]; got != want {
				t.Errorf("%s: %d loops run in lockstep, want %d", key, got, want)
			}
			if want, ok := closed[key]; ok {
				if got := closedLoops(g.Body); got != want {
					t.Errorf("%s: %d loops run closed rounds, want %d", key, got, want)
				}
			}
			seen[key] = true
		}
	}
	for key := range lockstep {
		if !seen[key] {
			t.Errorf("%s: no such kernel with a group form", key)
		}
	}
	if n < 20 {
		t.Errorf("transformed %d kernels, want at least 20", n)
	}
}

// checkGroup verifies g's body and checks the invariants of the group
// form: no barrier is left; the group code reads no memory, calls
// nothing and uses no thread-varying builtin; returns are group code;
// branches in a thread loop stay inside it (or continue it); thread loops
// do not nest; per-thread variables are declared at the top of the body.
func checkGroup(t *testing.T, prog *ir.Program, g *threadloop.Group) {
	t.Helper()
	name := g.Kernel.Name
	k := *g.Kernel
	k.Body = g.Body
	vp := &ir.Program{Package: prog.Package, Structs: prog.Structs, Funcs: prog.Funcs, Kernels: []*ir.Kernel{&k}, Files: prog.Files, Checks: prog.Checks}
	if err := ir.Verify(vp); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			// An assigned parameter is copied to a local, so the group
			// body no longer assigns it.
			if _, ok := g.Params[paramNamed(g, line)]; ok && strings.Contains(line, "has Assigned") {
				continue
			}
			t.Errorf("%s: %s", name, line)
		}
	}
	top := map[*ir.Var]bool{}
	for _, s := range g.Body.Stmts {
		if d, ok := s.(*ir.DeclStmt); ok {
			top[d.Var] = true
		}
	}
	for v := range g.PerThread {
		if !top[v] {
			t.Errorf("%s: per-thread variable %s is not declared at the top of the group body", name, v.Name)
		}
	}
	var group func(n ir.Node) bool
	var thread func(tl *ir.ThreadLoop) func(n ir.Node) bool
	group = func(n ir.Node) bool {
		switch n := n.(type) {
		case *ir.ThreadLoop:
			ir.Inspect(n.Body, thread(n))
			return false
		case *ir.Index:
			// Group code reads arrays, and slice parameters no thread
			// writes (at an index the group agrees on).
			r, param := n.X.(*ir.VarRef)
			readOnly := param && r.Var.Kind == ir.Param && !r.Var.Written
			if _, ok := n.X.Type().(*ir.Array); !ok && !readOnly {
				t.Errorf("%s: group code reads memory", name)
			}
		case *ir.Call:
			t.Errorf("%s: group code calls %s", name, n.Func.Name)
		case *ir.BuiltinCall:
			if n.Op == ir.Barrier || n.Op.IsAtomic() || n.Op <= ir.LocalZ {
				t.Errorf("%s: group code uses %v", name, n.Op)
			}
		}
		return true
	}
	thread = func(tl *ir.ThreadLoop) func(n ir.Node) bool {
		inside := map[ir.Stmt]bool{tl: true}
		ir.InspectStmts(tl.Body, func(s ir.Stmt) { inside[s] = true })
		return func(n ir.Node) bool {
			switch n := n.(type) {
			case *ir.ThreadLoop:
				t.Errorf("%s: nested thread loop", name)
			case *ir.ReturnStmt:
				t.Errorf("%s: return inside a thread loop", name)
			case *ir.BranchStmt:
				if !inside[n.Target] {
					t.Errorf("%s: branch from a thread loop to the group code", name)
				}
			case *ir.BuiltinCall:
				if n.Op == ir.Barrier {
					t.Errorf("%s: barrier left in a thread loop", name)
				}
			case *ir.Call:
				if n.Func.Barrier {
					t.Errorf("%s: call of %s, which waits at a barrier, left in a thread loop", name, n.Func.Name)
				}
			}
			return true
		}
	}
	ir.Inspect(g.Body, group)
}

// paramNamed returns the assigned parameter of g a Verify message names.
func paramNamed(g *threadloop.Group, line string) *ir.Var {
	for p := range g.Params {
		if strings.Contains(line, "parameter "+p.Name+" ") {
			return p
		}
	}
	return nil
}
