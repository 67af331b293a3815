package cfamily

import (
	"fmt"
	"go/constant"
	"go/token"
	"strings"

	"github.com/dotcompute/dc/translate/ir"
)

// C operator precedences, higher binds tighter.
const (
	precCond    = 3
	precLOr     = 4
	precLAnd    = 5
	precOr      = 6
	precXor     = 7
	precAnd     = 8
	precEq      = 9
	precRel     = 10
	precShift   = 11
	precAdd     = 12
	precMul     = 13
	precUnary   = 15 // unary operators and casts
	precPrimary = 16 // names, literals, calls, indexing, field selection, (...)
)

// cexpr is printed C expression text with what is needed to nest it
// correctly in another expression.
type cexpr struct {
	s    string
	prec int
	op   string // the binary operator at the top, "" if none
	cast bool   // a cast "(T)x"
	neg  bool   // text starts with '-'
	// wrap is, for the result of wrapping arithmetic of 32 or 64 bits
	// "(T)(u)", the unsigned expression u of C type wrapType: converting
	// back to that type gives u itself.
	wrap     *cexpr
	wrapType string
}

func primary(s string) cexpr { return cexpr{s: s, prec: precPrimary} }

// paren returns e's text, parenthesised unless it is primary.
func (e cexpr) paren() string {
	if e.prec >= precPrimary {
		return e.s
	}
	return "(" + e.s + ")"
}

// unambiguous reports whether binary child, an operand of binary operator
// parentOp (precedence parentPrec), reads unambiguously without
// parentheses (given that precedence already allows it).
func unambiguous(child cexpr, parentOp string, parentPrec int) bool {
	if child.op == "" || child.op == parentOp {
		return true
	}
	arith := child.prec == precMul || child.prec == precAdd
	switch parentPrec {
	case precMul, precAdd, precRel, precEq:
		return arith
	case precLAnd, precLOr:
		return arith || child.prec == precRel || child.prec == precEq
	}
	return false
}

// binop joins l and r with a binary operator.
func binop(op string, prec int, l, r cexpr) cexpr {
	ls := l.s
	if l.prec < prec || !unambiguous(l, op, prec) {
		ls = "(" + ls + ")"
	}
	rs := r.s
	if r.prec <= prec || r.neg || !unambiguous(r, op, prec) {
		rs = "(" + rs + ")"
	}
	return cexpr{s: ls + " " + op + " " + rs, prec: prec, op: op}
}

// unop applies a prefix operator ("-", "!", "~", "&").
func unop(op string, x cexpr) cexpr {
	s := x.s
	if x.prec < precUnary || (x.neg && op == "-") {
		s = "(" + s + ")"
	}
	return cexpr{s: op + s, prec: precUnary, neg: op == "-"}
}

// castTo casts x to the C type t.
func castTo(t string, x cexpr) cexpr {
	s := x.s
	if x.prec < precPrimary && !x.cast {
		s = "(" + s + ")"
	}
	return cexpr{s: "(" + t + ")" + s, prec: precUnary, cast: true}
}

// call prints name(args...).
func call(name string, args ...string) cexpr {
	return primary(name + "(" + strings.Join(args, ", ") + ")")
}

// kindKey is the helper-name suffix of a kind (int and int64 share i64).
func kindKey(k ir.Kind) string {
	switch k {
	case ir.Int, ir.Int64:
		return "i64"
	case ir.Uint, ir.Uint64:
		return "u64"
	case ir.Float32:
		return "f32"
	case ir.Float64:
		return "f64"
	case ir.Bool:
		return "bool"
	}
	if k.IsSigned() {
		return fmt.Sprintf("i%d", k.Bits())
	}
	return fmt.Sprintf("u%d", k.Bits())
}

// unsignedOf returns the C type arithmetic of kind k wraps in: the
// unsigned type of the same width, or unsigned int for narrower kinds.
func (p *printer) unsignedOf(k ir.Kind) string {
	switch k.Bits() {
	case 64:
		return p.d.Types[ir.Uint64]
	}
	return p.d.Types[ir.Uint32]
}

