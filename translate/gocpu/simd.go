package gocpu

import (
	"errors"
	"fmt"
	"go/constant"
	"go/token"
	"math"
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/dotcompute/dc/translate/ir"
)

// SIMD bodies. An elementwise float32 kernel — an x guard, then
// straight-line code where every slice access is s[i] with i the guarded
// global x index and every value a float32 (see SIMDCheck) — also prints
// as vector code (package simd/archsimd, which exists only in builds with
// GOEXPERIMENT=simd on amd64). Its loop-form body hands a 1-D launch's
// chunk to the function SIMDFuncName(k), which two files define: the file
// of SIMD bodies (SIMD), built with the experiment, and a stub that does
// nothing (SIMDStub) for every other build, which the compiler inlines
// away. A direct call, unlike one through a func variable, lets the
// kernel's slices stay where they are (escape analysis).
//
// The vector code computes bit for bit what the scalar code does: + - * /
// and sqrt are correctly rounded in both (Go on amd64 never fuses a
// multiply and an add, and neither does this code), negation flips the
// sign bit as Go does, Exp, Log and Abs call package vmath, whose
// functions give lane by lane what dc.Exp, dc.Log and dc.Abs give, and
// each vector statement runs the threads' same statement in the same
// order, so a thread still reads what it wrote. A call of a device
// function is inlined: its arguments, then its body, run in every lane.
// An if runs both branches in every lane: the condition is a mask (x86's
// ordered comparisons are false for NaN as Go's are, and != is true), and
// an assignment in a branch keeps the new value only in the lanes that
// take it (Merge). Branches only compute and assign float32 locals, which
// cannot fault, so running them in the other lanes changes nothing.

// simdArch is the import path of the vector package.
const simdArch = "simd/archsimd"

// simdMath is the import path of the package of vector math functions.
const simdMath = "github.com/dotcompute/dc/backends/cpu/vmath"

// Vector widths the SIMD bodies are printed for: AVX-512, then AVX2.
var simdWidths = []int{16, 8}

// SIMDFuncName returns the name of the function that runs threads of
// kernel k with vectors, if it can, in generated code.
func SIMDFuncName(k *ir.Kernel) string { return "dc_simd_" + k.Name }

// simdWidthName returns the name of the variable holding the vector width
// k's SIMD body uses on this CPU, 0 for none.
func simdWidthName(k *ir.Kernel) string { return "dc_simdw_" + k.Name }

// simdFuncName returns the name of k's SIMD body for vectors of width
// float32s.
func simdFuncName(k *ir.Kernel, width int) string {
	return "dc_simd" + strconv.Itoa(width) + "_" + k.Name
}

// simdKernel is what the SIMD printer needs of a qualifying kernel.
type simdKernel struct {
	k      *ir.Kernel
	body   *ir.Block // without the x guard
	bound  ir.Expr   // the x guard's bound
	index  *ir.Var   // the guarded global x index
	params []*ir.Var // the parameters the body uses, in order
	loads  []*ir.Var // the slice parameters the body indexes, in order
}

// SIMDCheck returns nil if kernel k qualifies for a SIMD body, else an
// error saying why not. A kernel qualifies when it prints in loop form,
// starts with an x guard (see xGuard), and after it has only
// declarations, assignments, calls, ifs and blocks over float32 values
// (the predeclared type, not a named one):
//
//   - values: float32 locals and parameters, s[i] of []float32 parameters
//     with i the guarded index, float32 constants, unary + and -, the
//     binary operators + - * /, conversions to float32 of float32 values,
//     dc.Sqrt or math.Sqrt, dc.Exp, dc.Log and dc.Abs of float32, and
//     calls of qualifying device functions;
//   - a device function qualifies when it takes float32s (and not the
//     thread), returns one float32 or more, ends with its only return
//     and before it has only what a kernel body may have, without s[i];
//   - an if qualifies when its condition compares float32 values (< <=
//     > >= == !=, combined with && || !) and its branches only declare
//     and assign float32 locals (no stores to slices, no returns), call
//     qualifying device functions and nest such ifs.
//
// min and max do not qualify: x86's minimum and maximum treat NaN and -0
// otherwise than Go does. Neither do other math functions.
func SIMDCheck(k *ir.Kernel) error {
	_, err := simdOf(k)
	return err
}

