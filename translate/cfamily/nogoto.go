package cfamily

import (
	"fmt"

	"github.com/dotcompute/dc/translate/ir"
)

// Labelled break and continue without goto, for dialects that have none
// (Dialect.NoGoto, MSL). A branch that a plain C break or continue cannot
// express leaves each C construct between it and its target with a break,
// after setting a flag of the target; after each construct it leaves, the
// flag is tested and the next construct left in turn:
//
//	bool dc_brk_1 = false;        // declared before the target loop
//	for (...) {
//		for (...) {
//			dc_brk_1 = true;  // break outer
//			break;
//		}
//		if (dc_brk_1) break;
//	}
//
// A continue of an outer loop breaks out to that loop's body and
// continues there (its flag, dc_cont_N, is cleared at the start of every
// iteration). Two constructs print inside a do { } while (0) so that a
// break can leave them: a switch printed as an if/else chain that a break
// targets, and the body of a loop whose post statement is printed at the
// end of the body when a continue targets the loop (the continue leaves
// the body, and the post statement runs).

// ngFrame is a C construct a break leaves: a loop, a C switch, a switch
// chain in its do-while, or (body set) the do-while around a loop's body.
type ngFrame struct {
	stmt ir.Stmt
	body bool
}

// ngJump is how one break or continue prints: the flag to set first ("" for
// none), then word, "break" or "continue".
type ngJump struct {
	flag string
	word string
}

// ngCheck is a test printed after a construct: "if (flag) word;".
type ngCheck struct {
	flag string
	word string
}

// noGoto is the plan of a function's branches in a dialect without goto.
type noGoto struct {
	wrapBody  map[*ir.ForStmt]bool    // the loop's body prints in a do-while
	wrapChain map[*ir.SwitchStmt]bool // the switch chain prints in a do-while
	jumps     map[*ir.BranchStmt]ngJump
	after     map[ngFrame][]ngCheck
	brk       map[ir.Stmt]string // the break flag of a target, if it has one
	cont      map[ir.Stmt]string // the continue flag of a loop, if it has one
}

// ngKind is what a frame on the planning stack is.
type ngKind int

const (
	ngLoop    ngKind = iota // a C for loop
	ngSwitch                // a C switch: break leaves it, continue passes through
	ngDoWhile               // a do { } while (0): break and continue both stop at it
)

type ngStackFrame struct {
	frame ngFrame
	kind  ngKind
}

// planNoGoto is planBranches for a dialect without goto: it fills f.plan
// with how loops and switches print (never with labels) and f.ng with how
// each branch prints.
func (f *fn) planNoGoto(body *ir.Block) {
	f.plan = make(map[ir.Stmt]*targetPlan)
	f.plain = make(map[*ir.BranchStmt]bool)
	ng := &noGoto{
		wrapBody:  make(map[*ir.ForStmt]bool),
		wrapChain: make(map[*ir.SwitchStmt]bool),
		jumps:     make(map[*ir.BranchStmt]ngJump),
		after:     make(map[ngFrame][]ngCheck),
		brk:       make(map[ir.Stmt]string),
		cont:      make(map[ir.Stmt]string),
	}
	f.ng = ng

	// Which statements some break or continue targets.
	broken := make(map[ir.Stmt]bool)
	continued := make(map[ir.Stmt]bool)
	ir.Inspect(body, func(n ir.Node) bool {
		if b, ok := n.(*ir.BranchStmt); ok {
			if b.Kind == ir.Break {
				broken[b.Target] = true
			} else {
				continued[b.Target] = true
			}
		}
		return true
	})

	var stack []ngStackFrame
	var walk func(s ir.Stmt)
	walkBody := func(b *ir.Block) {
		if b != nil {
			for _, s := range b.Stmts {
				walk(s)
			}
		}
	}
	walk = func(s ir.Stmt) {
		switch s := s.(type) {
		case *ir.Block:
			walkBody(s)
		case *ir.IfStmt:
			walkBody(s.Then)
			walkBody(s.Else)
		case *ir.ForStmt:
			tp := &targetPlan{
				hoistInit: s.Init != nil && !f.single(s.Init),
				hoistPost: s.Post != nil && !f.single(s.Post),
			}
			f.plan[s] = tp
			n := len(stack)
			stack = append(stack, ngStackFrame{ngFrame{stmt: s}, ngLoop})
			if tp.hoistPost && continued[s] {
				ng.wrapBody[s] = true
				stack = append(stack, ngStackFrame{ngFrame{stmt: s, body: true}, ngDoWhile})
			}
			walkBody(s.Body)
			stack = stack[:n]
		case *ir.SwitchStmt:
			tp := &targetPlan{chain: !s.Simple || s.Tag == nil}
			f.plan[s] = tp
			n := len(stack)
			switch {
			case !tp.chain:
				stack = append(stack, ngStackFrame{ngFrame{stmt: s}, ngSwitch})
			case broken[s]:
				ng.wrapChain[s] = true
				stack = append(stack, ngStackFrame{ngFrame{stmt: s}, ngDoWhile})
			}
			for _, c := range s.Cases {
				walkBody(c.Body)
			}
			stack = stack[:n]
		case *ir.BranchStmt:
			f.planJump(s, stack)
		}
	}
	walkBody(body)
}

