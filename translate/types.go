package translate

import (
	"go/token"
	"go/types"

	"github.com/dotcompute/dc/translate/ir"
)

var basicKinds = map[types.BasicKind]ir.Kind{
	types.Bool: ir.Bool, types.UntypedBool: ir.Bool,
	types.Int: ir.Int, types.UntypedInt: ir.Int, types.UntypedRune: ir.Int32,
	types.Int8: ir.Int8, types.Int16: ir.Int16, types.Int32: ir.Int32, types.Int64: ir.Int64,
	types.Uint: ir.Uint, types.Uint8: ir.Uint8, types.Uint16: ir.Uint16, types.Uint32: ir.Uint32, types.Uint64: ir.Uint64,
	types.Float32: ir.Float32, types.Float64: ir.Float64, types.UntypedFloat: ir.Float64,
}

// typeCtx is what a type conversion needs: the substitution of type
// parameters of the function instance being lowered.
type typeCtx struct {
	subst map[*types.TypeParam]types.Type
}

func (c *typeCtx) resolve(t types.Type) types.Type {
	t = types.Unalias(t)
	if tp, ok := t.(*types.TypeParam); ok && c != nil {
		if s, ok := c.subst[tp]; ok {
			return s
		}
	}
	return t
}

// describe names a Go type the way diagnostics do.
func describe(t types.Type) string {
	switch u := types.Unalias(t).Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsString != 0:
			return "strings"
		case u.Info()&types.IsComplex != 0:
			return "complex numbers"
		case u.Kind() == types.UnsafePointer:
			return "unsafe.Pointer"
		case u.Kind() == types.UntypedNil:
			return "nil"
		case u.Kind() == types.Uintptr:
			return "uintptr"
		}
	case *types.Map:
		return "maps"
	case *types.Chan:
		return "channels"
	case *types.Interface:
		return "interfaces"
	case *types.Signature:
		return "function values"
	case *types.Pointer:
		return "pointers"
	}
	return "type " + t.String()
}

// irType converts a Go type to an IR type, reporting an error at pos (and
// returning nil) for types kernels cannot use. Pointers are allowed only to
// arrays (what dc.Shared returns) when ptrOK.
func (t *translator) irType(c *typeCtx, gt types.Type, pos token.Pos, ptrOK bool) ir.Type {
	gt = c.resolve(gt)
	switch u := gt.(type) {
	case *types.Basic:
		if k, ok := basicKinds[u.Kind()]; ok {
			return &ir.Basic{Kind: k}
		}
		t.errorf(pos, "unsupported: %s cannot be used in kernels", describe(u))
		return nil
	case *types.Named:
		if isThread(u) {
			t.errorf(pos, "unsupported: dc.Thread can only be a parameter of kernels and device functions")
			return nil
		}
		obj := u.Obj()
		switch under := u.Underlying().(type) {
		case *types.Basic:
			k, ok := basicKinds[under.Kind()]
			if !ok {
				t.errorf(pos, "unsupported: %s cannot be used in kernels", describe(under))
				return nil
			}
			if obj.Pkg() != t.in.Pkg {
				t.errorf(pos, "unsupported: type %s from another package cannot be used in kernels", gt)
				return nil
			}
			return &ir.Basic{Kind: k, Name: obj.Name()}
		case *types.Struct:
			return t.structType(c, u, pos)
		case *types.Slice:
			if obj.Pkg() != t.in.Pkg {
				t.errorf(pos, "unsupported: type %s from another package cannot be used in kernels", gt)
				return nil
			}
			elem := t.elemType(c, under.Elem(), pos)
			if elem == nil {
				return nil
			}
			return &ir.Slice{Elem: elem, Name: obj.Name()}
		case *types.Array:
			t.errorf(pos, "unsupported: named array type %s: use [%d]%s directly", obj.Name(), under.Len(), under.Elem())
			return nil
		default:
			t.errorf(pos, "unsupported: %s cannot be used in kernels", describe(gt))
			return nil
		}
	case *types.Array:
		if u.Len() == 0 {
			t.errorf(pos, "unsupported: zero-length arrays cannot be used in kernels")
			return nil
		}
		elem := t.elemType(c, u.Elem(), pos)
		if elem == nil {
			return nil
		}
		return &ir.Array{Elem: elem, Len: u.Len()}
	case *types.Slice:
		elem := t.elemType(c, u.Elem(), pos)
		if elem == nil {
			return nil
		}
		return &ir.Slice{Elem: elem}
	case *types.Pointer:
		if ptrOK {
			if _, ok := c.resolve(u.Elem()).Underlying().(*types.Array); ok {
				elem := t.irType(c, u.Elem(), pos, false)
				if elem == nil {
					return nil
				}
				return &ir.Pointer{Elem: elem, Space: ir.SpaceShared}
			}
		}
		t.errorf(pos, "unsupported: pointers cannot be used in kernels (only &x[i] as the first argument of an atomic, and the *[N]T that dc.Shared returns)")
		return nil
	case *types.Struct:
		t.errorf(pos, "unsupported: anonymous struct types cannot be used in kernels; declare a named struct type")
		return nil
	}
	t.errorf(pos, "unsupported: %s cannot be used in kernels", describe(gt))
	return nil
}

