package translate

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"github.com/dotcompute/dc/translate/ir"
)

func (f *fnState) block(list []ast.Stmt, pos token.Pos) *ir.Block {
	b := &ir.Block{Pos: f.t.pos(pos)}
	for _, s := range list {
		b.Stmts = append(b.Stmts, f.stmt(s)...)
	}
	return b
}

func (f *fnState) stmt(s ast.Stmt) []ir.Stmt {
	t := f.t
	pos := t.pos(s.Pos())
	switch s := s.(type) {
	case *ast.EmptyStmt:
		return nil
	case *ast.BlockStmt:
		return []ir.Stmt{f.block(s.List, s.Lbrace)}
	case *ast.ExprStmt:
		return f.exprStmt(s)
	case *ast.DeclStmt:
		return f.declStmt(s)
	case *ast.AssignStmt:
		return f.assign(s)
	case *ast.IncDecStmt:
		op := token.ADD
		if s.Tok == token.DEC {
			op = token.SUB
		}
		one := &ast.BasicLit{ValuePos: s.TokPos, Kind: token.INT, Value: "1"}
		return f.opAssign(s, s.X, op, one, true)
	case *ast.IfStmt:
		return f.ifStmt(s)
	case *ast.ForStmt:
		return f.forStmt(s, "")
	case *ast.RangeStmt:
		return f.rangeStmt(s, "")
	case *ast.SwitchStmt:
		return f.switchStmt(s, "")
	case *ast.LabeledStmt:
		switch inner := s.Stmt.(type) {
		case *ast.ForStmt:
			return f.forStmt(inner, s.Label.Name)
		case *ast.RangeStmt:
			return f.rangeStmt(inner, s.Label.Name)
		case *ast.SwitchStmt:
			return f.switchStmt(inner, s.Label.Name)
		}
		t.errorf(s.Pos(), "unsupported: labels are only supported on for and switch statements (goto cannot be used in kernels)")
		return nil
	case *ast.BranchStmt:
		return f.branch(s)
	case *ast.ReturnStmt:
		return f.returnStmt(s)
	case *ast.GoStmt:
		t.errorf(s.Pos(), "unsupported: go statements (goroutines) cannot be used in kernels")
	case *ast.DeferStmt:
		t.errorf(s.Pos(), "unsupported: defer cannot be used in kernels")
	case *ast.SelectStmt:
		t.errorf(s.Pos(), "unsupported: select cannot be used in kernels")
	case *ast.SendStmt:
		t.errorf(s.Pos(), "unsupported: channels cannot be used in kernels")
	case *ast.TypeSwitchStmt:
		t.errorf(s.Pos(), "unsupported: type switches cannot be used in kernels (interfaces are not supported)")
	default:
		t.errorf(s.Pos(), "unsupported: %T statements cannot be used in kernels", s)
	}
	_ = pos
	return nil
}

func (f *fnState) exprStmt(s *ast.ExprStmt) []ir.Stmt {
	call, ok := ast.Unparen(s.X).(*ast.CallExpr)
	if !ok {
		if u, ok := s.X.(*ast.UnaryExpr); ok && u.Op == token.ARROW {
			f.t.errorf(s.Pos(), "unsupported: channels cannot be used in kernels")
			return nil
		}
		f.t.errorf(s.Pos(), "expression statement is not a call")
		return nil
	}
	x := f.call(call, true)
	if x == nil || x == badExpr {
		return nil
	}
	return []ir.Stmt{&ir.ExprStmt{Pos: f.t.pos(s.Pos()), X: x}}
}

func (f *fnState) declStmt(s *ast.DeclStmt) []ir.Stmt {
	gd, ok := s.Decl.(*ast.GenDecl)
	if !ok {
		return nil
	}
	switch gd.Tok {
	case token.CONST:
		return nil // constants are folded where they are used
	case token.TYPE:
		f.t.errorf(s.Pos(), "unsupported: type declarations inside kernels; declare the type at package level")
		return nil
	case token.VAR:
	default:
		return nil
	}
	var out []ir.Stmt
	for _, spec := range gd.Specs {
		vs := spec.(*ast.ValueSpec)
		if len(vs.Values) == 1 && len(vs.Names) > 1 {
			out = append(out, f.multiCall(vs.Pos(), exprsOf(vs.Names), vs.Values[0], true)...)
			continue
		}
		if len(vs.Values) > 1 {
			out = append(out, f.tuple(vs.Pos(), exprsOf(vs.Names), vs.Values, true)...)
			continue
		}
		for i, name := range vs.Names {
			var init ast.Expr
			if i < len(vs.Values) {
				init = vs.Values[i]
			}
			out = append(out, f.define(name, init)...)
		}
	}
	return out
}

