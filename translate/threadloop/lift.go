package threadloop

import "github.com/dotcompute/dc/translate/ir"

// lift gives one value per thread to every local declared in a thread
// loop and used outside it: its declaration moves to the top of the group
// body, and the declaration in the thread loop becomes an assignment of
// its initial (or zero) value. A variable of the group code (a loop
// variable of a loop with a barrier) must not be assigned by the threads,
// but may be declared by them with a value every thread agrees on.
func (t *pass) lift(group *ir.Block) {
	declAt := map[*ir.Var]*ir.ThreadLoop{} // where each local is declared; nil: group code
	declared := map[*ir.Var]bool{}
	var order []*ir.Var
	usedAt := map[*ir.Var]map[*ir.ThreadLoop]bool{}
	written := map[*ir.Var]map[*ir.ThreadLoop]bool{}
	note := func(m map[*ir.Var]map[*ir.ThreadLoop]bool, v *ir.Var, at *ir.ThreadLoop) {
		if m[v] == nil {
			m[v] = map[*ir.ThreadLoop]bool{}
		}
		m[v][at] = true
	}
	var cur *ir.ThreadLoop
	var visit func(n ir.Node) bool
	visit = func(n ir.Node) bool {
		switch n := n.(type) {
		case *ir.ThreadLoop:
			cur = n
			ir.DoChildren(n, func(c ir.Node) { ir.Inspect(c, visit) })
			cur = nil
			return false
		case *ir.DeclStmt:
			if !declared[n.Var] {
				declared[n.Var] = true
				declAt[n.Var] = cur
				order = append(order, n.Var)
			}
		case *ir.AssignStmt, *ir.CallStmt:
			ir.Assigns(n.(ir.Stmt), func(v *ir.Var) { note(written, v, cur) })
		case *ir.VarRef:
			note(usedAt, n.Var, cur)
		}
		return true
	}
	ir.Inspect(group, visit)

	// A variable whose value is a cheap function of the thread's
	// position and the parameters is recomputed where it is used instead.
	inits := map[*ir.Var]ir.Expr{}
	ir.Inspect(group, func(n ir.Node) bool {
		if d, ok := n.(*ir.DeclStmt); ok && d.Init != nil {
			// A copy: recomputeIn rewrites the references in the
			// thread loops, the declarations' own included.
			inits[d.Var] = ir.NewCloner().Expr(d.Init)
		}
		return true
	})
	remat := map[*ir.Var]bool{}
	for _, v := range order {
		if declAt[v] != nil && len(written[v]) == 0 && !usedAt[v][nil] && inits[v] != nil && cheap(inits[v], remat) {
			remat[v] = true
		}
	}
	recompute := map[*ir.ThreadLoop][]*ir.Var{}

	var decls []ir.Stmt
	for _, v := range order {
		if v == t.brk || v == t.ndone || v == t.done || t.flags[v] {
			continue
		}
		at := declAt[v]
		if at == nil {
			for w := range written[v] {
				if w != nil {
					t.fail(v.Pos, "loop variable %s of a loop with a barrier is assigned inside the loop", v.Name)
					return
				}
			}
			continue
		}
		outside := false
		for u := range usedAt[v] {
			outside = outside || u != at
		}
		if !outside {
			continue
		}
		if remat[v] {
			for u := range usedAt[v] {
				if u != at {
					recompute[u] = append(recompute[u], v)
				}
			}
			continue
		}
		if written[v][nil] {
			// The group code steps a variable the threads declare
			// (stride := n; for ; stride >= 4; stride >>= 2 { ...
			// barrier ... }): when every thread gives it the same value,
			// it is one variable of the group, which each thread's
			// declaration assigns.
			if t.info.Varying(v) || !t.redeclare(at.Body, v) {
				t.fail(v.Pos, "%s is assigned outside the threads", v.Name)
				return
			}
			// Only the declaration may assign it in the threads: a
			// thread loop that steps it (stride >>= 1) would step the
			// one variable once per thread.
			for w := range written[v] {
				if w != nil {
					t.fail(v.Pos, "%s is assigned both by the threads and outside them", v.Name)
					return
				}
			}
			decls = append(decls, &ir.DeclStmt{Pos: v.Pos, Var: v})
			continue
		}
		if !t.redeclare(at.Body, v) {
			t.fail(v.Pos, "variable %s lives across a barrier but is not declared at the level of the barrier", v.Name)
			return
		}
		t.perThread[v] = true
		decls = append(decls, &ir.DeclStmt{Pos: v.Pos, Var: v})
	}
	group.Stmts = append(decls, group.Stmts...)
	for u, vs := range recompute {
		recomputeIn(u, vs, inits, order)
	}
}

