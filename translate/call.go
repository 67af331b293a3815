package translate

import (
	"go/ast"
	"go/constant"
	"go/types"
	"math"

	"github.com/dotcompute/dc/translate/ir"
)

// threadMethods maps dc.Thread methods to builtins.
var threadMethods = map[string]ir.Builtin{}

// mathFuncs maps dc's generic math and package math functions to builtins.
var mathFuncs = map[string]ir.Builtin{}

func init() {
	for b := ir.GlobalX; b <= ir.Barrier; b++ {
		threadMethods[b.String()] = b
	}
	for b := ir.Sqrt; b <= ir.Float64From; b++ {
		mathFuncs[b.String()] = b
	}
}

// dcMath lists the math functions of package dc (DESIGN.md §3).
var dcMath = map[string]bool{
	"Sqrt": true, "Rsqrt": true, "Exp": true, "Exp2": true, "Log": true, "Log2": true,
	"Sin": true, "Cos": true, "Tan": true, "Tanh": true, "Atan2": true, "Pow": true,
	"Abs": true, "Floor": true, "Ceil": true, "Trunc": true, "FMA": true,
}

var dcAtomics = map[string]ir.Builtin{
	"AtomicAdd": ir.AtomicAdd, "AtomicExchange": ir.AtomicExchange, "AtomicMin": ir.AtomicMin,
	"AtomicMax": ir.AtomicMax, "AtomicCAS": ir.AtomicCAS,
}

var rejectedBuiltins = map[string]string{
	"append":  "append allocates; kernels cannot allocate memory",
	"make":    "make allocates; kernels cannot allocate memory (use dc.Shared or a local array)",
	"new":     "new allocates; kernels cannot allocate memory (use a local variable)",
	"panic":   "panic cannot be used in kernels",
	"recover": "recover cannot be used in kernels",
	"print":   "print cannot be used in kernels",
	"println": "println cannot be used in kernels",
	"copy":    "copy cannot be used in kernels; copy elements in a loop",
	"cap":     "cap cannot be used in kernels; use len",
	"close":   "channels cannot be used in kernels",
	"delete":  "maps cannot be used in kernels",
	"clear":   "clear cannot be used in kernels",
	"complex": "complex numbers cannot be used in kernels",
	"real":    "complex numbers cannot be used in kernels",
	"imag":    "complex numbers cannot be used in kernels",
}

// calleeIdent returns the identifier naming a called function, looking
// through explicit instantiation f[T](...).
func calleeIdent(fun ast.Expr) *ast.Ident {
	switch x := ast.Unparen(fun).(type) {
	case *ast.Ident:
		return x
	case *ast.SelectorExpr:
		return x.Sel
	case *ast.IndexExpr:
		return calleeIdent(x.X)
	case *ast.IndexListExpr:
		return calleeIdent(x.X)
	}
	return nil
}

// call lowers a call. stmt reports whether the call is a statement (its
// results are discarded), which allows calls without results.
func (f *fnState) call(e *ast.CallExpr, stmt bool) ir.Expr {
	t := f.t
	info := t.in.Info
	if tv, ok := info.Types[e.Fun]; ok && tv.IsType() {
		return f.conversion(e, tv.Type)
	}
	if e.Ellipsis.IsValid() {
		t.errorf(e.Pos(), "unsupported: variadic calls (f(s...)) cannot be used in kernels")
		return badExpr
	}
	id := calleeIdent(e.Fun)
	if id == nil {
		t.errorf(e.Pos(), "unsupported: calls of function values cannot be used in kernels")
		return badExpr
	}
	// Method calls: dc.Thread methods or value methods of package types.
	if se, ok := ast.Unparen(e.Fun).(*ast.SelectorExpr); ok {
		if sel := info.Selections[se]; sel != nil {
			if sel.Kind() != types.MethodVal {
				t.errorf(e.Pos(), "unsupported: calls of function values cannot be used in kernels")
				return badExpr
			}
			if isThread(sel.Recv()) {
				return f.threadMethod(e, se)
			}
			m := sel.Obj().(*types.Func)
			if m.Pkg() != t.in.Pkg {
				t.errorf(e.Pos(), "unsupported: method %s of %s: calls into other packages cannot be used in kernels", m.Name(), sel.Recv())
				return badExpr
			}
			if _, ok := types.Unalias(sel.Recv()).Underlying().(*types.Interface); ok {
				t.errorf(e.Pos(), "unsupported: interfaces cannot be used in kernels")
				return badExpr
			}
			if len(sel.Index()) > 1 {
				t.errorf(e.Pos(), "unsupported: promoted methods (through embedded fields)")
				return badExpr
			}
			args := append([]ast.Expr{se.X}, e.Args...)
			return f.deviceCall(e, m, nil, args)
		}
	}
	obj := info.Uses[id]
	switch obj := obj.(type) {
	case *types.Builtin:
		return f.builtin(e, obj.Name())
	case *types.Func:
		pkg := obj.Pkg()
		switch {
		case pkg == nil:
		case pkg.Path() == DCPath:
			return f.dcCall(e, id, obj)
		case pkg.Path() == "math":
			return f.mathCall(e, obj.Name())
		case pkg == t.in.Pkg:
			var targs []types.Type
			if inst, ok := info.Instances[id]; ok {
				for i := range inst.TypeArgs.Len() {
					targs = append(targs, f.ctx.resolve(inst.TypeArgs.At(i)))
				}
			}
			return f.deviceCall(e, obj, targs, e.Args)
		default:
			t.errorf(e.Pos(), "unsupported: calls into other packages (%s.%s) cannot be used in kernels", pkg.Name(), obj.Name())
			return badExpr
		}
	case *types.Var:
		t.errorf(e.Pos(), "unsupported: calls of function values cannot be used in kernels")
		return badExpr
	}
	t.errorf(e.Pos(), "unsupported call")
	return badExpr
}

