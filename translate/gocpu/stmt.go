package gocpu

import (
	"go/token"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/dotcompute/dc/translate/ir"
)

// printer prints one function body.
type printer struct {
	in       *info
	reserved map[string]bool // names a variable must not take
	thread   string          // the dc.Thread value
	loop     bool            // loop-form kernel: thread builtins are loop variables
	kernel   bool            // a kernel body: return ends the thread
	fast     bool            // a kernel's fast body (see Kernel)
	aliased  bool            // a kernel's body for aliased launches (see Kernel)
	header   bool            // printing an if, for or switch header
	// outlined is set while printing the body of a loop-form kernel's
	// thread function (see outline), where return ends the thread.
	outlined bool
	// group is set while printing the group form of a kernel (see
	// groupKernel).
	group *groupState
	// adds are the kernel's add-only parameters whose adds go through the
	// chunk's cpu.Adds (see addOnly).
	adds map[*ir.Var]bool
}

// predeclared are Go's predeclared identifiers and the package names the
// generated code uses: a variable of one of these names is renamed.
var predeclared = strings.Fields(`any bool byte comparable complex64 complex128 error float32 float64
	int int8 int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr
	true false iota nil
	append cap clear close complex copy delete imag len make max min new panic print println real recover
	dc cpu runtime math`)

func newPrinter(in *info, params []*ir.Var, results []ir.Type) *printer {
	p := &printer{in: in, reserved: map[string]bool{}}
	for _, n := range predeclared {
		p.reserved[n] = true
	}
	for _, v := range params {
		in.typ(v.Type)
	}
	for _, t := range results {
		in.typ(t)
	}
	for n := range in.typeNames {
		p.reserved[n] = true
	}
	return p
}

// name returns the Go name of v: its own unless that would hide an
// identifier the generated code needs.
func (p *printer) name(v *ir.Var) string {
	if p.group != nil {
		if n, ok := p.group.names[v]; ok {
			return n
		}
	}
	if p.reserved[v.Name] {
		return "dc_v_" + v.Name
	}
	return v.Name
}

// block returns the statements of b.
func (p *printer) block(b *ir.Block) []jen.Code {
	if b == nil {
		return nil
	}
	var out []jen.Code
	for _, s := range b.Stmts {
		out = p.stmt(out, s)
	}
	return out
}

// stmt appends the Go statements for s to out.
func (p *printer) stmt(out []jen.Code, s ir.Stmt) []jen.Code {
	switch s := s.(type) {
	case *ir.Block:
		return append(out, jen.Block(p.block(s)...))
	case *ir.DeclStmt:
		out = append(out, p.decl(s, false))
		if v := s.Var; v.Name != "_" && (!p.in.read[v] || p.group != nil && p.group.unread[v]) {
			out = append(out, jen.Id("_").Op("=").Id(p.name(v)))
		}
		return out
	case *ir.AssignStmt, *ir.CallStmt, *ir.ExprStmt:
		return append(out, p.simple(s))
	case *ir.IfStmt:
		return append(out, p.ifStmt(s))
	case *ir.ForStmt:
		if call := p.outlineGroupLoop(s); call != nil {
			return append(out, call)
		}
		if copies := p.unrolledFor(s); copies != nil {
			return append(out, copies...)
		}
		return append(out, p.forStmt(s))
	case *ir.SwitchStmt:
		return append(out, p.switchStmt(s))
	case *ir.BranchStmt:
		if tl, ok := s.Target.(*ir.ThreadLoop); ok && p.group != nil {
			if l, ok := p.group.next[tl]; ok {
				// Continuing the thread loop stores the thread's values first.
				return append(out, jen.Goto().Id(l))
			}
		}
		var st *jen.Statement
		if s.Kind == ir.Break {
			st = jen.Break()
		} else {
			st = jen.Continue()
		}
		if l, ok := p.in.labels[s.Target]; ok {
			st.Id(l)
		}
		return append(out, st)
	case *ir.ThreadLoop:
		return append(out, p.threadLoop(s))
	case *ir.ReturnStmt:
		if p.group != nil {
			// Only the group code returns: the group is done.
			return append(out, jen.Continue().Id(groupLoop))
		}
		if p.kernel && p.loop && !p.outlined {
			return append(out, jen.Continue().Id(threadLoop))
		}
		var rs []jen.Code
		for _, r := range s.Results {
			rs = append(rs, p.expr(r))
		}
		return append(out, jen.Return(rs...))
	}
	return out
}

