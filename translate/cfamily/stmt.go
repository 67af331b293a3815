package cfamily

import (
	"fmt"
	"strings"

	"github.com/dotcompute/dc/translate/ir"
)

// targetPlan is how a loop or switch prints and which labels it needs.
type targetPlan struct {
	label     int  // number of its dc_break_N / dc_continue_N labels, 0 if none
	needBreak bool // some break leaves it with goto dc_break_N
	needCont  bool // some continue reaches it with goto dc_continue_N
	hoistInit bool // loop: Init printed before the loop, in a scope of its own
	hoistPost bool // loop: Post printed at the end of the body
	chain     bool // switch: printed as an if/else-if chain
}

// frame is one enclosing loop or switch during planning.
type frame struct {
	stmt ir.Stmt
	plan *targetPlan
	loop bool // a C loop
	cSw  bool // a C switch
}

// planBranches decides, before printing, how every loop and switch
// prints and which break/continue statements can be plain C ones.
func (f *fn) planBranches(body *ir.Block) {
	if f.p != nil && f.p.d.NoGoto {
		f.planNoGoto(body)
		return
	}
	f.plan = make(map[ir.Stmt]*targetPlan)
	f.plain = make(map[*ir.BranchStmt]bool)
	var stack []frame
	var walk func(s ir.Stmt)
	walkBody := func(b *ir.Block) {
		if b != nil {
			for _, s := range b.Stmts {
				walk(s)
			}
		}
	}
	label := func(tp *targetPlan) {
		if tp.label == 0 {
			f.labels++
			tp.label = f.labels
		}
	}
	walk = func(s ir.Stmt) {
		switch s := s.(type) {
		case *ir.Block:
			walkBody(s)
		case *ir.IfStmt:
			walkBody(s.Then)
			walkBody(s.Else)
		case *ir.ForStmt:
			tp := &targetPlan{
				hoistInit: s.Init != nil && !f.single(s.Init),
				hoistPost: s.Post != nil && !f.single(s.Post),
			}
			f.plan[s] = tp
			stack = append(stack, frame{stmt: s, plan: tp, loop: true})
			walkBody(s.Body)
			stack = stack[:len(stack)-1]
		case *ir.SwitchStmt:
			tp := &targetPlan{chain: !s.Simple || s.Tag == nil}
			f.plan[s] = tp
			stack = append(stack, frame{stmt: s, plan: tp, cSw: !tp.chain})
			for _, c := range s.Cases {
				walkBody(c.Body)
			}
			stack = stack[:len(stack)-1]
		case *ir.BranchStmt:
			var target *frame
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i].stmt == s.Target {
					target = &stack[i]
					break
				}
			}
			if target == nil {
				return // reported when printed
			}
			// The construct a plain C break or continue reaches.
			var inner *frame
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i].loop || (s.Kind == ir.Break && stack[i].cSw) {
					inner = &stack[i]
					break
				}
			}
			switch {
			case s.Kind == ir.Break && inner == target:
				f.plain[s] = true
			case s.Kind == ir.Continue && inner == target && !target.plan.hoistPost:
				f.plain[s] = true
			case s.Kind == ir.Break:
				target.plan.needBreak = true
				label(target.plan)
			default:
				target.plan.needCont = true
				label(target.plan)
			}
		}
	}
	walkBody(body)
}

// single reports whether s prints as one C statement, without its ';', so
// that it fits in a for header.
func (f *fn) single(s ir.Stmt) bool {
	switch s := s.(type) {
	case *ir.DeclStmt:
		switch s.Var.Type.(type) {
		case *ir.Slice:
			return false
		case *ir.Array:
			return s.Init == nil
		}
		return !isWrappedCall(s.Init)
	case *ir.AssignStmt:
		switch s.Target.Type().(type) {
		case *ir.Slice, *ir.Array:
			return false
		}
		return !isWrappedCall(s.Value)
	case *ir.ExprStmt:
		return true
	}
	return false
}

func isWrappedCall(e ir.Expr) bool {
	c, ok := e.(*ir.Call)
	return ok && wrapped(c.Func)
}

// stmts prints a statement list at the current depth.
func (f *fn) stmts(list []ir.Stmt) {
	for _, s := range list {
		f.stmt(s)
	}
}