// elemType converts the element type of a slice or array: a scalar, a
// struct or an array of these.
func (t *translator) elemType(c *typeCtx, gt types.Type, pos token.Pos) ir.Type {
	e := t.irType(c, gt, pos, false)
	switch e.(type) {
	case *ir.Slice:
		t.errorf(pos, "unsupported: slices of slices cannot be used in kernels")
		return nil
	}
	return e
}

func (t *translator) structType(c *typeCtx, n *types.Named, pos token.Pos) ir.Type {
	obj := n.Obj()
	if obj.Pkg() != t.in.Pkg {
		t.errorf(pos, "unsupported: struct type %s from another package cannot be used in kernels", n)
		return nil
	}
	if n.TypeArgs().Len() > 0 || n.TypeParams().Len() > 0 {
		t.errorf(pos, "unsupported: generic struct type %s cannot be used in kernels", n)
		return nil
	}
	if s, ok := t.structs[obj.Name()]; ok {
		if s == nil { // in progress: a recursive type cannot exist without pointers, so this is unreachable
			return nil
		}
		return s
	}
	t.structs[obj.Name()] = nil
	st := n.Underlying().(*types.Struct)
	s := &ir.Struct{Name: obj.Name()}
	vars := make([]*types.Var, st.NumFields())
	ok := true
	for i := range st.NumFields() {
		f := st.Field(i)
		vars[i] = f
		if f.Embedded() {
			t.errorf(f.Pos(), "unsupported: embedded field %s in struct %s used by a kernel", f.Name(), obj.Name())
			ok = false
			continue
		}
		ft := t.irType(c, f.Type(), f.Pos(), false)
		if ft == nil {
			ok = false
			continue
		}
		if _, isSlice := ft.(*ir.Slice); isSlice {
			t.errorf(f.Pos(), "unsupported: struct %s used by a kernel has a slice field %s", obj.Name(), f.Name())
			ok = false
			continue
		}
		s.Fields = append(s.Fields, &ir.Field{Name: f.Name(), Type: ft})
	}
	if !ok {
		delete(t.structs, obj.Name())
		return nil
	}
	if len(s.Fields) == 0 {
		t.errorf(pos, "unsupported: struct %s has no fields (zero-size types cannot be used in kernels)", obj.Name())
		delete(t.structs, obj.Name())
		return nil
	}
	offs := t.sizes.Offsetsof(vars)
	for i, f := range s.Fields {
		f.Offset = offs[i]
	}
	s.Size = t.sizes.Sizeof(st)
	s.Align = t.sizes.Alignof(st)
	t.structs[obj.Name()] = s
	// Dependencies (struct fields) were appended first by the recursive calls.
	t.prog.Structs = append(t.prog.Structs, s)
	return s
}

// scalarOrStruct reports whether an IR type can be a kernel scalar
// parameter (passed by value).
func isValueParam(t ir.Type) bool {
	switch t.(type) {
	case *ir.Basic, *ir.Struct:
		return true
	}
	return false
}
