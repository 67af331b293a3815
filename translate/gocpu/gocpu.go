// Package gocpu prints dc's kernel IR as Go: the CPU fallback of every
// kernel, compiled into the user's own package next to the kernels.
//
// A device function f becomes func dc_f, taking the dc.Thread first when f
// uses it and a pointer per group-shared array last. A kernel K becomes
// func dc_cpu_K in one of two forms:
//
//   - Without barriers and shared memory, a tight loop over a chunk of the
//     launch's groups and every thread in them, with the thread builtins as
//     loop variables; the innermost loop walks a row of threads across the
//     chunk's groups, so a 1-D launch takes a single flat loop. Run drives
//     it with cpu.Run, which splits the groups among the pool's workers.
//   - With barriers or shared memory, the group form (package threadloop):
//     a chunk of groups run one at a time, the code between barriers as
//     loops over the group's threads, shared arrays and per-thread values
//     in a cpu.Scratch. cpu.Run drives it too.
//   - What the group form cannot express yet, a per-thread function taking
//     a dc.Thread, driven by cpu.RunGroups with a goroutine per thread
//     (dckgen -v names such kernels).
//
// An elementwise float32 kernel (see SIMDCheck) also gets SIMD bodies, for
// a file built only with GOEXPERIMENT=simd on amd64, and a stub for other
// builds; its loop-form body hands 1-D launches to them.
//
// The output is ordinary Go in the user's package: struct and named types
// print by name, constants as exact typed literals, and every name the
// printer introduces starts with "dc_". All text goes through jennifer.
package gocpu

import (
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/dotcompute/dc/translate/ir"
	"github.com/dotcompute/dc/translate/threadloop"
)

// Import paths of the packages the generated code uses.
const (
	dcPath      = "github.com/dotcompute/dc"
	cpuPath     = "github.com/dotcompute/dc/backends/cpu"
	runtimePath = "github.com/dotcompute/dc/runtime"
)

// Names the printer introduces.
const (
	threadName = "dc_t"      // the dc.Thread value
	gridName   = "dc_g"      // the launch grid in a loop-form kernel
	chunkLo    = "dc_g0"     // first linear group of the chunk
	chunkHi    = "dc_g1"     // end of the chunk
	threadLoop = "dc_thread" // label of the innermost thread loop
)

// FuncName returns the Go name of device function f in generated code.
func FuncName(f *ir.Func) string { return "dc_" + f.Name }

// KernelName returns the Go name of kernel k's CPU body in generated code.
func KernelName(k *ir.Kernel) string { return "dc_cpu_" + k.Name }

// SharedName returns the Go name of the pointer to shared array s in
// generated code.
func SharedName(s *ir.Shared) string { return "dc_" + s.Name }

// Loop reports whether kernel k prints in loop form, every thread of a
// chunk in turn: it has no barrier and uses no shared memory, directly or
// in a callee, and runs no grid-stride loop. Otherwise it prints in group
// form (see package threadloop), or as a per-thread function where the
// group form cannot express it.
//
// A thread of a grid-stride loop
//
//	for i := t.GlobalX(); i < n; i += t.GridSizeX() { ... }
//
// touches one element in every grid-sized stretch of memory, so in loop
// form a chunk walks the data column by column, one cache line per
// element. The group form runs such a loop in rounds (Group.Strided):
// round k is every thread's k-th iteration, consecutive elements.
func Loop(k *ir.Kernel) bool {
	if k.Barrier || len(k.Shared) > 0 {
		return false
	}
	if !hasLoop(k.Body) {
		return true
	}
	g, err := Group(k)
	return err != nil || !g.Strided
}

