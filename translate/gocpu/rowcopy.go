package gocpu

import (
	"go/constant"
	"go/token"

	"github.com/dave/jennifer/jen"

	"github.com/dotcompute/dc/translate/ir"
	"github.com/dotcompute/dc/translate/threadloop"
)

// A thread loop of the group form that only moves data, one element per
// thread, is a copy: staging a tile of a global slice in shared memory
// (sh[l] = in[i], zero past the end), writing a shared result back, or a
// per-thread value taken from a neighbour (add = sh[l-s] when l >= s).
// The Go compiler does not vectorise the thread loop, but copy and clear
// move a row of threads many elements at a time, as LLVM's loop-idiom
// pass does for PoCL's work-group loops. rowCopy recognises such a loop
// in the IR and rowCopyCode prints it as copy and clear per row of the
// group's threads.
//
// Thread x of a row stores dst[d+x] (d the same for the whole row); it
// stores the in value if the guard holds for it and the out value
// otherwise, each one of: src[s+x] for a src in other memory, zero, or
// nothing. Every comparison in the guard sets one side, a+x, against a
// bound b the same for the row, so the threads that store the in value
// are one range of the row. The code computes the range with cpu.Below
// and cpu.AtMost, exact where a+x does not wrap around (cpu.NoWrap): the
// loop as written runs otherwise.
//
// Only loops whose accesses need no fault check qualify (dckgen proved
// them within bounds for every thread that makes them), whose other
// statements only compute locals without effects, and whose source and
// destination cannot overlap: different shared arrays, per-thread
// variables, a shared array and a slice, or two slice parameters in a
// launch where they are different buffers.
type rowCopy struct {
	dst     copyPlace
	in, out copyLeaf
	uniform []ir.Expr   // conditions the same for the row, all must hold for the in value
	cmps    []copyBound // comparisons of a+x with a bound, all must hold for the in value
}

// copyPlace is the element thread x of a row reads or writes: arr[base+x],
// or its own value of the per-thread variable pt.
type copyPlace struct {
	arr  ir.Expr // the array (or pointer to one) or slice, the same for the row
	base ir.Expr
	pt   *ir.Var
	root any // the memory: *ir.Shared, or the *ir.Var of a slice parameter or per-thread variable
	elem ir.Type
}

// copyLeaf is what a thread stores.
type copyLeaf struct {
	kind leafKind
	src  copyPlace // for leafLoad
}

type leafKind int

const (
	leafKeep leafKind = iota // nothing: the element keeps its value
	leafZero                 // the zero value
	leafLoad                 // the element src
)

// copyBound is the comparison a+x op b.
type copyBound struct {
	a  ir.Expr
	op token.Token // LSS, LEQ, GTR or GEQ
	b  ir.Expr
}

// sym is the value of an expression of a thread loop's body in terms of
// the thread's x index: symExpr, symLoad, symZero, symKeep or symSel.
type sym any

type (
	// symExpr is an expression without loads (the body's locals replaced
	// by their values).
	symExpr struct{ e ir.Expr }
	// symLoad is the element of a place.
	symLoad struct{ at copyPlace }
	// symZero is the zero value of a local declared without one.
	symZero struct{}
	// symKeep is the value a per-thread variable or an element had
	// before the body ran.
	symKeep struct{}
	// symSel is then where cond holds, els where it does not.
	symSel struct {
		cond      ir.Expr
		then, els sym
	}
)

// copyMatch is the state of matching one thread loop's body.
type copyMatch struct {
	p      *printer
	env    map[*ir.Var]sym // the body's locals
	outs   map[*ir.Var]sym // per-thread variables the body assigns
	store  *copyPlace      // the one element of memory the body stores
	value  sym             // what it stores there
	guards []ir.Expr       // the conditions of the ifs around the statement being matched
	failed bool
}

// rowCopy returns the copy that thread loop s is, or nil if it is none.
func (p *printer) rowCopy(s *ir.ThreadLoop) *rowCopy {
	if p.group == nil || p.usesFaults(s.Body) {
		return nil
	}
	m := &copyMatch{p: p, env: map[*ir.Var]sym{}, outs: map[*ir.Var]sym{}}
	m.block(s.Body)
	if m.failed {
		return nil
	}
	var dst copyPlace
	var val sym
	switch {
	case m.store != nil && len(m.outs) == 0:
		dst, val = *m.store, m.value
	case m.store == nil && len(m.outs) == 1:
		for v, x := range m.outs {
			dst, val = copyPlace{pt: v, root: v, elem: v.Type}, x
		}
	default:
		return nil
	}
	rc := &rowCopy{dst: dst}
	conds, in, out, ok := flatten(val)
	if !ok {
		return nil
	}
	if rc.in, ok = m.leaf(in, dst); !ok {
		return nil
	}
	if rc.out, ok = m.leaf(out, dst); !ok {
		return nil
	}
	if rc.in.kind == leafKeep && rc.out.kind == leafKeep {
		return nil
	}
	if dst.pt == nil && !m.hoistable(dst.base, false) {
		return nil
	}
	for _, c := range conds {
		if !m.condition(rc, c) {
			return nil
		}
	}
	return rc
}

