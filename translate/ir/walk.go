package ir

// WalkStmts calls visit for s and every statement nested in it, in order:
// blocks, the branches of if, the init, post and body of for, and the
// bodies of switch cases.
func WalkStmts(s Stmt, visit func(Stmt)) {
	if b, ok := s.(*Block); s == nil || ok && b == nil {
		return
	}
	visit(s)
	switch s := s.(type) {
	case *Block:
		for _, x := range s.Stmts {
			WalkStmts(x, visit)
		}
	case *IfStmt:
		WalkStmts(s.Then, visit)
		WalkStmts(s.Else, visit)
	case *ForStmt:
		WalkStmts(s.Init, visit)
		WalkStmts(s.Post, visit)
		WalkStmts(s.Body, visit)
	case *SwitchStmt:
		for _, c := range s.Cases {
			WalkStmts(c.Body, visit)
		}
	}
}

// WalkStmtExprs calls visit for every expression of s itself (not of
// nested statements), sub-expressions included.
func WalkStmtExprs(s Stmt, visit func(Expr)) {
	var roots []Expr
	switch s := s.(type) {
	case *DeclStmt:
		roots = []Expr{s.Init}
	case *AssignStmt:
		roots = []Expr{s.Target, s.Value}
	case *CallStmt:
		roots = append(roots, s.Targets...)
		if s.Call != nil {
			roots = append(roots, s.Call)
		}
	case *ExprStmt:
		roots = []Expr{s.X}
	case *IfStmt:
		roots = []Expr{s.Cond}
	case *ForStmt:
		roots = []Expr{s.Cond}
	case *SwitchStmt:
		roots = []Expr{s.Tag}
		for _, c := range s.Cases {
			roots = append(roots, c.Values...)
		}
	case *ReturnStmt:
		roots = s.Results
	}
	for _, e := range roots {
		WalkExpr(e, visit)
	}
}

// WalkExpr calls visit for e, then for every sub-expression of it.
func WalkExpr(e Expr, visit func(Expr)) {
	if e == nil {
		return
	}
	visit(e)
	switch e := e.(type) {
	case *Unary:
		WalkExpr(e.X, visit)
	case *Binary:
		WalkExpr(e.X, visit)
		WalkExpr(e.Y, visit)
	case *Convert:
		WalkExpr(e.X, visit)
	case *Index:
		WalkExpr(e.X, visit)
		WalkExpr(e.Index, visit)
	case *FieldRef:
		WalkExpr(e.X, visit)
	case *Len:
		WalkExpr(e.X, visit)
	case *StructLit:
		for _, x := range e.Fields {
			WalkExpr(x, visit)
		}
	case *ArrayLit:
		for _, x := range e.Elems {
			WalkExpr(x, visit)
		}
	case *SliceExpr:
		WalkExpr(e.X, visit)
		if e.Lo != nil {
			WalkExpr(e.Lo, visit)
		}
		if e.Hi != nil {
			WalkExpr(e.Hi, visit)
		}
	case *Call:
		for _, x := range e.Args {
			WalkExpr(x, visit)
		}
	case *BuiltinCall:
		for _, x := range e.Args {
			WalkExpr(x, visit)
		}
	}
}
