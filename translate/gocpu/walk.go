package gocpu

import (
	"strconv"
	"strings"

	"github.com/dotcompute/dc/translate/ir"
)

// info is what printing a body needs to know about it beforehand.
type info struct {
	read       map[*ir.Var]bool    // variables read (not only assigned)
	uses       ir.ThreadUses       // thread builtins used directly
	threadCall bool                // a direct call passes the thread
	returns    bool                // a return statement
	shared     map[*ir.Shared]bool // shared arrays referenced or passed on
	sharedList []*ir.Shared        // the same, in the order found
	labels     map[ir.Stmt]string  // loops and switches a branch must name, with their base label
	typeNames  map[string]bool     // names of the types the body mentions
	nlabel     int                 // labels invented so far
}

// analyze walks body once and records what the printer needs.
func analyze(body *ir.Block) *info {
	in := &info{
		read:      map[*ir.Var]bool{},
		shared:    map[*ir.Shared]bool{},
		labels:    map[ir.Stmt]string{},
		typeNames: map[string]bool{},
	}
	if body != nil {
		in.stmt(body)
	}
	return in
}

func (in *info) block(b *ir.Block) {
	if b == nil {
		return
	}
	for _, s := range b.Stmts {
		in.stmt(s)
	}
}

func (in *info) stmt(s ir.Stmt) {
	switch s := s.(type) {
	case nil:
	case *ir.Block:
		in.block(s)
	case *ir.DeclStmt:
		in.typ(s.Var.Type)
		in.expr(s.Init)
	case *ir.AssignStmt:
		in.target(s.Target)
		in.expr(s.Value)
	case *ir.CallStmt:
		for _, t := range s.Targets {
			in.target(t)
		}
		in.expr(s.Call)
	case *ir.ExprStmt:
		in.expr(s.X)
	case *ir.IfStmt:
		in.expr(s.Cond)
		in.block(s.Then)
		in.block(s.Else)
	case *ir.ForStmt:
		in.stmt(s.Init)
		in.expr(s.Cond)
		in.stmt(s.Post)
		in.block(s.Body)
	case *ir.SwitchStmt:
		in.expr(s.Tag)
		for _, c := range s.Cases {
			for _, v := range c.Values {
				in.expr(v)
			}
			in.block(c.Body)
		}
	case *ir.BranchStmt:
		if (s.Labelled || !s.Innermost) && s.Target != nil {
			if _, ok := in.labels[s.Target]; !ok {
				in.labels[s.Target] = in.newLabel(s.Target)
			}
		}
	case *ir.ReturnStmt:
		in.returns = true
		for _, r := range s.Results {
			in.expr(r)
		}
	}
}

// useShared records that the body needs shared array s.
func (in *info) useShared(s *ir.Shared) {
	if !in.shared[s] {
		in.shared[s] = true
		in.sharedList = append(in.sharedList, s)
	}
}

// newLabel returns the base label of target: its Go label, or an invented
// one.
func (in *info) newLabel(target ir.Stmt) string {
	var l string
	switch t := target.(type) {
	case *ir.ForStmt:
		l = t.Label
	case *ir.SwitchStmt:
		l = t.Label
	}
	if l == "" || l == "_" {
		in.nlabel++
		l = "dc_L" + strconv.Itoa(in.nlabel)
	}
	return l
}

// target records an assignment target: a variable assigned directly is not
// read by it; the operands of an index or field target are.
func (in *info) target(e ir.Expr) {
	if v, ok := e.(*ir.VarRef); ok {
		in.typ(v.Var.Type)
		return
	}
	in.expr(e)
}

func (in *info) expr(e ir.Expr) {
	switch e := e.(type) {
	case nil:
		return
	case *ir.Const:
	case *ir.VarRef:
		in.read[e.Var] = true
	case *ir.SharedRef:
		in.useShared(e.Shared)
	case *ir.Unary:
		in.expr(e.X)
	case *ir.Binary:
		in.expr(e.X)
		in.expr(e.Y)
	case *ir.Convert:
		in.expr(e.X)
	case *ir.Index:
		in.expr(e.X)
		in.expr(e.Index)
	case *ir.FieldRef:
		in.expr(e.X)
	case *ir.Len:
		in.expr(e.X)
	case *ir.StructLit:
		for _, f := range e.Fields {
			in.expr(f)
		}
	case *ir.ArrayLit:
		in.typ(e.T)
		for _, f := range e.Elems {
			in.expr(f)
		}
	case *ir.SliceExpr:
		in.expr(e.X)
		if e.Lo != nil {
			in.expr(e.Lo)
		}
		if e.Hi != nil {
			in.expr(e.Hi)
		}
	case *ir.Call:
		for _, a := range e.Args {
			in.expr(a)
		}
		if e.Func.Thread != nil {
			in.threadCall = true
		}
		for _, s := range e.Func.Shared {
			in.useShared(s)
		}
		for _, t := range e.Func.Results {
			in.typ(t)
		}
	case *ir.BuiltinCall:
		if e.Op.IsThread() {
			in.uses = in.uses.With(e.Op)
		}
		for _, a := range e.Args {
			in.expr(a)
		}
	}
	if t := e.Type(); t != nil {
		in.typ(t)
	}
}

// typ records the type names t mentions, so that variables of the same
// name can be renamed.
func (in *info) typ(t ir.Type) {
	switch t := t.(type) {
	case *ir.Basic:
		if t.Name != "" {
			in.typeNames[baseName(t.Name)] = true
		}
	case *ir.Struct:
		in.typeNames[baseName(t.Name)] = true
	case *ir.Slice:
		if t.Name != "" {
			in.typeNames[baseName(t.Name)] = true
		}
		in.typ(t.Elem)
	case *ir.Array:
		in.typ(t.Elem)
	case *ir.Pointer:
		in.typ(t.Elem)
	case *ir.Tuple:
		for _, e := range t.Types {
			in.typ(e)
		}
	}
}

// baseName returns a type name without its type arguments.
func baseName(name string) string {
	if i := strings.IndexByte(name, '['); i >= 0 {
		return name[:i]
	}
	return name
}