// expr prints e.
func (f *fn) expr(e ir.Expr) cexpr {
	p := f.p
	if f.flag != "" && !isPath(e) {
		// The index chain ends here: operands start chains of their own.
		saved := f.flag
		f.flag = ""
		defer func() { f.flag = saved }()
	}
	switch e := e.(type) {
	case *ir.Const:
		return p.literal(e)
	case *ir.VarRef:
		return primary(f.varRef(e.Var))
	case *ir.SharedRef:
		return primary(f.sharedName(e.Shared))
	case *ir.Unary:
		return f.unary(e)
	case *ir.Binary:
		return f.binary(e)
	case *ir.Convert:
		return f.convert(e)
	case *ir.Index:
		if f.flag == "" && f.chainChecked(e) {
			return f.readChain(e)
		}
		return f.index(e)
	case *ir.FieldRef:
		if f.flag == "" && f.chainChecked(e) {
			return f.readChain(e)
		}
		s, ok := e.X.Type().(*ir.Struct)
		if !ok {
			return f.bad("field of non-struct type %s", e.X.Type())
		}
		return primary(f.expr(e.X).paren() + "." + p.fieldName(s, e.Field))
	case *ir.Len:
		_, n, _ := f.slice(e.X)
		return primary(n)
	case *ir.StructLit:
		return f.structLit(e)
	case *ir.ArrayLit:
		return f.bad("array literal outside a variable declaration")
	case *ir.SliceExpr:
		return f.bad("slice expression used as a value outside a slice context")
	case *ir.Call:
		if wrapped(e.Func) {
			return f.bad("call of %s, whose results C returns in a struct, used as an operand", e.Func.Name)
		}
		return call(p.funcName(e.Func), f.args(e)...)
	case *ir.BuiltinCall:
		return f.builtin(e)
	}
	return f.bad("unknown expression %T", e)
}

// varRef returns the C text that reads v.
func (f *fn) varRef(v *ir.Var) string {
	n := f.name(v)
	if f.wrappedParams[v] {
		return n + ".v"
	}
	return n
}

// bad records an unsupported construct and returns a placeholder.
func (f *fn) bad(format string, args ...any) cexpr {
	f.problemf(format, args...)
	return primary("0")
}

func (f *fn) unary(e *ir.Unary) cexpr {
	x := f.expr(e.X)
	b := ir.BasicOf(e.T)
	switch e.Op {
	case token.ADD:
		return x
	case token.NOT:
		return unop("!", x)
	case token.SUB:
		if b == nil || b.Kind.IsFloat() || (b.Kind.IsUnsigned() && b.Kind.Bits() >= 32) {
			return unop("-", x)
		}
		// -x wraps: negate in the unsigned type and cast back.
		return f.p.wrapped32(b.Kind, unop("-", f.toUnsigned(e.X, x, b.Kind)))
	case token.XOR:
		if b != nil && b.Kind.IsUnsigned() && b.Kind.Bits() < 32 {
			return castTo(f.p.basic(b), unop("~", x))
		}
		return unop("~", x)
	}
	return f.bad("unary operator %s", e.Op)
}

var binOps = map[token.Token]struct {
	op   string
	prec int
}{
	token.ADD: {"+", precAdd}, token.SUB: {"-", precAdd},
	token.MUL: {"*", precMul}, token.QUO: {"/", precMul}, token.REM: {"%", precMul},
	token.AND: {"&", precAnd}, token.OR: {"|", precOr}, token.XOR: {"^", precXor},
	token.SHL: {"<<", precShift}, token.SHR: {">>", precShift},
	token.LAND: {"&&", precLAnd}, token.LOR: {"||", precLOr},
	token.EQL: {"==", precEq}, token.NEQ: {"!=", precEq},
	token.LSS: {"<", precRel}, token.LEQ: {"<=", precRel},
	token.GTR: {">", precRel}, token.GEQ: {">=", precRel},
}

