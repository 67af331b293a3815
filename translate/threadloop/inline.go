package threadloop

import (
	"go/token"
	"strconv"

	"github.com/dotcompute/dc/translate/ir"
)

// maxInline bounds nested inlining (device functions do not recurse, so
// only a deep chain of calls reaches it).
const maxInline = 16

// inlineBlock replaces, in b and the blocks nested in it, every statement
// that calls a device function waiting at a barrier by the function's
// body.
func (t *pass) inlineBlock(b *ir.Block, depth int) {
	if b == nil || t.err != nil {
		return
	}
	var out []ir.Stmt
	for _, s := range b.Stmts {
		if pre := t.hoist(s); len(pre) > 0 {
			// Inline the hoisted calls too.
			blk := &ir.Block{Stmts: pre}
			t.inlineBlock(blk, depth)
			out = append(out, blk.Stmts...)
		}
		if repl, ok := t.inlineStmt(s, depth); ok {
			out = append(out, repl...)
			continue
		}
		switch s := s.(type) {
		case *ir.Block:
			t.inlineBlock(s, depth)
		case *ir.IfStmt:
			t.inlineBlock(s.Then, depth)
			t.inlineBlock(s.Else, depth)
		case *ir.ForStmt:
			t.inlineBlock(s.Body, depth)
		case *ir.SwitchStmt:
			for _, c := range s.Cases {
				t.inlineBlock(c.Body, depth)
			}
		}
		out = append(out, s)
	}
	b.Stmts = out
}

// inlineStmt returns the statements that replace s if s calls a device
// function with a barrier: an expression statement, a declaration, an
// assignment or a multi-result call whose value is the call.
func (t *pass) inlineStmt(s ir.Stmt, depth int) ([]ir.Stmt, bool) {
	var call *ir.Call
	var targets []ir.Expr // where the results go; nil entries are dropped
	var decl *ir.Var      // a declaration's variable
	switch s := s.(type) {
	case *ir.ExprStmt:
		call, _ = s.X.(*ir.Call)
	case *ir.DeclStmt:
		if c, ok := s.Init.(*ir.Call); ok {
			call, decl = c, s.Var
			targets = []ir.Expr{ref(s.Var)}
		}
	case *ir.AssignStmt:
		if c, ok := s.Value.(*ir.Call); ok {
			call = c
			targets = []ir.Expr{s.Target}
		}
	case *ir.CallStmt:
		call, targets = s.Call, s.Targets
	}
	if call == nil || !call.Func.Barrier {
		return nil, false
	}
	if depth >= maxInline {
		t.fail(s.StmtPos(), "device functions with barriers nested more than %d deep", maxInline)
		return nil, false
	}
	f := call.Func
	c := ir.NewCloner()
	blk := &ir.Block{Pos: s.StmtPos()}
	for i, p := range f.Params {
		v := &ir.Var{Name: p.Name, Type: p.Type, Kind: ir.Local, Pos: p.Pos}
		c.Vars[p] = v
		blk.Stmts = append(blk.Stmts, &ir.DeclStmt{Pos: s.StmtPos(), Var: v, Init: call.Args[i]})
	}
	body := c.Block(f.Body)
	// The only return allowed is the body's last statement.
	stmts := body.Stmts
	var ret *ir.ReturnStmt
	if n := len(stmts); n > 0 {
		if r, ok := stmts[n-1].(*ir.ReturnStmt); ok {
			ret, stmts = r, stmts[:n-1]
		}
	}
	other := false
	for _, x := range stmts {
		ir.InspectStmts(x, func(x ir.Stmt) {
			if _, ok := x.(*ir.ReturnStmt); ok {
				other = true
			}
		})
	}
	if other {
		// Returns before the end: the body runs in a loop that runs
		// once, each return setting the results and breaking out of it.
		// The loop holds barriers, so it is group code; a break from
		// its last thread loop skips the rest of the thread's run (see
		// lowerLoop), any other is the same in every thread (package
		// uniform checks).
		once := newVar("dc_once", ir.BoolType)
		loop := &ir.ForStmt{Pos: s.StmtPos(), Init: &ir.DeclStmt{Pos: s.StmtPos(), Var: once, Init: boolConst(true)},
			Cond: ref(once), Post: assign(s.StmtPos(), once, boolConst(false))}
		t.once[loop] = true
		var res []*ir.Var
		for i, rt := range f.Results {
			v := newVar("dc_res"+strconv.Itoa(i), rt)
			res = append(res, v)
			blk.Stmts = append(blk.Stmts, &ir.DeclStmt{Pos: s.StmtPos(), Var: v})
		}
		if ret != nil {
			stmts = append(stmts, ret)
		}
		loop.Body = &ir.Block{Pos: body.Pos, Stmts: stmts}
		replaceStmts(loop.Body, func(s ir.Stmt) ir.Stmt {
			r, ok := s.(*ir.ReturnStmt)
			if !ok {
				return nil
			}
			out := &ir.Block{Pos: r.Pos}
			for i, x := range r.Results {
				out.Stmts = append(out.Stmts, assign(r.Pos, res[i], x))
			}
			out.Stmts = append(out.Stmts, &ir.BranchStmt{Pos: r.Pos, Kind: ir.Break, Target: loop, Labelled: true})
			return out
		})
		blk.Stmts = append(blk.Stmts, loop)
		for i, v := range res {
			switch {
			case i < len(targets) && targets[i] != nil:
				blk.Stmts = append(blk.Stmts, &ir.AssignStmt{Pos: s.StmtPos(), Target: targets[i], Value: ref(v)})
			}
		}
		t.inlineBlock(blk, depth+1)
		if decl != nil {
			return []ir.Stmt{&ir.DeclStmt{Pos: s.StmtPos(), Var: decl}, blk}, true
		}
		return []ir.Stmt{blk}, true
	}
	if len(f.Results) > 0 && ret == nil {
		t.fail(f.Pos, "device function %s waits at a barrier and ends without a return", f.GoName)
		return nil, false
	}
	blk.Stmts = append(blk.Stmts, stmts...)
	if ret != nil {
		for i, r := range ret.Results {
			switch {
			case i < len(targets) && targets[i] != nil:
				blk.Stmts = append(blk.Stmts, &ir.AssignStmt{Pos: ret.Pos, Target: targets[i], Value: r})
			case ir.HasEffects(r):
				blk.Stmts = append(blk.Stmts, &ir.DeclStmt{Pos: ret.Pos, Var: newVar("_", r.Type()), Init: r})
			}
		}
	}
	t.inlineBlock(blk, depth+1)
	if decl != nil {
		return []ir.Stmt{&ir.DeclStmt{Pos: s.StmtPos(), Var: decl}, blk}, true
	}
	return []ir.Stmt{blk}, true
}

