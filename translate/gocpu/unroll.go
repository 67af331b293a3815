package gocpu

import (
	"go/constant"
	"go/token"

	"github.com/dave/jennifer/jen"

	"github.com/dotcompute/dc/translate/ir"
)

// Full unrolling of short counted loops. A loop
//
//	for j := c0; j < c1; j++ { body }  // or j <= c1
//
// with constant bounds, at most unrollTrips iterations, an innermost body
// of at most unrollBodyNodes IR nodes that never assigns j, and no
// branch or return, prints as one block per iteration, { j := c; body },
// in order, as CUDA compilers unroll such loops: the index is a constant
// in each copy, so the Go compiler folds the index arithmetic and drops
// the bounds checks it proves (a tile row times a tile column, 16
// products), and the loop's control is gone.
const (
	unrollTrips     = 16
	unrollBodyNodes = 16
)

// unrolledFor returns the blocks loop s unrolls to, or nil if it does not
// unroll.
func (p *printer) unrolledFor(s *ir.ForStmt) []jen.Code {
	if _, ok := p.in.labels[s]; ok {
		return nil
	}
	d, ok := s.Init.(*ir.DeclStmt)
	if !ok || !ir.IsInteger(d.Var.Type) {
		return nil
	}
	c0, ok := intConst(d.Init)
	if !ok {
		return nil
	}
	c, ok := s.Cond.(*ir.Binary)
	if !ok || c.Op != token.LSS && c.Op != token.LEQ || !ir.IsRef(c.X, d.Var) {
		return nil
	}
	c1, ok := intConst(c.Y)
	if !ok {
		return nil
	}
	if c.Op == token.LEQ {
		c1++
	}
	a, ok := s.Post.(*ir.AssignStmt)
	if !ok || !ir.IsRef(a.Target, d.Var) {
		return nil
	}
	step, ok := a.Value.(*ir.Binary)
	if !ok || step.Op != token.ADD || step.Check != nil || !ir.IsRef(step.X, d.Var) {
		return nil
	}
	if one, ok := intConst(step.Y); !ok || one != 1 {
		return nil
	}
	if c1-c0 < 1 || c1-c0 > unrollTrips {
		return nil
	}
	n, simple := 0, true
	ir.Inspect(s.Body, func(node ir.Node) bool {
		n++
		switch node.(type) {
		case *ir.ForStmt, *ir.SwitchStmt, *ir.BranchStmt, *ir.ReturnStmt, *ir.ThreadLoop:
			simple = false
		}
		if st, ok := node.(ir.Stmt); ok {
			ir.Assigns(st, func(v *ir.Var) { simple = simple && v != d.Var })
		}
		return simple
	})
	if !simple || n > unrollBodyNodes {
		return nil
	}
	name := p.name(d.Var)
	var out []jen.Code
	for k := c0; k < c1; k++ {
		copy := []jen.Code{jen.Id(name).Op(":=").Add(typeCode(d.Var.Type)).Parens(jen.Lit(int(k)))}
		if !p.in.read[d.Var] {
			copy = append(copy, jen.Id("_").Op("=").Id(name))
		}
		copy = append(copy, p.block(s.Body)...)
		out = append(out, jen.Block(copy...))
	}
	return out
}

// intConst returns the value of e if it is an integer constant that fits
// an int64.
func intConst(e ir.Expr) (int64, bool) {
	k, ok := e.(*ir.Const)
	if !ok || k.Value.Kind() != constant.Int {
		return 0, false
	}
	return constant.Int64Val(k.Value)
}
