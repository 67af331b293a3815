// Package checks is the IR pass that makes kernels as safe as Go: it puts
// a run-time check (an *ir.Check) on every slice and array index, every
// slice expression, every integer division and remainder and every shift
// by a signed count of a checked kernel, exactly where Go checks them,
// except where it can prove the check cannot fail. Printers print every check they find; a kernel marked
// //dc:kernel unchecked gets none.
//
// The proofs are deliberately simple and local, covering what kernels are
// written with:
//
//   - the kernel's own guard: inside if i < len(x) { ... }, or after
//     if i >= len(x) { return } (or continue, or break), x[i] needs no
//     check when i cannot be negative;
//   - the same through variables that are never reassigned: n := len(x);
//     if i >= n { return };
//   - loop counters: for j := 0; j < len(s); j++ { s[j] } and
//     for j := range N over arrays of length N or more;
//   - constant indexes into arrays, indexes bounded by constants
//     (for s := 128; s > 0; s /= 2 { if l < s { sh[l] } } with sh of length
//     at least 128), and divisions by non-zero constants.
//
// A guard that ties two slices together (if i < len(y) { y[i] = x[i] })
// proves only the slice it names: nothing relies on the caller passing
// equal lengths.
package checks

import (
	"fmt"
	"go/constant"
	"go/token"
	"math"

	"github.com/dotcompute/dc/translate/ir"
)

// Insert adds the run-time checks of every checked kernel of p and of the
// device functions they reach, numbering them in p.Checks, and sets
// Kernel.Checked and Func.Checked. A device function reached only from
// unchecked kernels gets no checks.
func Insert(p *ir.Program) {
	ins := &inserter{prog: p}
	checkedFuncs := map[*ir.Func]bool{}
	for _, k := range p.Kernels {
		if k.Unchecked {
			continue
		}
		for _, f := range k.Calls {
			checkedFuncs[f] = true
		}
	}
	// Program.Funcs lists callees first, so a function's Checked is final
	// before its callers are looked at.
	for _, f := range p.Funcs {
		if checkedFuncs[f] {
			ins.function(f.Params, f.Body, false)
		}
	}
	hasChecks := map[*ir.Func]bool{}
	for _, f := range p.Funcs {
		if checkedFuncs[f] && (containsCheck(f.Body) || callsChecked(f.Body, hasChecks)) {
			f.Checked = true
			hasChecks[f] = true
		}
	}
	for _, k := range p.Kernels {
		if !k.Unchecked {
			ins.function(k.Params, k.Body, true)
			k.Checked = containsCheck(k.Body) || callsChecked(k.Body, hasChecks)
		} else {
			k.Checked = callsChecked(k.Body, hasChecks)
		}
	}
}

type inserter struct {
	prog *ir.Program
}

func (ins *inserter) newCheck(kind ir.CheckKind, pos ir.Pos) *ir.Check {
	c := &ir.Check{ID: len(ins.prog.Checks), Kind: kind, Pos: pos}
	ins.prog.Checks = append(ins.prog.Checks, c)
	return c
}

// function inserts the checks of one body.
func (ins *inserter) function(params []*ir.Var, body *ir.Block, kernel bool) {
	w := &walker{ins: ins, assigns: map[*ir.Var]int{}, defs: map[*ir.Var]ir.Expr{}, loopInit: map[*ir.Var]ir.Expr{},
		noWrap: map[*ir.Var][]*sym{}}
	if kernel {
		w.params = map[*ir.Var]int{}
	}
	for i, p := range params {
		if p.Assigned {
			w.assigns[p]++
		}
		if kernel {
			w.params[p] = i
		}
	}
	countAssigns(body, w.assigns)
	w.block(body, nil)
}

// fact is "x < y" (or "x <= y" when le is set) for two terms (canonical
// texts of invariant expressions), with the expressions when they are not
// constants.
type fact struct {
	lt, of   string
	ltE, ofE ir.Expr
	le       bool
}