// simdOf returns what the SIMD printer needs of k, or why k does not
// qualify.
func simdOf(k *ir.Kernel) (*simdKernel, error) {
	if !Loop(k) {
		return nil, fmt.Errorf("kernel %s does not print in loop form", k.Name)
	}
	body, bound, ok := xGuard(k)
	if !ok {
		return nil, fmt.Errorf("kernel %s does not start with an x guard", k.Name)
	}
	s := &simdKernel{k: k, body: body, bound: bound}
	c := &simdChecker{s: s, used: map[*ir.Var]bool{}, indexed: map[*ir.Var]bool{}, funcs: map[*ir.Func]error{}}
	if err := c.block(body, simdContext{}); err != nil {
		return nil, fmt.Errorf("kernel %s: %w", k.Name, err)
	}
	if s.index == nil {
		return nil, fmt.Errorf("kernel %s does not use its global x index", k.Name)
	}
	if len(c.indexed) == 0 {
		return nil, fmt.Errorf("kernel %s indexes no slice", k.Name)
	}
	for _, v := range k.Params {
		if c.used[v] {
			s.params = append(s.params, v)
		}
		if c.indexed[v] {
			s.loads = append(s.loads, v)
		}
	}
	return s, nil
}

// simdChecker walks a kernel body and checks that it qualifies.
type simdChecker struct {
	s       *simdKernel
	used    map[*ir.Var]bool // parameters the body uses
	indexed map[*ir.Var]bool // slice parameters the body indexes
	// funcs holds the device functions checked, with nil for those that
	// qualify; a function whose check is under way maps to
	// errSIMDRecursive.
	funcs map[*ir.Func]error
}

// errSIMDRecursive is what simdChecker.funcs holds for a function whose
// check is under way: a call of it then is recursive.
var errSIMDRecursive = errors.New("a recursive call")

// simdContext is where a statement of a SIMD body is.
type simdContext struct {
	masked bool     // in a branch of an if
	fn     *ir.Func // in the body of device function fn, nil in the kernel's
}

// isFloat32 reports whether t is the predeclared float32.
func isFloat32(t ir.Type) bool {
	b, ok := t.(*ir.Basic)
	return ok && b.Kind == ir.Float32 && b.Name == ""
}

// isFloat32Slice reports whether t is []float32, unnamed.
func isFloat32Slice(t ir.Type) bool {
	s, ok := t.(*ir.Slice)
	return ok && s.Name == "" && isFloat32(s.Elem)
}

func (c *simdChecker) block(b *ir.Block, ctx simdContext) error {
	for _, st := range b.Stmts {
		if err := c.stmt(st, ctx); err != nil {
			return err
		}
	}
	return nil
}

func (c *simdChecker) stmt(st ir.Stmt, ctx simdContext) error {
	switch st := st.(type) {
	case *ir.Block:
		return c.block(st, ctx)
	case *ir.DeclStmt:
		if decl, v := globalXDecl(st); decl != nil && c.s.index == nil && ctx == (simdContext{}) {
			c.s.index = v
			return nil
		}
		if !isFloat32(st.Var.Type) {
			return fmt.Errorf("local %s is a %s, not a float32", st.Var.Name, st.Var.Type)
		}
		if st.Init == nil {
			return nil
		}
		return c.expr(st.Init)
	case *ir.AssignStmt:
		if err := c.target(st.Target, ctx); err != nil {
			return err
		}
		return c.expr(st.Value)
	case *ir.CallStmt:
		if err := c.call(st.Call); err != nil {
			return err
		}
		for _, t := range st.Targets {
			if t == nil {
				continue
			}
			if err := c.target(t, ctx); err != nil {
				return err
			}
		}
		return nil
	case *ir.IfStmt:
		if err := c.cond(st.Cond); err != nil {
			return err
		}
		in := simdContext{masked: true, fn: ctx.fn}
		if err := c.block(st.Then, in); err != nil {
			return err
		}
		if st.Else != nil {
			return c.block(st.Else, in)
		}
		return nil
	case *ir.ReturnStmt:
		if ctx.fn != nil {
			return fmt.Errorf("device function %s returns before its end", ctx.fn.Name)
		}
	}
	return fmt.Errorf("a statement other than a declaration, an assignment, a call or an if")
}

