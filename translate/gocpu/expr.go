package gocpu

import (
	"go/constant"
	"go/token"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/dotcompute/dc/translate/ir"
)

// expr returns e as a Go expression of e's type. A constant may print as
// an untyped literal: every place expr is used gives it e's type (an
// operand beside a typed one, an assignment, an argument).
func (p *printer) expr(e ir.Expr) *jen.Statement {
	switch e := e.(type) {
	case *ir.Const:
		return p.constant(e, false, false)
	case *ir.VarRef:
		return p.varRef(e.Var)
	case *ir.SharedRef:
		return jen.Id(SharedName(e.Shared))
	case *ir.Unary:
		return p.unary(e)
	case *ir.Binary:
		return p.binary(e)
	case *ir.Convert:
		if c, ok := p.constOf(e); ok {
			return p.constant(c, false, false)
		}
		return typeCode(e.T).Parens(p.inner(e.X, true))
	case *ir.Index:
		if p.group != nil {
			if v, ok := p.group.views[e]; ok {
				return jen.Id(v.name).Index(v.x.Clone())
			}
		}
		if p.active(e.Check) {
			return p.checkedIndex(e)
		}
		return p.primary(e.X).Index(p.inner(e.Index, false))
	case *ir.FieldRef:
		name := "F" + strconv.Itoa(e.Field)
		if st, ok := e.X.Type().(*ir.Struct); ok && e.Field < len(st.Fields) {
			name = st.Fields[e.Field].Name
		}
		return p.primary(e.X).Dot(name)
	case *ir.Len:
		return jen.Len(p.inner(e.X, false))
	case *ir.StructLit:
		return p.structLit(e)
	case *ir.SliceExpr:
		if p.active(e.Check) {
			return p.checkedSlice(e)
		}
		lo, hi := jen.Empty(), jen.Empty()
		if e.Lo != nil {
			lo = p.inner(e.Lo, false)
		}
		if e.Hi != nil {
			hi = p.inner(e.Hi, false)
		}
		return p.primary(e.X).Index(lo, hi)
	case *ir.ArrayLit:
		var vals []jen.Code
		for _, v := range e.Elems {
			vals = append(vals, p.inner(v, false))
		}
		return typeCode(e.T).Values(vals...)
	case *ir.Call:
		return p.call(e)
	case *ir.BuiltinCall:
		return p.builtin(e)
	}
	return jen.Null()
}

// inner prints e inside brackets or an argument list, where a struct
// literal needs no parentheses even in a header. nonConst asks for a
// non-constant expression (see nonConst).
func (p *printer) inner(e ir.Expr, nonConst bool) *jen.Statement {
	old := p.header
	p.header = false
	defer func() { p.header = old }()
	if nonConst {
		return p.nonConst(e)
	}
	return p.expr(e)
}

// primary prints the operand of an index or selector.
func (p *printer) primary(e ir.Expr) *jen.Statement {
	switch e.(type) {
	case *ir.Unary, *ir.Binary:
		return jen.Parens(p.expr(e))
	}
	return p.expr(e)
}

var unaryOps = map[token.Token]string{token.SUB: "-", token.ADD: "+", token.NOT: "!", token.XOR: "^"}

func (p *printer) unary(e *ir.Unary) *jen.Statement {
	// A unary operator on a constant would make Go fold it at compile time
	// (where -MinInt8 overflows instead of wrapping): keep it an operation.
	x := p.nonConst(e.X)
	if _, ok := e.X.(*ir.Binary); ok {
		x = jen.Parens(x)
	}
	return jen.Op(unaryOps[e.Op]).Add(x)
}

