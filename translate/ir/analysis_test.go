package ir

import (
	"fmt"
	"go/token"
	"testing"
)

func TestRoots(t *testing.T) {
	i := &Var{Name: "i", Type: IntType}
	arr := &Var{Name: "a", Type: &Array{Elem: Float32Type, Len: 4}}
	sl := &Var{Name: "s", Type: &Slice{Elem: Float32Type}}
	st := &Struct{Name: "P", Fields: []*Field{{Name: "V", Type: arr.Type}}}
	pv := &Var{Name: "p", Type: st}
	sh := &Shared{Name: "sh0", Type: &Array{Elem: Float32Type, Len: 8}}
	ref := func(v *Var) Expr { return &VarRef{Var: v} }
	idx := func(x Expr, elem Type) Expr { return &Index{X: x, Index: ref(i), T: elem} }
	call := &Call{Func: &Func{Name: "f", Results: []Type{sl.Type}}}

	for _, c := range []struct {
		name     string
		e        Expr
		root     *Var
		assigned *Var
		inMemory bool
	}{
		{"variable", ref(i), i, i, false},
		{"array element", idx(ref(arr), Float32Type), arr, arr, false},
		{"field's array element", idx(&FieldRef{X: ref(pv), Field: 0, T: arr.Type}, Float32Type), pv, pv, false},
		{"slice element", idx(ref(sl), Float32Type), sl, nil, true},
		{"subslice", &SliceExpr{X: ref(sl), Lo: ref(i), T: sl.Type.(*Slice)}, sl, nil, false},
		{"shared element", idx(&SharedRef{Shared: sh, T: &Pointer{Elem: sh.Type, Space: SpaceShared}}, Float32Type), nil, nil, true},
		{"element of a call's result", idx(call, Float32Type), nil, nil, true},
		{"constant", &Const{T: IntType}, nil, nil, false},
	} {
		if got := RootVar(c.e); got != c.root {
			t.Errorf("%s: RootVar = %v, want %v", c.name, got, c.root)
		}
		if got := AssignedVar(c.e); got != c.assigned {
			t.Errorf("%s: AssignedVar = %v, want %v", c.name, got, c.assigned)
		}
		if got := InMemory(c.e); got != c.inMemory {
			t.Errorf("%s: InMemory = %v, want %v", c.name, got, c.inMemory)
		}
	}
}

func TestCallsAndEffects(t *testing.T) {
	x := &Var{Name: "x", Type: Float32Type}
	s := &Var{Name: "s", Type: &Slice{Elem: Float32Type}, Kind: Param}
	pure := &Func{Name: "sq", Params: []*Var{x}, Results: []Type{Float32Type}}
	writes := &Func{Name: "put", Params: []*Var{{Name: "s", Type: s.Type, Kind: Param, Written: true}}, Results: []Type{Float32Type}}
	barrier := &Func{Name: "sync", Barrier: true, Results: []Type{Float32Type}}
	shared := &Func{Name: "tile", Shared: []*Shared{{Name: "sh0"}}, Results: []Type{Float32Type}}
	add := func(a, b Expr) Expr { return &Binary{Op: token.ADD, X: a, Y: b, T: Float32Type} }
	xr := &VarRef{Var: x}
	atomic := &BuiltinCall{Op: AtomicAdd, Args: []Expr{&Index{X: &VarRef{Var: s}, Index: &Const{T: IntType}, T: Float32Type}, xr}, T: Float32Type}

	for _, c := range []struct {
		name          string
		e             Expr
		call, effects bool
	}{
		{"arithmetic", add(xr, xr), false, false},
		{"math builtin", &BuiltinCall{Op: Sqrt, Args: []Expr{xr}, T: Float32Type}, false, false},
		{"pure call, nested", &Convert{X: add(xr, &Call{Func: pure, Args: []Expr{xr}}), T: Float64Type}, true, false},
		{"call writing a slice", add(xr, &Call{Func: writes, Args: []Expr{&VarRef{Var: s}}}), true, true},
		{"call at a barrier", &Unary{Op: token.SUB, X: &Call{Func: barrier}, T: Float32Type}, true, true},
		{"call using shared memory", &Call{Func: shared}, true, true},
		{"atomic in an index", &Index{X: &VarRef{Var: s}, Index: &Convert{X: atomic, T: IntType}, T: Float32Type}, true, true},
		{"barrier", &BuiltinCall{Op: Barrier}, true, true},
	} {
		if got := HasCall(c.e); got != c.call {
			t.Errorf("%s: HasCall = %v, want %v", c.name, got, c.call)
		}
		if got := HasEffects(c.e); got != c.effects {
			t.Errorf("%s: HasEffects = %v, want %v", c.name, got, c.effects)
		}
	}
}