func exprsOf(ids []*ast.Ident) []ast.Expr {
	out := make([]ast.Expr, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// define declares the variable of ident (a new variable) with an optional
// initialiser.
func (f *fnState) define(id *ast.Ident, init ast.Expr) []ir.Stmt {
	t := f.t
	obj := t.in.Info.Defs[id]
	if obj == nil {
		// := redeclaring an existing variable: an assignment.
		if init == nil {
			return nil
		}
		return f.store(id.Pos(), id, init)
	}
	if id.Name == "_" {
		if init == nil {
			return nil
		}
		return f.discard(id.Pos(), init)
	}
	if isThread(obj.Type()) {
		t.errorf(id.Pos(), "unsupported: dc.Thread values cannot be copied into variables; use the kernel's parameter")
		return nil
	}
	var x ir.Expr
	if init != nil {
		x = f.initExpr(init, obj.Type())
		if x == badExpr {
			return nil // already reported
		}
	}
	typ := t.irType(f.ctx, obj.Type(), id.Pos(), true)
	if typ == nil {
		return nil
	}
	if _, ok := typ.(*ir.Pointer); ok {
		if init == nil {
			t.errorf(id.Pos(), "unsupported: pointer variable %s must be initialised with dc.Shared", id.Name)
			return nil
		}
	}
	v := f.newVar(obj, id.Name, typ, ir.Local, id.Pos())
	f.alias(v, x)
	return []ir.Stmt{&ir.DeclStmt{Pos: t.pos(id.Pos()), Var: v, Init: x}}
}

// alias records that slice variable v may point into the memory of the
// slice x reads.
func (f *fnState) alias(v *ir.Var, x ir.Expr) {
	if _, ok := v.Type.(*ir.Slice); !ok || x == nil {
		return
	}
	if r := ir.RootVar(x); r != nil {
		f.aliases[v] = append(f.aliases[v], r)
	}
}

func (f *fnState) discard(pos token.Pos, e ast.Expr) []ir.Stmt {
	x := f.expr(e)
	if c, ok := x.(*ir.Call); ok {
		return []ir.Stmt{&ir.ExprStmt{Pos: f.t.pos(pos), X: c}}
	}
	if b, ok := x.(*ir.BuiltinCall); ok && b.Op.IsAtomic() {
		return []ir.Stmt{&ir.ExprStmt{Pos: f.t.pos(pos), X: b}}
	}
	return nil
}

func (f *fnState) assign(s *ast.AssignStmt) []ir.Stmt {
	t := f.t
	switch s.Tok {
	case token.DEFINE, token.ASSIGN:
		define := s.Tok == token.DEFINE
		if len(s.Rhs) == 1 && len(s.Lhs) > 1 {
			return f.multiCall(s.Pos(), s.Lhs, s.Rhs[0], define)
		}
		if len(s.Lhs) > 1 {
			return f.tuple(s.Pos(), s.Lhs, s.Rhs, define)
		}
		if define {
			return f.define(s.Lhs[0].(*ast.Ident), s.Rhs[0])
		}
		return f.store(s.Pos(), s.Lhs[0], s.Rhs[0])
	}
	op, ok := opAssignTok[s.Tok]
	if !ok {
		t.errorf(s.Pos(), "unsupported assignment operator %s", s.Tok)
		return nil
	}
	return f.opAssign(s, s.Lhs[0], op, s.Rhs[0], false)
}

var opAssignTok = map[token.Token]token.Token{
	token.ADD_ASSIGN: token.ADD, token.SUB_ASSIGN: token.SUB, token.MUL_ASSIGN: token.MUL,
	token.QUO_ASSIGN: token.QUO, token.REM_ASSIGN: token.REM, token.AND_ASSIGN: token.AND,
	token.OR_ASSIGN: token.OR, token.XOR_ASSIGN: token.XOR, token.SHL_ASSIGN: token.SHL,
	token.SHR_ASSIGN: token.SHR, token.AND_NOT_ASSIGN: token.AND_NOT,
}

// store lowers lhs = rhs.
func (f *fnState) store(pos token.Pos, lhs, rhs ast.Expr) []ir.Stmt {
	if id, ok := lhs.(*ast.Ident); ok && id.Name == "_" {
		return f.discard(pos, rhs)
	}
	target := f.lvalue(lhs)
	x, lit := f.valueExpr(rhs)
	if target == nil {
		return nil
	}
	if r, ok := target.(*ir.VarRef); ok {
		f.alias(r.Var, x)
	}
	var pre []ir.Stmt
	if (ir.HasEffects(x) || len(lit) > 0) && ir.HasEffects(target) {
		// Go evaluates the index operands on the left first; C++17 the
		// right-hand side first (and an array literal's temporary comes
		// before the assignment).
		target = f.hoistOperands(target, pos, nil, &pre)
	}
	pre = append(pre, lit...)
	return append(pre, &ir.AssignStmt{Pos: f.t.pos(pos), Target: target, Value: x})
}

// opAssign lowers x op= y (and x++, x--) to x = x op y, hoisting index
// expressions with calls into temporaries so they run once.
func (f *fnState) opAssign(s ast.Stmt, lhs ast.Expr, op token.Token, rhs ast.Expr, incdec bool) []ir.Stmt {
	t := f.t
	target := f.lvalue(lhs)
	if target == nil {
		return nil
	}
	var pre []ir.Stmt
	target = f.hoist(target, s.Pos(), &pre)
	typ := target.Type()
	var y ir.Expr
	if incdec {
		b := ir.BasicOf(typ)
		if b == nil {
			t.errorf(s.Pos(), "unsupported: ++/-- on %s", typ)
			return nil
		}
		one := constant.MakeInt64(1)
		if b.Kind.IsFloat() {
			one = constant.ToFloat(one)
		}
		y = &ir.Const{T: b, Value: one}
	} else {
		y = f.expr(rhs)
	}
	val := &ir.Binary{Op: op, X: target, Y: y, T: typ, Pos: t.pos(s.Pos())}
	return append(pre, &ir.AssignStmt{Pos: t.pos(s.Pos()), Target: target, Value: val})
}

// hoist rewrites index expressions of an lvalue that contain calls so they
// are evaluated once, into temporaries declared in pre.
func (f *fnState) hoist(x ir.Expr, pos token.Pos, pre *[]ir.Stmt) ir.Expr {
	switch e := x.(type) {
	case *ir.Index:
		base := f.hoist(e.X, pos, pre)
		idx := e.Index
		if ir.HasCall(idx) {
			tmp := f.temp(idx.Type(), pos)
			*pre = append(*pre, &ir.DeclStmt{Pos: f.t.pos(pos), Var: tmp, Init: idx})
			idx = &ir.VarRef{Var: tmp}
		}
		return &ir.Index{X: base, Index: idx, T: e.T, Pos: e.Pos}
	case *ir.FieldRef:
		return &ir.FieldRef{X: f.hoist(e.X, pos, pre), Field: e.Field, T: e.T}
	}
	return x
}

// tuple lowers a, b = x, y (or :=, or var a, b = x, y): every right-hand
// side is evaluated before any assignment, through temporaries when an
// assignment could change what a later operand reads.
func (f *fnState) tuple(pos token.Pos, lhs, rhs []ast.Expr, define bool) []ir.Stmt {
	t := f.t
	if len(lhs) != len(rhs) {
		t.errorf(pos, "assignment mismatch")
		return nil
	}
	// Go evaluates the index operands on the left and every right-hand side
	// before it assigns anything. Assigning one by one is the same unless a
	// right-hand side or a left index reads a variable assigned here, or
	// calls something.
	simple := true
	for _, r := range rhs {
		if !f.independent(r, lhs) {
			simple = false
		}
	}
	for _, l := range lhs {
		if _, isIdent := l.(*ast.Ident); !isIdent && !f.independent(l, plainTargets(lhs)) {
			simple = false
		}
	}
	var out []ir.Stmt
	if simple {
		for i := range lhs {
			out = append(out, f.assignOne(pos, lhs[i], rhs[i], define)...)
		}
		return out
	}
	// Phase one: left index operands, then right-hand sides, in order.
	assignedVars := map[*ir.Var]bool{}
	for _, l := range plainTargets(lhs) {
		if obj := t.in.Info.Uses[l.(*ast.Ident)]; obj != nil {
			if v, ok := f.vars[obj]; ok {
				assignedVars[v] = true
			}
		}
	}
	targets := make([]ir.Expr, len(lhs))
	for i, l := range lhs {
		if _, isIdent := l.(*ast.Ident); isIdent {
			continue
		}
		if target := f.lvalue(l); target != nil {
			targets[i] = f.hoistOperands(target, pos, assignedVars, &out)
		}
	}
	vals := make([]ir.Expr, len(rhs))
	for i, r := range rhs {
		x := f.expr(r)
		if x.Type() == nil {
			continue
		}
		tmp := f.temp(x.Type(), pos)
		out = append(out, &ir.DeclStmt{Pos: t.pos(pos), Var: tmp, Init: x})
		f.alias(tmp, x)
		vals[i] = &ir.VarRef{Var: tmp}
	}
	// Phase two: the assignments, left to right.
	for i, l := range lhs {
		if vals[i] == nil {
			continue
		}
		if targets[i] != nil {
			out = append(out, &ir.AssignStmt{Pos: t.pos(pos), Target: targets[i], Value: vals[i]})
			continue
		}
		out = append(out, f.assignValue(pos, l, vals[i], define)...)
	}
	return out
}

// plainTargets returns the left-hand sides that are plain identifiers.
func plainTargets(lhs []ast.Expr) []ast.Expr {
	var out []ast.Expr
	for _, l := range lhs {
		if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
			out = append(out, l)
		}
	}
	return out
}

// hoistOperands evaluates the non-constant index operands of an lvalue, and
// a slice it indexes if that slice is one of the assigned variables, into
// temporaries declared in pre.
func (f *fnState) hoistOperands(x ir.Expr, pos token.Pos, assigned map[*ir.Var]bool, pre *[]ir.Stmt) ir.Expr {
	tempOf := func(e ir.Expr) ir.Expr {
		tmp := f.temp(e.Type(), pos)
		*pre = append(*pre, &ir.DeclStmt{Pos: f.t.pos(pos), Var: tmp, Init: e})
		f.alias(tmp, e)
		return &ir.VarRef{Var: tmp}
	}
	switch e := x.(type) {
	case *ir.Index:
		base := e.X
		if r, ok := base.(*ir.VarRef); ok {
			if _, isSlice := r.Var.Type.(*ir.Slice); isSlice && assigned[r.Var] {
				base = tempOf(base)
			}
		} else {
			base = f.hoistOperands(base, pos, assigned, pre)
		}
		idx := e.Index
		if _, isConst := idx.(*ir.Const); !isConst {
			idx = tempOf(idx)
		}
		return &ir.Index{X: base, Index: idx, T: e.T, Pos: e.Pos}
	case *ir.FieldRef:
		return &ir.FieldRef{X: f.hoistOperands(e.X, pos, assigned, pre), Field: e.Field, T: e.T}
	}
	return x
}

// independent reports whether evaluating r cannot observe an assignment to
// any of lhs: it reads none of their variables and calls nothing.
func (f *fnState) independent(r ast.Expr, lhs []ast.Expr) bool {
	objs := map[types.Object]bool{}
	for _, l := range lhs {
		ast.Inspect(l, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if o := f.t.in.Info.Uses[id]; o != nil {
					objs[o] = true
				}
				if o := f.t.in.Info.Defs[id]; o != nil {
					objs[o] = true
				}
			}
			return true
		})
	}
	ok := true
	ast.Inspect(r, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			if objs[f.t.in.Info.Uses[n]] {
				ok = false
			}
		case *ast.CallExpr:
			if !f.pureCall(n) {
				ok = false
			}
		}
		return ok
	})
	return ok
}