// target checks the target of an assignment: a float32 local or
// parameter, or s[i] outside ifs and device functions.
func (c *simdChecker) target(e ir.Expr, ctx simdContext) error {
	switch t := e.(type) {
	case *ir.VarRef:
		if t.Var == c.s.index {
			return fmt.Errorf("the global x index %s is assigned", t.Var.Name)
		}
		if !isFloat32(t.Var.Type) {
			return fmt.Errorf("%s is a %s, not a float32", t.Var.Name, t.Var.Type)
		}
		if t.Var.Kind == ir.Param && ctx.fn == nil {
			c.used[t.Var] = true
		}
		return nil
	case *ir.Index:
		if ctx.masked {
			return fmt.Errorf("a store to an element of a slice in a branch of an if")
		}
		if ctx.fn != nil {
			return fmt.Errorf("device function %s stores to an element of a slice", ctx.fn.Name)
		}
		return c.index(t)
	}
	return fmt.Errorf("an assignment to something other than a variable or s[i]")
}

// cond checks the condition of an if: comparisons of float32 values,
// combined with && || !.
func (c *simdChecker) cond(e ir.Expr) error {
	switch e := e.(type) {
	case *ir.Binary:
		switch e.Op {
		case token.LSS, token.LEQ, token.GTR, token.GEQ, token.EQL, token.NEQ:
			if !isFloat32(e.X.Type()) {
				return fmt.Errorf("an if condition compares %s values, not float32 ones", e.X.Type())
			}
			if err := c.expr(e.X); err != nil {
				return err
			}
			return c.expr(e.Y)
		case token.LAND, token.LOR:
			if err := c.cond(e.X); err != nil {
				return err
			}
			return c.cond(e.Y)
		}
	case *ir.Unary:
		if e.Op == token.NOT {
			return c.cond(e.X)
		}
	}
	return fmt.Errorf("an if condition other than comparisons of float32 values")
}

// call checks a call of a device function: the function and its
// arguments.
func (c *simdChecker) call(e *ir.Call) error {
	if err := c.fn(e.Func); err != nil {
		return err
	}
	for _, a := range e.Args {
		if err := c.expr(a); err != nil {
			return err
		}
	}
	return nil
}

// fn checks that device function f qualifies (see SIMDCheck).
func (c *simdChecker) fn(f *ir.Func) error {
	if err, ok := c.funcs[f]; ok {
		if err == errSIMDRecursive {
			return fmt.Errorf("device function %s calls itself", f.Name)
		}
		return err
	}
	c.funcs[f] = errSIMDRecursive
	err := c.fnBody(f)
	if err != nil {
		err = fmt.Errorf("device function %s: %w", f.Name, err)
	}
	c.funcs[f] = err
	return err
}

func (c *simdChecker) fnBody(f *ir.Func) error {
	if f.Thread != nil || len(f.Shared) > 0 || f.Barrier {
		return fmt.Errorf("it takes the thread or shared memory")
	}
	for _, v := range f.Params {
		if !isFloat32(v.Type) {
			return fmt.Errorf("parameter %s is a %s, not a float32", v.Name, v.Type)
		}
	}
	if len(f.Results) == 0 {
		return fmt.Errorf("it returns nothing")
	}
	for _, t := range f.Results {
		if !isFloat32(t) {
			return fmt.Errorf("it returns a %s, not a float32", t)
		}
	}
	n := len(f.Body.Stmts)
	if n == 0 {
		return fmt.Errorf("it does not end with a return")
	}
	ret, ok := f.Body.Stmts[n-1].(*ir.ReturnStmt)
	if !ok || len(ret.Results) != len(f.Results) {
		return fmt.Errorf("it does not end with a return of its results")
	}
	ctx := simdContext{fn: f}
	for _, st := range f.Body.Stmts[:n-1] {
		if err := c.stmt(st, ctx); err != nil {
			return err
		}
	}
	for _, r := range ret.Results {
		if err := c.expr(r); err != nil {
			return err
		}
	}
	return nil
}

