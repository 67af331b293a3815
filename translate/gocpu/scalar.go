package gocpu

import (
	"go/constant"
	"go/token"
	"strconv"

	"github.com/dotcompute/dc/translate/ir"
)

// Scalar replacement of accumulations. CUDA-style code often accumulates
// into memory inside a loop:
//
//	for p := 0; p < k; p++ {
//		c[i*n+j] += a[i*k+p] * b[p*n+j]
//	}
//
// The Go compiler must keep every load and store of c[i*n+j], since c may
// share memory with a and b. Where nothing else in the loop can touch that
// element, the printer keeps it in a local instead:
//
//	p := 0
//	if p < k {
//		dc_r1 := c[i*n+j]
//		dc_h1 := i * k
//		for ; p < k; p++ {
//			dc_r1 += a[dc_h1+p] * b[p*n+j]
//		}
//		c[i*n+j] = dc_r1
//	}
//
// computing the loop-invariant part of the other indices once, too, as Go
// does not move it out of the loop itself.
//
// The element is read and written only when the loop runs, and each of its
// iterations writes it (see candidate), so the rewrite reads and writes the
// element exactly when the loop would have. Inside the loop nothing else
// may write memory, and every other read must be through a slice parameter
// the kernel only reads: those share memory with the element only in a
// launch that passes one buffer to a read-only and to a written parameter,
// which the runtime marks by launching the kernel's aliased entry point
// (runtime.Call.Aliased). A kernel whose rewritten loops read such
// parameters therefore keeps its plain body too, as AliasedKernelName(k),
// for those launches.

// scalarized is a kernel body after scalar replacement.
type scalarized struct {
	body *ir.Block
	// reads says some rewritten loop reads a read-only slice parameter:
	// the rewrite is then only valid in launches that are not aliased.
	reads bool
}

// scalarize returns body with scalar replacement applied to every loop
// that allows it, as a copy; body itself is left as it is. active reports
// whether a check is printed in this body. It returns nil if no loop
// allows the rewrite.
func scalarize(body *ir.Block, active func(*ir.Check) bool) *scalarized {
	found := false
	ir.InspectStmts(body, func(s ir.Stmt) {
		if f, ok := s.(*ir.ForStmt); ok && !found {
			found = candidate(f, active) != nil
		}
	})
	if !found {
		return nil
	}
	r := &scalarizer{active: active, out: &scalarized{body: ir.NewCloner().Block(body)}}
	r.block(r.out.body)
	return r.out
}

// scalarizer rewrites the loops of a copied body in place.
type scalarizer struct {
	active func(*ir.Check) bool
	out    *scalarized
	n      int // accumulators introduced so far
	h      int // hoisted values introduced so far
}

// block rewrites the loops among b's statements, and those nested in them.
func (r *scalarizer) block(b *ir.Block) {
	if b == nil {
		return
	}
	for i, s := range b.Stmts {
		if f, ok := s.(*ir.ForStmt); ok {
			if c := candidate(f, r.active); c != nil {
				b.Stmts[i] = r.rewrite(f, c)
				continue
			}
		}
		r.stmt(s)
	}
}

// stmt rewrites the loops nested in s.
func (r *scalarizer) stmt(s ir.Stmt) {
	switch s := s.(type) {
	case *ir.Block:
		r.block(s)
	case *ir.IfStmt:
		r.block(s.Then)
		r.block(s.Else)
	case *ir.ForStmt:
		r.block(s.Body)
	case *ir.SwitchStmt:
		for _, c := range s.Cases {
			r.block(c.Body)
		}
	}
}

