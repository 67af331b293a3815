package gocpu

import (
	"strconv"
	"strings"

	"github.com/dotcompute/dc/translate/ir"
)

// info is what printing a body needs to know about it beforehand.
type info struct {
	read       map[*ir.Var]bool         // variables read (not only assigned)
	uses       ir.ThreadUses            // thread builtins used directly
	threadCall bool                     // a direct call passes the thread
	returns    bool                     // a return statement
	shared     map[*ir.Shared]bool      // shared arrays referenced or passed on
	sharedList []*ir.Shared             // the same, in the order found
	labels     map[ir.Stmt]string       // loops and switches a branch must name, with their base label
	typeNames  map[string]bool          // names of the types the body mentions
	nlabel     int                      // labels invented so far
	skip       map[*ir.Index]rowViewRef // index expressions not walked (see analyzeSkipping)
}

// analyze walks body once and records what the printer needs.
func analyze(body *ir.Block) *info { return analyzeSkipping(body, nil) }

// analyzeSkipping is analyze with the index expressions in skip left out,
// operands included: what the body reads where those print otherwise.
func analyzeSkipping(body *ir.Block, skip map[*ir.Index]rowViewRef) *info {
	in := &info{
		read:      map[*ir.Var]bool{},
		shared:    map[*ir.Shared]bool{},
		labels:    map[ir.Stmt]string{},
		typeNames: map[string]bool{},
		skip:      skip,
	}
	ir.Inspect(body, in.visit)
	return in
}

// visit records what node n tells the printer and says whether Inspect
// should go on into n's children; it walks them itself where it must see
// them in a particular way or order.
func (in *info) visit(n ir.Node) bool {
	switch n := n.(type) {
	case *ir.Index:
		if _, ok := in.skip[n]; ok {
			return false
		}
	case *ir.DeclStmt:
		in.typ(n.Var.Type)
	case *ir.AssignStmt:
		in.target(n.Target)
		ir.Inspect(n.Value, in.visit)
		return false
	case *ir.CallStmt:
		for _, t := range n.Targets {
			in.target(t)
		}
		ir.Inspect(n.Call, in.visit)
		return false
	case *ir.BranchStmt:
		if (n.Labelled || !n.Innermost) && n.Target != nil {
			if _, ok := in.labels[n.Target]; !ok {
				in.labels[n.Target] = in.newLabel(n.Target)
			}
		}
	case *ir.ReturnStmt:
		in.returns = true
	case *ir.VarRef:
		in.read[n.Var] = true
	case *ir.SharedRef:
		in.useShared(n.Shared)
	case *ir.Call:
		// The arguments' shared arrays come before the callee's.
		for _, a := range n.Args {
			ir.Inspect(a, in.visit)
		}
		if n.Func.Thread != nil {
			in.threadCall = true
		}
		for _, s := range n.Func.Shared {
			in.useShared(s)
		}
		for _, t := range n.Func.Results {
			in.typ(t)
		}
		in.exprType(n)
		return false
	case *ir.BuiltinCall:
		if n.Op.IsThread() {
			in.uses = in.uses.With(n.Op)
		}
	}
	if e, ok := n.(ir.Expr); ok {
		in.exprType(e)
	}
	return true
}

// exprType records the type names of e's type.
func (in *info) exprType(e ir.Expr) {
	if t := e.Type(); t != nil {
		in.typ(t)
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
	ir.Inspect(e, in.visit)
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
