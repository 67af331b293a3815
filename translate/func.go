package translate

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"github.com/dotcompute/dc/translate/ir"
)

// fnState is one kernel or device function instance being lowered.
type fnState struct {
	labelCopies int // labels made for copies of labelled statements (fallThrough)
	t           *translator
	ctx         *typeCtx
	decl        *ast.FuncDecl
	obj         *types.Func
	kernel      bool
	name        string

	vars    map[types.Object]*ir.Var
	used    map[string]bool
	thread  *ir.Var
	params  []*ir.Var
	results []ir.Type
	named   []*ir.Var // named results

	shared  []*ir.Shared
	sites   map[token.Pos]*ir.Shared
	callees []*fnState
	barrier bool
	uses    ir.ThreadUses

	frames  []*frame
	writes  map[*ir.Var]bool
	assigns map[*ir.Var]bool // parameters assigned to (Var.Assigned)
	aliases map[*ir.Var][]*ir.Var

	inProgress bool
	fn         *ir.Func
	body       *ir.Block

	depth int // nesting of expr calls: 0 outside any expression
}

// frame is an enclosing for or switch, for break and continue.
type frame struct {
	stmt  ir.Stmt
	label string
	loop  bool
}

var badExpr ir.Expr = &ir.Const{T: ir.IntType, Value: constant.MakeInt64(0)}

func (t *translator) newFn(decl *ast.FuncDecl, obj *types.Func, typeArgs []types.Type, name string) *fnState {
	f := &fnState{
		t:       t,
		ctx:     &typeCtx{subst: map[*types.TypeParam]types.Type{}},
		decl:    decl,
		obj:     obj,
		name:    name,
		vars:    map[types.Object]*ir.Var{},
		used:    map[string]bool{},
		sites:   map[token.Pos]*ir.Shared{},
		writes:  map[*ir.Var]bool{},
		assigns: map[*ir.Var]bool{},
		aliases: map[*ir.Var][]*ir.Var{},
	}
	sig := obj.Type().(*types.Signature)
	tps := sig.TypeParams()
	if tps == nil || tps.Len() == 0 {
		tps = sig.RecvTypeParams()
	}
	for i := 0; tps != nil && i < tps.Len() && i < len(typeArgs); i++ {
		f.ctx.subst[tps.At(i)] = typeArgs[i]
	}
	return f
}

// varName returns a name for a Go identifier that is unique in the function
// and never starts with dc_ (reserved for printers).
func (f *fnState) varName(name string) string {
	switch {
	case name == "_" || name == "":
		name = "unused"
	case strings.HasPrefix(name, "dc_"):
		name = "u" + name
	}
	n := name
	for i := 1; f.used[n]; i++ {
		n = name + "_" + strconv.Itoa(i)
	}
	f.used[n] = true
	return n
}

func (f *fnState) newVar(obj types.Object, name string, typ ir.Type, kind ir.VarKind, pos token.Pos) *ir.Var {
	v := &ir.Var{Name: f.varName(name), Type: typ, Kind: kind, Pos: f.t.pos(pos)}
	if obj != nil {
		f.vars[obj] = v
	}
	return v
}

// temp declares a compiler temporary.
func (f *fnState) temp(typ ir.Type, pos token.Pos) *ir.Var {
	return &ir.Var{Name: f.varName("tmp"), Type: typ, Kind: ir.Local, Pos: f.t.pos(pos)}
}