// body prints the statements of b one level deeper (the caller writes the
// braces).
func (f *fn) body(b *ir.Block) {
	f.depth++
	if b != nil {
		f.stmts(b.Stmts)
	}
	f.depth--
}

// stmt prints one statement.
func (f *fn) stmt(s ir.Stmt) {
	if pos := s.StmtPos(); pos.IsValid() {
		f.pos = pos
	}
	switch s.(type) {
	case *ir.Block, *ir.SwitchStmt:
		// A block has no line of its own; a switch writes its own.
	default:
		f.p.line(&f.b, s.StmtPos(), false)
	}
	switch s := s.(type) {
	case *ir.Block:
		f.linef("{")
		f.body(s)
		f.linef("}")
	case *ir.DeclStmt:
		f.decl(s)
	case *ir.AssignStmt:
		f.assign(s.Target, s.Value)
	case *ir.CallStmt:
		f.callStmt(s)
	case *ir.ExprStmt:
		f.linef("%s;", f.exprStmt(s.X))
	case *ir.IfStmt:
		f.ifStmt(s, false)
	case *ir.ForStmt:
		f.forStmt(s)
	case *ir.SwitchStmt:
		f.switchStmt(s)
	case *ir.BranchStmt:
		f.branch(s)
	case *ir.ReturnStmt:
		f.ret(s)
	default:
		f.problemf("statement %T", s)
	}
}

// exprStmt returns the text of an expression evaluated for its effects.
func (f *fn) exprStmt(x ir.Expr) string {
	switch c := x.(type) {
	case *ir.Call:
		return call(f.p.funcName(c.Func), f.args(c)...).s
	case *ir.BuiltinCall:
		return f.expr(x).s
	}
	return "(void)" + f.expr(x).paren()
}

// simple returns the text of a statement for which single is true.
func (f *fn) simple(s ir.Stmt) string {
	switch s := s.(type) {
	case *ir.DeclStmt:
		if s.Init == nil {
			return f.p.decl(s.Var.Type, f.name(s.Var)) + " = " + f.p.zeroValue(s.Var.Type)
		}
		init := f.expr(s.Init).s
		return f.p.decl(s.Var.Type, f.name(s.Var)) + " = " + init
	case *ir.AssignStmt:
		if f.chainChecked(s.Target) {
			f.problemf("a checked index in the assignment of a for statement's post statement; use unchecked or assign in the body")
		}
		v := f.expr(s.Value).s
		return f.expr(s.Target).s + " = " + v
	case *ir.ExprStmt:
		return f.exprStmt(s.X)
	}
	f.problemf("statement %T in a for header", s)
	return ""
}

func (f *fn) decl(s *ir.DeclStmt) {
	v := s.Var
	switch t := v.Type.(type) {
	case *ir.Slice:
		ptr, n := "0", "0"
		if s.Init != nil {
			if isWrappedCall(s.Init) {
				tmp := f.wrappedCall(s.Init.(*ir.Call))
				ptr, n = tmp+".r0", tmp+".r0_len"
			} else {
				ptr, n = f.sliceValue(s.Init, t)
			}
		}
		f.linef("%s = %s;", f.p.sliceDecl(t, f.name(v), false, false), ptr)
		f.linef("%s %s = %s;", f.p.lenType(), f.lenName(v), n)
		return
	case *ir.Array:
		if s.Init == nil {
			f.linef("%s = %s;", f.p.decl(t, f.name(v)), f.p.zeroValue(t))
			return
		}
		if lit, ok := s.Init.(*ir.ArrayLit); ok {
			f.linef("%s = %s;", f.p.decl(t, f.name(v)), f.initList(lit))
			return
		}
		src := f.arraySource(s.Init)
		f.linef("%s;", f.p.decl(t, f.name(v)))
		f.copyArray(t, f.name(v), src)
		return
	}
	if isWrappedCall(s.Init) {
		tmp := f.wrappedCall(s.Init.(*ir.Call))
		f.linef("%s = %s.r0;", f.p.decl(v.Type, f.name(v)), tmp)
		return
	}
	f.linef("%s;", f.simple(s))
}

// sliceValue returns the pointer and length of slice expression e for a
// store into a mutable slice of type t.
func (f *fn) sliceValue(e ir.Expr, t *ir.Slice) (ptr, n string) {
	ptr, n, ro := f.slice(e)
	if ro {
		ptr = castTo(f.p.elemPtr(t), primary(ptr)).s
	}
	return ptr, n
}