// walker walks one body, keeping the facts that hold at each point.
type walker struct {
	ins     *inserter
	assigns map[*ir.Var]int     // assignments after declaration (any, for params)
	defs    map[*ir.Var]ir.Expr // initial value of variables assigned only there
	facts   []fact
	pos     ir.Pos // position of the statement being walked
	// loopVars are counters of enclosing loops that their bodies do not
	// assign: invariant terms inside the body.
	loopVars map[*ir.Var]bool
	// nonneg holds loop counters known not to be negative in the body.
	nonneg map[*ir.Var]bool
	// loopInit holds the initial value of counters of increasing loops.
	loopInit map[*ir.Var]ir.Expr
	// noWrap holds the launch conditions under which a counter of
	// loopInit does not wrap around (see launchStep); a counter not in
	// it never does.
	noWrap map[*ir.Var][]*sym
	// params maps a kernel's parameters to their index, nil in a device
	// function (whose checks get no launch conditions).
	params map[*ir.Var]int
}

func (w *walker) block(b *ir.Block, extra []fact) {
	if b == nil {
		return
	}
	saved := len(w.facts)
	w.facts = append(w.facts, extra...)
	for _, s := range b.Stmts {
		w.stmt(s)
		// if cond { return } (or break/continue): cond is false below.
		if st, ok := s.(*ir.IfStmt); ok && st.Else == nil && exits(st.Then) {
			w.facts = append(w.facts, w.factsOf(st.Cond, false)...)
		}
	}
	w.facts = w.facts[:saved]
}

// exits reports whether b always ends in return, break or continue.
func exits(b *ir.Block) bool {
	if b == nil || len(b.Stmts) == 0 {
		return false
	}
	switch s := b.Stmts[len(b.Stmts)-1].(type) {
	case *ir.ReturnStmt, *ir.BranchStmt:
		return true
	case *ir.Block:
		return exits(s)
	}
	return false
}

func (w *walker) stmt(s ir.Stmt) {
	if p := s.StmtPos(); p.IsValid() {
		w.pos = p
	}
	switch s := s.(type) {
	case *ir.Block:
		w.block(s, nil)
	case *ir.DeclStmt:
		if s.Init != nil {
			w.expr(s.Init)
			if w.assigns[s.Var] == 0 {
				w.defs[s.Var] = s.Init
			}
		}
	case *ir.AssignStmt:
		w.expr(s.Target)
		w.expr(s.Value)
	case *ir.CallStmt:
		for _, t := range s.Targets {
			if t != nil {
				w.expr(t)
			}
		}
		w.expr(s.Call)
	case *ir.ExprStmt:
		w.expr(s.X)
	case *ir.IfStmt:
		w.expr(s.Cond)
		w.block(s.Then, w.factsOf(s.Cond, true))
		w.block(s.Else, w.factsOf(s.Cond, false))
	case *ir.ForStmt:
		w.forStmt(s)
	case *ir.SwitchStmt:
		if s.Tag != nil {
			w.expr(s.Tag)
		}
		for _, c := range s.Cases {
			for _, v := range c.Values {
				w.expr(v)
			}
			w.block(c.Body, nil)
		}
	case *ir.ReturnStmt:
		for _, r := range s.Results {
			w.expr(r)
		}
	}
}