func (f *fnState) assignOne(pos token.Pos, l, r ast.Expr, define bool) []ir.Stmt {
	if define {
		if id, ok := l.(*ast.Ident); ok {
			return f.define(id, r)
		}
	}
	return f.store(pos, l, r)
}

// assignValue assigns an already lowered value to l (declaring it if new).
func (f *fnState) assignValue(pos token.Pos, l ast.Expr, x ir.Expr, define bool) []ir.Stmt {
	t := f.t
	if id, ok := l.(*ast.Ident); ok {
		if id.Name == "_" {
			return nil
		}
		if obj := t.in.Info.Defs[id]; obj != nil {
			typ := t.irType(f.ctx, obj.Type(), id.Pos(), true)
			if typ == nil {
				return nil
			}
			v := f.newVar(obj, id.Name, typ, ir.Local, id.Pos())
			f.alias(v, x)
			return []ir.Stmt{&ir.DeclStmt{Pos: t.pos(id.Pos()), Var: v, Init: x}}
		}
	}
	target := f.lvalue(l)
	if target == nil {
		return nil
	}
	if r, ok := target.(*ir.VarRef); ok {
		f.alias(r.Var, x)
	}
	return []ir.Stmt{&ir.AssignStmt{Pos: t.pos(pos), Target: target, Value: x}}
}

