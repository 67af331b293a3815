package checks

import (
	"go/token"
	"math"
	"slices"

	"github.com/dotcompute/dc/translate/ir"
)

// Launch conditions. A check the pass cannot prove at generate time may
// still be provable at launch, from the lengths, scalar arguments and grid
// of the launch: x[i] in
//
//	if i := t.GlobalX(); i < len(y) { y[i] = a*x[i] + y[i] }
//
// cannot fail when min(GridSizeX, len(y)) <= len(x). For such a check of a
// kernel body the pass computes symbolic bounds of the index (or divisor)
// over launch quantities and records, in Check.When, the conditions under
// which it holds; the runtime evaluates them at launch and picks the
// kernel's fast entry point, without those checks, when all hold.
//
// Bounds are pairs [lo, hi] of symbolic expressions; each one is sound
// only for the values the expression can take where it is evaluated (its
// facts hold there), which is all a check needs. Arithmetic is bounded
// only where Go's would not wrap: the conditions include guards that keep
// every intermediate value in its type's range, and products and
// quotients need non-negative operands.

// sym is a symbolic integer expression over launch quantities.
type sym struct {
	code ir.LaunchCode
	arg  int64
	x, y *sym
}

func num(c int64) *sym { return &sym{code: ir.LaunchConst, arg: c} }

func op(code ir.LaunchCode, x, y *sym) *sym {
	isConst := func(s *sym, c int64) bool { return s.code == ir.LaunchConst && s.arg == c }
	switch {
	case (code == ir.LaunchAdd || code == ir.LaunchSub) && isConst(y, 0):
		return x
	case code == ir.LaunchAdd && isConst(x, 0):
		return y
	case code == ir.LaunchMul && (isConst(x, 0) || isConst(y, 0)):
		return num(0)
	case code == ir.LaunchMul && isConst(x, 1):
		return y
	case code == ir.LaunchMul && isConst(y, 1):
		return x
	}
	if x.code == ir.LaunchConst && y.code == ir.LaunchConst {
		a, b := x.arg, y.arg
		switch code {
		case ir.LaunchAdd:
			if r := a + b; (r > a) == (b > 0) {
				return num(r)
			}
		case ir.LaunchSub:
			if r := a - b; (r < a) == (b > 0) {
				return num(r)
			}
		case ir.LaunchMin:
			return num(min(a, b))
		case ir.LaunchMax:
			return num(max(a, b))
		}
	}
	return &sym{code: code, x: x, y: y}
}

// postfix flattens s into a LaunchExpr.
func (s *sym) postfix(out ir.LaunchExpr) ir.LaunchExpr {
	if s.x != nil {
		out = s.x.postfix(out)
	}
	if s.y != nil {
		out = s.y.postfix(out)
	}
	return append(out, ir.LaunchOp{Code: s.code, Arg: s.arg})
}

// bounder computes bounds at one point of a kernel body, collecting the
// guards they rely on (expressions that must be >= 0).
type bounder struct {
	w      *walker
	guards []*sym
	depth  int
}

// bounds returns lo and hi with lo <= e <= hi wherever e is evaluated,
// or ok false.
func (b *bounder) bounds(e ir.Expr) (lo, hi *sym, ok bool) {
	if b.depth > 12 {
		return nil, nil, false
	}
	b.depth++
	defer func() { b.depth-- }()
	w := b.w
	switch e := e.(type) {
	case *ir.Const:
		if c, ok := intConst(e); ok {
			return num(c), num(c), true
		}
	case *ir.Len:
		if r, ok := e.X.(*ir.VarRef); ok {
			if i, isParam := w.params[r.Var]; isParam && w.assigns[r.Var] == 0 {
				l := &sym{code: ir.LaunchLen, arg: int64(i)}
				return l, l, true
			}
		}
	case *ir.BuiltinCall:
		return threadBounds(e.Op)
	case *ir.Convert:
		from, to := ir.BasicOf(e.X.Type()), ir.BasicOf(e.T)
		if from == nil || to == nil || !from.Kind.IsInteger() || !to.Kind.IsInteger() {
			return nil, nil, false
		}
		lo, hi, ok := b.bounds(e.X)
		if !ok {
			return nil, nil, false
		}
		b.fits(lo, hi, to.Kind)
		return lo, hi, true
	case *ir.VarRef:
		return b.varBounds(e)
	case *ir.Binary:
		return b.binary(e)
	}
	return nil, nil, false
}

