package ir

import "go/token"

// IsRef reports whether e is a reference to v.
func IsRef(e Expr, v *Var) bool {
	r, ok := e.(*VarRef)
	return ok && r.Var == v
}

// RootVar returns the variable e is based on, following indexing, field
// selection and slicing: x for x[i].f[j] or x[lo:hi]. It returns nil when
// e is based on anything else (a call, a shared array, a constant).
func RootVar(e Expr) *Var {
	for {
		switch x := e.(type) {
		case *VarRef:
			return x.Var
		case *Index:
			e = x.X
		case *FieldRef:
			e = x.X
		case *SliceExpr:
			e = x.X
		default:
			return nil
		}
	}
}

// AssignedVar returns the variable whose value an assignment to the lvalue
// lv changes: x for x, x.f or x[i] of an array x. It returns nil when lv is
// memory a slice or pointer refers to (s[i], an element of a shared array):
// storing there leaves every variable as it was.
func AssignedVar(lv Expr) *Var {
	v, _ := lvalueRoot(lv)
	return v
}

// Assigns calls f for every variable statement s itself changes (see
// AssignedVar): the target of an assignment, the targets of a
// multi-result call. Statements nested in s are not looked at.
func Assigns(s Stmt, f func(v *Var)) {
	var targets []Expr
	switch s := s.(type) {
	case *AssignStmt:
		targets = []Expr{s.Target}
	case *CallStmt:
		targets = s.Targets
	}
	for _, t := range targets {
		if t == nil {
			continue
		}
		if v := AssignedVar(t); v != nil {
			f(v)
		}
	}
}

// InMemory reports whether the lvalue lv is memory a slice or pointer
// refers to (an element of a slice or of a shared array, or part of one),
// rather than a variable or part of one.
func InMemory(lv Expr) bool {
	_, mem := lvalueRoot(lv)
	return mem
}

// lvalueRoot follows the fields and array elements of lv down to the
// variable it belongs to (v), or to the slice or pointer whose memory it
// is in (inMemory true, v nil).
func lvalueRoot(lv Expr) (v *Var, inMemory bool) {
	for {
		switch x := lv.(type) {
		case *VarRef:
			return x.Var, false
		case *FieldRef:
			lv = x.X
		case *Index:
			if _, ok := x.X.Type().(*Array); !ok {
				return nil, true
			}
			lv = x.X
		default:
			return nil, false
		}
	}
}

// HasCall reports whether evaluating e calls a device function, an atomic
// or a barrier; an expression without one may be evaluated more than once.
func HasCall(e Expr) bool {
	return anyExpr(e, func(x Expr) bool {
		switch x := x.(type) {
		case *Call:
			return true
		case *BuiltinCall:
			return x.Op.IsAtomic() || x.Op == Barrier
		}
		return false
	})
}

// HasEffects reports whether evaluating e may write memory or synchronise:
// an atomic, a barrier, or a call of a device function that writes through
// a slice, uses shared memory or waits at a barrier. Go fixes the order of
// two such evaluations; C does not.
func HasEffects(e Expr) bool {
	return anyExpr(e, func(x Expr) bool {
		switch x := x.(type) {
		case *Call:
			return FuncHasEffects(x.Func)
		case *BuiltinCall:
			return x.Op.IsAtomic() || x.Op == Barrier
		}
		return false
	})
}

// FuncHasEffects reports whether calling f may write memory or
// synchronise: f or a callee writes through a slice parameter, uses
// shared memory or waits at a barrier.
func FuncHasEffects(f *Func) bool {
	if f.Barrier || len(f.Shared) > 0 {
		return true
	}
	for _, p := range f.Params {
		if p.Written {
			return true
		}
	}
	return false
}

// anyExpr reports whether pred holds for e or a sub-expression of it.
func anyExpr(e Expr, pred func(Expr) bool) bool {
	found := false
	if e == nil {
		return false
	}
	Inspect(e, func(n Node) bool {
		if !found && pred(n.(Expr)) {
			found = true
		}
		return !found
	})
	return found
}

// Terminates reports whether s is a terminating statement in the sense of
// the Go specification: control never runs past its end (a return, an if
// with both branches terminating, a loop without a condition that no break
// leaves, a switch with a default whose cases all terminate and that no
// break leaves, or a block ending in one of these).
func Terminates(s Stmt) bool {
	switch s := s.(type) {
	case *ReturnStmt:
		return true
	case *Block:
		return s != nil && len(s.Stmts) > 0 && Terminates(s.Stmts[len(s.Stmts)-1])
	case *IfStmt:
		return s.Else != nil && Terminates(s.Then) && Terminates(s.Else)
	case *ForStmt:
		return s.Cond == nil && !breaks(s)
	case *SwitchStmt:
		if breaks(s) {
			return false
		}
		def := false
		for _, c := range s.Cases {
			if len(c.Values) == 0 {
				def = true
			}
			if !Terminates(c.Body) {
				return false
			}
		}
		return def
	}
	return false
}

// breaks reports whether a break statement inside s leaves s.
func breaks(s Stmt) bool {
	found := false
	Inspect(s, func(n Node) bool {
		if b, ok := n.(*BranchStmt); ok && b.Kind == Break && b.Target == s {
			found = true
		}
		_, isExpr := n.(Expr)
		return !found && !isExpr
	})
	return found
}

// Conjuncts returns the operands of a chain of && in order: e itself if
// it is not one.
func Conjuncts(e Expr) []Expr {
	if b, ok := e.(*Binary); ok && b.Op == token.LAND {
		return append(Conjuncts(b.X), Conjuncts(b.Y)...)
	}
	return []Expr{e}
}

// And returns the conjunction of es in order (es[0] && es[1] && ...), nil
// if es is empty.
func And(es []Expr) Expr {
	if len(es) == 0 {
		return nil
	}
	e := es[0]
	for _, c := range es[1:] {
		e = &Binary{Op: token.LAND, X: e, Y: c, T: BoolType}
	}
	return e
}

// Mirror returns the comparison op with its operands swapped: x < y is
// y > x.
func Mirror(op token.Token) token.Token {
	switch op {
	case token.LSS:
		return token.GTR
	case token.LEQ:
		return token.GEQ
	case token.GTR:
		return token.LSS
	case token.GEQ:
		return token.LEQ
	}
	return op
}
