package uniform

import (
	"go/token"
	"strings"

	"github.com/dotcompute/dc/translate/ir"
)

// format prints e back in Go syntax, for messages: thread is the name of
// the dc.Thread variable thread builtins are called on.
func format(e ir.Expr, thread string) string {
	var b strings.Builder
	p := goPrinter{b: &b, thread: thread}
	p.expr(e, 0)
	return b.String()
}

// negate returns the condition !c, with the operator of a comparison of
// integers inverted and a double negation removed.
func negate(c ir.Expr) ir.Expr {
	switch c := c.(type) {
	case *ir.Unary:
		if c.Op == token.NOT {
			return c.X
		}
	case *ir.Binary:
		inv := map[token.Token]token.Token{
			token.EQL: token.NEQ, token.NEQ: token.EQL,
			token.LSS: token.GEQ, token.GEQ: token.LSS,
			token.GTR: token.LEQ, token.LEQ: token.GTR,
		}
		b := ir.BasicOf(c.X.Type())
		if op, ok := inv[c.Op]; ok && (c.Op == token.EQL || c.Op == token.NEQ || (b != nil && !b.Kind.IsFloat())) {
			return &ir.Binary{Op: op, X: c.X, Y: c.Y, T: c.T}
		}
	}
	return &ir.Unary{Op: token.NOT, X: c, T: ir.BoolType}
}

// dcMath is the math functions of package dc; the others are package
// math's.
var dcMath = map[ir.Builtin]bool{
	ir.Sqrt: true, ir.Rsqrt: true, ir.Exp: true, ir.Exp2: true, ir.Log: true, ir.Log2: true,
	ir.Sin: true, ir.Cos: true, ir.Tan: true, ir.Tanh: true, ir.Atan2: true, ir.Pow: true,
	ir.Abs: true, ir.Floor: true, ir.Ceil: true, ir.Trunc: true, ir.FMA: true,
}

type goPrinter struct {
	b      *strings.Builder
	thread string
}

const precUnary = 6 // above every binary operator (token.Precedence: 1..5)

// expr prints e, in parentheses if its precedence is below prec.
func (p goPrinter) expr(e ir.Expr, prec int) {
	w := p.b.WriteString
	switch e := e.(type) {
	case nil:
		w("?")
	case *ir.Const:
		w(e.Value.String())
	case *ir.VarRef:
		w(e.Var.Name)
	case *ir.SharedRef:
		w("dc.Shared[" + e.Shared.Type.String() + "](" + p.thread + ")")
	case *ir.Unary:
		if prec > precUnary {
			w("(")
			defer w(")")
		}
		w(e.Op.String())
		if u, ok := e.X.(*ir.Unary); ok && u.Op == e.Op && e.Op != token.NOT {
			w(" ") // - -x, not --x
		}
		p.expr(e.X, precUnary)
	case *ir.Binary:
		op := e.Op.Precedence()
		if op < prec {
			w("(")
			defer w(")")
		}
		p.expr(e.X, op)
		w(" " + e.Op.String() + " ")
		p.expr(e.Y, op+1)
	case *ir.Convert:
		w(e.T.String() + "(")
		p.expr(e.X, 0)
		w(")")
	case *ir.Index:
		p.expr(e.X, precUnary+1)
		w("[")
		p.expr(e.Index, 0)
		w("]")
	case *ir.FieldRef:
		p.expr(e.X, precUnary+1)
		if s, ok := e.X.Type().(*ir.Struct); ok && e.Field < len(s.Fields) {
			w("." + s.Fields[e.Field].Name)
		} else {
			w(".?")
		}
	case *ir.Len:
		w("len(")
		p.expr(e.X, 0)
		w(")")
	case *ir.SliceExpr:
		p.expr(e.X, precUnary+1)
		w("[")
		if e.Lo != nil {
			p.expr(e.Lo, 0)
		}
		w(":")
		if e.Hi != nil {
			p.expr(e.Hi, 0)
		}
		w("]")
	case *ir.StructLit:
		w(e.T.String() + "{")
		p.list(e.Fields)
		w("}")
	case *ir.ArrayLit:
		w(e.T.String() + "{")
		p.list(e.Elems)
		w("}")
	case *ir.Call:
		w(e.Func.GoName + "(")
		if e.Func.Thread != nil {
			w(p.thread)
			if len(e.Args) > 0 {
				w(", ")
			}
		}
		p.list(e.Args)
		w(")")
	case *ir.BuiltinCall:
		switch {
		case e.Op.IsThread() || e.Op == ir.Barrier:
			w(p.thread + "." + e.Op.String() + "()")
			return
		case e.Op == ir.Min || e.Op == ir.Max:
			w(e.Op.String())
		case e.Op.IsAtomic():
			w("dc." + e.Op.String() + "(&")
			if len(e.Args) > 0 {
				p.expr(e.Args[0], precUnary)
				if len(e.Args) > 1 {
					w(", ")
				}
				p.list(e.Args[1:])
			}
			w(")")
			return
		case dcMath[e.Op]:
			w("dc." + e.Op.String())
		default:
			w("math." + e.Op.String())
		}
		w("(")
		p.list(e.Args)
		w(")")
	default:
		w("?")
	}
}

func (p goPrinter) list(xs []ir.Expr) {
	for i, x := range xs {
		if i > 0 {
			p.b.WriteString(", ")
		}
		p.expr(x, 0)
	}
}
