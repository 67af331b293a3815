package gocpu

import (
	"fmt"
	"go/token"
	"strings"
	"testing"

	"github.com/dotcompute/dc/translate/ir"
)

// elementwise returns a kernel over the []float32 parameters x and out,
// the float32 parameter a and the int parameter n whose body is the x
// guard "if i := GlobalX(); i < len(out)" around body(i, a, x, out).
func elementwise(name string, body func(i, a, x, out *ir.Var) []ir.Stmt) *ir.Kernel {
	a, x, out, n := param("a", f32), param("x", sliceOf(f32)), param("out", sliceOf(f32)), param("n", intT)
	i := local("i", intT)
	return kernel(name, []*ir.Var{a, x, out, n}, blk(
		blk(
			decl(i, th(ir.GlobalX)),
			iff(bin(token.LSS, ref(i), &ir.Len{X: ref(out)}), blk(body(i, a, x, out)...), nil),
		),
	))
}

// simdKernels are kernels that qualify for SIMD bodies.
func simdKernels() []*ir.Kernel {
	t, u := local("t", f32), local("u", f32)
	withReturn := func() *ir.Kernel {
		x, out, n := param("x", sliceOf(f32)), param("out", sliceOf(f32)), param("n", intT)
		i := local("i", intT)
		return kernel("ReturnGuard", []*ir.Var{x, out, n}, blk(
			decl(i, th(ir.GlobalX)),
			iff(bin(token.GEQ, ref(i), ref(n)), blk(ret()), nil),
			set(idx(ref(out), ref(i)), conv(idx(ref(x), ref(i)), f32)),
		))
	}
	assigned := elementwise("Assigned", func(i, a, x, out *ir.Var) []ir.Stmt {
		return []ir.Stmt{
			set(ref(a), bin(token.MUL, ref(a), idx(ref(x), ref(i)))),
			set(idx(ref(out), ref(i)), ref(a)),
		}
	})
	assigned.Params[0].Assigned = true
	return []*ir.Kernel{
		saxpy(),
		elementwise("Math", func(i, a, x, out *ir.Var) []ir.Stmt {
			return []ir.Stmt{
				decl(t, bin(token.SUB, bin(token.MUL, idx(ref(x), ref(i)), idx(ref(x), ref(i))), ref(a))),
				decl(u, nil),
				blk(set(ref(u), bin(token.QUO, bi(ir.Sqrt, f32, ref(t)), bin(token.ADD, un(token.SUB, ref(t)), num(f32, "1.5"))))),
				set(idx(ref(out), ref(i)), un(token.ADD, ref(u))),
				set(idx(ref(x), ref(i)), bin(token.ADD, idx(ref(out), ref(i)), num(f32, "1.5"))),
			}
		}),
		withReturn(),
		assigned,
		bsLike(),
	}
}

// The device functions of the tests.

// polar is func polar(x, y float32) (float32, float32): Log and Abs of
// x*y, and an if.
func polar() *ir.Func {
	x, y, r := param("x", f32), param("y", f32), local("r", f32)
	return &ir.Func{
		Name: "polar", GoName: "polar", Params: []*ir.Var{x, y}, Results: []ir.Type{f32, f32},
		Body: blk(
			decl(r, bi(ir.Abs, f32, bin(token.MUL, ref(x), ref(y)))),
			iff(bin(token.LOR, bin(token.LSS, ref(x), num(f32, "0")), un(token.NOT, bin(token.NEQ, ref(y), ref(y)))),
				blk(set(ref(r), un(token.SUB, ref(r)))),
				blk(iff(bin(token.GEQ, ref(r), num(f32, "2")), blk(set(ref(x), ref(r))), nil))),
			ret(bi(ir.Log, f32, ref(r)), ref(x)),
		),
	}
}

// softsign is func softsign(x float32) float32 { return x / (1 + Abs(x)) }.
func softsign() *ir.Func {
	x := param("x", f32)
	return &ir.Func{
		Name: "softsign", GoName: "softsign", Params: []*ir.Var{x}, Results: []ir.Type{f32},
		Body: blk(ret(bin(token.QUO, ref(x), bin(token.ADD, num(f32, "1"), bi(ir.Abs, f32, ref(x)))))),
	}
}

