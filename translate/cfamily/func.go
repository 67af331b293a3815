package cfamily

import (
	"fmt"
	"strings"

	"github.com/dotcompute/dc/translate/ir"
)

// fn holds the state of printing one kernel or device function.
type fn struct {
	p      *printer
	kernel *ir.Kernel // nil in a device function
	fn     *ir.Func   // nil in a kernel
	pos    ir.Pos     // the current statement's position
	b      strings.Builder
	depth  int

	names         map[*ir.Var]string
	lens          map[*ir.Var]string
	origNames     map[string]bool // the C forms of all Go names of the function
	renamed       map[string]bool // names given by renaming
	blanks        int
	wrappedParams map[*ir.Var]bool        // array params passed in a wrapper struct: read as name.v
	shared        map[*ir.Shared]bool     // the shared arrays in scope
	plan          map[ir.Stmt]*targetPlan // loops and switches
	plain         map[*ir.BranchStmt]bool // branches printed as plain break/continue
	ng            *noGoto                 // how branches print in a dialect without goto; nil otherwise
	labels        int
	temps         int
	tags          int

	fast  bool     // the kernel's fast entry point (see ir.FastConditions)
	flag  string   // the flag of the index chain being printed (see chain)
	flags int      // flags and pointers of checks declared so far
	top   []string // declarations for the top of the body (check flags and pointers)
}

func (p *printer) newFn(pos ir.Pos) *fn {
	f := &fn{
		p:             p,
		pos:           pos,
		names:         make(map[*ir.Var]string),
		lens:          make(map[*ir.Var]string),
		origNames:     make(map[string]bool),
		renamed:       make(map[string]bool),
		wrappedParams: make(map[*ir.Var]bool),
		shared:        make(map[*ir.Shared]bool),
	}
	p.cur = f
	return f
}

func (f *fn) problemf(format string, args ...any) { f.p.problemf(f.pos, format, args...) }

// indent returns the indentation of the current depth.
func (f *fn) indent() string { return strings.Repeat("\t", f.depth) }

// linef writes one indented line.
func (f *fn) linef(format string, args ...any) {
	f.b.WriteString(f.indent())
	fmt.Fprintf(&f.b, format, args...)
	f.b.WriteString("\n")
}

// collectNames records the Go names of params and of every variable the
// body declares, so that renamed names never meet one of them.
func (f *fn) collectNames(params []*ir.Var, body *ir.Block) {
	for _, v := range params {
		f.origNames[cIdent(v.Name)] = true
	}
	ir.InspectStmts(body, func(s ir.Stmt) {
		if d, ok := s.(*ir.DeclStmt); ok && d.Var != nil {
			f.origNames[cIdent(d.Var.Name)] = true
		}
	})
}

// name returns the C name of v, naming it on first use.
func (f *fn) name(v *ir.Var) string {
	if n, ok := f.names[v]; ok {
		return n
	}
	var n string
	pre := f.p.d.ReservedPrefixes
	switch base := cIdent(v.Name); {
	case v.Name == "_" || v.Name == "":
		f.blanks++
		n = fmt.Sprintf("dc_blank%d", f.blanks)
	case !implReserved(base, pre...) && !f.p.varReserved[base]:
		n = base
	case implReserved(base, pre...):
		n = f.fresh("u" + base)
	default:
		n = f.fresh(base)
	}
	f.names[v] = n
	return n
}

// fresh returns base with "_" appended until no variable, reserved or
// global name has it.
func (f *fn) fresh(base string) string {
	for f.p.varReserved[base] || f.origNames[base] || f.renamed[base] {
		base += "_"
	}
	f.renamed[base] = true
	return base
}

// lenName returns the name of the length of slice variable v.
func (f *fn) lenName(v *ir.Var) string {
	if n, ok := f.lens[v]; ok {
		return n
	}
	n := f.fresh(f.name(v) + "_len")
	f.lens[v] = n
	return n
}

// sharedName returns the name of shared array s in this function.
func (f *fn) sharedName(s *ir.Shared) string {
	if !f.shared[s] {
		owner := "function"
		if f.kernel != nil {
			owner = "kernel"
		}
		f.problemf("shared array %s is not in the %s's Shared list", s.Name, owner)
		f.shared[s] = true
	}
	return f.p.sharedNames[s]
}

// sharedParam declares the decayed pointer parameter of shared array s.
func (p *printer) sharedParam(s *ir.Shared) string {
	return p.ptrDecl(&ir.Pointer{Elem: s.Type, Space: ir.SpaceShared}, p.sharedNames[s])
}

// kernel returns the text of a kernel: the entry point name, with
// restrict read-only slices if restrict is set.
func (p *printer) kernel(k *ir.Kernel, name string, restrict bool) string {
	text := p.kernelVariant(k, name, restrict, false)
	if ir.FastConditions(k) != nil {
		text += "\n" + p.kernelVariant(k, ir.FastName(name), restrict, true)
	}
	return text
}