func (m *copyMatch) fail() { m.failed = true }

func (m *copyMatch) block(b *ir.Block) {
	for _, s := range b.Stmts {
		if m.failed {
			return
		}
		if m.store != nil {
			// The store ends the body: nothing may read what it wrote.
			m.fail()
			return
		}
		m.stmt(s)
	}
}

func (m *copyMatch) stmt(s ir.Stmt) {
	switch s := s.(type) {
	case *ir.Block:
		m.block(s)
	case *ir.DeclStmt:
		if m.p.group.perThread[s.Var] {
			m.fail()
			return
		}
		if s.Init == nil {
			m.env[s.Var] = symZero{}
			return
		}
		m.env[s.Var] = m.expr(s.Init)
	case *ir.AssignStmt:
		val := m.expr(s.Value)
		switch t := s.Target.(type) {
		case *ir.VarRef:
			if old, ok := m.env[t.Var]; ok {
				m.env[t.Var] = m.guarded(val, old)
				return
			}
			if !m.p.group.perThread[t.Var] {
				m.fail()
				return
			}
			old, ok := m.outs[t.Var]
			if !ok {
				old = symKeep{}
			}
			m.outs[t.Var] = m.guarded(val, old)
		case *ir.Index:
			at, ok := m.place(t)
			if !ok {
				m.fail()
				return
			}
			m.store, m.value = &at, m.guarded(val, symKeep{})
		default:
			m.fail()
		}
	case *ir.IfStmt:
		c, ok := m.expr(s.Cond).(symExpr)
		if !ok {
			m.fail()
			return
		}
		m.guards = append(m.guards, c.e)
		m.block(s.Then)
		m.guards = m.guards[:len(m.guards)-1]
		if s.Else != nil {
			m.guards = append(m.guards, &ir.Unary{Op: token.NOT, X: c.e, T: ir.BoolType})
			m.block(s.Else)
			m.guards = m.guards[:len(m.guards)-1]
		}
	default:
		m.fail()
	}
}

// guarded returns the value of a variable or element set to v under the
// conditions of the enclosing ifs, old where they do not hold.
func (m *copyMatch) guarded(v, old sym) sym {
	if len(m.guards) == 0 {
		return v
	}
	return symSel{cond: ir.And(m.guards), then: v, els: old}
}

// expr returns the value of e.
func (m *copyMatch) expr(e ir.Expr) sym {
	switch e := e.(type) {
	case *ir.VarRef:
		if v, ok := m.env[e.Var]; ok {
			return v
		}
		if m.p.group.perThread[e.Var] {
			if v, ok := m.outs[e.Var]; ok {
				return v
			}
			return symLoad{copyPlace{pt: e.Var, root: e.Var, elem: e.Var.Type}}
		}
		return symExpr{e}
	case *ir.Index:
		at, ok := m.place(e)
		if !ok {
			m.fail()
			return nil
		}
		return symLoad{at}
	}
	r, ok := m.subst(e, false)
	if !ok {
		m.fail()
		return nil
	}
	return symExpr{r}
}

// subst returns e with the body's locals replaced by their values, if it
// has no loads (but rows of arrays where rows says so), calls or effects.
func (m *copyMatch) subst(e ir.Expr, rows bool) (ir.Expr, bool) {
	ok := true
	r := ir.RewriteExpr(e, func(x ir.Expr) (ir.Expr, bool) {
		switch x := x.(type) {
		case *ir.VarRef:
			if v, in := m.env[x.Var]; in {
				if s, isExpr := v.(symExpr); isExpr {
					return s.e, true
				}
				ok = false
			} else if m.p.group.perThread[x.Var] {
				ok = false
			}
		case *ir.Index:
			ok = ok && rows && !m.p.active(x.Check)
		case *ir.Call, *ir.SliceExpr, *ir.StructLit, *ir.ArrayLit:
			ok = false
		case *ir.BuiltinCall:
			ok = ok && !x.Op.IsAtomic() && x.Op != ir.Barrier
		case *ir.Binary:
			ok = ok && !m.p.active(x.Check)
		}
		return x, !ok
	})
	return r, ok
}