// planJump decides how branch s prints, stack being the C constructs that
// enclose it, innermost last.
func (f *fn) planJump(s *ir.BranchStmt, stack []ngStackFrame) {
	ng := f.ng
	// The frame the branch ends at: the target itself for a break, the
	// do-while around the target loop's body or the loop for a continue.
	want := ngFrame{stmt: s.Target}
	if loop, ok := s.Target.(*ir.ForStmt); ok && s.Kind == ir.Continue && ng.wrapBody[loop] {
		want.body = true
	}
	end := -1
	for i := len(stack) - 1; i >= 0; i-- {
		if stack[i].frame == want {
			end = i
			break
		}
	}
	if end < 0 {
		return // reported when printed
	}
	// leave lists the constructs to leave, innermost first. A continue of
	// a loop without a body do-while leaves those inside the loop and
	// continues it.
	var leave []ngStackFrame
	for i := len(stack) - 1; i >= end; i-- {
		leave = append(leave, stack[i])
	}
	continues := s.Kind == ir.Continue && !want.body
	if continues {
		leave = leave[:len(leave)-1]
		loops := false
		for _, fr := range leave {
			loops = loops || fr.kind != ngSwitch
		}
		if !loops {
			// Only C switches in between, which continue passes.
			ng.jumps[s] = ngJump{word: "continue"}
			return
		}
	} else if len(leave) == 1 {
		// A break of the innermost construct, or a continue that leaves
		// the body's do-while.
		ng.jumps[s] = ngJump{word: "break"}
		return
	}
	flag := f.ngFlag(s)
	ng.jumps[s] = ngJump{flag: flag, word: "break"}
	last := len(leave) - 1
	if !continues {
		last-- // the target itself needs no test after it
	}
	for i := 0; i <= last; i++ {
		word := "break"
		if continues && i == last {
			word = "continue"
		}
		ng.addCheck(leave[i].frame, ngCheck{flag: flag, word: word})
	}
}

// ngFlag returns the flag branch s sets, naming it on first use after the
// target's label number.
func (f *fn) ngFlag(s *ir.BranchStmt) string {
	flags, prefix := f.ng.brk, "dc_brk_"
	if s.Kind == ir.Continue {
		flags, prefix = f.ng.cont, "dc_cont_"
	}
	if name, ok := flags[s.Target]; ok {
		return name
	}
	tp := f.plan[s.Target]
	if tp.label == 0 {
		f.labels++
		tp.label = f.labels
	}
	name := fmt.Sprintf("%s%d", prefix, tp.label)
	flags[s.Target] = name
	return name
}

// addCheck adds c after frame fr, once.
func (ng *noGoto) addCheck(fr ngFrame, c ngCheck) {
	for _, have := range ng.after[fr] {
		if have == c {
			return
		}
	}
	ng.after[fr] = append(ng.after[fr], c)
}

// ngDeclare declares the flags of target s, before it prints.
func (f *fn) ngDeclare(s ir.Stmt) {
	if f.ng == nil {
		return
	}
	if name, ok := f.ng.brk[s]; ok {
		f.linef("bool %s = false;", name)
	}
	if name, ok := f.ng.cont[s]; ok {
		f.linef("bool %s = false;", name)
	}
}

// ngChecks prints the flag tests after frame fr.
func (f *fn) ngChecks(fr ngFrame) {
	if f.ng == nil {
		return
	}
	for _, c := range f.ng.after[fr] {
		f.linef("if (%s) %s;", c.flag, c.word)
	}
}

// ngJumpStmt prints branch s in a dialect without goto.
func (f *fn) ngJumpStmt(s *ir.BranchStmt) {
	j, ok := f.ng.jumps[s]
	if !ok {
		f.problemf("%s to a statement that does not enclose it", branchWord(s.Kind))
		return
	}
	if j.flag != "" {
		f.linef("%s = true;", j.flag)
	}
	f.linef("%s;", j.word)
}

// ngLoopBody prints the body of loop s (and its post statement when it
// is printed at the end of the body) in a dialect without goto: the
// continue flag cleared first, and the body in a do-while when a continue
// must leave it and still run the post statement.
func (f *fn) ngLoopBody(s *ir.ForStmt) {
	if name, ok := f.ng.cont[s]; ok {
		f.linef("%s = false;", name)
	}
	switch {
	case f.ng.wrapBody[s]:
		f.linef("do {")
		f.body(s.Body)
		f.linef("} while (0);")
		f.ngChecks(ngFrame{stmt: s, body: true})
	case s.Body != nil:
		f.stmts(s.Body.Stmts)
	}
}
