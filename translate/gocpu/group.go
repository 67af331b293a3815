package gocpu

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/dotcompute/dc/translate/ir"
	"github.com/dotcompute/dc/translate/threadloop"
)

// Names of the group form.
const (
	scratchName = "dc_m"     // the chunk's *cpu.Scratch
	tidName     = "dc_tid"   // linear local index of the running thread (inside a thread loop, per-thread values go through row views)
	groupLoop   = "dc_group" // label of the loop over the chunk's groups
	nthreads    = "dc_nt"    // threads per group
)

// groupState is what printing the group form of a kernel needs beside the
// body.
type groupState struct {
	g         *threadloop.Group
	names     map[*ir.Var]string // every local's name, unique in the function
	perThread map[*ir.Var]bool
	slots     map[*ir.Var]int // per-thread variable -> scratch slot
	inThread  bool            // printing the body of a ThreadLoop
	kernel    string          // the kernel function's name
	checked   bool            // the kernel takes a fault record
	shared    []*ir.Shared    // the shared arrays the kernel function declares
	funcs     []jen.Code      // thread loops printed as functions of their own
	nfunc     int
	cache     map[*ir.Var]string        // per-thread variables held in locals in the thread loop being printed
	next      map[*ir.ThreadLoop]string // label before the stores of a thread loop's written per-thread values
	nnext     int
	hints     []jen.Code               // what a fast body may assume of the group size (see groupSizeHints)
	outlining bool                     // printing the body of an outlined group loop: its thread loops print in place
	views     map[*ir.Index]rowViewRef // accesses of the thread loop being printed that go through a row view
	unread    map[*ir.Var]bool         // locals of that thread loop read only in the indexes of those accesses
}

// rowViewRef is an access through a row view: element x of view name.
type rowViewRef struct {
	name string
	x    *jen.Statement
}

// Group returns the group form of kernel k (see package threadloop), or
// why it has none. A kernel in loop form (see Loop) has none.
func Group(k *ir.Kernel) (*threadloop.Group, error) {
	return threadloop.Transform(k)
}

// ScratchName returns the name of the package-level cpu.Scratches of
// kernel k's group form.
func ScratchName(k *ir.Kernel) string { return "dc_scratch_" + k.Name }

// varRef returns a reference to v: a per-thread variable of the group
// form is an element of its slice, the running thread's inside a thread
// loop and thread 0's (every thread agrees there) outside.
func (p *printer) varRef(v *ir.Var) *jen.Statement {
	if p.group != nil && p.group.perThread[v] {
		if local, ok := p.group.cache[v]; ok {
			return jen.Id(local)
		}
		if p.group.inThread {
			return jen.Id(p.name(v)).Index(jen.Id(tidName))
		}
		return jen.Id(p.name(v)).Index(jen.Lit(0))
	}
	return jen.Id(p.name(v))
}

// perThreadDecl declares the slice of per-thread variable v.
func (p *printer) perThreadDecl(v *ir.Var) jen.Code {
	return jen.Id(p.name(v)).Op(":=").Qual(cpuPath, "PerThread").Index(typeCode(v.Type)).
		Call(jen.Id(scratchName), jen.Lit(p.group.slots[v]), jen.Id(nthreads))
}

// uniqueNames gives every local of the group body a name no other
// variable of the function has: the group form moves declarations out of
// their blocks, and inlined functions bring their own names.
func (p *printer) uniqueNames(g *threadloop.Group, params []*ir.Var) map[*ir.Var]string {
	names := map[*ir.Var]string{}
	taken := map[string]bool{}
	for _, v := range params {
		taken[p.name(v)] = true
	}
	ir.InspectStmts(g.Body, func(s ir.Stmt) {
		d, ok := s.(*ir.DeclStmt)
		if !ok || d.Var.Name == "_" {
			return
		}
		if _, ok := names[d.Var]; ok {
			return
		}
		base := p.name(d.Var)
		if g.PerThread[d.Var] {
			base = "dc_pt_" + d.Var.Name
		}
		name := base
		for i := 2; taken[name]; i++ {
			name = base + "_" + strconv.Itoa(i)
		}
		taken[name] = true
		names[d.Var] = name
	})
	return names
}