// index checks that e is s[i] of a []float32 parameter s and the guarded
// index i.
func (c *simdChecker) index(e *ir.Index) error {
	s, ok := e.X.(*ir.VarRef)
	if !ok || s.Var.Kind != ir.Param || s.Var.Assigned || !isFloat32Slice(s.Var.Type) {
		return fmt.Errorf("an index into something other than a []float32 parameter")
	}
	i, ok := e.Index.(*ir.VarRef)
	if !ok || c.s.index == nil || i.Var != c.s.index {
		return fmt.Errorf("%s is indexed by something other than the global x index", s.Var.Name)
	}
	c.used[s.Var] = true
	c.indexed[s.Var] = true
	return nil
}

func (c *simdChecker) expr(e ir.Expr) error {
	if !isFloat32(e.Type()) {
		return fmt.Errorf("a value of type %s, not float32", e.Type())
	}
	switch e := e.(type) {
	case *ir.Const:
		return nil
	case *ir.VarRef:
		if e.Var.Kind == ir.Param {
			c.used[e.Var] = true
		}
		return nil
	case *ir.Index:
		return c.index(e)
	case *ir.Unary:
		if e.Op != token.SUB && e.Op != token.ADD {
			return fmt.Errorf("unary %s", e.Op)
		}
		return c.expr(e.X)
	case *ir.Binary:
		switch e.Op {
		case token.ADD, token.SUB, token.MUL, token.QUO:
		default:
			return fmt.Errorf("binary %s", e.Op)
		}
		if err := c.expr(e.X); err != nil {
			return err
		}
		return c.expr(e.Y)
	case *ir.Convert:
		return c.expr(e.X)
	case *ir.BuiltinCall:
		switch e.Op {
		case ir.Sqrt, ir.Exp, ir.Log, ir.Abs:
		default:
			return fmt.Errorf("a call of %s", e.Op)
		}
		return c.expr(e.Args[0])
	case *ir.Call:
		return c.call(e)
	}
	return fmt.Errorf("an expression of kind %T", e)
}

// simdHook returns the statement a qualifying loop-form body starts with:
// in a 1-D launch, the chunk's threads below the x guard's bound run in
// the SIMD body when one is set and it accepts them.
func (p *printer) simdHook(s *simdKernel) jen.Code {
	gs := func(d string) *jen.Statement { return jen.Id(gridName).Dot("GroupSize").Dot(d) }
	ng := func(d string) *jen.Statement { return jen.Id(gridName).Dot("Groups").Dot(d) }
	args := []jen.Code{
		jen.Id(chunkLo).Op("*").Add(gs("X")),
		jen.Min(jen.Id(chunkHi).Op("*").Add(gs("X")), p.expr(s.bound)),
	}
	for _, v := range s.params {
		args = append(args, jen.Id(p.name(v)))
	}
	return jen.Comment("A 1-D launch runs in the SIMD body when the build has one (GOEXPERIMENT=simd).").Line().
		If(ng("Y").Op("==").Lit(1).Op("&&").Add(ng("Z")).Op("==").Lit(1).
			Op("&&").Add(gs("Y")).Op("==").Lit(1).Op("&&").Add(gs("Z")).Op("==").Lit(1).
			Op("&&").Id(SIMDFuncName(s.k)).Call(args...)).
		Block(jen.Return())
}

// simdParams returns the parameters of k's SIMD body: the range of
// threads, then the kernel parameters the body uses.
func (s *simdKernel) simdParams(named bool) []jen.Code {
	var ps []jen.Code
	if named {
		ps = append(ps, jen.List(jen.Id("dc_lo"), jen.Id("dc_hi")).Int())
	} else {
		ps = append(ps, jen.Int(), jen.Int())
	}
	for _, v := range s.params {
		if named {
			ps = append(ps, jen.Id(simdParamName(v)).Add(typeCode(v.Type)))
		} else {
			ps = append(ps, typeCode(v.Type))
		}
	}
	return ps
}

// simdParamName returns the name of parameter v in a SIMD body.
func simdParamName(v *ir.Var) string { return "dc_p_" + v.Name }