// arraySource returns an lvalue to copy an array value e from.
func (f *fn) arraySource(e ir.Expr) string {
	if isWrappedCall(e) {
		return f.wrappedCall(e.(*ir.Call)) + ".r0"
	}
	if ir.HasCall(e) {
		// An array field of a function's struct result (f(x).V, or a
		// row of one): the call goes to a temporary first.
		if path, c := callRoot(e); c != nil && !ir.HasCall(path(&ir.VarRef{Var: &ir.Var{Type: c.Type()}})) {
			f.temps++
			tmp := &ir.Var{Name: fmt.Sprintf("dc_t%d", f.temps), Type: c.Type()}
			f.names[tmp] = tmp.Name // dc_ names are the printer's own
			f.linef("%s = %s;", f.p.decl(tmp.Type, tmp.Name), f.expr(c).s)
			return f.expr(path(&ir.VarRef{Var: tmp})).s
		}
		// An lvalue whose indices call functions (s[f(i)].V): its address
		// is computed once, into a pointer the copy reads through.
		if at, ok := e.Type().(*ir.Array); ok {
			q, inMemory := f.p.spaceQualifier(e)
			if !inMemory && ir.RootVar(e) == nil {
				f.problemf("copying an array from an expression with calls")
				return f.expr(e).s
			}
			f.temps++
			name := fmt.Sprintf("dc_t%d", f.temps)
			d := "*" + name
			if _, ok := at.Elem.(*ir.Array); ok {
				d = "(*" + name + ")"
			}
			decl := "const " + f.p.decl(at.Elem, d)
			if q != "" {
				decl = q + " " + decl
			}
			f.linef("%s = %s;", decl, f.expr(e).s)
			return name
		}
		f.problemf("copying an array from an expression with calls")
	}
	return f.expr(e).s
}

// callRoot returns, for an lvalue path of fields and indices rooted in a
// call (f(x).V[i]), the call and a function that rebuilds the path on
// another root; c is nil for other expressions.
func callRoot(e ir.Expr) (path func(root ir.Expr) ir.Expr, c *ir.Call) {
	switch x := e.(type) {
	case *ir.Call:
		if isWrappedCall(x) {
			return nil, nil
		}
		return func(root ir.Expr) ir.Expr { return root }, x
	case *ir.FieldRef:
		inner, c := callRoot(x.X)
		if c == nil {
			return nil, nil
		}
		return func(root ir.Expr) ir.Expr { return &ir.FieldRef{X: inner(root), Field: x.Field, T: x.T} }, c
	case *ir.Index:
		inner, c := callRoot(x.X)
		if c == nil {
			return nil, nil
		}
		return func(root ir.Expr) ir.Expr {
			return &ir.Index{X: inner(root), Index: x.Index, T: x.T, Pos: x.Pos, Check: x.Check}
		}, c
	}
	return nil, nil
}

// copyArray copies array src into array dst element by element.
func (f *fn) copyArray(t *ir.Array, dst, src string) {
	var loop func(t *ir.Array, dst, src string, level int)
	loop = func(t *ir.Array, dst, src string, level int) {
		i := fmt.Sprintf("dc_i%d", level)
		f.linef("for (int %s = 0; %s < %d; %s++) {", i, i, t.Len, i)
		f.depth++
		dst, src = dst+"["+i+"]", src+"["+i+"]"
		if at, ok := t.Elem.(*ir.Array); ok {
			loop(at, dst, src, level+1)
		} else {
			f.linef("%s = %s;", dst, src)
		}
		f.depth--
		f.linef("}")
	}
	loop(t, dst, src, 0)
}

// wrappedCall prints a call of a function whose results come in a dc_ret_
// struct into a new temporary and returns the temporary's name.
func (f *fn) wrappedCall(c *ir.Call) string {
	f.temps++
	tmp := fmt.Sprintf("dc_t%d", f.temps)
	f.linef("%s %s = %s;", f.p.retStructName(c.Func), tmp, call(f.p.funcName(c.Func), f.args(c)...).s)
	return tmp
}

