package gocpu

import (
	"fmt"
	"go/token"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dotcompute/dc/translate/ir"
)

// gemm is the IR of a CUDA-style GEMM accumulating into c, with body
// (which gets the loop's statements) left to the caller:
//
//	i, j := t.GlobalY(), t.GlobalX()
//	if i < m && j < n {
//		c[i*n+j] = 0
//		for p := 0; p < k; p++ { body }
//	}
type gemm struct {
	a, b, c, d, m, n, k *ir.Var
	i, j, p             *ir.Var
	loop                *ir.ForStmt
}

func newGEMM() *gemm {
	g := &gemm{
		a: param("a", sliceOf(f32)), b: param("b", sliceOf(f32)), c: param("c", sliceOf(f32)), d: param("d", sliceOf(f32)),
		m: param("m", intT), n: param("n", intT), k: param("k", intT),
		i: local("i", intT), j: local("j", intT), p: local("p", intT),
	}
	g.c.Written, g.d.Written = true, true
	g.loop = forLoop("", decl(g.p, ci("0")), bin(token.LSS, ref(g.p), ref(g.k)), inc(g.p), blk())
	return g
}

// elem returns c[i*n+j].
func (g *gemm) elem() *ir.Index {
	return idx(ref(g.c), bin(token.ADD, bin(token.MUL, ref(g.i), ref(g.n)), ref(g.j)))
}

// product returns a[i*k+p] * b[p*n+j].
func (g *gemm) product() ir.Expr {
	return bin(token.MUL,
		idx(ref(g.a), bin(token.ADD, bin(token.MUL, ref(g.i), ref(g.k)), ref(g.p))),
		idx(ref(g.b), bin(token.ADD, bin(token.MUL, ref(g.p), ref(g.n)), ref(g.j))))
}

// kernel returns the GEMM kernel with the loop body stmts.
func (g *gemm) kernel(stmts ...ir.Stmt) *ir.Kernel {
	g.loop.Body = blk(stmts...)
	return kernel("GEMM", []*ir.Var{g.a, g.b, g.c, g.d, g.m, g.n, g.k}, blk(
		decl(g.i, th(ir.GlobalY)),
		decl(g.j, th(ir.GlobalX)),
		iff(bin(token.LAND, bin(token.LSS, ref(g.i), ref(g.m)), bin(token.LSS, ref(g.j), ref(g.n))), blk(
			set(g.elem(), num(f32, "0")),
			g.loop,
		), nil),
	))
}

// accumulate returns c[i*n+j] += a[i*k+p] * b[p*n+j].
func (g *gemm) accumulate() ir.Stmt { return add(g.elem(), g.product()) }

// TestScalarize checks the rewrite of GEMM's loop, and that the kernel's
// IR stays as it was.
func TestScalarize(t *testing.T) {
	g := newGEMM()
	k := g.kernel(g.accumulate())
	before := fmt.Sprintf("%#v", kernelVariant(k, false, true))
	r := scalarize(k.Body, checkActive(false))
	if r == nil {
		t.Fatal("scalarize left GEMM as it was")
	}
	if !r.reads {
		t.Error("reads = false, want true: the loop reads a and b")
	}
	if after := fmt.Sprintf("%#v", kernelVariant(k, false, true)); after != before {
		t.Errorf("scalarize changed the kernel's IR:\n%s", cmp.Diff(before, after))
	}
	got := fmt.Sprintf("%#v", kernelVariant(k, false, false))
	// The guard i < m && j < n bounds the rows and the x loop (see
	// findRowGuard).
	want := `
					c[i*n+j] = 0
					{
						p := 0
						if p < k {
							dc_r1 := c[i*n+j]
							dc_h1 := i * k
							for ; p < k; p++ {
								dc_r1 += a[dc_h1+p] * b[p*n+j]
							}
							c[i*n+j] = dc_r1
						}
					}`
	if !strings.Contains(unindent(got), unindent(want)) {
		t.Errorf("rewritten body lacks%s\ngot:\n%s", want, got)
	}
	if !hasAliased(k, false) {
		t.Error("hasAliased = false, want true")
	}
	chunk := render(t, chunkFunc(k))
	for _, s := range []string{"func dc_chunk_GEMM(dc_c *runtime.Call", "if dc_c.Aliased() {", "dc_cpu_GEMM_aliased(dc_c.Grid, "} {
		if !strings.Contains(chunk, s) {
			t.Errorf("the chunk function lacks %q:\n%s", s, chunk)
		}
	}
}

