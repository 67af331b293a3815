package ir

import (
	"errors"
	"fmt"
	"go/token"
)

// Verify checks the structural invariants of p that printers and passes
// rely on, and returns an error describing every violation (nil if there
// is none). A violation is a bug of the pass that produced p, never of the
// user's program. It checks that
//
//   - Checks[i].ID == i, and every check on a node is the one in
//     p.Checks with its ID; only integer divisions and remainders carry
//     divisor checks;
//   - no required child is nil: operands, conditions, bodies, the
//     variable of a declaration, the function of a call;
//   - every variable referenced is a parameter (or the thread) of the
//     function, or a local declared once by a DeclStmt in an enclosing
//     scope before the reference;
//   - types agree where the IR states they must: a declaration's initial
//     value and an assignment's value with the variable or target (up to
//     type names of basic and slice types), the operands of a binary
//     expression with its type (or with each other, for comparisons), a
//     call's arguments and a return's results with the function's
//     parameters and results, conditions are booleans, indices integers;
//   - assignment targets are variables, elements or fields; a CallStmt has
//     one target per result of its call; struct and array literals give
//     every field and element;
//   - every break and continue targets an enclosing for or switch (a
//     continue, a for or a ThreadLoop), and a kernel returns no results;
//   - a parameter is marked Assigned exactly when the body assigns to it
//     (see Var.Assigned).
func Verify(p *Program) error {
	v := &verifier{prog: p}
	for i, c := range p.Checks {
		switch {
		case c == nil:
			v.errorf(Pos{}, "Checks[%d] is nil", i)
		case c.ID != i:
			v.errorf(c.Pos, "Checks[%d] has ID %d", i, c.ID)
		}
	}
	for _, f := range p.Funcs {
		v.where = "func " + f.Name
		v.results = f.Results
		v.kernel = false
		v.function(f.Thread, f.Params, f.Body)
	}
	for _, k := range p.Kernels {
		v.where = "kernel " + k.Name
		v.results = nil
		v.kernel = true
		v.function(k.Thread, k.Params, k.Body)
	}
	return errors.Join(v.errs...)
}

// verifyMaxErrors bounds the violations Verify reports.
const verifyMaxErrors = 20

// verifier is the state of Verify in one function body.
type verifier struct {
	prog     *Program
	errs     []error
	where    string          // "kernel K" or "func f"
	kernel   bool            // the body is a kernel's
	results  []Type          // the function's results
	scopes   []map[*Var]bool // innermost last
	declared map[*Var]bool   // every local declared in the body so far
	targets  []Stmt          // enclosing for and switch statements, innermost last
}

func (v *verifier) errorf(pos Pos, format string, args ...any) {
	if len(v.errs) == verifyMaxErrors {
		v.errs = append(v.errs, errors.New("ir: more violations left out"))
	}
	if len(v.errs) > verifyMaxErrors {
		return
	}
	at := ""
	if pos.IsValid() {
		at = fmt.Sprintf(" %s:%d:%d:", pos.File, pos.Line, pos.Col)
	}
	v.errs = append(v.errs, fmt.Errorf("ir: %s:%s %s", v.where, at, fmt.Sprintf(format, args...)))
}

func (v *verifier) function(thread *Var, params []*Var, body *Block) {
	v.scopes = []map[*Var]bool{{}}
	v.declared = map[*Var]bool{}
	v.targets = nil
	if thread != nil {
		v.scopes[0][thread] = true
	}
	for _, p := range params {
		if p == nil {
			v.errorf(Pos{}, "nil parameter")
			continue
		}
		if p.Kind != Param {
			v.errorf(p.Pos, "parameter %s has kind %d", p.Name, p.Kind)
		}
		v.scopes[0][p] = true
	}
	if body == nil {
		v.errorf(Pos{}, "nil body")
		return
	}
	v.block(body)
	assigned := map[*Var]bool{}
	InspectStmts(body, func(s Stmt) {
		Assigns(s, func(x *Var) { assigned[x] = true })
	})
	for _, p := range params {
		if p != nil && p.Assigned != assigned[p] {
			v.errorf(p.Pos, "parameter %s has Assigned = %v, but the body does the opposite", p.Name, p.Assigned)
		}
	}
}

func (v *verifier) block(b *Block) {
	v.scopes = append(v.scopes, map[*Var]bool{})
	for _, s := range b.Stmts {
		v.stmt(s)
	}
	v.scopes = v.scopes[:len(v.scopes)-1]
}