// SIMDStub returns SIMDFuncName(k) for builds without SIMD bodies: a
// function that reports false; ok is false if k does not qualify.
func SIMDStub(k *ir.Kernel) (code jen.Code, ok bool) {
	s, err := simdOf(k)
	if err != nil {
		return nil, false
	}
	return jen.Commentf("%s has no SIMD body to run in this build (see the file built with", SIMDFuncName(k)).Line().
		Comment("GOEXPERIMENT=simd on amd64).").Line().
		Func().Id(SIMDFuncName(k)).Params(s.simdParams(false)...).Bool().Block(jen.Return(jen.False())), true
}

// SIMD returns the SIMD bodies of a qualifying kernel k, one per vector
// width, SIMDFuncName(k), which runs the widest the CPU has, and the init
// function that picks it; ok is false if k does not qualify (see
// SIMDCheck). The code uses package simd/archsimd: it belongs in a file
// built only with GOEXPERIMENT=simd on amd64.
func SIMD(k *ir.Kernel) (code jen.Code, ok bool) {
	s, err := simdOf(k)
	if err != nil {
		return nil, false
	}
	st := jen.Null()
	for _, w := range simdWidths {
		st.Add(s.function(w)).Line().Line()
	}
	width := simdWidthName(k)
	st.Commentf("%s is the vector width %s runs, 0 where the CPU has no AVX2.", width, SIMDFuncName(k)).Line().
		Var().Id(width).Int().Line().Line()
	var args []jen.Code
	for _, v := range s.params {
		args = append(args, jen.Id(simdParamName(v)))
	}
	var cases []jen.Code
	for _, w := range simdWidths {
		cases = append(cases, jen.Case(jen.Lit(w)).Block(
			jen.Return(jen.Id(simdFuncName(k, w)).Call(append([]jen.Code{jen.Id("dc_lo"), jen.Id("dc_hi")}, args...)...))))
	}
	st.Commentf("%s runs threads [dc_lo, dc_hi) of a 1-D launch of kernel %s with the", SIMDFuncName(k), k.Name).Line().
		Comment("widest vectors the CPU has; it returns false, having done nothing, where it").Line().
		Comment("cannot (no AVX2, or a slice shorter than dc_hi).").Line().
		Func().Id(SIMDFuncName(k)).Params(s.simdParams(true)...).Bool().Block(
		jen.Switch(jen.Id(width)).Block(cases...),
		jen.Return(jen.False()),
	).Line().Line()
	feature := map[int]string{16: "AVX512", 8: "AVX2"}
	var chain jen.Code
	for i := len(simdWidths) - 1; i >= 0; i-- {
		w := simdWidths[i]
		cond := jen.Qual(simdArch, "X86").Dot(feature[w]).Call()
		assign := jen.Id(width).Op("=").Lit(w)
		if chain == nil {
			chain = jen.If(cond).Block(assign)
		} else {
			chain = jen.If(cond).Block(assign).Else().Add(chain)
		}
	}
	st.Func().Id("init").Params().Block(chain)
	return st, true
}

// simdPrinter prints the vector code of one SIMD body.
type simdPrinter struct {
	s     *simdKernel
	width int
	tail  bool // printing the tail: a partial vector at dc_i
	names map[*ir.Var]string
	used  map[string]bool
	// Values hoisted out of the loop: broadcast constants by their bits,
	// in order of first use.
	consts   map[uint32]string
	constVal []float32
	sign     bool // the loop needs the sign mask
	// pre holds the statements the statement being printed needs first:
	// the inlined calls of its expressions.
	pre []jen.Code
	// mask names the mask of the lanes that run the statement being
	// printed (in a branch of an if), "" where all do; declMask holds the
	// mask in effect where each local was declared.
	mask     string
	declMask map[*ir.Var]string
}

// vec returns the archsimd name of the vector type of the body's width
// for element type elem ("Float32", "Uint32").
func (p *simdPrinter) vec(elem string) string { return elem + "x" + strconv.Itoa(p.width) }