// place returns the element an index expression of the body refers to,
// if thread x's is arr[base+x] with arr and base the same for the row.
func (m *copyMatch) place(e *ir.Index) (copyPlace, bool) {
	if m.p.active(e.Check) {
		return copyPlace{}, false
	}
	idx, ok := m.subst(e.Index, false)
	if !ok {
		return copyPlace{}, false
	}
	base, ok := affine(idx)
	if !ok {
		return copyPlace{}, false
	}
	arr, ok := m.subst(e.X, true)
	if !ok || !m.hoistable(arr, true) {
		return copyPlace{}, false
	}
	root := memoryOf(arr)
	if root == nil {
		return copyPlace{}, false
	}
	return copyPlace{arr: arr, base: base, root: root, elem: e.T}, true
}

// memoryOf returns the memory arr is in: the shared array or the slice
// parameter, nil if neither.
func memoryOf(arr ir.Expr) any {
	switch a := arr.(type) {
	case *ir.SharedRef:
		return a.Shared
	case *ir.VarRef:
		if _, ok := a.Var.Type.(*ir.Slice); ok && a.Var.Kind == ir.Param {
			return a.Var
		}
	case *ir.Index:
		if _, ok := a.T.(*ir.Array); ok {
			return memoryOf(a.X)
		}
	}
	return nil
}

// affine returns base if e is base+x for the thread's x index (the local
// or global one) and a base the same for the row.
func affine(e ir.Expr) (ir.Expr, bool) {
	if !ir.IsKind(e.Type(), ir.Int) {
		return nil, false
	}
	switch e := e.(type) {
	case *ir.BuiltinCall:
		switch e.Op {
		case ir.LocalX:
			return &ir.Const{T: ir.IntType, Value: constant.MakeInt64(0)}, true
		case ir.GlobalX:
			return &ir.Binary{Op: token.MUL, X: &ir.BuiltinCall{Op: ir.GroupX, T: ir.IntType},
				Y: &ir.BuiltinCall{Op: ir.GroupSizeX, T: ir.IntType}, T: ir.IntType}, true
		}
	case *ir.Binary:
		if e.Check != nil || e.Op != token.ADD && e.Op != token.SUB {
			return nil, false
		}
		if b, ok := affine(e.X); ok && !dependsOnX(e.Y) {
			return &ir.Binary{Op: e.Op, X: b, Y: e.Y, T: ir.IntType}, true
		}
		if b, ok := affine(e.Y); ok && e.Op == token.ADD && !dependsOnX(e.X) {
			return &ir.Binary{Op: token.ADD, X: e.X, Y: b, T: ir.IntType}, true
		}
	}
	return nil, false
}

// dependsOnX reports whether e, with the body's locals replaced, differs
// between the threads of a row.
func dependsOnX(e ir.Expr) bool {
	dep := false
	ir.InspectExprs(e, func(x ir.Expr) {
		if b, ok := x.(*ir.BuiltinCall); ok && (b.Op == ir.LocalX || b.Op == ir.GlobalX) {
			dep = true
		}
	})
	return dep
}

// hoistable reports whether e can be evaluated once per row, before the
// threads run: it is the same for every thread of the row, and evaluating
// it cannot fail or have an effect. A row of a shared array (an index
// whose result is an array) is allowed where rows says so.
func (m *copyMatch) hoistable(e ir.Expr, rows bool) bool {
	if dependsOnX(e) {
		return false
	}
	ok := true
	ir.InspectExprs(e, func(x ir.Expr) {
		switch x := x.(type) {
		case *ir.Const, *ir.SharedRef, *ir.Unary, *ir.Convert, *ir.Len:
		case *ir.VarRef:
			ok = ok && !m.p.group.perThread[x.Var]
		case *ir.Binary:
			ok = ok && x.Check == nil
		case *ir.BuiltinCall:
			ok = ok && (x.Op.IsThread() || x.Op == ir.Min || x.Op == ir.Max)
		case *ir.Index:
			_, isRow := x.T.(*ir.Array)
			ok = ok && rows && isRow && !m.p.active(x.Check)
		default:
			ok = false
		}
	})
	return ok
}

// flatten returns the conditions under which thread x stores in, and
// what it stores otherwise: v is a leaf, or one if-else of leaves, or
// ifs nested in the then branches with one else value.
func flatten(v sym) (conds []ir.Expr, in, out sym, ok bool) {
	s, isSel := v.(symSel)
	if !isSel {
		return nil, v, symKeep{}, true
	}
	if _, nested := s.els.(symSel); nested {
		return nil, nil, nil, false
	}
	if inner, nested := s.then.(symSel); nested {
		c2, in2, out2, ok := flatten(inner)
		if !ok || !sameLeaf(out2, s.els) {
			return nil, nil, nil, false
		}
		return append(ir.Conjuncts(s.cond), c2...), in2, s.els, true
	}
	return ir.Conjuncts(s.cond), s.then, s.els, true
}

