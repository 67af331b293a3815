package gocpu

import (
	"go/token"

	"github.com/dave/jennifer/jen"

	"github.com/dotcompute/dc/translate/ir"
)

// Run-time checks (ir.Check) print as calls of the helpers of package cpu
// (cpu.Index, cpu.Div, cpu.Rem, cpu.Shl, cpu.Shr, cpu.Slice), which record the first fault
// of the launch in the fault record dc_f and make the failed operation
// harmless, as device code does. They take the global index of the thread
// (dc_x, dc_y, dc_z), from which the record's thread and group follow:
// loop variables in a loop-form kernel, locals in a per-thread kernel,
// parameters in a device function.

const faultName = "dc_f"

// faultArgs are the arguments a checked function passes to a checked
// callee: the record and the thread's global index.
func faultArgs() []jen.Code {
	return append([]jen.Code{jen.Id(faultName)}, where()...)
}

// faultParams are the matching parameters of a checked device function.
func faultParams() []jen.Code {
	return []jen.Code{
		jen.Id(faultName).Op("*").Qual(cpuPath, "Faults"),
		jen.List(jen.Id(globalVar[0]), jen.Id(globalVar[1]), jen.Id(globalVar[2])).Int(),
	}
}

// where returns the trailing arguments of a check helper.
func where() []jen.Code {
	return []jen.Code{jen.Id(globalVar[0]), jen.Id(globalVar[1]), jen.Id(globalVar[2])}
}

// checkedIndex prints the checked element e.X[e.Index] as
// (*cpu.Index(dc_f, id, s, i, x, y, z)), an lvalue.
func (p *printer) checkedIndex(e *ir.Index) *jen.Statement {
	var s *jen.Statement
	switch e.X.Type().(type) {
	case *ir.Slice:
		s = p.inner(e.X, false)
	case *ir.Pointer:
		s = p.primary(e.X).Index(jen.Empty(), jen.Empty())
	case *ir.Array:
		if !addressable(e.X) {
			// An array value: index a copy.
			body := []jen.Code{jen.Id("dc_a").Op(":=").Add(p.inner(e.X, false))}
			args := append([]jen.Code{jen.Id(faultName), jen.Lit(e.Check.ID), jen.Id("dc_a").Index(jen.Empty(), jen.Empty()), jen.Int().Parens(p.inner(e.Index, false))}, where()...)
			body = append(body, jen.Return(jen.Op("*").Qual(cpuPath, "Index").Call(args...)))
			return jen.Func().Params().Add(typeCode(e.T)).Block(body...).Call()
		}
		s = p.primary(e.X).Index(jen.Empty(), jen.Empty())
	}
	args := append([]jen.Code{jen.Id(faultName), jen.Lit(e.Check.ID), s, jen.Int().Parens(p.inner(e.Index, false))}, where()...)
	return jen.Parens(jen.Op("*").Qual(cpuPath, "Index").Call(args...))
}

// addressable reports whether the array value e is a variable or part of
// one, or memory reached through a slice or pointer.
func addressable(e ir.Expr) bool {
	switch x := e.(type) {
	case *ir.VarRef:
		return true
	case *ir.FieldRef:
		return addressable(x.X)
	case *ir.Index:
		if _, ok := x.X.Type().(*ir.Array); ok {
			return addressable(x.X)
		}
		return true
	}
	return false
}

// checkedBinary prints the checked integer division or remainder e, or the
// checked shift.
func (p *printer) checkedBinary(e *ir.Binary) *jen.Statement {
	name := "Div"
	switch e.Op {
	case token.REM:
		name = "Rem"
	case token.SHL:
		name = "Shl"
	case token.SHR:
		name = "Shr"
	}
	x := p.typed(e.X, false)
	args := append([]jen.Code{jen.Id(faultName), jen.Lit(e.Check.ID), x, p.typed(e.Y, false)}, where()...)
	return jen.Qual(cpuPath, name).Call(args...)
}

// checkedSlice prints the checked slice expression e.
func (p *printer) checkedSlice(e *ir.SliceExpr) *jen.Statement {
	lo := jen.Lit(0)
	if e.Lo != nil {
		lo = jen.Int().Parens(p.inner(e.Lo, false))
	}
	hi := jen.Len(p.inner(e.X, false))
	if e.Hi != nil {
		hi = jen.Int().Parens(p.inner(e.Hi, false))
	}
	args := append([]jen.Code{jen.Id(faultName), jen.Lit(e.Check.ID), p.inner(e.X, false), lo, hi}, where()...)
	return jen.Qual(cpuPath, "Slice").Call(args...)
}

// active reports whether check c is printed: it exists, and this is not a
// fast body whose launch conditions make it unnecessary.
func (p *printer) active(c *ir.Check) bool {
	return c != nil && !(p.fast && c.When != nil)
}

// kernelName returns the name of the kernel body being printed.
func (p *printer) kernelName(k *ir.Kernel) string {
	name := KernelName(k)
	if p.aliased {
		name = AliasedKernelName(k)
	}
	if p.fast {
		name += "_fast"
	}
	return name
}

// usesFaults reports whether body, as printed, records faults: it has an
// active check or calls a checked device function.
func (p *printer) usesFaults(body *ir.Block) bool {
	found := false
	ir.InspectExprs(body, func(e ir.Expr) {
		switch e := e.(type) {
		case *ir.Index:
			found = found || p.active(e.Check)
		case *ir.SliceExpr:
			found = found || p.active(e.Check)
		case *ir.Binary:
			found = found || p.active(e.Check)
		case *ir.Call:
			found = found || e.Func.Checked
		}
	})
	return found
}