// forStmt walks a loop. A counter the body does not assign, stepped by
// Post in one direction, gives facts inside the body: for i := a; i < n;
// i += c (c > 0) keeps i < n, and i >= 0 when a >= 0; for s := C; s > 0;
// s /= c (or s >>= c, s -= c) keeps 0 < s <= C.
func (w *walker) forStmt(s *ir.ForStmt) {
	saved := len(w.facts)
	if s.Init != nil {
		w.stmt(s.Init)
	}
	if s.Cond != nil {
		w.expr(s.Cond)
	}
	var extra []fact
	if v, init := loopCounter(s); v != nil && w.assigns[v] == 1 && !assignsVar(s.Body, v) {
		// The counter is assigned only by Post.
		if w.loopVars == nil {
			w.loopVars, w.nonneg = map[*ir.Var]bool{}, map[*ir.Var]bool{}
		}
		dir := stepDirection(s.Post, v)
		if dir > 0 && !w.growsSafely(s, v) {
			dir = 0
		}
		if dir == 0 && (w.noOverflowStep(s, v) || w.noOverflowScale(s, v, init)) {
			dir = 1
		}
		var noWrap []*sym
		if dir == 0 {
			if g, ok := w.launchStep(s, v); ok {
				dir, noWrap = 1, g
				w.noWrap[v] = g
				defer delete(w.noWrap, v)
			}
		}
		switch {
		case dir > 0:
			w.loopVars[v] = true
			w.loopInit[v] = init
			defer delete(w.loopInit, v)
			if noWrap == nil && w.nonNegative(init) {
				w.nonneg[v] = true
			}
			if s.Cond != nil {
				extra = append(extra, w.factsOf(s.Cond, true)...)
			}
			defer delete(w.loopVars, v)
			defer delete(w.nonneg, v)
		case dir < 0:
			if c, ok := intConst(init); ok && s.Cond != nil {
				w.loopVars[v] = true
				fs := w.factsOf(s.Cond, true)
				extra = append(extra, fs...)
				extra = append(extra, fact{lt: w.term(&ir.VarRef{Var: v}), of: fmt.Sprint(c + 1), ltE: &ir.VarRef{Var: v}})
				for _, f := range fs {
					if !f.le && f.lt == "0" && f.of == w.term(&ir.VarRef{Var: v}) {
						w.nonneg[v] = true
					}
				}
				defer delete(w.loopVars, v)
				defer delete(w.nonneg, v)
			}
		}
	}
	w.facts = append(w.facts, extra...)
	w.block(s.Body, nil)
	w.facts = w.facts[:len(w.facts)-len(extra)]
	if s.Post != nil {
		w.stmt(s.Post)
	}
	w.facts = w.facts[:saved]
}

// loopCounter returns the variable Init declares and its initial value.
func loopCounter(s *ir.ForStmt) (*ir.Var, ir.Expr) {
	d, ok := s.Init.(*ir.DeclStmt)
	if !ok || d.Init == nil || ir.BasicOf(d.Var.Type) == nil || !ir.BasicOf(d.Var.Type).Kind.IsInteger() {
		return nil, nil
	}
	return d.Var, d.Init
}

// stepDirection returns 1 if post is v = v + c or v = v | ... (c > 0
// constant), -1 if it is v = v / c, v = v >> c (c > 0) or v = v - c, and 0
// otherwise.
func stepDirection(post ir.Stmt, v *ir.Var) int {
	b := selfUpdate(post, v)
	if b == nil {
		return 0
	}
	c, ok := intConst(b.Y)
	if !ok || c <= 0 {
		return 0
	}
	switch b.Op {
	case token.ADD:
		return 1
	case token.SHL:
		if c >= 1 {
			return 1
		}
	case token.QUO:
		if c >= 2 {
			return -1
		}
	case token.SHR, token.SUB:
		return -1
	}
	return 0
}

// growsSafely reports whether loop s, whose counter v steps up by a
// constant (see stepDirection), never wraps v around: v | c never does,
// v < n; v++ cannot pass n, and a larger step or shift needs n small
// enough (noOverflowStep, and the same for a shift).
func (w *walker) growsSafely(s *ir.ForStmt, v *ir.Var) bool {
	b := selfUpdate(s.Post, v)
	c, _ := intConst(b.Y)
	switch b.Op {
	case token.OR:
		return true
	case token.ADD:
		if cond, ok := s.Cond.(*ir.Binary); ok && c == 1 && cond.Op == token.LSS {
			if r, ok := cond.X.(*ir.VarRef); ok && r.Var == v {
				return true
			}
		}
		return w.noOverflowStep(s, v)
	case token.SHL:
		n, ok := w.boundBits(s, v)
		return ok && c < 64 && n+int(c) <= counterBits(v)
	}
	return false
}

// counterBits is the number of value bits of v's integer type a counter
// may use without reaching its sign bit: 62 for 64-bit types, whose
// bounds are computed up to 2^62.
func counterBits(v *ir.Var) int {
	k := ir.BasicOf(v.Type)
	if k == nil || k.Kind.Bits() >= 64 {
		return 62
	}
	if k.Kind.IsUnsigned() {
		return k.Kind.Bits()
	}
	return k.Kind.Bits() - 1
}