// declare puts x in the innermost scope.
func (v *verifier) declare(x *Var, pos Pos) {
	if v.declared[x] {
		v.errorf(pos, "variable %s declared twice", x.Name)
	}
	if x.Kind != Local {
		v.errorf(pos, "declared variable %s is not a local", x.Name)
	}
	v.declared[x] = true
	v.scopes[len(v.scopes)-1][x] = true
}

func (v *verifier) inScope(x *Var) bool {
	for _, s := range v.scopes {
		if s[x] {
			return true
		}
	}
	return false
}

func (v *verifier) stmt(s Stmt) {
	if b, ok := s.(*Block); s == nil || ok && b == nil {
		v.errorf(Pos{}, "nil statement")
		return
	}
	pos := s.StmtPos()
	switch s := s.(type) {
	case *Block:
		v.block(s)
	case *DeclStmt:
		if s.Var == nil {
			v.errorf(pos, "declaration without a variable")
			return
		}
		if s.Init != nil {
			v.expr(s.Init, pos)
			v.sameType(pos, "initial value of "+s.Var.Name, s.Init.Type(), s.Var.Type)
		}
		v.declare(s.Var, pos)
	case *AssignStmt:
		if v.required(pos, "assignment target", s.Target) && v.required(pos, "assigned value", s.Value) {
			v.target(s.Target, pos)
			v.expr(s.Value, pos)
			v.sameType(pos, "assigned value", s.Value.Type(), s.Target.Type())
		}
	case *CallStmt:
		if s.Call == nil {
			v.errorf(pos, "CallStmt without a call")
			return
		}
		v.expr(s.Call, pos)
		if s.Call.Func != nil && len(s.Targets) != len(s.Call.Func.Results) {
			v.errorf(pos, "CallStmt has %d targets for %d results", len(s.Targets), len(s.Call.Func.Results))
		}
		for i, t := range s.Targets {
			if t == nil {
				continue
			}
			v.target(t, pos)
			if s.Call.Func != nil && i < len(s.Call.Func.Results) {
				v.sameType(pos, "call result", s.Call.Func.Results[i], t.Type())
			}
		}
	case *ExprStmt:
		if v.required(pos, "expression statement", s.X) {
			v.expr(s.X, pos)
		}
	case *IfStmt:
		if v.required(pos, "if condition", s.Cond) {
			v.expr(s.Cond, pos)
			v.boolean(pos, "if condition", s.Cond)
		}
		if s.Then == nil {
			v.errorf(pos, "if without a then block")
		} else {
			v.block(s.Then)
		}
		if s.Else != nil {
			v.block(s.Else)
		}
	case *ForStmt:
		v.scopes = append(v.scopes, map[*Var]bool{})
		if s.Init != nil {
			v.stmt(s.Init)
		}
		if s.Cond != nil {
			v.expr(s.Cond, pos)
			v.boolean(pos, "loop condition", s.Cond)
		}
		if s.Post != nil {
			v.stmt(s.Post)
		}
		v.targets = append(v.targets, s)
		if s.Body == nil {
			v.errorf(pos, "for without a body")
		} else {
			v.block(s.Body)
		}
		v.targets = v.targets[:len(v.targets)-1]
		v.scopes = v.scopes[:len(v.scopes)-1]
	case *SwitchStmt:
		if s.Tag != nil {
			v.expr(s.Tag, pos)
		}
		v.targets = append(v.targets, s)
		defaults := 0
		for _, c := range s.Cases {
			if c == nil {
				v.errorf(pos, "nil case")
				continue
			}
			if len(c.Values) == 0 {
				defaults++
			}
			for _, x := range c.Values {
				if !v.required(c.Pos, "case value", x) {
					continue
				}
				v.expr(x, c.Pos)
				if s.Tag != nil {
					v.sameType(c.Pos, "case value", x.Type(), s.Tag.Type())
				} else {
					v.boolean(c.Pos, "case condition", x)
				}
			}
			if c.Body == nil {
				v.errorf(c.Pos, "case without a body")
			} else {
				v.block(c.Body)
			}
		}
		if defaults > 1 {
			v.errorf(pos, "switch with %d default cases", defaults)
		}
		v.targets = v.targets[:len(v.targets)-1]
	case *ThreadLoop:
		for _, b := range []Expr{s.XLo, s.XHi} {
			if b != nil {
				v.expr(b, pos)
				v.integer(pos, "thread loop bound", b)
			}
		}
		v.targets = append(v.targets, s)
		if s.Body == nil {
			v.errorf(pos, "thread loop without a body")
		} else {
			v.block(s.Body)
		}
		v.targets = v.targets[:len(v.targets)-1]
	case *BranchStmt:
		found := false
		for _, t := range v.targets {
			found = found || t == s.Target
		}
		_, loop := s.Target.(*ForStmt)
		if _, ok := s.Target.(*ThreadLoop); ok {
			loop = true
			if s.Kind != Continue {
				v.errorf(pos, "break of a thread loop")
			}
		}
		switch {
		case !found:
			v.errorf(pos, "branch to a statement that does not enclose it")
		case s.Kind == Continue && !loop:
			v.errorf(pos, "continue of a switch")
		}
	case *ReturnStmt:
		if v.kernel && len(s.Results) > 0 {
			v.errorf(pos, "kernel returns %d results", len(s.Results))
			return
		}
		if !v.kernel && len(s.Results) != len(v.results) {
			v.errorf(pos, "return of %d results from a function with %d", len(s.Results), len(v.results))
			return
		}
		for i, r := range s.Results {
			if v.required(pos, "result", r) {
				v.expr(r, pos)
				v.sameType(pos, "result", r.Type(), v.results[i])
			}
		}
	default:
		v.errorf(pos, "unknown statement %T", s)
	}
}

