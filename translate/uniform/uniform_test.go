package uniform_test

import (
	"errors"
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/go/packages"

	"github.com/dotcompute/dc/translate"
	"github.com/dotcompute/dc/translate/ir"
	"github.com/dotcompute/dc/translate/uniform"
)

var (
	depsOnce sync.Once
	deps     map[string]*types.Package
	depsErr  error
)

type mapImporter map[string]*types.Package

func (m mapImporter) Import(path string) (*types.Package, error) {
	if p, ok := m[path]; ok {
		return p, nil
	}
	return importer.Default().Import(path)
}

// input type-checks src as the file k.go of package p, which imports dc.
func input(t *testing.T, src string) *translate.Input {
	t.Helper()
	depsOnce.Do(func() {
		cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes}
		pkgs, err := packages.Load(cfg, translate.DCPath)
		if err != nil {
			depsErr = err
			return
		}
		deps = map[string]*types.Package{}
		for _, p := range pkgs {
			if len(p.Errors) > 0 {
				depsErr = errors.New(p.Errors[0].Error())
				return
			}
			deps[p.PkgPath] = p.Types
		}
	})
	if depsErr != nil {
		t.Fatal(depsErr)
	}
	src = "package p\n\nimport \"github.com/dotcompute/dc\"\n\n" + src
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "k.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	info := &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
		Instances:  map[*ast.Ident]types.Instance{},
	}
	conf := types.Config{Importer: mapImporter(deps)}
	pkg, err := conf.Check("p", fset, []*ast.File{file}, info)
	if err != nil {
		t.Fatalf("does not type-check: %v", err)
	}
	return &translate.Input{Fset: fset, Files: []*ast.File{file}, Pkg: pkg, Info: info}
}