// function returns k's SIMD body for vectors of width float32s.
func (s *simdKernel) function(width int) jen.Code {
	p := &simdPrinter{s: s, width: width, names: map[*ir.Var]string{}, used: map[string]bool{}, consts: map[uint32]string{}}
	loop := p.iteration()
	p.tail = true
	p.names = map[*ir.Var]string{}
	p.used = map[string]bool{}
	tail := p.iteration()

	var pre []jen.Code
	pre = append(pre, jen.If(jen.Id("dc_hi").Op("<=").Id("dc_lo")).Block(jen.Return(jen.True())))
	var short jen.Code
	for _, v := range s.loads {
		c := jen.Len(jen.Id(simdParamName(v))).Op("<").Id("dc_hi")
		if short == nil {
			short = c
		} else {
			short = jen.Add(short).Op("||").Add(c)
		}
	}
	pre = append(pre, jen.Comment("The scalar body reports what a short slice does.").Line().
		If(short).Block(jen.Return(jen.False())))
	for _, v := range s.params {
		if isFloat32(v.Type) {
			pre = append(pre, jen.Id(broadcastName(v)).Op(":=").
				Qual(simdArch, "Broadcast"+p.vec("Float32")).Call(jen.Id(simdParamName(v))))
		}
	}
	for i, f := range p.constVal {
		pre = append(pre, jen.Id("dc_c"+strconv.Itoa(i)).Op(":=").
			Qual(simdArch, "Broadcast"+p.vec("Float32")).Call(jen.Lit(f)))
	}
	if p.sign {
		pre = append(pre, jen.Id("dc_sign").Op(":=").
			Qual(simdArch, "Broadcast"+p.vec("Uint32")).Call(jen.Op("0x80000000")))
	}
	w := jen.Lit(width)
	body := append(pre,
		jen.Id("dc_i").Op(":=").Id("dc_lo"),
		jen.For(jen.Empty(), jen.Id("dc_i").Op("+").Add(w).Op("<=").Id("dc_hi"), jen.Id("dc_i").Op("+=").Add(w)).Block(loop...),
		jen.If(jen.Id("dc_i").Op("<").Id("dc_hi")).Block(tail...),
		jen.Qual(simdArch, "ClearAVXUpperBits").Call(),
		jen.Return(jen.True()),
	)
	feature := map[int]string{16: "AVX-512", 8: "AVX2"}[width]
	return jen.Commentf("%s runs threads [dc_lo, dc_hi) of a 1-D launch of kernel %s", simdFuncName(s.k, width), s.k.Name).Line().
		Commentf("with %s vectors of %d float32s, the last one partial; it returns false,", feature, width).Line().
		Comment("having done nothing, if a slice is shorter than dc_hi.").Line().
		Func().Id(simdFuncName(s.k, width)).Params(s.simdParams(true)...).Bool().Block(body...)
}

// broadcastName returns the name of the vector holding parameter v in
// every lane.
func broadcastName(v *ir.Var) string { return "dc_b_" + v.Name }

// iteration returns the statements of one vector of threads at dc_i.
func (p *simdPrinter) iteration() []jen.Code {
	p.declMask = map[*ir.Var]string{}
	var out []jen.Code
	for _, v := range p.s.params {
		if isFloat32(v.Type) && v.Assigned {
			// Each thread has its own copy of the parameter.
			n := p.local(v)
			out = append(out, jen.Id(n).Op(":=").Id(broadcastName(v)), jen.Id("_").Op("=").Id(n))
		}
	}
	return append(out, p.block(p.s.body)...)
}

// local names the vector of local v (or of an assigned parameter).
func (p *simdPrinter) local(v *ir.Var) string {
	n := p.fresh("dc_v_" + v.Name)
	p.names[v] = n
	p.declMask[v] = p.mask
	return n
}

// fresh returns a name starting with base that the body does not use yet.
func (p *simdPrinter) fresh(base string) string {
	n := base
	for i := 1; p.used[n]; i++ {
		n = base + "_" + strconv.Itoa(i)
	}
	p.used[n] = true
	return n
}

// declare returns the statements declaring a vector named n, set to val.
func declare(n string, val jen.Code) []jen.Code {
	return []jen.Code{jen.Id(n).Op(":=").Add(val), jen.Id("_").Op("=").Id(n)}
}

func (p *simdPrinter) block(b *ir.Block) []jen.Code {
	var out []jen.Code
	for _, st := range b.Stmts {
		out = append(out, p.stmt(st)...)
	}
	return out
}