// cheap reports whether e costs little and gives the same value wherever a
// thread evaluates it: constants, parameters, shared arrays, the thread's
// position and sizes, lengths, arithmetic without run-time checks, and
// variables in remat, which are such values themselves. A load from
// memory is not: other threads may write it at a barrier.
func cheap(e ir.Expr, remat map[*ir.Var]bool) bool {
	ok := true
	ir.Inspect(e, func(n ir.Node) bool {
		switch n := n.(type) {
		case *ir.Const, *ir.SharedRef, *ir.Unary, *ir.Convert, *ir.Len:
		case *ir.VarRef:
			ok = ok && (n.Var.Kind == ir.Param && !n.Var.Assigned || remat[n.Var])
		case *ir.Binary:
			ok = ok && n.Check == nil
		case *ir.BuiltinCall:
			ok = ok && n.Op.IsThread()
		default:
			ok = false
		}
		return ok
	})
	return ok
}

// recomputeIn declares, at the top of thread loop u, fresh copies of the
// variables vs (and of the variables their values use), and makes u refer
// to the copies.
func recomputeIn(u *ir.ThreadLoop, vs []*ir.Var, inits map[*ir.Var]ir.Expr, order []*ir.Var) {
	need := map[*ir.Var]bool{}
	var add func(v *ir.Var)
	add = func(v *ir.Var) {
		if need[v] {
			return
		}
		need[v] = true
		ir.Inspect(inits[v], func(n ir.Node) bool {
			if r, ok := n.(*ir.VarRef); ok && r.Var.Kind != ir.Param {
				add(r.Var)
			}
			return true
		})
	}
	for _, v := range vs {
		add(v)
	}
	c := ir.NewCloner()
	var decls []ir.Stmt
	for _, v := range order {
		if !need[v] {
			continue
		}
		init := c.Expr(inits[v])
		nv := *v
		c.Vars[v] = &nv
		decls = append(decls, &ir.DeclStmt{Pos: v.Pos, Var: &nv, Init: init})
	}
	ir.Inspect(u.Body, func(n ir.Node) bool {
		if r, ok := n.(*ir.VarRef); ok {
			r.Var = c.Var(r.Var)
		}
		return true
	})
	u.Body.Stmts = append(decls, u.Body.Stmts...)
}

// redeclare replaces the declaration of v among the statements of b by an
// assignment of its initial value (or its zero value), and reports
// whether it found it.
func (t *pass) redeclare(b *ir.Block, v *ir.Var) bool {
	for i, s := range b.Stmts {
		d, ok := s.(*ir.DeclStmt)
		if !ok || d.Var != v {
			continue
		}
		switch {
		case d.Init != nil:
			b.Stmts[i] = assign(d.Pos, v, d.Init)
		default:
			if bt, ok := v.Type.(*ir.Basic); ok {
				b.Stmts[i] = assign(d.Pos, v, zero(bt))
			} else {
				z := newVar("dc_zero", v.Type)
				b.Stmts[i] = &ir.Block{Pos: d.Pos, Stmts: []ir.Stmt{
					&ir.DeclStmt{Pos: d.Pos, Var: z},
					assign(d.Pos, v, ref(z)),
				}}
			}
		}
		return true
	}
	return false
}