// selfUpdate returns v op y when post is v = v op y, nil otherwise.
func selfUpdate(post ir.Stmt, v *ir.Var) *ir.Binary {
	a, ok := post.(*ir.AssignStmt)
	if !ok {
		return nil
	}
	if r, ok := a.Target.(*ir.VarRef); !ok || r.Var != v {
		return nil
	}
	b, ok := a.Value.(*ir.Binary)
	if !ok {
		return nil
	}
	if r, ok := b.X.(*ir.VarRef); !ok || r.Var != v {
		return nil
	}
	return b
}

// noOverflowStep reports whether s steps its counter v up by a value
// that is positive without being a constant (v += t.GridSizeX(), the
// grid-stride loop), and whether s's condition v < n keeps v + step from
// overflowing: n and the step both below 2^62. A counter that starts
// non-negative then stays so.
func (w *walker) noOverflowStep(s *ir.ForStmt, v *ir.Var) bool {
	b := selfUpdate(s.Post, v)
	if b == nil || b.Op != token.ADD || !w.positive(b.Y, 0) {
		return false
	}
	step, ok := w.bits(b.Y, 0)
	if !ok {
		return false
	}
	n, ok := w.boundBits(s, v)
	// n + step < 2^(max(n, step)+1).
	return ok && max(n, step)+1 <= counterBits(v)
}

// launchStep returns the launch conditions under which loop s steps its
// counter v up without wrapping around: s is for v := a; v < n; v += c
// (or v <= n) with c positive, in a kernel, and n + c stays within v's
// type. A grid-stride loop whose bound is a parameter is such a loop:
//
//	for i := t.GlobalX(); i < n; i += t.GridSizeX()
//
// Its facts (i < n, and i >= a through Bounder) then give launch
// conditions, each with these, never a check removed for every launch:
// i >= 0 holds only where they hold.
func (w *walker) launchStep(s *ir.ForStmt, v *ir.Var) ([]*sym, bool) {
	b := selfUpdate(s.Post, v)
	c, ok := s.Cond.(*ir.Binary)
	k := ir.BasicOf(v.Type)
	if w.params == nil || b == nil || b.Op != token.ADD || !w.positive(b.Y, 0) || !ok ||
		c.Op != token.LSS && c.Op != token.LEQ || k == nil || k.Kind.IsUnsigned() {
		return nil, false
	}
	if r, ok := c.X.(*ir.VarRef); !ok || r.Var != v {
		return nil, false
	}
	bd := &bounder{w: w}
	_, hn, ok1 := bd.bounds(c.Y)
	_, hc, ok2 := bd.bounds(b.Y)
	if !ok1 || !ok2 {
		return nil, false
	}
	limit := int64(math.MaxInt64)
	if k.Kind.Bits() < 64 {
		limit = 1<<(k.Kind.Bits()-1) - 1
	}
	// limit - n - c >= 0; evaluating it fails where it overflows (n < 0).
	return append(bd.guards, op(ir.LaunchSub, op(ir.LaunchSub, num(limit), hn), hc)), true
}

// boundBits returns b with 0 <= n < 2^b when s's condition is v < n, or
// ok false.
func (w *walker) boundBits(s *ir.ForStmt, v *ir.Var) (b int, ok bool) {
	c, ok := s.Cond.(*ir.Binary)
	if !ok || c.Op != token.LSS {
		return 0, false
	}
	if r, ok := c.X.(*ir.VarRef); !ok || r.Var != v {
		return 0, false
	}
	return w.bits(c.Y, 0)
}

// noOverflowScale reports whether s multiplies its counter v by a
// constant c >= 2 (for s := 1; s < n; s *= 2, the step of a scan) from a
// positive initial value init, and whether s's condition v < n keeps v*c
// from overflowing: n*c below 2^62. The counter then only grows.
func (w *walker) noOverflowScale(s *ir.ForStmt, v *ir.Var, init ir.Expr) bool {
	b := selfUpdate(s.Post, v)
	if b == nil || b.Op != token.MUL || !w.positive(init, 0) {
		return false
	}
	c, ok := intConst(b.Y)
	if !ok || c < 2 || c > 1<<20 {
		return false
	}
	n, ok := w.boundBits(s, v)
	return ok && n+bitsOf(c) <= 62
}

