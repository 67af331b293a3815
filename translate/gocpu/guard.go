package gocpu

import (
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
	case b.Op == token.LSS && isVar(b.X, i):
		return invariant(b.Y, k)
	case b.Op == token.GTR && isVar(b.Y, i):
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
	case b.Op == token.GEQ && isVar(b.X, i):
		return invariant(b.Y, k)
	case b.Op == token.LEQ && isVar(b.Y, i):
		return invariant(b.X, k)
	}
	return nil
}

func isVar(e ir.Expr, v *ir.Var) bool {
	r, ok := e.(*ir.VarRef)
	return ok && r.Var == v
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
