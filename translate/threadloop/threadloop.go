// Package threadloop turns a kernel that waits at barriers into its group
// form: code that runs one whole group of threads on one CPU core, without
// a goroutine per thread, the way PoCL's work-group functions and MCUDA
// (Stratton et al., 2008) do.
//
// The barriers cut the kernel's body into regions. Each barrier-free
// region becomes an ir.ThreadLoop, which runs the region for every thread
// of the group before the next region starts: that is exactly what a
// barrier guarantees. A statement that holds a barrier is an if or a for
// whose condition every thread of the group agrees on (package uniform
// proves it when the kernel is generated), so it runs once per group
// around the thread loops of its body. Device functions that wait at a
// barrier are inlined first.
//
// A local variable that lives across a barrier gets one value per thread
// of the group (Group.PerThread): it is declared at the top of the group
// body, and its declaration in the thread code becomes an assignment. A
// return, or a break or continue of a loop that runs once per group, from
// inside a thread loop becomes a flag the group code tests after the
// thread loop.
//
// What the pass cannot transform it reports as an *Unsupported error; the
// kernel then keeps a goroutine per thread.
package threadloop

import (
	"fmt"
	"go/constant"
	"go/token"

	"github.com/dotcompute/dc/translate/ir"
	"github.com/dotcompute/dc/translate/uniform"
)

// Group is the group form of a kernel.
type Group struct {
	Kernel *ir.Kernel
	// Body runs once per group. Outside ThreadLoops it evaluates only
	// what every thread of the group agrees on, and it reads a
	// PerThread variable there as thread 0's value.
	Body *ir.Block
	// PerThread holds the variables with one value per thread: inside a
	// ThreadLoop a reference is the current thread's. Each is declared
	// (without a value) by a DeclStmt at the top of Body.
	PerThread map[*ir.Var]bool
	// Params maps a parameter the kernel assigns to the local that
	// holds its per-thread copy in Body.
	Params map[*ir.Var]*ir.Var
	// Strided reports whether the group runs a grid-stride loop of its
	// threads in rounds (see interchange): every thread's first
	// iteration, then every thread's second, walking memory in order.
	Strided bool
}

// Unsupported says why a kernel has no group form.
type Unsupported struct {
	Kernel string
	Pos    ir.Pos // where the construct is, if known
	Reason string
}

func (e *Unsupported) Error() string {
	at := ""
	if e.Pos.IsValid() {
		at = fmt.Sprintf("%s:%d:%d: ", e.Pos.File, e.Pos.Line, e.Pos.Col)
	}
	return fmt.Sprintf("%skernel %s: %s", at, e.Kernel, e.Reason)
}

// Transform returns the group form of k. It never changes k: the group
// body is a copy, with fresh local variables.
func Transform(k *ir.Kernel) (*Group, error) {
	t := &pass{k: k, perThread: map[*ir.Var]bool{}, params: map[*ir.Var]*ir.Var{},
		once: map[*ir.ForStmt]bool{}, lastIn: map[*ir.ThreadLoop]*ir.ForStmt{}, flags: map[*ir.Var]bool{}}
	body, err := t.run()
	if err != nil {
		return nil, err
	}
	return &Group{Kernel: k, Body: body, PerThread: t.perThread, Params: t.params, Strided: t.rounds}, nil
}

// pass is the state of one Transform.
type pass struct {
	rounds    bool // a grid-stride loop runs in rounds (Group.Strided)
	k         *ir.Kernel
	info      *uniform.Info
	brkCodes  map[exit]int64 // the dc_brk value of each exit of a group loop
	perThread map[*ir.Var]bool
	params    map[*ir.Var]*ir.Var
	err       *Unsupported

	// Flags of the group code, made on first use.
	once map[*ir.ForStmt]bool // loops that run once: inlined bodies with returns
	// lastIn maps a thread loop that ends the body of a group loop to
	// that loop.
	lastIn map[*ir.ThreadLoop]*ir.ForStmt
	brk    *ir.Var // break (1) or continue (2) of a group loop, set by a thread
	done   *ir.Var // per thread: the thread has returned
	ndone  *ir.Var // threads of the group that have returned
	loops  []*threadLoop
	// flags are variables of the group code its thread loops set, like
	// the dc_any of an interchanged loop (see interchange).
	flags map[*ir.Var]bool
	// defs maps the variables declared with a value and never assigned
	// to that value (see interchange).
	defs map[*ir.Var]ir.Expr
	// threadDecl holds the variables the thread loops declare (see
	// interchange).
	threadDecl map[*ir.Var]bool
}

