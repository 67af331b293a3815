package ir

import (
	"go/constant"
	"reflect"
	"testing"
)

// mentions reports whether the tree rooted at n reads variable v.
func mentions(n Node, v *Var) bool {
	found := false
	Inspect(n, func(n Node) bool {
		if r, ok := n.(*VarRef); ok && r.Var == v {
			found = true
		}
		return !found
	})
	return found
}

// TestRewriteExprCoversEveryExpr rewrites, in an expression of every type
// with an operand, a variable to another, and checks that the result has
// the new one, the original the old one, and that an expression without
// the variable comes back as it is.
func TestRewriteExprCoversEveryExpr(t *testing.T) {
	a, b := &Var{Name: "a", Type: IntType}, &Var{Name: "b", Type: IntType}
	s := &Var{Name: "s", Type: &Slice{Elem: IntType}}
	pt := &Struct{Name: "P", Fields: []*Field{{Name: "x", Type: IntType}}}
	at := &Array{Elem: IntType, Len: 1}
	ra := func() Expr { return &VarRef{Var: a} }
	examples := map[string]Expr{
		"Unary":       &Unary{X: ra(), T: IntType},
		"Binary":      &Binary{X: &Const{T: IntType, Value: constant.MakeInt64(1)}, Y: ra(), T: IntType},
		"Convert":     &Convert{X: ra(), T: Int32Type},
		"Index":       &Index{X: &VarRef{Var: s}, Index: ra(), T: IntType},
		"FieldRef":    &FieldRef{X: &StructLit{T: pt, Fields: []Expr{ra()}}, T: IntType},
		"Len":         &Len{X: &SliceExpr{X: &VarRef{Var: s}, Lo: ra(), T: &Slice{Elem: IntType}}},
		"StructLit":   &StructLit{T: pt, Fields: []Expr{ra()}},
		"ArrayLit":    &ArrayLit{T: at, Elems: []Expr{ra()}},
		"SliceExpr":   &SliceExpr{X: &VarRef{Var: s}, Hi: ra(), T: &Slice{Elem: IntType}},
		"Call":        &Call{Func: &Func{Name: "f", Results: []Type{IntType}}, Args: []Expr{&VarRef{Var: b}, ra()}},
		"BuiltinCall": &BuiltinCall{Op: Max, Args: []Expr{ra(), &VarRef{Var: b}}, T: IntType},
	}
	leaves := map[string]bool{"Const": true, "VarRef": true, "SharedRef": true}
	for name, n := range nodeTypes {
		if _, isExpr := n.(Expr); !isExpr || leaves[name] {
			continue
		}
		e, ok := examples[name]
		if !ok {
			t.Errorf("no example of %s: add one, and handle it in RewriteExpr", name)
			continue
		}
		c := &Var{Name: "c", Type: IntType}
		got := RewriteExpr(e, func(x Expr) (Expr, bool) {
			if r, ok := x.(*VarRef); ok && r.Var == a {
				return &VarRef{Var: c}, true
			}
			return nil, false
		})
		if mentions(got, a) || !mentions(got, c) {
			t.Errorf("%s: rewriting a to c gave an expression that still reads a or not c", name)
		}
		if !mentions(e, a) || mentions(e, c) {
			t.Errorf("%s: RewriteExpr changed its argument", name)
		}
		if reflect.TypeOf(got) != reflect.TypeOf(e) {
			t.Errorf("%s: rewritten to a %T", name, got)
		}
		same := RewriteExpr(e, func(Expr) (Expr, bool) { return nil, false })
		if same != e {
			t.Errorf("%s: an expression without replacements came back as a copy", name)
		}
	}
}
