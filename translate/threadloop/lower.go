package threadloop

import (
	"go/token"
	"slices"

	"github.com/dotcompute/dc/translate/ir"
)

// lowerExits rewrites the returns of the kernel inside thread loops, and
// the breaks and continues of group loops, into flags the group code
// tests after each thread loop. A thread that returns skips the rest of
// its run of the loop; when more group code follows, it is marked done,
// skips every later thread loop, and the group ends when every thread is
// done. The uniformity analysis guarantees that every thread takes a
// break or continue of a group loop, and that a thread returns before a
// barrier only if every thread does.
func (t *pass) lowerExits(group *ir.Block) {
	byLoop := map[*ir.ThreadLoop]*threadLoop{}
	returns := map[*ir.ThreadLoop]bool{}
	for _, l := range t.loops {
		byLoop[l.tl] = l
		ir.InspectStmts(l.tl.Body, func(s ir.Stmt) {
			if _, ok := s.(*ir.ReturnStmt); ok {
				returns[l.tl] = true
			}
		})
	}
	// A return needs the done flags unless its thread loop is the last
	// statement of the kernel.
	last := len(group.Stmts) > 0 && returns[lastLoop(group)]
	needDone := len(returns) > 1 || len(returns) == 1 && !last
	if needDone {
		t.done = newVar("dc_done", ir.BoolType)
		t.ndone = newVar("dc_ndone", ir.IntType)
		t.perThread[t.done] = true
	}
	if t.brk == nil {
		t.brk = newVar("dc_brk", ir.IntType)
	}
	usedBrk := false
	var loops []*ir.ForStmt // the for statements of the group code around the walk
	var walk func(b *ir.Block)
	walk = func(b *ir.Block) {
		var out []ir.Stmt
		for _, s := range b.Stmts {
			switch s := s.(type) {
			case *ir.ThreadLoop:
				l := byLoop[s]
				out = append(out, s)
				exits := t.lowerLoop(l, loops, needDone)
				if needDone && returns[s] {
					// if dc_ndone == group size { return }
					out = append(out, &ir.IfStmt{Pos: s.Pos, Cond: eq(ref(t.ndone), groupSize()),
						Then: &ir.Block{Stmts: []ir.Stmt{&ir.ReturnStmt{Pos: s.Pos}}}})
				}
				for _, e := range exits {
					// if dc_brk == code { dc_brk = 0; break (or continue) target }
					usedBrk = true
					inner := e.target == l.loop
					out = append(out, &ir.IfStmt{Pos: s.Pos, Cond: eq(ref(t.brk), intConst(t.brkCode(e))),
						Then: &ir.Block{Stmts: []ir.Stmt{
							assign(s.Pos, t.brk, intConst(0)),
							&ir.BranchStmt{Pos: s.Pos, Kind: e.kind, Target: e.target, Innermost: inner, Labelled: !inner},
						}}})
				}
			case *ir.Block:
				walk(s)
				out = append(out, s)
			case *ir.IfStmt:
				walk(s.Then)
				if s.Else != nil {
					walk(s.Else)
				}
				out = append(out, s)
			case *ir.ForStmt:
				loops = append(loops, s)
				walk(s.Body)
				loops = loops[:len(loops)-1]
				out = append(out, s)
			default:
				out = append(out, s)
			}
		}
		b.Stmts = out
	}
	walk(group)
	var pre []ir.Stmt
	if usedBrk {
		pre = append(pre, &ir.DeclStmt{Var: t.brk, Init: intConst(0)})
	} else {
		t.brk = nil
	}
	if needDone {
		init := &ir.ThreadLoop{Body: &ir.Block{Stmts: []ir.Stmt{assign(ir.Pos{}, t.done, boolConst(false))}}}
		pre = append(pre, &ir.DeclStmt{Var: t.done}, &ir.DeclStmt{Var: t.ndone, Init: intConst(0)}, init)
	}
	group.Stmts = append(pre, group.Stmts...)
}

// lastLoop returns the thread loop that is the last statement of b, or
// nil.
func lastLoop(b *ir.Block) *ir.ThreadLoop {
	tl, _ := b.Stmts[len(b.Stmts)-1].(*ir.ThreadLoop)
	return tl
}