// multiCall lowers a, b := f(x) and a, b = f(x).
func (f *fnState) multiCall(pos token.Pos, lhs []ast.Expr, rhs ast.Expr, define bool) []ir.Stmt {
	t := f.t
	ce, ok := ast.Unparen(rhs).(*ast.CallExpr)
	if !ok {
		t.errorf(pos, "unsupported: multi-value assignment from %s (only device function calls return several values)", exprKind(rhs))
		return nil
	}
	x := f.call(ce, false)
	call, ok := x.(*ir.Call)
	if !ok {
		if x != badExpr {
			t.errorf(pos, "unsupported: multi-value assignment from this call")
		}
		return nil
	}
	var out []ir.Stmt
	targets := make([]ir.Expr, len(lhs))
	for i, l := range lhs {
		if id, ok := l.(*ast.Ident); ok {
			if id.Name == "_" {
				continue
			}
			if obj := t.in.Info.Defs[id]; obj != nil && define {
				typ := t.irType(f.ctx, obj.Type(), id.Pos(), true)
				if typ == nil {
					return nil
				}
				v := f.newVar(obj, id.Name, typ, ir.Local, id.Pos())
				out = append(out, &ir.DeclStmt{Pos: t.pos(id.Pos()), Var: v})
				targets[i] = &ir.VarRef{Var: v}
				continue
			}
		}
		targets[i] = f.lvalue(l)
	}
	return append(out, &ir.CallStmt{Pos: t.pos(pos), Targets: targets, Call: call})
}

