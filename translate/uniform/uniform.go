// Package uniform is the barrier uniformity analysis of dc's kernel IR, in
// the spirit of WGSL's mandatory uniformity analysis: every thread of a
// group must reach the same sequence of barriers, so a t.Barrier() (or a
// call of a device function that calls it) must not depend on a condition
// that differs between the threads of a group.
//
// A value is uniform when every thread of a group that computes it gets
// the same value, and varying otherwise. Varying sources are the thread's
// global and local indices, every load from memory (slices and shared
// arrays: other threads may have written them; an element of a slice
// parameter no thread of the kernel writes is as uniform as its index),
// the results of atomics,
// and the results of device functions computed from varying values.
// Constants, kernel parameters, len of a uniform slice, the group index and
// every size of the launch are uniform; a variable is uniform when every
// assignment to it stores a uniform value under uniform control flow.
// Control flow is varying inside an if, loop or switch whose condition is
// varying, and after a return, break or continue taken under varying
// control, until the threads meet again (after the loop or switch, or
// never, for a return).
//
// Check reports the barriers reached under varying control; Analyze also
// returns what it learned, for passes that need to know which values are
// the same for a whole group.
package uniform

import (
	"fmt"
	"go/token"
	"sort"
	"strings"

	"github.com/dotcompute/dc/translate/ir"
)

// Diag is one barrier that not every thread of a group reaches.
type Diag struct {
	Pos ir.Pos // the statement holding the barrier or the call
	Msg string
}

// Info is what the analysis learned about one program.
type Info struct {
	a *analyzer
}

// Check returns a diagnostic for every barrier of p, and every call of a
// device function with a barrier, that is reached under varying control,
// sorted by position.
func Check(p *ir.Program) []Diag { return Analyze(p).Diags() }

// Analyze runs the uniformity analysis over every kernel of p and the
// device functions they call, each function once per combination of
// varying arguments it is called with.
func Analyze(p *ir.Program) *Info {
	a := &analyzer{
		sums:    map[sumKey]*summary{},
		varying: map[*ir.Var]bool{},
		seen:    map[Diag]bool{},
	}
	a.readOnly = map[*ir.Var]bool{}
	for _, k := range p.Kernels {
		for _, v := range k.Params {
			if _, ok := v.Type.(*ir.Slice); ok && !v.Written && !v.Assigned {
				a.readOnly[v] = true
			}
		}
	}
	for _, k := range p.Kernels {
		w := a.walk(k.Thread, k.Body, nil, nil)
		a.addDiags(w.diags)
	}
	return &Info{a: a}
}