// groupKernel prints the group form of kernel k:
//
//	func dc_cpu_<k.Name>(dc_g dc.Grid, dc_g0, dc_g1 int, dc_m *cpu.Scratch, params...)
//
// running groups [dc_g0, dc_g1) one after the other, each as its group
// body: the thread loops run the code between barriers for every thread of
// the group in turn.
func (p *printer) groupKernel(k *ir.Kernel, g *threadloop.Group, params []jen.Code) jen.Code {
	p.loop = true
	p.thread = threadName
	gs := &groupState{g: g, perThread: g.PerThread, slots: map[*ir.Var]int{}, kernel: p.kernelName(k), checked: k.Checked,
		cache: map[*ir.Var]string{}, next: map[*ir.ThreadLoop]string{}, views: map[*ir.Index]rowViewRef{}, unread: map[*ir.Var]bool{}}
	gs.names = p.uniqueNames(g, k.Params)
	p.group = gs

	if p.fast {
		gs.hints = groupSizeHints(k)
	}
	var top []jen.Code
	top = append(top,
		jen.List(jen.Id("dc_gs"), jen.Id("dc_ng")).Op(":=").Id(gridName).Dot("GroupSize").Op(",").Id(gridName).Dot("Groups"),
		jen.Id(nthreads).Op(":=").Add(gridField("GroupSize", 0)).Op("*").Add(gridField("GroupSize", 1)).Op("*").Add(gridField("GroupSize", 2)),
		jen.Id("_").Op("=").Id(nthreads),
	)
	top = append(top, gs.hints...)
	slot := 0
	shared := p.kernelShared(k)
	gs.shared = shared
	var perGroup []jen.Code
	for _, s := range shared {
		top = append(top, jen.Id(SharedName(s)).Op(":=").Qual(cpuPath, "Shared").Index(typeCode(s.Type)).
			Call(jen.Id(scratchName), jen.Lit(slot)))
		slot++
		switch {
		case p.in.shared[s] && p.stagesFirst(g, s):
			// The first thread loop stores every element below the
			// group's x size before anything reads the array: only the
			// rest starts zeroed.
			perGroup = append(perGroup, jen.If(gridField("GroupSize", 0).Op("<").Lit(int(s.Type.Len))).Block(
				jen.Clear(jen.Id(SharedName(s)).Index(gridField("GroupSize", 0), jen.Empty()))))
		case p.in.shared[s]:
			// Every group starts with zeroed shared memory, as on a GPU
			// launch under dc.Emulate.
			perGroup = append(perGroup, jen.Op("*").Id(SharedName(s)).Op("=").Add(typeCode(s.Type)).Values())
		default:
			top = append(top, jen.Id("_").Op("=").Id(SharedName(s)))
		}
	}
	ir.InspectStmts(g.Body, func(s ir.Stmt) {
		if d, ok := s.(*ir.DeclStmt); ok && g.PerThread[d.Var] {
			if _, ok := gs.slots[d.Var]; !ok {
				gs.slots[d.Var] = slot
				slot++
			}
		}
	})

	group := []jen.Code{
		jen.Id(groupVar[0]).Op(":=").Id("dc_gi").Op("%").Add(gridField("Groups", 0)),
		jen.Id(groupVar[1]).Op(":=").Id("dc_gi").Op("/").Add(gridField("Groups", 0)).Op("%").Add(gridField("Groups", 1)),
		jen.Id(groupVar[2]).Op(":=").Id("dc_gi").Op("/").Parens(gridField("Groups", 0).Op("*").Add(gridField("Groups", 1))),
		jen.List(jen.Id("_"), jen.Id("_"), jen.Id("_")).Op("=").List(jen.Id(groupVar[0]), jen.Id(groupVar[1]), jen.Id(groupVar[2])),
	}
	if k.Checked {
		// Group code reports faults as thread 0 of the group.
		var decl, blank []jen.Code
		for d := range 3 {
			decl = append(decl, jen.Id(groupVar[d]).Op("*").Add(gridField("GroupSize", d)))
			blank = append(blank, jen.Id(globalVar[d]))
		}
		group = append(group,
			jen.List(jen.Id(globalVar[0]), jen.Id(globalVar[1]), jen.Id(globalVar[2])).Op(":=").List(decl...),
			jen.List(jen.Id("_"), jen.Id("_"), jen.Id("_")).Op("=").List(blank...))
	}
	group = append(group, perGroup...)
	group = append(group, p.block(g.Body)...)

	returns := false
	ir.InspectStmts(g.Body, func(s ir.Stmt) {
		_, ok := s.(*ir.ReturnStmt)
		returns = returns || ok
	})
	var label jen.Code = jen.Null()
	if returns {
		label = jen.Id(groupLoop).Op(":")
	}
	top = append(top, jen.Add(label).For(
		jen.Id("dc_gi").Op(":=").Id(chunkLo),
		jen.Id("dc_gi").Op("<").Id(chunkHi),
		jen.Id("dc_gi").Op("++"),
	).Block(group...))
	var pre *jen.Statement = jen.Null()
	for _, f := range gs.funcs {
		pre.Add(f).Line().Line()
	}
	return pre.Commentf("%s runs groups [%s, %s) of kernel %s, one group at a time: the code between barriers runs for every thread of the group in turn.", p.kernelName(k), chunkLo, chunkHi, k.Name).Line().
		Func().Id(p.kernelName(k)).
		Params(append([]jen.Code{
			jen.Id(gridName).Qual(dcPath, "Grid"),
			jen.List(jen.Id(chunkLo), jen.Id(chunkHi)).Int(),
			jen.Id(scratchName).Op("*").Qual(cpuPath, "Scratch"),
		}, params...)...).
		Block(top...)
}