func exprKind(e ast.Expr) string {
	switch e := ast.Unparen(e).(type) {
	case *ast.IndexExpr:
		return "an index expression (maps are not supported)"
	case *ast.TypeAssertExpr:
		return "a type assertion (interfaces are not supported)"
	case *ast.UnaryExpr:
		if e.Op == token.ARROW {
			return "a channel receive (channels are not supported)"
		}
	}
	return "this expression"
}

func (f *fnState) ifStmt(s *ast.IfStmt) []ir.Stmt {
	t := f.t
	var init []ir.Stmt
	if s.Init != nil {
		init = f.stmt(s.Init)
	}
	st := &ir.IfStmt{Pos: t.pos(s.Pos()), Cond: f.expr(s.Cond), Then: f.block(s.Body.List, s.Body.Lbrace)}
	switch e := s.Else.(type) {
	case *ast.BlockStmt:
		st.Else = f.block(e.List, e.Lbrace)
	case *ast.IfStmt:
		st.Else = &ir.Block{Pos: t.pos(e.Pos()), Stmts: f.ifStmt(e)}
	}
	if init == nil {
		return []ir.Stmt{st}
	}
	return []ir.Stmt{&ir.Block{Pos: t.pos(s.Pos()), Stmts: append(init, st)}}
}

func (f *fnState) push(st ir.Stmt, label string, loop bool) {
	f.frames = append(f.frames, &frame{stmt: st, label: label, loop: loop})
}

func (f *fnState) pop() { f.frames = f.frames[:len(f.frames)-1] }

func single(stmts []ir.Stmt, pos ir.Pos) ir.Stmt {
	switch len(stmts) {
	case 0:
		return nil
	case 1:
		return stmts[0]
	}
	return &ir.Block{Pos: pos, Stmts: stmts}
}

func (f *fnState) forStmt(s *ast.ForStmt, label string) []ir.Stmt {
	t := f.t
	st := &ir.ForStmt{Pos: t.pos(s.Pos()), Label: label}
	var pre []ir.Stmt
	if s.Init != nil {
		init := f.stmt(s.Init)
		if len(init) == 1 {
			st.Init = init[0]
		} else {
			pre = init
		}
	}
	if s.Cond != nil {
		st.Cond = f.expr(s.Cond)
	}
	if s.Post != nil {
		st.Post = single(f.stmt(s.Post), t.pos(s.Post.Pos()))
	}
	f.push(st, label, true)
	st.Body = f.block(s.Body.List, s.Body.Lbrace)
	f.pop()
	if pre != nil {
		return []ir.Stmt{&ir.Block{Pos: st.Pos, Stmts: append(pre, st)}}
	}
	return []ir.Stmt{st}
}

