package cuda

import (
	"go/token"

	"github.com/dotcompute/dc/translate/ir"
)

// The hand-built programs the tests print (and compile with NVRTC).

// saxpyProgram is
//
//	func Saxpy(t dc.Thread, a float32, x, y []float32) {
//		if i := t.GlobalX(); i < len(y) {
//			y[i] = a*x[i] + y[i]
//		}
//	}
func saxpyProgram() *ir.Program {
	a, x, y := param("a", tF32), param("x", sliceOf(tF32)), out("y", sliceOf(tF32))
	i := local("i", tInt)
	return program(kernel("Saxpy", 4, []*ir.Var{a, x, y},
		block(
			decl(5, i, th(ir.GlobalX)),
			ifStmt(5, bin(token.LSS, ref(i), length(ref(y))), block(
				assign(6, idx(ref(y), ref(i)), bin(token.ADD, bin(token.MUL, ref(a), idx(ref(x), ref(i))), idx(ref(y), ref(i)))),
			), nil),
		),
	))
}

// sharedProgram is a block sum with a 256-element shared array, a helper
// that loads a 16x16 shared tile of its own (and so takes it as a trailing
// parameter) and one that takes the shared array as a pointer.
//
//	func fill(t dc.Thread, in []float32) {
//		tile := dc.Shared[[16][16]float32](t)
//		tile[t.LocalY()][t.LocalX()] = in[t.GlobalX()]
//		t.Barrier()
//	}
//	func first(p *[256]float32, n int) float32 { return p[0] + p[n-1] }
//	func Sum(t dc.Thread, in, out []float32) {
//		sh := dc.Shared[[256]float32](t)
//		sh[t.LocalX()] = in[t.GlobalX()]
//		fill(t, in)
//		t.Barrier()
//		if t.LocalX() == 0 { out[t.GroupX()] = first(sh, t.GroupSizeX()) }
//	}
func sharedProgram() *ir.Program {
	sh0 := shared("sh0", arrayOf(256, tF32), 20)
	sh1 := shared("sh1", arrayOf(16, arrayOf(16, tF32)), 11)

	fin := param("in", sliceOf(tF32))
	tile := local("tile", ptrTo(sh1.Type))
	fill := function("fill", 10, []*ir.Var{fin}, nil,
		decl(11, tile, sharedRef(sh1)),
		assign(12, idx(idx(ref(tile), th(ir.LocalY)), th(ir.LocalX)), idx(ref(fin), th(ir.GlobalX))),
		exprStmt(13, builtin(ir.Barrier, nil)),
	)
	fill.Thread = &ir.Var{Name: "t", Kind: ir.Param}
	fill.Shared = []*ir.Shared{sh1}
	fill.Barrier = true

	p, n := param("p", ptrTo(sh0.Type)), param("n", tInt)
	first := function("first", 15, []*ir.Var{p, n}, []ir.Type{tF32},
		ret(16, bin(token.ADD, idx(ref(p), cnst(tInt, 0)), idx(ref(p), bin(token.SUB, ref(n), cnst(tInt, 1))))),
	)

	in, outp := param("in", sliceOf(tF32)), out("out", sliceOf(tF32))
	sh := local("sh", ptrTo(sh0.Type))
	k := kernel("Sum", 19, []*ir.Var{in, outp},
		decl(20, sh, sharedRef(sh0)),
		assign(21, idx(ref(sh), th(ir.LocalX)), idx(ref(in), th(ir.GlobalX))),
		exprStmt(22, callOf(fill, ref(in))),
		exprStmt(23, builtin(ir.Barrier, nil)),
		ifStmt(24, bin(token.EQL, th(ir.LocalX), cnst(tInt, 0)), block(
			assign(25, idx(ref(outp), th(ir.GroupX)), callOf(first, ref(sh), th(ir.GroupSizeX))),
		), nil),
	)
	k.Shared = []*ir.Shared{sh0, sh1}
	k.Barrier = true
	prog := program(k)
	prog.Funcs = []*ir.Func{fill, first}
	return prog
}

