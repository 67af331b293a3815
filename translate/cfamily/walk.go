package cfamily

import "github.com/dotcompute/dc/translate/ir"

// walkStmts calls visit for s and every statement nested in it, in order.
func walkStmts(s ir.Stmt, visit func(ir.Stmt)) {
	if s == nil {
		return
	}
	visit(s)
	switch s := s.(type) {
	case *ir.Block:
		if s == nil {
			return
		}
		for _, x := range s.Stmts {
			walkStmts(x, visit)
		}
	case *ir.IfStmt:
		walkBlock(s.Then, visit)
		walkBlock(s.Else, visit)
	case *ir.ForStmt:
		walkStmts(s.Init, visit)
		walkStmts(s.Post, visit)
		walkBlock(s.Body, visit)
	case *ir.SwitchStmt:
		for _, c := range s.Cases {
			walkBlock(c.Body, visit)
		}
	}
}

func walkBlock(b *ir.Block, visit func(ir.Stmt)) {
	if b != nil {
		walkStmts(b, visit)
	}
}

// walkExprs calls visit for every expression of s itself (not of nested
// statements), sub-expressions included.
func walkExprs(s ir.Stmt, visit func(ir.Expr)) {
	var roots []ir.Expr
	switch s := s.(type) {
	case *ir.DeclStmt:
		roots = []ir.Expr{s.Init}
	case *ir.AssignStmt:
		roots = []ir.Expr{s.Target, s.Value}
	case *ir.CallStmt:
		roots = append(roots, s.Targets...)
		if s.Call != nil {
			roots = append(roots, s.Call)
		}
	case *ir.ExprStmt:
		roots = []ir.Expr{s.X}
	case *ir.IfStmt:
		roots = []ir.Expr{s.Cond}
	case *ir.ForStmt:
		roots = []ir.Expr{s.Cond}
	case *ir.SwitchStmt:
		roots = []ir.Expr{s.Tag}
		for _, c := range s.Cases {
			roots = append(roots, c.Values...)
		}
	case *ir.ReturnStmt:
		roots = s.Results
	}
	for _, e := range roots {
		walkExpr(e, visit)
	}
}

func walkExpr(e ir.Expr, visit func(ir.Expr)) {
	if e == nil {
		return
	}
	visit(e)
	switch e := e.(type) {
	case *ir.Unary:
		walkExpr(e.X, visit)
	case *ir.Binary:
		walkExpr(e.X, visit)
		walkExpr(e.Y, visit)
	case *ir.Convert:
		walkExpr(e.X, visit)
	case *ir.Index:
		walkExpr(e.X, visit)
		walkExpr(e.Index, visit)
	case *ir.FieldRef:
		walkExpr(e.X, visit)
	case *ir.Len:
		walkExpr(e.X, visit)
	case *ir.StructLit:
		for _, x := range e.Fields {
			walkExpr(x, visit)
		}
	case *ir.ArrayLit:
		for _, x := range e.Elems {
			walkExpr(x, visit)
		}
	case *ir.SliceExpr:
		walkExpr(e.X, visit)
		if e.Lo != nil {
			walkExpr(e.Lo, visit)
		}
		if e.Hi != nil {
			walkExpr(e.Hi, visit)
		}
	case *ir.Call:
		for _, x := range e.Args {
			walkExpr(x, visit)
		}
	case *ir.BuiltinCall:
		for _, x := range e.Args {
			walkExpr(x, visit)
		}
	}
}

// pure reports whether evaluating e has no effects (no calls, no atomics),
// so that it may be evaluated more than once.
func pure(e ir.Expr) bool {
	ok := true
	walkExpr(e, func(x ir.Expr) {
		switch x := x.(type) {
		case *ir.Call:
			ok = false
		case *ir.BuiltinCall:
			if x.Op.IsAtomic() || x.Op == ir.Barrier {
				ok = false
			}
		}
	})
	return ok
}