func (f *fnState) rangeStmt(s *ast.RangeStmt, label string) []ir.Stmt {
	t := f.t
	pos := t.pos(s.Pos())
	xtv := t.in.Info.Types[s.X]
	xt := f.ctx.resolve(xtv.Type)
	st := &ir.ForStmt{Pos: pos, Label: label}
	var pre []ir.Stmt
	var limit ir.Expr
	var elemOf ir.Expr // the ranged slice/array, when ranging over one
	switch u := xt.Underlying().(type) {
	case *types.Basic:
		if u.Info()&types.IsInteger == 0 {
			t.errorf(s.X.Pos(), "unsupported: range over %s cannot be used in kernels", describe(xt))
			return nil
		}
		limit = f.expr(s.X)
	case *types.Slice, *types.Array, *types.Pointer:
		if p, ok := u.(*types.Pointer); ok {
			if _, ok := f.ctx.resolve(p.Elem()).Underlying().(*types.Array); !ok {
				t.errorf(s.X.Pos(), "unsupported: range over %s", describe(xt))
				return nil
			}
		}
		elemOf = f.expr(s.X)
		switch et := elemOf.Type().(type) {
		case *ir.Slice:
			limit = &ir.Len{X: elemOf}
		case *ir.Array:
			limit = &ir.Const{T: ir.IntType, Value: constant.MakeInt64(et.Len)}
		case *ir.Pointer:
			limit = &ir.Const{T: ir.IntType, Value: constant.MakeInt64(et.Elem.(*ir.Array).Len)}
		}
	default:
		t.errorf(s.X.Pos(), "unsupported: range over %s cannot be used in kernels", describe(xt))
		return nil
	}
	if limit == nil {
		return nil
	}
	// Go evaluates the range expression once.
	if _, isConst := limit.(*ir.Const); !isConst {
		if ir.HasCall(limit) || elemOf == nil {
			tmp := f.temp(limit.Type(), s.X.Pos())
			pre = append(pre, &ir.DeclStmt{Pos: pos, Var: tmp, Init: limit})
			limit = &ir.VarRef{Var: tmp}
		}
	}
	// The index variable: the key if it is a new variable, else a hidden one.
	var idx *ir.Var
	var assignKey ir.Stmt
	keyIdent, _ := s.Key.(*ast.Ident)
	if s.Tok == token.DEFINE && keyIdent != nil && keyIdent.Name != "_" {
		obj := t.in.Info.Defs[keyIdent]
		typ := t.irType(f.ctx, obj.Type(), keyIdent.Pos(), false)
		idx = f.newVar(obj, keyIdent.Name, typ, ir.Local, keyIdent.Pos())
	} else {
		typ := limit.Type()
		if elemOf != nil {
			typ = ir.IntType
		}
		idx = f.temp(typ, s.Pos())
		idx.Name = f.varName("i")
		if s.Key != nil && (keyIdent == nil || keyIdent.Name != "_") {
			target := f.lvalue(s.Key)
			if target != nil {
				assignKey = &ir.AssignStmt{Pos: pos, Target: target, Value: &ir.VarRef{Var: idx}}
			}
		}
	}
	zero := constant.MakeInt64(0)
	st.Init = &ir.DeclStmt{Pos: pos, Var: idx, Init: &ir.Const{T: ir.BasicOf(idx.Type), Value: zero}}
	if ir.BasicOf(idx.Type) == nil {
		st.Init = &ir.DeclStmt{Pos: pos, Var: idx, Init: &ir.Const{T: ir.IntType, Value: zero}}
	}
	st.Cond = &ir.Binary{Op: token.LSS, X: &ir.VarRef{Var: idx}, Y: limit, T: ir.BoolType}
	st.Post = &ir.AssignStmt{Pos: pos, Target: &ir.VarRef{Var: idx}, Value: &ir.Binary{Op: token.ADD, X: &ir.VarRef{Var: idx}, Y: &ir.Const{T: ir.BasicOf(idx.Type), Value: constant.MakeInt64(1)}, T: idx.Type}}
	var head []ir.Stmt
	if assignKey != nil {
		head = append(head, assignKey)
	}
	var elem *ir.Index
	if s.Value != nil && elemOf != nil {
		elem = &ir.Index{X: elemOf, Index: &ir.VarRef{Var: idx}, T: elemType(elemOf.Type()), Pos: pos}
		vid, _ := s.Value.(*ast.Ident)
		switch {
		case vid != nil && vid.Name == "_":
		case s.Tok == token.DEFINE && vid != nil:
			obj := t.in.Info.Defs[vid]
			typ := t.irType(f.ctx, obj.Type(), vid.Pos(), false)
			if typ != nil {
				v := f.newVar(obj, vid.Name, typ, ir.Local, vid.Pos())
				head = append(head, &ir.DeclStmt{Pos: t.pos(vid.Pos()), Var: v, Init: elem})
			}
		default:
			if target := f.lvalue(s.Value); target != nil {
				head = append(head, &ir.AssignStmt{Pos: pos, Target: target, Value: elem})
			}
		}
	}
	f.push(st, label, true)
	st.Body = f.block(s.Body.List, s.Body.Lbrace)
	f.pop()
	// Go evaluates the range expression once: ranging an array value ranges
	// over a copy, and a slice variable reassigned in the body keeps its
	// old length and elements. Bind the expression to a temporary when the
	// body could tell the difference.
	if root := ir.RootVar(elemOf); root != nil {
		rebind := false
		switch elemOf.Type().(type) {
		case *ir.Array:
			rebind = elem != nil && storesInto(st.Body, root, false)
		case *ir.Slice:
			rebind = storesInto(st.Body, root, true)
		}
		if rebind {
			tmp := f.temp(elemOf.Type(), s.X.Pos())
			pre = append(pre, &ir.DeclStmt{Pos: pos, Var: tmp, Init: elemOf})
			f.alias(tmp, elemOf)
			ref := &ir.VarRef{Var: tmp}
			if elem != nil {
				elem.X = ref
			}
			if l, ok := limit.(*ir.Len); ok {
				l.X = ref
			}
		}
	}
	st.Body.Stmts = append(head, st.Body.Stmts...)
	if pre != nil {
		return []ir.Stmt{&ir.Block{Pos: pos, Stmts: append(pre, st)}}
	}
	return []ir.Stmt{st}
}

func elemType(t ir.Type) ir.Type {
	switch t := t.(type) {
	case *ir.Slice:
		return t.Elem
	case *ir.Array:
		return t.Elem
	case *ir.Pointer:
		if a, ok := t.Elem.(*ir.Array); ok {
			return a.Elem
		}
	}
	return nil
}

