package ir

// KernelUsesFloat64 reports whether kernel k computes with float64: a
// parameter, variable, shared array or expression of k, or of a device
// function it calls, has a float64 type or one that contains float64.
// Such a kernel cannot run on a device without float64 support.
func KernelUsesFloat64(k *Kernel) bool {
	return NewFloat64Uses().Kernel(k)
}

// Float64Uses answers whether kernels and device functions compute with
// float64 (as KernelUsesFloat64 defines it), remembering the answer for
// every function it looks at, so that asking about many kernels of one
// program walks each function once.
type Float64Uses struct {
	funcs map[*Func]bool
}

// NewFloat64Uses returns a Float64Uses that has looked at nothing yet.
func NewFloat64Uses() *Float64Uses { return &Float64Uses{funcs: make(map[*Func]bool)} }

// Kernel reports whether kernel k computes with float64.
func (u *Float64Uses) Kernel(k *Kernel) bool {
	return u.vars(k.Params) || u.shared(k.Shared) || u.body(k.Body)
}

// Func reports whether device function f computes with float64: a
// parameter, result, variable, shared array or expression of f or of a
// function it calls has a type with float64 in it.
func (u *Float64Uses) Func(f *Func) bool {
	if r, ok := u.funcs[f]; ok {
		return r
	}
	u.funcs[f] = false // Go rules out recursion; this only stops a cycle
	r := u.vars(f.Params) || u.shared(f.Shared) || u.body(f.Body)
	for _, t := range f.Results {
		r = r || TypeUsesFloat64(t)
	}
	u.funcs[f] = r
	return r
}

func (u *Float64Uses) vars(vs []*Var) bool {
	for _, v := range vs {
		if TypeUsesFloat64(v.Type) {
			return true
		}
	}
	return false
}

func (u *Float64Uses) shared(ss []*Shared) bool {
	for _, s := range ss {
		if TypeUsesFloat64(s.Type) {
			return true
		}
	}
	return false
}

func (u *Float64Uses) body(b *Block) bool {
	found := false
	Inspect(b, func(n Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *DeclStmt:
			found = n.Var != nil && TypeUsesFloat64(n.Var.Type)
		case *Call:
			found = u.Func(n.Func) || n.Type() != nil && TypeUsesFloat64(n.Type())
		case Expr:
			found = n.Type() != nil && TypeUsesFloat64(n.Type())
		}
		return !found
	})
	return found
}

// TypeUsesFloat64 reports whether t is float64 or is made of it (an
// array, slice, pointer, struct or result list with float64 inside).
func TypeUsesFloat64(t Type) bool {
	switch t := t.(type) {
	case *Basic:
		return t.Kind == Float64
	case *Array:
		return TypeUsesFloat64(t.Elem)
	case *Slice:
		return TypeUsesFloat64(t.Elem)
	case *Pointer:
		return TypeUsesFloat64(t.Elem)
	case *Struct:
		for _, f := range t.Fields {
			if TypeUsesFloat64(f.Type) {
				return true
			}
		}
	case *Tuple:
		for _, e := range t.Types {
			if TypeUsesFloat64(e) {
				return true
			}
		}
	}
	return false
}
