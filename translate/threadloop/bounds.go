package threadloop

import (
	"go/token"

	"github.com/dotcompute/dc/translate/ir"
)

// narrow bounds the thread loops whose body is one if statement whose
// condition starts with bounds on the thread's local x index, as in
// tree reductions (if l < s) and scans (if l >= s): the loop then visits
// only the threads that pass them (ThreadLoop.XLo, XHi), and the if keeps
// the rest of its condition. Pure declarations may come before the if.
func (t *pass) narrow() {
	for _, l := range t.loops {
		t.narrowLoop(l.tl)
	}
}

func (t *pass) narrowLoop(tl *ir.ThreadLoop) {
	stmts := tl.Body.Stmts
	if len(stmts) == 0 || tl.XLo != nil || tl.XHi != nil {
		return
	}
	local := map[*ir.Var]bool{} // declared in the loop with the value LocalX
	inLoop := map[*ir.Var]bool{}
	for _, s := range stmts[:len(stmts)-1] {
		d, ok := s.(*ir.DeclStmt)
		if !ok || d.Init != nil && !harmless(d.Init) {
			return
		}
		inLoop[d.Var] = true
		if b, ok := d.Init.(*ir.BuiltinCall); ok && b.Op == ir.LocalX {
			local[d.Var] = true
		}
	}
	ifs, ok := stmts[len(stmts)-1].(*ir.IfStmt)
	if !ok || ifs.Else != nil {
		return
	}
	isLocal := func(e ir.Expr) bool {
		switch e := e.(type) {
		case *ir.BuiltinCall:
			return e.Op == ir.LocalX
		case *ir.VarRef:
			return local[e.Var]
		}
		return false
	}
	invariant := func(e ir.Expr) bool {
		return pureOver(e, func(v *ir.Var) bool {
			return !inLoop[v] && !t.perThread[v] && (v.Kind != ir.Param || !v.Assigned)
		})
	}
	conj := ir.Conjuncts(ifs.Cond)
	var lo, hi []ir.Expr
	n := 0
	for _, c := range conj {
		b, ok := c.(*ir.Binary)
		if !ok {
			break
		}
		op, x, y := b.Op, b.X, b.Y
		if isLocal(y) && invariant(x) {
			op, x, y = ir.Mirror(op), y, x
		}
		if !isLocal(x) || !invariant(y) {
			break
		}
		one := intConst(1)
		plus1 := func(e ir.Expr) ir.Expr { return &ir.Binary{Op: token.ADD, X: e, Y: one, T: ir.IntType} }
		switch op {
		case token.LSS:
			hi = append(hi, y)
		case token.LEQ:
			hi = append(hi, plus1(y))
		case token.GTR:
			lo = append(lo, plus1(y))
		case token.GEQ:
			lo = append(lo, y)
		case token.EQL:
			lo, hi = append(lo, y), append(hi, plus1(y))
		default:
			n = -1
		}
		if n < 0 {
			break
		}
		n++
	}
	if n <= 0 {
		return
	}
	tl.XLo, tl.XHi = combine(ir.Max, lo), combine(ir.Min, hi)
	if rest := conj[n:]; len(rest) > 0 {
		ifs.Cond = ir.And(rest)
	} else {
		tl.Body.Stmts[len(stmts)-1] = ifs.Then
	}
}

// harmless reports whether skipping e for a thread changes nothing: it
// has no effects, reads no memory and cannot fail (no division by a
// value that may be zero).
func harmless(e ir.Expr) bool {
	ok := true
	ir.Inspect(e, func(n ir.Node) bool {
		switch n := n.(type) {
		case *ir.Index, *ir.SliceExpr, *ir.Call:
			ok = false
		case *ir.BuiltinCall:
			ok = ok && !n.Op.IsAtomic() && n.Op != ir.Barrier
		case *ir.Binary:
			if n.Op == token.QUO || n.Op == token.REM {
				_, isConst := n.Y.(*ir.Const)
				b, isBasic := n.T.(*ir.Basic)
				ok = ok && (isConst || isBasic && b.Kind.IsFloat())
			}
		}
		return ok
	})
	return ok
}

// combine returns min or max of es, nil if there is none.
func combine(op ir.Builtin, es []ir.Expr) ir.Expr {
	switch len(es) {
	case 0:
		return nil
	case 1:
		return es[0]
	}
	return &ir.BuiltinCall{Op: op, Args: es, T: ir.IntType}
}