// stmt returns the vector code of st, after the code its expressions
// need first.
func (p *simdPrinter) stmt(st ir.Stmt) []jen.Code {
	saved := p.pre
	p.pre = nil
	code := p.stmtOnly(st)
	out := append(p.pre, code...)
	p.pre = saved
	return out
}

// stmtOnly returns the vector code of st, leaving in p.pre what it needs
// first.
func (p *simdPrinter) stmtOnly(st ir.Stmt) []jen.Code {
	switch st := st.(type) {
	case *ir.Block:
		return []jen.Code{jen.Block(p.block(st)...)}
	case *ir.DeclStmt:
		if st.Var == p.s.index {
			return nil
		}
		var init jen.Code
		if st.Init != nil {
			init = p.expr(st.Init)
		} else {
			init = jen.Qual(simdArch, p.vec("Float32")).Values()
		}
		return declare(p.local(st.Var), init)
	case *ir.AssignStmt:
		switch t := st.Target.(type) {
		case *ir.VarRef:
			return []jen.Code{p.assign(t.Var, p.expr(st.Value))}
		case *ir.Index:
			return []jen.Code{p.expr(st.Value).Dot(p.store()).Call(p.at(t))}
		}
	case *ir.CallStmt:
		res := p.inline(st.Call)
		var out []jen.Code
		for i, t := range st.Targets {
			switch t := t.(type) {
			case *ir.VarRef:
				out = append(out, p.assign(t.Var, jen.Id(res[i])))
			case *ir.Index:
				out = append(out, jen.Id(res[i]).Dot(p.store()).Call(p.at(t)))
			}
		}
		return out
	case *ir.IfStmt:
		return p.ifStmt(st)
	}
	panic(fmt.Sprintf("gocpu: SIMD body: unexpected %T", st))
}

// store returns the name of the method storing a vector into a slice.
func (p *simdPrinter) store() string {
	if p.tail {
		return "StoreSlicePart"
	}
	return "StoreSlice"
}

// assign returns the assignment of val to local v: in a branch of an if,
// only in the lanes that run it, unless v was declared there.
func (p *simdPrinter) assign(v *ir.Var, val *jen.Statement) jen.Code {
	n := p.names[v]
	if p.mask != "" && p.declMask[v] != p.mask {
		val = val.Dot("Merge").Call(jen.Id(n), jen.Id(p.mask))
	}
	return jen.Id(n).Op("=").Add(val)
}

// ifStmt returns the vector code of an if: both branches, each with the
// mask of the lanes that take it.
func (p *simdPrinter) ifStmt(st *ir.IfStmt) []jen.Code {
	parent := p.mask
	cond := p.fresh("dc_m")
	out := declare(cond, p.cond(st.Cond))
	// branch prints b with the mask of its lanes, lanes among the
	// parent's.
	branch := func(lanes *jen.Statement, b *ir.Block) {
		if parent != "" {
			lanes = jen.Id(parent).Dot("And").Call(lanes)
		}
		p.mask = p.fresh("dc_m")
		out = append(out, declare(p.mask, lanes)...)
		out = append(out, jen.Block(p.block(b)...))
		p.mask = parent
	}
	if parent == "" {
		p.mask = cond
		out = append(out, jen.Block(p.block(st.Then)...))
		p.mask = parent
	} else {
		branch(jen.Id(cond), st.Then)
	}
	if st.Else != nil {
		branch(p.not(jen.Id(cond)), st.Else)
	}
	return out
}

// not returns the mask that is true where m is false.
func (p *simdPrinter) not(m *jen.Statement) *jen.Statement {
	return m.Dot("To" + p.vec("Int32")).Call().Dot("Equal").Call(jen.Qual(simdArch, p.vec("Int32")).Values())
}

// cond returns the mask of an if condition.
func (p *simdPrinter) cond(e ir.Expr) *jen.Statement {
	switch e := e.(type) {
	case *ir.Binary:
		switch e.Op {
		case token.LAND:
			return p.cond(e.X).Dot("And").Call(p.cond(e.Y))
		case token.LOR:
			return p.cond(e.X).Dot("Or").Call(p.cond(e.Y))
		}
		// x86's ordered comparisons, and its unordered !=, give what
		// Go's do for NaN.
		op := map[token.Token]string{
			token.LSS: "Less", token.LEQ: "LessEqual", token.GTR: "Greater", token.GEQ: "GreaterEqual",
			token.EQL: "Equal", token.NEQ: "NotEqual",
		}[e.Op]
		return p.expr(e.X).Dot(op).Call(p.expr(e.Y))
	case *ir.Unary:
		return p.not(p.cond(e.X))
	}
	panic(fmt.Sprintf("gocpu: SIMD body: unexpected condition %T", e))
}