func (f *fnState) conversion(e *ast.CallExpr, to types.Type) ir.Expr {
	t := f.t
	typ := t.irType(f.ctx, to, e.Fun.Pos(), false)
	if typ == nil || len(e.Args) != 1 {
		return badExpr
	}
	x := f.expr(e.Args[0])
	if x == badExpr {
		return badExpr
	}
	tb, xb := ir.BasicOf(typ), ir.BasicOf(x.Type())
	if tb == nil || xb == nil {
		if typ.String() == x.Type().String() {
			return x
		}
		t.errorf(e.Pos(), "unsupported: conversion from %s to %s", x.Type(), typ)
		return badExpr
	}
	if c, ok := x.(*ir.Const); ok {
		// Exact conversions of constants fold (int to float, float to float).
		switch {
		case tb.Kind.IsFloat():
			return makeConst(tb, c.Value)
		case tb.Kind.IsInteger() && c.Value.Kind() == constant.Int:
			if constant.Sign(c.Value) >= 0 || tb.Kind.IsSigned() {
				if fits(c.Value, tb.Kind) {
					return makeConst(tb, c.Value)
				}
			}
		}
	}
	return &ir.Convert{X: x, T: typ}
}

// fits reports whether integer constant v is representable in kind k.
func fits(v constant.Value, k ir.Kind) bool {
	bits := k.Bits()
	if k.IsSigned() {
		i, exact := constant.Int64Val(v)
		if !exact {
			return false
		}
		return bits == 64 || (i >= -(1<<(bits-1)) && i < 1<<(bits-1))
	}
	u, exact := constant.Uint64Val(v)
	if !exact {
		return false
	}
	return bits == 64 || u < 1<<bits
}

func (f *fnState) builtin(e *ast.CallExpr, name string) ir.Expr {
	t := f.t
	switch name {
	case "len":
		x := f.expr(e.Args[0])
		if x == badExpr {
			return badExpr
		}
		if _, ok := x.Type().(*ir.Slice); !ok {
			t.errorf(e.Pos(), "unsupported: len of %s", x.Type())
			return badExpr
		}
		return &ir.Len{X: x}
	case "min", "max":
		typ := f.typeOf(e)
		if ir.BasicOf(typ) == nil {
			return badExpr
		}
		op := ir.Min
		if name == "max" {
			op = ir.Max
		}
		call := &ir.BuiltinCall{Op: op, T: typ}
		for _, a := range e.Args {
			call.Args = append(call.Args, f.expr(a))
		}
		if len(call.Args) == 1 {
			return call.Args[0]
		}
		return call
	}
	if why, ok := rejectedBuiltins[name]; ok {
		t.errorf(e.Pos(), "unsupported: built-in %s: %s", name, why)
		return badExpr
	}
	t.errorf(e.Pos(), "unsupported: built-in %s cannot be used in kernels", name)
	return badExpr
}