// Kernels every thread group runs through its barriers together. Line 1 of
// each source is line 5 of k.go.
var accepted = map[string]string{
	"a bound read from a slice no thread writes, at a uniform index": `
type Box struct{ NN int32 }

//dc:kernel
func K(t dc.Thread, boxes []Box, rowStart []int32, out []float32) {
	s := dc.Shared[[64]float32](t)
	for k := 0; k < int(boxes[t.GroupX()].NN); k++ {
		s[t.LocalX()] = float32(k)
		t.Barrier()
		out[t.GlobalX()] += s[63-t.LocalX()]
		t.Barrier()
	}
	g := t.GroupX()
	for j := rowStart[g]; j < rowStart[g+1]; j++ {
		t.Barrier()
	}
}`,
	"tree reduction": `
//dc:kernel
func K(t dc.Thread, in, out []float32) {
	s := dc.Shared[[256]float32](t)
	l, i := t.LocalX(), t.GlobalX()
	s[l] = 0
	if i < len(in) {
		s[l] = in[i]
	}
	t.Barrier()
	for st := 128; st > 0; st >>= 1 {
		if l < st {
			s[l] += s[l+st]
		}
		t.Barrier()
	}
	if l == 0 {
		out[t.GroupX()] = s[0]
	}
}`,
	"tiled matmul": `
const tile = 16

//dc:kernel
func K(t dc.Thread, a, b, c []float32, m, n, k int) {
	as := dc.Shared[[tile][tile]float32](t)
	bs := dc.Shared[[tile][tile]float32](t)
	tx, ty := t.LocalX(), t.LocalY()
	row, col := t.GlobalY(), t.GlobalX()
	var acc float32
	for k0 := 0; k0 < k; k0 += tile {
		as[ty][tx], bs[ty][tx] = 0, 0
		if row < m && k0+tx < k {
			as[ty][tx] = a[row*k+k0+tx]
		}
		if col < n && k0+ty < k {
			bs[ty][tx] = b[(k0+ty)*n+col]
		}
		t.Barrier()
		for kk := range tile {
			acc += as[ty][kk] * bs[kk][tx]
		}
		t.Barrier()
	}
	if row < m && col < n {
		c[row*n+col] = acc
	}
}`,
	"hillis-steele scan": `
//dc:kernel
func K(t dc.Thread, in, out []int32) {
	s := dc.Shared[[256]int32](t)
	l, i := t.LocalX(), t.GlobalX()
	if i < len(in) {
		s[l] = in[i]
	}
	t.Barrier()
	for off := 1; off < t.GroupSizeX(); off *= 2 {
		var v int32
		if l >= off {
			v = s[l-off]
		}
		t.Barrier()
		s[l] += v
		t.Barrier()
	}
	if i < len(out) {
		out[i] = s[l]
	}
}`,
	"blelloch scan": `
const n = 256

//dc:kernel
func K(t dc.Thread, data []int32) {
	s := dc.Shared[[n]int32](t)
	l := t.LocalX()
	base := t.GroupX() * n
	s[l] = data[base+l]
	t.Barrier()
	off := 1
	for d := n >> 1; d > 0; d >>= 1 {
		if l < d {
			ai, bi := off*(2*l+1)-1, off*(2*l+2)-1
			s[bi] += s[ai]
		}
		off *= 2
		t.Barrier()
	}
	if l == 0 {
		s[n-1] = 0
	}
	t.Barrier()
	for d := 1; d < n; d *= 2 {
		off >>= 1
		if l < d {
			ai, bi := off*(2*l+1)-1, off*(2*l+2)-1
			x := s[ai]
			s[ai] = s[bi]
			s[bi] += x
		}
		t.Barrier()
	}
	data[base+l] = s[l]
}`,
	"shared histogram": `
//dc:kernel
func K(t dc.Thread, data, bins []uint32, nbins int) {
	h := dc.Shared[[256]uint32](t)
	l, gs := t.LocalX(), t.GroupSizeX()
	for b := l; b < nbins; b += gs {
		h[b] = 0
	}
	t.Barrier()
	for i := t.GlobalX(); i < len(data); i += t.GridSizeX() {
		dc.AtomicAdd(&h[data[i]%uint32(nbins)], 1)
	}
	t.Barrier()
	for b := l; b < nbins; b += gs {
		dc.AtomicAdd(&bins[b], h[b])
	}
}`,
	"n-body tiles": `
//dc:kernel
func K(t dc.Thread, pos, acc []float32, n int) {
	sh := dc.Shared[[128]float32](t)
	i, l := t.GlobalX(), t.LocalX()
	var p, a float32
	if i < n {
		p = pos[i]
	}
	numTiles := (n + 127) / 128
	for tile := 0; tile < numTiles; tile++ {
		j := tile*128 + l
		sh[l] = 0
		if j < n {
			sh[l] = pos[j]
		}
		t.Barrier()
		for k := 0; k < 128; k++ {
			a += sh[k] - p
		}
		t.Barrier()
	}
	if i < n {
		acc[i] = a
	}
}`,
	"stencil with halo": `
//dc:kernel
func K(t dc.Thread, in, out []float32) {
	s := dc.Shared[[260]float32](t)
	i, l := t.GlobalX(), t.LocalX()
	n := len(in)
	s[l+2] = in[min(i, n-1)]
	if l < 2 {
		s[l] = in[max(i-2, 0)]
		s[l+258] = in[min(i+256, n-1)]
	}
	t.Barrier()
	if i < n {
		out[i] = s[l] + s[l+1] + s[l+2] + s[l+3] + s[l+4]
	}
}`,
	"bitonic sort": `
//dc:kernel
func K(t dc.Thread, data []int32, n int) {
	s := dc.Shared[[512]int32](t)
	l := t.LocalX()
	s[l] = data[l]
	t.Barrier()
	for k := 2; k <= n; k <<= 1 {
		for j := k >> 1; j > 0; j >>= 1 {
			p := l ^ j
			if p > l {
				up := l&k == 0
				if (s[l] > s[p]) == up {
					s[l], s[p] = s[p], s[l]
				}
			}
			t.Barrier()
		}
	}
	data[l] = s[l]
}`,
	"device function with barrier, uniform calls": `
func sum(t dc.Thread, s *[64]float32, v float32) float32 {
	l := t.LocalX()
	s[l] = v
	t.Barrier()
	for st := t.GroupSizeX() / 2; st > 0; st /= 2 {
		if l < st {
			s[l] += s[l+st]
		}
		t.Barrier()
	}
	r := s[0]
	t.Barrier()
	return r
}

func steps(n int) int { return n / 2 }

//dc:kernel
func K(t dc.Thread, in, out []float32, rounds int) {
	s := dc.Shared[[64]float32](t)
	i := t.GlobalX()
	v := float32(0)
	if i < len(in) {
		v = in[i]
	}
	for r := 0; r < steps(rounds); r++ {
		v = sum(t, s, v)
	}
	if i < len(out) {
		out[i] = v
	}
}`,
	"uniform early return and break": `
//dc:kernel
func K(t dc.Thread, xs []float32, n int, limit int) {
	if n == 0 || t.GroupX() >= t.NumGroupsX() {
		return
	}
	s := dc.Shared[[64]float32](t)
	for it := 0; ; it++ {
		if it >= limit {
			break
		}
		s[t.LocalX()] = float32(it)
		t.Barrier()
		switch t.GroupY() {
		case 0:
			t.Barrier()
		default:
			t.Barrier()
		}
	}
	if i := t.GlobalX(); i < len(xs) {
		xs[i] = s[0]
	}
}`,
	"varying work after the last barrier": `
//dc:kernel
func K(t dc.Thread, xs []float32) {
	s := dc.Shared[[64]float32](t)
	i := t.GlobalX()
	s[t.LocalX()] = 1
	t.Barrier()
	if i >= len(xs) {
		return
	}
	for j := 0; j < int(xs[i]); j++ {
		if xs[j] > 0 {
			break
		}
		xs[i] += s[j%64]
	}
}`,
}