// Func returns device function f as a Go function declaration:
//
//	func dc_<f.Name>(dc_t dc.Thread, params..., dc_sh0 *[N]T, ...) (results)
//
// with the thread only when f takes one and one pointer per f.Shared.
func Func(f *ir.Func) jen.Code {
	in := analyze(f.Body)
	p := newPrinter(in, f.Params, f.Results)
	p.thread = threadName
	var params []jen.Code
	if f.Thread != nil {
		params = append(params, jen.Id(threadName).Qual(dcPath, "Thread"))
	}
	for _, v := range f.Params {
		params = append(params, jen.Id(p.name(v)).Add(typeCode(v.Type)))
	}
	for _, s := range f.Shared {
		params = append(params, jen.Id(SharedName(s)).Add(typeCode(&ir.Pointer{Elem: s.Type, Space: ir.SpaceShared})))
	}
	if f.Checked {
		params = append(params, faultParams()...)
	}
	var results jen.Code = jen.Null()
	switch len(f.Results) {
	case 0:
	case 1:
		results = typeCode(f.Results[0])
	default:
		var list []jen.Code
		for _, t := range f.Results {
			list = append(list, typeCode(t))
		}
		results = jen.Parens(jen.List(list...))
	}
	body := p.block(f.Body)
	if len(f.Results) > 0 && !ir.Terminates(f.Body) {
		body = append(body, jen.Panic(jen.Lit("unreachable")))
	}
	return jen.Commentf("%s is device function %s.", FuncName(f), f.Name).Line().
		Func().Id(FuncName(f)).Params(params...).Add(results).Block(body...)
}

// Kernel returns the CPU body of kernel k as a Go function declaration: the
// loop form (see Loop)
//
//	func dc_cpu_<k.Name>(dc_g dc.Grid, dc_g0, dc_g1 int, params...)
//
// running every thread of linear groups [dc_g0, dc_g1), or the per-thread
// form
//
//	func dc_cpu_<k.Name>(dc_t dc.Thread, params...)
//
// A kernel with launch conditions (ir.FastConditions) gets a second
// function, FastKernelName(k), without the checks they prove. A loop-form
// body that keeps accumulations in locals where it may (see scalarize)
// comes with its plain form for aliased launches, AliasedKernelName(k)
// (and its fast form, with FastSuffix), where that rewrite needs one.
func Kernel(k *ir.Kernel) jen.Code {
	code := jen.Null()
	// The group form, transformed once for every body printed.
	g := groupOf(k)
	if g != nil {
		code.Commentf("%s holds the working memory of %s's groups.", ScratchName(k), k.Name).Line().
			Var().Id(ScratchName(k)).Qual(cpuPath, "Scratches").Line().Line()
	}
	code.Add(variant(k, g, false, false))
	if hasAliased(k, false) {
		code.Line().Line().Add(variant(k, g, false, true))
	}
	if ir.FastConditions(k) != nil {
		code.Line().Line().Add(variant(k, g, true, false))
		if hasAliased(k, true) {
			code.Line().Line().Add(variant(k, g, true, true))
		}
	}
	if Loop(k) || g != nil {
		code.Line().Line().Add(chunkFunc(k))
	}
	return code
}

// FastKernelName returns the Go name of kernel k's fast CPU body.
func FastKernelName(k *ir.Kernel) string { return KernelName(k) + "_fast" }

// AliasedKernelName returns the Go name of kernel k's CPU body for
// aliased launches (runtime.Call.Aliased).
func AliasedKernelName(k *ir.Kernel) string { return KernelName(k) + "_aliased" }

// groupOf returns the group form of k, nil if k has the loop form or the
// group form cannot express it.
func groupOf(k *ir.Kernel) *threadloop.Group {
	if Loop(k) {
		return nil
	}
	g, err := Group(k)
	if err != nil {
		return nil
	}
	return g
}

// kernelVariant returns one CPU body of k; fast leaves out the checks the
// launch conditions prove; aliased prints the body as written, for
// aliased launches, rather than with accumulations in locals.
func kernelVariant(k *ir.Kernel, fast, aliased bool) jen.Code {
	return variant(k, groupOf(k), fast, aliased)
}

