package gocpu

import (
	"go/constant"
	"go/token"

	"github.com/dotcompute/dc/translate/ir"
)

// An x guard is the bounds test almost every kernel starts with:
//
//	if i := t.GlobalX(); i < n { body }     or     i := t.GlobalX()
//	                                             if i >= n { return }
//	                                             body
//
// with n invariant over the launch (a constant, a scalar parameter the
// kernel never assigns, or the length of a slice parameter it never
// reassigns). In the loop form, threads with GlobalX >= n do nothing, so the
// printer bounds the x loop by n instead and leaves the test out: the same
// threads run the same code, with one compare and branch less per thread.

// xGuard returns the kernel body without its x guard, and the guard's
// bound; ok is false if the body does not start with one.
func xGuard(k *ir.Kernel) (body *ir.Block, bound ir.Expr, ok bool) {
	stmts := k.Body.Stmts
	// if i := t.GlobalX(); i < n { ... } lowers to a block of the
	// declaration and the if.
	if len(stmts) == 1 {
		if b, isBlock := stmts[0].(*ir.Block); isBlock && len(b.Stmts) == 2 {
			if decl, idx := globalXDecl(b.Stmts[0]); decl != nil {
				if st, isIf := b.Stmts[1].(*ir.IfStmt); isIf && st.Else == nil {
					if n := below(st.Cond, idx, k); n != nil {
						inner := &ir.Block{Pos: b.Pos, Stmts: append([]ir.Stmt{decl}, st.Then.Stmts...)}
						return &ir.Block{Pos: k.Body.Pos, Stmts: []ir.Stmt{inner}}, n, true
					}
				}
			}
		}
	}
	// i := t.GlobalX(); if i >= n { return }; ...
	if len(stmts) >= 2 {
		if decl, idx := globalXDecl(stmts[0]); decl != nil {
			if st, isIf := stmts[1].(*ir.IfStmt); isIf && st.Else == nil && len(st.Then.Stmts) == 1 {
				if _, isRet := st.Then.Stmts[0].(*ir.ReturnStmt); isRet {
					if n := atOrAbove(st.Cond, idx, k); n != nil {
						rest := append([]ir.Stmt{decl}, stmts[2:]...)
						return &ir.Block{Pos: k.Body.Pos, Stmts: rest}, n, true
					}
				}
			}
		}
	}
	return k.Body, nil, false
}

// globalXDecl reports whether s declares a variable initialised to
// GlobalX, returning the statement and the variable.
func globalXDecl(s ir.Stmt) (*ir.DeclStmt, *ir.Var) {
	d, ok := s.(*ir.DeclStmt)
	if !ok || d.Init == nil {
		return nil, nil
	}
	if b, ok := d.Init.(*ir.BuiltinCall); ok && b.Op == ir.GlobalX {
		return d, d.Var
	}
	return nil, nil
}

// below returns n if cond is "i < n" (or "n > i") with n invariant.
func below(cond ir.Expr, i *ir.Var, k *ir.Kernel) ir.Expr {
	b, ok := cond.(*ir.Binary)
	if !ok {
		return nil
	}
	switch {
	case b.Op == token.LSS && ir.IsRef(b.X, i):
		return invariant(b.Y, k)
	case b.Op == token.GTR && ir.IsRef(b.Y, i):
		return invariant(b.X, k)
	}
	return nil
}

// atOrAbove returns n if cond is "i >= n" (or "n <= i") with n invariant.
func atOrAbove(cond ir.Expr, i *ir.Var, k *ir.Kernel) ir.Expr {
	b, ok := cond.(*ir.Binary)
	if !ok {
		return nil
	}
	switch {
	case b.Op == token.GEQ && ir.IsRef(b.X, i):
		return invariant(b.Y, k)
	case b.Op == token.LEQ && ir.IsRef(b.Y, i):
		return invariant(b.X, k)
	}
	return nil
}

