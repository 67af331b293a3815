package threadloop

import (
	"go/constant"
	"go/token"
	"slices"

	"github.com/dotcompute/dc/translate/ir"
)

// interchange runs the grid-stride loops of the thread loops in lockstep.
// A thread loop runs one thread's whole loop
//
//	for i := t.GlobalX(); i < n; i += t.GridSizeX() { body }
//
// before the next thread's, so it walks the memory the loop indexes
// column by column: one thread's accesses lie a grid apart. Interchanged,
// the group runs every thread's first iteration, then every thread's
// second, and so on, walking the same memory row by row, as a GPU does:
//
//	ThreadLoop { ...; i := t.GlobalX() }  // the statements before the loop
//	for dc_any := true; dc_any; {
//		dc_any = false
//		ThreadLoop { if i < n { dc_any = true; body; i += t.GridSizeX() } }
//	}
//	ThreadLoop { ... }                    // the statements after it
//
// Each thread keeps its own i (lift gives it one value per thread, as it
// does every variable that now lives across the split, like a sum the
// body accumulates), tests its own condition and steps its own i exactly
// as the loop did: every thread runs the same iterations with the same
// values in the same order, whatever the bound, the step or an overflow
// of i. The group loop ends after the first round in which no thread ran
// an iteration, and a thread that has finished stays finished, as its i
// is no longer stepped. What changes is only the order of the effects of
// different threads between two barriers, which the dialect leaves open:
// such accesses are racy or atomic.
//
// The pass interchanges a for statement at the top level of a thread
// loop whose threads leave the loop only by running it to its end (no
// break of it, no break or continue of a statement outside it, no return
// inside it; a continue of the loop itself ends the thread's iteration,
// and statements before or after the loop may return) and whose loop is a
// grid-stride loop (see gridStride): where the threads step their
// indices by a group-wide stride from consecutive starts, a round reads
// consecutive memory.
func (t *pass) interchange(group *ir.Block) {
	repl := map[*ir.ThreadLoop][]*threadLoop{}
	byLoop := map[*ir.ThreadLoop]*threadLoop{}
	for _, l := range t.loops {
		byLoop[l.tl] = l
	}
	// The values of the variables declared with a value and never
	// assigned.
	t.defs = map[*ir.Var]ir.Expr{}
	assigned := map[*ir.Var]bool{}
	ir.InspectStmts(group, func(s ir.Stmt) {
		if d, ok := s.(*ir.DeclStmt); ok && d.Init != nil {
			t.defs[d.Var] = d.Init
		}
		ir.Assigns(s, func(v *ir.Var) { assigned[v] = true })
	})
	for v := range assigned {
		delete(t.defs, v)
	}
	t.threadDecl = map[*ir.Var]bool{}
	for _, l := range t.loops {
		ir.InspectStmts(l.tl, func(s ir.Stmt) {
			if d, ok := s.(*ir.DeclStmt); ok {
				t.threadDecl[d.Var] = true
			}
		})
	}
	var walk func(b *ir.Block)
	walk = func(b *ir.Block) {
		if b == nil {
			return
		}
		var out []ir.Stmt
		for _, s := range b.Stmts {
			switch s := s.(type) {
			case *ir.ThreadLoop:
				if l := byLoop[s]; l != nil {
					stmts, loops := t.interchangeLoop(l)
					if len(loops) > 1 {
						repl[s] = loops
					}
					out = append(out, stmts...)
					continue
				}
			case *ir.Block:
				walk(s)
			case *ir.IfStmt:
				walk(s.Then)
				walk(s.Else)
			case *ir.ForStmt:
				walk(s.Body)
			}
			out = append(out, s)
		}
		b.Stmts = out
	}
	walk(group)
	if len(repl) == 0 {
		return
	}
	t.rounds = true
	var loops []*threadLoop
	for _, l := range t.loops {
		if r, ok := repl[l.tl]; ok {
			loops = append(loops, r...)
			continue
		}
		loops = append(loops, l)
	}
	t.loops = loops
}