// rewrite returns the statement that replaces loop f, whose element c is
// kept in a new local. f is a copy: rewrite changes it.
func (r *scalarizer) rewrite(f *ir.ForStmt, c *accumElem) ir.Stmt {
	r.n++
	tmp := &ir.Var{Name: "dc_r" + strconv.Itoa(r.n), Type: c.elem.T, Kind: ir.Local, Pos: f.Pos}
	r.out.reads = r.out.reads || c.reads
	// Every s[idx] becomes the local. In the index of every other element
	// read, loop-invariant arithmetic (i*k in a[i*k+p]) is computed once,
	// before the loop: Go does not move it out of loops itself.
	var hoisted []ir.Stmt
	hoist := func(e ir.Expr) ir.Expr {
		for _, h := range hoisted {
			if d := h.(*ir.DeclStmt); sameExpr(d.Init, e) {
				return &ir.VarRef{Var: d.Var}
			}
		}
		r.h++
		v := &ir.Var{Name: "dc_h" + strconv.Itoa(r.h), Type: e.Type(), Kind: ir.Local, Pos: f.Pos}
		hoisted = append(hoisted, &ir.DeclStmt{Pos: f.Pos, Var: v, Init: e})
		return &ir.VarRef{Var: v}
	}
	var rw func(e ir.Expr, inIndex bool) ir.Expr
	rw = func(e ir.Expr, inIndex bool) ir.Expr {
		return ir.RewriteExpr(e, func(x ir.Expr) (ir.Expr, bool) {
			if ix, ok := x.(*ir.Index); ok {
				if sameExpr(ix, c.elem) {
					return &ir.VarRef{Var: tmp}, true
				}
				n := *ix
				n.X, n.Index = rw(ix.X, inIndex), rw(ix.Index, true)
				return &n, true
			}
			if inIndex && hoistable(x, c.assigned, r.active) {
				return hoist(x), true
			}
			return nil, false
		})
	}
	replace := func(e ir.Expr) ir.Expr { return rw(e, false) }
	// The init and the guard run before the load: they keep reading
	// memory.
	init, cond := f.Init, f.Cond
	f.Init, f.Cond = nil, replace(f.Cond)
	ir.InspectStmts(ir.Stmt(f), func(s ir.Stmt) {
		if s == ir.Stmt(f) {
			return
		}
		switch s := s.(type) {
		case *ir.DeclStmt:
			s.Init = replace(s.Init)
		case *ir.AssignStmt:
			s.Target, s.Value = replace(s.Target), replace(s.Value)
		case *ir.CallStmt:
			for i, t := range s.Targets {
				s.Targets[i] = replace(t)
			}
			s.Call = replace(s.Call).(*ir.Call)
		case *ir.ExprStmt:
			s.X = replace(s.X)
		case *ir.IfStmt:
			s.Cond = replace(s.Cond)
		case *ir.ForStmt:
			s.Cond = replace(s.Cond)
		case *ir.SwitchStmt:
			s.Tag = replace(s.Tag)
			for _, cs := range s.Cases {
				for i, v := range cs.Values {
					cs.Values[i] = replace(v)
				}
			}
		}
	})
	load := &ir.DeclStmt{Pos: f.Pos, Var: tmp, Init: c.elem}
	store := &ir.AssignStmt{Pos: f.Pos, Target: c.elem, Value: &ir.VarRef{Var: tmp}}
	inner := append(append([]ir.Stmt{load}, hoisted...), f, store)
	var stmts []ir.Stmt
	if b, ok := init.(*ir.Block); ok {
		// An init of several statements: they declare variables the
		// loop uses, so they go in the same block.
		stmts = append(stmts, b.Stmts...)
	} else if init != nil {
		stmts = append(stmts, init)
	}
	if cond == nil {
		stmts = append(stmts, inner...)
	} else {
		// The loop may not run: the element is read and written only if
		// it does.
		stmts = append(stmts, &ir.IfStmt{Pos: f.Pos, Cond: cond, Then: &ir.Block{Pos: f.Pos, Stmts: inner}})
	}
	return &ir.Block{Pos: f.Pos, Stmts: stmts}
}

// accumElem is an element a loop accumulates into.
type accumElem struct {
	elem     *ir.Index        // s[idx]
	reads    bool             // the loop reads a read-only slice parameter
	assigned map[*ir.Var]bool // the variables the loop sets
}