// threadBounds bounds a thread builtin.
func threadBounds(b ir.Builtin) (lo, hi *sym, ok bool) {
	geom := func(b ir.Builtin) *sym { return &sym{code: ir.LaunchGeometry, arg: ir.GeometryIndex(b)} }
	d := ir.Builtin(b.Dim())
	switch {
	case b <= ir.GlobalZ:
		return num(0), op(ir.LaunchSub, geom(ir.GridSizeX+d), num(1)), true
	case b <= ir.LocalZ:
		return num(0), op(ir.LaunchSub, geom(ir.GroupSizeX+d), num(1)), true
	case b <= ir.GroupZ:
		return num(0), op(ir.LaunchSub, geom(ir.NumGroupsX+d), num(1)), true
	case b <= ir.GridSizeZ:
		g := geom(b)
		return g, g, true
	}
	return nil, nil, false
}

// varBounds bounds a variable: a kernel parameter is itself; a variable
// assigned only at its declaration is bounded by its initial value, and a
// loop counter by its initial value (counting up) and by the facts that
// hold here.
func (b *bounder) varBounds(e *ir.VarRef) (lo, hi *sym, ok bool) {
	w, v := b.w, e.Var
	if i, isParam := w.params[v]; isParam && w.assigns[v] == 0 {
		k := ir.BasicOf(v.Type)
		if k == nil || !k.Kind.IsInteger() {
			return nil, nil, false
		}
		code := ir.LaunchInt
		if k.Kind.IsUnsigned() {
			code = ir.LaunchUint
		}
		p := &sym{code: code, arg: int64(i)}
		return p, p, true
	}
	var los, his []*sym
	if w.assigns[v] == 0 {
		if def, isDef := w.defs[v]; isDef {
			if l, h, ok := b.bounds(def); ok {
				los, his = append(los, l), append(his, h)
			}
		}
	} else if !w.loopVars[v] {
		return nil, nil, false
	}
	if init, isLoop := w.loopInit[v]; isLoop {
		if l, _, ok := b.bounds(init); ok {
			los = append(los, l)
			b.guards = append(b.guards, w.noWrap[v]...)
		}
	}
	t := w.term(e)
	for _, f := range w.facts {
		step := num(1)
		if f.le {
			step = num(0)
		}
		switch t {
		case f.lt:
			if h, ok := b.factSide(f.of, f.ofE, true); ok {
				his = append(his, op(ir.LaunchSub, h, step))
			}
		case f.of:
			if l, ok := b.factSide(f.lt, f.ltE, false); ok {
				los = append(los, op(ir.LaunchAdd, l, step))
			}
		}
	}
	if len(los) == 0 || len(his) == 0 {
		return nil, nil, false
	}
	lo, hi = los[0], his[0]
	for _, l := range los[1:] {
		lo = op(ir.LaunchMax, lo, l)
	}
	for _, h := range his[1:] {
		hi = op(ir.LaunchMin, hi, h)
	}
	return lo, hi, true
}

// factSide bounds one side of a fact (its upper bound if upper).
func (b *bounder) factSide(term string, e ir.Expr, upper bool) (*sym, bool) {
	if c, ok := constOf(term); ok {
		return num(c), true
	}
	if e == nil {
		return nil, false
	}
	lo, hi, ok := b.bounds(e)
	if upper {
		return hi, ok
	}
	return lo, ok
}

// binary bounds integer arithmetic that does not wrap.
func (b *bounder) binary(e *ir.Binary) (lo, hi *sym, ok bool) {
	k := ir.BasicOf(e.T)
	if k == nil || !k.Kind.IsInteger() {
		return nil, nil, false
	}
	xl, xh, ok := b.bounds(e.X)
	if !ok {
		return nil, nil, false
	}
	if c, isConst := intConst(e.Y); isConst && c > 0 {
		switch e.Op {
		case token.QUO:
			b.guards = append(b.guards, xl)
			return op(ir.LaunchDiv, xl, num(c)), op(ir.LaunchDiv, xh, num(c)), true
		case token.REM:
			b.guards = append(b.guards, xl)
			return num(0), num(c - 1), true
		case token.SHR:
			if c < 62 {
				b.guards = append(b.guards, xl)
				return op(ir.LaunchDiv, xl, num(1<<c)), op(ir.LaunchDiv, xh, num(1<<c)), true
			}
		case token.AND:
			return num(0), num(c), true
		}
	}
	yl, yh, ok := b.bounds(e.Y)
	if !ok {
		return nil, nil, false
	}
	switch e.Op {
	case token.ADD:
		lo, hi = op(ir.LaunchAdd, xl, yl), b.sumFacts(e, op(ir.LaunchAdd, xh, yh))
	case token.SUB:
		lo, hi = op(ir.LaunchSub, xl, yh), op(ir.LaunchSub, xh, yl)
		// Where y <= x holds (if l >= s { sh[l-s] }), x-y >= 0.
		if y := b.w.term(e.Y); y != "" {
			if le, strict := b.w.ordered(y, b.w.term(e.X)); le {
				least := num(0)
				if strict {
					least = num(1)
				}
				lo = op(ir.LaunchMax, lo, least)
			}
		}
	case token.MUL:
		b.guards = append(b.guards, xl, yl)
		lo, hi = op(ir.LaunchMul, xl, yl), op(ir.LaunchMul, xh, yh)
	default:
		return nil, nil, false
	}
	b.fits(lo, hi, k.Kind)
	return lo, hi, true
}