// sameLeaf reports whether a and b are the same store: both nothing, or
// both zero (the same load would need the same expressions).
func sameLeaf(a, b sym) bool {
	switch a.(type) {
	case symKeep:
		_, ok := b.(symKeep)
		return ok
	case symZero:
		_, ok := b.(symZero)
		return ok
	}
	return false
}

// leaf returns what storing v to dst is.
func (m *copyMatch) leaf(v sym, dst copyPlace) (copyLeaf, bool) {
	switch v := v.(type) {
	case symKeep:
		return copyLeaf{kind: leafKeep}, true
	case symZero:
		return copyLeaf{kind: leafZero}, true
	case symExpr:
		if c, ok := v.e.(*ir.Const); ok && isZero(c) {
			return copyLeaf{kind: leafZero}, true
		}
	case symLoad:
		src := v.at
		if src.root == dst.root {
			if dst.pt != nil {
				// A per-thread variable set to its own value.
				return copyLeaf{kind: leafKeep}, true
			}
			return copyLeaf{}, false
		}
		if ir.BasicOf(src.elem) == nil || !sameType(src.elem, dst.elem) {
			return copyLeaf{}, false
		}
		if a, ok := src.root.(*ir.Var); ok && a.Kind == ir.Param {
			if b, ok := dst.root.(*ir.Var); ok && b.Kind == ir.Param && m.p.aliased {
				return copyLeaf{}, false
			}
		}
		if src.pt == nil && !m.hoistable(src.base, false) {
			return copyLeaf{}, false
		}
		return copyLeaf{kind: leafLoad, src: src}, true
	}
	return copyLeaf{}, false
}

// isZero reports whether c is the zero value of its type (go/constant
// has no negative zero: a float constant zero is +0, what clear stores).
func isZero(c *ir.Const) bool {
	switch c.Value.Kind() {
	case constant.Int, constant.Float:
		return constant.Sign(c.Value) == 0
	case constant.Bool:
		return !constant.BoolVal(c.Value)
	}
	return false
}

// condition adds conjunct c of the guard to rc: a condition the same for
// the row, or a comparison of a+x with a bound.
func (m *copyMatch) condition(rc *rowCopy, c ir.Expr) bool {
	if !dependsOnX(c) {
		if !m.hoistable(c, false) {
			return false
		}
		rc.uniform = append(rc.uniform, c)
		return true
	}
	negate := false
	if u, ok := c.(*ir.Unary); ok && u.Op == token.NOT {
		negate, c = true, u.X
	}
	b, ok := c.(*ir.Binary)
	if !ok || b.Check != nil {
		return false
	}
	op := b.Op
	switch op {
	case token.LSS, token.LEQ, token.GTR, token.GEQ:
	default:
		return false
	}
	x, bound := b.X, b.Y
	if !dependsOnX(x) {
		x, bound, op = bound, x, ir.Mirror(op)
	}
	a, ok := affine(x)
	if !ok || !m.hoistable(a, false) || !m.hoistable(bound, false) || !ir.IsKind(bound.Type(), ir.Int) {
		return false
	}
	if negate {
		op = map[token.Token]token.Token{token.LSS: token.GEQ, token.LEQ: token.GTR, token.GTR: token.LEQ, token.GEQ: token.LSS}[op]
	}
	rc.cmps = append(rc.cmps, copyBound{a: a, op: op, b: bound})
	return true
}