// candidate returns the element loop f may keep in a local, or nil:
//
//   - f's condition, post statement and body (what repeats; its init runs
//     once, before the load) hold no return and no branch out of f;
//   - a statement of f's body (not nested) writes the element s[idx], and
//     no statement before it breaks or continues f, so each iteration
//     writes it;
//   - s is a slice variable and idx is loop-invariant: built from
//     constants, thread builtins and variables f does not assign, with no
//     call and no printed check; every mention of s in f is s[idx] itself
//     (the same expression), none with a printed check;
//   - what repeats writes no other memory, has no atomic, barrier or call
//     of a device function with effects, and every other slice it
//     mentions is a parameter the kernel only reads and never assigns;
//   - f's condition, which the rewrite evaluates once more, has no call
//     and no printed check.
func candidate(f *ir.ForStmt, active func(*ir.Check) bool) *accumElem {
	if f.Body == nil || (f.Cond != nil && !pure(f.Cond, active)) {
		return nil
	}
	// The init runs once, before the element is loaded: only the
	// variables it sets matter. The rest of f repeats.
	assigned := map[*ir.Var]bool{}
	if f.Init != nil {
		ir.InspectStmts(f.Init, func(s ir.Stmt) {
			if d, ok := s.(*ir.DeclStmt); ok {
				assigned[d.Var] = true
			}
			ir.Assigns(s, func(v *ir.Var) { assigned[v] = true })
		})
	}
	parts := []ir.Node{f.Body}
	if f.Cond != nil {
		parts = append(parts, f.Cond)
	}
	if f.Post != nil {
		parts = append(parts, f.Post)
	}
	// What f contains: its loops and switches, the variables it assigns.
	inside := map[ir.Stmt]bool{f: true}
	var writes []ir.Expr
	ok := true
	for _, n := range parts {
		ir.InspectStmts(n, func(s ir.Stmt) {
			switch s := s.(type) {
			case *ir.ForStmt, *ir.SwitchStmt:
				inside[s] = true
			case *ir.DeclStmt:
				assigned[s.Var] = true
			case *ir.AssignStmt:
				writes = append(writes, s.Target)
			case *ir.CallStmt:
				for _, t := range s.Targets {
					if t != nil {
						writes = append(writes, t)
					}
				}
			case *ir.ReturnStmt:
				ok = false
			}
		})
	}
	for _, n := range parts {
		ir.InspectStmts(n, func(s ir.Stmt) {
			if b, isBranch := s.(*ir.BranchStmt); isBranch && !inside[b.Target] {
				ok = false
			}
		})
	}
	if !ok {
		return nil
	}
	var elem *ir.Index
	for _, w := range writes {
		if !ir.InMemory(w) {
			if v := ir.AssignedVar(w); v != nil {
				assigned[v] = true
			}
			continue
		}
		ix, isIndex := w.(*ir.Index)
		if !isIndex || (elem != nil && !sameExpr(ix, elem)) {
			return nil
		}
		elem = ix
	}
	if elem == nil {
		return nil
	}
	s, isRef := elem.X.(*ir.VarRef)
	if _, isSlice := elem.X.Type().(*ir.Slice); !isRef || !isSlice || assigned[s.Var] ||
		!loopInvariant(elem.Index, assigned, active) {
		return nil
	}
	if !writtenEachTime(f, elem) {
		return nil
	}
	// Every other expression: no effects, s only as s[idx], other slices
	// read-only parameters.
	c := &accumElem{elem: elem, assigned: assigned}
	visit := func(n ir.Node) bool {
		if !ok {
			return false
		}
		e, isExpr := n.(ir.Expr)
		if !isExpr {
			return true
		}
		switch x := e.(type) {
		case *ir.Index:
			if sameExpr(x, elem) {
				// Replaced whole: its checks must not be printed.
				ok = pure(x, active)
				return false
			}
		case *ir.SharedRef:
			ok = false
		case *ir.Call:
			ok = !ir.FuncHasEffects(x.Func)
		case *ir.BuiltinCall:
			ok = !x.Op.IsAtomic() && x.Op != ir.Barrier
		case *ir.VarRef:
			if hasSlice(x.Var.Type) {
				if x.Var == s.Var || x.Var.Kind != ir.Param || x.Var.Written || x.Var.Assigned {
					ok = false
				}
				c.reads = true
			}
		}
		return ok
	}
	for _, n := range parts {
		ir.Inspect(n, visit)
	}
	if !ok {
		return nil
	}
	return c
}

// writtenEachTime reports whether a statement of f's body, not nested,
// writes elem with no statement before it that breaks or continues f.
func writtenEachTime(f *ir.ForStmt, elem *ir.Index) bool {
	for _, s := range f.Body.Stmts {
		switch s := s.(type) {
		case *ir.AssignStmt:
			if ix, ok := s.Target.(*ir.Index); ok && sameExpr(ix, elem) {
				return true
			}
		case *ir.CallStmt:
			for _, t := range s.Targets {
				if ix, ok := t.(*ir.Index); ok && sameExpr(ix, elem) {
					return true
				}
			}
		}
		leaves := false
		ir.InspectStmts(s, func(s ir.Stmt) {
			if b, ok := s.(*ir.BranchStmt); ok && b.Target == ir.Stmt(f) {
				leaves = true
			}
		})
		if leaves {
			return false
		}
	}
	return false
}

// loopInvariant reports whether e has the same value in every iteration of a
// loop that assigns the variables assigned, and may be evaluated once
// more: constants, thread builtins, and variables not assigned, combined
// by operators, conversions, fields, lengths and math builtins, with no
// printed check.
func loopInvariant(e ir.Expr, assigned map[*ir.Var]bool, active func(*ir.Check) bool) bool {
	ok := true
	ir.Inspect(e, func(n ir.Node) bool {
		switch x := n.(type) {
		case *ir.Const, *ir.Unary, *ir.Convert, *ir.FieldRef, *ir.Len:
		case *ir.VarRef:
			ok = ok && !assigned[x.Var]
		case *ir.Binary:
			ok = ok && !active(x.Check)
		case *ir.BuiltinCall:
			ok = ok && (x.Op.IsThread() || x.Op.IsMath() || x.Op == ir.Min || x.Op == ir.Max)
		default:
			ok = false
		}
		return ok
	})
	return ok
}

