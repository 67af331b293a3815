package ir

// Node is anything Inspect visits: a statement (Stmt), an expression (Expr)
// or a switch case (*Case).
type Node interface{ node() }

func (*Block) node()      {}
func (*DeclStmt) node()   {}
func (*AssignStmt) node() {}
func (*CallStmt) node()   {}
func (*ExprStmt) node()   {}
func (*IfStmt) node()     {}
func (*ForStmt) node()    {}
func (*SwitchStmt) node() {}
func (*BranchStmt) node() {}
func (*ReturnStmt) node() {}
func (*Case) node()       {}

func (*Const) node()       {}
func (*VarRef) node()      {}
func (*SharedRef) node()   {}
func (*Unary) node()       {}
func (*Binary) node()      {}
func (*Convert) node()     {}
func (*Index) node()       {}
func (*FieldRef) node()    {}
func (*Len) node()         {}
func (*StructLit) node()   {}
func (*ArrayLit) node()    {}
func (*SliceExpr) node()   {}
func (*Call) node()        {}
func (*BuiltinCall) node() {}

// Inspect traverses the tree rooted at n in depth-first order, as
// go/ast.Inspect does: it calls f(n) and, if that returns true, inspects
// each non-nil child of n in source order, then returns. The children of a
// node are the statements and expressions it holds: the statements of a
// block; the initial value of a declaration; the target and value of an
// assignment; the targets and call of a CallStmt; the condition, then and
// else of an if; the init, condition, post and body of a for; the tag and
// cases of a switch, and the values and body of a case; the results of a
// return; the operands of an expression. A BranchStmt's Target is a
// reference, not a child. Nil children (a missing else, a nil CallStmt
// target, an absent slice bound) are skipped.
func Inspect(n Node, f func(Node) bool) {
	if isNil(n) || !f(n) {
		return
	}
	switch n := n.(type) {
	case *Block:
		for _, s := range n.Stmts {
			inspectStmt(s, f)
		}
	case *DeclStmt:
		inspectExpr(n.Init, f)
	case *AssignStmt:
		inspectExpr(n.Target, f)
		inspectExpr(n.Value, f)
	case *CallStmt:
		inspectExprs(n.Targets, f)
		if n.Call != nil {
			Inspect(n.Call, f)
		}
	case *ExprStmt:
		inspectExpr(n.X, f)
	case *IfStmt:
		inspectExpr(n.Cond, f)
		inspectBlock(n.Then, f)
		inspectBlock(n.Else, f)
	case *ForStmt:
		inspectStmt(n.Init, f)
		inspectExpr(n.Cond, f)
		inspectStmt(n.Post, f)
		inspectBlock(n.Body, f)
	case *SwitchStmt:
		inspectExpr(n.Tag, f)
		for _, c := range n.Cases {
			if c != nil {
				Inspect(c, f)
			}
		}
	case *Case:
		inspectExprs(n.Values, f)
		inspectBlock(n.Body, f)
	case *BranchStmt:
	case *ReturnStmt:
		inspectExprs(n.Results, f)

	case *Const, *VarRef, *SharedRef:
	case *Unary:
		inspectExpr(n.X, f)
	case *Binary:
		inspectExpr(n.X, f)
		inspectExpr(n.Y, f)
	case *Convert:
		inspectExpr(n.X, f)
	case *Index:
		inspectExpr(n.X, f)
		inspectExpr(n.Index, f)
	case *FieldRef:
		inspectExpr(n.X, f)
	case *Len:
		inspectExpr(n.X, f)
	case *StructLit:
		inspectExprs(n.Fields, f)
	case *ArrayLit:
		inspectExprs(n.Elems, f)
	case *SliceExpr:
		inspectExpr(n.X, f)
		inspectExpr(n.Lo, f)
		inspectExpr(n.Hi, f)
	case *Call:
		inspectExprs(n.Args, f)
	case *BuiltinCall:
		inspectExprs(n.Args, f)
	}
}

// isNil reports whether n is nil or a nil pointer of one of the node types
// whose fields may legitimately be left nil (*Block, *Call, *Case).
func isNil(n Node) bool {
	switch n := n.(type) {
	case nil:
		return true
	case *Block:
		return n == nil
	case *Call:
		return n == nil
	case *Case:
		return n == nil
	}
	return false
}

func inspectExpr(e Expr, f func(Node) bool) {
	if e != nil {
		Inspect(e, f)
	}
}

func inspectExprs(es []Expr, f func(Node) bool) {
	for _, e := range es {
		inspectExpr(e, f)
	}
}

func inspectStmt(s Stmt, f func(Node) bool) {
	if s != nil {
		Inspect(s, f)
	}
}

func inspectBlock(b *Block, f func(Node) bool) {
	if b != nil {
		Inspect(b, f)
	}
}

// InspectExprs calls f for every expression in the tree rooted at n,
// sub-expressions included, in the order of Inspect.
func InspectExprs(n Node, f func(Expr)) {
	Inspect(n, func(n Node) bool {
		if e, ok := n.(Expr); ok {
			f(e)
		}
		return true
	})
}

// InspectStmts calls f for every statement in the tree rooted at n, nested
// ones included, in the order of Inspect.
func InspectStmts(n Node, f func(Stmt)) {
	Inspect(n, func(n Node) bool {
		switch n := n.(type) {
		case Stmt:
			f(n)
		case Expr:
			return false // expressions hold no statements
		}
		return true
	})
}