// variant is kernelVariant with k's group form g (see groupOf).
func variant(k *ir.Kernel, g *threadloop.Group, fast, aliased bool) jen.Code {
	in := analyze(k.Body)
	p := newPrinter(in, k.Params, nil)
	p.kernel, p.fast, p.aliased = true, fast, aliased
	var params []jen.Code
	for _, v := range k.Params {
		params = append(params, jen.Id(p.name(v)).Add(typeCode(v.Type)))
	}
	if k.Checked {
		params = append(params, jen.Id(faultName).Op("*").Qual(cpuPath, "Faults"))
	}
	loop := Loop(k)
	var adds map[*ir.Var]bool
	if loop || g != nil {
		if adds = addOnlyVars(k); adds != nil {
			params = append(params, addsParam())
		}
	}
	if !loop {
		if g == nil {
			return p.threadKernel(k, params)
		}
		p = newPrinter(analyze(g.Body), k.Params, nil)
		p.kernel, p.fast, p.adds = true, fast, adds
		return p.groupKernel(k, g, params)
	}
	p.adds = adds
	// The loop form bounds the x loop by the kernel's x guard, if any; the
	// body is analysed again without it, and after scalar replacement.
	body, bound, _ := xGuard(k)
	if !aliased {
		if r := scalarize(body, checkActive(fast)); r != nil {
			body = r.body
		}
	}
	body, rows := findRowGuard(body, k)
	if body != k.Body {
		seen := body
		if rows != nil && rows.row != nil {
			// The row test is printed too: the loops must declare what
			// it uses.
			seen = &ir.Block{Stmts: []ir.Stmt{body, &ir.ExprStmt{X: rows.row}}}
		}
		p = newPrinter(analyze(seen), k.Params, nil)
		p.kernel, p.fast, p.aliased, p.adds = true, fast, aliased, adds
	}
	return p.loopKernel(k, body, bound, rows, params)
}

// kernelShared returns the shared arrays kernel k's function declares:
// k.Shared, then any other the printed body needs.
func (p *printer) kernelShared(k *ir.Kernel) []*ir.Shared {
	shared := append([]*ir.Shared(nil), k.Shared...)
	seen := map[*ir.Shared]bool{}
	for _, s := range shared {
		seen[s] = true
	}
	for _, s := range p.in.sharedList {
		if !seen[s] {
			shared = append(shared, s)
		}
	}
	return shared
}

// threadKernel prints the per-thread form of kernel k.
func (p *printer) threadKernel(k *ir.Kernel, params []jen.Code) jen.Code {
	p.thread = threadName
	var body []jen.Code
	shared := p.kernelShared(k)
	for _, s := range shared {
		body = append(body, jen.Id(SharedName(s)).Op(":=").
			Qual(dcPath, "Shared").Index(typeCode(s.Type)).Call(jen.Id(threadName)))
		if !p.in.shared[s] {
			body = append(body, jen.Id("_").Op("=").Id(SharedName(s)))
		}
	}
	if k.Checked {
		// The thread's global index, for the fault record.
		body = append(body,
			jen.List(jen.Id(globalVar[0]), jen.Id(globalVar[1]), jen.Id(globalVar[2])).Op(":=").
				List(jen.Id(threadName).Dot("GlobalX").Call(), jen.Id(threadName).Dot("GlobalY").Call(), jen.Id(threadName).Dot("GlobalZ").Call()),
			jen.List(jen.Id("_"), jen.Id("_"), jen.Id("_")).Op("=").List(where()...))
	}
	body = append(body, p.block(k.Body)...)
	return jen.Commentf("%s runs one thread of kernel %s.", p.kernelName(k), k.Name).Line().
		Func().Id(p.kernelName(k)).
		Params(append([]jen.Code{jen.Id(threadName).Qual(dcPath, "Thread")}, params...)...).
		Block(body...)
}