// hoistable reports whether e is integer arithmetic worth computing once
// before a loop that sets the variables assigned: an operator other than a
// division (which may panic), over loop-invariant operands.
func hoistable(e ir.Expr, assigned map[*ir.Var]bool, active func(*ir.Check) bool) bool {
	b, ok := e.(*ir.Binary)
	if !ok || ir.BasicOf(b.T) == nil || !ir.BasicOf(b.T).Kind.IsInteger() || !loopInvariant(e, assigned, active) {
		return false
	}
	ok = true
	ir.InspectExprs(e, func(x ir.Expr) {
		if b, isBinary := x.(*ir.Binary); isBinary && (b.Op == token.QUO || b.Op == token.REM) {
			ok = false
		}
	})
	return ok
}

// pure reports whether evaluating e once more changes nothing: it has no
// call and no printed check.
func pure(e ir.Expr, active func(*ir.Check) bool) bool {
	if ir.HasCall(e) {
		return false
	}
	ok := true
	ir.InspectExprs(e, func(x ir.Expr) {
		switch x := x.(type) {
		case *ir.Index:
			ok = ok && !active(x.Check)
		case *ir.SliceExpr:
			ok = ok && !active(x.Check)
		case *ir.Binary:
			ok = ok && !active(x.Check)
		}
	})
	return ok
}

// hasSlice reports whether a value of type t holds a slice.
func hasSlice(t ir.Type) bool {
	switch t := t.(type) {
	case *ir.Slice:
		return true
	case *ir.Array:
		return hasSlice(t.Elem)
	case *ir.Struct:
		for _, f := range t.Fields {
			if hasSlice(f.Type) {
				return true
			}
		}
	}
	return false
}

// sameExpr reports whether a and b are the same expression: the same
// operations on the same variables and constants. Their checks may
// differ.
func sameExpr(a, b ir.Expr) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	switch x := a.(type) {
	case *ir.Const:
		y, ok := b.(*ir.Const)
		return ok && x.T.String() == y.T.String() && x.Value.Kind() == y.Value.Kind() &&
			constant.Compare(x.Value, token.EQL, y.Value)
	case *ir.VarRef:
		y, ok := b.(*ir.VarRef)
		return ok && x.Var == y.Var
	case *ir.Unary:
		y, ok := b.(*ir.Unary)
		return ok && x.Op == y.Op && sameType(x.T, y.T) && sameExpr(x.X, y.X)
	case *ir.Binary:
		y, ok := b.(*ir.Binary)
		return ok && x.Op == y.Op && sameType(x.T, y.T) && sameExpr(x.X, y.X) && sameExpr(x.Y, y.Y)
	case *ir.Convert:
		y, ok := b.(*ir.Convert)
		return ok && sameType(x.T, y.T) && sameExpr(x.X, y.X)
	case *ir.Index:
		y, ok := b.(*ir.Index)
		return ok && sameExpr(x.X, y.X) && sameExpr(x.Index, y.Index)
	case *ir.FieldRef:
		y, ok := b.(*ir.FieldRef)
		return ok && x.Field == y.Field && sameExpr(x.X, y.X)
	case *ir.Len:
		y, ok := b.(*ir.Len)
		return ok && sameExpr(x.X, y.X)
	case *ir.BuiltinCall:
		y, ok := b.(*ir.BuiltinCall)
		if !ok || x.Op != y.Op || len(x.Args) != len(y.Args) || !x.Op.IsThread() && !x.Op.IsMath() && x.Op != ir.Min && x.Op != ir.Max {
			return false
		}
		for i := range x.Args {
			if !sameExpr(x.Args[i], y.Args[i]) {
				return false
			}
		}
		return sameType(x.T, y.T)
	}
	return false
}

// sameType reports whether a and b are the same type.
func sameType(a, b ir.Type) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.String() == b.String()
}

// hasAliased reports whether kernel k's CPU body (fast: its fast body)
// keeps accumulations in locals in a way that is only valid in launches
// that are not aliased, so that it comes with its plain form for those.
func hasAliased(k *ir.Kernel, fast bool) bool {
	if !Loop(k) {
		return false
	}
	body, _, _ := xGuard(k)
	r := scalarize(body, checkActive(fast))
	return r != nil && r.reads
}

// checkActive returns what printer.active reports for a body, fast or
// not: whether a check is printed there.
func checkActive(fast bool) func(*ir.Check) bool {
	return func(c *ir.Check) bool { return c != nil && !(fast && c.When != nil) }
}