func (f *fn) binary(e *ir.Binary) cexpr {
	p := f.p
	switch e.Op {
	case token.EQL, token.NEQ:
		switch t := e.X.Type().(type) {
		case *ir.Struct:
			eq := call(p.structEq(t), f.expr(e.X).s, f.expr(e.Y).s)
			if e.Op == token.NEQ {
				return unop("!", eq)
			}
			return eq
		case *ir.Array:
			return f.bad("comparison of arrays (%s)", t)
		}
	case token.AND_NOT:
		return binop("&", precAnd, f.expr(e.X), unop("~", f.expr(e.Y)))
	case token.SHL, token.SHR:
		return f.shift(e)
	}
	o, ok := binOps[e.Op]
	if !ok {
		return f.bad("binary operator %s", e.Op)
	}
	x, y := f.expr(e.X), f.expr(e.Y)
	b := ir.BasicOf(e.T)
	if b == nil || !b.Kind.IsInteger() {
		return binop(o.op, o.prec, x, y)
	}
	if f.active(e.Check) && (e.Op == token.QUO || e.Op == token.REM) {
		// Divide by dc_nz(y), which records a zero divisor, and select 0.
		flag := f.newFlag()
		y = call(p.nzHelper(b.Kind), p.withThread(y.s, faultArgs, fmt.Sprint(e.Check.ID), "&"+flag)...)
		q := f.intBinary(e, o.op, o.prec, b, x, y)
		return call(p.selHelper(e.T), "("+flag+" = 0, "+q.s+")", "&"+flag)
	}
	return f.intBinary(e, o.op, o.prec, b, x, y)
}

// intBinary prints the integer operation e on its printed operands.
func (f *fn) intBinary(e *ir.Binary, op string, prec int, b *ir.Basic, x, y cexpr) cexpr {
	p := f.p
	o := struct {
		op   string
		prec int
	}{op, prec}
	k := b.Kind
	narrow := k.Bits() < 32
	switch e.Op {
	case token.ADD, token.SUB, token.MUL:
		if k.IsUnsigned() && !narrow {
			return binop(o.op, o.prec, x, y)
		}
		// Wrap: compute in the unsigned type, cast back.
		return p.wrapped32(k, binop(o.op, o.prec, f.toUnsigned(e.X, x, k), f.toUnsigned(e.Y, y, k)))
	case token.QUO, token.REM:
		switch {
		case narrow:
			// Promoted to int; MinInt8/-1 = 128 casts back to MinInt8.
			return castTo(p.basic(b), binop(o.op, o.prec, x, y))
		case k.IsSigned() && !minusOneFree(e.Y):
			name := "dc_div_" + kindKey(k)
			if e.Op == token.REM {
				name = "dc_rem_" + kindKey(k)
			}
			p.need(name)
			return call(name, x.s, y.s)
		}
	}
	return binop(o.op, o.prec, x, y)
}

// wrapped32 casts u, computed in the unsigned type kind k's arithmetic
// wraps in, back to the C type of k, remembering u for 32 and 64 bits.
func (p *printer) wrapped32(k ir.Kind, u cexpr) cexpr {
	e := castTo(p.d.Types[k], u)
	if k.Bits() >= 32 {
		e.wrap, e.wrapType = &u, p.d.Types[unsignedKind(k)]
	}
	return e
}

// toUnsigned converts operand e (printed as x) of kind k to the unsigned
// type k's arithmetic wraps in; a non-negative constant becomes an unsigned
// literal.
func (f *fn) toUnsigned(e ir.Expr, x cexpr, k ir.Kind) cexpr {
	uk := unsignedKind(k)
	if c, ok := e.(*ir.Const); ok && constant.Sign(c.Value) >= 0 {
		return f.p.literal(&ir.Const{T: &ir.Basic{Kind: uk}, Value: c.Value})
	}
	if x.wrap != nil && x.wrapType == f.p.d.Types[uk] {
		return *x.wrap
	}
	return castTo(f.p.d.Types[uk], x)
}

// shift prints x << y or x >> y with Go's results for every count.
func (f *fn) shift(e *ir.Binary) cexpr {
	p := f.p
	b := ir.BasicOf(e.T)
	if b == nil || !b.Kind.IsInteger() {
		return f.bad("shift of %s", e.T)
	}
	k := b.Kind
	x := f.expr(e.X)
	if c, ok := e.Y.(*ir.Const); ok {
		if n, exact := constant.Uint64Val(constant.ToInt(c.Value)); exact && constant.Sign(c.Value) >= 0 && n < uint64(k.Bits()) {
			cnt := primary(fmt.Sprint(n))
			if e.Op == token.SHR {
				return binop(">>", precShift, x, cnt)
			}
			if k.IsUnsigned() && k.Bits() >= 32 {
				return binop("<<", precShift, x, cnt)
			}
			return castTo(p.basic(b), binop("<<", precShift, f.toUnsigned(e.X, x, k), cnt))
		}
	}
	name := "dc_shl_" + kindKey(k)
	if e.Op == token.SHR {
		name = "dc_shr_" + kindKey(k)
	}
	p.need(name)
	y := f.expr(e.Y)
	var flag string
	if f.active(e.Check) {
		// A negative count: dc_sc records the fault, and the shift yields 0.
		flag = f.newFlag()
		yk := ir.BasicOf(e.Y.Type()).Kind
		y = call(p.scHelper(yk), p.withThread(y.s, faultArgs, fmt.Sprint(e.Check.ID), "&"+flag)...)
	}
	if c, ok := e.Y.(*ir.Const); ok && constant.Sign(c.Value) >= 0 {
		y = p.literal(&ir.Const{T: &ir.Basic{Kind: ir.Uint64}, Value: c.Value})
	} else if yb := ir.BasicOf(e.Y.Type()); yb == nil || (yb.Kind != ir.Uint64 && yb.Kind != ir.Uint) {
		y = castTo(p.d.Types[ir.Uint64], y)
	}
	r := call(name, x.s, y.s)
	if flag != "" {
		return call(p.selHelper(e.T), "("+flag+" = 0, "+r.s+")", "&"+flag)
	}
	return r
}