// positive reports whether integer e is at least 1: a positive constant,
// a group or grid size or count of groups (never 0 in a launch), or sums
// and products of those, also through variables never reassigned.
func (w *walker) positive(e ir.Expr, depth int) bool {
	if depth > 16 {
		return false
	}
	switch e := e.(type) {
	case *ir.Const:
		c, ok := intConst(e)
		return ok && c > 0
	case *ir.BuiltinCall:
		return e.Op >= ir.GroupSizeX && e.Op <= ir.GridSizeZ
	case *ir.VarRef:
		if def, ok := w.defs[e.Var]; ok && w.assigns[e.Var] == 0 {
			return w.positive(def, depth+1)
		}
	case *ir.Convert:
		if isInt(e.T) && isInt(e.X.Type()) && ir.BasicOf(e.T).Kind.Bits() >= 64 {
			return w.positive(e.X, depth+1)
		}
	case *ir.Binary:
		switch e.Op {
		case token.MUL:
			// Both at least 1 and the product below 2^62 (bits checks it).
			_, ok := w.bits(e, depth+1)
			return ok && w.positive(e.X, depth+1) && w.positive(e.Y, depth+1)
		case token.ADD:
			_, ok := w.bits(e, depth+1)
			return ok && (w.positive(e.X, depth+1) || w.positive(e.Y, depth+1))
		}
	}
	return false
}

// factsOf returns what holds where cond is true (or false, when truth
// is false): comparisons x < y between terms, through && (and || when
// false) and !.
func (w *walker) factsOf(cond ir.Expr, truth bool) []fact {
	switch e := cond.(type) {
	case *ir.Unary:
		if e.Op == token.NOT {
			return w.factsOf(e.X, !truth)
		}
	case *ir.Binary:
		switch {
		case e.Op == token.LAND && truth, e.Op == token.LOR && !truth:
			return append(w.factsOf(e.X, truth), w.factsOf(e.Y, truth)...)
		}
		if parts := splitMinMax(e); truth && parts != nil {
			var out []fact
			for _, c := range parts {
				out = append(out, w.factsOf(c, true)...)
			}
			return out
		}
		var lo, hi ir.Expr // lo < hi
		switch {
		case e.Op == token.LSS && truth, e.Op == token.GEQ && !truth:
			lo, hi = e.X, e.Y
		case e.Op == token.GTR && truth, e.Op == token.LEQ && !truth:
			lo, hi = e.Y, e.X
		case e.Op == token.LEQ && truth, e.Op == token.GTR && !truth:
			// x <= c is x < c+1 for a constant c.
			if c, ok := intConst(e.Y); ok {
				if t := w.term(e.X); t != "" {
					return []fact{{lt: t, of: fmt.Sprint(c + 1), ltE: e.X}}
				}
			}
			return w.leFact(e.X, e.Y)
		case e.Op == token.GEQ && truth, e.Op == token.LSS && !truth:
			// x >= c is c-1 < x.
			if c, ok := intConst(e.Y); ok {
				if t := w.term(e.X); t != "" {
					return []fact{{lt: fmt.Sprint(c - 1), of: t, ofE: e.X}}
				}
			}
			return w.leFact(e.Y, e.X)
		}
		if lo == nil || !isInt(lo.Type()) || !isInt(hi.Type()) {
			return nil
		}
		l, h := w.term(lo), w.term(hi)
		if l == "" || h == "" {
			return nil
		}
		return []fact{{lt: l, of: h, ltE: lo, ofE: hi}}
	}
	return nil
}

