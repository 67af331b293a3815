package gocpu

import (
	"fmt"
	"go/token"

	"github.com/dave/jennifer/jen"

	"github.com/dotcompute/dc/translate/ir"
)

// A row view is a slice of the elements the threads [lo, hi) of a row
// access at one place of a thread loop's body, arr[base+lo : base+hi],
// made once per row: thread x's element is view[x-lo]. Indexing it with
// the loop's own index lets the Go compiler drop the bounds check that
// arr[base+x] needs (it cannot prove base+x < len(arr), as dckgen has).
// Only accesses every thread of the row makes qualify, before anything
// the thread does conditionally, in a body that records no fault: each
// is proven within bounds for every thread, so the view is too.
type rowView struct {
	at    copyPlace
	nodes []*ir.Index // the accesses that use the view
}

// rowViews returns the row views of thread loop s.
func (p *printer) rowViews(s *ir.ThreadLoop) []rowView {
	if p.usesFaults(s.Body) {
		return nil
	}
	m := &copyMatch{p: p, env: map[*ir.Var]sym{}, outs: map[*ir.Var]sym{}}
	var views []rowView
	byKey := map[string]int{}
	var collect func(e ir.Expr)
	collect = func(e ir.Expr) {
		ir.Inspect(e, func(n ir.Node) bool {
			switch n := n.(type) {
			case *ir.Binary:
				if n.Op == token.LAND || n.Op == token.LOR {
					// The right operand is conditional.
					collect(n.X)
					return false
				}
			case *ir.Index:
				if at, ok := m.place(n); ok && at.pt == nil {
					key := fmtCode(p.primary(at.arr)) + "|" + fmtCode(p.inner(at.base, false))
					i, seen := byKey[key]
					if !seen {
						i = len(views)
						byKey[key] = i
						views = append(views, rowView{at: at})
					}
					views[i].nodes = append(views[i].nodes, n)
				}
			}
			return true
		})
	}
	// opaque forgets the values of the locals st assigns.
	opaque := func(st ir.Stmt) {
		ir.InspectStmts(st, func(x ir.Stmt) {
			ir.Assigns(x, func(v *ir.Var) {
				if _, ok := m.env[v]; ok {
					m.env[v] = symKeep{}
				}
			})
			if d, ok := x.(*ir.DeclStmt); ok {
				m.env[d.Var] = symKeep{}
			}
		})
	}
	// set records the value of local v, set to e: known if e has no
	// loads, calls or effects.
	set := func(v *ir.Var, e ir.Expr) {
		r, ok := m.subst(e, false)
		m.env[v] = symKeep{}
		if ok {
			m.env[v] = symExpr{r}
		}
	}
	var walk func(b *ir.Block) bool
	walk = func(b *ir.Block) bool {
		for _, st := range b.Stmts {
			switch st := st.(type) {
			case *ir.Block:
				if !walk(st) {
					return false
				}
			case *ir.DeclStmt:
				if st.Init == nil {
					m.env[st.Var] = symZero{}
					continue
				}
				collect(st.Init)
				set(st.Var, st.Init)
			case *ir.AssignStmt:
				collect(st.Target)
				collect(st.Value)
				if r, ok := st.Target.(*ir.VarRef); ok {
					if _, local := m.env[r.Var]; local {
						set(r.Var, st.Value)
					}
				}
			case *ir.IfStmt:
				collect(st.Cond)
				opaque(st)
				if exits(st) {
					return false
				}
			case *ir.ExprStmt:
				collect(st.X)
			case *ir.CallStmt:
				for _, x := range st.Targets {
					collect(x)
				}
				collect(st.Call)
				opaque(st)
			default:
				return false
			}
		}
		return true
	}
	walk(s.Body)
	return views
}

// exits reports whether s holds a branch or a return.
func exits(s ir.Stmt) bool {
	found := false
	ir.InspectStmts(s, func(x ir.Stmt) {
		switch x.(type) {
		case *ir.BranchStmt, *ir.ReturnStmt:
			found = true
		}
	})
	return found
}

// fmtCode returns the Go source of c.
func fmtCode(c jen.Code) string { return fmt.Sprintf("%#v", c) }