// Kernels with a barrier that some threads of a group do not reach, and
// the exact diagnostics.
var rejected = map[string]struct {
	src  string
	want []string
}{
	"a bound read from a slice the kernel writes": {`
//dc:kernel
func K(t dc.Thread, n []int32, out []float32) {
	for k := int32(0); k < n[t.GroupX()]; k++ {
		t.Barrier()
	}
	n[t.GlobalX()] = 0
}`, []string{"k.go:9:3: kernel K: t.Barrier() is reached only by the threads where k < n[t.GroupX()] (k.go:8:2); every thread of a group must reach it: guard the work, not the barrier"}},
	"a bound read from a read-only slice at the thread's index": {`
//dc:kernel
func K(t dc.Thread, n []int32, out []float32) {
	for k := int32(0); k < n[t.LocalX()]; k++ {
		t.Barrier()
	}
}`, []string{"k.go:9:3: kernel K: t.Barrier() is reached only by the threads where k < n[t.LocalX()] (k.go:8:2); every thread of a group must reach it: guard the work, not the barrier"}},
	"barrier under a local-index condition": {`
//dc:kernel
func K(t dc.Thread, xs []float32) {
	l := t.LocalX()
	if l < 100 {
		t.Barrier()
	}
}`, []string{
		"k.go:10:3: kernel K: t.Barrier() is reached only by the threads where l < 100 (k.go:9:2); every thread of a group must reach it: guard the work, not the barrier",
	}},
	"early return before a barrier": {`
//dc:kernel
func K(t dc.Thread, xs []float32, n int) {
	i := t.GlobalX()
	if i >= n {
		return
	}
	s := dc.Shared[[256]float32](t)
	s[t.LocalX()] = xs[i]
	t.Barrier()
	xs[i] = s[0]
}`, []string{
		"k.go:14:2: kernel K: t.Barrier() is not reached by the threads that returned where i >= n (k.go:10:3); every thread of a group must reach it: guard the work, not the barrier",
	}},
	"per-thread loop bound": {`
//dc:kernel
func K(t dc.Thread, in []int) {
	i := t.GlobalX()
	for j := 0; j < in[i]; j++ {
		t.Barrier()
	}
}`, []string{
		"k.go:10:3: kernel K: t.Barrier() is reached only by the threads where j < in[i] (k.go:9:2); every thread of a group must reach it: guard the work, not the barrier",
	}},
	"varying break in a loop with a barrier": {`
//dc:kernel
func K(t dc.Thread, x []float32, n int) {
	i := t.GlobalX()
	for k := 0; k < n; k++ {
		t.Barrier()
		if x[i] > 0 {
			break
		}
	}
}`, []string{
		"k.go:10:3: kernel K: t.Barrier() is not reached by the threads that left the loop where x[i] > 0 (k.go:12:4); every thread of a group must reach it: guard the work, not the barrier",
	}},
	"varying continue before a barrier": {`
//dc:kernel
func K(t dc.Thread, x []float32, n int) {
	i := t.GlobalX()
	for k := 0; k < n; k++ {
		if x[i] > 0 {
			continue
		}
		t.Barrier()
	}
}`, []string{
		"k.go:13:3: kernel K: t.Barrier() is not reached by the threads that continued with the next iteration where x[i] > 0 (k.go:11:4); every thread of a group must reach it: guard the work, not the barrier",
	}},
	"switch on the local index": {`
//dc:kernel
func K(t dc.Thread, x []float32) {
	switch t.LocalX() {
	case 0, 1:
		t.Barrier()
	default:
		x[0] = 1
		t.Barrier()
	}
}`, []string{
		"k.go:10:3: kernel K: t.Barrier() is reached only by the threads where t.LocalX() == 0 || t.LocalX() == 1 (k.go:9:2); every thread of a group must reach it: guard the work, not the barrier",
		"k.go:13:3: kernel K: t.Barrier() is reached only by the threads where !(t.LocalX() == 0 || t.LocalX() == 1) (k.go:9:2); every thread of a group must reach it: guard the work, not the barrier",
	}},
	"device function with a barrier under a varying condition": {`
func sync(t dc.Thread) {
	t.Barrier()
}

//dc:kernel
func K(t dc.Thread, x []float32) {
	if t.LocalX() == 0 {
		sync(t)
	}
}`, []string{
		"k.go:13:3: kernel K: call of sync (which calls t.Barrier()) is reached only by the threads where t.LocalX() == 0 (k.go:12:2); every thread of a group must reach it: guard the work, not the barrier",
	}},
	"varying condition inside a device function": {`
func f(t dc.Thread, s *[64]int32) int32 {
	if s[t.LocalX()] > 0 {
		t.Barrier()
	}
	return s[0]
}

//dc:kernel
func K(t dc.Thread, x []int32) {
	s := dc.Shared[[64]int32](t)
	x[t.GlobalX()] = f(t, s)
}`, []string{
		"k.go:8:3: kernel K: in f: t.Barrier() is reached only by the threads where s[t.LocalX()] > 0 (k.go:7:2); every thread of a group must reach it: guard the work, not the barrier",
	}},
	"variable assigned under varying control": {`
//dc:kernel
func K(t dc.Thread, x []int32, n int) {
	m := n
	if t.GlobalX() >= n {
		m = 0
	}
	for k := 0; k < m; k++ {
		t.Barrier()
	}
}`, []string{
		"k.go:13:3: kernel K: t.Barrier() is reached only by the threads where k < m (k.go:12:2); every thread of a group must reach it: guard the work, not the barrier",
	}},
	"device function result from a thread index": {`
func lane(t dc.Thread) int { return t.LocalX() % 32 }

func even(k int) bool { return k%2 == 0 }

//dc:kernel
func K(t dc.Thread, x []int32, n int) {
	if even(lane(t)) {
		t.Barrier()
	}
	if even(n) {
		t.Barrier()
	}
	if t.LocalX() < 4 && x[0] > 0 {
		x[1] = 2
	}
}`, []string{
		"k.go:13:3: kernel K: t.Barrier() is reached only by the threads where even(lane(t)) (k.go:12:2); every thread of a group must reach it: guard the work, not the barrier",
	}},
	"varying return in a device function": {`
func g(t dc.Thread, x []int32) {
	if x[t.GlobalX()] == 0 {
		return
	}
	t.Barrier()
}

//dc:kernel
func K(t dc.Thread, x []int32) {
	g(t, x)
}`, []string{
		"k.go:10:2: kernel K: in g: t.Barrier() is not reached by the threads that returned where x[t.GlobalX()] == 0 (k.go:8:3); every thread of a group must reach it: guard the work, not the barrier",
	}},
}