func (p *printer) binary(e *ir.Binary) *jen.Statement {
	if p.active(e.Check) {
		return p.checkedBinary(e)
	}
	prec := e.Op.Precedence()
	_, xConst := p.constOf(e.X)
	_, yConst := p.constOf(e.Y)
	var x *jen.Statement
	switch {
	case xConst && yConst:
		// Two constants would make a constant expression, evaluated
		// exactly by the Go compiler; the IR means run-time arithmetic.
		x = p.nonConst(e.X)
	case xConst && (e.Op == token.SHL || e.Op == token.SHR):
		// The constant operand of a non-constant shift takes its type
		// from the context unless it has one.
		x = p.typed(e.X, true)
	default:
		x = p.expr(e.X)
	}
	if b, ok := e.X.(*ir.Binary); ok && b.Op.Precedence() < prec {
		x = jen.Parens(x)
	}
	y := p.expr(e.Y)
	if b, ok := e.Y.(*ir.Binary); ok && b.Op.Precedence() <= prec {
		y = jen.Parens(y)
	}
	return x.Op(e.Op.String()).Add(y)
}

func (p *printer) structLit(e *ir.StructLit) *jen.Statement {
	blank := false
	for _, f := range e.T.Fields {
		if f.Name == "_" {
			blank = true
		}
	}
	var vals []jen.Code
	for i, v := range e.Fields {
		val := p.inner(v, false)
		if blank || i >= len(e.T.Fields) {
			// Blank fields cannot be named: list every value in order.
			vals = append(vals, val)
			continue
		}
		vals = append(vals, jen.Id(e.T.Fields[i].Name).Op(":").Add(val))
	}
	lit := jen.Id(e.T.Name).Values(vals...)
	if p.header {
		return jen.Parens(lit)
	}
	return lit
}

func (p *printer) call(e *ir.Call) *jen.Statement {
	var args []jen.Code
	if e.Func.Thread != nil {
		args = append(args, jen.Id(threadName))
	}
	for _, a := range e.Args {
		args = append(args, p.inner(a, false))
	}
	for _, s := range e.Func.Shared {
		args = append(args, jen.Id(SharedName(s)))
	}
	if e.Func.Checked {
		args = append(args, faultArgs()...)
	}
	return jen.Id(FuncName(e.Func)).Call(args...)
}

// dcMath are the math builtins package dc provides, generic over dc.Float.
var dcMath = map[ir.Builtin]bool{
	ir.Sqrt: true, ir.Rsqrt: true, ir.Exp: true, ir.Exp2: true, ir.Log: true, ir.Log2: true,
	ir.Sin: true, ir.Cos: true, ir.Tan: true, ir.Tanh: true, ir.Atan2: true, ir.Pow: true,
	ir.Abs: true, ir.Floor: true, ir.Ceil: true, ir.Trunc: true, ir.FMA: true,
}

func (p *printer) builtin(e *ir.BuiltinCall) *jen.Statement {
	switch {
	case e.Op.IsThread():
		if p.loop {
			return loopBuiltin(e.Op)
		}
		return jen.Id(p.thread).Dot(e.Op.String()).Call()
	case e.Op == ir.Barrier:
		return jen.Id(p.thread).Dot("Barrier").Call()
	case e.Op == ir.Min || e.Op == ir.Max:
		all := true
		for _, a := range e.Args {
			if _, ok := p.constOf(a); !ok {
				all = false
			}
		}
		var args []jen.Code
		for i, a := range e.Args {
			// min and max of constants are constant: keep them run-time.
			args = append(args, p.inner(a, all && i == 0))
		}
		if e.Op == ir.Min {
			return jen.Min(args...)
		}
		return jen.Max(args...)
	case e.Op.IsAtomic():
		var args []jen.Code
		for i, a := range e.Args {
			if i == 0 {
				args = append(args, jen.Op("&").Add(p.inner(a, false)))
				continue
			}
			args = append(args, p.inner(a, false))
		}
		if p.group != nil && inShared(e.Args[0]) {
			// One goroutine runs the whole group: see cpu.GroupAdd.
			return jen.Qual(cpuPath, groupAtomics[e.Op]).Call(args...)
		}
		if c := p.addsCall(e, args); c != nil {
			return c
		}
		return jen.Qual(dcPath, e.Op.String()).Call(args...)
	}
	return p.math(e)
}