// groupSize returns GroupSizeX * GroupSizeY * GroupSizeZ.
func groupSize() ir.Expr {
	size := func(b ir.Builtin) ir.Expr { return &ir.BuiltinCall{Op: b, T: ir.IntType} }
	mul := func(x, y ir.Expr) ir.Expr { return &ir.Binary{Op: token.MUL, X: x, Y: y, T: ir.IntType} }
	return mul(mul(size(ir.GroupSizeX), size(ir.GroupSizeY)), size(ir.GroupSizeZ))
}

// exit is a branch of a group loop that threads take inside a thread
// loop: every thread takes it (the uniformity analysis checks that), so
// the group code takes it after the thread loop.
type exit struct {
	target *ir.ForStmt
	kind   ir.BranchKind
}

// brkCode returns the value of dc_brk that asks the group code for exit e,
// the same for every thread loop: 1 and 2 for a break and a continue of
// the first loop seen, then 3 and 4, and so on.
func (t *pass) brkCode(e exit) int64 {
	if t.brkCodes == nil {
		t.brkCodes = map[exit]int64{}
	}
	c, ok := t.brkCodes[e]
	if !ok {
		c = int64(len(t.brkCodes)) + 1
		t.brkCodes[e] = c
	}
	return c
}

// lowerLoop rewrites the exits of thread loop l, inside the group loops
// loops (outermost first), and returns the branches of those loops its
// threads take, in the order they first appear.
func (t *pass) lowerLoop(l *threadLoop, loops []*ir.ForStmt, needDone bool) []exit {
	inside := map[ir.Stmt]bool{}
	ir.InspectStmts(l.tl.Body, func(s ir.Stmt) {
		switch s.(type) {
		case *ir.ForStmt, *ir.SwitchStmt:
			inside[s] = true
		}
	})
	next := func(pos ir.Pos) *ir.BranchStmt {
		return &ir.BranchStmt{Pos: pos, Kind: ir.Continue, Target: l.tl, Labelled: true}
	}
	var exits []exit
	taken := map[exit]bool{}
	replaceStmts(l.tl.Body, func(s ir.Stmt) ir.Stmt {
		switch s := s.(type) {
		case *ir.ReturnStmt:
			if !needDone {
				return next(s.Pos)
			}
			return &ir.Block{Pos: s.Pos, Stmts: []ir.Stmt{
				assign(s.Pos, t.done, boolConst(true)),
				assign(s.Pos, t.ndone, &ir.Binary{Op: token.ADD, X: ref(t.ndone), Y: intConst(1), T: ir.IntType}),
				next(s.Pos),
			}}
		case *ir.BranchStmt:
			if inside[s.Target] || s.Target == l.tl {
				// A branch within the thread, or the end of its pass
				// of the thread loop (an iteration of an interchanged
				// loop).
				return nil
			}
			if f, ok := s.Target.(*ir.ForStmt); ok && s.Kind == ir.Break && t.once[f] && t.lastIn[l.tl] == f {
				// Leaving a loop that runs once from the end of its
				// body: the thread skips the rest of its run, and the
				// loop ends after this thread loop anyway.
				return next(s.Pos)
			}
			f, ok := s.Target.(*ir.ForStmt)
			if !ok || !slices.Contains(loops, f) {
				t.fail(s.Pos, "a break or continue of a statement of the group code that is not a loop around it")
				return nil
			}
			e := exit{f, s.Kind}
			if !taken[e] {
				taken[e] = true
				exits = append(exits, e)
			}
			return &ir.Block{Pos: s.Pos, Stmts: []ir.Stmt{
				assign(s.Pos, t.brk, intConst(t.brkCode(e))),
				next(s.Pos),
			}}
		}
		return nil
	})
	if needDone {
		// if dc_done { continue }
		skip := &ir.IfStmt{Pos: l.tl.Pos, Cond: ref(t.done), Then: &ir.Block{Stmts: []ir.Stmt{next(l.tl.Pos)}}}
		l.tl.Body.Stmts = append([]ir.Stmt{skip}, l.tl.Body.Stmts...)
	}
	return exits
}