// assign stores value into target.
func (f *fn) assign(target, value ir.Expr) {
	switch t := target.Type().(type) {
	case *ir.Slice:
		var ptr, n string
		if isWrappedCall(value) {
			tmp := f.wrappedCall(value.(*ir.Call))
			ptr, n = tmp+".r0", tmp+".r0_len"
		} else {
			ptr, n = f.sliceValue(value, t)
		}
		dp, dn, _ := f.slice(target)
		f.linef("%s = %s;", dp, ptr)
		f.linef("%s = %s;", dn, n)
		return
	case *ir.Array:
		if f.chainChecked(target) {
			f.checkedStore(target, func() string { return f.arraySource(value) })
			return
		}
		src := f.arraySource(value)
		if ir.HasCall(target) {
			f.problemf("assigning an array to a location computed with calls")
		}
		f.copyArray(t, f.expr(target).s, src)
		return
	}
	if f.chainChecked(target) {
		f.checkedStore(target, func() string {
			if isWrappedCall(value) {
				return f.wrappedCall(value.(*ir.Call)) + ".r0"
			}
			return f.expr(value).s
		})
		return
	}
	if isWrappedCall(value) {
		tmp := f.wrappedCall(value.(*ir.Call))
		f.linef("%s = %s.r0;", f.expr(target).s, tmp)
		return
	}
	v := f.expr(value).s
	f.linef("%s = %s;", f.expr(target).s, v)
}

// callStmt assigns the results of a multi-result call through a temporary.
func (f *fn) callStmt(s *ir.CallStmt) {
	c := s.Call
	if !wrapped(c.Func) {
		if len(s.Targets) == 1 && s.Targets[0] != nil && len(c.Func.Results) == 1 {
			f.assign(s.Targets[0], c)
			return
		}
		f.linef("%s;", f.exprStmt(c))
		return
	}
	tmp := f.wrappedCall(c)
	for i, t := range s.Targets {
		if t == nil || i >= len(c.Func.Results) {
			continue
		}
		r := fmt.Sprintf("%s.r%d", tmp, i)
		switch rt := c.Func.Results[i].(type) {
		case *ir.Slice:
			dp, dn, _ := f.slice(t)
			f.linef("%s = %s;", dp, r)
			f.linef("%s = %s_len;", dn, r)
		case *ir.Array:
			if f.chainChecked(t) {
				f.checkedStore(t, func() string { return r })
				continue
			}
			f.copyArray(rt, f.expr(t).s, r)
		default:
			if f.chainChecked(t) {
				f.checkedStore(t, func() string { return r })
				continue
			}
			f.linef("%s = %s;", f.expr(t).s, r)
		}
	}
}

// ifStmt prints an if statement; elseIf prints it as the "} else if"
// of the enclosing one.
func (f *fn) ifStmt(s *ir.IfStmt, elseIf bool) {
	if elseIf {
		// Before the condition, which may write an #error line.
		f.p.line(&f.b, s.Pos, false)
	}
	cond := f.expr(s.Cond).s
	if elseIf {
		f.linef("} else if (%s) {", cond)
	} else {
		f.linef("if (%s) {", cond)
	}
	f.body(s.Then)
	if s.Else == nil || len(s.Else.Stmts) == 0 {
		f.linef("}")
		return
	}
	if len(s.Else.Stmts) == 1 {
		if next, ok := s.Else.Stmts[0].(*ir.IfStmt); ok {
			if next.Pos.IsValid() {
				f.pos = next.Pos
			}
			f.ifStmt(next, true)
			return
		}
	}
	f.linef("} else {")
	f.body(s.Else)
	f.linef("}")
}

func (f *fn) forStmt(s *ir.ForStmt) {
	tp := f.plan[s]
	if tp == nil { // not planned: a statement outside the body walk
		tp = &targetPlan{hoistInit: s.Init != nil && !f.single(s.Init), hoistPost: s.Post != nil && !f.single(s.Post)}
	}
	f.ngDeclare(s)
	if tp.hoistInit {
		f.linef("{")
		f.depth++
		f.stmt(s.Init)
		f.p.line(&f.b, s.Pos, false)
	}
	init, post := "", ""
	if s.Init != nil && !tp.hoistInit {
		init = f.simple(s.Init)
	}
	cond := ""
	if s.Cond != nil {
		cond = f.expr(s.Cond).s
	}
	if s.Post != nil && !tp.hoistPost {
		post = f.simple(s.Post)
	}
	switch {
	case init == "" && cond == "" && post == "":
		f.linef("for (;;) {")
	default:
		f.linef("for (%s; %s; %s) {", init, cond, post)
	}
	f.depth++
	if f.ng != nil {
		f.ngLoopBody(s)
	} else if tp.needCont {
		// A goto to the continue label must not jump over declarations
		// in the label's scope: the body gets a scope of its own.
		f.linef("{")
		f.body(s.Body)
		f.linef("}")
		f.b.WriteString(fmt.Sprintf("%sdc_continue_%d:;\n", strings.Repeat("\t", f.depth-1), tp.label))
	} else if s.Body != nil {
		f.stmts(s.Body.Stmts)
	}
	if tp.hoistPost {
		f.stmt(s.Post)
	}
	f.depth--
	f.linef("}")
	if tp.hoistInit {
		f.depth--
		f.linef("}")
	}
	f.ngChecks(ngFrame{stmt: s})
	f.breakLabel(tp)
}