// splitMinMax returns the comparisons that comparison e implies of each
// operand of a min or max on its side that bounds: x < min(a, b) is x < a
// and x < b, max(a, b) <= y is a <= y and b <= y, and the same mirrored;
// nil where e compares no such min or max.
func splitMinMax(e *ir.Binary) []ir.Expr {
	isOp := func(x ir.Expr, op ir.Builtin) *ir.BuiltinCall {
		if b, ok := x.(*ir.BuiltinCall); ok && b.Op == op && isInt(b.T) {
			return b
		}
		return nil
	}
	each := func(b *ir.BuiltinCall, left bool) []ir.Expr {
		var out []ir.Expr
		for _, a := range b.Args {
			c := &ir.Binary{Op: e.Op, X: e.X, Y: a, T: e.T}
			if left {
				c = &ir.Binary{Op: e.Op, X: a, Y: e.Y, T: e.T}
			}
			out = append(out, c)
		}
		return out
	}
	switch e.Op {
	case token.LSS, token.LEQ:
		if b := isOp(e.Y, ir.Min); b != nil {
			return each(b, false)
		}
		if b := isOp(e.X, ir.Max); b != nil {
			return each(b, true)
		}
	case token.GTR, token.GEQ:
		if b := isOp(e.X, ir.Min); b != nil {
			return each(b, true)
		}
		if b := isOp(e.Y, ir.Max); b != nil {
			return each(b, false)
		}
	}
	return nil
}

// leFact returns the fact lo <= hi, or nil when they are not integer
// terms.
func (w *walker) leFact(lo, hi ir.Expr) []fact {
	if !isInt(lo.Type()) || !isInt(hi.Type()) {
		return nil
	}
	l, h := w.term(lo), w.term(hi)
	if l == "" || h == "" {
		return nil
	}
	return []fact{{lt: l, of: h, ltE: lo, ofE: hi, le: true}}
}

// ordered reports whether the facts prove term x <= term y (strict: x <
// y when strict is set).
func (w *walker) ordered(x, y string) (ok, strict bool) {
	for _, f := range w.facts {
		if f.lt == x && f.of == y {
			ok, strict = true, strict || !f.le
		}
	}
	return ok, strict
}

// isSigned reports whether t is a signed integer type.
func isSigned(t ir.Type) bool {
	b := ir.BasicOf(t)
	return b != nil && b.Kind.IsInteger() && !b.Kind.IsUnsigned()
}

func isInt(t ir.Type) bool {
	b := ir.BasicOf(t)
	return b != nil && b.Kind.IsInteger()
}

// term returns the canonical text of e if e is invariant where it is
// used: built from constants, thread builtins, parameters and variables
// never assigned after their declaration, lengths of such slices, and
// the counters of enclosing loops; "" otherwise. A variable assigned only
// at its declaration stands for its initial value when that is a term,
// so n := len(x) and len(x) are the same term.
func (w *walker) term(e ir.Expr) string {
	return w.termDepth(e, 0)
}

func (w *walker) termDepth(e ir.Expr, depth int) string {
	if depth > 16 {
		return ""
	}
	switch e := e.(type) {
	case *ir.Const:
		if c, ok := intConst(e); ok {
			return fmt.Sprint(c)
		}
	case *ir.VarRef:
		v := e.Var
		if w.loopVars[v] {
			return fmt.Sprintf("%s#%p", v.Name, v)
		}
		if w.assigns[v] != 0 {
			return ""
		}
		if def, ok := w.defs[v]; ok {
			if t := w.termDepth(def, depth+1); t != "" {
				return t
			}
		}
		return fmt.Sprintf("%s#%p", v.Name, v)
	case *ir.Len:
		if x := w.termDepth(e.X, depth+1); x != "" {
			return "len(" + x + ")"
		}
	case *ir.BuiltinCall:
		if e.Op.IsThread() {
			return e.Op.String() + "()"
		}
	case *ir.Convert:
		// Conversions between int kinds of a value that fits keep it.
		if isInt(e.T) && isInt(e.X.Type()) && ir.BasicOf(e.T).Kind.Bits() >= 64 && ir.BasicOf(e.X.Type()).Kind.Bits() < 64 {
			return w.termDepth(e.X, depth+1)
		}
	case *ir.Binary:
		if e.Op == token.ADD || e.Op == token.MUL || e.Op == token.SUB || e.Op == token.QUO || e.Op == token.REM {
			x, y := w.termDepth(e.X, depth+1), w.termDepth(e.Y, depth+1)
			if x != "" && y != "" {
				return "(" + x + e.Op.String() + y + ")"
			}
		}
	}
	return ""
}

// nonNegative reports whether integer e cannot be negative.
func (w *walker) nonNegative(e ir.Expr) bool {
	_, ok := w.bits(e, 0)
	return ok
}