func TestTerminates(t *testing.T) {
	ret := func() Stmt { return &ReturnStmt{} }
	cond := &Const{T: BoolType}
	loop := &ForStmt{Body: &Block{}}
	broken := &ForStmt{Body: &Block{}}
	broken.Body.Stmts = []Stmt{&IfStmt{Cond: cond, Then: &Block{Stmts: []Stmt{&BranchStmt{Kind: Break, Target: broken}}}}}
	inner := &ForStmt{Body: &Block{}}
	outer := &ForStmt{Body: &Block{Stmts: []Stmt{inner}}}
	inner.Body.Stmts = []Stmt{&BranchStmt{Kind: Break, Target: inner}}
	sw := func(def bool, bodies ...Stmt) *SwitchStmt {
		s := &SwitchStmt{Tag: &Const{T: IntType}}
		for i, b := range bodies {
			c := &Case{Body: &Block{Stmts: []Stmt{b}}}
			if !def || i > 0 {
				c.Values = []Expr{&Const{T: IntType}}
			}
			s.Cases = append(s.Cases, c)
		}
		return s
	}
	swBreak := sw(true, ret())
	swBreak.Cases[0].Body.Stmts = []Stmt{&BranchStmt{Kind: Break, Target: swBreak}}

	for _, c := range []struct {
		name string
		s    Stmt
		want bool
	}{
		{"return", ret(), true},
		{"block ending in return", &Block{Stmts: []Stmt{&ExprStmt{X: cond}, ret()}}, true},
		{"empty block", &Block{}, false},
		{"if without else", &IfStmt{Cond: cond, Then: &Block{Stmts: []Stmt{ret()}}}, false},
		{"if/else both return", &IfStmt{Cond: cond, Then: &Block{Stmts: []Stmt{ret()}}, Else: &Block{Stmts: []Stmt{ret()}}}, true},
		{"if/else one returns", &IfStmt{Cond: cond, Then: &Block{Stmts: []Stmt{ret()}}, Else: &Block{}}, false},
		{"infinite loop", loop, true},
		{"loop with a condition", &ForStmt{Cond: cond, Body: &Block{}}, false},
		{"infinite loop left by break", broken, false},
		{"break leaves only the inner loop", outer, true},
		{"switch with default, all return", sw(true, ret(), ret()), true},
		{"switch without default", sw(false, ret(), ret()), false},
		{"switch left by break", swBreak, false},
		{"branch", &BranchStmt{Kind: Continue}, false},
	} {
		if got := Terminates(c.s); got != c.want {
			t.Errorf("%s: Terminates = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestAssigns checks Assigns names the variables an assignment and a
// multi-result call change, skipping memory, discarded results and
// nested statements.
func TestAssigns(t *testing.T) {
	x := &Var{Name: "x", Type: IntType}
	arr := &Var{Name: "a", Type: &Array{Elem: IntType, Len: 2}}
	sl := &Var{Name: "s", Type: &Slice{Elem: IntType}}
	zero := &Const{T: IntType}
	f := &Func{Name: "f", Results: []Type{IntType, IntType}}
	got := func(s Stmt) []string {
		var names []string
		Assigns(s, func(v *Var) { names = append(names, v.Name) })
		return names
	}
	for _, c := range []struct {
		s    Stmt
		want string
	}{
		{&AssignStmt{Target: &VarRef{Var: x}, Value: zero}, "[x]"},
		{&AssignStmt{Target: &Index{X: &VarRef{Var: arr}, Index: zero, T: IntType}, Value: zero}, "[a]"},
		{&AssignStmt{Target: &Index{X: &VarRef{Var: sl}, Index: zero, T: IntType}, Value: zero}, "[]"},
		{&CallStmt{Targets: []Expr{nil, &VarRef{Var: x}}, Call: &Call{Func: f}}, "[x]"},
		{&Block{Stmts: []Stmt{&AssignStmt{Target: &VarRef{Var: x}, Value: zero}}}, "[]"},
	} {
		if g := fmt.Sprint(got(c.s)); g != c.want {
			t.Errorf("Assigns(%T) = %s, want %s", c.s, g, c.want)
		}
	}
}