// Basic types the math package works in.
var (
	float32Type = &ir.Basic{Kind: ir.Float32}
	float64Type = &ir.Basic{Kind: ir.Float64}
	uint32Type  = &ir.Basic{Kind: ir.Uint32}
	uint64Type  = &ir.Basic{Kind: ir.Uint64}
	intType     = &ir.Basic{Kind: ir.Int}
)

// math prints a math builtin so that it computes exactly what the Go source
// does: package math on float64, dc's generic function (itself package math
// in float64, see dc.Sqrt) on other float types.
func (p *printer) math(e *ir.BuiltinCall) *jen.Statement {
	name := e.Op.String()
	mathCall := func(result ir.Type, params ...ir.Type) *jen.Statement {
		var args []jen.Code
		for i, a := range e.Args {
			if i < len(params) {
				args = append(args, p.convertTo(a, params[i]))
			} else {
				args = append(args, p.inner(a, false))
			}
		}
		call := jen.Qual("math", name).Call(args...)
		if e.T != nil && e.T.String() != result.String() {
			return typeCode(e.T).Parens(call)
		}
		return call
	}
	switch e.Op {
	case ir.Float32Bits:
		return mathCall(uint32Type, float32Type)
	case ir.Float64Bits:
		return mathCall(uint64Type, float64Type)
	case ir.Float32From:
		return mathCall(float32Type, uint32Type)
	case ir.Float64From:
		return mathCall(float64Type, uint64Type)
	case ir.IsNaN:
		return mathCall(ir.BoolType, float64Type)
	case ir.IsInf:
		return mathCall(ir.BoolType, float64Type, intType)
	}
	params := make([]ir.Type, len(e.Args))
	for i := range params {
		params[i] = float64Type
	}
	if e.T != nil && e.T.String() == "float64" && e.Op != ir.Rsqrt {
		return mathCall(float64Type, params...)
	}
	if dcMath[e.Op] {
		all := true
		for _, a := range e.Args {
			if _, ok := p.constOf(a); !ok {
				all = false
			}
		}
		var args []jen.Code
		for _, a := range e.Args {
			if all {
				// Constant arguments alone would instantiate float64.
				args = append(args, p.typed(a, false))
			} else {
				args = append(args, p.inner(a, false))
			}
		}
		return jen.Qual(dcPath, name).Call(args...)
	}
	return mathCall(float64Type, params...)
}

// convertTo prints a of the basic type t, converting it if its type differs.
func (p *printer) convertTo(a ir.Expr, t ir.Type) jen.Code {
	if a.Type() != nil && a.Type().String() == t.String() {
		return p.inner(a, false)
	}
	return p.inner(&ir.Convert{X: a, T: t}, false)
}

// loopBuiltin returns the loop variable or grid expression of a thread
// builtin in a loop-form kernel.
func loopBuiltin(b ir.Builtin) *jen.Statement {
	d := b.Dim()
	switch {
	case b <= ir.GlobalZ:
		return jen.Id(globalVar[d])
	case b <= ir.LocalZ:
		return jen.Id(localVar[d])
	case b <= ir.GroupZ:
		return jen.Id(groupVar[d])
	case b <= ir.GroupSizeZ:
		return gridField("GroupSize", d)
	case b <= ir.NumGroupsZ:
		return gridField("Groups", d)
	}
	return jen.Parens(gridField("Groups", d).Op("*").Add(gridField("GroupSize", d)))
}

// Loop variables of a loop-form kernel, by dimension.
var (
	dimNames  = [3]string{"X", "Y", "Z"}
	globalVar = [3]string{"dc_x", "dc_y", "dc_z"}
	localVar  = [3]string{"dc_lx", "dc_ly", "dc_lz"}
	groupVar  = [3]string{"dc_gx", "dc_gy", "dc_gz"}
)