// lowerKernel lowers one kernel instance.
func (t *translator) lowerKernel(decl *ast.FuncDecl, typeArgs []types.Type, name string, fastmath bool) *ir.Kernel {
	obj := t.in.Info.Defs[decl.Name].(*types.Func)
	f := t.newFn(decl, obj, typeArgs, name)
	f.kernel = true
	t.kernelOf[decl] = decl.Name.Name
	nerr := len(t.errs)
	sig := obj.Type().(*types.Signature)
	if sig.Results().Len() > 0 {
		t.errorf(decl.Type.Results.Pos(), "kernel %s: a kernel cannot return results", decl.Name.Name)
	}
	if sig.Params().Len() == 0 || !isThread(sig.Params().At(0).Type()) {
		t.errorf(decl.Type.Params.Pos(), "kernel %s: the first parameter must be a dc.Thread", decl.Name.Name)
		return nil
	}
	f.lowerParams(sig)
	// paramPos is where parameter name is declared (the parameter list
	// if it is not found).
	paramPos := func(name string) token.Pos {
		for _, field := range decl.Type.Params.List {
			for _, n := range field.Names {
				if n.Name == name {
					return n.Pos()
				}
			}
		}
		return decl.Type.Params.Pos()
	}
	for _, p := range f.params {
		if p.Type == nil {
			continue
		}
		if _, ok := p.Type.(*ir.Pointer); ok {
			t.errorf(paramPos(p.Name), "kernel %s: parameter %s: pointers cannot be kernel parameters", decl.Name.Name, p.Name)
		}
	}
	if decl.Body == nil {
		t.errorf(decl.Pos(), "kernel %s has no body", decl.Name.Name)
		return nil
	}
	f.inProgress = true
	f.body = f.block(decl.Body.List, decl.Body.Pos())
	f.inProgress = false
	if len(t.errs) > nerr {
		return nil
	}
	f.finish()
	k := &ir.Kernel{
		Name:     name,
		GoName:   decl.Name.Name,
		Pos:      t.pos(decl.Type.Func),
		Thread:   f.thread,
		Params:   f.params,
		Shared:   f.shared,
		Body:     f.body,
		FastMath: fastmath,
		Barrier:  f.barrier,
		Uses:     f.uses,
	}
	for _, ta := range typeArgs {
		k.TypeArgs = append(k.TypeArgs, t.irType(f.ctx, ta, decl.Pos(), false))
	}
	k.Calls = f.reach()
	return k
}

// reach returns every device function f reaches, callees first.
func (f *fnState) reach() []*ir.Func {
	var out []*ir.Func
	seen := map[*fnState]bool{}
	var visit func(g *fnState)
	visit = func(g *fnState) {
		for _, c := range g.callees {
			if seen[c] {
				continue
			}
			seen[c] = true
			visit(c)
			out = append(out, c.fn)
		}
	}
	visit(f)
	return out
}

func (f *fnState) lowerParams(sig *types.Signature) {
	pos := f.decl.Type.Params.Pos()
	if recv := sig.Recv(); recv != nil {
		typ := f.t.irType(f.ctx, recv.Type(), recv.Pos(), false)
		f.params = append(f.params, f.newVar(recv, recv.Name(), typ, ir.Param, recv.Pos()))
	}
	for i := range sig.Params().Len() {
		p := sig.Params().At(i)
		if isThread(p.Type()) {
			if f.thread != nil || (i != 0) {
				f.t.errorf(p.Pos(), "unsupported: dc.Thread must be the first parameter, and only one")
				continue
			}
			f.thread = f.newVar(p, p.Name(), nil, ir.Param, p.Pos())
			continue
		}
		if sig.Variadic() && i == sig.Params().Len()-1 {
			f.t.errorf(p.Pos(), "unsupported: variadic parameters cannot be used in kernels")
			continue
		}
		ppos := p.Pos()
		if !ppos.IsValid() {
			ppos = pos
		}
		typ := f.t.irType(f.ctx, p.Type(), ppos, !f.kernel)
		f.params = append(f.params, f.newVar(p, p.Name(), typ, ir.Param, ppos))
	}
	for i := range sig.Results().Len() {
		r := sig.Results().At(i)
		typ := f.t.irType(f.ctx, r.Type(), r.Pos(), false)
		switch typ.(type) {
		case *ir.Slice:
			f.t.errorf(r.Pos(), "unsupported: device functions cannot return slices")
		case *ir.Pointer:
			f.t.errorf(r.Pos(), "unsupported: device functions cannot return pointers")
		}
		f.results = append(f.results, typ)
		if r.Name() != "" {
			f.named = append(f.named, f.newVar(r, r.Name(), typ, ir.Local, r.Pos()))
		}
	}
}