// multiResultProgram has a two-result helper and one whose int8 result is
// an operation (a narrowing brace initialiser in C++ without a cast).
//
//	func divmod(a, b int32) (int32, int32) { return a / b, a % b }
//	func low(v int32) (int8, bool) { return int8(v) & 7, v > 0 }
//	func DivMod(t dc.Thread, x []int32, q, r []int32, ok []bool) {
//		i := t.GlobalX()
//		var a, b int32
//		a, b = divmod(x[i], 3)
//		q[i], r[i] = a, b
//		_, ok[i] = low(x[i])
//	}
func multiResultProgram() *ir.Program {
	a, b := param("a", tI32), param("b", tI32)
	divmod := function("divmod", 3, []*ir.Var{a, b}, []ir.Type{tI32, tI32},
		ret(3, bin(token.QUO, ref(a), ref(b)), bin(token.REM, ref(a), ref(b))),
	)
	v := param("v", tI32)
	low := function("low", 4, []*ir.Var{v}, []ir.Type{tI8, tBool},
		ret(4, bin(token.AND, conv(ref(v), tI8), cnst(tI8, 7)), bin(token.GTR, ref(v), cnst(tI32, 0))),
	)
	x, q, r, ok := param("x", sliceOf(tI32)), out("q", sliceOf(tI32)), out("r", sliceOf(tI32)), out("ok", sliceOf(tBool))
	i, la, lb := local("i", tInt), local("a", tI32), local("b", tI32)
	k := kernel("DivMod", 6, []*ir.Var{x, q, r, ok},
		decl(7, i, th(ir.GlobalX)),
		decl(8, la, nil),
		decl(8, lb, nil),
		&ir.CallStmt{Pos: at(9), Targets: []ir.Expr{ref(la), ref(lb)}, Call: callOf(divmod, idx(ref(x), ref(i)), cnst(tI32, 3))},
		assign(10, idx(ref(q), ref(i)), ref(la)),
		assign(10, idx(ref(r), ref(i)), ref(lb)),
		&ir.CallStmt{Pos: at(11), Targets: []ir.Expr{nil, idx(ref(ok), ref(i))}, Call: callOf(low, idx(ref(x), ref(i)))},
	)
	prog := program(k)
	prog.Funcs = []*ir.Func{divmod, low}
	return prog
}

