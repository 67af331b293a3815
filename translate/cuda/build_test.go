package cuda

import (
	"go/constant"
	"go/token"

	"github.com/dotcompute/dc/translate/ir"
)

// Builders that cut the boilerplate of hand-made IR. Positions are in
// "k.go"; the line is given per statement.

var (
	tBool = ir.BoolType
	tInt  = ir.IntType
	tI8   = &ir.Basic{Kind: ir.Int8}
	tI16  = &ir.Basic{Kind: ir.Int16}
	tI32  = ir.Int32Type
	tI64  = &ir.Basic{Kind: ir.Int64}
	tU8   = &ir.Basic{Kind: ir.Uint8}
	tU16  = &ir.Basic{Kind: ir.Uint16}
	tU32  = ir.Uint32Type
	tU64  = &ir.Basic{Kind: ir.Uint64}
	tUint = &ir.Basic{Kind: ir.Uint}
	tF32  = ir.Float32Type
	tF64  = ir.Float64Type
)

func at(line int) ir.Pos { return ir.Pos{File: "k.go", Line: line, Col: 2} }

func sliceOf(t ir.Type) *ir.Slice { return &ir.Slice{Elem: t} }

func arrayOf(n int64, t ir.Type) *ir.Array { return &ir.Array{Elem: t, Len: n} }

func local(name string, t ir.Type) *ir.Var { return &ir.Var{Name: name, Type: t, Kind: ir.Local} }

// param is a read-only parameter; out a written one.
func param(name string, t ir.Type) *ir.Var { return &ir.Var{Name: name, Type: t, Kind: ir.Param} }
func out(name string, t ir.Type) *ir.Var {
	return &ir.Var{Name: name, Type: t, Kind: ir.Param, Written: true}
}

func ref(v *ir.Var) *ir.VarRef { return &ir.VarRef{Var: v} }

// cnst makes a constant of basic type t from an int, uint64, float64 or bool.
func cnst(t *ir.Basic, v any) *ir.Const {
	var cv constant.Value
	switch v := v.(type) {
	case int:
		cv = constant.MakeInt64(int64(v))
	case int64:
		cv = constant.MakeInt64(v)
	case uint64:
		cv = constant.MakeUint64(v)
	case float64:
		cv = constant.MakeFloat64(v)
	case bool:
		cv = constant.MakeBool(v)
	default:
		panic("cnst: bad value")
	}
	return &ir.Const{T: t, Value: cv}
}

func isCompare(op token.Token) bool {
	switch op {
	case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
		return true
	}
	return false
}

// bin is x op y, typed as Go types it.
func bin(op token.Token, x, y ir.Expr) *ir.Binary {
	t := x.Type()
	if isCompare(op) {
		t = tBool
	}
	return &ir.Binary{Op: op, X: x, Y: y, T: t}
}

func un(op token.Token, x ir.Expr) *ir.Unary { return &ir.Unary{Op: op, X: x, T: x.Type()} }

func conv(x ir.Expr, t ir.Type) *ir.Convert { return &ir.Convert{X: x, T: t} }

// idx is x[i] for a slice, array or pointer to array x.
func idx(x ir.Expr, i ir.Expr) *ir.Index {
	var t ir.Type
	switch xt := x.Type().(type) {
	case *ir.Slice:
		t = xt.Elem
	case *ir.Array:
		t = xt.Elem
	case *ir.Pointer:
		t = xt.Elem.(*ir.Array).Elem
	}
	return &ir.Index{X: x, Index: i, T: t}
}

func field(x ir.Expr, i int) *ir.FieldRef {
	s := x.Type().(*ir.Struct)
	return &ir.FieldRef{X: x, Field: i, T: s.Fields[i].Type}
}

func length(x ir.Expr) *ir.Len { return &ir.Len{X: x} }

func builtin(op ir.Builtin, t ir.Type, args ...ir.Expr) *ir.BuiltinCall {
	return &ir.BuiltinCall{Op: op, Args: args, T: t}
}

func th(op ir.Builtin) *ir.BuiltinCall { return builtin(op, tInt) }

func callOf(f *ir.Func, args ...ir.Expr) *ir.Call { return &ir.Call{Func: f, Args: args} }

func shared(name string, t *ir.Array, line int) *ir.Shared {
	return &ir.Shared{Name: name, Type: t, Pos: at(line)}
}

func sharedRef(s *ir.Shared) *ir.SharedRef {
	return &ir.SharedRef{Shared: s, T: &ir.Pointer{Elem: s.Type, Space: ir.SpaceShared}}
}

func ptrTo(t *ir.Array) *ir.Pointer { return &ir.Pointer{Elem: t, Space: ir.SpaceShared} }

func block(stmts ...ir.Stmt) *ir.Block { return &ir.Block{Stmts: stmts} }

func decl(line int, v *ir.Var, init ir.Expr) *ir.DeclStmt {
	v.Pos = at(line)
	return &ir.DeclStmt{Pos: at(line), Var: v, Init: init}
}

func assign(line int, target, value ir.Expr) *ir.AssignStmt {
	return &ir.AssignStmt{Pos: at(line), Target: target, Value: value}
}

func exprStmt(line int, x ir.Expr) *ir.ExprStmt { return &ir.ExprStmt{Pos: at(line), X: x} }

func ifStmt(line int, cond ir.Expr, then *ir.Block, els *ir.Block) *ir.IfStmt {
	return &ir.IfStmt{Pos: at(line), Cond: cond, Then: then, Else: els}
}

// countLoop is "for v := 0; v < n; v++" with an int counter v.
func countLoop(line int, v *ir.Var, n ir.Expr, body ...ir.Stmt) *ir.ForStmt {
	return &ir.ForStmt{
		Pos:  at(line),
		Init: decl(line, v, cnst(tInt, 0)),
		Cond: bin(token.LSS, ref(v), n),
		Post: assign(line, ref(v), bin(token.ADD, ref(v), cnst(tInt, 1))),
		Body: block(body...),
	}
}

func brk(line int, target ir.Stmt) *ir.BranchStmt {
	return &ir.BranchStmt{Pos: at(line), Kind: ir.Break, Target: target}
}

func cont(line int, target ir.Stmt) *ir.BranchStmt {
	return &ir.BranchStmt{Pos: at(line), Kind: ir.Continue, Target: target}
}

func ret(line int, results ...ir.Expr) *ir.ReturnStmt {
	return &ir.ReturnStmt{Pos: at(line), Results: results}
}

func kernel(name string, line int, params []*ir.Var, body ...ir.Stmt) *ir.Kernel {
	return &ir.Kernel{
		Name: name, GoName: name, Pos: at(line),
		Thread: &ir.Var{Name: "t", Kind: ir.Param},
		Params: params, Body: block(body...),
	}
}

func function(name string, line int, params []*ir.Var, results []ir.Type, body ...ir.Stmt) *ir.Func {
	return &ir.Func{
		Name: name, GoName: name, Pos: at(line),
		Params: params, Results: results, Body: block(body...),
	}
}

func program(kernels ...*ir.Kernel) *ir.Program {
	return &ir.Program{Package: "k", Kernels: kernels, Files: []string{"k.go"}}
}