// TestScalarizeNoReads checks that a loop reading no other slice is
// rewritten without a body for aliased launches.
func TestScalarizeNoReads(t *testing.T) {
	g := newGEMM()
	k := g.kernel(add(g.elem(), conv(ref(g.p), f32)))
	r := scalarize(k.Body, checkActive(false))
	if r == nil || r.reads {
		t.Fatalf("scalarize = %v, want a rewrite that reads no slice", r)
	}
	if hasAliased(k, false) {
		t.Error("hasAliased = true, want false")
	}
	if code := fmt.Sprintf("%#v", Kernel(k)); strings.Contains(code, "aliased") {
		t.Errorf("Kernel prints an aliased body:\n%s", code)
	}
}

// TestScalarizeInit checks that the loop's init, which runs once before
// the load, may read and write any memory.
func TestScalarizeInit(t *testing.T) {
	g := newGEMM()
	k := g.kernel(add(g.elem(), conv(ref(g.p), f32)))
	g.loop.Init = set(ref(g.p), conv(idx(ref(g.d), ref(g.j)), intT))
	k.Body.Stmts = append([]ir.Stmt{decl(g.p, ci("0"))}, k.Body.Stmts...)
	r := scalarize(k.Body, checkActive(false))
	if r == nil || r.reads {
		t.Fatalf("scalarize = %v, want a rewrite that reads no slice in the loop", r)
	}
	got := fmt.Sprintf("%#v", kernelVariant(k, false, false))
	want := `
p = int(d[j])
if p < k {
dc_r1 := c[i*n+j]
for ; p < k; p++ {
dc_r1 += float32(p)
}
c[i*n+j] = dc_r1
}`
	if !strings.Contains(unindent(got), want) {
		t.Errorf("rewritten body lacks%s\ngot:\n%s", want, got)
	}
}

// TestScalarizeBlockInit checks that an init of several statements stays
// in the scope of the loop.
func TestScalarizeBlockInit(t *testing.T) {
	g := newGEMM()
	q := local("q", intT)
	k := g.kernel(add(g.elem(), conv(ref(q), f32)), inc(q))
	g.loop.Init = blk(decl(g.p, ci("0")), decl(q, ci("1")))
	got := fmt.Sprintf("%#v", kernelVariant(k, false, false))
	want := `
p := 0
q := 1
if p < k {
dc_r1 := c[i*n+j]
for ; p < k; p++ {
dc_r1 += float32(q)
q++
}
c[i*n+j] = dc_r1
}`
	if !strings.Contains(unindent(got), want) {
		t.Errorf("rewritten body lacks%s\ngot:\n%s", want, got)
	}
}

// TestScalarizeHoist checks which index arithmetic the rewrite computes
// before the loop: loop-invariant, integer, without division, each
// expression once.
func TestScalarizeHoist(t *testing.T) {
	g := newGEMM()
	ik := func() ir.Expr { return bin(token.MUL, ref(g.i), ref(g.k)) }
	half := bin(token.MUL, bin(token.QUO, ref(g.i), ci("2")), ref(g.k))
	k := g.kernel(add(g.elem(), bin(token.ADD, bin(token.ADD,
		idx(ref(g.a), bin(token.ADD, ik(), ref(g.p))),
		idx(ref(g.a), bin(token.SUB, ik(), ref(g.p)))),
		idx(ref(g.b), bin(token.ADD, half, ref(g.p))))))
	got := fmt.Sprintf("%#v", kernelVariant(k, false, false))
	want := `
dc_r1 := c[i*n+j]
dc_h1 := i * k
for ; p < k; p++ {
dc_r1 += a[dc_h1+p] + a[dc_h1-p] + b[i/2*k+p]
}`
	if !strings.Contains(unindent(got), want) {
		t.Errorf("rewritten body lacks%s\ngot:\n%s", want, got)
	}
}