// intProgram exercises Go's integer semantics: wrapping, division, shifts.
func intProgram() *ir.Program {
	a32, b32 := param("a32", tI32), param("b32", tI32)
	a64, b64 := param("a64", tInt), param("b64", tI64)
	a8, b8 := param("a8", tI8), param("b8", tI8)
	u8, v8 := param("u8", tU8), param("v8", tU8)
	u16 := param("u16", tU16)
	u32, v32 := param("u32", tU32), param("v32", tU32)
	u64 := param("u64", tU64)
	n := param("n", tInt)
	o32, o64, o8, ou8, ou16, ou32, ou64 := out("o32", sliceOf(tI32)), out("o64", sliceOf(tInt)), out("o8", sliceOf(tI8)),
		out("ou8", sliceOf(tU8)), out("ou16", sliceOf(tU16)), out("ou32", sliceOf(tU32)), out("ou64", sliceOf(tU64))
	i64 := param("i64", tI64)
	at32 := func(i int) ir.Expr { return idx(ref(o32), cnst(tInt, i)) }
	at8 := func(i int) ir.Expr { return idx(ref(o8), cnst(tInt, i)) }
	atu8 := func(i int) ir.Expr { return idx(ref(ou8), cnst(tInt, i)) }
	atu32 := func(i int) ir.Expr { return idx(ref(ou32), cnst(tInt, i)) }
	return program(kernel("Ints", 1, []*ir.Var{a32, b32, a64, b64, i64, a8, b8, u8, v8, u16, u32, v32, u64, n, o32, o64, o8, ou8, ou16, ou32, ou64},
		assign(2, at32(0), bin(token.ADD, ref(a32), ref(b32))),
		assign(3, at32(1), bin(token.MUL, ref(a32), cnst(tI32, -3))),
		assign(4, at32(2), un(token.SUB, ref(a32))),
		assign(5, at32(3), bin(token.QUO, ref(a32), ref(b32))),
		assign(6, at32(4), bin(token.REM, ref(a32), ref(b32))),
		assign(7, at32(5), bin(token.SHL, ref(a32), cnst(tUint, 3))),
		assign(8, at32(6), bin(token.SHR, ref(a32), ref(n))),
		assign(9, at32(7), bin(token.SHL, ref(a32), cnst(tInt, 40))),
		assign(10, at32(8), bin(token.AND_NOT, ref(a32), ref(b32))),
		assign(11, idx(ref(o64), cnst(tInt, 0)), bin(token.SUB, ref(a64), bin(token.MUL, ref(a64), ref(n)))),
		assign(12, idx(ref(o64), cnst(tInt, 1)), bin(token.QUO, ref(a64), ref(n))),
		assign(13, idx(ref(o64), cnst(tInt, 2)), conv(bin(token.REM, ref(b64), ref(i64)), tInt)),
		assign(14, idx(ref(o64), cnst(tInt, 3)), bin(token.SHR, ref(a64), ref(u64))),
		assign(15, at8(0), bin(token.SUB, ref(a8), ref(b8))),
		assign(16, at8(1), bin(token.QUO, ref(a8), ref(b8))),
		assign(17, at8(2), bin(token.SHR, ref(a8), ref(u8))),
		assign(18, at8(3), un(token.SUB, ref(a8))),
		assign(19, atu8(0), bin(token.MUL, ref(u8), ref(v8))),
		assign(20, atu8(1), un(token.XOR, ref(u8))),
		assign(21, atu8(2), bin(token.SHL, ref(u8), cnst(tUint, 3))),
		assign(22, atu8(3), bin(token.REM, ref(u8), ref(v8))),
		assign(23, idx(ref(ou16), cnst(tInt, 0)), bin(token.ADD, ref(u16), cnst(tU16, 65535))),
		assign(24, atu32(0), bin(token.ADD, ref(u32), ref(v32))),
		assign(25, atu32(1), bin(token.SHL, ref(u32), ref(v32))),
		assign(26, atu32(2), un(token.XOR, ref(u32))),
		assign(27, atu32(3), un(token.SUB, ref(u32))),
		assign(28, idx(ref(ou64), cnst(tInt, 0)), bin(token.SHR, ref(u64), cnst(tUint, 64))),
		assign(29, at32(9), cnst(tI32, -2147483648)),
		assign(30, idx(ref(o64), cnst(tInt, 4)), cnst(tInt, int64(-9223372036854775808))),
		assign(31, idx(ref(ou64), cnst(tInt, 1)), cnst(tU64, uint64(18446744073709551615))),
		assign(32, idx(ref(o64), cnst(tInt, 5)), bin(token.SUB, cnst(tInt, 5), cnst(tInt, -1))),
		assign(33, atu32(4), conv(ref(a8), tU32)),
	))
}