// bits returns a bound b with 0 <= e < 2^b for b <= 62, or ok false. A
// value of an unsigned type narrower than 63 bits is always within its
// type's range, whatever computed it (a uint32 loaded from memory, x % 256
// of one).
func (w *walker) bits(e ir.Expr, depth int) (b int, ok bool) {
	b, ok = w.exprBits(e, depth)
	if t := ir.BasicOf(e.Type()); t != nil && t.Kind.IsInteger() && t.Kind.IsUnsigned() && t.Kind.Bits() < 63 {
		if !ok || t.Kind.Bits() < b {
			return t.Kind.Bits(), true
		}
	}
	return b, ok
}

func (w *walker) exprBits(e ir.Expr, depth int) (b int, ok bool) {
	if depth > 16 {
		return 0, false
	}
	switch e := e.(type) {
	case *ir.Const:
		c, ok := intConst(e)
		if !ok || c < 0 {
			return 0, false
		}
		return bitsOf(c), true
	case *ir.Len:
		return 48, true
	case *ir.BuiltinCall:
		if e.Op.IsThread() {
			return 42, true
		}
	case *ir.VarRef:
		v := e.Var
		if w.nonneg[v] {
			if u, ok := w.upper(w.term(e), 0); ok && u > 0 {
				return bitsOf(u), true
			}
			return 62, true
		}
		if w.assigns[v] == 0 {
			if def, ok := w.defs[v]; ok {
				return w.bits(def, depth+1)
			}
		}
	case *ir.Convert:
		if isInt(e.T) && isInt(e.X.Type()) && ir.BasicOf(e.T).Kind.Bits() >= 64 {
			return w.bits(e.X, depth+1)
		}
	case *ir.Binary:
		x, okx := w.bits(e.X, depth+1)
		if c, ok := intConst(e.Y); ok && c > 0 && okx && e.Op == token.REM {
			// x % c < c for x >= 0.
			return min(x, bitsOf(c-1)), true
		}
		y, oky := w.bits(e.Y, depth+1)
		if !okx || !oky {
			return 0, false
		}
		var n int
		switch e.Op {
		case token.ADD:
			n = max(x, y) + 1
		case token.MUL:
			n = x + y
		case token.QUO, token.SHR:
			n = x
		case token.REM, token.AND:
			n = min(x, y)
		default:
			return 0, false
		}
		if n > 62 {
			return 0, false
		}
		return n, true
	}
	return 0, false
}

func bitsOf(c int64) int {
	n := 0
	for c > 0 {
		n++
		c >>= 1
	}
	return n
}

// upper returns an exclusive upper bound of term t from the facts and
// constants: t < result.
func (w *walker) upper(t string, depth int) (int64, bool) {
	if c, ok := constOf(t); ok {
		return c + 1, true
	}
	if depth > 8 {
		return 0, false
	}
	best, found := int64(0), false
	for _, f := range w.facts {
		if f.lt != t || f.le {
			continue
		}
		var u int64
		if c, ok := constOf(f.of); ok {
			u = c
		} else if b, ok := w.upper(f.of, depth+1); ok {
			u = b - 1
		} else {
			continue
		}
		if !found || u < best {
			best, found = u, true
		}
	}
	return best, found
}

// below reports whether the facts prove term t < term n.
func (w *walker) below(t, n string) bool {
	_, strict := w.ordered(t, n)
	return strict
}

func constOf(t string) (int64, bool) {
	var c int64
	_, err := fmt.Sscan(t, &c)
	if err != nil || fmt.Sprint(c) != t {
		return 0, false
	}
	return c, true
}

func intConst(e ir.Expr) (int64, bool) {
	c, ok := e.(*ir.Const)
	if !ok || c.Value.Kind() != constant.Int {
		return 0, false
	}
	return constant.Int64Val(c.Value)
}