// kernelVariant returns the text of one entry point of k; fast leaves out
// the checks that the kernel's launch conditions prove.
func (p *printer) kernelVariant(k *ir.Kernel, name string, restrict, fast bool) string {
	f := p.newFn(k.Pos)
	f.fast = fast
	defer func() { p.cur = nil }()
	f.kernel = k
	f.collectNames(k.Params, k.Body)
	f.planBranches(k.Body)
	var params []string
	// Struct and array parameters the kernel assigns to are copied into
	// locals first: some implementations pass aggregates by reference to
	// one copy that every work-item shares (PoCL does), while Go gives each
	// thread its own.
	var copies []string
	// byValue declares a parameter of type typ named name; copy says the
	// kernel copies it into a per-thread variable of that name first.
	byValue := func(typ, name string, copy bool) string {
		decl := typ
		if p.d.ParamSpace != "" {
			decl = p.d.ParamSpace + " " + typ + "&"
		}
		if !copy {
			return decl + " " + name
		}
		in := f.fresh("dc_in_" + name)
		copies = append(copies, fmt.Sprintf("%s %s = %s;", typ, name, in))
		return decl + " " + in
	}
	byRef := p.d.ParamSpace != ""
	for _, v := range k.Params {
		switch t := v.Type.(type) {
		case *ir.Slice:
			params = append(params, p.sliceDecl(t, f.name(v), !v.Written, restrict))
			if byRef {
				params = append(params, byValue(p.lenType(), f.lenName(v), v.Assigned))
				continue
			}
			params = append(params, p.lenType()+" "+f.lenName(v))
		case *ir.Array:
			f.wrappedParams[v] = true
			params = append(params, byValue(p.arrayWrapper(t), f.name(v), v.Assigned || byRef))
		case *ir.Struct:
			params = append(params, byValue(p.structName(t), f.name(v), v.Assigned || byRef))
		case *ir.Basic:
			if byRef {
				params = append(params, byValue(p.basic(t), f.name(v), v.Assigned))
				continue
			}
			params = append(params, p.decl(v.Type, f.name(v)))
		default:
			params = append(params, p.decl(v.Type, f.name(v)))
		}
	}
	if k.Checked {
		params = append(params, p.faultParams(true)...)
	}
	if p.d.ParamAttr != nil {
		for i := range params {
			params[i] += p.d.ParamAttr(i)
		}
	}
	params = append(params, p.d.ThreadParams...)
	var head strings.Builder
	if k.FastMath {
		head.WriteString("// dc: fastmath\n")
	}
	p.line(&head, k.Pos, true)
	fmt.Fprintf(&head, "%s void %s(%s) {\n", p.d.Kernel, name, strings.Join(params, ", "))
	f.depth = 1
	for _, c := range copies {
		f.linef("%s", c)
	}
	for _, s := range k.Shared {
		f.shared[s] = true
		p.line(&f.b, s.Pos, false)
		q := p.d.SharedVar
		if q != "" {
			q += " "
		}
		f.linef("%s%s;", q, p.decl(s.Type, p.sharedNames[s]))
	}
	f.stmts(k.Body.Stmts)
	f.b.WriteString("}\n")
	return head.String() + f.topDecls() + f.b.String()
}

// function returns the text of a device function.
func (p *printer) function(fu *ir.Func) string {
	f := p.newFn(fu.Pos)
	defer func() { p.cur = nil }()
	f.fn = fu
	f.collectNames(fu.Params, fu.Body)
	f.planBranches(fu.Body)
	var params []string
	var copies []*ir.Var
	inNames := make(map[*ir.Var]string)
	for _, v := range fu.Params {
		switch t := v.Type.(type) {
		case *ir.Slice:
			params = append(params, p.sliceDecl(t, f.name(v), !v.Written, false), p.lenType()+" "+f.lenName(v))
		case *ir.Array:
			if p.d.ArrayArgsByValue {
				f.wrappedParams[v] = true
				params = append(params, p.arrayWrapper(t)+" "+f.name(v))
				continue
			}
			// Go passes arrays by value; C passes a pointer, to const
			// since the caller's array may be read-only. A function that
			// writes its array parameter gets a copy.
			if v.Assigned {
				copies = append(copies, v)
				inNames[v] = f.fresh("dc_in_" + f.name(v))
				params = append(params, "const "+p.decl(t, inNames[v]))
				continue
			}
			params = append(params, "const "+p.decl(t, f.name(v)))
		default:
			params = append(params, p.decl(v.Type, f.name(v)))
		}
	}
	for _, s := range fu.Shared {
		f.shared[s] = true
		params = append(params, p.sharedParam(s))
	}
	if fu.Checked {
		params = append(params, p.faultParams(false)...)
	}
	if p.threadFuncs[fu] {
		params = append(params, p.d.ThreadFuncParams...)
	}
	sig := p.funcName(fu) + "(" + strings.Join(params, ", ") + ")"
	switch {
	case len(fu.Results) == 0:
		sig = "void " + sig
	case wrapped(fu):
		sig = p.retStructName(fu) + " " + sig
	default:
		sig = p.decl(fu.Results[0], sig)
	}
	if p.d.Func != "" {
		sig = p.d.Func + " " + sig
	}
	var head strings.Builder
	p.line(&head, fu.Pos, true)
	head.WriteString(sig + " {\n")
	f.depth = 1
	for _, v := range copies {
		f.linef("%s;", p.decl(v.Type, f.name(v)))
		f.copyArray(v.Type.(*ir.Array), f.name(v), inNames[v])
	}
	f.stmts(fu.Body.Stmts)
	f.b.WriteString("}\n")
	return head.String() + f.topDecls() + f.b.String()
}

// topDecls returns the declarations the body's checks need, one per line.
func (f *fn) topDecls() string {
	var b strings.Builder
	for _, d := range f.top {
		b.WriteString("\t" + d + "\n")
	}
	return b.String()
}