// floatProgram has float32 and float64 constants, math builtins and
// min/max.
func floatProgram() *ir.Program {
	x, y := param("x", tF32), param("y", tF64)
	n := param("n", tI32)
	u := param("u", tU8)
	bits := param("bits", tU64)
	of, od, oi, ob := out("of", sliceOf(tF32)), out("od", sliceOf(tF64)), out("oi", sliceOf(tI32)), out("ob", sliceOf(tBool))
	ou := out("ou", sliceOf(tU8))
	f := func(i int) ir.Expr { return idx(ref(of), cnst(tInt, i)) }
	d := func(i int) ir.Expr { return idx(ref(od), cnst(tInt, i)) }
	return program(kernel("Floats", 1, []*ir.Var{x, y, n, u, bits, of, od, oi, ob, ou},
		assign(2, f(0), bin(token.MUL, ref(x), cnst(tF32, 0.5))),
		assign(3, f(1), bin(token.ADD, ref(x), cnst(tF32, 1.0))),
		assign(4, f(2), bin(token.SUB, ref(x), cnst(tF32, 1e30))),
		assign(5, f(3), bin(token.MUL, cnst(tF32, -0.1), un(token.SUB, ref(x)))),
		assign(6, d(0), bin(token.ADD, ref(y), cnst(tF64, 0.1))),
		assign(7, d(1), bin(token.QUO, cnst(tF64, 1), ref(y))),
		assign(8, d(2), cnst(tF64, 1e300)),
		assign(9, f(4), builtin(ir.Sqrt, tF32, bin(token.ADD, ref(x), builtin(ir.Rsqrt, tF32, ref(x))))),
		assign(10, d(3), builtin(ir.FMA, tF64, ref(y), builtin(ir.Exp, tF64, ref(y)), builtin(ir.RoundToEven, tF64, ref(y)))),
		assign(11, f(5), builtin(ir.Min, tF32, ref(x), cnst(tF32, 2), un(token.SUB, ref(x)))),
		assign(12, d(4), builtin(ir.Max, tF64, ref(y), cnst(tF64, 0))),
		assign(13, idx(ref(oi), cnst(tInt, 0)), builtin(ir.Min, tI32, ref(n), cnst(tI32, 7))),
		assign(14, idx(ref(ou), cnst(tInt, 0)), builtin(ir.Max, tU8, ref(u), cnst(tU8, 200))),
		assign(15, idx(ref(ob), cnst(tInt, 0)), bin(token.LOR, builtin(ir.IsNaN, tBool, ref(y)), builtin(ir.IsInf, tBool, ref(y), cnst(tInt, 1)))),
		assign(16, idx(ref(ob), cnst(tInt, 1)), builtin(ir.IsInf, tBool, ref(y), conv(ref(n), tInt))),
		assign(17, idx(ref(ob), cnst(tInt, 2)), builtin(ir.IsInf, tBool, ref(y), cnst(tInt, 0))),
		assign(18, idx(ref(oi), cnst(tInt, 1)), conv(builtin(ir.Float32Bits, tU32, ref(x)), tI32)),
		assign(19, d(5), builtin(ir.Float64From, tF64, ref(bits))),
		assign(20, idx(ref(oi), cnst(tInt, 2)), conv(ref(x), tI32)),
		assign(21, f(6), conv(builtin(ir.Atan2, tF64, ref(y), conv(ref(x), tF64)), tF32)),
	))
}

// atomicProgram uses every atomic on global and shared memory.
func atomicProgram() *ir.Program {
	sh := shared("sh0", arrayOf(64, tF32), 3)
	cnt, bins, fl := out("cnt", sliceOf(tI32)), out("bins", sliceOf(tU32)), out("fl", sliceOf(tF32))
	old := local("old", tI32)
	k := kernel("Atomics", 1, []*ir.Var{cnt, bins, fl},
		decl(2, old, builtin(ir.AtomicAdd, tI32, idx(ref(cnt), cnst(tInt, 0)), cnst(tI32, 1))),
		exprStmt(3, builtin(ir.AtomicAdd, tF32, idx(sharedRef(sh), th(ir.LocalX)), cnst(tF32, 1.5))),
		exprStmt(4, builtin(ir.AtomicExchange, tF32, idx(ref(fl), cnst(tInt, 0)), cnst(tF32, 2))),
		exprStmt(5, builtin(ir.AtomicMin, tI32, idx(ref(cnt), cnst(tInt, 1)), ref(old))),
		exprStmt(6, builtin(ir.AtomicMax, tU32, idx(ref(bins), cnst(tInt, 0)), cnst(tU32, 9))),
		exprStmt(7, builtin(ir.AtomicCAS, tU32, idx(ref(bins), cnst(tInt, 1)), cnst(tU32, 0), cnst(tU32, 1))),
	)
	k.Shared = []*ir.Shared{sh}
	return program(k)
}