// interchangeLoop returns the statements that replace thread loop l,
// with the thread loops among them: l itself if it has no grid-stride
// loop to interchange.
func (t *pass) interchangeLoop(l *threadLoop) ([]ir.Stmt, []*threadLoop) {
	tl := l.tl
	if leavesLoop(tl) {
		return []ir.Stmt{tl}, []*threadLoop{l}
	}
	stmts := tl.Body.Stmts
	for j, s := range stmts {
		f, ok := s.(*ir.ForStmt)
		if !ok || !t.gridStride(f) {
			continue
		}
		init := f.Init.(*ir.DeclStmt)
		before := &ir.ThreadLoop{Pos: tl.Pos, Body: &ir.Block{Pos: tl.Body.Pos, Stmts: append(slices.Clip(stmts[:j]), init)}}
		anyVar := newVar("dc_any", ir.BoolType)
		t.flags[anyVar] = true
		iter := []ir.Stmt{assign(f.Pos, anyVar, boolConst(true)), f.Body, f.Post}
		if continues(f.Body, f) {
			// A continue ends the thread's iteration, so the thread
			// steps its index first and runs the body on a copy of the
			// old one, which the body never assigns.
			cur := &ir.Var{Name: init.Var.Name, Type: init.Var.Type, Kind: ir.Local, Pos: init.Var.Pos}
			cl := ir.NewCloner()
			cl.Vars = map[*ir.Var]*ir.Var{init.Var: cur}
			iter = []ir.Stmt{
				assign(f.Pos, anyVar, boolConst(true)),
				&ir.DeclStmt{Pos: init.Pos, Var: cur, Init: ref(init.Var)},
				f.Post,
				cl.Block(f.Body),
			}
		}
		round := &ir.ThreadLoop{Pos: f.Pos, Body: &ir.Block{Pos: f.Pos, Stmts: []ir.Stmt{
			&ir.IfStmt{Pos: f.Pos, Cond: f.Cond, Then: &ir.Block{Pos: f.Body.Pos, Stmts: iter}},
		}}}
		retarget(round.Body, f, round)
		lock := &ir.ForStmt{Pos: f.Pos,
			Init: &ir.DeclStmt{Pos: f.Pos, Var: anyVar, Init: boolConst(true)},
			Cond: ref(anyVar),
			Body: &ir.Block{Pos: f.Body.Pos, Stmts: []ir.Stmt{assign(f.Pos, anyVar, boolConst(false)), round}},
		}
		out := []ir.Stmt{before, lock}
		loops := []*threadLoop{{tl: before, loop: l.loop}, {tl: round, loop: lock}}
		if rounds, tl, ok := t.closedRounds(f); ok {
			// Where the guard holds, the rounds below; the lockstep
			// loop otherwise.
			out[1] = &ir.IfStmt{Pos: f.Pos, Cond: rounds.guard,
				Then: &ir.Block{Pos: f.Pos, Stmts: []ir.Stmt{rounds.loop}},
				Else: &ir.Block{Pos: f.Pos, Stmts: []ir.Stmt{lock}}}
			loops = append(loops, &threadLoop{tl: tl, loop: rounds.loop})
		}
		if rest := stmts[j+1:]; len(rest) > 0 {
			after := &threadLoop{tl: &ir.ThreadLoop{Pos: rest[0].StmtPos(), Body: &ir.Block{Pos: rest[0].StmtPos(), Stmts: rest}}, loop: l.loop}
			s2, l2 := t.interchangeLoop(after)
			out = append(out, s2...)
			loops = append(loops, l2...)
		}
		if f, ok := t.lastIn[tl]; ok {
			delete(t.lastIn, tl)
			if last, ok := out[len(out)-1].(*ir.ThreadLoop); ok {
				t.lastIn[last] = f
			}
		}
		return out, loops
	}
	return []ir.Stmt{tl}, []*threadLoop{l}
}

// leavesLoop reports whether a branch in thread loop tl leaves it: a
// break or continue of the group code (lowerExits turns them into flags
// that assume the thread loop is not split).
func leavesLoop(tl *ir.ThreadLoop) bool { return branchesOut(tl.Body, nil) }

// branchesOut reports whether a break or continue in b targets a
// statement outside b, other than a continue of loop (if not nil).
func branchesOut(b *ir.Block, loop *ir.ForStmt) bool {
	inside := map[ir.Stmt]bool{}
	ir.InspectStmts(b, func(s ir.Stmt) { inside[s] = true })
	out := false
	ir.InspectStmts(b, func(s ir.Stmt) {
		if br, ok := s.(*ir.BranchStmt); ok && !inside[br.Target] {
			out = out || loop == nil || br.Target != loop || br.Kind != ir.Continue
		}
	})
	return out
}