func (f *fnState) switchStmt(s *ast.SwitchStmt, label string) []ir.Stmt {
	t := f.t
	pos := t.pos(s.Pos())
	var pre []ir.Stmt
	if s.Init != nil {
		pre = f.stmt(s.Init)
	}
	st := &ir.SwitchStmt{Pos: pos, Label: label}
	if s.Tag != nil {
		st.Tag = f.expr(s.Tag)
	}
	simple := st.Tag != nil
	if b := ir.BasicOf(typeOrNil(st.Tag)); b == nil || !b.Kind.IsInteger() {
		simple = false
	}
	f.push(st, label, false)
	var fall []bool // fall[i]: case i ends in fallthrough
	for _, c := range s.Body.List {
		cc := c.(*ast.CaseClause)
		k := &ir.Case{Pos: t.pos(cc.Pos())}
		for _, v := range cc.List {
			x := f.expr(v)
			if _, ok := x.(*ir.Const); !ok {
				simple = false
			}
			k.Values = append(k.Values, x)
		}
		body := cc.Body
		falls := false
		if n := len(body); n > 0 {
			if br, ok := body[n-1].(*ast.BranchStmt); ok && br.Tok == token.FALLTHROUGH {
				falls = true
				body = body[:n-1]
			}
		}
		k.Body = f.block(body, cc.Colon)
		st.Cases = append(st.Cases, k)
		fall = append(fall, falls)
	}
	f.pop()
	f.fallThrough(st, fall)
	st.Simple = simple
	if pre != nil {
		return []ir.Stmt{&ir.Block{Pos: pos, Stmts: append(pre, st)}}
	}
	return []ir.Stmt{st}
}

// fallThrough gives each case that ends in a fallthrough statement the body
// it runs in Go: its own statements, then those of the next case in source
// order (and, when that one falls through too, of the case after it). The
// next case's body is copied (with fresh locals) into a sibling block, so a
// name the falling case declares never captures one the copy refers to.
// Break statements in the copy still leave the switch. Every printer then
// sees switches whose cases do not fall through, as ir.SwitchStmt promises;
// the type checker has already rejected a fallthrough out of place or in
// the last case.
func (f *fnState) fallThrough(st *ir.SwitchStmt, fall []bool) {
	for i := len(st.Cases) - 2; i >= 0; i-- {
		if !fall[i] {
			continue
		}
		k, next := st.Cases[i], st.Cases[i+1]
		c := ir.NewCloner().Block(next.Body)
		// Labels name one statement of the function: the copies of
		// labelled loops and switches get labels of their own.
		ir.InspectStmts(c, func(s ir.Stmt) {
			switch s := s.(type) {
			case *ir.ForStmt:
				s.Label = f.copyLabel(s.Label)
			case *ir.SwitchStmt:
				s.Label = f.copyLabel(s.Label)
			}
		})
		k.Body = &ir.Block{Pos: k.Body.Pos, Stmts: []ir.Stmt{k.Body, c}}
	}
}

// copyLabel returns a new label for a copy of a statement labelled l, ""
// for none.
func (f *fnState) copyLabel(l string) string {
	if l == "" {
		return ""
	}
	f.labelCopies++
	return fmt.Sprintf("%s_dc%d", l, f.labelCopies)
}

func typeOrNil(x ir.Expr) ir.Type {
	if x == nil {
		return nil
	}
	return x.Type()
}

func (f *fnState) branch(s *ast.BranchStmt) []ir.Stmt {
	t := f.t
	var kind ir.BranchKind
	switch s.Tok {
	case token.BREAK:
		kind = ir.Break
	case token.CONTINUE:
		kind = ir.Continue
	case token.GOTO:
		t.errorf(s.Pos(), "unsupported: goto cannot be used in kernels")
		return nil
	case token.FALLTHROUGH:
		// switchStmt takes the fallthrough that ends a case; the type
		// checker rejects any other.
		t.errorf(s.Pos(), "fallthrough statement out of place")
		return nil
	}
	var target *frame
	for i := len(f.frames) - 1; i >= 0; i-- {
		fr := f.frames[i]
		if s.Label != nil {
			if fr.label == s.Label.Name {
				target = fr
				break
			}
			continue
		}
		if kind == ir.Continue && !fr.loop {
			continue
		}
		target = fr
		break
	}
	if target == nil {
		t.errorf(s.Pos(), "%s outside a loop or switch", s.Tok)
		return nil
	}
	// Innermost: a plain break/continue reaches the same target.
	innermost := false
	for i := len(f.frames) - 1; i >= 0; i-- {
		fr := f.frames[i]
		if kind == ir.Continue && !fr.loop {
			continue
		}
		innermost = fr == target
		break
	}
	return []ir.Stmt{&ir.BranchStmt{Pos: t.pos(s.Pos()), Kind: kind, Target: target.stmt, Labelled: s.Label != nil, Innermost: innermost}}
}