// target checks an assignment target: a variable, an element or a field.
func (v *verifier) target(e Expr, pos Pos) {
	switch e.(type) {
	case *VarRef, *Index, *FieldRef:
	default:
		v.errorf(pos, "assignment to a %T", e)
	}
	v.expr(e, pos)
}

// required reports whether e is present, reporting it missing if not.
func (v *verifier) required(pos Pos, what string, e Expr) bool {
	if e == nil {
		v.errorf(pos, "missing %s", what)
		return false
	}
	return true
}

// check checks that c is the program's check with its ID.
func (v *verifier) check(pos Pos, c *Check) {
	if c != nil && (c.ID < 0 || c.ID >= len(v.prog.Checks) || v.prog.Checks[c.ID] != c) {
		v.errorf(pos, "check %d is not the program's check with its ID", c.ID)
	}
}

func (v *verifier) expr(e Expr, pos Pos) {
	switch e := e.(type) {
	case *Const:
		if e.T == nil || e.Value == nil {
			v.errorf(pos, "constant without a type or value")
		}
	case *VarRef:
		switch {
		case e.Var == nil:
			v.errorf(pos, "reference to a nil variable")
		case !v.inScope(e.Var):
			v.errorf(pos, "variable %s used out of its scope", e.Var.Name)
		}
	case *SharedRef:
		if e.Shared == nil || e.T == nil {
			v.errorf(pos, "shared reference without an array or type")
		}
	case *Unary:
		if v.required(pos, "operand", e.X) {
			v.expr(e.X, pos)
			v.sameType(pos, "operand of "+e.Op.String(), e.X.Type(), e.T)
		}
	case *Binary:
		if e.Pos.IsValid() {
			pos = e.Pos
		}
		v.check(pos, e.Check)
		if e.Check != nil && !((e.Op == token.QUO || e.Op == token.REM) && e.Check.Kind == CheckDivide ||
			(e.Op == token.SHL || e.Op == token.SHR) && e.Check.Kind == CheckShift) {
			v.errorf(pos, "%s carries a check of kind %d", e.Op, e.Check.Kind)
		}
		if !v.required(pos, "left operand", e.X) || !v.required(pos, "right operand", e.Y) {
			return
		}
		v.expr(e.X, pos)
		v.expr(e.Y, pos)
		v.binary(e, pos)
	case *Convert:
		if v.required(pos, "converted value", e.X) {
			v.expr(e.X, pos)
		}
	case *Index:
		if e.Pos.IsValid() {
			pos = e.Pos
		}
		v.check(pos, e.Check)
		if !v.required(pos, "indexed value", e.X) || !v.required(pos, "index", e.Index) {
			return
		}
		v.expr(e.X, pos)
		v.expr(e.Index, pos)
		v.integer(pos, "index", e.Index)
		var elem Type
		switch t := e.X.Type().(type) {
		case *Slice:
			elem = t.Elem
		case *Array:
			elem = t.Elem
		case *Pointer:
			if a, ok := t.Elem.(*Array); ok {
				elem = a.Elem
			}
		}
		if elem == nil {
			v.errorf(pos, "indexing a %v", e.X.Type())
		} else {
			v.sameType(pos, "element", elem, e.T)
		}
	case *FieldRef:
		if !v.required(pos, "struct value", e.X) {
			return
		}
		v.expr(e.X, pos)
		s, ok := e.X.Type().(*Struct)
		if !ok || e.Field < 0 || e.Field >= len(s.Fields) {
			v.errorf(pos, "field %d of a %v", e.Field, e.X.Type())
			return
		}
		v.sameType(pos, "field "+s.Fields[e.Field].Name, s.Fields[e.Field].Type, e.T)
	case *Len:
		if v.required(pos, "operand of len", e.X) {
			v.expr(e.X, pos)
		}
	case *StructLit:
		if e.T == nil || len(e.Fields) != len(e.T.Fields) {
			v.errorf(pos, "struct literal with %d fields", len(e.Fields))
			return
		}
		for i, x := range e.Fields {
			if v.required(pos, "field value", x) {
				v.expr(x, pos)
				v.sameType(pos, "field "+e.T.Fields[i].Name, x.Type(), e.T.Fields[i].Type)
			}
		}
	case *ArrayLit:
		if e.T == nil || int64(len(e.Elems)) != e.T.Len {
			v.errorf(pos, "array literal with %d elements", len(e.Elems))
			return
		}
		for _, x := range e.Elems {
			if v.required(pos, "element", x) {
				v.expr(x, pos)
				v.sameType(pos, "element", x.Type(), e.T.Elem)
			}
		}
	case *SliceExpr:
		if e.Pos.IsValid() {
			pos = e.Pos
		}
		v.check(pos, e.Check)
		if v.required(pos, "sliced value", e.X) {
			v.expr(e.X, pos)
		}
		for _, b := range []Expr{e.Lo, e.Hi} {
			if b != nil {
				v.expr(b, pos)
				v.integer(pos, "slice bound", b)
			}
		}
	case *Call:
		if e.Func == nil {
			v.errorf(pos, "call of a nil function")
			return
		}
		if len(e.Args) != len(e.Func.Params) {
			v.errorf(pos, "call of %s with %d arguments for %d parameters", e.Func.Name, len(e.Args), len(e.Func.Params))
			return
		}
		for i, a := range e.Args {
			if v.required(pos, "argument", a) {
				v.expr(a, pos)
				v.sameType(pos, "argument "+e.Func.Params[i].Name+" of "+e.Func.Name, a.Type(), e.Func.Params[i].Type)
			}
		}
	case *BuiltinCall:
		for _, a := range e.Args {
			if v.required(pos, "argument of "+e.Op.String(), a) {
				v.expr(a, pos)
			}
		}
	case nil:
		v.errorf(pos, "nil expression")
	default:
		v.errorf(pos, "unknown expression %T", e)
	}
}

