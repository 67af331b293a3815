package gocpu

import (
	"github.com/dave/jennifer/jen"

	"github.com/dotcompute/dc/translate/ir"
)

// loopKernel prints the loop form of kernel k: the chunk's groups, and in
// each group every thread, x innermost, with the thread builtins as loop
// variables. The innermost loop walks the global x index of a run of
// threads: one row of threads across the chunk's groups that lie in one
// row of groups, so that 2-D and 3-D launches walk row-major data in
// order, and a 1-D launch walks its whole chunk in one tight loop. The
// grid's dimensions are copied into
// dc.Dim3 locals first so the loops keep them in registers. The innermost
// loop runs in a function of its own, <kernel>_row, or, when a thread
// loops itself, each thread does, <kernel>_thread: either way the Go
// compiler keeps the hot loop's values in registers instead of spilling
// and reloading the chunk loops' values on every iteration.
func (p *printer) loopKernel(k *ir.Kernel, body *ir.Block, bound ir.Expr, rows *rowGuard, params []jen.Code) jen.Code {
	p.loop = true
	p.thread = threadName
	uses := p.in.uses
	threadAt := p.in.threadCall
	// A checked kernel needs every global index for its fault record.
	where := p.usesFaults(body)
	has := func(b ir.Builtin, d int) bool { return uses.Has(b+ir.Builtin(d)) || (where && b == ir.GlobalX) }

	// Per thread: LocalX and GroupX follow from the global x index.
	var inner []jen.Code
	if has(ir.LocalX, 0) || threadAt {
		inner = append(inner, jen.Id(localVar[0]).Op(":=").Id(globalVar[0]).Op("%").Add(gridField("GroupSize", 0)))
	}
	if has(ir.GroupX, 0) || threadAt {
		inner = append(inner, jen.Id(groupVar[0]).Op(":=").Id(globalVar[0]).Op("/").Add(gridField("GroupSize", 0)))
	}
	outline := hasLoop(body)
	if threadAt && !outline {
		inner = append(inner, jen.Id(threadName).Op(":=").Qual(dcPath, "ThreadAt").Call(
			jen.Id(gridName),
			dim3(groupVar),
			dim3(localVar),
		))
	}
	var outlined jen.Code
	if outline {
		// A thread that loops gets a function of its own: the Go
		// compiler then keeps the thread's loop in registers instead of
		// spilling the chunk loops' values around it.
		var call jen.Code
		outlined, call = p.outline(k, body, params, has, threadAt)
		inner = append(inner, call)
	} else {
		// Go gives each thread its own copy of the parameters; here the
		// threads of a chunk share them, so those the body assigns are
		// copied per thread.
		for _, v := range k.Params {
			if v.Assigned {
				inner = append(inner,
					jen.Id(p.name(v)).Op(":=").Id(p.name(v)),
					jen.Id("_").Op("=").Id(p.name(v)))
			}
		}
		inner = append(inner, p.block(body)...)
	}
	var st jen.Code = jen.For(
		jen.Id(globalVar[0]).Op(":=").Id("dc_xa"),
		jen.Id(globalVar[0]).Op("<").Id("dc_xb"),
		jen.Id(globalVar[0]).Op("++"),
	).Block(inner...)
	if p.in.returns && outlined == nil {
		st = jen.Id(threadLoop).Op(":").Add(st)
	}
	xb := jen.Id("dc_xa").Op("+").Id("dc_run").Op("*").Add(gridField("GroupSize", 0))
	xa := []jen.Code{jen.Id("dc_gi").Op("%").Add(gridField("Groups", 0)).Op("*").Add(gridField("GroupSize", 0)), jen.Lit(0)}
	hi := []jen.Code{xb}
	if bound != nil {
		// The kernel's x guard (see xGuard) bounds the loop instead.
		hi = append(hi, p.expr(bound))
	}
	if rows != nil {
		// So do the x bounds of its row guard (see findRowGuard). A
		// lower bound moves dc_xa, so the run's end is computed apart.
		if len(rows.lo) > 0 {
			hi[0] = jen.Parens(jen.Id("dc_gi").Op("%").Add(gridField("Groups", 0)).Op("+").Id("dc_run")).Op("*").Add(gridField("GroupSize", 0))
		}
		for _, e := range rows.lo {
			xa = append(xa, p.expr(e))
		}
		for _, e := range rows.hi {
			hi = append(hi, p.expr(e))
		}
	}
	end := hi[0]
	if len(hi) > 1 {
		end = jen.Min(hi...)
	}
	// dc_xa is never negative; max with 0 tells the Go compiler so. Then
	// 0 <= dc_x < len(s) when the guard bounds the loop by len(s), and
	// the compiler drops the bounds checks of s[dc_x].
	run := []jen.Code{
		jen.Id("dc_xa").Op(":=").Max(xa...),
		jen.Id("dc_xb").Op(":=").Add(end),
		st,
	}
	if outlined == nil {
		outlined, st = p.outlineRow(k, run, params, has, threadAt)
	} else {
		st = jen.Block(run...)
	}
	if rows != nil && rows.row != nil {
		// The row guard's test of the row, once per row.
		st = jen.If(p.expr(rows.row)).Block(st)
	}
	for d := 1; d < 3; d++ {
		body := []jen.Code{}
		if has(ir.GlobalX, d) {
			body = append(body, globalIndex(d))
		}
		st = threadFor(d, append(body, st))
	}
	group := []jen.Code{
		jen.Id("dc_run").Op("=").Min(jen.Id(chunkHi).Op("-").Id("dc_gi"), gridField("Groups", 0).Op("-").Id("dc_gi").Op("%").Add(gridField("Groups", 0))),
	}
	gi := jen.Id("dc_gi")
	if has(ir.GlobalX, 1) || has(ir.GroupX, 1) || threadAt {
		group = append(group, jen.Id(groupVar[1]).Op(":=").Add(gi).Op("/").Add(gridField("Groups", 0)).
			Op("%").Add(gridField("Groups", 1)))
	}
	if has(ir.GlobalX, 2) || has(ir.GroupX, 2) || threadAt {
		group = append(group, jen.Id(groupVar[2]).Op(":=").Add(gi).Op("/").
			Parens(gridField("Groups", 0).Op("*").Add(gridField("Groups", 1))))
	}
	group = append(group, st)
	var pre *jen.Statement = jen.Null()
	if outlined != nil {
		pre = jen.Add(outlined).Line().Line()
	}
	var stmts []jen.Code
	if s, err := simdOf(k); err == nil {
		stmts = append(stmts, p.simdHook(s))
	}
	return pre.Commentf("%s runs every thread of groups [%s, %s) of kernel %s.", p.kernelName(k), chunkLo, chunkHi, k.Name).Line().
		Func().Id(p.kernelName(k)).
		Params(append([]jen.Code{
			jen.Id(gridName).Qual(dcPath, "Grid"),
			jen.List(jen.Id(chunkLo), jen.Id(chunkHi)).Int(),
		}, params...)...).
		Block(append(stmts,
			jen.List(jen.Id("dc_gs"), jen.Id("dc_ng")).Op(":=").Id(gridName).Dot("GroupSize").Op(",").Id(gridName).Dot("Groups"),
			jen.Comment("Each run is the chunk's groups in one row of groups: its threads' x are contiguous."),
			jen.For(
				jen.List(jen.Id("dc_gi"), jen.Id("dc_run")).Op(":=").List(jen.Id(chunkLo), jen.Lit(0)),
				jen.Id("dc_gi").Op("<").Id(chunkHi),
				jen.Id("dc_gi").Op("+=").Id("dc_run"),
			).Block(group...),
		)...)
}