func (f *fnState) returnStmt(s *ast.ReturnStmt) []ir.Stmt {
	t := f.t
	pos := t.pos(s.Pos())
	if f.kernel {
		return []ir.Stmt{&ir.ReturnStmt{Pos: pos}}
	}
	if len(s.Results) == 0 && len(f.named) > 0 {
		r := &ir.ReturnStmt{Pos: pos}
		for _, v := range f.named {
			r.Results = append(r.Results, &ir.VarRef{Var: v})
		}
		return []ir.Stmt{r}
	}
	if len(s.Results) == 1 && len(f.results) > 1 {
		// return g() where g returns several values: through temporaries.
		ce, ok := ast.Unparen(s.Results[0]).(*ast.CallExpr)
		if !ok {
			t.errorf(s.Pos(), "unsupported return")
			return nil
		}
		call, ok := f.call(ce, false).(*ir.Call)
		if !ok {
			return nil
		}
		var out []ir.Stmt
		r := &ir.ReturnStmt{Pos: pos}
		var targets []ir.Expr
		for _, rt := range call.Func.Results {
			tmp := f.temp(rt, s.Pos())
			out = append(out, &ir.DeclStmt{Pos: pos, Var: tmp})
			targets = append(targets, &ir.VarRef{Var: tmp})
			r.Results = append(r.Results, &ir.VarRef{Var: tmp})
		}
		out = append(out, &ir.CallStmt{Pos: pos, Targets: targets, Call: call}, r)
		return out
	}
	r := &ir.ReturnStmt{Pos: pos}
	var out []ir.Stmt
	for _, e := range s.Results {
		x, pre := f.valueExpr(e)
		out = append(out, pre...)
		r.Results = append(r.Results, x)
	}
	return append(out, r)
}

// valueExpr lowers e where Go allows any value: an array literal, which
// C can only hold in a declaration, goes to a temporary declared by the
// statements pre, to run first.
func (f *fnState) valueExpr(e ast.Expr) (x ir.Expr, pre []ir.Stmt) {
	lit, ok := ast.Unparen(e).(*ast.CompositeLit)
	if !ok {
		return f.expr(e), nil
	}
	at, ok := f.typeOf(lit).(*ir.Array)
	if !ok {
		return f.expr(e), nil
	}
	tmp := f.temp(at, lit.Pos())
	d := &ir.DeclStmt{Pos: f.t.pos(lit.Pos()), Var: tmp, Init: f.arrayLit(lit, at)}
	return &ir.VarRef{Var: tmp}, []ir.Stmt{d}
}

// pureCall reports whether a call has no effects that a tuple assignment
// could observe: conversions, dc.Thread methods, math and min/max/len.
func (f *fnState) pureCall(c *ast.CallExpr) bool {
	info := f.t.in.Info
	if tv, ok := info.Types[c.Fun]; ok && tv.IsType() {
		return true
	}
	if se, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr); ok {
		if sel := info.Selections[se]; sel != nil {
			return isThread(sel.Recv()) && se.Sel.Name != "Barrier"
		}
	}
	id := calleeIdent(c.Fun)
	if id == nil {
		return false
	}
	switch obj := info.Uses[id].(type) {
	case *types.Builtin:
		return obj.Name() == "len" || obj.Name() == "min" || obj.Name() == "max"
	case *types.Func:
		if obj.Pkg() == nil {
			return false
		}
		return obj.Pkg().Path() == "math" || (obj.Pkg().Path() == DCPath && dcMath[obj.Name()])
	}
	return false
}

// storesInto reports whether a statement in b assigns to v itself (whole)
// or, if !whole, to v or anything inside it (an element, a field).
func storesInto(b *ir.Block, v *ir.Var, whole bool) bool {
	hit := func(target ir.Expr) bool {
		if target == nil {
			return false
		}
		if whole {
			r, ok := target.(*ir.VarRef)
			return ok && r.Var == v
		}
		return ir.RootVar(target) == v
	}
	found := false
	ir.InspectStmts(b, func(s ir.Stmt) {
		switch s := s.(type) {
		case *ir.AssignStmt:
			found = found || hit(s.Target)
		case *ir.CallStmt:
			for _, t := range s.Targets {
				found = found || hit(t)
			}
		}
	})
	return found
}

// initExpr lowers the initial value of a new variable of Go type gt: any
// expression, or an array literal, which only a declaration may hold.
func (f *fnState) initExpr(init ast.Expr, gt types.Type) ir.Expr {
	if lit, ok := ast.Unparen(init).(*ast.CompositeLit); ok {
		if _, isArray := f.ctx.resolve(gt).Underlying().(*types.Array); isArray {
			if at, ok := f.typeOf(lit).(*ir.Array); ok {
				return f.arrayLit(lit, at)
			}
			return badExpr
		}
	}
	return f.expr(init)
}