// Run returns the function a generated launcher hands the runtime to run
// kernel k on the CPU. For the loop and group forms it is RunName(k), a
// function Kernel prints, so a launch allocates no closure:
//
//	func dc_run_K(dc_c *runtime.Call) error { return cpu.RunCall(dc_c, dc_chunk_K) }
//
// where ChunkName(k) takes the arguments from the Call and runs the body
// the launch needs: FastKernelName(k) for a fast launch
// (runtime.Call.Fast), AliasedKernelName(k) for an aliased one
// (runtime.Call.Aliased) where Kernel prints it. The per-thread form (see
// Group) is the function literal
//
//	func(dc_c *runtime.Call) error { return cpu.RunGroups("<k.Name>", grid, func(dc_t dc.Thread) { dc_cpu_K(dc_t, ...) }) }
//
// with grid the launcher's dc.Grid expression and args[i] the launcher's
// parameter name for k.Params[i], passed as is for a scalar. A slice
// parameter's slice comes from the Call (cpu.SliceArg), taken once before
// the groups run, as in the other forms: the runtime may run the body on
// other memory than the buffer's (validation, fallback). args must have
// one name per parameter; a missing one prints as the undefined
// dc_missing_argument_<i>, so that the mistake fails to build.
func Run(k *ir.Kernel, grid string, args []string) jen.Code {
	if hasChunk(k) {
		return jen.Id(RunName(k))
	}
	var stmts, pass []jen.Code
	for i, v := range k.Params {
		arg := jen.Id("dc_missing_argument_" + strconv.Itoa(i))
		if i < len(args) {
			arg = jen.Id(args[i])
		}
		if t, ok := v.Type.(*ir.Slice); ok {
			name := "dc_s" + strconv.Itoa(i)
			val := jen.Qual(cpuPath, "SliceArg").Index(typeCode(t.Elem)).Call(jen.Id("dc_c"), jen.Lit(i))
			if t.Name != "" {
				val = jen.Id(t.Name).Parens(val)
			}
			stmts = append(stmts, jen.Id(name).Op(":=").Add(val))
			arg = jen.Id(name)
		}
		pass = append(pass, arg)
	}
	call := jen.Id("dc_c").Op("*").Qual(runtimePath, "Call")
	if k.Checked {
		stmts = append(stmts, jen.Id(faultName).Op(":=").Qual(cpuPath, "NewFaults").Call(jen.Id("dc_c")))
		pass = append(pass, jen.Id(faultName))
	}
	runs := func(name string) jen.Code {
		return jen.Qual(cpuPath, "RunGroups").Call(jen.Lit(k.Name), jen.Id(grid),
			jen.Func().Params(jen.Id(threadName).Qual(dcPath, "Thread")).Block(
				jen.Id(name).Call(append([]jen.Code{jen.Id(threadName)}, pass...)...),
			))
	}
	if ir.FastConditions(k) != nil { // the kernel is checked: dc_c is named
		stmts = append(stmts, jen.If(jen.Id("dc_c").Dot("Fast")).Block(jen.Return(runs(FastKernelName(k)))))
	}
	stmts = append(stmts, jen.Return(runs(KernelName(k))))
	return jen.Func().Params(call).Error().Block(stmts...)
}

// RunName returns the Go name of the function running a launch of kernel
// k (see Run).
func RunName(k *ir.Kernel) string { return "dc_run_" + k.Name }

// ChunkName returns the Go name of the function running a chunk of groups
// of a launch of kernel k (see Run).
func ChunkName(k *ir.Kernel) string { return "dc_chunk_" + k.Name }

// hasChunk reports whether kernel k runs through ChunkName(k): it has the
// loop form or the group form.
func hasChunk(k *ir.Kernel) bool {
	return Loop(k) || groupOf(k) != nil
}