// invariant returns n if it is an int the kernel cannot change while it
// runs: a constant, a parameter never assigned, or the length of one.
func invariant(n ir.Expr, k *ir.Kernel) ir.Expr {
	if !ir.IsKind(n.Type(), ir.Int) {
		return nil
	}
	switch e := n.(type) {
	case *ir.Const:
		return n
	case *ir.VarRef:
		if e.Var.Kind == ir.Param && !e.Var.Assigned {
			return n
		}
	case *ir.Len:
		if r, ok := e.X.(*ir.VarRef); ok && r.Var.Kind == ir.Param && !r.Var.Assigned {
			return n
		}
	}
	return nil
}

// A row guard is the bounds test of a 2-D or 3-D kernel:
//
//	x, y := t.GlobalX(), t.GlobalY()
//	if x >= 1 && x < w-1 && y >= 1 && y < h-1 { body }
//
// The conjuncts on x alone with invariant bounds bound the x loop, those
// without x are tested once per row of threads, around the x loop, and
// the rest stay in the body. Every conjunct must be free of effects and
// of run-time checks, so testing them in another order or fewer times
// changes nothing.
type rowGuard struct {
	lo, hi []ir.Expr // lower and upper bounds of the global x index
	row    ir.Expr   // the test of a row, nil if none
}

// findRowGuard returns body without the conjuncts of its row guard, and
// the guard; nil if body has none.
func findRowGuard(body *ir.Block, k *ir.Kernel) (*ir.Block, *rowGuard) {
	stmts := body.Stmts
	if len(stmts) == 0 {
		return body, nil
	}
	// A block of the declarations and the if, as `if x := ...; cond`
	// lowers, or the statements themselves.
	if len(stmts) == 1 {
		if b, ok := stmts[0].(*ir.Block); ok {
			inner, g := findRowGuard(b, k)
			if g == nil {
				return body, nil
			}
			return &ir.Block{Pos: body.Pos, Stmts: []ir.Stmt{inner}}, g
		}
	}
	global := map[*ir.Var]ir.Builtin{}
	n := 0
	for ; n < len(stmts)-1; n++ {
		d, ok := stmts[n].(*ir.DeclStmt)
		if !ok {
			return body, nil
		}
		b, ok := d.Init.(*ir.BuiltinCall)
		if !ok || b.Op > ir.GlobalZ {
			return body, nil
		}
		global[d.Var] = b.Op
	}
	ifs, ok := stmts[len(stmts)-1].(*ir.IfStmt)
	if !ok || ifs.Else != nil || len(global) == 0 {
		return body, nil
	}
	for _, s := range stmts {
		if assigns(s, global) {
			return body, nil
		}
	}
	g := &rowGuard{}
	var rest []ir.Expr
	var rows []ir.Expr
	for _, c := range ir.Conjuncts(ifs.Cond) {
		if !pureTest(c) {
			rest = append(rest, c)
			continue
		}
		if lo, hi, ok := xBound(c, global, k); ok {
			if lo != nil {
				g.lo = append(g.lo, lo)
			}
			if hi != nil {
				g.hi = append(g.hi, hi)
			}
			continue
		}
		if row, ok := rowTest(c, global); ok {
			rows = append(rows, row)
			continue
		}
		rest = append(rest, c)
	}
	g.row = ir.And(rows)
	if g.lo == nil && g.hi == nil && g.row == nil {
		return body, nil
	}
	out := &ir.Block{Pos: body.Pos, Stmts: append([]ir.Stmt(nil), stmts[:len(stmts)-1]...)}
	if len(rest) == 0 {
		out.Stmts = append(out.Stmts, ifs.Then)
	} else {
		out.Stmts = append(out.Stmts, &ir.IfStmt{Pos: ifs.Pos, Cond: ir.And(rest), Then: ifs.Then})
	}
	return out, g
}

// assigns reports whether s assigns one of the variables of vars.
func assigns(s ir.Stmt, vars map[*ir.Var]ir.Builtin) bool {
	found := false
	ir.InspectStmts(s, func(s ir.Stmt) {
		ir.Assigns(s, func(v *ir.Var) {
			_, ok := vars[v]
			found = found || ok
		})
	})
	return found
}