// threadArg checks that x is the function's dc.Thread parameter.
func (f *fnState) threadArg(x ast.Expr) bool {
	if id, ok := ast.Unparen(x).(*ast.Ident); ok {
		if v, ok := f.vars[f.t.in.Info.Uses[id]]; ok && v == f.thread && v != nil {
			return true
		}
	}
	f.t.errorf(x.Pos(), "unsupported: the dc.Thread argument must be the function's own dc.Thread parameter")
	return false
}

func (f *fnState) threadMethod(e *ast.CallExpr, se *ast.SelectorExpr) ir.Expr {
	if !f.threadArg(se.X) {
		return badExpr
	}
	b, ok := threadMethods[se.Sel.Name]
	if !ok {
		f.t.errorf(e.Pos(), "unsupported: dc.Thread method %s", se.Sel.Name)
		return badExpr
	}
	if b == ir.Barrier {
		f.barrier = true
		return &ir.BuiltinCall{Op: ir.Barrier}
	}
	f.uses = f.uses.With(b)
	return &ir.BuiltinCall{Op: b, T: ir.IntType}
}

func (f *fnState) dcCall(e *ast.CallExpr, id *ast.Ident, obj *types.Func) ir.Expr {
	t := f.t
	name := obj.Name()
	switch {
	case name == "Shared":
		return f.sharedCall(e, id)
	case dcAtomics[name] != 0 || name == "AtomicAdd":
		return f.atomic(e, dcAtomics[name])
	case dcMath[name]:
		return f.mathBuiltin(e, mathFuncs[name])
	}
	t.errorf(e.Pos(), "unsupported: dc.%s is host API and cannot be called in kernels", name)
	return badExpr
}