// expr inserts the checks of e and its operands.
func (w *walker) expr(e ir.Expr) {
	if b, ok := e.(*ir.Binary); ok && (b.Op == token.LAND || b.Op == token.LOR) {
		// The right operand runs only where the left one allows.
		w.expr(b.X)
		saved := len(w.facts)
		w.facts = append(w.facts, w.factsOf(b.X, b.Op == token.LAND)...)
		w.expr(b.Y)
		w.facts = w.facts[:saved]
		return
	}
	ir.DoChildren(e, func(c ir.Node) { w.expr(c.(ir.Expr)) })
	switch e := e.(type) {
	case *ir.Binary:
		if (e.Op == token.QUO || e.Op == token.REM) && isInt(e.T) && !w.nonZero(e.Y) {
			e.Check = w.ins.newCheck(ir.CheckDivide, w.at(e.Pos))
			e.Check.When = w.divideWhen(e.Y)
		}
		if (e.Op == token.SHL || e.Op == token.SHR) && isSigned(e.Y.Type()) && !w.nonNegative(e.Y) {
			// Go panics on a negative count of a signed type.
			e.Check = w.ins.newCheck(ir.CheckShift, w.at(e.Pos))
		}
	case *ir.Index:
		if !w.inRange(e) {
			e.Check = w.ins.newCheck(ir.CheckIndex, w.at(e.Pos))
			e.Check.When = w.indexWhen(e)
		}
	case *ir.SliceExpr:
		if e.Lo != nil || e.Hi != nil {
			e.Check = w.ins.newCheck(ir.CheckSlice, w.at(e.Pos))
		}
	}
}

func (w *walker) at(p ir.Pos) ir.Pos {
	if p.IsValid() {
		return p
	}
	return w.pos
}

// nonZero reports whether divisor y is provably not zero.
func (w *walker) nonZero(y ir.Expr) bool {
	if c, ok := y.(*ir.Const); ok {
		return constant.Sign(c.Value) != 0
	}
	t := w.term(y)
	if t == "" {
		return false
	}
	for _, f := range w.facts {
		// c < y with c >= 0.
		if c, ok := constOf(f.lt); ok && c >= 0 && f.of == t && !f.le {
			return true
		}
	}
	return false
}

// inRange reports whether index e provably stays within its operand.
func (w *walker) inRange(e *ir.Index) bool {
	if !w.nonNegative(e.Index) {
		return false
	}
	var n int64 = -1
	switch t := e.X.Type().(type) {
	case *ir.Array:
		n = t.Len
	case *ir.Pointer:
		if a, ok := t.Elem.(*ir.Array); ok {
			n = a.Len
		}
	case *ir.Slice:
		i, x := w.term(e.Index), w.term(e.X)
		return i != "" && x != "" && w.below(i, "len("+x+")")
	}
	if n < 0 {
		return false
	}
	if c, ok := intConst(e.Index); ok {
		return c < n
	}
	if b, ok := w.bits(e.Index, 0); ok && b < 62 && int64(1)<<b <= n {
		return true
	}
	i := w.term(e.Index)
	if i == "" {
		return false
	}
	u, ok := w.upper(i, 0)
	return ok && u <= n
}

// countAssigns counts, per variable, the assignments after declaration:
// the variable itself or (for arrays and structs) part of it.
func countAssigns(b *ir.Block, n map[*ir.Var]int) {
	ir.InspectStmts(b, func(s ir.Stmt) {
		ir.Assigns(s, func(v *ir.Var) { n[v]++ })
	})
}

// assignsVar reports whether b assigns v.
func assignsVar(b *ir.Block, v *ir.Var) bool {
	n := map[*ir.Var]int{}
	countAssigns(b, n)
	return n[v] > 0
}

// containsCheck reports whether b carries a check.
func containsCheck(b *ir.Block) bool {
	found := false
	ir.InspectExprs(b, func(e ir.Expr) {
		switch e := e.(type) {
		case *ir.Index:
			found = found || e.Check != nil
		case *ir.SliceExpr:
			found = found || e.Check != nil
		case *ir.Binary:
			found = found || e.Check != nil
		}
	})
	return found
}

// callsChecked reports whether b calls a function in checked.
func callsChecked(b *ir.Block, checked map[*ir.Func]bool) bool {
	found := false
	ir.InspectExprs(b, func(e ir.Expr) {
		if c, ok := e.(*ir.Call); ok && checked[c.Func] {
			found = true
		}
	})
	return found
}