// continues reports whether b holds a continue of loop f.
func continues(b *ir.Block, f *ir.ForStmt) bool {
	found := false
	ir.InspectStmts(b, func(s ir.Stmt) {
		if br, ok := s.(*ir.BranchStmt); ok && br.Target == f {
			found = true
		}
	})
	return found
}

// retarget makes the continues of loop f in b continue thread loop tl:
// in a round, a thread's iteration is one pass of the thread loop.
func retarget(b *ir.Block, f *ir.ForStmt, tl *ir.ThreadLoop) {
	ir.InspectStmts(b, func(s ir.Stmt) {
		if br, ok := s.(*ir.BranchStmt); ok && br.Target == f {
			br.Target, br.Labelled, br.Innermost = tl, true, false
		}
	})
}

// gridStride reports whether f, a statement of a thread loop, is a
// grid-stride loop the pass interchanges:
//
//	for i := start; i < bound; i += step { body }  // or i <= bound
//
// where i is an integer, start is the thread's x index in the grid or
// the group (t.GlobalX(), t.LocalX(), directly or through variables
// never assigned after their declaration) plus or minus values every thread of the
// group agrees on, bound and step are such values, step is at least 1,
// and body neither assigns i or a variable bound or step read, nor
// returns, nor breaks or continues a statement outside itself other than
// continuing the loop.
func (t *pass) gridStride(f *ir.ForStmt) bool {
	d, ok := f.Init.(*ir.DeclStmt)
	if !ok || d.Init == nil || !ir.IsInteger(d.Var.Type) {
		return false
	}
	i := d.Var
	c, ok := f.Cond.(*ir.Binary)
	if !ok || c.Op != token.LSS && c.Op != token.LEQ || !ir.IsRef(c.X, i) {
		return false
	}
	a, ok := f.Post.(*ir.AssignStmt)
	if !ok || !ir.IsRef(a.Target, i) {
		return false
	}
	step, ok := a.Value.(*ir.Binary)
	if !ok || step.Op != token.ADD || !ir.IsRef(step.X, i) {
		return false
	}
	if !t.groupValue(c.Y) || !t.groupValue(step.Y) || !t.positive(step.Y, 0) || !t.strided(d.Init, 0) {
		return false
	}
	reads := map[*ir.Var]bool{i: true}
	for _, e := range []ir.Expr{c.Y, step.Y} {
		ir.InspectExprs(e, func(e ir.Expr) {
			if r, ok := e.(*ir.VarRef); ok {
				reads[r.Var] = true
			}
		})
	}
	ok = true
	ir.InspectStmts(f.Body, func(s ir.Stmt) {
		if _, ret := s.(*ir.ReturnStmt); ret {
			ok = false
		}
		ir.Assigns(s, func(v *ir.Var) { ok = ok && !reads[v] })
	})
	return ok && !branchesOut(f.Body, f) && !hasBarrier(f.Body)
}

// groupValue reports whether e is the same in every thread of the group
// wherever a thread evaluates it, and cannot fail: constants, parameters
// the kernel never assigns and their lengths, the group's index and the
// sizes of the group and the grid, uniform variables, and arithmetic on
// these without run-time checks.
func (t *pass) groupValue(e ir.Expr) bool {
	return pureOver(e, func(v *ir.Var) bool {
		if v.Kind == ir.Param {
			return !v.Assigned
		}
		return !t.info.Varying(v)
	})
}

// pureOver reports whether e is built from constants, lengths,
// conversions, the group's index and the sizes of the group and the grid,
// arithmetic without run-time checks, min and max, and variables for which varOK
// holds: an expression that cannot fail and whose value varOK decides.
func pureOver(e ir.Expr, varOK func(*ir.Var) bool) bool {
	ok := true
	ir.Inspect(e, func(n ir.Node) bool {
		switch n := n.(type) {
		case *ir.Const, *ir.Unary, *ir.Convert, *ir.Len:
		case *ir.VarRef:
			ok = ok && varOK(n.Var)
		case *ir.Binary:
			ok = ok && n.Check == nil
		case *ir.BuiltinCall:
			ok = ok && (n.Op >= ir.GroupX && n.Op <= ir.GridSizeZ || n.Op == ir.Min || n.Op == ir.Max)
		default:
			ok = false
		}
		return ok
	})
	return ok
}