// threadLoop prints a ThreadLoop: the loops over the local indices of the
// group, x innermost, with the thread builtins its body uses. It runs in
// a function of its own (see outlineLoop) unless it assigns a variable
// of the group code: the Go compiler then allocates registers for the
// thread loop alone, where in the kernel's function, among the group
// code's values, it kept the loop's index and values on the stack.
func (p *printer) threadLoop(s *ir.ThreadLoop) jen.Code {
	if call := p.outlineLoop(s); call != nil {
		return call
	}
	return p.threadLoopCode(s)
}

// threadLoopCode returns the loops of thread loop s.
func (p *printer) threadLoopCode(s *ir.ThreadLoop) jen.Code {
	in := analyze(s.Body)
	uses := in.uses
	where := p.usesFaults(s.Body)
	// What does not depend on the x index is computed once per row of
	// threads (the Go compiler does not hoist it): the global y and z
	// indices, the row's first thread number, the group's first x.
	var inner, row []jen.Code
	var declared []jen.Code // what row declares
	if uses.Has(ir.GlobalX) || where {
		row = append(row, jen.Id("dc_x0").Op(":=").Id(groupVar[0]).Op("*").Add(gridField("GroupSize", 0)))
		declared = append(declared, jen.Id("dc_x0"))
		inner = append(inner, jen.Id(globalVar[0]).Op(":=").Id("dc_x0").Op("+").Id(localVar[0]))
	}
	for d := 1; d < 3; d++ {
		if uses.Has(ir.GlobalX+ir.Builtin(d)) || where {
			row = append(row, globalIndex(d))
			declared = append(declared, jen.Id(globalVar[d]))
		}
	}
	if where {
		inner = append(inner, jen.List(jen.Id("_"), jen.Id("_"), jen.Id("_")).Op("=").List(where3()...))
	}
	if in.threadCall {
		inner = append(inner, jen.Id(threadName).Op(":=").Qual(dcPath, "ThreadAt").Call(
			jen.Id(gridName), dim3(groupVar), dim3(localVar)))
	}
	// The x loop runs [dc_xlo, dc_xhi) when the pass narrowed it.
	var pre []jen.Code
	lo, hi := jen.Lit(0), gridField("GroupSize", 0)
	if s.XLo != nil {
		pre = append(pre, jen.Id("dc_xlo").Op(":=").Max(p.expr(s.XLo), jen.Lit(0)))
		lo = jen.Id("dc_xlo")
	}
	if s.XHi != nil {
		pre = append(pre, jen.Id("dc_xhi").Op(":=").Min(p.expr(s.XHi), gridField("GroupSize", 0)))
		hi = jen.Id("dc_xhi")
	}
	// x relative to the start of the loop, the index of the row views.
	xrel := jen.Id(localVar[0])
	if s.XLo != nil {
		xrel = jen.Id(localVar[0]).Op("-").Id("dc_xlo")
	}
	views := p.rowViews(s)
	for i, v := range views {
		for _, n := range v.nodes {
			p.group.views[n] = rowViewRef{name: "dc_rv" + strconv.Itoa(i+1), x: xrel}
		}
	}
	if len(views) > 0 {
		if uses.Has(ir.GlobalX) && !where {
			// The accesses through views may have been its only uses.
			inner = append(inner, jen.Id("_").Op("=").Id(globalVar[0]))
		}
		// A local read only in the index of an access that goes through
		// a view is read no more.
		read := analyzeSkipping(s.Body, p.group.views).read
		ir.InspectStmts(s.Body, func(st ir.Stmt) {
			if d, ok := st.(*ir.DeclStmt); ok && !read[d.Var] {
				p.group.unread[d.Var] = true
			}
		})
	}
	// The thread's own per-thread values live in locals while it runs the
	// loop: no other thread touches them here, and locals stay in
	// registers where slice elements would not. Written ones are stored
	// back at the end, where continuing the loop goes too. The row reads
	// and writes them through a view of its threads' elements.
	var cached []*ir.Var
	written := map[*ir.Var]bool{}
	seen := map[*ir.Var]bool{}
	jumps := false
	ir.Inspect(s.Body, func(n ir.Node) bool {
		switch n := n.(type) {
		case *ir.VarRef:
			if p.group.perThread[n.Var] && !seen[n.Var] {
				seen[n.Var] = true
				cached = append(cached, n.Var)
			}
		case *ir.AssignStmt, *ir.CallStmt:
			ir.Assigns(n.(ir.Stmt), func(v *ir.Var) { written[v] = written[v] || p.group.perThread[v] })
		case *ir.BranchStmt:
			jumps = jumps || n.Target == s
		}
		return true
	})
	prefix := slices.Clone(inner) // what each thread runs before the body
	var store, rowViewDecls []jen.Code
	for _, v := range cached {
		local := "dc_lv" + strings.TrimPrefix(p.name(v), "dc_pt")
		view := "dc_pv" + strings.TrimPrefix(p.name(v), "dc_pt")
		rowViewDecls = append(rowViewDecls, jen.Id(view).Op(":=").Id(p.name(v)).Index(
			jen.Id("dc_t0").Op("+").Add(lo), jen.Id("dc_t0").Op("+").Add(hi)))
		slot := jen.Id(view).Index(xrel)
		inner = append(inner, jen.Id(local).Op(":=").Add(slot))
		if written[v] {
			store = append(store, slot.Clone().Op("=").Id(local))
		}
		p.group.cache[v] = local
	}
	if len(store) > 0 && jumps {
		p.group.nnext++
		p.group.next[s] = "dc_next" + strconv.Itoa(p.group.nnext)
	}
	old := p.group.inThread
	p.group.inThread = true
	body := p.block(s.Body)
	var unrolled []jen.Code // four threads' bodies, where the loop unrolls
	_, labelled := p.in.labels[s]
	if unrollable(s.Body) && !labelled && p.group.next[s] == "" {
		unrolled = p.unrolledThreads(s, views, cached, written, prefix)
	}
	p.group.inThread = old
	for _, v := range cached {
		delete(p.group.cache, v)
	}
	clear(p.group.unread)
	for i, v := range views {
		for _, n := range v.nodes {
			delete(p.group.views, n)
		}
		rowViewDecls = append(rowViewDecls, jen.Id("dc_rv"+strconv.Itoa(i+1)).Op(":=").Add(p.copySlice(v.at, lo, hi)))
	}
	if l, ok := p.group.next[s]; ok {
		inner = append(inner, jen.Block(body...), jen.Id(l).Op(":"))
	} else {
		inner = append(inner, body...)
	}
	inner = append(inner, store...)

	usesTid := false
	ir.InspectExprs(s.Body, func(e ir.Expr) {
		if r, ok := e.(*ir.VarRef); ok && p.group.perThread[r.Var] {
			usesTid = true
		}
	})
	if usesTid {
		row = append(row, jen.Id("dc_t0").Op(":=").Parens(jen.Id(localVar[2]).Op("*").Add(gridField("GroupSize", 1)).Op("+").Id(localVar[1])).
			Op("*").Add(gridField("GroupSize", 0)))
		declared = append(declared, jen.Id("dc_t0"))
	}
	lx := jen.Id(localVar[0])
	st := jen.For(
		lx.Clone().Op(":=").Add(lo),
		lx.Clone().Op("<").Add(hi),
		lx.Clone().Op("++"),
	).Block(inner...)
	if unrolled != nil {
		// Four threads an iteration, then the rest one at a time.
		st = jen.Block(
			jen.Id(unrollVar).Op(":=").Add(lo),
			jen.For(jen.Empty(), jen.Id(unrollVar).Op("+").Lit(unrollBy).Op("<=").Add(hi), jen.Id(unrollVar).Op("+=").Lit(unrollBy)).Block(unrolled...),
			jen.For(
				lx.Clone().Op(":=").Id(unrollVar),
				lx.Clone().Op("<").Add(hi),
				lx.Clone().Op("++"),
			).Block(inner...))
	}
	if l, ok := p.in.labels[s]; ok && p.group.next[s] == "" {
		st = jen.Id(l).Op(":").Add(st)
	}
	if len(rowViewDecls) > 0 {
		// The views hold the elements of the threads [lo, hi): they
		// exist where the row has threads.
		st = jen.Block(append(rowViewDecls, st)...)
		if s.XLo != nil || s.XHi != nil {
			st = jen.If(jen.Add(lo).Op("<").Add(hi)).Add(st)
		}
	}
	if rc := p.rowCopy(s); rc != nil {
		code, loop := p.rowCopyCode(rc, lo, hi)
		row = append(row, code...)
		if !loop {
			// The copy is the whole row: the row's values may go unused.
			st = jen.Null()
			if len(declared) > 0 {
				blank := make([]jen.Code, len(declared))
				for i := range blank {
					blank[i] = jen.Id("_")
				}
				st = jen.List(blank...).Op("=").List(declared...)
			}
		}
	}
	return jen.Block(append(pre, threadFor(2, []jen.Code{threadFor(1, append(row, st))}))...)
}