func TestAccepted(t *testing.T) {
	for name, src := range accepted {
		t.Run(name, func(t *testing.T) {
			prog, err := translate.Translate(input(t, src))
			if err != nil {
				t.Fatal(err)
			}
			if d := uniform.Check(prog); len(d) > 0 {
				t.Errorf("diagnostics for a uniform kernel: %v", d)
			}
		})
	}
}

func TestRejected(t *testing.T) {
	for name, c := range rejected {
		t.Run(name, func(t *testing.T) {
			_, err := translate.Translate(input(t, c.src))
			var list translate.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("Translate returned %v, want diagnostics", err)
			}
			var got []string
			for _, e := range list {
				got = append(got, e.Error())
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("diagnostics mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFacts checks what Analyze says about single variables and
// expressions of an accepted kernel.
func TestFacts(t *testing.T) {
	prog, err := translate.Translate(input(t, accepted["tree reduction"]))
	if err != nil {
		t.Fatal(err)
	}
	info := uniform.Analyze(prog)
	vars := map[string]*ir.Var{}
	var visit func(b *ir.Block)
	visit = func(b *ir.Block) {
		for _, s := range b.Stmts {
			switch s := s.(type) {
			case *ir.DeclStmt:
				vars[s.Var.Name] = s.Var
			case *ir.Block:
				visit(s)
			case *ir.ForStmt:
				if d, ok := s.Init.(*ir.DeclStmt); ok {
					vars[d.Var.Name] = d.Var
				}
				visit(s.Body)
			}
		}
	}
	visit(prog.Kernels[0].Body)
	for name, want := range map[string]bool{"s": false, "l": true, "i": true, "st": false} {
		v := vars[name]
		if v == nil {
			t.Fatalf("no variable %s in %v", name, vars)
		}
		if got := info.Varying(v); got != want {
			t.Errorf("Varying(%s) = %v, want %v", name, got, want)
		}
	}
	group := &ir.BuiltinCall{Op: ir.GroupX, T: ir.IntType}
	if info.VaryingExpr(group) {
		t.Error("t.GroupX() is varying")
	}
	// in is read-only: an element at a uniform index is uniform; out is
	// written, at the thread's index it is varying.
	load := &ir.Index{X: &ir.VarRef{Var: prog.Kernels[0].Params[0]}, Index: group, T: ir.Float32Type}
	if info.VaryingExpr(load) {
		t.Error("in[t.GroupX()] is varying")
	}
	lx := &ir.BuiltinCall{Op: ir.LocalX, T: ir.IntType}
	if load := (&ir.Index{X: &ir.VarRef{Var: prog.Kernels[0].Params[0]}, Index: lx, T: ir.Float32Type}); !info.VaryingExpr(load) {
		t.Error("in[t.LocalX()] is uniform")
	}
	if load := (&ir.Index{X: &ir.VarRef{Var: prog.Kernels[0].Params[1]}, Index: group, T: ir.Float32Type}); !info.VaryingExpr(load) {
		t.Error("out[t.GroupX()] is uniform, but the kernel writes out")
	}
}

// TestCheckIR runs Check on a program built by hand, the shape a later
// pass could produce: no front end involved.
func TestCheckIR(t *testing.T) {
	lx := &ir.BuiltinCall{Op: ir.LocalX, T: ir.IntType}
	barrier := &ir.ExprStmt{Pos: ir.Pos{File: "h.go", Line: 3, Col: 3}, X: &ir.BuiltinCall{Op: ir.Barrier}}
	cond := &ir.Binary{Op: token.EQL, X: lx, Y: &ir.Const{T: ir.IntType, Value: constant.MakeInt64(0)}, T: ir.BoolType}
	k := &ir.Kernel{
		Name:   "K",
		Thread: &ir.Var{Name: "th", Kind: ir.Param},
		Body: &ir.Block{Stmts: []ir.Stmt{
			&ir.IfStmt{Pos: ir.Pos{File: "h.go", Line: 2, Col: 2}, Cond: cond, Then: &ir.Block{}, Else: &ir.Block{Stmts: []ir.Stmt{barrier}}},
		}},
	}
	got := uniform.Check(&ir.Program{Kernels: []*ir.Kernel{k}})
	want := []uniform.Diag{{Pos: barrier.Pos, Msg: "th.Barrier() is reached only by the threads where th.LocalX() != 0 (h.go:2:2); every thread of a group must reach it: guard the work, not the barrier"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}