// strided reports whether e is the thread's x index in the grid or the
// group plus or minus values the group agrees on (see groupValue), so
// that consecutive threads start at consecutive values.
func (t *pass) strided(e ir.Expr, depth int) bool {
	if depth > 8 {
		return false
	}
	switch e := e.(type) {
	case *ir.BuiltinCall:
		return e.Op == ir.GlobalX || e.Op == ir.LocalX
	case *ir.VarRef:
		if def, ok := t.defs[e.Var]; ok {
			return t.strided(def, depth+1)
		}
	case *ir.Binary:
		switch e.Op {
		case token.ADD:
			return t.strided(e.X, depth+1) && t.groupValue(e.Y) ||
				t.groupValue(e.X) && t.strided(e.Y, depth+1)
		case token.SUB:
			return t.strided(e.X, depth+1) && t.groupValue(e.Y)
		}
	}
	return false
}

// positive reports whether the integer e is at least 1: a positive
// constant, a size of the group or grid or a count of groups (never 0 in
// a launch), a variable never assigned after its declaration that holds
// one, or a sum or product of such values.
func (t *pass) positive(e ir.Expr, depth int) bool {
	if depth > 8 {
		return false
	}
	switch e := e.(type) {
	case *ir.Const:
		return e.Value.Kind() == constant.Int && constant.Sign(e.Value) > 0
	case *ir.BuiltinCall:
		return e.Op >= ir.GroupSizeX && e.Op <= ir.GridSizeZ
	case *ir.VarRef:
		if def, ok := t.defs[e.Var]; ok {
			return t.positive(def, depth+1)
		}
	case *ir.Binary:
		if e.Op == token.ADD || e.Op == token.MUL {
			return t.positive(e.X, depth+1) && t.positive(e.Y, depth+1)
		}
	}
	return false
}

// rounds is the closed form of an interchanged grid-stride loop whose
// index starts at the thread's x index plus a value of the group code:
//
//	if s0 >= 0 && bound+step > bound {
//		for dc_b := s0; dc_b < bound; dc_b += step {  // or <=
//			ThreadLoop [0, bound-dc_b) { i := dc_b + t.LocalX(); body }
//		}
//	} else { the lockstep loop }
//
// In round k thread x's index is s0 + x + k·step, as stepping its own
// index would make it, and the threads that run the round are those
// whose index is still below the bound: a prefix of the group, since the
// indexes grow with x and, where the guard holds, never wrap (an index
// below the bound plus step stays within int). The rounds end when thread
// 0's index reaches the bound, as every later thread's has then. So the
// threads run the same iterations with the same values as in the
// lockstep loop, with no per-thread index and no flag, and a round's
// accesses at the index are one slice of consecutive elements.
type rounds struct {
	guard ir.Expr
	loop  *ir.ForStmt
}