// inline prints a call of device function e.Func into p.pre: its
// arguments, its body and its results, in every lane, and returns the
// names of the results.
func (p *simdPrinter) inline(e *ir.Call) []string {
	f := e.Func
	var args []*jen.Statement
	for _, a := range e.Args {
		args = append(args, p.expr(a))
	}
	mask, pre := p.mask, p.pre
	p.mask, p.pre = "", nil
	code := []jen.Code{jen.Commentf("%s, inlined", f.GoName)}
	for i, v := range f.Params {
		code = append(code, declare(p.local(v), args[i])...)
	}
	n := len(f.Body.Stmts)
	for _, st := range f.Body.Stmts[:n-1] {
		code = append(code, p.stmt(st)...)
	}
	var vals []jen.Code
	for _, r := range f.Body.Stmts[n-1].(*ir.ReturnStmt).Results {
		vals = append(vals, p.expr(r))
	}
	code = append(code, p.pre...)
	var res []string
	for _, val := range vals {
		r := p.fresh("dc_r_" + f.Name)
		res = append(res, r)
		code = append(code, declare(r, val)...)
	}
	p.mask, p.pre = mask, append(pre, code...)
	return res
}

// at returns the slice of the lanes' elements of s[i].
func (p *simdPrinter) at(e *ir.Index) *jen.Statement {
	s := jen.Id(simdParamName(e.X.(*ir.VarRef).Var))
	if p.tail {
		return s.Index(jen.Id("dc_i").Op(":").Id("dc_hi"))
	}
	return s.Index(jen.Id("dc_i").Op(":"))
}

func (p *simdPrinter) expr(e ir.Expr) *jen.Statement {
	switch e := e.(type) {
	case *ir.Const:
		f, _ := constant.Float32Val(constant.ToFloat(e.Value))
		bits := math.Float32bits(f)
		n, ok := p.consts[bits]
		if !ok {
			n = "dc_c" + strconv.Itoa(len(p.constVal))
			p.consts[bits] = n
			p.constVal = append(p.constVal, f)
		}
		return jen.Id(n)
	case *ir.VarRef:
		if n, ok := p.names[e.Var]; ok {
			return jen.Id(n)
		}
		return jen.Id(broadcastName(e.Var))
	case *ir.Index:
		load := "Load" + p.vec("Float32") + "Slice"
		if p.tail {
			load += "Part"
		}
		return jen.Qual(simdArch, load).Call(p.at(e))
	case *ir.Unary:
		if e.Op == token.ADD {
			return p.expr(e.X)
		}
		// Go negates by flipping the sign bit: -(+0) is -0, NaNs keep
		// their payload.
		p.sign = true
		return p.expr(e.X).Dot("As" + p.vec("Uint32")).Call().Dot("Xor").Call(jen.Id("dc_sign")).
			Dot("As" + p.vec("Float32")).Call()
	case *ir.Binary:
		op := map[token.Token]string{token.ADD: "Add", token.SUB: "Sub", token.MUL: "Mul", token.QUO: "Div"}[e.Op]
		return p.expr(e.X).Dot(op).Call(p.expr(e.Y))
	case *ir.Convert:
		return p.expr(e.X)
	case *ir.BuiltinCall:
		x := p.expr(e.Args[0])
		switch e.Op {
		case ir.Exp, ir.Log, ir.Abs:
			// vmath's functions give what dc's give, lane by lane.
			return jen.Qual(simdMath, e.Op.String()+"32x"+strconv.Itoa(p.width)).Call(x)
		}
		return x.Dot("Sqrt").Call()
	case *ir.Call:
		return jen.Id(p.inline(e)[0])
	}
	panic(fmt.Sprintf("gocpu: SIMD body: unexpected %T", e))
}