// structProgram has structs with Go's layout, passed by value, built with
// literals (one with an array field), compared and stored.
//
//	type Vec struct{ X, Y float32 }
//	type Particle struct {
//		Pos   [3]float32
//		Mass  float64
//		Alive bool
//		ID    int32
//		V     Vec
//	}
func structProgram() *ir.Program {
	vec := &ir.Struct{Name: "Vec", Size: 8, Align: 4, Fields: []*ir.Field{
		{Name: "X", Type: tF32, Offset: 0},
		{Name: "Y", Type: tF32, Offset: 4},
	}}
	part := &ir.Struct{Name: "Particle", Size: 40, Align: 8, Fields: []*ir.Field{
		{Name: "Pos", Type: arrayOf(3, tF32), Offset: 0},
		{Name: "Mass", Type: tF64, Offset: 16},
		{Name: "Alive", Type: tBool, Offset: 24},
		{Name: "ID", Type: tI32, Offset: 28},
		{Name: "V", Type: vec, Offset: 32},
	}}
	ps := out("ps", sliceOf(part))
	g := param("g", vec)
	i, p := local("i", tInt), local("p", part)
	k := kernel("Move", 1, []*ir.Var{ps, g},
		decl(2, i, th(ir.GlobalX)),
		decl(3, p, idx(ref(ps), ref(i))),
		assign(4, field(ref(p), 4), &ir.StructLit{T: vec, Fields: []ir.Expr{
			bin(token.ADD, field(field(ref(p), 4), 0), field(ref(g), 0)),
			field(ref(g), 1),
		}}),
		assign(5, idx(field(ref(p), 0), cnst(tInt, 2)), cnst(tF32, 0)),
		ifStmt(6, bin(token.EQL, field(ref(p), 4), ref(g)), block(
			assign(7, field(ref(p), 2), cnst(tBool, false)),
		), nil),
		assign(8, ref(p), &ir.StructLit{T: part, Fields: []ir.Expr{
			field(ref(p), 0), bin(token.MUL, field(ref(p), 1), cnst(tF64, 2)), field(ref(p), 2), field(ref(p), 3), field(ref(p), 4),
		}}),
		assign(9, idx(ref(ps), ref(i)), ref(p)),
	)
	prog := program(k)
	prog.Structs = []*ir.Struct{vec, part}
	return prog
}

// loopProgram has labelled break and continue out of nested loops, plain
// ones, and a loop whose post statement is two statements.
//
//	outer:
//	for i := 0; i < n; i++ {
//		for j := 0; j < n; j++ {
//			if x[j] < 0 { continue outer }
//			if x[j] > 100 { break outer }
//			if x[j] == 5 { break }
//			if x[j] == 6 { continue }
//			sum += x[j]
//		}
//	}
//	for k, m := 0, 1; k < n; k, m = k+1, m*2 { if m > 64 { continue }; sum += m }
func loopProgram() *ir.Program {
	x, o := param("x", sliceOf(tInt)), out("o", sliceOf(tInt))
	n := param("n", tInt)
	sum, i, j := local("sum", tInt), local("i", tInt), local("j", tInt)
	xj := func() ir.Expr { return idx(ref(x), ref(j)) }
	inner := countLoop(5, j, ref(n))
	outer := countLoop(4, i, ref(n), inner)
	outer.Label = "outer"
	inner.Body = block(
		ifStmt(6, bin(token.LSS, xj(), cnst(tInt, 0)), block(&ir.BranchStmt{Pos: at(6), Kind: ir.Continue, Target: outer, Labelled: true}), nil),
		ifStmt(7, bin(token.GTR, xj(), cnst(tInt, 100)), block(&ir.BranchStmt{Pos: at(7), Kind: ir.Break, Target: outer, Labelled: true}), nil),
		ifStmt(8, bin(token.EQL, xj(), cnst(tInt, 5)), block(&ir.BranchStmt{Pos: at(8), Kind: ir.Break, Target: inner, Innermost: true}), nil),
		ifStmt(9, bin(token.EQL, xj(), cnst(tInt, 6)), block(&ir.BranchStmt{Pos: at(9), Kind: ir.Continue, Target: inner, Innermost: true}), nil),
		assign(10, ref(sum), bin(token.ADD, ref(sum), xj())),
	)
	k, m := local("k", tInt), local("m", tInt)
	tm := local("m2", tInt)
	twoPost := &ir.ForStmt{
		Pos:  at(13),
		Init: decl(13, k, cnst(tInt, 0)),
		Cond: bin(token.LSS, ref(k), ref(n)),
		Post: &ir.Block{Pos: at(13), Stmts: []ir.Stmt{
			decl(13, tm, bin(token.MUL, ref(m), cnst(tInt, 2))),
			assign(13, ref(k), bin(token.ADD, ref(k), cnst(tInt, 1))),
			assign(13, ref(m), ref(tm)),
		}},
	}
	twoPost.Body = block(
		ifStmt(14, bin(token.GTR, ref(m), cnst(tInt, 64)), block(&ir.BranchStmt{Pos: at(14), Kind: ir.Continue, Target: twoPost, Innermost: true}), nil),
		assign(15, ref(sum), bin(token.ADD, ref(sum), ref(m))),
	)
	return program(kernel("Loops", 1, []*ir.Var{x, o, n},
		decl(2, sum, nil),
		outer,
		&ir.Block{Pos: at(13), Stmts: []ir.Stmt{decl(13, m, cnst(tInt, 1)), twoPost}},
		assign(17, idx(ref(o), cnst(tInt, 0)), ref(sum)),
	))
}