// chunkFunc returns ChunkName(k): it takes k's arguments from the Call,
// picks the fast body when the launch is fast, and runs groups [dc_g0,
// dc_g1), with a Scratch from k's pool in the group form.
func chunkFunc(k *ir.Kernel) jen.Code {
	var body, pass []jen.Code
	for i, v := range k.Params {
		name := "dc_a" + strconv.Itoa(i)
		var val *jen.Statement
		if t, ok := v.Type.(*ir.Slice); ok {
			val = jen.Qual(cpuPath, "SliceArg").Index(typeCode(t.Elem)).Call(jen.Id("dc_c"), jen.Lit(i))
			if t.Name != "" {
				val = jen.Id(t.Name).Parens(val)
			}
		} else {
			val = jen.Qual(cpuPath, "ScalarArg").Index(typeCode(v.Type)).Call(jen.Id("dc_c"), jen.Lit(i))
		}
		body = append(body, jen.Id(name).Op(":=").Add(val))
		pass = append(pass, jen.Id(name))
	}
	if k.Checked {
		body = append(body, jen.Id(faultName).Op(":=").Qual(cpuPath, "NewFaults").Call(jen.Id("dc_c")))
		pass = append(pass, jen.Id(faultName))
	}
	if adds := addOnly(k); len(adds) > 0 {
		// The chunk's adds to the parameters it only adds to reach
		// memory when it ends, however it ends.
		idx := []jen.Code{jen.Id("dc_c")}
		for _, i := range adds {
			idx = append(idx, jen.Lit(i))
		}
		body = append(body,
			jen.Id(addsName).Op(":=").Qual(cpuPath, "NewAdds").Call(idx...),
			jen.Defer().Id(addsName).Dot("Done").Call())
		pass = append(pass, jen.Id(addsName))
	}
	lead := []jen.Code{jen.Id("dc_c").Dot("Grid"), jen.Id(chunkLo), jen.Id(chunkHi)}
	group := !Loop(k)
	if group {
		body = append(body, jen.Id(scratchName).Op(":=").Id(ScratchName(k)).Dot("Get").Call())
		lead = append(lead, jen.Id(scratchName))
	}
	call := func(name string) *jen.Statement { return jen.Id(name).Call(append(lead, pass...)...) }
	// variant returns the call of the plain or fast body, picking the
	// aliased one for an aliased launch where it exists.
	variant := func(name string, fast bool) jen.Code {
		if !hasAliased(k, fast) {
			return call(name)
		}
		alias := AliasedKernelName(k)
		if fast {
			alias += "_fast"
		}
		return jen.If(jen.Id("dc_c").Dot("Aliased").Call()).Block(call(alias)).Else().Block(call(name))
	}
	if ir.FastConditions(k) != nil {
		body = append(body, jen.If(jen.Id("dc_c").Dot("Fast")).Block(variant(FastKernelName(k), true)).Else().Block(variant(KernelName(k), false)))
	} else {
		body = append(body, variant(KernelName(k), false))
	}
	if group {
		body = append(body, jen.Id(ScratchName(k)).Dot("Put").Call(jen.Id(scratchName)))
	}
	return jen.Commentf("%s runs a launch of kernel %s on the CPU.", RunName(k), k.Name).Line().
		Func().Id(RunName(k)).Params(jen.Id("dc_c").Op("*").Qual(runtimePath, "Call")).Error().Block(
		jen.Return(jen.Qual(cpuPath, "RunCall").Call(jen.Id("dc_c"), jen.Id(ChunkName(k))))).Line().Line().
		Commentf("%s runs groups [%s, %s) of a launch of kernel %s on the CPU.", ChunkName(k), chunkLo, chunkHi, k.Name).Line().
		Func().Id(ChunkName(k)).Params(
		jen.Id("dc_c").Op("*").Qual(runtimePath, "Call"),
		jen.List(jen.Id(chunkLo), jen.Id(chunkHi)).Int(),
	).Block(body...)
}

// typeCode returns the Go spelling of t.
func typeCode(t ir.Type) *jen.Statement {
	switch t := t.(type) {
	case *ir.Array:
		return jen.Index(jen.Id(strconv.FormatInt(t.Len, 10))).Add(typeCode(t.Elem))
	case *ir.Slice:
		if t.Name != "" {
			return jen.Id(t.Name)
		}
		return jen.Index().Add(typeCode(t.Elem))
	case *ir.Pointer:
		return jen.Op("*").Add(typeCode(t.Elem))
	case *ir.Tuple:
		var list []jen.Code
		for _, e := range t.Types {
			list = append(list, typeCode(e))
		}
		return jen.Parens(jen.List(list...))
	}
	return jen.Id(t.String())
}
