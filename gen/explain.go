package gen

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/dotcompute/dc/translate"
)

// DCHint explains a Go type error at pos that lies in a call of a function
// of package dc, in the dialect's terms: which types the function takes
// and, for atomics, that 64-bit ones are not supported. It returns "" for
// an error anywhere else. info may be incomplete (the package has type
// errors); the call's package is then found through its import.
func DCHint(files []*ast.File, info *types.Info, pos token.Pos) string {
	var call *ast.CallExpr
	for _, f := range files {
		if pos < f.Pos() || pos > f.End() {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if n == nil || pos < n.Pos() || pos >= n.End() {
				return false
			}
			if c, ok := n.(*ast.CallExpr); ok {
				if name, _ := dcFunc(c, info); name != "" {
					call = c // the innermost one wins
				}
			}
			return true
		})
	}
	if call == nil {
		return ""
	}
	name, fn := dcFunc(call, info)
	set := ""
	if fn != nil {
		if tps := fn.Type().(*types.Signature).TypeParams(); tps.Len() > 0 {
			set = typeSet(tps.At(0))
		}
	}
	switch {
	case strings.HasPrefix(name, "Atomic"):
		s := "dc." + name + " works on "
		if set != "" {
			s += set
		} else {
			s += "32-bit integers and float32"
		}
		return s + " only: 64-bit atomics are not supported (not every backend has them); use a 32-bit type"
	case name == "Shared":
		return "dc.Shared takes a fixed-size array type, e.g. dc.Shared[[256]float32](t)"
	case set != "":
		return "dc." + name + " takes " + set
	}
	return ""
}

// dcFunc returns the name of the function of package dc that c calls, and
// its object when the type checker recorded it.
func dcFunc(c *ast.CallExpr, info *types.Info) (string, *types.Func) {
	fun := ast.Unparen(c.Fun)
	switch x := fun.(type) {
	case *ast.IndexExpr:
		fun = x.X
	case *ast.IndexListExpr:
		fun = x.X
	}
	sel, ok := fun.(*ast.SelectorExpr)
	if !ok {
		return "", nil
	}
	if fn, ok := info.Uses[sel.Sel].(*types.Func); ok {
		if fn.Pkg() != nil && fn.Pkg().Path() == translate.DCPath {
			return fn.Name(), fn
		}
		return "", nil
	}
	if id, ok := sel.X.(*ast.Ident); ok {
		if pn, ok := info.Uses[id].(*types.PkgName); ok && pn.Imported().Path() == translate.DCPath {
			return sel.Sel.Name, nil
		}
	}
	return "", nil
}

// typeSet lists the types of a type parameter's constraint in words:
// "int32, uint32 or float32" (with ~ dropped).
func typeSet(tp *types.TypeParam) string {
	iface, ok := tp.Constraint().Underlying().(*types.Interface)
	if !ok {
		return ""
	}
	var names []string
	var walk func(t types.Type)
	walk = func(t types.Type) {
		switch t := t.(type) {
		case *types.Union:
			for i := 0; i < t.Len(); i++ {
				walk(t.Term(i).Type())
			}
		case *types.Interface:
			for i := 0; i < t.NumEmbeddeds(); i++ {
				walk(t.EmbeddedType(i))
			}
		case *types.Named:
			walk(t.Underlying())
		default:
			names = append(names, t.String())
		}
	}
	walk(iface)
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return fmt.Sprintf("%s or %s", strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
}