// threadFor returns the loop over the local index of dimension d.
func threadFor(d int, body []jen.Code) *jen.Statement {
	l := jen.Id(localVar[d])
	return jen.For(
		l.Clone().Op(":=").Lit(0),
		l.Clone().Op("<").Add(gridField("GroupSize", d)),
		l.Clone().Op("++"),
	).Block(body...)
}

// globalIndex declares the global index of dimension d.
func globalIndex(d int) jen.Code {
	return jen.Id(globalVar[d]).Op(":=").Id(groupVar[d]).Op("*").Add(gridField("GroupSize", d)).Op("+").Id(localVar[d])
}

// dim3 returns dc.Dim3{X: v[0], Y: v[1], Z: v[2]}.
func dim3(v [3]string) jen.Code {
	return jen.Qual(dcPath, "Dim3").Values(
		jen.Id("X").Op(":").Id(v[0]),
		jen.Id("Y").Op(":").Id(v[1]),
		jen.Id("Z").Op(":").Id(v[2]),
	)
}

// hasLoop reports whether b holds a for statement.
func hasLoop(b *ir.Block) bool {
	found := false
	ir.InspectStmts(b, func(s ir.Stmt) {
		_, ok := s.(*ir.ForStmt)
		found = found || ok
	})
	return found
}

