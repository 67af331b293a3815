package ir

import (
	"go/token"
	"testing"
)

func TestKernelUsesFloat64(t *testing.T) {
	f32s := &Var{Name: "xs", Type: &Slice{Elem: Float32Type}, Kind: Param}
	plain := func(stmts ...Stmt) *Kernel {
		return &Kernel{Name: "K", Params: []*Var{f32s}, Body: &Block{Stmts: stmts}}
	}
	elem := &Index{X: &VarRef{Var: f32s}, Index: &Const{T: IntType}, T: Float32Type}
	d := &Var{Name: "d", Type: Float64Type}
	widen := &ExprStmt{X: &Convert{X: &Convert{X: elem, T: Float64Type}, T: Float32Type}}
	inner := &Func{Name: "g", Body: &Block{Stmts: []Stmt{&DeclStmt{Var: d}}}}
	outer := &Func{Name: "f", Body: &Block{Stmts: []Stmt{&ExprStmt{X: &Call{Func: inner}}}}}
	pt := &Struct{Name: "P", Fields: []*Field{{Name: "X", Type: Float32Type}, {Name: "Y", Type: Float64Type}}}

	for _, c := range []struct {
		name string
		k    *Kernel
		want bool
	}{
		{"float32 only", plain(&AssignStmt{Target: elem, Value: &Binary{Op: token.MUL, X: elem, Y: elem, T: Float32Type}}), false},
		{"float64 parameter", &Kernel{Params: []*Var{{Name: "a", Type: Float64Type, Kind: Param}}, Body: &Block{}}, true},
		{"struct parameter with a float64 field", &Kernel{Params: []*Var{{Name: "p", Type: pt, Kind: Param}}, Body: &Block{}}, true},
		{"float64 local", plain(&DeclStmt{Var: d}), true},
		{"float64 intermediate", plain(widen), true},
		{"callee's callee declares a float64", plain(&ExprStmt{X: &Call{Func: outer}}), true},
		{"float64 shared array", &Kernel{Shared: []*Shared{{Name: "sh0", Type: &Array{Elem: Float64Type, Len: 4}}}, Body: &Block{}}, true},
	} {
		if got := KernelUsesFloat64(c.k); got != c.want {
			t.Errorf("%s: KernelUsesFloat64 = %v, want %v", c.name, got, c.want)
		}
	}
}