// sumFacts tightens the upper bound hi of sum e with facts about part of
// it: in k0+lx < k { a[row*k+k0+lx] }, the index is below (k-1) +
// hi(row*k).
func (b *bounder) sumFacts(e *ir.Binary, hi *sym) *sym {
	w := b.w
	terms := addends(e)
	keys := make([]string, len(terms))
	for i, t := range terms {
		keys[i] = w.term(t)
	}
	for _, f := range w.facts {
		fe, ok := f.ltE.(*ir.Binary)
		if !ok || fe.Op != token.ADD || f.le {
			continue
		}
		rest := append([]string(nil), keys...)
		matched := true
		for _, t := range addends(fe) {
			k := w.term(t)
			i := slices.Index(rest, k)
			if k == "" || i < 0 {
				matched = false
				break
			}
			rest[i] = ""
		}
		if !matched {
			continue
		}
		cand, ok := b.factSide(f.of, f.ofE, true)
		if !ok {
			continue
		}
		cand = op(ir.LaunchSub, cand, num(1))
		for i, k := range rest {
			if k == "" && keys[i] != "" {
				continue // part of the fact's sum
			}
			_, h, ok := b.bounds(terms[i])
			if !ok {
				cand = nil
				break
			}
			cand = op(ir.LaunchAdd, cand, h)
		}
		if cand != nil {
			hi = op(ir.LaunchMin, hi, cand)
		}
	}
	return hi
}

// addends returns the operands of a chain of additions.
func addends(e ir.Expr) []ir.Expr {
	if b, ok := e.(*ir.Binary); ok && b.Op == token.ADD {
		return append(addends(b.X), addends(b.Y)...)
	}
	return []ir.Expr{e}
}

// fits guards that [lo, hi] lies in the range of kind k, so arithmetic of
// that kind did not wrap.
func (b *bounder) fits(lo, hi *sym, k ir.Kind) {
	var min, max int64
	switch {
	case k.IsUnsigned():
		min, max = 0, math.MaxInt64
		if k.Bits() < 64 {
			max = 1<<k.Bits() - 1
		}
	case k.Bits() < 64:
		min, max = -1<<(k.Bits()-1), 1<<(k.Bits()-1)-1
	default:
		return // int64 evaluation fails on overflow itself
	}
	b.guards = append(b.guards, op(ir.LaunchSub, lo, num(min)), op(ir.LaunchSub, num(max), hi))
}

// indexWhen returns the launch conditions under which index e is in
// range, or nil.
func (w *walker) indexWhen(e *ir.Index) []ir.LaunchExpr {
	if w.params == nil {
		return nil
	}
	var n *sym
	switch t := e.X.Type().(type) {
	case *ir.Array:
		n = num(t.Len)
	case *ir.Pointer:
		if a, ok := t.Elem.(*ir.Array); ok {
			n = num(a.Len)
		}
	case *ir.Slice:
		if l, _, ok := (&bounder{w: w}).bounds(&ir.Len{X: e.X}); ok {
			n = l
		}
	}
	if n == nil {
		return nil
	}
	b := &bounder{w: w}
	lo, hi, ok := b.bounds(e.Index)
	if !ok {
		return nil
	}
	return conditions(append(b.guards, lo, op(ir.LaunchSub, op(ir.LaunchSub, n, num(1)), hi)))
}

// divideWhen returns the launch conditions under which divisor y is
// positive, or nil.
func (w *walker) divideWhen(y ir.Expr) []ir.LaunchExpr {
	if w.params == nil {
		return nil
	}
	b := &bounder{w: w}
	lo, _, ok := b.bounds(y)
	if !ok {
		return nil
	}
	return conditions(append(b.guards, op(ir.LaunchSub, lo, num(1))))
}

// conditions returns the expressions of cs that are not constant, or nil
// if a constant one fails.
func conditions(cs []*sym) []ir.LaunchExpr {
	var out []ir.LaunchExpr
	seen := map[string]bool{}
	for _, c := range cs {
		if c.code == ir.LaunchConst {
			if c.arg < 0 {
				return nil
			}
			continue
		}
		e := c.postfix(nil)
		key := fmtExpr(e)
		if !seen[key] {
			seen[key] = true
			out = append(out, e)
		}
	}
	if out == nil {
		// Every condition was a constant that holds.
		out = []ir.LaunchExpr{}
	}
	return out
}

func fmtExpr(e ir.LaunchExpr) string {
	var b []byte
	for _, o := range e {
		b = append(b, byte(o.Code))
		for i := range 8 {
			b = append(b, byte(o.Arg>>(8*i)))
		}
	}
	return string(b)
}