// where3 returns the global index variables.
func where3() []jen.Code {
	return []jen.Code{jen.Id(globalVar[0]), jen.Id(globalVar[1]), jen.Id(globalVar[2])}
}

// outlineLoop prints thread loop s as a function of its own, declared
// before the kernel's, and returns its call; nil if s assigns a variable
// of the group code, which a function could not. The function takes the
// grid, the group's index, the fault record, the shared arrays, and every
// variable s reads but does not declare (a per-thread one as its slice):
// its body prints as it would in place.
func (p *printer) outlineLoop(s *ir.ThreadLoop) jen.Code {
	if p.group.outlining {
		return nil
	}
	return p.outlineStmt(s, func() jen.Code { return p.threadLoopCode(s) })
}

// outlineGroupLoop prints a for loop of the group code whose body runs
// one thread loop (the steps of a tree reduction, say) as a function of
// its own, as outlineLoop does a thread loop, with the thread loop
// inline: one call per group rather than one per step. It returns nil
// where s holds no thread loop or several, returns, branches out of s or
// assigns a variable of the group code declared outside it.
func (p *printer) outlineGroupLoop(s *ir.ForStmt) jen.Code {
	if p.group == nil || p.group.inThread || p.group.outlining {
		return nil
	}
	inside := map[ir.Stmt]bool{}
	loops, exits := 0, false
	ir.InspectStmts(s, func(st ir.Stmt) {
		inside[st] = true
		switch st := st.(type) {
		case *ir.ThreadLoop:
			loops++
		case *ir.ReturnStmt:
			exits = true
		case *ir.BranchStmt:
			exits = exits || st.Target == nil
		}
	})
	ir.InspectStmts(s, func(st ir.Stmt) {
		if b, ok := st.(*ir.BranchStmt); ok && !inside[b.Target] {
			exits = true
		}
	})
	if loops != 1 || exits {
		// With more thread loops in one function the Go compiler keeps
		// their indexes and values on the stack (a tiled matmul's step
		// ran 20% slower so).
		return nil
	}
	return p.outlineStmt(s, func() jen.Code {
		p.group.outlining = true
		defer func() { p.group.outlining = false }()
		return jen.Block(p.stmt(nil, s)...)
	})
}