func (f *fn) convert(e *ir.Convert) cexpr {
	to, from := ir.BasicOf(e.T), ir.BasicOf(e.X.Type())
	var x cexpr
	if b, ok := e.X.(*ir.Binary); ok && b.Op == token.MUL && from != nil && to != nil &&
		from.Kind.IsFloat() && to.Kind.IsFloat() && f.p.d.RoundedMul != nil && f.p.d.RoundedMul(from.Kind) != "" {
		// Go: an explicit conversion rounds, so the product must not be
		// fused with an operation outside the conversion.
		x = call(f.p.d.RoundedMul(from.Kind), f.expr(b.X).s, f.expr(b.Y).s)
	} else {
		x = f.expr(e.X)
	}
	if to == nil || from == nil {
		if e.T.String() == e.X.Type().String() || ir.Underlying(e.T) == ir.Underlying(e.X.Type()) {
			return x
		}
		return f.bad("conversion from %s to %s", e.X.Type(), e.T)
	}
	if f.p.basic(to) == f.p.basic(from) {
		return x
	}
	if from.Kind.IsFloat() && to.Kind.IsInteger() {
		// C leaves the conversion of a NaN or of a value out of the
		// target's range undefined; the helper gives what Go gives on
		// amd64 (see floatToIntDef).
		name := "dc_cvt" + kindKey(from.Kind) + "_" + kindKey(to.Kind)
		f.p.need(name)
		return call(name, x.s)
	}
	return castTo(f.p.basic(to), x)
}

func (f *fn) index(e *ir.Index) cexpr {
	saved := f.flag
	f.flag = ""
	i := f.expr(e.Index).s
	f.flag = saved
	if c, ok := e.Index.(*ir.Const); ok {
		// A small index reads better without its suffix ("x[0]").
		if v, exact := constant.Int64Val(constant.ToInt(c.Value)); exact && v >= 0 && v <= 1<<31-1 {
			i = fmt.Sprint(v)
		}
	}
	switch t := e.X.Type().(type) {
	case *ir.Slice:
		ptr, n, _ := f.slice(e.X)
		return primary(ptr + "[" + f.checkedIndex(e, i, n) + "]")
	case *ir.Array, *ir.Pointer:
		if c, ok := e.X.(*ir.Call); ok {
			// f(x)[i]: the array comes back in f's result struct.
			if !wrapped(c.Func) || len(c.Func.Results) != 1 {
				return f.bad("indexing the array result of %s", c.Func.Name)
			}
			a := t.(*ir.Array)
			x := call(f.p.funcName(c.Func), f.args(c)...).s + ".r0"
			return primary(x + "[" + f.checkedIndex(e, i, fmt.Sprint(a.Len)) + "]")
		}
		n := "0"
		if a, ok := t.(*ir.Array); ok {
			n = fmt.Sprint(a.Len)
		} else if a, ok := t.(*ir.Pointer).Elem.(*ir.Array); ok {
			n = fmt.Sprint(a.Len)
		}
		x := f.expr(e.X).paren()
		return primary(x + "[" + f.checkedIndex(e, i, n) + "]")
	}
	return f.bad("indexing %s", e.X.Type())
}