// TestScalarizeLabels checks that branches of the rewritten copy still
// name their loops.
func TestScalarizeLabels(t *testing.T) {
	g := newGEMM()
	q := local("q", intT)
	outer := forLoop("outer", decl(q, ci("0")), bin(token.LSS, ref(q), ci("2")), inc(q), nil)
	outer.Body = blk(
		g.loop,
		iff(bin(token.GTR, ref(q), ref(g.m)), blk(branch(ir.Continue, outer, true, true)), nil),
	)
	k := g.kernel(g.accumulate())
	k.Body.Stmts[2].(*ir.IfStmt).Then.Stmts[1] = outer
	got := fmt.Sprintf("%#v", kernelVariant(k, false, false))
	for _, s := range []string{"outer:\n", "continue outer", "dc_r1 += "} {
		if !strings.Contains(got, s) {
			t.Errorf("body lacks %q:\n%s", s, got)
		}
	}
}

// TestScalarizeChecks checks that an element whose index check is printed
// stays in memory, and is kept in a local in the fast body where launch
// conditions prove the check.
func TestScalarizeChecks(t *testing.T) {
	g := newGEMM()
	check := &ir.Check{ID: 1, Kind: ir.CheckIndex}
	load, store := g.elem(), g.elem()
	load.Check, store.Check = check, check
	k := g.kernel(set(store, bin(token.ADD, load, g.product())))
	if r := scalarize(k.Body, checkActive(false)); r != nil {
		t.Error("scalarize rewrote a loop whose element is checked")
	}
	check.When = []ir.LaunchExpr{{{Code: ir.LaunchConst, Arg: 1}}}
	if r := scalarize(k.Body, checkActive(false)); r != nil {
		t.Error("scalarize rewrote a loop whose element is checked (slow body)")
	}
	if r := scalarize(k.Body, checkActive(true)); r == nil {
		t.Error("scalarize left the fast body as it was")
	}
}

