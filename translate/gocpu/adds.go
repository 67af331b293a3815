package gocpu

import (
	"github.com/dave/jennifer/jen"

	"github.com/dotcompute/dc/translate/ir"
)

// addsName is the name of a chunk's *cpu.Adds (see addOnly).
const addsName = "dc_adds"

// addOnly returns the indexes in k.Params of the slices of int32 or uint32
// that kernel k only adds to: every use of the parameter is the location
// of a dc.AtomicAdd whose old value goes unused, or its length. No thread
// reads such a slice's elements while the kernel runs, so the CPU backend
// adds a chunk's sums to them in one atomic add per element (cpu.Adds).
func addOnly(k *ir.Kernel) []int {
	var cands []int
	for i, v := range k.Params {
		if s, ok := v.Type.(*ir.Slice); ok && s.Name == "" {
			if b, ok := s.Elem.(*ir.Basic); ok && (b.Kind == ir.Int32 || b.Kind == ir.Uint32) {
				cands = append(cands, i)
			}
		}
	}
	if len(cands) == 0 {
		return nil
	}
	other := map[*ir.Var]bool{} // read, written or passed on otherwise
	var visit func(n ir.Node) bool
	visit = func(n ir.Node) bool {
		switch n := n.(type) {
		case *ir.Len:
			_, ok := n.X.(*ir.VarRef)
			return !ok
		case *ir.ExprStmt:
			if loc, ok := addedTo(n); ok {
				if _, ok := loc.X.(*ir.VarRef); ok {
					ir.Inspect(loc.Index, visit)
					for _, a := range n.X.(*ir.BuiltinCall).Args[1:] {
						ir.Inspect(a, visit)
					}
					return false
				}
			}
		case *ir.VarRef:
			other[n.Var] = true
		}
		return true
	}
	ir.Inspect(k.Body, visit)
	var out []int
	for _, i := range cands {
		if !other[k.Params[i]] {
			out = append(out, i)
		}
	}
	return out
}

// addedTo returns the element s adds to if s is a dc.AtomicAdd whose old
// value goes unused.
func addedTo(s ir.Stmt) (*ir.Index, bool) {
	es, ok := s.(*ir.ExprStmt)
	if !ok {
		return nil, false
	}
	b, ok := es.X.(*ir.BuiltinCall)
	if !ok || b.Op != ir.AtomicAdd {
		return nil, false
	}
	loc, ok := b.Args[0].(*ir.Index)
	return loc, ok
}

// addOnlyVars returns addOnly's parameters of kernel k as a set, nil if
// there are none: the printer adds to them through the chunk's cpu.Adds.
func addOnlyVars(k *ir.Kernel) map[*ir.Var]bool {
	var vars map[*ir.Var]bool
	for _, i := range addOnly(k) {
		if vars == nil {
			vars = map[*ir.Var]bool{}
		}
		vars[k.Params[i]] = true
	}
	return vars
}

// addsParam declares the chunk's cpu.Adds as a parameter.
func addsParam() jen.Code { return jen.Id(addsName).Op("*").Qual(cpuPath, "Adds") }

// addsCall returns the call adding to an add-only parameter's element that
// atomic e prints as, or nil if e is not such an add.
func (p *printer) addsCall(e *ir.BuiltinCall, args []jen.Code) *jen.Statement {
	if e.Op != ir.AtomicAdd || p.adds == nil {
		return nil
	}
	loc, ok := e.Args[0].(*ir.Index)
	if !ok {
		return nil
	}
	r, ok := loc.X.(*ir.VarRef)
	if !ok || !p.adds[r.Var] {
		return nil
	}
	method := "Int32"
	if ir.IsKind(e.T, ir.Uint32) {
		method = "Uint32"
	}
	return jen.Id(addsName).Dot(method).Call(args...)
}