// switchProgram has a switch printed as an if-chain (a case value is not
// constant) with a break out of it, and a C switch inside a loop with a
// break of the loop.
//
//	for i := 0; i < len(x); i++ {
//		switch x[i] {
//		case lim, lim + 1:
//			if i == 0 { break }
//			x[i] = 0
//		case 3:
//			x[i] = 1
//		default:
//			x[i] = 2
//		}
//		switch x[i] {
//		case 1, 2:
//			x[i]++
//		case 7:
//			break loop
//		}
//	}
func switchProgram() *ir.Program {
	x, lim := out("x", sliceOf(tI32)), param("lim", tI32)
	i := local("i", tInt)
	xi := func() ir.Expr { return idx(ref(x), ref(i)) }
	loop := countLoop(3, i, length(ref(x)))
	chain := &ir.SwitchStmt{Pos: at(4), Tag: xi()}
	chain.Cases = []*ir.Case{
		{Pos: at(5), Values: []ir.Expr{ref(lim), bin(token.ADD, ref(lim), cnst(tI32, 1))}, Body: block(
			ifStmt(6, bin(token.EQL, ref(i), cnst(tInt, 0)), block(&ir.BranchStmt{Pos: at(6), Kind: ir.Break, Target: chain, Innermost: true}), nil),
			assign(7, xi(), cnst(tI32, 0)),
		)},
		{Pos: at(8), Values: []ir.Expr{cnst(tI32, 3)}, Body: block(assign(9, xi(), cnst(tI32, 1)))},
		{Pos: at(10), Body: block(assign(11, xi(), cnst(tI32, 2)))},
	}
	simple := &ir.SwitchStmt{Pos: at(13), Tag: xi(), Simple: true}
	simple.Cases = []*ir.Case{
		{Pos: at(14), Values: []ir.Expr{cnst(tI32, 1), cnst(tI32, 2)}, Body: block(assign(15, xi(), bin(token.ADD, xi(), cnst(tI32, 1))))},
		{Pos: at(16), Values: []ir.Expr{cnst(tI32, 7)}, Body: block(&ir.BranchStmt{Pos: at(17), Kind: ir.Break, Target: loop, Labelled: true})},
	}
	loop.Body = block(chain, simple)
	return program(kernel("Switch", 1, []*ir.Var{x, lim}, loop))
}

// namesProgram has Go names that are C, C++ or CUDA names, a local that
// clashes with a slice's length name and with a device function.
func namesProgram() *ir.Program {
	fv := param("float", tF32)
	sqrt := function("sqrt", 2, []*ir.Var{fv}, []ir.Type{tF32}, ret(2, bin(token.MUL, ref(fv), ref(fv))))
	x := out("x", sliceOf(tF32))
	threadIdx := param("threadIdx", tInt)
	xlen, in, sq := local("x_len", tInt), local("int", tF32), local("sqrt", tF32)
	k := kernel("Names", 4, []*ir.Var{x, threadIdx},
		decl(5, xlen, length(ref(x))),
		decl(6, in, idx(ref(x), ref(threadIdx))),
		decl(7, sq, callOf(sqrt, ref(in))),
		assign(8, idx(ref(x), bin(token.SUB, ref(xlen), cnst(tInt, 1))), ref(sq)),
	)
	prog := program(k)
	prog.Funcs = []*ir.Func{sqrt}
	return prog
}