// earlyReturn is a device function that returns from an if.
func earlyReturn() *ir.Func {
	x := param("x", f32)
	return &ir.Func{
		Name: "early", GoName: "early", Params: []*ir.Var{x}, Results: []ir.Type{f32},
		Body: blk(iff(bin(token.GTR, ref(x), num(f32, "0")), blk(ret(ref(x))), nil), ret(un(token.SUB, ref(x)))),
	}
}

// halve is func halve(n int) int.
func halve() *ir.Func {
	n := param("n", intT)
	return &ir.Func{Name: "halve", GoName: "halve", Params: []*ir.Var{n}, Results: []ir.Type{intT}, Body: blk(ret(bin(token.QUO, ref(n), ci("2"))))}
}

// first is func first(s []float32) float32.
func first() *ir.Func {
	sp := param("s", sliceOf(f32))
	return &ir.Func{Name: "first", GoName: "first", Params: []*ir.Var{sp}, Results: []ir.Type{f32}, Body: blk(ret(idx(ref(sp), ci("0"))))}
}

// withThread is a device function that takes the thread.
func withThread() *ir.Func {
	x := param("x", f32)
	return &ir.Func{
		Name: "withThread", GoName: "withThread", Thread: local("t", intT), Params: []*ir.Var{x}, Results: []ir.Type{f32},
		Body: blk(ret(ref(x))),
	}
}

// bsLike is an elementwise kernel like Black-Scholes: Exp, a device
// function with two results called twice, one with one result called in
// an expression, an if with an else at the kernel's level.
func bsLike() *ir.Kernel {
	p, soft := polar(), softsign()
	return elementwise("BSLike", func(i, a, x, out *ir.Var) []ir.Stmt {
		e, l, m, n := local("e", f32), local("l", f32), local("m", f32), local("n", f32)
		return []ir.Stmt{
			decl(e, bi(ir.Exp, f32, idx(ref(x), ref(i)))),
			decl(l, nil),
			decl(m, nil),
			&ir.CallStmt{Targets: []ir.Expr{ref(l), ref(m)}, Call: call(p, ref(e), ref(a))},
			decl(n, bin(token.ADD, call(soft, call(soft, ref(m))), ref(a))),
			iff(bin(token.LAND, bin(token.GTR, ref(n), ref(l)), bin(token.LEQ, ref(m), ref(a))),
				blk(decl(e, ref(l)), set(ref(n), bin(token.MUL, ref(e), ref(n)))),
				blk(set(ref(n), ref(m)))),
			&ir.CallStmt{Targets: []ir.Expr{idx(ref(out), ref(i)), nil}, Call: call(p, ref(n), ref(l))},
		}
	})
}

// TestSIMDQualifies checks that the elementwise float32 kernels qualify
// and that their SIMD bodies have the expected shape.
func TestSIMDQualifies(t *testing.T) {
	for _, k := range simdKernels() {
		if err := SIMDCheck(k); err != nil {
			t.Errorf("%s: %v", k.Name, err)
			continue
		}
		code, ok := SIMD(k)
		if !ok {
			t.Errorf("%s: SIMDCheck accepts it, SIMD does not", k.Name)
			continue
		}
		text := fmt.Sprintf("%#v", code)
		for _, want := range []string{
			"func dc_simd16_" + k.Name + "(dc_lo, dc_hi int",
			"func dc_simd8_" + k.Name + "(dc_lo, dc_hi int",
			"archsimd.LoadFloat32x16Slice(", "archsimd.LoadFloat32x8SlicePart(",
			"StoreSlice(", "StoreSlicePart(",
			"func dc_simd_" + k.Name + "(dc_lo, dc_hi int",
			"case 16:\n\t\treturn dc_simd16_" + k.Name + "(dc_lo, dc_hi",
			"dc_simdw_" + k.Name + " = 16",
			"ClearAVXUpperBits()",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: no %q in\n%s", k.Name, want, text)
			}
		}
		if strings.Contains(text, "MulAdd") {
			t.Errorf("%s: the SIMD body fuses a multiply and an add, which Go does not:\n%s", k.Name, text)
		}
		if stub, ok := SIMDStub(k); !ok || !strings.Contains(fmt.Sprintf("%#v", stub), "func "+SIMDFuncName(k)+"(int, int") {
			t.Errorf("%s: no stub for builds without SIMD bodies", k.Name)
		}
		if body := fmt.Sprintf("%#v", Kernel(k)); !strings.Contains(body, SIMDFuncName(k)+"(dc_g0*dc_g.GroupSize.X") {
			t.Errorf("%s: the CPU body does not call the SIMD body:\n%s", k.Name, body)
		}
	}
}