// finish computes which slice parameters are written, following slice
// locals back to the parameters they alias.
func (f *fnState) finish() {
	changed := true
	for changed {
		changed = false
		for local, srcs := range f.aliases {
			if !f.writes[local] {
				continue
			}
			for _, s := range srcs {
				if !f.writes[s] {
					f.writes[s] = true
					changed = true
				}
			}
		}
	}
	for _, p := range f.params {
		if _, ok := p.Type.(*ir.Slice); ok {
			p.Written = f.writes[p]
		}
		p.Assigned = f.assigns[p]
	}
}

// device returns the lowered device function for a call of obj with the
// given type arguments, lowering it on first use.
func (f *fnState) device(call ast.Node, obj *types.Func, typeArgs []types.Type) *fnState {
	t := f.t
	key := obj.FullName()
	if obj.Type().(*types.Signature).Recv() != nil {
		key = obj.Type().(*types.Signature).Recv().Type().String() + "." + obj.Name()
	}
	var tnames []string
	for _, ta := range typeArgs {
		tnames = append(tnames, types.TypeString(ta, types.RelativeTo(t.in.Pkg)))
	}
	key += "[" + strings.Join(tnames, ",") + "]"
	if g, ok := t.funcs[key]; ok {
		if g == nil {
			return nil
		}
		if g.inProgress {
			t.errorf(call.Pos(), "unsupported: recursion: %s calls itself (directly or through other functions); kernels cannot recurse", obj.Name())
			return nil
		}
		return g
	}
	decl := t.decls[obj]
	if decl == nil || decl.Body == nil {
		t.errorf(call.Pos(), "unsupported: %s has no Go body to translate", obj.Name())
		t.funcs[key] = nil
		return nil
	}
	sig := obj.Type().(*types.Signature)
	if r := sig.Recv(); r != nil {
		if _, ok := r.Type().(*types.Pointer); ok {
			t.errorf(call.Pos(), "unsupported: method %s has a pointer receiver; device methods need value receivers", obj.Name())
			t.funcs[key] = nil
			return nil
		}
	}
	base := obj.Name()
	if r := sig.Recv(); r != nil {
		if n, ok := types.Unalias(r.Type()).(*types.Named); ok {
			base = n.Obj().Name() + "_" + obj.Name()
		}
	}
	for _, n := range tnames {
		base += "_" + mangle(n)
	}
	name := base
	for i := 2; t.names[name]; i++ {
		name = base + "_" + strconv.Itoa(i)
	}
	t.names[name] = true
	g := t.newFn(decl, obj, typeArgs, name)
	t.funcs[key] = g
	if _, ok := t.kernelOf[decl]; !ok {
		t.kernelOf[decl] = t.kernel
	}
	outer := t.fn
	t.fn = obj.Name()
	defer func() { t.fn = outer }()
	g.lowerParams(sig)
	g.inProgress = true
	body := g.block(decl.Body.List, decl.Body.Pos())
	if len(g.named) > 0 {
		var decls []ir.Stmt
		for _, v := range g.named {
			decls = append(decls, &ir.DeclStmt{Pos: v.Pos, Var: v})
		}
		body.Stmts = append(decls, body.Stmts...)
	}
	g.body = body
	g.inProgress = false
	g.finish()
	g.fn = &ir.Func{
		Name:    name,
		GoName:  obj.Name(),
		Pos:     t.pos(decl.Type.Func),
		Thread:  g.thread,
		Params:  g.params,
		Shared:  g.shared,
		Results: g.results,
		Body:    body,
		Barrier: g.barrier,
		Uses:    g.uses,
	}
	for _, ta := range typeArgs {
		g.fn.TypeArgs = append(g.fn.TypeArgs, t.irType(g.ctx, ta, decl.Pos(), false))
	}
	t.prog.Funcs = append(t.prog.Funcs, g.fn)
	return g
}

// addShared records that f uses s (directly or through a callee).
func (f *fnState) addShared(s *ir.Shared) {
	for _, x := range f.shared {
		if x == s {
			return
		}
	}
	f.shared = append(f.shared, s)
}