// miscProgram covers arrays by value, slice locals and results, a fastmath
// kernel, else-if chains, a tagless switch, named types and struct
// equality through array fields.
//
//	type Celsius float32
//	type Box struct{ Lo, Hi [2]int16 }
//	func scale(v [4]float32, s float32) [4]float32 { for i := range v { v[i] *= s }; return v }
//	func tail(xs []float32, n int) ([]float32, int) { return xs, len(xs) - n }
//	func Misc(t dc.Thread, m [4]float32, xs []float32, c Celsius, a, b Box, out []float32) { ... }
func miscProgram() *ir.Program {
	celsius := &ir.Basic{Kind: ir.Float32, Name: "Celsius"}
	box := &ir.Struct{Name: "Box", Size: 8, Align: 2, Fields: []*ir.Field{
		{Name: "Lo", Type: arrayOf(2, tI16), Offset: 0},
		{Name: "Hi", Type: arrayOf(2, tI16), Offset: 4},
	}}
	vec4 := arrayOf(4, tF32)

	v, s := param("v", vec4), param("s", tF32)
	v.Assigned = true // scale assigns to elements of its copy of v
	i := local("i", tInt)
	scale := function("scale", 3, []*ir.Var{v, s}, []ir.Type{vec4},
		countLoop(3, i, cnst(tInt, 4),
			assign(3, idx(ref(v), ref(i)), bin(token.MUL, idx(ref(v), ref(i)), ref(s))),
		),
		ret(3, ref(v)),
	)
	xs, n := param("xs", sliceOf(tF32)), param("n", tInt)
	tail := function("tail", 4, []*ir.Var{xs, n}, []ir.Type{sliceOf(tF32), tInt},
		ret(4, ref(xs), bin(token.SUB, length(ref(xs)), ref(n))),
	)

	km, kxs, kc := param("m", vec4), param("xs", sliceOf(tF32)), param("c", celsius)
	ka, kb, ko := param("a", box), param("b", box), out("out", sliceOf(tF32))
	w, ys, cnt := local("w", vec4), local("ys", sliceOf(tF32)), local("cnt", tInt)
	h := local("h", tI16)
	k := kernel("Misc", 6, []*ir.Var{km, kxs, kc, ka, kb, ko},
		decl(7, w, callOf(scale, ref(km), cnst(tF32, 2))),
		decl(8, ys, nil),
		decl(8, cnt, nil),
		&ir.CallStmt{Pos: at(9), Targets: []ir.Expr{ref(ys), ref(cnt)}, Call: callOf(tail, ref(kxs), cnst(tInt, 1))},
		assign(10, ref(w), ref(km)),
		ifStmt(11, bin(token.EQL, ref(ka), ref(kb)), block(
			assign(12, idx(ref(ko), cnst(tInt, 0)), conv(ref(kc), tF32)),
		), block(ifStmt(13, bin(token.GTR, ref(cnt), cnst(tInt, 2)), block(
			assign(14, idx(ref(ko), cnst(tInt, 0)), idx(ref(ys), cnst(tInt, 2))),
		), block(
			assign(16, idx(ref(ko), cnst(tInt, 0)), idx(ref(w), cnst(tInt, 3))),
		)))),
		decl(18, h, bin(token.MUL, idx(field(ref(ka), 0), cnst(tInt, 1)), idx(field(ref(kb), 1), cnst(tInt, 0)))),
		&ir.SwitchStmt{Pos: at(19), Cases: []*ir.Case{
			{Pos: at(20), Values: []ir.Expr{bin(token.LSS, ref(h), cnst(tI16, 0))}, Body: block(
				assign(21, idx(ref(ko), cnst(tInt, 1)), cnst(tF32, -1)),
			)},
			{Pos: at(22), Body: block(
				assign(23, idx(ref(ko), cnst(tInt, 1)), conv(ref(h), tF32)),
			)},
		}},
	)
	k.FastMath = true
	prog := program(k)
	prog.Structs = []*ir.Struct{box}
	prog.Funcs = []*ir.Func{scale, tail}
	return prog
}