// decl returns a variable declaration. simple asks for a short variable
// declaration, as a for statement's init needs.
func (p *printer) decl(s *ir.DeclStmt, simple bool) jen.Code {
	v := s.Var
	if p.group != nil && p.group.perThread[v] {
		return p.perThreadDecl(v)
	}
	name := jen.Id(p.name(v))
	init := s.Init
	if c, ok := p.constOf(init); ok {
		init = c
	}
	sameType := init != nil && init.Type() != nil && init.Type().String() == v.Type.String()
	_, isConst := init.(*ir.Const)
	switch {
	case v.Name == "_" && simple:
		// A for statement's init cannot declare _: assign it.
		if init == nil {
			return jen.Id("_").Op("=").Add(zero(v.Type))
		}
		return jen.Id("_").Op("=").Add(p.expr(init))
	case v.Name == "_":
		if init == nil {
			return jen.Var().Id("_").Add(typeCode(v.Type))
		}
		return jen.Var().Id("_").Add(typeCode(v.Type)).Op("=").Add(p.expr(init))
	case init == nil && simple:
		return name.Op(":=").Add(zero(v.Type))
	case init == nil:
		return jen.Var().Add(name).Add(typeCode(v.Type))
	case isConst && sameType:
		return name.Op(":=").Add(p.typed(init, false))
	case sameType:
		return name.Op(":=").Add(p.expr(init))
	case simple:
		return name.Op(":=").Add(typeCode(v.Type)).Parens(p.expr(init))
	}
	return jen.Var().Add(name).Add(typeCode(v.Type)).Op("=").Add(p.expr(init))
}

// zero returns the zero value of t as an expression of type t.
func zero(t ir.Type) jen.Code {
	switch t := t.(type) {
	case *ir.Basic:
		if t.Kind == ir.Bool {
			if t.Name == "" {
				return jen.False()
			}
			return jen.Id(t.Name).Parens(jen.False())
		}
		if t.Name == "" && t.Kind == ir.Int {
			return jen.Lit(0)
		}
		return typeCode(t).Parens(jen.Lit(0))
	case *ir.Struct, *ir.Array:
		return typeCode(t).Values()
	}
	return jen.Parens(typeCode(t)).Parens(jen.Nil())
}

// simple returns a Go simple statement for an assignment, call or
// expression statement, or a declaration in a for statement's init.
func (p *printer) simple(s ir.Stmt) jen.Code {
	switch s := s.(type) {
	case *ir.DeclStmt:
		return p.decl(s, true)
	case *ir.AssignStmt:
		if c := p.compound(s); c != nil {
			return c
		}
		return p.target(s.Target).Op("=").Add(p.expr(s.Value))
	case *ir.CallStmt:
		var ts []jen.Code
		for _, t := range s.Targets {
			if t == nil {
				ts = append(ts, jen.Id("_"))
			} else {
				ts = append(ts, p.target(t))
			}
		}
		return jen.List(ts...).Op("=").Add(p.expr(s.Call))
	case *ir.ExprStmt:
		if callable(s.X) {
			return p.expr(s.X)
		}
		return jen.Id("_").Op("=").Add(p.expr(s.X))
	}
	return nil
}

// callable reports whether e prints as a call Go accepts as a statement.
func callable(e ir.Expr) bool {
	switch e := e.(type) {
	case *ir.Call:
		return true
	case *ir.BuiltinCall:
		return e.Op == ir.Barrier || e.Op.IsAtomic()
	}
	return false
}

// compoundOps are the operators with an assignment form (x op= y).
var compoundOps = map[token.Token]string{
	token.ADD: "+=", token.SUB: "-=", token.MUL: "*=", token.QUO: "/=", token.REM: "%=",
	token.AND: "&=", token.OR: "|=", token.XOR: "^=", token.SHL: "<<=", token.SHR: ">>=",
	token.AND_NOT: "&^=",
}

// compound returns x++, x-- or x op= y for x = x op y, or nil.
func (p *printer) compound(s *ir.AssignStmt) jen.Code {
	v, ok := s.Target.(*ir.VarRef)
	if !ok || v.Var.Name == "_" {
		return nil
	}
	b, ok := s.Value.(*ir.Binary)
	if !ok {
		return nil
	}
	x, ok := b.X.(*ir.VarRef)
	op, isOp := compoundOps[b.Op]
	if !ok || !isOp || x.Var != v.Var {
		return nil
	}
	if c, ok := b.Y.(*ir.Const); ok && (b.Op == token.ADD || b.Op == token.SUB) && isOne(c) {
		if b.Op == token.ADD {
			return p.varRef(v.Var).Op("++")
		}
		return p.varRef(v.Var).Op("--")
	}
	return p.varRef(v.Var).Op(op).Add(p.expr(b.Y))
}