// TestSIMDMath checks the vector operations printed for each scalar one.
func TestSIMDMath(t *testing.T) {
	k := simdKernels()[1]
	code, _ := SIMD(k)
	text := fmt.Sprintf("%#v", code)
	for _, want := range []string{
		".Sqrt()", ".Div(", ".Mul(", ".Sub(", ".Add(",
		// Negation flips the sign bit, as Go does.
		".AsUint32x16().Xor(dc_sign).AsFloat32x16()",
		"dc_sign := archsimd.BroadcastUint32x16(0x80000000)",
		"archsimd.BroadcastFloat32x16(float32(1.5))",
		"dc_b_a := archsimd.BroadcastFloat32x16(dc_p_a)",
		// Both slices are indexed: both are checked against dc_hi.
		"len(dc_p_x) < dc_hi || len(dc_p_out) < dc_hi",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in\n%s", want, text)
		}
	}
	// The int parameter n is not used by the body: the SIMD body does
	// not take it.
	if strings.Contains(text, "dc_p_n") {
		t.Errorf("the SIMD body takes the unused parameter n:\n%s", text)
	}
}

// TestSIMDConstructs checks the vector code printed for calls of device
// functions, ifs and Exp, Log and Abs.
func TestSIMDConstructs(t *testing.T) {
	k := bsLike()
	code, ok := SIMD(k)
	if !ok {
		t.Fatalf("BSLike does not qualify: %v", SIMDCheck(k))
	}
	text := fmt.Sprintf("%#v", code)
	for _, want := range []string{
		// Exp, Log and Abs call package vmath at the body's width.
		"vmath.Exp32x16(archsimd.LoadFloat32x16Slice(dc_p_x[dc_i:]))",
		"vmath.Exp32x8(archsimd.LoadFloat32x8SlicePart(dc_p_x[dc_i:dc_hi]))",
		"vmath.Log32x16(", "vmath.Abs32x16(", "vmath.Log32x8(", "vmath.Abs32x8(",
		// Calls are inlined: the arguments, the body, the results.
		"// polar, inlined\n",
		"dc_v_x := dc_v_e\n",
		"dc_r_polar := vmath.Log32x16(dc_v_r)\n",
		"dc_r_polar_1 := dc_v_x\n",
		"dc_v_l = dc_r_polar\n",
		// A call in an expression: nested calls come first.
		"// softsign, inlined\n",
		"dc_v_n := dc_r_softsign_1.Add(dc_b_a)\n",
		// The condition is a mask; || and ! combine masks.
		"dc_m := dc_v_x.Less(dc_c0).Or(dc_v_y.NotEqual(dc_v_y).ToInt32x16().Equal(archsimd.Int32x16{}))",
		// An assignment in a branch merges by the branch's mask.
		"dc_v_r = dc_v_r.AsUint32x16().Xor(dc_sign).AsFloat32x16().Merge(dc_v_r, dc_m)",
		// The else branch, with a nested if: masks are and-ed.
		"dc_m_1 := dc_m.ToInt32x16().Equal(archsimd.Int32x16{})",
		"dc_m_3 := dc_m_1.And(dc_m_2)",
		"dc_v_x = dc_v_r.Merge(dc_v_x, dc_m_3)",
		// A local declared in the branch is assigned without a merge.
		"dc_v_e_1 := dc_v_l\n",
		"dc_v_n = dc_v_e_1.Mul(dc_v_n).Merge(dc_v_n, dc_m_",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in\n%s", want, text)
		}
	}
	// One store of out per width: the second result is discarded.
	if n := strings.Count(text, "StoreSlice(dc_p_out[dc_i:])"); n != 2 {
		t.Errorf("%d full stores to out, want 2:\n%s", n, text)
	}
}