// Diags returns the diagnostics, sorted by file, line and column.
func (in *Info) Diags() []Diag {
	d := append([]Diag(nil), in.a.diags...)
	sort.SliceStable(d, func(i, j int) bool {
		a, b := d[i].Pos, d[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return d
}

// Varying reports whether the variable v may hold different values in
// different threads of a group, in any of the contexts its function is
// called in.
func (in *Info) Varying(v *ir.Var) bool { return in.a.varying[v] }

// VaryingExpr reports whether e, an expression of a function the analysis
// visited, may have different values in different threads of a group.
// A load from memory is always varying.
func (in *Info) VaryingExpr(e ir.Expr) bool {
	w := &walker{a: in.a, varying: in.a.varying}
	return w.vary(e)
}

type sumKey struct {
	f    *ir.Func
	mask string // one '0' or '1' per parameter: is the argument varying
}

// summary is the analysis of one device function for one combination of
// varying arguments.
type summary struct {
	results []bool // per result: may differ between threads
	diags   []Diag
}

type analyzer struct {
	// readOnly holds the slice parameters of the kernels that no thread
	// writes: an element at a uniform index is uniform.
	readOnly map[*ir.Var]bool
	sums     map[sumKey]*summary
	varying  map[*ir.Var]bool // union over every context
	diags    []Diag
	seen     map[Diag]bool
}

func (a *analyzer) addDiags(ds []Diag) {
	for _, d := range ds {
		if !a.seen[d] {
			a.seen[d] = true
			a.diags = append(a.diags, d)
		}
	}
}

// summary analyses f for the given varying arguments.
func (a *analyzer) summary(f *ir.Func, args []bool) *summary {
	var mask strings.Builder
	for i := range f.Params {
		if i < len(args) && args[i] {
			mask.WriteByte('1')
		} else {
			mask.WriteByte('0')
		}
	}
	key := sumKey{f, mask.String()}
	if s := a.sums[key]; s != nil {
		return s
	}
	var params []*ir.Var
	for i, p := range f.Params {
		if i < len(args) && args[i] {
			params = append(params, p)
		}
	}
	w := a.walk(f.Thread, f.Body, params, f.Results)
	s := &summary{results: w.results, diags: w.diags}
	a.sums[key] = s
	return s
}

// walk analyses one function body: first the facts, to a fixed point, then
// one more walk that reports.
func (a *analyzer) walk(thread *ir.Var, body *ir.Block, varyingParams []*ir.Var, results []ir.Type) *walker {
	w := &walker{
		a:       a,
		varying: map[*ir.Var]bool{},
		leave:   map[ir.Stmt]*cause{},
		results: make([]bool, len(results)),
		thread:  "t",
	}
	if thread != nil && thread.Name != "" && thread.Name != "_" && !strings.HasPrefix(thread.Name, "unused") {
		w.thread = thread.Name
	}
	for _, p := range varyingParams {
		w.varying[p] = true
	}
	for {
		w.changed = false
		w.block(body, nil)
		if !w.changed {
			break
		}
	}
	w.report = true
	w.block(body, nil)
	for v := range w.varying {
		a.varying[v] = true
	}
	return w
}

// causeKind says why control flow is varying.
type causeKind int

const (
	condCause     causeKind = iota // inside a branch on a varying condition
	returnCause                    // after some threads returned
	breakCause                     // after some threads left a loop or switch
	continueCause                  // after some threads went on to the next iteration
)

// cause is why a statement is reached only by some threads of a group.
type cause struct {
	kind   causeKind
	cond   ir.Expr // the varying condition (as written)
	negate bool    // the condition is false where the statement runs
	pos    ir.Pos  // the branching statement, or the return, break or continue
	loop   bool    // breakCause: left a loop (not a switch)
}

// exit is a return, break or continue taken under varying control.
type exit struct {
	ret    bool // a return; else a break or continue of target
	kind   ir.BranchKind
	target ir.Stmt // the loop or switch a break or continue refers to
	c      *cause
}

type walker struct {
	a       *analyzer
	varying map[*ir.Var]bool
	leave   map[ir.Stmt]*cause // loops some threads leave early
	results []bool             // the function's results that may vary
	thread  string             // name of the dc.Thread, for messages
	changed bool
	report  bool
	diags   []Diag
}

func (w *walker) markVar(v *ir.Var) {
	if v != nil && !w.varying[v] {
		w.varying[v] = true
		w.changed = true
	}
}

func (w *walker) block(b *ir.Block, ctl *cause) []exit {
	if b == nil {
		return nil
	}
	var exits []exit
	for _, s := range b.Stmts {
		ex := w.stmt(s, ctl)
		exits = append(exits, ex...)
		if ctl == nil && len(ex) > 0 {
			ctl = ex[0].c
		}
	}
	return exits
}

// stmt analyses s, reached under ctl (nil: by every thread that reached
// the function), and returns the exits some but not all threads take.
func (w *walker) stmt(s ir.Stmt, ctl *cause) []exit {
	switch s := s.(type) {
	case nil:
		return nil
	case *ir.Block:
		return w.block(s, ctl)
	case *ir.DeclStmt:
		if s.Init != nil {
			w.calls(s.Init, ctl, s.Pos)
		}
		if ctl != nil || (s.Init != nil && w.vary(s.Init)) {
			w.markVar(s.Var)
		}
	case *ir.AssignStmt:
		w.calls(s.Value, ctl, s.Pos)
		w.calls(s.Target, ctl, s.Pos)
		w.store(s.Target, ctl != nil || w.vary(s.Value))
	case *ir.CallStmt:
		w.calls(s.Call, ctl, s.Pos)
		res := w.callResults(s.Call)
		for i, t := range s.Targets {
			if t == nil {
				continue
			}
			w.calls(t, ctl, s.Pos)
			w.store(t, ctl != nil || (i < len(res) && res[i]))
		}
	case *ir.ExprStmt:
		w.calls(s.X, ctl, s.Pos)
	case *ir.IfStmt:
		w.calls(s.Cond, ctl, s.Pos)
		then, els := ctl, ctl
		if ctl == nil && w.vary(s.Cond) {
			then = &cause{kind: condCause, cond: s.Cond, pos: s.Pos}
			els = &cause{kind: condCause, cond: s.Cond, negate: true, pos: s.Pos}
		}
		return append(w.block(s.Then, then), w.block(s.Else, els)...)
	case *ir.ForStmt:
		return w.forStmt(s, ctl)
	case *ir.SwitchStmt:
		return w.switchStmt(s, ctl)
	case *ir.BranchStmt:
		if ctl == nil {
			return nil
		}
		_, loop := s.Target.(*ir.ForStmt)
		kind := breakCause
		if s.Kind == ir.Continue {
			kind = continueCause
		}
		return []exit{{kind: s.Kind, target: s.Target, c: exitCause(ctl, kind, s.Pos, loop)}}
	case *ir.ReturnStmt:
		for i, r := range s.Results {
			w.calls(r, ctl, s.Pos)
			if i < len(w.results) && !w.results[i] && (ctl != nil || w.vary(r)) {
				w.results[i] = true
				w.changed = true
			}
		}
		if ctl != nil {
			return []exit{{ret: true, c: exitCause(ctl, returnCause, s.Pos, false)}}
		}
	}
	return nil
}

// exitCause is the cause of divergence after a return, break or continue
// taken under ctl.
func exitCause(ctl *cause, kind causeKind, pos ir.Pos, loop bool) *cause {
	if ctl.kind != condCause {
		return ctl // already diverged earlier; that is the reason to report
	}
	return &cause{kind: kind, cond: ctl.cond, negate: ctl.negate, pos: pos, loop: loop}
}

func (w *walker) forStmt(s *ir.ForStmt, ctl *cause) []exit {
	w.stmt(s.Init, ctl)
	loop := ctl
	if loop == nil {
		// Some threads leave early, so later iterations vary (and so
		// does the counter: check this first, it is the reason).
		loop = w.leave[s]
	}
	if loop == nil && s.Cond != nil && w.vary(s.Cond) {
		loop = &cause{kind: condCause, cond: s.Cond, pos: s.Pos}
	}
	if s.Cond != nil {
		w.calls(s.Cond, loop, s.Pos)
	}
	var out []exit
	for _, e := range w.block(s.Body, loop) {
		if !e.ret && e.target == s && e.kind == ir.Continue {
			continue // the threads meet again at the next iteration
		}
		if loop == nil && w.leave[s] == nil {
			w.leave[s] = e.c
			w.changed = true
		}
		if !e.ret && e.target == s {
			continue // and after the loop
		}
		out = append(out, e)
	}
	w.stmt(s.Post, loop)
	return out
}

func (w *walker) switchStmt(s *ir.SwitchStmt, ctl *cause) []exit {
	if s.Tag != nil {
		w.calls(s.Tag, ctl, s.Pos)
	}
	tagVaries := s.Tag != nil && w.vary(s.Tag)
	// earlier is the cause of divergence from the cases before this one
	// (threads that matched them do not test the rest).
	var earlier *cause
	var out []exit
	var defaultCase *ir.Case
	for _, c := range s.Cases {
		if len(c.Values) == 0 {
			defaultCase = c
			continue
		}
		test := ctl
		if test == nil {
			test = earlier
		}
		for _, v := range c.Values {
			w.calls(v, test, s.Pos)
		}
		cond := caseCond(s.Tag, c.Values)
		body := test
		if body == nil && (tagVaries || w.vary(cond)) {
			body = &cause{kind: condCause, cond: cond, pos: c.Pos}
		}
		if earlier == nil && ctl == nil && (tagVaries || w.vary(cond)) {
			earlier = &cause{kind: condCause, cond: cond, negate: true, pos: c.Pos}
		}
		out = append(out, w.caseBody(s, c, body)...)
	}
	if defaultCase != nil {
		body := ctl
		if body == nil {
			body = earlier
		}
		out = append(out, w.caseBody(s, defaultCase, body)...)
	}
	return out
}

func (w *walker) caseBody(s *ir.SwitchStmt, c *ir.Case, ctl *cause) []exit {
	var out []exit
	for _, e := range w.block(c.Body, ctl) {
		if !e.ret && e.target == s {
			continue // the threads meet again after the switch
		}
		out = append(out, e)
	}
	return out
}

// caseCond is the condition under which a case with values is taken.
func caseCond(tag ir.Expr, values []ir.Expr) ir.Expr {
	var cond ir.Expr
	for _, v := range values {
		c := v
		if tag != nil {
			c = &ir.Binary{Op: token.EQL, X: tag, Y: v, T: ir.BoolType}
		}
		if cond == nil {
			cond = c
		} else {
			cond = &ir.Binary{Op: token.LOR, X: cond, Y: c, T: ir.BoolType}
		}
	}
	return cond
}

// store records an assignment to the location target of a value that is
// varying or not.
func (w *walker) store(target ir.Expr, varying bool) {
	for {
		switch t := target.(type) {
		case *ir.VarRef:
			if varying {
				w.markVar(t.Var)
			}
			return
		case *ir.Index:
			switch t.X.Type().(type) {
			case *ir.Slice, *ir.Pointer:
				return // a store to memory: loads are varying anyway
			}
			varying = varying || w.vary(t.Index)
			target = t.X
		case *ir.FieldRef:
			target = t.X
		default:
			return
		}
	}
}

// callResults returns, per result, whether a call's result may vary.
func (w *walker) callResults(c *ir.Call) []bool {
	args := make([]bool, len(c.Args))
	for i, x := range c.Args {
		args[i] = w.vary(x)
	}
	s := w.a.summary(c.Func, args)
	if w.report {
		w.diags = append(w.diags, s.diags...)
	}
	return s.results
}

// vary reports whether e may have different values in the threads of a
// group, given what is known so far.
func (w *walker) vary(e ir.Expr) bool {
	switch e := e.(type) {
	case nil, *ir.Const, *ir.SharedRef:
		return false
	case *ir.VarRef:
		return w.varying[e.Var]
	case *ir.Unary:
		return w.vary(e.X)
	case *ir.Binary:
		return w.vary(e.X) || w.vary(e.Y)
	case *ir.Convert:
		return w.vary(e.X)
	case *ir.Index:
		switch e.X.Type().(type) {
		case *ir.Slice:
			// Memory another thread may have written, unless it is a
			// slice parameter of the kernel no thread writes.
			if r, ok := e.X.(*ir.VarRef); ok && w.a.readOnly[r.Var] {
				return w.vary(e.Index)
			}
			return true
		case *ir.Pointer:
			return true // memory: another thread may have written it
		}
		return w.vary(e.X) || w.vary(e.Index)
	case *ir.FieldRef:
		return w.vary(e.X)
	case *ir.Len:
		return w.vary(e.X)
	case *ir.SliceExpr:
		return w.vary(e.X) || w.vary(e.Lo) || w.vary(e.Hi)
	case *ir.StructLit:
		for _, f := range e.Fields {
			if w.vary(f) {
				return true
			}
		}
		return false
	case *ir.ArrayLit:
		for _, x := range e.Elems {
			if w.vary(x) {
				return true
			}
		}
		return false
	case *ir.Call:
		for _, r := range w.callResults(e) {
			if r {
				return true
			}
		}
		return false
	case *ir.BuiltinCall:
		switch {
		case e.Op >= ir.GlobalX && e.Op <= ir.LocalZ:
			return true
		case e.Op.IsThread(), e.Op == ir.Barrier:
			return false
		case e.Op.IsAtomic():
			return true
		}
		for _, x := range e.Args {
			if w.vary(x) {
				return true
			}
		}
		return false
	}
	return true // unknown: be safe
}

// calls checks the barriers and device function calls in e, evaluated
// under ctl by the statement at pos: the right operand of && and || only
// where the left one lets it.
func (w *walker) calls(e ir.Expr, ctl *cause, pos ir.Pos) {
	if e == nil {
		return
	}
	if b, ok := e.(*ir.Binary); ok {
		w.calls(b.X, ctl, pos)
		right := ctl
		if ctl == nil && (b.Op == token.LAND || b.Op == token.LOR) && w.vary(b.X) {
			right = &cause{kind: condCause, cond: b.X, negate: b.Op == token.LOR, pos: pos}
		}
		w.calls(b.Y, right, pos)
		return
	}
	ir.DoChildren(e, func(c ir.Node) { w.calls(c.(ir.Expr), ctl, pos) })
	switch e := e.(type) {
	case *ir.Call:
		w.callResults(e) // analyses the callee for these arguments
		if e.Func.Barrier && ctl != nil {
			w.diagnose(pos, fmt.Sprintf("call of %s (which calls %s.Barrier())", e.Func.GoName, w.thread), ctl)
		}
	case *ir.BuiltinCall:
		if e.Op == ir.Barrier && ctl != nil {
			w.diagnose(pos, w.thread+".Barrier()", ctl)
		}
	}
}

func (w *walker) diagnose(pos ir.Pos, what string, c *cause) {
	if !w.report {
		return
	}
	cond := format(c.cond, w.thread)
	if c.negate {
		cond = format(negate(c.cond), w.thread)
	}
	at := fmt.Sprintf("%s:%d:%d", c.pos.File, c.pos.Line, c.pos.Col)
	var msg string
	switch c.kind {
	case condCause:
		msg = fmt.Sprintf("%s is reached only by the threads where %s (%s)", what, cond, at)
	case returnCause:
		msg = fmt.Sprintf("%s is not reached by the threads that returned where %s (%s)", what, cond, at)
	case breakCause:
		left := "switch"
		if c.loop {
			left = "loop"
		}
		msg = fmt.Sprintf("%s is not reached by the threads that left the %s where %s (%s)", what, left, cond, at)
	case continueCause:
		msg = fmt.Sprintf("%s is not reached by the threads that continued with the next iteration where %s (%s)", what, cond, at)
	}
	msg += "; every thread of a group must reach it: guard the work, not the barrier"
	w.diags = append(w.diags, Diag{Pos: pos, Msg: msg})
}
