package gocpu

import (
	"github.com/dave/jennifer/jen"

	"github.com/dotcompute/dc/translate/ir"
)

// loopKernel prints the loop form of kernel k. The body is printed twice:
// once in a flat loop for 1-D launches, once in the nested loops of the
// general case.
func (p *printer) loopKernel(k *ir.Kernel, params []jen.Code) jen.Code {
	p.loop = true
	p.thread = threadName
	uses := p.in.uses
	threadAt := p.in.threadCall
	has := func(b ir.Builtin, d int) bool { return uses.Has(b + ir.Builtin(d)) }

	// 1-D: one flat loop over the global X index of the chunk's threads.
	p.copy = 0
	var flat []jen.Code
	for d := 1; d < 3; d++ {
		for _, v := range []struct {
			b    ir.Builtin
			name string
		}{{ir.GlobalX, globalVar[d]}, {ir.LocalX, localVar[d]}, {ir.GroupX, groupVar[d]}} {
			if has(v.b, d) {
				flat = append(flat, jen.Id(v.name).Op(":=").Lit(0))
			}
		}
	}
	size := gridField("GroupSize", 0)
	var perThread []jen.Code
	if has(ir.LocalX, 0) || threadAt {
		perThread = append(perThread, jen.Id(localVar[0]).Op(":=").Id(globalVar[0]).Op("%").Add(size))
	}
	if has(ir.GroupX, 0) || threadAt {
		perThread = append(perThread, jen.Id(groupVar[0]).Op(":=").Id(globalVar[0]).Op("/").Add(size))
	}
	if threadAt {
		perThread = append(perThread, jen.Id(threadName).Op(":=").Qual(dcPath, "ThreadAt").Call(
			jen.Id(gridName),
			jen.Qual(dcPath, "Dim3").Values(jen.Id("X").Op(":").Id(groupVar[0])),
			jen.Qual(dcPath, "Dim3").Values(jen.Id("X").Op(":").Id(localVar[0])),
		))
	}
	perThread = append(perThread, p.block(k.Body)...)
	loop := jen.For(
		jen.Id(globalVar[0]).Op(":=").Id(chunkLo).Op("*").Add(size),
		jen.Id(globalVar[0]).Op("<").Id(chunkHi).Op("*").Add(size),
		jen.Id(globalVar[0]).Op("++"),
	).Block(perThread...)
	if p.in.returns {
		loop = jen.Id(p.copyLabel(threadLoop)).Op(":").Add(loop)
	}
	flat = append(flat, loop, jen.Return())
	oneD := jen.If(
		gridField("Groups", 1).Op("==").Lit(1).Op("&&").
			Add(gridField("Groups", 2)).Op("==").Lit(1).Op("&&").
			Add(gridField("GroupSize", 1)).Op("==").Lit(1).Op("&&").
			Add(gridField("GroupSize", 2)).Op("==").Lit(1),
	).Block(flat...)

	// General: every group of the chunk, every thread of the group.
	p.copy = 1
	var inner []jen.Code
	if has(ir.GlobalX, 0) {
		inner = append(inner, globalIndex(0))
	}
	if threadAt {
		inner = append(inner, jen.Id(threadName).Op(":=").Qual(dcPath, "ThreadAt").Call(
			jen.Id(gridName),
			dim3(groupVar),
			dim3(localVar),
		))
	}
	inner = append(inner, p.block(k.Body)...)
	var st jen.Code = threadFor(0, inner)
	if p.in.returns {
		st = jen.Id(p.copyLabel(threadLoop)).Op(":").Add(st)
	}
	for d := 1; d < 3; d++ {
		body := []jen.Code{}
		if has(ir.GlobalX, d) {
			body = append(body, globalIndex(d))
		}
		st = threadFor(d, append(body, st))
	}
	var group []jen.Code
	gi := jen.Id("dc_gi")
	if has(ir.GlobalX, 0) || has(ir.GroupX, 0) || threadAt {
		group = append(group, jen.Id(groupVar[0]).Op(":=").Add(gi).Op("%").Add(gridField("Groups", 0)))
	}
	if has(ir.GlobalX, 1) || has(ir.GroupX, 1) || threadAt {
		group = append(group, jen.Id(groupVar[1]).Op(":=").Add(gi).Op("/").Add(gridField("Groups", 0)).
			Op("%").Add(gridField("Groups", 1)))
	}
	if has(ir.GlobalX, 2) || has(ir.GroupX, 2) || threadAt {
		group = append(group, jen.Id(groupVar[2]).Op(":=").Add(gi).Op("/").
			Parens(gridField("Groups", 0).Op("*").Add(gridField("Groups", 1))))
	}
	group = append(group, st)
	general := jen.For(
		jen.Id("dc_gi").Op(":=").Id(chunkLo),
		jen.Id("dc_gi").Op("<").Id(chunkHi),
		jen.Id("dc_gi").Op("++"),
	).Block(group...)

	return jen.Commentf("%s runs every thread of groups [%s, %s) of kernel %s.", KernelName(k), chunkLo, chunkHi, k.Name).Line().
		Func().Id(KernelName(k)).
		Params(append([]jen.Code{
			jen.Id(gridName).Qual(dcPath, "Grid"),
			jen.List(jen.Id(chunkLo), jen.Id(chunkHi)).Int(),
		}, params...)...).
		Block(oneD, general)
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
