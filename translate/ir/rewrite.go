package ir

// RewriteExpr returns e with sub-expressions replaced as f says. f is
// called on e first: if it returns ok, its result replaces e whole;
// otherwise e's operands are rewritten in turn, and e is copied with the
// new operands if any of them changed. e itself is never modified: an
// expression without replacements comes back as it is.
func RewriteExpr(e Expr, f func(Expr) (Expr, bool)) Expr {
	if e == nil {
		return nil
	}
	if r, ok := f(e); ok {
		return r
	}
	rw := func(x Expr) Expr { return RewriteExpr(x, f) }
	list := func(xs []Expr) ([]Expr, bool) {
		var out []Expr
		for i, x := range xs {
			if y := rw(x); y != x && out == nil {
				out = append([]Expr(nil), xs...)
				out[i] = y
			} else if out != nil {
				out[i] = y
			}
		}
		if out == nil {
			return xs, false
		}
		return out, true
	}
	switch x := e.(type) {
	case *Unary:
		if y := rw(x.X); y != x.X {
			n := *x
			n.X = y
			return &n
		}
	case *Binary:
		if a, b := rw(x.X), rw(x.Y); a != x.X || b != x.Y {
			n := *x
			n.X, n.Y = a, b
			return &n
		}
	case *Convert:
		if y := rw(x.X); y != x.X {
			n := *x
			n.X = y
			return &n
		}
	case *Index:
		if a, i := rw(x.X), rw(x.Index); a != x.X || i != x.Index {
			n := *x
			n.X, n.Index = a, i
			return &n
		}
	case *FieldRef:
		if y := rw(x.X); y != x.X {
			n := *x
			n.X = y
			return &n
		}
	case *Len:
		if y := rw(x.X); y != x.X {
			return &Len{X: y}
		}
	case *StructLit:
		if fs, ok := list(x.Fields); ok {
			n := *x
			n.Fields = fs
			return &n
		}
	case *ArrayLit:
		if es, ok := list(x.Elems); ok {
			n := *x
			n.Elems = es
			return &n
		}
	case *SliceExpr:
		if a, lo, hi := rw(x.X), rw(x.Lo), rw(x.Hi); a != x.X || lo != x.Lo || hi != x.Hi {
			n := *x
			n.X, n.Lo, n.Hi = a, lo, hi
			return &n
		}
	case *Call:
		if as, ok := list(x.Args); ok {
			n := *x
			n.Args = as
			return &n
		}
	case *BuiltinCall:
		if as, ok := list(x.Args); ok {
			n := *x
			n.Args = as
			return &n
		}
	}
	return e
}