// slice returns the pointer and length of the slice expression e, and
// whether the pointer is to read-only (const) memory.
func (f *fn) slice(e ir.Expr) (ptr, n string, readOnly bool) {
	if se, ok := e.(*ir.SliceExpr); ok {
		// x[lo:hi]: the pointer moves by lo, the length is hi-lo.
		ptr, n, readOnly = f.slice(se.X)
		if f.active(se.Check) {
			// An empty slice at ptr when the bounds are wrong.
			lo, hi := "0", n
			if se.Lo != nil {
				lo = f.expr(se.Lo).paren()
			}
			if se.Hi != nil {
				hi = f.expr(se.Hi).paren()
			}
			ok := call(f.p.sokHelper(), f.p.withThread(lo, hi, n, faultArgs, fmt.Sprint(se.Check.ID))...).s
			return "(" + ptr + " + (" + ok + " ? " + lo + " : 0))", "(" + ok + " ? " + hi + " - " + lo + " : 0)", readOnly
		}
		lo := "0"
		if se.Lo != nil {
			lo = f.expr(se.Lo).paren()
			ptr = "(" + ptr + " + " + lo + ")"
		}
		if se.Hi != nil {
			n = f.expr(se.Hi).paren()
		}
		if se.Lo != nil {
			n = "(" + n + " - " + lo + ")"
		}
		return ptr, n, readOnly
	}
	v, ok := e.(*ir.VarRef)
	if !ok {
		f.problemf("slice expression %T (only slice variables are supported)", e)
		return "0", "0", false
	}
	if _, ok := v.Var.Type.(*ir.Slice); !ok {
		f.problemf("%s is not a slice", v.Var.Name)
		return "0", "0", false
	}
	return f.name(v.Var), f.lenName(v.Var), v.Var.Kind == ir.Param && !v.Var.Written
}

// args prints the arguments of a device function call: slices as pointer
// and length, then the caller's shared arrays in callee.Shared order.
func (f *fn) args(c *ir.Call) []string {
	var out []string
	for i, a := range c.Args {
		if _, ok := a.Type().(*ir.Tuple); ok {
			f.problemf("a multi-result call as an argument of %s", c.Func.Name)
			out = append(out, "0")
			continue
		}
		if st, ok := a.Type().(*ir.Slice); ok {
			ptr, n, ro := f.slice(a)
			if ro && i < len(c.Func.Params) && c.Func.Params[i].Written {
				ptr = castTo(f.p.elemPtr(st), primary(ptr)).s
			}
			out = append(out, ptr, n)
			continue
		}
		if at, ok := a.Type().(*ir.Array); ok && f.p.d.ArrayArgsByValue {
			out = append(out, f.arrayValue(a, at))
			continue
		}
		out = append(out, f.expr(a).s)
	}
	for _, s := range c.Func.Shared {
		out = append(out, f.sharedName(s))
	}
	if c.Func.Checked {
		out = append(out, faultArgs)
	}
	if f.p.threadFuncs[c.Func] {
		out = append(out, f.p.d.ThreadArgs)
	}
	return out
}

// arrayValue prints array value a as its wrapper struct (for a parameter
// passed by value, Dialect.ArrayArgsByValue): the array reinterpreted in
// place, in its own address space, and copied by the call.
func (f *fn) arrayValue(a ir.Expr, t *ir.Array) string {
	q, _ := f.p.spaceQualifier(a)
	src := f.expr(a).s // an rvalue's array (f(x).V) lives to the end of the statement
	if isWrappedCall(a) {
		src = f.arraySource(a)
	}
	return f.p.wrapArray(src, t, q)
}

// wrapArray reinterprets the array lvalue src of type t, in the address
// space qualified by q, as its wrapper struct.
func (p *printer) wrapArray(src string, t *ir.Array, q string) string {
	if q != "" {
		q += " "
	}
	return "*(const " + q + p.arrayWrapper(t) + "*)(" + src + ")"
}

