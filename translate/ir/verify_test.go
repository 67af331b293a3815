package ir

import (
	"go/constant"
	"go/token"
	"strings"
	"testing"
)

// verifyFixture returns a valid program: a kernel that stores
// sq(xs[i]) / n into xs[i] in a loop, with a device function sq, a bounds
// check and a divisor check.
func verifyFixture() *Program {
	x := &Var{Name: "x", Type: Float32Type, Kind: Param}
	sq := &Func{Name: "sq", Params: []*Var{x}, Results: []Type{Float32Type}, Body: &Block{Stmts: []Stmt{
		&ReturnStmt{Results: []Expr{&Binary{Op: token.MUL, X: &VarRef{Var: x}, Y: &VarRef{Var: x}, T: Float32Type}}},
	}}}
	xs := &Var{Name: "xs", Type: &Slice{Elem: Float32Type}, Kind: Param, Written: true}
	n := &Var{Name: "n", Type: IntType, Kind: Param}
	i := &Var{Name: "i", Type: IntType}
	idx := &Check{ID: 0, Kind: CheckIndex}
	div := &Check{ID: 1, Kind: CheckDivide}
	elem := func() *Index { return &Index{X: &VarRef{Var: xs}, Index: &VarRef{Var: i}, T: Float32Type, Check: idx} }
	loop := &ForStmt{
		Init: &DeclStmt{Var: i, Init: &Const{T: IntType, Value: constant.MakeInt64(0)}},
		Cond: &Binary{Op: token.LSS, X: &VarRef{Var: i}, Y: &Len{X: &VarRef{Var: xs}}, T: BoolType},
		Post: &AssignStmt{Target: &VarRef{Var: i}, Value: &Binary{Op: token.ADD, X: &VarRef{Var: i}, Y: &Const{T: IntType, Value: constant.MakeInt64(1)}, T: IntType}},
	}
	loop.Body = &Block{Stmts: []Stmt{
		&IfStmt{
			Cond: &Binary{Op: token.EQL, X: &Binary{Op: token.QUO, X: &VarRef{Var: i}, Y: &VarRef{Var: n}, T: IntType, Check: div}, Y: &Const{T: IntType, Value: constant.MakeInt64(3)}, T: BoolType},
			Then: &Block{Stmts: []Stmt{&BranchStmt{Kind: Continue, Target: loop, Innermost: true}}},
		},
		&AssignStmt{Target: elem(), Value: &Call{Func: sq, Args: []Expr{elem()}}},
	}}
	k := &Kernel{Name: "K", Thread: &Var{Name: "t", Kind: Param}, Params: []*Var{xs, n}, Body: &Block{Stmts: []Stmt{loop}}}
	return &Program{Funcs: []*Func{sq}, Kernels: []*Kernel{k}, Checks: []*Check{idx, div}}
}

func TestVerifyAccepts(t *testing.T) {
	if err := Verify(verifyFixture()); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyRejects(t *testing.T) {
	loopOf := func(p *Program) *ForStmt { return p.Kernels[0].Body.Stmts[0].(*ForStmt) }
	assignOf := func(p *Program) *AssignStmt { return loopOf(p).Body.Stmts[1].(*AssignStmt) }
	for _, c := range []struct {
		name    string
		corrupt func(p *Program)
		want    string
	}{
		{"check ID", func(p *Program) { p.Checks[1].ID = 5 }, "Checks[1] has ID 5"},
		{"foreign check", func(p *Program) {
			assignOf(p).Target.(*Index).Check = &Check{ID: 0, Kind: CheckIndex}
		}, "not the program's check"},
		{"nil operand", func(p *Program) { loopOf(p).Cond.(*Binary).Y = nil }, "missing right operand"},
		{"undeclared variable", func(p *Program) {
			assignOf(p).Value = &VarRef{Var: &Var{Name: "ghost", Type: Float32Type}}
		}, "ghost used out of its scope"},
		{"variable out of scope", func(p *Program) {
			k := p.Kernels[0]
			k.Body.Stmts = append(k.Body.Stmts, &AssignStmt{Target: &VarRef{Var: loopOf(p).Init.(*DeclStmt).Var}, Value: &Const{T: IntType, Value: constant.MakeInt64(0)}})
		}, "i used out of its scope"},
		{"assignment type", func(p *Program) {
			assignOf(p).Value = &Const{T: Float64Type, Value: constant.MakeFloat64(1)}
		}, "assigned value has type float64, want float32"},
		{"binary operand type", func(p *Program) {
			loopOf(p).Post.(*AssignStmt).Value.(*Binary).Y = &Const{T: Int32Type, Value: constant.MakeInt64(1)}
		}, "operand of + has type int32, want int"},
		{"condition type", func(p *Program) { loopOf(p).Cond = &Const{T: IntType, Value: constant.MakeInt64(1)} }, "loop condition has type int, not bool"},
		{"argument count", func(p *Program) { assignOf(p).Value.(*Call).Args = nil }, "with 0 arguments for 1 parameters"},
		{"result count", func(p *Program) { p.Funcs[0].Body.Stmts[0].(*ReturnStmt).Results = nil }, "return of 0 results"},
		{"kernel result", func(p *Program) {
			k := p.Kernels[0]
			k.Body.Stmts = append(k.Body.Stmts, &ReturnStmt{Results: []Expr{&Const{T: IntType, Value: constant.MakeInt64(0)}}})
		}, "kernel returns 1 results"},
		{"branch outside its target", func(p *Program) {
			k := p.Kernels[0]
			k.Body.Stmts = append(k.Body.Stmts, &BranchStmt{Kind: Break, Target: loopOf(p)})
		}, "does not enclose it"},
		{"assignment to a call", func(p *Program) { assignOf(p).Target = assignOf(p).Value }, "assignment to a *ir.Call"},
		{"nil body", func(p *Program) { loopOf(p).Body = nil }, "for without a body"},
		{"stale Assigned", func(p *Program) { p.Kernels[0].Params[1].Assigned = true }, "n has Assigned = true"},
		{"missing Assigned", func(p *Program) {
			k := p.Kernels[0]
			k.Body.Stmts = append(k.Body.Stmts, &AssignStmt{Target: &VarRef{Var: k.Params[1]}, Value: &Const{T: IntType, Value: constant.MakeInt64(0)}})
		}, "n has Assigned = false"},
		{"declared twice", func(p *Program) {
			l := loopOf(p)
			l.Body.Stmts = append(l.Body.Stmts, &DeclStmt{Var: l.Init.(*DeclStmt).Var})
		}, "i declared twice"},
	} {
		p := verifyFixture()
		c.corrupt(p)
		err := Verify(p)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Verify = %v, want an error containing %q", c.name, err, c.want)
		}
	}
}