// threadLoop is one ThreadLoop the pass made, with what its lowering
// needs.
type threadLoop struct {
	tl   *ir.ThreadLoop
	loop *ir.ForStmt // the innermost for of the group code around it, nil if none
}

func (t *pass) fail(pos ir.Pos, format string, args ...any) {
	if t.err == nil {
		t.err = &Unsupported{Kernel: t.k.Name, Pos: pos, Reason: fmt.Sprintf(format, args...)}
	}
}

func (t *pass) run() (*ir.Block, error) {
	// Copy the body: the pass then edits its copy in place. A parameter
	// the body assigns gets a local copy, as each thread has its own.
	c := ir.NewCloner()
	var pre []ir.Stmt
	for _, p := range t.k.Params {
		if p.Assigned {
			v := &ir.Var{Name: p.Name, Type: p.Type, Kind: ir.Local, Pos: p.Pos}
			c.Vars[p] = v
			t.params[p] = v
			pre = append(pre, &ir.DeclStmt{Pos: p.Pos, Var: v, Init: &ir.VarRef{Var: p}})
		}
	}
	body := c.Block(t.k.Body)
	body.Stmts = append(pre, body.Stmts...)
	t.inlineBlock(body, 0)
	if t.err != nil {
		return nil, t.err
	}
	// Uniformity of the inlined copy: the conditions of the group code
	// must be the same in every thread.
	k2 := *t.k
	k2.Body = body
	t.info = uniform.Analyze(&ir.Program{Kernels: []*ir.Kernel{&k2}})
	if d := t.info.Diags(); len(d) > 0 {
		t.fail(d[0].Pos, "%s", d[0].Msg)
		return nil, t.err
	}

	stmts := t.split(body.Stmts, nil)
	if t.err != nil {
		return nil, t.err
	}
	group := &ir.Block{Pos: body.Pos, Stmts: stmts}
	t.interchange(group)
	t.lowerExits(group)
	if t.err != nil {
		return nil, t.err
	}
	t.lift(group)
	if t.err != nil {
		return nil, t.err
	}
	t.narrow()
	return group, nil
}

// hasBarrier reports whether running n may wait at a barrier.
func hasBarrier(n ir.Node) bool {
	found := false
	ir.Inspect(n, func(n ir.Node) bool {
		switch n := n.(type) {
		case *ir.BuiltinCall:
			found = found || n.Op == ir.Barrier
		case *ir.Call:
			found = found || n.Func.Barrier
		}
		return !found
	})
	return found
}