// gridField returns <field>.<X|Y|Z> of the launch grid, read from the loop
// form's local copies dc_gs (GroupSize) and dc_ng (Groups): a dc.Dim3 local
// lives in registers, the six-field dc.Grid parameter does not.
func gridField(field string, d int) *jen.Statement {
	v := "dc_gs"
	if field == "Groups" {
		v = "dc_ng"
	}
	return jen.Id(v).Dot(dimNames[d])
}

// constOf returns e as a constant if it is one or a conversion of one that
// can be evaluated here exactly as Go would at run time.
func (p *printer) constOf(e ir.Expr) (*ir.Const, bool) {
	switch e := e.(type) {
	case *ir.Const:
		return e, true
	case *ir.Convert:
		c, ok := p.constOf(e.X)
		if !ok {
			return nil, false
		}
		to := ir.BasicOf(e.T)
		if to == nil {
			return nil, false
		}
		return convertConst(c, to)
	}
	return nil, false
}

// nonConst prints e so that it is not a Go constant expression: a constant
// becomes [1]T{c}[0]. Operations of the IR are run-time operations; the Go
// compiler would evaluate constant operands exactly and reject overflow.
func (p *printer) nonConst(e ir.Expr) *jen.Statement {
	c, ok := p.constOf(e)
	if !ok {
		return p.expr(e)
	}
	return jen.Index(jen.Lit(1)).Add(typeCode(c.T)).Values(p.constant(c, false, false)).Index(jen.Lit(0))
}

// typed prints e so that it has its own type even standing alone: a
// constant becomes T(c), except int, float64 and bool constants whose
// literal already has that type. strict asks for T(c) for int too, as the
// left operand of a shift needs.
func (p *printer) typed(e ir.Expr, strict bool) *jen.Statement {
	c, ok := p.constOf(e)
	if !ok {
		return p.expr(e)
	}
	return p.constant(c, true, strict)
}

// constant prints c: a bare literal, or with typed a literal of c's type.
func (p *printer) constant(c *ir.Const, typed, strict bool) *jen.Statement {
	lit := constLit(c)
	if !typed {
		return jen.Id(lit)
	}
	if c.T.Name == "" && !strict {
		switch c.T.Kind {
		case ir.Int, ir.Bool:
			return jen.Id(lit)
		case ir.Float64:
			if strings.ContainsAny(lit, ".eE") {
				return jen.Id(lit)
			}
		}
	}
	return typeCode(c.T).Parens(jen.Id(lit))
}

// constLit returns the Go literal of c's value: exact for integers, and for
// floats the shortest decimal that Go rounds to the same value of c's type.
func constLit(c *ir.Const) string {
	v := c.Value
	switch k := c.T.Kind; {
	case k == ir.Bool:
		if v.Kind() == constant.Bool && constant.BoolVal(v) {
			return "true"
		}
		return "false"
	case k.IsInteger():
		if i := constant.ToInt(v); i.Kind() == constant.Int {
			return i.ExactString()
		}
		return v.ExactString()
	case k == ir.Float32:
		f, _ := constant.Float32Val(constant.ToFloat(v))
		return formatFloat(float64(f), 32)
	default:
		f, _ := constant.Float64Val(constant.ToFloat(v))
		return formatFloat(f, 64)
	}
}

// formatFloat returns the shortest decimal that rounds to f at the given
// precision (32 or 64 bits), without an exponent for ordinary magnitudes.
func formatFloat(f float64, bits int) string {
	if a := math.Abs(f); a == 0 || a >= 1e-4 && a < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, bits)
	}
	return strconv.FormatFloat(f, 'g', -1, bits)
}

// isOne reports whether c is the constant 1.
func isOne(c *ir.Const) bool {
	v := c.Value
	if v.Kind() == constant.Bool || v.Kind() == constant.Unknown {
		return false
	}
	return constant.Compare(v, token.EQL, constant.MakeInt64(1))
}