// outlineRow returns the function running one run of threads of
// loop-form kernel k, <kernel>_row, and its call: run computes the run's
// x bounds from its first group, dc_gi, and its length in groups, dc_run,
// and loops over them. The bounds are computed in the function, so that
// the Go compiler knows them there and drops the bounds checks they
// prove. The function takes the grid's sizes, dc_gi and dc_run, the y and
// z thread builtins the loop uses, the kernel's parameters and its fault
// record. has and threadAt are loopKernel's.
func (p *printer) outlineRow(k *ir.Kernel, run []jen.Code, params []jen.Code, has func(ir.Builtin, int) bool, threadAt bool) (fn, call jen.Code) {
	ints := []jen.Code{jen.Id("dc_gi"), jen.Id("dc_run")}
	for d := 1; d < 3; d++ {
		if has(ir.GlobalX, d) {
			ints = append(ints, jen.Id(globalVar[d]))
		}
		if p.in.uses.Has(ir.LocalX+ir.Builtin(d)) || threadAt {
			ints = append(ints, jen.Id(localVar[d]))
		}
		if p.in.uses.Has(ir.GroupX+ir.Builtin(d)) || threadAt {
			ints = append(ints, jen.Id(groupVar[d]))
		}
	}
	name := p.kernelName(k) + "_row"
	fparams, args := p.outlineSignature(k, params, ints, threadAt)
	fn = jen.Commentf("%s runs one row of threads of %s across groups [dc_gi, dc_gi+dc_run) of one row of groups.", name, p.kernelName(k)).Line().
		Comment("").Line().Comment("//go:noinline").Line().
		Func().Id(name).Params(fparams...).Block(run...)
	return fn, jen.Id(name).Call(args...)
}

// outlineSignature returns the parameters of a function outlined from
// loop-form kernel k, and the arguments of its call: the grid's sizes, the
// grid itself if threadAt, ints (int variables of the caller, passed by
// name), the kernel's parameters and its fault record.
func (p *printer) outlineSignature(k *ir.Kernel, params, ints []jen.Code, threadAt bool) (fparams, args []jen.Code) {
	fparams = []jen.Code{jen.List(jen.Id("dc_gs"), jen.Id("dc_ng")).Qual(dcPath, "Dim3")}
	args = []jen.Code{jen.Id("dc_gs"), jen.Id("dc_ng")}
	if threadAt {
		fparams = append(fparams, jen.Id(gridName).Qual(dcPath, "Grid"))
		args = append(args, jen.Id(gridName))
	}
	if len(ints) > 0 {
		fparams = append(fparams, jen.List(ints...).Int())
		args = append(args, ints...)
	}
	fparams = append(fparams, params...)
	for _, v := range k.Params {
		args = append(args, jen.Id(p.name(v)))
	}
	if k.Checked {
		args = append(args, jen.Id(faultName))
	}
	if p.adds != nil {
		args = append(args, jen.Id(addsName))
	}
	return fparams, args
}

// outline returns the function running one thread of loop-form kernel k,
// <kernel>_thread, and its call: it takes the grid's sizes, the thread
// builtins body uses, the kernel's parameters and its fault record.
// has and threadAt are loopKernel's (has includes the global indices a
// fault record needs).
func (p *printer) outline(k *ir.Kernel, body *ir.Block, params []jen.Code, has func(ir.Builtin, int) bool, threadAt bool) (fn, call jen.Code) {
	name := p.kernelName(k) + "_thread"
	var ints []jen.Code
	for d := range 3 {
		if has(ir.GlobalX, d) {
			ints = append(ints, jen.Id(globalVar[d]))
		}
	}
	for d := range 3 {
		if p.in.uses.Has(ir.LocalX+ir.Builtin(d)) || threadAt {
			ints = append(ints, jen.Id(localVar[d]))
		}
	}
	for d := range 3 {
		if p.in.uses.Has(ir.GroupX+ir.Builtin(d)) || threadAt {
			ints = append(ints, jen.Id(groupVar[d]))
		}
	}
	fparams, args := p.outlineSignature(k, params, ints, threadAt)
	var stmts []jen.Code
	if threadAt {
		stmts = append(stmts, jen.Id(threadName).Op(":=").Qual(dcPath, "ThreadAt").Call(
			jen.Id(gridName), dim3(groupVar), dim3(localVar)))
	}
	p.outlined = true
	stmts = append(stmts, p.block(body)...)
	p.outlined = false
	fn = jen.Commentf("%s runs one thread of %s.", name, p.kernelName(k)).Line().
		Comment("").Line().Comment("//go:noinline").Line().
		Func().Id(name).Params(fparams...).Block(stmts...)
	return fn, jen.Id(name).Call(args...)
}
