package ir

// Cloner copies statements and expressions for passes that must not change
// the IR they read (every printer reads the same Program). A copy declares
// fresh variables: each local a copied DeclStmt declares gets a new *Var
// (same name, type and position), and references to it in the copy refer
// to the new one. Vars maps other variables as well (a pass that inlines a
// function maps its parameters to the caller's locals); variables it does
// not map stay shared. Branches inside a copy target the copied loops and
// switches. Run-time checks (*Check) and shared arrays are shared.
type Cloner struct {
	Vars  map[*Var]*Var
	stmts map[Stmt]Stmt // copied for and switch statements, by original
}

// NewCloner returns a Cloner with an empty variable map.
func NewCloner() *Cloner {
	return &Cloner{Vars: map[*Var]*Var{}, stmts: map[Stmt]Stmt{}}
}

// Var returns the copy of v: its mapping, or v itself.
func (c *Cloner) Var(v *Var) *Var {
	if w, ok := c.Vars[v]; ok {
		return w
	}
	return v
}

// Block returns a copy of b (nil for nil).
func (c *Cloner) Block(b *Block) *Block {
	if b == nil {
		return nil
	}
	out := &Block{Pos: b.Pos, Stmts: make([]Stmt, 0, len(b.Stmts))}
	for _, s := range b.Stmts {
		out.Stmts = append(out.Stmts, c.Stmt(s))
	}
	return out
}

// Stmt returns a copy of s (nil for nil).
func (c *Cloner) Stmt(s Stmt) Stmt {
	if s == nil || isNil(s) {
		return s
	}
	if c.stmts == nil {
		c.stmts = map[Stmt]Stmt{}
	}
	if c.Vars == nil {
		c.Vars = map[*Var]*Var{}
	}
	switch s := s.(type) {
	case *Block:
		return c.Block(s)
	case *DeclStmt:
		init := c.Expr(s.Init)
		v := *s.Var
		c.Vars[s.Var] = &v
		return &DeclStmt{Pos: s.Pos, Var: &v, Init: init}
	case *AssignStmt:
		return &AssignStmt{Pos: s.Pos, Target: c.Expr(s.Target), Value: c.Expr(s.Value)}
	case *CallStmt:
		out := &CallStmt{Pos: s.Pos, Call: c.Expr(s.Call).(*Call)}
		for _, t := range s.Targets {
			out.Targets = append(out.Targets, c.Expr(t))
		}
		return out
	case *ExprStmt:
		return &ExprStmt{Pos: s.Pos, X: c.Expr(s.X)}
	case *IfStmt:
		return &IfStmt{Pos: s.Pos, Cond: c.Expr(s.Cond), Then: c.Block(s.Then), Else: c.Block(s.Else)}
	case *ForStmt:
		out := &ForStmt{Pos: s.Pos, Label: s.Label}
		c.stmts[s] = out
		out.Init = c.Stmt(s.Init)
		out.Cond = c.Expr(s.Cond)
		out.Post = c.Stmt(s.Post)
		out.Body = c.Block(s.Body)
		return out
	case *SwitchStmt:
		out := &SwitchStmt{Pos: s.Pos, Label: s.Label, Simple: s.Simple}
		c.stmts[s] = out
		out.Tag = c.Expr(s.Tag)
		for _, k := range s.Cases {
			nk := &Case{Pos: k.Pos, Body: c.Block(k.Body)}
			for _, v := range k.Values {
				nk.Values = append(nk.Values, c.Expr(v))
			}
			out.Cases = append(out.Cases, nk)
		}
		return out
	case *ThreadLoop:
		out := &ThreadLoop{Pos: s.Pos, XLo: c.Expr(s.XLo), XHi: c.Expr(s.XHi)}
		c.stmts[s] = out
		out.Body = c.Block(s.Body)
		return out
	case *BranchStmt:
		out := *s
		if t, ok := c.stmts[s.Target]; ok {
			out.Target = t
		}
		return &out
	case *ReturnStmt:
		out := &ReturnStmt{Pos: s.Pos}
		for _, r := range s.Results {
			out.Results = append(out.Results, c.Expr(r))
		}
		return out
	}
	panic("ir: Clone of unknown statement")
}

// Expr returns a copy of e (nil for nil).
func (c *Cloner) Expr(e Expr) Expr {
	if e == nil {
		return nil
	}
	exprs := func(es []Expr) []Expr {
		if es == nil {
			return nil
		}
		out := make([]Expr, len(es))
		for i, x := range es {
			out[i] = c.Expr(x)
		}
		return out
	}
	switch e := e.(type) {
	case *Const:
		return e // constants are immutable values
	case *VarRef:
		return &VarRef{Var: c.Var(e.Var)}
	case *SharedRef:
		return e
	case *Unary:
		return &Unary{Op: e.Op, X: c.Expr(e.X), T: e.T}
	case *Binary:
		return &Binary{Op: e.Op, X: c.Expr(e.X), Y: c.Expr(e.Y), T: e.T, Pos: e.Pos, Check: e.Check}
	case *Convert:
		return &Convert{X: c.Expr(e.X), T: e.T}
	case *Index:
		return &Index{X: c.Expr(e.X), Index: c.Expr(e.Index), T: e.T, Pos: e.Pos, Check: e.Check}
	case *FieldRef:
		return &FieldRef{X: c.Expr(e.X), Field: e.Field, T: e.T}
	case *Len:
		return &Len{X: c.Expr(e.X)}
	case *StructLit:
		return &StructLit{T: e.T, Fields: exprs(e.Fields)}
	case *ArrayLit:
		return &ArrayLit{T: e.T, Elems: exprs(e.Elems)}
	case *SliceExpr:
		return &SliceExpr{X: c.Expr(e.X), Lo: c.Expr(e.Lo), Hi: c.Expr(e.Hi), T: e.T, Pos: e.Pos, Check: e.Check}
	case *Call:
		return &Call{Func: e.Func, Args: exprs(e.Args)}
	case *BuiltinCall:
		return &BuiltinCall{Op: e.Op, Args: exprs(e.Args), T: e.T}
	}
	panic("ir: Clone of unknown expression")
}