// convertConst evaluates the conversion of c to type to as Go does at run
// time: integers wrap, floats round to nearest even, floats truncate toward
// zero to integers. It reports false where the result is not a value of
// to (a float out of an integer type's range).
func convertConst(c *ir.Const, to *ir.Basic) (*ir.Const, bool) {
	from := c.T.Kind
	v := c.Value
	// The value as c's type holds it.
	switch from {
	case ir.Float32:
		f, _ := constant.Float32Val(constant.ToFloat(v))
		v = constant.MakeFloat64(float64(f))
	case ir.Float64:
		f, _ := constant.Float64Val(constant.ToFloat(v))
		v = constant.MakeFloat64(f)
	}
	switch {
	case to.Kind == ir.Bool && from == ir.Bool:
		return &ir.Const{T: to, Value: v}, true
	case to.Kind.IsInteger() && from.IsInteger():
		i, ok := bigInt(constant.ToInt(v))
		if !ok {
			return nil, false
		}
		return &ir.Const{T: to, Value: constant.Make(wrap(i, to.Kind))}, true
	case to.Kind.IsInteger() && from.IsFloat():
		r, ok := bigRat(constant.ToFloat(v))
		if !ok {
			return nil, false
		}
		i := new(big.Int).Quo(r.Num(), r.Denom()) // toward zero
		if wrap(new(big.Int).Set(i), to.Kind).Cmp(i) != 0 {
			return nil, false
		}
		return &ir.Const{T: to, Value: constant.Make(i)}, true
	case to.Kind == ir.Float32 && (from.IsInteger() || from.IsFloat()):
		f, _ := constant.Float32Val(constant.ToFloat(v))
		return &ir.Const{T: to, Value: constant.MakeFloat64(float64(f))}, true
	case to.Kind == ir.Float64 && (from.IsInteger() || from.IsFloat()):
		f, _ := constant.Float64Val(constant.ToFloat(v))
		return &ir.Const{T: to, Value: constant.MakeFloat64(f)}, true
	}
	return nil, false
}

// bigInt returns the integer constant v as a big.Int.
func bigInt(v constant.Value) (*big.Int, bool) {
	if v.Kind() != constant.Int {
		return nil, false
	}
	return new(big.Int).SetString(v.ExactString(), 10)
}

// bigRat returns the numeric constant v as a big.Rat.
func bigRat(v constant.Value) (*big.Rat, bool) {
	switch x := constant.Val(v).(type) {
	case int64:
		return new(big.Rat).SetInt64(x), true
	case *big.Int:
		return new(big.Rat).SetInt(x), true
	case *big.Rat:
		return x, true
	case *big.Float:
		r, acc := x.Rat(nil)
		return r, r != nil && acc == big.Exact
	}
	return nil, false
}

// wrap reduces i modulo 2^bits of kind k into k's range, as Go's integer
// conversions do. It changes and returns i.
func wrap(i *big.Int, k ir.Kind) *big.Int {
	bits := uint(k.Bits())
	mod := new(big.Int).Lsh(big.NewInt(1), bits)
	i.Mod(i, mod) // Euclidean: 0 <= i < mod
	if k.IsSigned() && i.Cmp(new(big.Int).Rsh(mod, 1)) >= 0 {
		i.Sub(i, mod)
	}
	return i
}

// groupAtomics are the plain counterparts in package cpu of the atomics on
// group-shared memory.
var groupAtomics = map[ir.Builtin]string{
	ir.AtomicAdd: "GroupAdd", ir.AtomicExchange: "GroupExchange", ir.AtomicMin: "GroupMin",
	ir.AtomicMax: "GroupMax", ir.AtomicCAS: "GroupCAS",
}

// inShared reports whether the location loc (an element, or a field of
// one) is in a group-shared array.
func inShared(loc ir.Expr) bool {
	for {
		switch x := loc.(type) {
		case *ir.Index:
			loc = x.X
			continue
		case *ir.FieldRef:
			loc = x.X
			continue
		}
		ptr, ok := loc.Type().(*ir.Pointer)
		return ok && ptr.Space == ir.SpaceShared
	}
}