// binary checks the operand types of e against its type.
func (v *verifier) binary(e *Binary, pos Pos) {
	what := "operand of " + e.Op.String()
	switch e.Op {
	case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
		v.sameType(pos, what, e.Y.Type(), e.X.Type())
		v.boolean(pos, "result of "+e.Op.String(), e)
	case token.LAND, token.LOR:
		v.boolean(pos, what, e.X)
		v.boolean(pos, what, e.Y)
		v.boolean(pos, "result of "+e.Op.String(), e)
	case token.SHL, token.SHR:
		v.sameType(pos, what, e.X.Type(), e.T)
		v.integer(pos, "shift count", e.Y)
	default:
		v.sameType(pos, what, e.X.Type(), e.T)
		v.sameType(pos, what, e.Y.Type(), e.T)
	}
}

func (v *verifier) boolean(pos Pos, what string, e Expr) {
	if !IsKind(e.Type(), Bool) {
		v.errorf(pos, "%s has type %v, not bool", what, e.Type())
	}
}

func (v *verifier) integer(pos Pos, what string, e Expr) {
	if b := BasicOf(e.Type()); b == nil || !b.Kind.IsInteger() {
		v.errorf(pos, "%s has type %v, not an integer", what, e.Type())
	}
}

// sameType reports a violation unless got and want are the same type up to
// the names of basic and slice types.
func (v *verifier) sameType(pos Pos, what string, got, want Type) {
	if got == nil || want == nil {
		if got != want {
			v.errorf(pos, "%s has type %v, want %v", what, got, want)
		}
		return
	}
	if typeShape(got) != typeShape(want) {
		v.errorf(pos, "%s has type %v, want %v", what, got, want)
	}
}

// typeShape spells t without the names of basic and slice types, with the
// address space of pointers.
func typeShape(t Type) string {
	switch t := t.(type) {
	case *Basic:
		return t.Kind.String()
	case *Slice:
		return "[]" + typeShape(t.Elem)
	case *Array:
		return fmt.Sprintf("[%d]%s", t.Len, typeShape(t.Elem))
	case *Pointer:
		return fmt.Sprintf("*%d %s", t.Space, typeShape(t.Elem))
	case *Tuple:
		s := "("
		for _, e := range t.Types {
			s += typeShape(e) + ","
		}
		return s + ")"
	case nil:
		return "<nil>"
	}
	return t.String()
}