// structLit prints a struct value: a brace literal or, when a field is an
// array (which C cannot initialise from another array), a call of the
// struct's dc_make_ helper.
func (f *fn) structLit(e *ir.StructLit) cexpr {
	// Array fields given as literals print as nested initialiser lists;
	// other array values need the helper.
	hasArray := false
	for _, x := range e.Fields {
		if _, ok := x.Type().(*ir.Array); ok {
			if _, lit := x.(*ir.ArrayLit); !lit {
				hasArray = true
			}
		}
	}
	var fields []string
	for _, x := range e.Fields {
		lit, isLit := x.(*ir.ArrayLit)
		switch {
		case !hasArray && isLit:
			fields = append(fields, f.initList(lit))
		case !hasArray:
			fields = append(fields, f.braceValue(x))
		case isLit:
			// The front end makes sure such a literal is constant, so it
			// may be evaluated first, into a temporary.
			if ir.HasCall(lit) {
				fields = append(fields, f.bad("array literal with effects beside an array value in a struct literal").s)
				continue
			}
			f.temps++
			tmp := fmt.Sprintf("dc_t%d", f.temps)
			f.linef("%s = %s;", f.p.decl(lit.T, tmp), f.initList(lit))
			if f.p.d.ArrayArgsByValue {
				tmp = f.p.wrapArray(tmp, lit.T, f.p.d.PrivatePtr)
			}
			fields = append(fields, tmp)
		case isWrappedCall(x):
			fields = append(fields, f.bad("array result of %s in a struct literal", x.(*ir.Call).Func.Name).s)
		default:
			if at, ok := x.Type().(*ir.Array); ok && f.p.d.ArrayArgsByValue {
				fields = append(fields, f.arrayValue(x, at))
				continue
			}
			fields = append(fields, f.expr(x).s)
		}
	}
	if hasArray {
		return call(f.p.structMake(e.T), fields...)
	}
	return f.p.compound(f.p.structName(e.T), fields)
}

// compound prints a struct value of C type t from its field values.
func (p *printer) compound(t string, fields []string) cexpr {
	body := "{" + strings.Join(fields, ", ") + "}"
	if p.d.CompoundLiteral {
		return cexpr{s: "(" + t + ")" + body, prec: precUnary, cast: true}
	}
	return primary(t + body)
}

// braceValue prints x as an element of a brace initialiser, where C++
// rejects narrowing conversions: an operation on a type narrower than int
// (which C computes in int) or a builtin returning bool gets a cast.
func (f *fn) braceValue(x ir.Expr) string {
	c := f.expr(x)
	b := ir.BasicOf(x.Type())
	if b == nil || c.cast {
		return c.s
	}
	switch x.(type) {
	case *ir.Unary, *ir.Binary, *ir.BuiltinCall:
		if b.Kind.IsInteger() && b.Kind.Bits() < 32 {
			return castTo(f.p.basic(b), c).s
		}
	}
	if _, ok := x.(*ir.BuiltinCall); ok && b.Kind == ir.Bool {
		// isnan and isinf may return int.
		return castTo(f.p.basic(b), c).s
	}
	return c.s
}

func (f *fn) builtin(e *ir.BuiltinCall) cexpr {
	p := f.p
	op := e.Op
	switch {
	case op.IsThread():
		return cexpr{s: p.d.Thread(op), prec: precUnary, cast: true}
	case op == ir.Barrier:
		return primary(p.d.Barrier)
	case op.IsAtomic():
		return f.atomic(e)
	case op == ir.Min || op == ir.Max:
		return f.minMax(e)
	}
	if len(e.Args) == 0 {
		return f.bad("%s without arguments", op)
	}
	var args []string
	for _, a := range e.Args {
		args = append(args, f.expr(a).s)
	}
	k := ir.Float64
	if b := ir.BasicOf(e.Args[0].Type()); b != nil {
		k = b.Kind
	}
	switch op {
	case ir.Float32Bits, ir.Float32From, ir.Float64Bits, ir.Float64From:
		return cexpr{s: p.d.BitCast(op, args[0]), prec: precUnary, cast: true}
	case ir.IsInf:
		return f.isInf(e, k, args)
	}
	if !k.IsFloat() {
		return f.bad("%s of %s", op, k)
	}
	name := p.d.Math(op, k)
	if f.kernel != nil && f.kernel.FastMath && p.d.FastMath != nil {
		if fast := p.d.FastMath(op, k); fast != "" {
			name = fast
		}
	}
	if name == "" {
		return f.bad("%s has no %s equivalent", op, p.d.Name)
	}
	return call(name, args...)
}