// TestSIMDDoesNotQualify checks kernels the SIMD printer must leave alone,
// with the reason SIMDCheck gives.
func TestSIMDDoesNotQualify(t *testing.T) {
	x64 := param("d", sliceOf(f64))
	celsius := &ir.Basic{Kind: ir.Float32, Name: "Celsius"}
	named := param("c", sliceOf(celsius))
	j := local("j", intT)
	v := local("v", f32)
	tests := []struct {
		k    *ir.Kernel
		want string
	}{
		{elementwise("Min", func(i, a, x, out *ir.Var) []ir.Stmt {
			return []ir.Stmt{set(idx(ref(out), ref(i)), bi(ir.Min, f32, idx(ref(x), ref(i)), ref(a)))}
		}), "call of min"},
		{elementwise("Max", func(i, a, x, out *ir.Var) []ir.Stmt {
			return []ir.Stmt{set(idx(ref(out), ref(i)), bi(ir.Max, f32, idx(ref(x), ref(i)), ref(a)))}
		}), "call of max"},
		{elementwise("Sin", func(i, a, x, out *ir.Var) []ir.Stmt {
			return []ir.Stmt{set(idx(ref(out), ref(i)), bi(ir.Sin, f32, idx(ref(x), ref(i))))}
		}), "call of Sin"},
		{elementwise("Exp2", func(i, a, x, out *ir.Var) []ir.Stmt {
			return []ir.Stmt{set(idx(ref(out), ref(i)), bi(ir.Exp2, f32, idx(ref(x), ref(i))))}
		}), "call of Exp2"},
		{elementwise("Neighbour", func(i, a, x, out *ir.Var) []ir.Stmt {
			return []ir.Stmt{set(idx(ref(out), ref(i)), idx(ref(x), bin(token.ADD, ref(i), ci("1"))))}
		}), "indexed by something other than the global x index"},
		{elementwise("OtherIndex", func(i, a, x, out *ir.Var) []ir.Stmt {
			return []ir.Stmt{decl(j, ref(i)), set(idx(ref(out), ref(j)), ref(a))}
		}), "local j is a int"},
		{elementwise("If", func(i, a, x, out *ir.Var) []ir.Stmt {
			return []ir.Stmt{iff(bin(token.GTR, idx(ref(x), ref(i)), ref(a)), blk(set(idx(ref(out), ref(i)), ref(a))), nil)}
		}), "a store to an element of a slice in a branch of an if"},
		{elementwise("IfInt", func(i, a, x, out *ir.Var) []ir.Stmt {
			return []ir.Stmt{decl(v, ref(a)), iff(bin(token.GTR, ref(i), ci("3")), blk(set(ref(v), ref(a))), nil), set(idx(ref(out), ref(i)), ref(v))}
		}), "an if condition compares int values"},
		{elementwise("IfReturn", func(i, a, x, out *ir.Var) []ir.Stmt {
			return []ir.Stmt{iff(bin(token.GTR, idx(ref(x), ref(i)), ref(a)), blk(ret()), nil), set(idx(ref(out), ref(i)), ref(a))}
		}), "a statement other than"},
		{elementwise("IfBool", func(i, a, x, out *ir.Var) []ir.Stmt {
			return []ir.Stmt{decl(v, ref(a)), iff(cbool(true), blk(set(ref(v), ref(a))), nil), set(idx(ref(out), ref(i)), ref(v))}
		}), "an if condition other than comparisons of float32 values"},
		{elementwise("IfAtomic", func(i, a, x, out *ir.Var) []ir.Stmt {
			return []ir.Stmt{iff(bin(token.GTR, idx(ref(x), ref(i)), ref(a)), blk(exprStmt(bi(ir.AtomicAdd, f32, idx(ref(out), ref(i)), ref(a)))), nil)}
		}), "a statement other than"},
		{elementwise("CallEarlyReturn", func(i, a, x, out *ir.Var) []ir.Stmt {
			return []ir.Stmt{set(idx(ref(out), ref(i)), call(earlyReturn(), idx(ref(x), ref(i))))}
		}), "device function early: device function early returns before its end"},
		{elementwise("CallInt", func(i, a, x, out *ir.Var) []ir.Stmt {
			return []ir.Stmt{set(idx(ref(out), ref(i)), conv(call(halve(), ci("3")), f32))}
		}), "not float32"},
		{elementwise("CallSlice", func(i, a, x, out *ir.Var) []ir.Stmt {
			return []ir.Stmt{set(idx(ref(out), ref(i)), call(first(), ref(x)))}
		}), "device function first: parameter s is a []float32, not a float32"},
		{elementwise("CallThread", func(i, a, x, out *ir.Var) []ir.Stmt {
			return []ir.Stmt{set(idx(ref(out), ref(i)), call(withThread(), ref(a)))}
		}), "device function withThread: it takes the thread"},
		{elementwise("Loop", func(i, a, x, out *ir.Var) []ir.Stmt {
			return []ir.Stmt{forLoop("", nil, nil, nil, blk(set(idx(ref(out), ref(i)), ref(a))))}
		}), "a statement other than"},
		{elementwise("Float64", func(i, a, x, out *ir.Var) []ir.Stmt {
			return []ir.Stmt{set(idx(ref(out), ref(i)), conv(conv(idx(ref(x), ref(i)), f64), f32))}
		}), "not float32"},
		{elementwise("IndexValue", func(i, a, x, out *ir.Var) []ir.Stmt {
			return []ir.Stmt{set(idx(ref(out), ref(i)), conv(ref(i), f32))}
		}), "not float32"},
		{elementwise("AssignIndex", func(i, a, x, out *ir.Var) []ir.Stmt {
			return []ir.Stmt{set(ref(i), ci("0")), set(idx(ref(out), ref(i)), ref(a))}
		}), "is assigned"},
		{elementwise("Float64Slice", func(i, a, x, out *ir.Var) []ir.Stmt {
			return []ir.Stmt{set(idx(ref(out), ref(i)), conv(idx(ref(x64), ref(i)), f32))}
		}), "not float32"},
		{elementwise("Named", func(i, a, x, out *ir.Var) []ir.Stmt {
			return []ir.Stmt{set(idx(ref(named), ref(i)), conv(ref(a), celsius))}
		}), "other than a []float32 parameter"},
		{elementwise("Atomic", func(i, a, x, out *ir.Var) []ir.Stmt {
			return []ir.Stmt{exprStmt(bi(ir.AtomicAdd, f32, idx(ref(out), ref(i)), ref(a)))}
		}), "a statement other than"},
		{elementwise("Pair", func(i, a, x, out *ir.Var) []ir.Stmt {
			return []ir.Stmt{set(idx(ref(out), ref(i)), call(polar(), ref(a), ref(a)))}
		}), "a value of type (float32, float32), not float32"},
		{elementwise("NoSlice", func(i, a, x, out *ir.Var) []ir.Stmt {
			return []ir.Stmt{decl(v, ref(a)), set(ref(v), ref(v))}
		}), "indexes no slice"},
		{kernel("NoGuard", []*ir.Var{param("y", sliceOf(f32))}, blk(set(idx(ref(param("y", sliceOf(f32))), th(ir.GlobalX)), num(f32, "1")))), "x guard"},
		{func() *ir.Kernel {
			k := saxpy()
			k.Barrier = true
			return k
		}(), "loop form"},
	}
	for _, tt := range tests {
		err := SIMDCheck(tt.k)
		if err == nil {
			t.Errorf("%s qualifies for a SIMD body", tt.k.Name)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want it to say %q", tt.k.Name, err, tt.want)
		}
		if _, ok := SIMD(tt.k); ok {
			t.Errorf("%s: SIMD prints a body", tt.k.Name)
		}
		if _, ok := SIMDStub(tt.k); ok {
			t.Errorf("%s: SIMDStub prints a stub", tt.k.Name)
		}
		if body := fmt.Sprintf("%#v", Kernel(tt.k)); strings.Contains(body, "dc_simd") {
			t.Errorf("%s: the CPU body mentions a SIMD body:\n%s", tt.k.Name, body)
		}
	}
}