// outlineStmt prints statement s, a thread loop or a loop of the group code,
// as a function of its own whose body print returns, and returns its
// call; nil if s assigns a variable of the group code it does not
// declare, which a function could not.
func (p *printer) outlineStmt(s ir.Stmt, print func() jen.Code) jen.Code {
	declared := map[*ir.Var]bool{}
	var free []*ir.Var
	seen := map[*ir.Var]bool{}
	writes := false
	ir.Inspect(s, func(n ir.Node) bool {
		switch n := n.(type) {
		case *ir.DeclStmt:
			declared[n.Var] = true
		case *ir.AssignStmt, *ir.CallStmt:
			ir.Assigns(n.(ir.Stmt), func(v *ir.Var) { writes = writes || !declared[v] && !p.group.perThread[v] })
		case *ir.VarRef:
			if !declared[n.Var] && !seen[n.Var] {
				seen[n.Var] = true
				free = append(free, n.Var)
			}
		}
		return true
	})
	if writes {
		return nil
	}
	p.group.nfunc++
	name := p.group.kernel + "_tl" + strconv.Itoa(p.group.nfunc)
	what := "a thread loop"
	if _, ok := s.(*ir.ForStmt); ok {
		what = "a loop of the group code"
	}
	params := []jen.Code{
		jen.Id(gridName).Qual(dcPath, "Grid"),
		jen.List(jen.Id("dc_gs"), jen.Id("dc_ng")).Qual(dcPath, "Dim3"),
		jen.List(jen.Id(groupVar[0]), jen.Id(groupVar[1]), jen.Id(groupVar[2])).Int(),
	}
	args := []jen.Code{jen.Id(gridName), jen.Id("dc_gs"), jen.Id("dc_ng"), jen.Id(groupVar[0]), jen.Id(groupVar[1]), jen.Id(groupVar[2])}
	for _, sh := range p.group.shared {
		params = append(params, jen.Id(SharedName(sh)).Add(typeCode(&ir.Pointer{Elem: sh.Type, Space: ir.SpaceShared})))
		args = append(args, jen.Id(SharedName(sh)))
	}
	for _, v := range free {
		t := typeCode(v.Type)
		if p.group.perThread[v] {
			t = jen.Index().Add(typeCode(v.Type))
		}
		params = append(params, jen.Id(p.name(v)).Add(t))
		args = append(args, jen.Id(p.name(v)))
	}
	if p.group.checked {
		params = append(params, jen.Id(faultName).Op("*").Qual(cpuPath, "Faults"))
		args = append(args, jen.Id(faultName))
	}
	if p.adds != nil {
		params = append(params, addsParam())
		args = append(args, jen.Id(addsName))
	}
	body := []jen.Code{
		jen.List(jen.Id("_"), jen.Id("_"), jen.Id("_"), jen.Id("_")).Op("=").List(jen.Id(gridName), jen.Id(groupVar[0]), jen.Id(groupVar[1]), jen.Id(groupVar[2])),
	}
	body = append(body, p.group.hints...)
	body = append(body, sharedNilChecks(p.group.shared)...)
	body = append(body, print())
	p.group.funcs = append(p.group.funcs, jen.Commentf("%s runs %s of %s.", name, what, p.group.kernel).Line().
		Comment("").Line().Comment("//go:noinline").Line().
		Func().Id(name).Params(params...).Block(body...))
	return jen.Id(name).Call(args...)
}