// slicesProgram covers slice locals assigned from read-only parameters and
// passed on to a function that writes them, a single slice result, an
// array result assigned to an existing array, zero values of every kind, a
// blank parameter, a keyword field name and a hoisted loop init.
//
//	type Rec struct{ class int32; _ int32; W float64 }
//	func pick(a, b []float32, first bool) []float32 { if first { return a }; return b }
//	func zero(d []float32) { d[0] = 0 }
//	func ones() [2]int32 { return [2]int32{1, 1} }   // as IR: from a local
//	func Slices(t dc.Thread, _ int32, src []float32, dst []float32, r Rec, out []float64) { ... }
func slicesProgram() *ir.Program {
	rec := &ir.Struct{Name: "Rec", Size: 16, Align: 8, Fields: []*ir.Field{
		{Name: "class", Type: tI32, Offset: 0},
		{Name: "_", Type: tI32, Offset: 4},
		{Name: "W", Type: tF64, Offset: 8},
	}}
	pa, pb, first := param("a", sliceOf(tF32)), param("b", sliceOf(tF32)), param("first", tBool)
	pick := function("pick", 2, []*ir.Var{pa, pb, first}, []ir.Type{sliceOf(tF32)},
		ifStmt(2, ref(first), block(ret(2, ref(pa))), nil),
		ret(2, ref(pb)),
	)
	d := out("d", sliceOf(tF32))
	zero := function("zero", 3, []*ir.Var{d}, nil, assign(3, idx(ref(d), cnst(tInt, 0)), cnst(tF32, 0)))
	one := local("one", arrayOf(2, tI32))
	ones := function("ones", 4, nil, []ir.Type{arrayOf(2, tI32)},
		decl(4, one, nil),
		assign(4, idx(ref(one), cnst(tInt, 0)), cnst(tI32, 1)),
		assign(4, idx(ref(one), cnst(tInt, 1)), cnst(tI32, 1)),
		ret(4, ref(one)),
	)

	blank, src, dst := param("_", tI32), param("src", sliceOf(tF32)), out("dst", sliceOf(tF32))
	r, o := param("r", rec), out("out", sliceOf(tF64))
	s, s2 := local("s", sliceOf(tF32)), local("s2", sliceOf(tF32))
	f, ok, pr, zr := local("f", tF64), local("ok", tBool), local("pr", rec), local("p", ptrTo(arrayOf(4, tF32)))
	two := local("two", arrayOf(2, tI32))
	i, j := local("i", tInt), local("j", tInt)
	loop := &ir.ForStmt{
		Pos:  at(14),
		Init: &ir.CallStmt{Pos: at(14), Targets: []ir.Expr{ref(s2)}, Call: callOf(pick, ref(src), ref(dst), cnst(tBool, false))},
		Cond: bin(token.LSS, ref(j), length(ref(s2))),
		Post: assign(14, ref(j), bin(token.ADD, ref(j), cnst(tInt, 2))),
	}
	loop.Body = block(
		ifStmt(15, bin(token.LAND, un(token.NOT, ref(ok)), bin(token.GTR, idx(ref(s2), ref(j)), cnst(tF32, 0))), block(
			&ir.BranchStmt{Pos: at(15), Kind: ir.Continue, Target: loop, Innermost: true},
		), nil),
		assign(16, ref(f), bin(token.ADD, ref(f), conv(idx(ref(s2), ref(j)), tF64))),
	)
	k := kernel("Slices", 6, []*ir.Var{blank, src, dst, r, o},
		decl(7, s, ref(src)),
		decl(8, f, nil),
		decl(8, ok, nil),
		decl(8, pr, nil),
		decl(8, zr, nil),
		decl(8, two, nil),
		decl(8, i, nil),
		decl(8, s2, nil),
		decl(8, j, nil),
		assign(9, ref(s), ref(dst)),
		exprStmt(10, callOf(zero, ref(s))),
		assign(11, ref(s), ref(src)),
		exprStmt(12, callOf(zero, ref(s))),
		assign(13, ref(two), callOf(ones)),
		&ir.Block{Stmts: []ir.Stmt{loop}},
		assign(17, ref(pr), ref(r)),
		assign(18, field(ref(pr), 0), bin(token.MUL, field(ref(r), 0), idx(ref(two), cnst(tInt, 1)))),
		assign(19, idx(ref(o), cnst(tInt, 0)), bin(token.ADD, bin(token.ADD, ref(f), field(ref(pr), 2)), conv(field(ref(pr), 0), tF64))),
		assign(20, idx(ref(o), cnst(tInt, 1)), conv(bin(token.ADD, ref(i), conv(ref(blank), tInt)), tF64)),
		assign(21, idx(ref(o), cnst(tInt, 2)), conv(un(token.ADD, bin(token.MUL, conv(ref(i), tU64), cnst(tU64, 3))), tF64)),
	)
	prog := program(k)
	prog.Structs = []*ir.Struct{rec}
	prog.Funcs = []*ir.Func{pick, zero, ones}
	return prog
}