// breakLabel writes the dc_break_N label after a loop or switch that a
// goto leaves.
func (f *fn) breakLabel(tp *targetPlan) {
	if tp.needBreak {
		f.b.WriteString(fmt.Sprintf("%sdc_break_%d:;\n", strings.Repeat("\t", max(f.depth-1, 0)), tp.label))
	}
}

func (f *fn) switchStmt(s *ir.SwitchStmt) {
	tp := f.plan[s]
	if tp == nil {
		tp = &targetPlan{chain: !s.Simple || s.Tag == nil}
	}
	f.ngDeclare(s)
	switch {
	case !tp.chain:
		f.cSwitch(s)
	case f.ng != nil && f.ng.wrapChain[s]:
		// A do-while that the switch's breaks leave.
		f.linef("do {")
		f.depth++
		f.chainSwitch(s)
		f.depth--
		f.linef("} while (0);")
	default:
		f.chainSwitch(s)
	}
	f.ngChecks(ngFrame{stmt: s})
	f.breakLabel(tp)
}

// cSwitch prints a switch on an integer tag with constant cases.
func (f *fn) cSwitch(s *ir.SwitchStmt) {
	f.p.line(&f.b, s.Pos, false)
	f.linef("switch (%s) {", f.expr(s.Tag).s)
	for _, c := range s.Cases {
		if c.Pos.IsValid() {
			f.pos = c.Pos
		}
		f.p.line(&f.b, c.Pos, false)
		if len(c.Values) == 0 {
			f.linef("default: {")
		}
		for i, v := range c.Values {
			if i == len(c.Values)-1 {
				f.linef("case %s: {", f.expr(v).s)
			} else {
				f.linef("case %s:", f.expr(v).s)
			}
		}
		f.body(c.Body)
		if !endsInJump(c.Body) {
			f.depth++
			f.linef("break;")
			f.depth--
		}
		f.linef("}")
	}
	f.linef("}")
}

// endsInJump reports whether b ends in a return, break or continue (so a
// trailing break would be unreachable).
func endsInJump(b *ir.Block) bool {
	if b == nil || len(b.Stmts) == 0 {
		return false
	}
	switch b.Stmts[len(b.Stmts)-1].(type) {
	case *ir.ReturnStmt, *ir.BranchStmt:
		return true
	}
	return false
}

// chainSwitch prints a switch as an if/else-if chain, evaluating the tag
// once into a dc_tag_N temporary.
func (f *fn) chainSwitch(s *ir.SwitchStmt) {
	var def *ir.Case
	var cases []*ir.Case
	for _, c := range s.Cases {
		if len(c.Values) == 0 {
			def = c
		} else {
			cases = append(cases, c)
		}
	}
	tag := ""
	scoped := s.Tag != nil && len(cases) > 0
	if s.Tag != nil {
		f.p.line(&f.b, s.Pos, false)
	}
	if scoped {
		f.linef("{")
		f.depth++
		f.tags++
		tag = fmt.Sprintf("dc_tag_%d", f.tags)
		f.linef("%s = %s;", f.p.decl(s.Tag.Type(), tag), f.expr(s.Tag).s)
	} else if s.Tag != nil && len(cases) == 0 {
		f.linef("%s;", f.exprStmt(s.Tag))
	}
	for i, c := range cases {
		if c.Pos.IsValid() {
			f.pos = c.Pos
		}
		f.p.line(&f.b, c.Pos, false) // before an #error a value may write
		var conds []cexpr
		for _, v := range c.Values {
			if s.Tag == nil {
				conds = append(conds, f.expr(v))
				continue
			}
			conds = append(conds, f.equal(s.Tag.Type(), primary(tag), v))
		}
		cond := conds[0]
		for _, c := range conds[1:] {
			cond = binop("||", precLOr, cond, c)
		}
		if i == 0 {
			f.linef("if (%s) {", cond.s)
		} else {
			f.linef("} else if (%s) {", cond.s)
		}
		f.body(c.Body)
	}
	switch {
	case def != nil && len(cases) > 0:
		f.linef("} else {")
		f.body(def.Body)
		f.linef("}")
	case def != nil:
		f.p.line(&f.b, def.Pos, false)
		f.linef("{")
		f.body(def.Body)
		f.linef("}")
	case len(cases) > 0:
		f.linef("}")
	}
	if scoped {
		f.depth--
		f.linef("}")
	}
}