// sharedNilChecks returns a dereference of each shared array's pointer:
// the one nil check the Go compiler then makes covers every access after
// it, where it checked the pointer at every access in a loop.
func sharedNilChecks(shared []*ir.Shared) []jen.Code {
	var out []jen.Code
	for _, sh := range shared {
		out = append(out, jen.Id("_").Op("=").Op("*").Id(SharedName(sh)))
	}
	return out
}

// groupSizeHints returns the statements that tell the Go compiler the
// largest group size kernel k's fast entry point runs with: a launch
// condition C - (GroupSize.X - 1) >= 0 (which dckgen derives from an
// index of a shared array by the thread's local index) becomes
//
//	if dc_gs.X > C+1 { panic(...) }
//
// which never fires, since the fast entry point runs only where its
// launch conditions hold, and from which the compiler proves that indexes
// below the group size are within the array, dropping their bounds
// checks.
func groupSizeHints(k *ir.Kernel) []jen.Code {
	var most [3]int64
	for _, e := range ir.FastConditions(k) {
		if len(e) != 5 || e[0].Code != ir.LaunchConst || e[1].Code != ir.LaunchGeometry || e[1].Arg < 0 || e[1].Arg > 2 ||
			e[2].Code != ir.LaunchConst || e[2].Arg != 1 || e[3].Code != ir.LaunchSub || e[4].Code != ir.LaunchSub {
			continue
		}
		if n, d := e[0].Arg+1, e[1].Arg; n >= 1 && (most[d] == 0 || n < most[d]) {
			most[d] = n
		}
	}
	var hints []jen.Code
	for d, n := range most {
		if n > 0 {
			hints = append(hints, jen.If(gridField("GroupSize", d).Op(">").Lit(int(n))).Block(
				jen.Panic(jen.Lit("dc: a fast entry point launched against its launch conditions"))))
		}
	}
	return hints
}