// TestScalarizeRefuses checks loops the rewrite must leave alone.
func TestScalarizeRefuses(t *testing.T) {
	g := newGEMM()
	effects := &ir.Func{Name: "sync", Barrier: true}
	reader := &ir.Func{Name: "get", Params: []*ir.Var{{Name: "s", Type: sliceOf(f32), Kind: ir.Param}}, Results: []ir.Type{f32}}
	assigned := param("e", sliceOf(f32))
	assigned.Assigned = true
	row := local("row", sliceOf(f32))
	x := local("x", f32)
	cases := []struct {
		name  string
		stmts func() []ir.Stmt
	}{
		{"reads a written slice", func() []ir.Stmt {
			return []ir.Stmt{add(g.elem(), idx(ref(g.d), ref(g.p)))}
		}},
		{"writes another slice", func() []ir.Stmt {
			return []ir.Stmt{g.accumulate(), set(idx(ref(g.d), ref(g.p)), num(f32, "1"))}
		}},
		{"atomic", func() []ir.Stmt {
			return []ir.Stmt{g.accumulate(), exprStmt(bi(ir.AtomicAdd, f32, idx(ref(g.d), ci("0")), num(f32, "1")))}
		}},
		{"barrier", func() []ir.Stmt {
			return []ir.Stmt{g.accumulate(), barrier()}
		}},
		{"call with effects", func() []ir.Stmt {
			return []ir.Stmt{g.accumulate(), exprStmt(call(effects))}
		}},
		{"passes c to a call", func() []ir.Stmt {
			return []ir.Stmt{add(g.elem(), call(reader, ref(g.c)))}
		}},
		{"index not invariant", func() []ir.Stmt {
			return []ir.Stmt{add(idx(ref(g.c), bin(token.ADD, bin(token.MUL, ref(g.i), ref(g.n)), ref(g.p))), g.product())}
		}},
		{"index from a local of the loop", func() []ir.Stmt {
			jj := local("jj", intT)
			return []ir.Stmt{decl(jj, ref(g.j)), add(idx(ref(g.c), ref(jj)), g.product())}
		}},
		{"other element of c", func() []ir.Stmt {
			return []ir.Stmt{add(g.elem(), idx(ref(g.c), ref(g.p)))}
		}},
		{"len of c", func() []ir.Stmt {
			return []ir.Stmt{add(g.elem(), conv(&ir.Len{X: ref(g.c)}, f32))}
		}},
		{"assigned read-only parameter", func() []ir.Stmt {
			return []ir.Stmt{add(g.elem(), idx(ref(assigned), ref(g.p)))}
		}},
		{"local slice", func() []ir.Stmt {
			return []ir.Stmt{decl(row, ref(g.a)), add(g.elem(), idx(ref(row), ref(g.p)))}
		}},
		{"return", func() []ir.Stmt {
			return []ir.Stmt{g.accumulate(), iff(bin(token.GTR, ref(g.p), ref(g.m)), blk(ret()), nil)}
		}},
		{"break before the write", func() []ir.Stmt {
			return []ir.Stmt{iff(bin(token.GTR, ref(g.p), ref(g.m)), blk(branch(ir.Break, g.loop, false, true)), nil), g.accumulate()}
		}},
		{"continue before the write", func() []ir.Stmt {
			return []ir.Stmt{iff(bin(token.GTR, ref(g.p), ref(g.m)), blk(branch(ir.Continue, g.loop, false, true)), nil), g.accumulate()}
		}},
		{"write only in an if", func() []ir.Stmt {
			return []ir.Stmt{iff(bin(token.GTR, ref(g.p), ref(g.m)), blk(g.accumulate()), nil)}
		}},
		{"read only", func() []ir.Stmt {
			return []ir.Stmt{decl(x, g.elem())}
		}},
	}
	for _, c := range cases {
		k := g.kernel(c.stmts()...)
		if r := scalarize(k.Body, checkActive(false)); r != nil {
			t.Errorf("%s: scalarize rewrote the loop:\n%#v", c.name, kernelVariant(k, false, false))
		}
	}
	// A loop whose condition calls a function is not rewritten.
	k := g.kernel(g.accumulate())
	g.loop.Cond = bin(token.LSS, ref(g.p), call(&ir.Func{Name: "bound", Results: []ir.Type{intT}}))
	if r := scalarize(k.Body, checkActive(false)); r != nil {
		t.Error("condition with a call: scalarize rewrote the loop")
	}
}

// TestScalarizeBreak checks that a break after the write is allowed: the
// element is stored after the loop however it ends.
func TestScalarizeBreak(t *testing.T) {
	g := newGEMM()
	k := g.kernel(g.accumulate(), iff(bin(token.GTR, ref(g.p), ref(g.m)), blk(branch(ir.Break, g.loop, false, true)), nil))
	got := fmt.Sprintf("%#v", kernelVariant(k, false, false))
	want := `
							for ; p < k; p++ {
								dc_r1 += a[dc_h1+p] * b[p*n+j]
								if p > m {
									break
								}
							}
							c[i*n+j] = dc_r1`
	if !strings.Contains(unindent(got), unindent(want)) {
		t.Errorf("rewritten body lacks%s\ngot:\n%s", want, got)
	}
}

// unindent returns s without the indentation of its lines.
func unindent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimLeft(l, "\t")
	}
	return strings.Join(lines, "\n")
}