// target returns an assignment target.
func (p *printer) target(e ir.Expr) *jen.Statement {
	if v, ok := e.(*ir.VarRef); ok {
		return p.varRef(v.Var)
	}
	return p.expr(e)
}

func (p *printer) ifStmt(s *ir.IfStmt) *jen.Statement {
	st := jen.If(p.headerExpr(s.Cond)).Block(p.block(s.Then)...)
	if s.Else == nil {
		return st
	}
	if len(s.Else.Stmts) == 1 {
		if elif, ok := s.Else.Stmts[0].(*ir.IfStmt); ok {
			return st.Else().Add(p.ifStmt(elif))
		}
	}
	return st.Else().Block(p.block(s.Else)...)
}

// headerExpr prints e in an if, for or switch header, where a struct
// literal needs parentheses.
func (p *printer) headerExpr(e ir.Expr) jen.Code {
	old := p.header
	p.header = true
	defer func() { p.header = old }()
	return p.expr(e)
}

// flat returns the statements of s, those of a block without the block.
func (p *printer) flat(s ir.Stmt) []jen.Code {
	if b, ok := s.(*ir.Block); ok {
		return p.block(b)
	}
	return p.stmt(nil, s)
}

// isSimple reports whether s prints as a Go simple statement.
func isSimple(s ir.Stmt) bool {
	switch s.(type) {
	case *ir.DeclStmt, *ir.AssignStmt, *ir.CallStmt, *ir.ExprStmt:
		return true
	}
	return false
}

func (p *printer) forStmt(s *ir.ForStmt) jen.Code {
	old := p.header
	p.header = true
	var pre []jen.Code // statements an init that is not simple becomes
	var init, post jen.Code
	if s.Init != nil {
		if isSimple(s.Init) {
			init = p.simple(s.Init)
		} else {
			p.header = old
			pre = p.flat(s.Init)
			p.header = true
		}
	}
	if s.Post != nil {
		if isSimple(s.Post) {
			post = p.simple(s.Post)
		} else {
			// A post statement that is not simple runs as a call of a
			// function literal, which is one.
			p.header = old
			post = jen.Func().Params().Block(p.flat(s.Post)...).Call()
			p.header = true
		}
	}
	var cond jen.Code
	if s.Cond != nil {
		cond = p.expr(s.Cond)
	}
	p.header = old

	var body []jen.Code
	if d, ok := s.Init.(*ir.DeclStmt); ok && d.Var.Name != "_" && !p.in.read[d.Var] {
		body = append(body, jen.Id("_").Op("=").Id(p.name(d.Var)))
	}
	body = append(body, p.block(s.Body)...)

	var st *jen.Statement
	switch {
	case init == nil && post == nil && cond == nil:
		st = jen.For()
	case init == nil && post == nil:
		st = jen.For(cond)
	default:
		if init == nil {
			init = jen.Empty()
		}
		if cond == nil {
			cond = jen.Empty()
		}
		if post == nil {
			post = jen.Empty()
		}
		st = jen.For(init, cond, post)
	}
	st.Block(body...)
	if l, ok := p.in.labels[s]; ok {
		st = jen.Id(l).Op(":").Add(st)
	}
	if pre != nil {
		return jen.Block(append(pre, st)...)
	}
	return st
}

func (p *printer) switchStmt(s *ir.SwitchStmt) jen.Code {
	var st *jen.Statement
	if s.Tag != nil {
		old := p.header
		p.header = true
		st = jen.Switch(p.typed(s.Tag, false))
		p.header = old
	} else {
		st = jen.Switch()
	}
	var cases []jen.Code
	for _, c := range s.Cases {
		body := p.block(c.Body)
		if len(c.Values) == 0 {
			cases = append(cases, jen.Default().Block(body...))
			continue
		}
		var vals []jen.Code
		for _, v := range c.Values {
			vals = append(vals, p.expr(v))
		}
		cases = append(cases, jen.Case(vals...).Block(body...))
	}
	st.Block(cases...)
	if l, ok := p.in.labels[s]; ok {
		st = jen.Id(l).Op(":").Add(st)
	}
	return st
}