// Unrolling of thread loops. A thread loop whose body is a few
// statements without loops, branches, returns or calls (a step of a tree
// reduction or of a scan, a round of a grid-stride loop) runs four
// threads an iteration, each in a block of its own and in thread order,
// as the loop would: the loop's control costs a quarter as much, and the
// hot loop's speed no longer hangs on where the linker places its few
// instructions (a tree step's loop ran 1.4-2× slower at some addresses
// than at others).
const (
	unrollBy    = 4
	unrollNodes = 24     // the most IR nodes an unrolled body has
	unrollVar   = "dc_u" // the first thread of an unrolled iteration
)

// unrollable reports whether a thread loop with body b unrolls.
func unrollable(b *ir.Block) bool {
	n, ok := 0, true
	ir.Inspect(b, func(node ir.Node) bool {
		n++
		switch node.(type) {
		case *ir.ForStmt, *ir.SwitchStmt, *ir.BranchStmt, *ir.ReturnStmt, *ir.ThreadLoop, *ir.Call, *ir.CallStmt:
			ok = false
		}
		return ok
	})
	return ok && n <= unrollNodes
}

// unrolledThreads returns the body of an unrolled iteration of thread
// loop s, which runs threads dc_u to dc_u+3: the row views and the views
// of the per-thread values cached narrowed to those four threads, then
// each thread's prefix, loads, body and stores in a block declaring its
// local x index, every view indexed by a constant (which leaves no bounds
// check).
func (p *printer) unrolledThreads(s *ir.ThreadLoop, views []rowView, cached []*ir.Var, written map[*ir.Var]bool, prefix []jen.Code) []jen.Code {
	urel := jen.Id(unrollVar)
	if s.XLo != nil {
		urel = jen.Id(unrollVar).Op("-").Id("dc_xlo")
	}
	narrow := func(name string) jen.Code {
		return jen.Id(name).Op(":=").Id(name).Index(urel.Clone(), urel.Clone().Op("+").Lit(unrollBy), urel.Clone().Op("+").Lit(unrollBy))
	}
	var out []jen.Code
	for i := range views {
		out = append(out, narrow("dc_rv"+strconv.Itoa(i+1)))
	}
	for _, v := range cached {
		out = append(out, narrow("dc_pv"+strings.TrimPrefix(p.name(v), "dc_pt")))
	}
	saved := maps.Clone(p.group.views)
	defer func() { p.group.views = saved }()
	for k := range unrollBy {
		x := jen.Lit(k)
		for n, r := range saved {
			p.group.views[n] = rowViewRef{name: r.name, x: x}
		}
		thread := []jen.Code{jen.Id(localVar[0]).Op(":=").Id(unrollVar).Op("+").Lit(k), jen.Id("_").Op("=").Id(localVar[0])}
		thread = append(thread, prefix...)
		var store []jen.Code
		for _, v := range cached {
			local := "dc_lv" + strings.TrimPrefix(p.name(v), "dc_pt")
			slot := jen.Id("dc_pv" + strings.TrimPrefix(p.name(v), "dc_pt")).Index(x)
			thread = append(thread, jen.Id(local).Op(":=").Add(slot))
			if written[v] {
				store = append(store, slot.Clone().Op("=").Id(local))
			}
		}
		thread = append(thread, p.block(s.Body)...)
		thread = append(thread, store...)
		out = append(out, jen.Block(thread...))
	}
	return out
}
