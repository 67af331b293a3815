package ir

import (
	"go/constant"
	"reflect"
	"testing"
)

// TestCloneCoversEveryNode clones one value of every statement and
// expression type, with its children filled in, and checks that the copy
// has the same type and shares no node with the original except
// constants and shared-array references, which are immutable.
func TestCloneCoversEveryNode(t *testing.T) {
	for name, proto := range nodeTypes {
		n := reflect.New(reflect.TypeOf(proto).Elem()).Interface().(Node)
		fillChildren(t, name, n)
		if d, ok := n.(*DeclStmt); ok {
			d.Var = &Var{Name: "x", Type: IntType}
		}
		if c, ok := n.(*Call); ok {
			c.Func = &Func{}
		}
		var out Node
		c := NewCloner()
		switch n := n.(type) {
		case *Case:
			continue // cloned as part of its switch
		case Stmt:
			out = c.Stmt(n)
		case Expr:
			out = c.Expr(n)
		}
		if reflect.TypeOf(out) != reflect.TypeOf(n) {
			t.Errorf("%s: clone has type %T", name, out)
			continue
		}
		orig := map[Node]bool{}
		Inspect(n, func(x Node) bool {
			switch x.(type) {
			case *Const, *SharedRef:
			default:
				orig[x] = true
			}
			return true
		})
		Inspect(out, func(x Node) bool {
			if orig[x] {
				t.Errorf("%s: the clone shares the node %T", name, x)
			}
			return true
		})
	}
}

// TestCloneVarsAndBranches checks that a clone declares fresh variables,
// maps references to them and to the variables in Vars, and retargets
// branches to the copied loop.
func TestCloneVarsAndBranches(t *testing.T) {
	p := &Var{Name: "p", Type: IntType, Kind: Param}
	local := &Var{Name: "p2", Type: IntType}
	x := &Var{Name: "x", Type: IntType}
	loop := &ForStmt{Body: &Block{}}
	brk := &BranchStmt{Kind: Break, Target: loop, Innermost: true}
	loop.Body.Stmts = []Stmt{
		&DeclStmt{Var: x, Init: &VarRef{Var: p}},
		&AssignStmt{Target: &VarRef{Var: x}, Value: &Const{T: IntType, Value: constant.MakeInt64(1)}},
		brk,
	}
	c := NewCloner()
	c.Vars[p] = local
	out := c.Stmt(loop).(*ForStmt)
	d := out.Body.Stmts[0].(*DeclStmt)
	if d.Var == x || d.Var.Name != "x" {
		t.Errorf("declared variable %p %q, want a fresh x", d.Var, d.Var.Name)
	}
	if got := d.Init.(*VarRef).Var; got != local {
		t.Errorf("parameter reference maps to %v, want the mapped local", got.Name)
	}
	if got := out.Body.Stmts[1].(*AssignStmt).Target.(*VarRef).Var; got != d.Var {
		t.Errorf("assignment target is not the fresh variable")
	}
	if got := out.Body.Stmts[2].(*BranchStmt).Target; got != out {
		t.Errorf("break targets %p, want the copied loop %p", got, out)
	}
	if brk.Target != loop || loop.Body.Stmts[0].(*DeclStmt).Var != x {
		t.Errorf("the original changed")
	}
}