// split returns the group code of stmts: runs of barrier-free statements
// become thread loops; statements holding barriers run once per group
// around the thread loops of their bodies. loop is the innermost for
// statement of the group code around stmts, nil if none.
func (t *pass) split(stmts []ir.Stmt, loop *ir.ForStmt) []ir.Stmt {
	var out, run []ir.Stmt
	flush := func() {
		if len(run) == 0 {
			return
		}
		tl := &ir.ThreadLoop{Pos: run[0].StmtPos(), Body: &ir.Block{Pos: run[0].StmtPos(), Stmts: run}}
		t.loops = append(t.loops, &threadLoop{tl: tl, loop: loop})
		out = append(out, tl)
		run = nil
	}
	for _, s := range stmts {
		if t.err != nil {
			return nil
		}
		if !hasBarrier(s) {
			run = append(run, s)
			continue
		}
		if f, ok := s.(*ir.ForStmt); ok {
			// for r := 0; r < n; { ...; r++ }: the threads step the
			// loop variable, so it is theirs: declared before the loop,
			// in the threads' code, and stepped by the threads in the
			// post statement too.
			if d, ok := f.Init.(*ir.DeclStmt); ok && assignsVar(f.Body, d.Var) {
				run = append(run, d)
				f.Init = nil
				if f.Post != nil {
					f.Post = &ir.ThreadLoop{Pos: f.Post.StmtPos(), Body: &ir.Block{Pos: f.Post.StmtPos(), Stmts: []ir.Stmt{f.Post}}}
				}
			} else if f.Post != nil && stepsOuter(f) {
				// for ; stride > 0; stride >>= 1 { ... } with stride
				// declared before the loop, in the threads' code: each
				// thread steps its own, as on a GPU.
				f.Post = &ir.ThreadLoop{Pos: f.Post.StmtPos(), Body: &ir.Block{Pos: f.Post.StmtPos(), Stmts: []ir.Stmt{f.Post}}}
			}
		}
		flush()
		switch s := s.(type) {
		case *ir.ExprStmt:
			if b, ok := s.X.(*ir.BuiltinCall); ok && b.Op == ir.Barrier {
				continue // the boundary between two thread loops
			}
			t.fail(s.Pos, "a barrier inside an expression")
		case *ir.Block:
			out = append(out, &ir.Block{Pos: s.Pos, Stmts: t.split(s.Stmts, loop)})
		case *ir.IfStmt:
			t.groupExpr(s.Pos, "if condition", s.Cond)
			s.Then = &ir.Block{Pos: s.Then.Pos, Stmts: t.split(s.Then.Stmts, loop)}
			if s.Else != nil {
				s.Else = &ir.Block{Pos: s.Else.Pos, Stmts: t.split(s.Else.Stmts, loop)}
			}
			out = append(out, s)
		case *ir.ForStmt:
			if s.Init != nil {
				t.groupStmt(s.Init)
			}
			if s.Cond != nil {
				t.groupExpr(s.Pos, "loop condition", s.Cond)
			}
			if _, threads := s.Post.(*ir.ThreadLoop); s.Post != nil && !threads {
				t.groupStmt(s.Post)
			}
			s.Body = &ir.Block{Pos: s.Body.Pos, Stmts: t.split(s.Body.Stmts, s)}
			if n := len(s.Body.Stmts); n > 0 {
				if tl, ok := s.Body.Stmts[n-1].(*ir.ThreadLoop); ok {
					t.lastIn[tl] = s
				}
			}
			out = append(out, s)
		case *ir.SwitchStmt:
			out = append(out, t.splitSwitch(s, loop)...)
		default:
			t.fail(s.StmtPos(), "a barrier inside a call's arguments or a declaration")
		}
	}
	flush()
	return out
}

// groupExpr checks that e can run once per group: the same in every
// thread, with no effects and no call.
func (t *pass) groupExpr(pos ir.Pos, what string, e ir.Expr) {
	switch {
	case t.info.VaryingExpr(e):
		t.fail(pos, "the %s of a barrier may differ between threads", what)
	case ir.HasCall(e):
		t.fail(pos, "the %s of a barrier calls a function", what)
	}
}

// groupStmt checks the init or post statement of a for loop holding a
// barrier: it must set a variable of the group code to a value every
// thread agrees on.
func (t *pass) groupStmt(s ir.Stmt) {
	switch s := s.(type) {
	case *ir.DeclStmt:
		if s.Init != nil {
			t.groupExpr(s.Pos, "loop variable", s.Init)
		}
		return
	case *ir.AssignStmt:
		if _, ok := s.Target.(*ir.VarRef); ok {
			t.groupExpr(s.Pos, "loop variable", s.Value)
			return
		}
	case *ir.Block:
		// A tuple assignment (i, j = i+di, j+dj) through temporaries.
		for _, s := range s.Stmts {
			t.groupStmt(s)
		}
		return
	}
	t.fail(s.StmtPos(), "the init or post statement of a loop with a barrier is not a variable assignment")
}

// newVar returns a new local of type typ declared by the pass.
func newVar(name string, typ ir.Type) *ir.Var {
	return &ir.Var{Name: name, Type: typ, Kind: ir.Local}
}

// zero returns the zero value of the basic type b.
func zero(b *ir.Basic) *ir.Const {
	switch {
	case b.Kind == ir.Bool:
		return &ir.Const{T: b, Value: constant.MakeBool(false)}
	case b.Kind.IsFloat():
		return &ir.Const{T: b, Value: constant.MakeFloat64(0)}
	}
	return &ir.Const{T: b, Value: constant.MakeInt64(0)}
}

func intConst(n int64) *ir.Const { return &ir.Const{T: ir.IntType, Value: constant.MakeInt64(n)} }