// hoist moves the calls of device functions with barriers nested inside
// the expressions of s into declarations of temporaries before s, in the
// order Go calls them, and returns those declarations. A call that is the
// whole value of s stays (inlineStmt handles it). The dialect allows one
// call with effects per expression, so moving it before the expression's
// other operands keeps its meaning; a call under && or || would not run
// unconditionally and is left alone (split reports it).
func (t *pass) hoist(s ir.Stmt) []ir.Stmt {
	var pre []ir.Stmt
	top := func(e ir.Expr) ir.Expr {
		if c, ok := e.(*ir.Call); ok {
			for i, a := range c.Args {
				c.Args[i] = t.hoistExpr(a, &pre)
			}
			return c
		}
		return t.hoistExpr(e, &pre)
	}
	switch s := s.(type) {
	case *ir.ExprStmt:
		s.X = top(s.X)
	case *ir.DeclStmt:
		if s.Init != nil {
			s.Init = top(s.Init)
		}
	case *ir.AssignStmt:
		s.Target = t.hoistExpr(s.Target, &pre)
		s.Value = top(s.Value)
	case *ir.CallStmt:
		for i, a := range s.Call.Args {
			s.Call.Args[i] = t.hoistExpr(a, &pre)
		}
	case *ir.IfStmt:
		s.Cond = t.hoistExpr(s.Cond, &pre)
	}
	return pre
}

// hoistExpr returns e with every call of a device function with barriers
// replaced by a temporary declared in *pre, operands before the call that
// takes them.
func (t *pass) hoistExpr(e ir.Expr, pre *[]ir.Stmt) ir.Expr {
	return ir.RewriteExpr(e, func(x ir.Expr) (ir.Expr, bool) {
		if !hasBarrier(x) {
			return x, true
		}
		switch x := x.(type) {
		case *ir.Binary:
			if x.Op == token.LAND || x.Op == token.LOR {
				return x, true
			}
		case *ir.Call:
			c := &ir.Call{Func: x.Func, Args: make([]ir.Expr, len(x.Args))}
			for i, a := range x.Args {
				c.Args[i] = t.hoistExpr(a, pre)
			}
			if !c.Func.Barrier || len(c.Func.Results) != 1 {
				return c, true
			}
			v := newVar("dc_r", c.Type())
			*pre = append(*pre, &ir.DeclStmt{Var: v, Init: c})
			return ref(v), true
		}
		return nil, false
	})
}

// replaceStmts replaces, in b and the blocks nested in its statements,
// every statement for which f returns a replacement; where f returns nil
// the statement stays, and the blocks it holds are visited in turn.
func replaceStmts(b *ir.Block, f func(ir.Stmt) ir.Stmt) {
	if b == nil {
		return
	}
	for i, s := range b.Stmts {
		if r := f(s); r != nil {
			b.Stmts[i] = r
			continue
		}
		switch s := s.(type) {
		case *ir.Block:
			replaceStmts(s, f)
		case *ir.IfStmt:
			replaceStmts(s.Then, f)
			replaceStmts(s.Else, f)
		case *ir.ForStmt:
			replaceStmts(s.Body, f)
		case *ir.SwitchStmt:
			for _, c := range s.Cases {
				replaceStmts(c.Body, f)
			}
		}
	}
}