// isInf prints Go's math.IsInf(x, sign).
func (f *fn) isInf(e *ir.BuiltinCall, k ir.Kind, args []string) cexpr {
	p := f.p
	if len(args) != 2 || !k.IsFloat() {
		return f.bad("IsInf with %d arguments of %s", len(args), k)
	}
	if c, ok := e.Args[1].(*ir.Const); ok {
		x := f.expr(e.Args[0])
		max := primary(maxFloat(k))
		switch constant.Sign(c.Value) {
		case 1:
			return binop(">", precRel, x, max)
		case -1:
			return binop("<", precRel, x, unop("-", max))
		}
		name := p.d.Math(ir.IsInf, k)
		return call(name, args[0])
	}
	name := "dc_isinf_" + kindKey(k)
	p.need(name)
	sign := f.expr(e.Args[1])
	if b := ir.BasicOf(e.Args[1].Type()); b == nil || (b.Kind != ir.Int && b.Kind != ir.Int64) {
		sign = castTo(p.d.Types[ir.Int64], sign)
	}
	return call(name, args[0], sign.s)
}

// minMax prints Go's min or max of two or more operands through
// per-type helpers.
func (f *fn) minMax(e *ir.BuiltinCall) cexpr {
	b := ir.BasicOf(e.T)
	if b == nil || b.Kind == ir.Bool || len(e.Args) == 0 {
		return f.bad("%s of %d operands of type %v", e.Op, len(e.Args), e.T)
	}
	name := "dc_min_" + kindKey(b.Kind)
	if e.Op == ir.Max {
		name = "dc_max_" + kindKey(b.Kind)
	}
	acc := f.expr(e.Args[0])
	if len(e.Args) == 1 {
		return acc
	}
	f.p.need(name)
	for _, a := range e.Args[1:] {
		acc = call(name, acc.s, f.expr(a).s)
	}
	return acc
}

// atomic prints an atomic read-modify-write on the location Args[0]: an
// element of a slice or shared array, or a field of one.
func (f *fn) atomic(e *ir.BuiltinCall) cexpr {
	p := f.p
	want := 2
	if e.Op == ir.AtomicCAS {
		want = 3
	}
	if len(e.Args) != want {
		return f.bad("%s with %d arguments", e.Op, len(e.Args))
	}
	loc := e.Args[0]
	space, ok := memSpace(loc)
	if !ok {
		return f.bad("%s on a %T, not an element of a slice or shared array", e.Op, loc)
	}
	b := ir.BasicOf(loc.Type())
	if b == nil {
		return f.bad("%s on %s", e.Op, loc.Type())
	}
	name := p.d.Atomic(e.Op, b.Kind, space)
	if name == "" {
		return f.bad("%s on %s has no %s equivalent", e.Op, b.Kind, p.d.Name)
	}
	var args []string
	for _, a := range e.Args[1:] {
		args = append(args, f.expr(a).s)
	}
	if f.chainChecked(loc) {
		return f.checkedAtomic(name, loc, args, e.T)
	}
	return call(name, append([]string{unop("&", f.expr(loc)).s}, args...)...)
}

// spaceQualifier returns the dialect's pointer qualifier for the memory
// lvalue e lives in ("__global", "__local", or "" where pointers are
// generic); ok is false for private lvalues, whose qualifier is
// Dialect.PrivatePtr.
func (p *printer) spaceQualifier(e ir.Expr) (q string, ok bool) {
	space, ok := memSpace(e)
	switch {
	case !ok:
		return p.d.PrivatePtr, false
	case space == ir.SpaceShared:
		return p.d.SharedPtr, true
	}
	return p.d.GlobalPtr, true
}

// memSpace returns the address space of the memory lvalue e lives in: it
// is an element of a slice (global) or of a shared array, or a field or
// element of one. ok is false for other expressions.
func memSpace(e ir.Expr) (space ir.Space, ok bool) {
	for {
		switch x := e.(type) {
		case *ir.Index:
			switch t := x.X.Type().(type) {
			case *ir.Slice:
				return ir.SpaceGlobal, true
			case *ir.Pointer:
				return t.Space, true
			}
			e = x.X
		case *ir.FieldRef:
			e = x.X
		default:
			return 0, false
		}
	}
}

// minusOneFree reports whether y is a constant other than -1 (and 0), so a
// signed C division by it already gives Go's result: C and Go both
// truncate toward zero, and only MinInt / -1 overflows.
func minusOneFree(y ir.Expr) bool {
	c, ok := y.(*ir.Const)
	if !ok {
		return false
	}
	v, exact := constant.Int64Val(constant.ToInt(c.Value))
	return exact && v != -1 && v != 0
}