func boolConst(b bool) *ir.Const { return &ir.Const{T: ir.BoolType, Value: constant.MakeBool(b)} }

func ref(v *ir.Var) *ir.VarRef { return &ir.VarRef{Var: v} }

func assign(pos ir.Pos, v *ir.Var, e ir.Expr) *ir.AssignStmt {
	return &ir.AssignStmt{Pos: pos, Target: ref(v), Value: e}
}

func eq(x, y ir.Expr) *ir.Binary {
	return &ir.Binary{Op: token.EQL, X: x, Y: y, T: ir.BoolType}
}

// splitSwitch returns the group code of a switch holding a barrier, whose
// tag and case values every thread agrees on: the tag in a variable, and
// an if-else chain testing the cases in order, default last. A break of
// the switch becomes a break of a loop around the chain that runs once.
func (t *pass) splitSwitch(s *ir.SwitchStmt, loop *ir.ForStmt) []ir.Stmt {
	var out []ir.Stmt
	var tag ir.Expr
	if s.Tag != nil {
		t.groupExpr(s.Pos, "switch tag", s.Tag)
		v := newVar("dc_tag", s.Tag.Type())
		out = append(out, &ir.DeclStmt{Pos: s.Pos, Var: v, Init: s.Tag})
		tag = ref(v)
	}
	breaks := false
	ir.InspectStmts(s, func(x ir.Stmt) {
		if b, ok := x.(*ir.BranchStmt); ok && b.Target == s {
			breaks = true
		}
	})
	var once *ir.ForStmt
	if breaks {
		// for dc_once := true; dc_once; dc_once = false { chain }
		v := newVar("dc_once", ir.BoolType)
		once = &ir.ForStmt{Pos: s.Pos, Init: &ir.DeclStmt{Pos: s.Pos, Var: v, Init: boolConst(true)},
			Cond: ref(v), Post: assign(s.Pos, v, boolConst(false))}
		ir.InspectStmts(s, func(x ir.Stmt) {
			if b, ok := x.(*ir.BranchStmt); ok && b.Target == s {
				b.Target = once
			}
		})
		loop = once
	}
	var chain *ir.IfStmt
	var last *ir.IfStmt
	var def *ir.Block
	for _, c := range s.Cases {
		body := &ir.Block{Pos: c.Body.Pos, Stmts: t.split(c.Body.Stmts, loop)}
		if len(c.Values) == 0 {
			def = body
			continue
		}
		var cond ir.Expr
		for _, v := range c.Values {
			t.groupExpr(c.Pos, "case value", v)
			test := v
			if tag != nil {
				test = eq(tag, v)
			}
			if cond == nil {
				cond = test
			} else {
				cond = &ir.Binary{Op: token.LOR, X: cond, Y: test, T: ir.BoolType}
			}
		}
		ifs := &ir.IfStmt{Pos: c.Pos, Cond: cond, Then: body}
		if chain == nil {
			chain = ifs
		} else {
			last.Else = &ir.Block{Pos: c.Pos, Stmts: []ir.Stmt{ifs}}
		}
		last = ifs
	}
	var stmts []ir.Stmt
	switch {
	case chain == nil && def != nil:
		stmts = []ir.Stmt{def}
	case chain != nil:
		last.Else = def
		stmts = []ir.Stmt{chain}
	}
	if once != nil {
		once.Body = &ir.Block{Pos: s.Pos, Stmts: stmts}
		stmts = []ir.Stmt{once}
	}
	return append(out, stmts...)
}

// assignsVar reports whether b assigns v.
func assignsVar(b *ir.Block, v *ir.Var) bool {
	found := false
	ir.InspectStmts(b, func(s ir.Stmt) {
		ir.Assigns(s, func(x *ir.Var) { found = found || x == v })
	})
	return found
}

// stepsOuter reports whether the post statement of f assigns a variable
// f's init statement does not declare: one the threads declared before
// the loop.
func stepsOuter(f *ir.ForStmt) bool {
	var own *ir.Var
	if d, ok := f.Init.(*ir.DeclStmt); ok {
		own = d.Var
	}
	outer := false
	ir.Assigns(f.Post, func(v *ir.Var) { outer = outer || v != own })
	return outer
}