// rowCopyCode returns the statements that run copy rc for the row of
// threads [lo, hi). With comparisons in the guard the copy runs only where
// cpu.NoWrap holds, then continues the loop over the rows, and the second
// result is true: the thread loop as written must follow.
func (p *printer) rowCopyCode(rc *rowCopy, lo, hi jen.Code) ([]jen.Code, bool) {
	id := jen.Id
	decl := jen.List(id("dc_clo"), id("dc_chi")).Op(":=").List(lo, jen.Max(lo, hi))
	body := []jen.Code{
		jen.List(id("dc_c0"), id("dc_c1")).Op(":=").List(id("dc_clo"), id("dc_chi")),
	}
	var ok []jen.Code
	checked := map[string]bool{}
	for _, c := range rc.cmps {
		a, b := p.inner(c.a, false), p.inner(c.b, false)
		// a+x for x >= 0 cannot wrap where a <= 0.
		if k, isConst := c.a.(*ir.Const); (!isConst || constant.Sign(k.Value) > 0) && !checked[fmtCode(a)] {
			checked[fmtCode(a)] = true
			ok = append(ok, jen.Qual(cpuPath, "NoWrap").Call(a, id("dc_chi")))
		}
		fn := "Below"
		if c.op == token.LEQ || c.op == token.GTR {
			fn = "AtMost"
		}
		at := jen.Qual(cpuPath, fn).Call(a, b, id("dc_clo"), id("dc_chi"))
		if c.op == token.LSS || c.op == token.LEQ {
			body = append(body, id("dc_c1").Op("=").Min(id("dc_c1"), at))
		} else {
			body = append(body, id("dc_c0").Op("=").Max(id("dc_c0"), at))
		}
	}
	if len(rc.uniform) > 0 {
		body = append(body, jen.If(jen.Op("!").Parens(p.inner(ir.And(rc.uniform), false))).Block(
			id("dc_c1").Op("=").Id("dc_c0")))
	}
	body = append(body, id("dc_c1").Op("=").Max(id("dc_c0"), id("dc_c1")))
	body = append(body, p.copyLeafCode(rc.dst, rc.in, id("dc_c0"), id("dc_c1")))
	if rc.out.kind != leafKeep {
		body = append(body,
			p.copyLeafCode(rc.dst, rc.out, id("dc_clo"), id("dc_c0")),
			p.copyLeafCode(rc.dst, rc.out, id("dc_c1"), id("dc_chi")))
	}
	if len(ok) == 0 {
		return append([]jen.Code{decl}, body...), false
	}
	cond := ok[0]
	for _, c := range ok[1:] {
		cond = jen.Add(cond).Op("&&").Add(c)
	}
	return []jen.Code{decl, jen.If(cond).Block(append(body, jen.Continue())...)}, true
}

// copyLeafCode returns the statement storing leaf l for the threads [from,
// to) of the row into dst.
func (p *printer) copyLeafCode(dst copyPlace, l copyLeaf, from, to jen.Code) jen.Code {
	if l.kind == leafKeep {
		return jen.Null()
	}
	d := p.copySlice(dst, from, to)
	st := jen.Clear(d)
	if l.kind == leafLoad {
		st = jen.Copy(d, p.copySlice(l.src, from, to))
	}
	return jen.If(jen.Add(from).Op("<").Add(to)).Block(st)
}

// copySlice returns the elements of place at for the threads [from, to)
// of the row.
func (p *printer) copySlice(at copyPlace, from, to jen.Code) *jen.Statement {
	if at.pt != nil {
		plus := func(x jen.Code) *jen.Statement {
			if fmtCode(x) == "0" {
				return jen.Id("dc_t0")
			}
			return jen.Id("dc_t0").Op("+").Add(x)
		}
		return jen.Id(p.name(at.pt)).Index(plus(from), plus(to))
	}
	base := p.inner(at.base, false)
	if _, ok := at.base.(*ir.Binary); ok {
		base = jen.Parens(base)
	}
	if c, ok := at.base.(*ir.Const); ok && isZero(c) {
		return p.primary(at.arr).Index(from, to)
	}
	return p.primary(at.arr).Index(base.Clone().Op("+").Add(from), base.Clone().Op("+").Add(to))
}

// stagesFirst reports whether the group body g starts with a thread loop
// that is a copy (see rowCopy) into the one-dimensional shared array sh
// at the thread's local x index, every thread of its rows storing (the
// copied value or zero): elements below the group's x size are then
// written before anything can read them, and need not be zeroed first.
func (p *printer) stagesFirst(g *threadloop.Group, sh *ir.Shared) bool {
	// The per-thread variables' declarations come first.
	stmts := g.Body.Stmts
	for len(stmts) > 0 {
		if d, ok := stmts[0].(*ir.DeclStmt); !ok || d.Init != nil {
			break
		}
		stmts = stmts[1:]
	}
	if len(stmts) == 0 {
		return false
	}
	tl, ok := stmts[0].(*ir.ThreadLoop)
	if !ok || tl.XLo != nil || tl.XHi != nil {
		return false
	}
	if _, nested := sh.Type.Elem.(*ir.Array); nested {
		return false
	}
	rc := p.rowCopy(tl)
	if rc == nil || rc.in.kind == leafKeep || rc.out.kind == leafKeep || rc.dst.root != sh {
		return false
	}
	if _, direct := rc.dst.arr.(*ir.SharedRef); !direct {
		return false
	}
	c, ok := rc.dst.base.(*ir.Const)
	return ok && isZero(c)
}