// pureTest reports whether e reads no memory, calls nothing and has no
// run-time check or integer division that could fail.
func pureTest(e ir.Expr) bool {
	ok := true
	ir.Inspect(e, func(n ir.Node) bool {
		switch n := n.(type) {
		case *ir.Const, *ir.VarRef, *ir.Unary, *ir.Convert, *ir.Len:
		case *ir.Binary:
			ok = ok && n.Check == nil && n.Op != token.QUO && n.Op != token.REM
		case *ir.BuiltinCall:
			ok = ok && n.Op.IsThread()
		default:
			ok = false
		}
		return ok
	})
	return ok
}

// xBound returns the bound c makes on the global x index: lo for x >= lo
// (x > lo-1), hi for x < hi (x <= hi-1), with the other side invariant.
func xBound(c ir.Expr, global map[*ir.Var]ir.Builtin, k *ir.Kernel) (lo, hi ir.Expr, ok bool) {
	b, isBin := c.(*ir.Binary)
	if !isBin {
		return nil, nil, false
	}
	isX := func(e ir.Expr) bool {
		switch e := e.(type) {
		case *ir.VarRef:
			op, ok := global[e.Var]
			return ok && op == ir.GlobalX
		case *ir.BuiltinCall:
			return e.Op == ir.GlobalX
		}
		return false
	}
	op, x, n := b.Op, b.X, b.Y
	if isX(n) {
		op, x, n = ir.Mirror(op), n, x
	}
	if !isX(x) || !invariantExpr(n, k) {
		return nil, nil, false
	}
	one := &ir.Const{T: ir.IntType, Value: constant.MakeInt64(1)}
	switch op {
	case token.GEQ:
		return n, nil, true
	case token.GTR:
		return &ir.Binary{Op: token.ADD, X: n, Y: one, T: ir.IntType}, nil, true
	case token.LSS:
		return nil, n, true
	case token.LEQ:
		return nil, &ir.Binary{Op: token.ADD, X: n, Y: one, T: ir.IntType}, true
	}
	return nil, nil, false
}

// invariantExpr reports whether e is an int the kernel cannot change
// while it runs: invariant (see invariant) or sums, differences and
// products of such values.
func invariantExpr(e ir.Expr, k *ir.Kernel) bool {
	if b, ok := e.(*ir.Binary); ok && b.Check == nil && (b.Op == token.ADD || b.Op == token.SUB || b.Op == token.MUL) {
		return ir.IsKind(b.T, ir.Int) && invariantExpr(b.X, k) && invariantExpr(b.Y, k)
	}
	return invariant(e, k) != nil
}

// rowTest returns c with the variables of GlobalY and GlobalZ replaced by
// the builtins, if c reads neither the x index nor any other local: a
// test every thread of a row of threads agrees on.
func rowTest(c ir.Expr, global map[*ir.Var]ir.Builtin) (ir.Expr, bool) {
	ok := true
	ir.Inspect(c, func(n ir.Node) bool {
		switch n := n.(type) {
		case *ir.VarRef:
			op, isGlobal := global[n.Var]
			ok = ok && (isGlobal && op != ir.GlobalX || n.Var.Kind == ir.Param && !n.Var.Assigned)
		case *ir.BuiltinCall:
			// The x-dependent builtins differ along a row.
			ok = ok && n.Op != ir.GlobalX && n.Op != ir.LocalX && n.Op != ir.GroupX
		}
		return ok
	})
	if !ok {
		return nil, false
	}
	return ir.RewriteExpr(c, func(e ir.Expr) (ir.Expr, bool) {
		if r, isRef := e.(*ir.VarRef); isRef {
			if op, isGlobal := global[r.Var]; isGlobal {
				return &ir.BuiltinCall{Op: op, T: ir.IntType}, true
			}
		}
		return nil, false
	}), true
}