// closedRounds returns the closed form of grid-stride loop f (see
// rounds) and its thread loop, if its index is an int, its start the
// thread's x index plus a value of the group code, and its bound and
// step values of the group code.
func (t *pass) closedRounds(f *ir.ForStmt) (*rounds, *ir.ThreadLoop, bool) {
	d := f.Init.(*ir.DeclStmt)
	if !ir.IsKind(d.Var.Type, ir.Int) {
		return nil, nil, false
	}
	c := f.Cond.(*ir.Binary)
	stepExpr := f.Post.(*ir.AssignStmt).Value.(*ir.Binary).Y
	s0, ok := t.startAtZero(d.Init, 0)
	if !ok {
		return nil, nil, false
	}
	bound, ok1 := t.groupCode(c.Y, 0)
	step, ok2 := t.groupCode(stepExpr, 0)
	if !ok1 || !ok2 || !ir.IsKind(bound.Type(), ir.Int) || !ir.IsKind(step.Type(), ir.Int) {
		return nil, nil, false
	}
	base := newVar("dc_b", ir.IntType)
	hi := ir.Expr(&ir.Binary{Op: token.SUB, X: bound, Y: ref(base), T: ir.IntType})
	if c.Op == token.LEQ {
		hi = &ir.Binary{Op: token.ADD, X: hi, Y: intConst(1), T: ir.IntType}
	}
	// The loop body with an index of its own, declared in the thread loop.
	cl := ir.NewCloner()
	i := &ir.Var{Name: d.Var.Name, Type: d.Var.Type, Kind: ir.Local, Pos: d.Var.Pos}
	cl.Vars = map[*ir.Var]*ir.Var{d.Var: i}
	body := cl.Block(f.Body)
	tl := &ir.ThreadLoop{Pos: f.Pos, XHi: hi, Body: &ir.Block{Pos: f.Body.Pos, Stmts: []ir.Stmt{
		&ir.DeclStmt{Pos: d.Pos, Var: i, Init: &ir.Binary{Op: token.ADD, X: ref(base),
			Y: &ir.BuiltinCall{Op: ir.LocalX, T: ir.IntType}, T: ir.IntType}},
		body,
	}}}
	retarget(tl.Body, f, tl)
	loop := &ir.ForStmt{Pos: f.Pos,
		Init: &ir.DeclStmt{Pos: f.Pos, Var: base, Init: s0},
		Cond: &ir.Binary{Op: c.Op, X: ref(base), Y: bound, T: ir.BoolType},
		Post: assign(f.Pos, base, &ir.Binary{Op: token.ADD, X: ref(base), Y: step, T: ir.IntType}),
		Body: &ir.Block{Pos: f.Body.Pos, Stmts: []ir.Stmt{tl}},
	}
	guard := &ir.Binary{Op: token.LAND, T: ir.BoolType,
		X: &ir.Binary{Op: token.GEQ, X: s0, Y: intConst(0), T: ir.BoolType},
		Y: &ir.Binary{Op: token.GTR, X: &ir.Binary{Op: token.ADD, X: bound, Y: step, T: ir.IntType}, Y: bound, T: ir.BoolType}}
	return &rounds{guard: guard, loop: loop}, tl, true
}

// startAtZero returns start, the thread's x index plus or minus values
// of the group code (see strided), for the thread whose local x index is
// 0: t.GlobalX() becomes t.GroupX()*t.GroupSizeX(), t.LocalX() 0.
func (t *pass) startAtZero(e ir.Expr, depth int) (ir.Expr, bool) {
	if depth > 8 {
		return nil, false
	}
	switch e := e.(type) {
	case *ir.BuiltinCall:
		switch e.Op {
		case ir.GlobalX:
			return &ir.Binary{Op: token.MUL, X: &ir.BuiltinCall{Op: ir.GroupX, T: ir.IntType},
				Y: &ir.BuiltinCall{Op: ir.GroupSizeX, T: ir.IntType}, T: ir.IntType}, true
		case ir.LocalX:
			return intConst(0), true
		}
	case *ir.VarRef:
		if def, ok := t.defs[e.Var]; ok {
			return t.startAtZero(def, depth+1)
		}
	case *ir.Binary:
		if e.Op != token.ADD && e.Op != token.SUB || !ir.IsKind(e.T, ir.Int) {
			return nil, false
		}
		if x, ok := t.startAtZero(e.X, depth+1); ok {
			if y, ok := t.groupCode(e.Y, depth+1); ok {
				return &ir.Binary{Op: e.Op, X: x, Y: y, T: ir.IntType}, true
			}
		}
		if e.Op == token.ADD {
			if x, ok := t.groupCode(e.X, depth+1); ok {
				if y, ok := t.startAtZero(e.Y, depth+1); ok {
					return &ir.Binary{Op: token.ADD, X: x, Y: y, T: ir.IntType}, true
				}
			}
		}
	}
	return nil, false
}

// groupCode returns e, a value every thread of the group agrees on (see
// groupValue), as the group code can compute it: a variable the threads
// declare is replaced by the value it was declared with and never
// changed from; nil if e reads a variable of the threads with no such
// value.
func (t *pass) groupCode(e ir.Expr, depth int) (ir.Expr, bool) {
	if depth > 8 || !t.groupValue(e) {
		return nil, false
	}
	ok := true
	r := ir.RewriteExpr(e, func(x ir.Expr) (ir.Expr, bool) {
		v, isRef := x.(*ir.VarRef)
		if !isRef || v.Var.Kind == ir.Param || !t.threadDecl[v.Var] {
			return x, false
		}
		def, has := t.defs[v.Var]
		if !has {
			ok = false
			return x, true
		}
		g, good := t.groupCode(def, depth+1)
		ok = ok && good
		return g, true
	})
	return r, ok
}