func (f *fnState) sharedCall(e *ast.CallExpr, id *ast.Ident) ir.Expr {
	t := f.t
	if len(e.Args) != 1 || !f.threadArg(e.Args[0]) {
		return badExpr
	}
	inst, ok := t.in.Info.Instances[id]
	if !ok || inst.TypeArgs.Len() != 1 {
		t.errorf(e.Pos(), "dc.Shared needs its array type: dc.Shared[[256]float32](t)")
		return badExpr
	}
	at := f.ctx.resolve(inst.TypeArgs.At(0))
	if _, ok := at.(*types.Array); !ok {
		t.errorf(e.Pos(), "unsupported: dc.Shared[%s]: the type argument must be a fixed-size array type such as [256]float32", at)
		return badExpr
	}
	typ := t.irType(f.ctx, at, e.Pos(), false)
	arr, ok := typ.(*ir.Array)
	if !ok {
		return badExpr
	}
	// dc.Emulate tells shared arrays apart by file and line, so each call
	// site needs a line of its own.
	line := t.in.Fset.Position(e.Pos())
	key := line.Filename + ":" + itoa(line.Line)
	if prev, ok := t.sharedLines[key]; ok && prev != e.Pos() {
		t.errorf(e.Pos(), "unsupported: two dc.Shared calls on one line; put each on a line of its own")
		return badExpr
	}
	t.sharedLines[key] = e.Pos()
	s := f.sites[e.Pos()]
	if s == nil {
		s = &ir.Shared{Name: "sh" + itoa(t.nshared), Type: arr, Pos: t.pos(e.Pos())}
		t.nshared++
		f.sites[e.Pos()] = s
	}
	f.addShared(s)
	return &ir.SharedRef{Shared: s, T: &ir.Pointer{Elem: arr, Space: ir.SpaceShared}}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

func (f *fnState) atomic(e *ast.CallExpr, op ir.Builtin) ir.Expr {
	t := f.t
	typ := f.typeOf(e)
	if typ == nil || len(e.Args) < 2 {
		return badExpr
	}
	u, ok := ast.Unparen(e.Args[0]).(*ast.UnaryExpr)
	if !ok || u.Op.String() != "&" {
		t.errorf(e.Args[0].Pos(), "unsupported: the first argument of dc.%s must be &s[i] of a slice or shared array element", op)
		return badExpr
	}
	switch ast.Unparen(u.X).(type) {
	case *ast.IndexExpr, *ast.SelectorExpr:
	default:
		t.errorf(e.Args[0].Pos(), "unsupported: the first argument of dc.%s must be &s[i] of a slice or shared array element", op)
		return badExpr
	}
	loc := f.expr(u.X)
	if loc == badExpr {
		return badExpr
	}
	if !ir.InMemory(loc) {
		t.errorf(e.Args[0].Pos(), "unsupported: dc.%s needs an element of a slice or shared array, not of a local variable", op)
		return badExpr
	}
	f.recordWrite(loc)
	call := &ir.BuiltinCall{Op: op, Args: []ir.Expr{loc}, T: typ}
	for _, a := range e.Args[1:] {
		call.Args = append(call.Args, f.expr(a))
	}
	if !f.orderedArgs(e.Pos(), "dc."+op.String(), call.Args) {
		return badExpr
	}
	return call
}

func (f *fnState) mathBuiltin(e *ast.CallExpr, op ir.Builtin) ir.Expr {
	typ := f.typeOf(e)
	if typ == nil {
		return badExpr
	}
	call := &ir.BuiltinCall{Op: op, T: typ}
	for _, a := range e.Args {
		x := f.expr(a)
		if x == badExpr {
			return badExpr
		}
		call.Args = append(call.Args, x)
	}
	return call
}

// mathCall lowers calls of package math.
func (f *fnState) mathCall(e *ast.CallExpr, name string) ir.Expr {
	t := f.t
	switch name {
	case "Inf":
		// math.Inf(sign) with a constant sign is a constant bit pattern.
		if tv := t.in.Info.Types[e.Args[0]]; tv.Value != nil {
			bits := uint64(0x7FF0000000000000)
			if constant.Sign(tv.Value) < 0 {
				bits = 0xFFF0000000000000
			}
			return &ir.BuiltinCall{Op: ir.Float64From, Args: []ir.Expr{&ir.Const{T: &ir.Basic{Kind: ir.Uint64}, Value: constant.MakeUint64(bits)}}, T: ir.Float64Type}
		}
		t.errorf(e.Pos(), "unsupported: math.Inf needs a constant sign in kernels")
		return badExpr
	case "NaN":
		return &ir.BuiltinCall{Op: ir.Float64From, Args: []ir.Expr{&ir.Const{T: &ir.Basic{Kind: ir.Uint64}, Value: constant.MakeUint64(math.Float64bits(math.NaN()))}}, T: ir.Float64Type}
	}
	op, ok := mathFuncs[name]
	if !ok || op == ir.Rsqrt {
		t.errorf(e.Pos(), "unsupported: math.%s cannot be used in kernels", name)
		return badExpr
	}
	return f.mathBuiltin(e, op)
}

// deviceCall lowers a call of a same-package function (or value method, with
// the receiver as args[0]).
func (f *fnState) deviceCall(e *ast.CallExpr, obj *types.Func, targs []types.Type, args []ast.Expr) ir.Expr {
	t := f.t
	callee := f.device(e, obj, targs)
	if callee == nil {
		return badExpr
	}
	if callee.kernel {
		return badExpr
	}
	sig := obj.Type().(*types.Signature)
	call := &ir.Call{Func: callee.fn}
	// Arguments: the receiver (if any) and parameters, skipping the thread.
	pi := 0
	if sig.Recv() == nil && sig.Params().Len() > 0 && isThread(sig.Params().At(0).Type()) {
		if len(args) == 0 || !f.threadArg(args[0]) {
			return badExpr
		}
		args = args[1:]
	}
	if sig.Recv() != nil && sig.Params().Len() > 0 && isThread(sig.Params().At(0).Type()) {
		t.errorf(e.Pos(), "unsupported: methods cannot take a dc.Thread; use a function")
		return badExpr
	}
	if len(args) == 1 && len(callee.params) > 1 {
		if tv := t.in.Info.Types[args[0]]; tv.Type != nil {
			if _, ok := tv.Type.(*types.Tuple); ok {
				t.errorf(e.Pos(), "unsupported: passing several results directly as arguments (f(g())); assign them first")
				return badExpr
			}
		}
	}
	for _, a := range args {
		x := f.expr(a)
		if x == badExpr {
			return badExpr
		}
		call.Args = append(call.Args, x)
		if pi < len(callee.params) && callee.params[pi].Written {
			f.recordWrite(x)
		}
		pi++
	}
	if !f.orderedArgs(e.Pos(), obj.Name(), call.Args) {
		return badExpr
	}
	if callee.barrier {
		f.barrier = true
	}
	for _, s := range callee.shared {
		f.addShared(s)
	}
	found := false
	for _, c := range f.callees {
		if c == callee {
			found = true
		}
	}
	if !found {
		f.callees = append(f.callees, callee)
	}
	return call
}
