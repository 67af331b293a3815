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
func (*ThreadLoop) node() {}

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
// each child of n (see DoChildren) in order, then returns.
func Inspect(n Node, f func(Node) bool) {
	if isNil(n) || !f(n) {
		return
	}
	DoChildren(n, func(c Node) { Inspect(c, f) })
}

// DoChildren calls f for each non-nil child of n in source order. The
// children of a node are the statements and expressions it holds: the
// statements of a block; the initial value of a declaration; the target
// and value of an assignment; the targets and call of a CallStmt; the
// condition, then and else of an if; the init, condition, post and body
// of a for; the bounds and body of a thread loop; the tag and cases of a switch, and the values and body of a
// case; the results of a return; the operands of an expression (the
// arguments of a call). A BranchStmt's Target is a reference, not a
// child. Nil children (a missing else, a nil CallStmt target, an absent
// slice bound) are skipped.
func DoChildren(n Node, f func(Node)) {
	expr := func(e Expr) {
		if e != nil {
			f(e)
		}
	}
	exprs := func(es []Expr) {
		for _, e := range es {
			expr(e)
		}
	}
	stmt := func(s Stmt) {
		if s != nil && !isNil(s) {
			f(s)
		}
	}
	switch n := n.(type) {
	case *Block:
		if n != nil {
			for _, s := range n.Stmts {
				stmt(s)
			}
		}
	case *DeclStmt:
		expr(n.Init)
	case *AssignStmt:
		expr(n.Target)
		expr(n.Value)
	case *CallStmt:
		exprs(n.Targets)
		if n.Call != nil {
			f(n.Call)
		}
	case *ExprStmt:
		expr(n.X)
	case *IfStmt:
		expr(n.Cond)
		stmt(n.Then)
		stmt(n.Else)
	case *ForStmt:
		stmt(n.Init)
		expr(n.Cond)
		stmt(n.Post)
		stmt(n.Body)
	case *SwitchStmt:
		expr(n.Tag)
		for _, c := range n.Cases {
			if c != nil {
				f(c)
			}
		}
	case *Case:
		if n != nil {
			exprs(n.Values)
			stmt(n.Body)
		}
	case *BranchStmt:
	case *ReturnStmt:
		exprs(n.Results)
	case *ThreadLoop:
		expr(n.XLo)
		expr(n.XHi)
		stmt(n.Body)

	case *Const, *VarRef, *SharedRef:
	case *Unary:
		expr(n.X)
	case *Binary:
		expr(n.X)
		expr(n.Y)
	case *Convert:
		expr(n.X)
	case *Index:
		expr(n.X)
		expr(n.Index)
	case *FieldRef:
		expr(n.X)
	case *Len:
		expr(n.X)
	case *StructLit:
		exprs(n.Fields)
	case *ArrayLit:
		exprs(n.Elems)
	case *SliceExpr:
		expr(n.X)
		expr(n.Lo)
		expr(n.Hi)
	case *Call:
		if n != nil {
			exprs(n.Args)
		}
	case *BuiltinCall:
		exprs(n.Args)
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
