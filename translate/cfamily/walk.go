package cfamily

import "github.com/dotcompute/dc/translate/ir"

// pure reports whether evaluating e has no effects (no calls, no atomics),
// so that it may be evaluated more than once.
func pure(e ir.Expr) bool {
	ok := true
	ir.InspectExprs(e, func(x ir.Expr) {
		switch x := x.(type) {
		case *ir.Call:
			ok = false
		case *ir.BuiltinCall:
			if x.Op.IsAtomic() || x.Op == ir.Barrier {
				ok = false
			}
		}
	})
	return ok
}
