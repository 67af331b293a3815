package cfamily

import (
	"regexp"

	"github.com/dotcompute/dc/translate/ir"
)

// KernelUsesFloat64 reports whether kernel k computes with float64: a
// parameter, variable, shared array or expression of k, or of a device
// function it calls, has a float64 type or one that contains float64.
// Such a kernel cannot run on a device without float64 support.
func KernelUsesFloat64(k *ir.Kernel) bool {
	return newF64().kernel(k)
}

// f64 memoizes which functions use float64.
type f64 struct {
	funcs map[*ir.Func]bool
}

func newF64() *f64 { return &f64{funcs: make(map[*ir.Func]bool)} }

func (u *f64) kernel(k *ir.Kernel) bool {
	return u.vars(k.Params) || u.shared(k.Shared) || u.body(k.Body)
}

func (u *f64) function(f *ir.Func) bool {
	if r, ok := u.funcs[f]; ok {
		return r
	}
	u.funcs[f] = false // Go rules out recursion; this only stops a cycle
	r := u.vars(f.Params) || u.shared(f.Shared) || u.body(f.Body)
	for _, t := range f.Results {
		r = r || typeUsesF64(t)
	}
	u.funcs[f] = r
	return r
}

func (u *f64) vars(vs []*ir.Var) bool {
	for _, v := range vs {
		if typeUsesF64(v.Type) {
			return true
		}
	}
	return false
}

func (u *f64) shared(ss []*ir.Shared) bool {
	for _, s := range ss {
		if typeUsesF64(s.Type) {
			return true
		}
	}
	return false
}

func (u *f64) body(b *ir.Block) bool {
	found := false
	ir.Inspect(b, func(n ir.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ir.DeclStmt:
			found = n.Var != nil && typeUsesF64(n.Var.Type)
		case *ir.Call:
			found = u.function(n.Func) || n.Type() != nil && typeUsesF64(n.Type())
		case ir.Expr:
			found = n.Type() != nil && typeUsesF64(n.Type())
		}
		return !found
	})
	return found
}

// typeUsesF64 reports whether t is float64 or is made of it (an array,
// slice, pointer, struct or result list with float64 inside).
func typeUsesF64(t ir.Type) bool {
	switch t := t.(type) {
	case *ir.Basic:
		return t.Kind == ir.Float64
	case *ir.Array:
		return typeUsesF64(t.Elem)
	case *ir.Slice:
		return typeUsesF64(t.Elem)
	case *ir.Pointer:
		return typeUsesF64(t.Elem)
	case *ir.Struct:
		for _, f := range t.Fields {
			if typeUsesF64(f.Type) {
				return true
			}
		}
	case *ir.Tuple:
		for _, e := range t.Types {
			if typeUsesF64(e) {
				return true
			}
		}
	}
	return false
}

// textUsesF64 reports whether the printed helper text names the dialect's
// float64 type. Helpers are generated text with no user strings, and the
// type name is a keyword that no user name can take.
func (p *printer) textUsesF64(text string) bool {
	if p.f64word == nil {
		p.f64word = regexp.MustCompile(`\b` + regexp.QuoteMeta(p.d.Types[ir.Float64]) + `\b`)
	}
	return p.f64word.MatchString(text)
}