// equal returns the condition x == v for values of type t.
func (f *fn) equal(t ir.Type, x cexpr, v ir.Expr) cexpr {
	switch t := t.(type) {
	case *ir.Struct:
		return call(f.p.structEq(t), x.s, f.expr(v).s)
	case *ir.Array:
		return f.bad("comparison of arrays (%s)", t)
	}
	return binop("==", precEq, x, f.expr(v))
}

func (f *fn) branch(s *ir.BranchStmt) {
	tp := f.plan[s.Target]
	if tp == nil {
		f.problemf("%s to a statement that does not enclose it", branchWord(s.Kind))
		return
	}
	if f.ng != nil {
		f.ngJumpStmt(s)
		return
	}
	switch {
	case f.plain[s]:
		f.linef("%s;", branchWord(s.Kind))
	case s.Kind == ir.Break:
		f.linef("goto dc_break_%d;", tp.label)
	default:
		f.linef("goto dc_continue_%d;", tp.label)
	}
}

func branchWord(k ir.BranchKind) string {
	if k == ir.Continue {
		return "continue"
	}
	return "break"
}

// ret prints a return statement.
func (f *fn) ret(s *ir.ReturnStmt) {
	if f.kernel != nil || len(s.Results) == 0 {
		if f.fn != nil && len(f.fn.Results) > 0 {
			f.problemf("return without results in %s", f.fn.Name)
		}
		f.linef("return;")
		return
	}
	fu := f.fn
	if len(s.Results) != len(fu.Results) {
		f.problemf("return of %d values from %s, which has %d results", len(s.Results), fu.Name, len(fu.Results))
		f.linef("return;")
		return
	}
	if !wrapped(fu) {
		f.linef("return %s;", f.expr(s.Results[0]).s)
		return
	}
	rs := f.p.retStructName(fu)
	hasArray := false
	for _, t := range fu.Results {
		if _, ok := t.(*ir.Array); ok {
			hasArray = true
		}
	}
	if !hasArray {
		var fields []string
		for i, r := range s.Results {
			if st, ok := fu.Results[i].(*ir.Slice); ok {
				ptr, n := f.sliceValue(r, st)
				fields = append(fields, ptr, n)
				continue
			}
			fields = append(fields, f.braceValue(r))
		}
		f.linef("return %s;", f.p.compound(rs, fields).s)
		return
	}
	// Arrays cannot be brace-initialised from arrays: fill in the fields.
	f.linef("{")
	f.depth++
	f.linef("%s dc_r;", rs)
	for i, r := range s.Results {
		field := fmt.Sprintf("dc_r.r%d", i)
		switch t := fu.Results[i].(type) {
		case *ir.Slice:
			ptr, n := f.sliceValue(r, t)
			f.linef("%s = %s;", field, ptr)
			f.linef("%s_len = %s;", field, n)
		case *ir.Array:
			f.copyArray(t, field, f.arraySource(r))
		default:
			f.linef("%s = %s;", field, f.expr(r).s)
		}
	}
	f.linef("return dc_r;")
	f.depth--
	f.linef("}")
}

// initList returns the C initializer list of an array literal.
func (f *fn) initList(lit *ir.ArrayLit) string {
	parts := make([]string, len(lit.Elems))
	for i, e := range lit.Elems {
		if inner, ok := e.(*ir.ArrayLit); ok {
			parts[i] = f.initList(inner)
			continue
		}
		parts[i] = f.braceValue(e)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
