package gocpu

import (
	"go/constant"
	"go/token"
	"strings"

	"github.com/dotcompute/dc/translate/ir"
)

// Helpers that build IR by hand, as the front end would for the Go source
// in testdata/module/kernels.go.

var (
	intT  = ir.IntType
	i8    = &ir.Basic{Kind: ir.Int8}
	i32   = ir.Int32Type
	i64   = &ir.Basic{Kind: ir.Int64}
	uintT = &ir.Basic{Kind: ir.Uint}
	u8    = &ir.Basic{Kind: ir.Uint8}
	u32   = ir.Uint32Type
	u64   = &ir.Basic{Kind: ir.Uint64}
	f32   = ir.Float32Type
	f64   = ir.Float64Type
	boolT = ir.BoolType
)

func sliceOf(t ir.Type) *ir.Slice { return &ir.Slice{Elem: t} }

func local(name string, t ir.Type) *ir.Var { return &ir.Var{Name: name, Type: t, Kind: ir.Local} }

func param(name string, t ir.Type) *ir.Var { return &ir.Var{Name: name, Type: t, Kind: ir.Param} }

func ref(v *ir.Var) *ir.VarRef { return &ir.VarRef{Var: v} }

// num returns the constant s (an integer or float literal, maybe negative)
// of type t.
func num(t *ir.Basic, s string) *ir.Const {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	tok := token.INT
	if strings.ContainsAny(s, ".eE") && !strings.HasPrefix(s, "0x") {
		tok = token.FLOAT
	}
	v := constant.MakeFromLiteral(s, tok, 0)
	if v.Kind() == constant.Unknown {
		panic("bad literal " + s)
	}
	if neg {
		v = constant.UnaryOp(token.SUB, v, 0)
	}
	return &ir.Const{T: t, Value: v}
}

func ci(s string) *ir.Const { return num(intT, s) }

func cbool(b bool) *ir.Const { return &ir.Const{T: boolT, Value: constant.MakeBool(b)} }

func bin(op token.Token, x, y ir.Expr) *ir.Binary {
	t := x.Type()
	switch op {
	case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
		t = boolT
	}
	return &ir.Binary{Op: op, X: x, Y: y, T: t}
}

func un(op token.Token, x ir.Expr) *ir.Unary { return &ir.Unary{Op: op, X: x, T: x.Type()} }

func conv(x ir.Expr, t ir.Type) *ir.Convert { return &ir.Convert{X: x, T: t} }

func idx(x, i ir.Expr) *ir.Index {
	var elem ir.Type
	switch t := x.Type().(type) {
	case *ir.Slice:
		elem = t.Elem
	case *ir.Array:
		elem = t.Elem
	case *ir.Pointer:
		elem = t.Elem.(*ir.Array).Elem
	}
	return &ir.Index{X: x, Index: i, T: elem}
}

func field(x ir.Expr, i int) *ir.FieldRef {
	return &ir.FieldRef{X: x, Field: i, T: x.Type().(*ir.Struct).Fields[i].Type}
}

func th(b ir.Builtin) *ir.BuiltinCall { return &ir.BuiltinCall{Op: b, T: intT} }

func bi(op ir.Builtin, t ir.Type, args ...ir.Expr) *ir.BuiltinCall {
	return &ir.BuiltinCall{Op: op, Args: args, T: t}
}

func barrier() *ir.ExprStmt { return &ir.ExprStmt{X: &ir.BuiltinCall{Op: ir.Barrier}} }

func call(f *ir.Func, args ...ir.Expr) *ir.Call { return &ir.Call{Func: f, Args: args} }

func blk(s ...ir.Stmt) *ir.Block { return &ir.Block{Stmts: s} }

func decl(v *ir.Var, init ir.Expr) *ir.DeclStmt { return &ir.DeclStmt{Var: v, Init: init} }

func set(target, value ir.Expr) *ir.AssignStmt { return &ir.AssignStmt{Target: target, Value: value} }

// add returns target = target + value, as x += v lowers.
func add(target, value ir.Expr) *ir.AssignStmt { return set(target, bin(token.ADD, target, value)) }

func inc(v *ir.Var) *ir.AssignStmt {
	return set(ref(v), bin(token.ADD, ref(v), num(v.Type.(*ir.Basic), "1")))
}

func ret(results ...ir.Expr) *ir.ReturnStmt { return &ir.ReturnStmt{Results: results} }

func exprStmt(e ir.Expr) *ir.ExprStmt { return &ir.ExprStmt{X: e} }

func iff(cond ir.Expr, then *ir.Block, els *ir.Block) *ir.IfStmt {
	return &ir.IfStmt{Cond: cond, Then: then, Else: els}
}

func forLoop(label string, init ir.Stmt, cond ir.Expr, post ir.Stmt, body *ir.Block) *ir.ForStmt {
	return &ir.ForStmt{Label: label, Init: init, Cond: cond, Post: post, Body: body}
}

func branch(kind ir.BranchKind, target ir.Stmt, labelled, innermost bool) *ir.BranchStmt {
	return &ir.BranchStmt{Kind: kind, Target: target, Labelled: labelled, Innermost: innermost}
}

// guard returns "if i >= len(s) { return }".
func guard(i *ir.Var, s *ir.Var) *ir.IfStmt {
	return iff(bin(token.GEQ, ref(i), &ir.Len{X: ref(s)}), blk(ret()), nil)
}

func kernel(name string, params []*ir.Var, body *ir.Block) *ir.Kernel {
	return &ir.Kernel{Name: name, GoName: name, Thread: param("t", &ir.Struct{Name: "dc.Thread"}), Params: params, Body: body}
}

// The test programs: each is the IR of one kernel of
// testdata/module/kernels.go with its device functions.

func saxpy() *ir.Kernel {
	a, x, y := param("a", f32), param("x", sliceOf(f32)), param("y", sliceOf(f32))
	i := local("i", intT)
	return kernel("Saxpy", []*ir.Var{a, x, y}, blk(
		blk(
			decl(i, th(ir.GlobalX)),
			iff(bin(token.LSS, ref(i), &ir.Len{X: ref(y)}), blk(
				set(idx(ref(y), ref(i)), bin(token.ADD, bin(token.MUL, ref(a), idx(ref(x), ref(i))), idx(ref(y), ref(i)))),
			), nil),
		),
	))
}

// accum accumulates into y[i] in a loop, reading x: the loop keeps y[i]
// in a local except in aliased launches.
func accum() *ir.Kernel {
	x, y, n := param("x", sliceOf(f32)), param("y", sliceOf(f32)), param("n", intT)
	y.Written = true
	i, p := local("i", intT), local("p", intT)
	return kernel("Accum", []*ir.Var{x, y, n}, blk(
		blk(
			decl(i, th(ir.GlobalX)),
			iff(bin(token.LSS, ref(i), &ir.Len{X: ref(y)}), blk(
				forLoop("", decl(p, ci("0")), bin(token.LSS, ref(p), ref(n)), inc(p), blk(
					add(idx(ref(y), ref(i)), bin(token.MUL, idx(ref(x), ref(i)), conv(bin(token.ADD, ref(p), ci("1")), f32))),
				)),
			), nil),
		),
	))
}

// rowOf is func rowOf(t dc.Thread, w int) int.
func rowOf() *ir.Func {
	w := param("w", intT)
	return &ir.Func{
		Name: "rowOf", GoName: "rowOf", Thread: param("t", &ir.Struct{Name: "dc.Thread"}),
		Params: []*ir.Var{w}, Results: []ir.Type{intT},
		Body: blk(ret(bin(token.ADD, bin(token.MUL, th(ir.GlobalY), ref(w)), th(ir.GlobalX)))),
	}
}

func scale2D(rowOf *ir.Func) *ir.Kernel {
	w, h := param("w", intT), param("h", intT)
	in, out := param("in", sliceOf(f32)), param("out", sliceOf(f32))
	x, y, i := local("x", intT), local("y", intT), local("i", intT)
	sum, k, v := local("sum", f32), local("k", intT), local("v", f32)
	geo := bin(token.ADD, bin(token.ADD, bin(token.ADD,
		bin(token.MUL, th(ir.LocalY), ci("100")),
		bin(token.MUL, th(ir.GroupY), ci("1000"))),
		bin(token.MUL, th(ir.NumGroupsY), ci("10000"))),
		bin(token.MUL, th(ir.GridSizeX), ci("100000")))
	return kernel("Scale2D", []*ir.Var{w, h, in, out}, blk(
		decl(x, th(ir.GlobalX)),
		decl(y, th(ir.GlobalY)),
		iff(bin(token.LOR, bin(token.GEQ, ref(x), ref(w)), bin(token.GEQ, ref(y), ref(h))), blk(ret()), nil),
		decl(i, call(rowOf, ref(w))),
		decl(sum, num(f32, "0")),
		forLoop("", decl(k, ci("0")), bin(token.LSS, ref(k), ci("4")), inc(k), blk(
			decl(v, bin(token.MUL, idx(ref(in), ref(i)), conv(ref(k), f32))),
			iff(bin(token.LSS, ref(v), num(f32, "0")), blk(
				set(idx(ref(out), ref(i)), num(f32, "-1")),
				ret(),
			), nil),
			add(ref(sum), ref(v)),
		)),
		set(idx(ref(out), ref(i)), bin(token.ADD, ref(sum), conv(geo, f32))),
	))
}

// Shared arrays of BlockSum: tileSum's tile and the kernel's accumulator.
var (
	tile = &ir.Shared{Name: "sh0", Type: &ir.Array{Elem: f32, Len: 64}}
	acc  = &ir.Shared{Name: "sh1", Type: &ir.Array{Elem: f32, Len: 1}}
)

func sharedRef(s *ir.Shared) *ir.SharedRef {
	return &ir.SharedRef{Shared: s, T: &ir.Pointer{Elem: s.Type, Space: ir.SpaceShared}}
}

func tileSum() *ir.Func {
	in := param("in", sliceOf(f32))
	sh := local("sh", &ir.Pointer{Elem: tile.Type, Space: ir.SpaceShared})
	s, i := local("s", f32), local("i", intT)
	return &ir.Func{
		Name: "tileSum", GoName: "tileSum", Thread: param("t", &ir.Struct{Name: "dc.Thread"}),
		Params: []*ir.Var{in}, Shared: []*ir.Shared{tile}, Results: []ir.Type{f32}, Barrier: true,
		Body: blk(
			decl(sh, sharedRef(tile)),
			set(idx(ref(sh), th(ir.LocalX)), idx(ref(in), th(ir.GlobalX))),
			barrier(),
			decl(s, num(f32, "0")),
			forLoop("", decl(i, ci("0")), bin(token.LSS, ref(i), th(ir.GroupSizeX)), inc(i), blk(
				add(ref(s), idx(ref(sh), ref(i))),
			)),
			barrier(),
			ret(ref(s)),
		),
	}
}

func blockSum(tileSum *ir.Func) *ir.Kernel {
	in, out := param("in", sliceOf(f32)), param("out", sliceOf(f32))
	a := local("acc", &ir.Pointer{Elem: acc.Type, Space: ir.SpaceShared})
	s := local("s", f32)
	k := kernel("BlockSum", []*ir.Var{in, out}, blk(
		decl(a, sharedRef(acc)),
		decl(s, call(tileSum, ref(in))),
		iff(bin(token.EQL, th(ir.LocalX), ci("0")), blk(
			set(idx(ref(a), ci("0")), ref(s)),
		), nil),
		barrier(),
		set(idx(ref(out), th(ir.GlobalX)), bin(token.ADD, idx(ref(a), ci("0")), ref(s))),
	))
	k.Shared = []*ir.Shared{acc, tile}
	k.Barrier = true
	return k
}

// divmod is func divmod(a, b int) (int, int).
func divmod() *ir.Func {
	a, b := param("a", intT), param("b", intT)
	return &ir.Func{
		Name: "divmod", GoName: "divmod", Params: []*ir.Var{a, b}, Results: []ir.Type{intT, intT},
		Body: blk(ret(bin(token.QUO, ref(a), ref(b)), bin(token.REM, ref(a), ref(b)))),
	}
}

func classify(divmod *ir.Func) *ir.Kernel {
	xs, out := param("xs", sliceOf(i32)), param("out", sliceOf(i32))
	i, q, r, odd := local("i", intT), local("q", intT), local("r", intT), local("odd", intT)
	c, k, n, j := local("c", i32), local("k", intT), local("n", intT), local("j", intT)

	outer := forLoop("outer", decl(k, ci("0")), bin(token.LSS, ref(k), ci("10")), inc(k), nil)
	sw := &ir.SwitchStmt{Tag: ref(r), Simple: true}
	sw.Cases = []*ir.Case{
		{Values: []ir.Expr{ci("0")}, Body: blk(
			inc(c),
			branch(ir.Break, outer, true, false),
		)},
		{Values: []ir.Expr{ci("1")}, Body: blk(
			iff(bin(token.GTR, ref(q), ci("5")), blk(branch(ir.Break, sw, false, true)), nil),
			add(ref(c), num(i32, "2")),
		)},
		{Body: blk(
			add(ref(c), conv(ref(k), i32)),
			iff(bin(token.LSS, ref(k), ci("3")), blk(branch(ir.Continue, outer, false, false)), nil),
			add(ref(c), num(i32, "100")),
			branch(ir.Break, outer, true, false),
		)},
	}
	outer.Body = blk(sw, add(ref(c), num(i32, "1000")))

	inner := forLoop("", decl(j, ci("0")), bin(token.LSS, ref(j), ci("3")), inc(j), nil)
	inner.Body = blk(
		&ir.SwitchStmt{Cases: []*ir.Case{
			{Values: []ir.Expr{bin(token.EQL, ref(j), ref(r))}, Body: blk(branch(ir.Continue, inner, false, false))},
		}},
		inc(n),
	)
	return kernel("Classify", []*ir.Var{xs, out}, blk(
		decl(i, th(ir.GlobalX)),
		guard(i, xs),
		decl(q, nil),
		decl(r, nil),
		&ir.CallStmt{Targets: []ir.Expr{ref(q), ref(r)}, Call: call(divmod, conv(idx(ref(xs), ref(i)), intT), ci("3"))},
		decl(odd, nil),
		&ir.CallStmt{Targets: []ir.Expr{nil, ref(odd)}, Call: call(divmod, ref(i), ci("2"))},
		decl(c, nil),
		outer,
		iff(bin(token.EQL, ref(odd), ci("1")), blk(set(ref(c), un(token.SUB, ref(c)))), nil),
		decl(n, ci("0")),
		inner,
		set(idx(ref(out), ref(i)), bin(token.ADD, ref(c), conv(ref(n), i32))),
	))
}

func histogram() *ir.Kernel {
	xs, bins := param("xs", sliceOf(u32)), param("bins", sliceOf(u32))
	hi, fsum, flag := param("hi", sliceOf(i32)), param("fsum", sliceOf(f32)), param("flag", sliceOf(i32))
	for _, v := range []*ir.Var{bins, hi, fsum, flag} {
		v.Written = true
	}
	i, b, old := local("i", intT), local("b", u32), local("old", i32)
	x := func() ir.Expr { return idx(ref(xs), ref(i)) }
	return kernel("Histogram", []*ir.Var{xs, bins, hi, fsum, flag}, blk(
		decl(i, th(ir.GlobalX)),
		guard(i, xs),
		decl(b, bin(token.REM, x(), conv(&ir.Len{X: ref(bins)}, u32))),
		exprStmt(bi(ir.AtomicAdd, u32, idx(ref(bins), ref(b)), num(u32, "1"))),
		decl(old, bi(ir.AtomicMax, i32, idx(ref(hi), ci("0")), conv(x(), i32))),
		exprStmt(bi(ir.AtomicMin, i32, idx(ref(hi), ci("1")), conv(x(), i32))),
		exprStmt(bi(ir.AtomicAdd, f32, idx(ref(fsum), ci("0")), num(f32, "0.5"))),
		iff(bin(token.EQL,
			bi(ir.AtomicCAS, i32, idx(ref(flag), ci("0")), num(i32, "0"), bin(token.ADD, conv(ref(i), i32), num(i32, "1"))),
			num(i32, "0")), blk(
			exprStmt(bi(ir.AtomicAdd, i32, idx(ref(flag), ci("1")), num(i32, "1"))),
		), nil),
		exprStmt(bi(ir.AtomicExchange, i32, idx(ref(flag), ci("2")), num(i32, "7"))),
	))
}

// User types of testdata/module/types.go.
var (
	point   = &ir.Struct{Name: "Point", Fields: []*ir.Field{{Name: "X", Type: f32}, {Name: "Y", Type: f32, Offset: 4}}, Size: 8, Align: 4}
	celsius = &ir.Basic{Kind: ir.Float32, Name: "Celsius"}
	points  = &ir.Slice{Elem: point, Name: "Points"}
)

// mid is func mid(a, b Point) Point.
func mid() *ir.Func {
	a, b := param("a", point), param("b", point)
	half := func(i int) ir.Expr {
		return bin(token.QUO, bin(token.ADD, field(ref(a), i), field(ref(b), i)), num(f32, "2"))
	}
	return &ir.Func{
		Name: "mid", GoName: "mid", Params: []*ir.Var{a, b}, Results: []ir.Type{point},
		Body: blk(ret(&ir.StructLit{T: point, Fields: []ir.Expr{half(0), half(1)}})),
	}
}

func structs(mid *ir.Func) *ir.Kernel {
	pts, temps, out := param("pts", points), param("temps", sliceOf(celsius)), param("out", sliceOf(f32))
	i, p, q := local("i", intT), local("p", point), local("q", point)
	c, n, s := local("c", celsius), local("n", intT), local("s", f32)
	loop := forLoop("", nil, nil, nil, nil)
	loop.Body = blk(
		inc(n),
		iff(bin(token.GTR, ref(n), ci("3")), blk(branch(ir.Break, loop, false, true)), nil),
	)
	return kernel("Structs", []*ir.Var{pts, temps, out}, blk(
		decl(i, th(ir.GlobalX)),
		guard(i, pts),
		decl(p, idx(ref(pts), ref(i))),
		set(field(ref(p), 0), bin(token.MUL, field(ref(p), 0), num(f32, "2"))),
		decl(q, call(mid, ref(p), &ir.StructLit{T: point, Fields: []ir.Expr{num(f32, "1"), num(f32, "-1")}})),
		set(idx(ref(pts), ref(i)), ref(q)),
		set(field(idx(ref(pts), ref(i)), 1), bin(token.ADD, field(idx(ref(pts), ref(i)), 1), num(f32, "1"))),
		decl(c, bin(token.ADD, idx(ref(temps), ref(i)), num(celsius, "0.5"))),
		set(idx(ref(temps), ref(i)), bin(token.MUL, ref(c), num(celsius, "2"))),
		decl(n, ci("0")),
		loop,
		decl(s, nil),
		iff(bin(token.EQL, ref(p), &ir.StructLit{T: point, Fields: []ir.Expr{num(f32, "0"), num(f32, "0")}}),
			blk(set(ref(s), num(f32, "1"))),
			blk(iff(bin(token.LSS, field(ref(p), 0), num(f32, "0")),
				blk(set(ref(s), num(f32, "2"))),
				blk(set(ref(s), num(f32, "3")))))),
		set(idx(ref(out), ref(i)), bin(token.ADD, bin(token.ADD, bin(token.ADD, conv(ref(c), f32), field(ref(q), 0)), conv(ref(n), f32)),
			bin(token.ADD, ref(s), conv(bin(token.ADD, bin(token.MUL, th(ir.GroupX), ci("1000")), th(ir.LocalX)), f32)))),
	))
}

func consts() *ir.Kernel {
	n := param("n", uintT)
	fs, ds := param("fs", sliceOf(f32)), param("ds", sliceOf(f64))
	is, us := param("is", sliceOf(i64)), param("us", sliceOf(u64))
	s, ok, named := local("s", intT), local("ok", boolT), local("named", celsius)
	at := func(v *ir.Var, k string) *ir.Index { return idx(ref(v), ci(k)) }
	return kernel("Consts", []*ir.Var{n, fs, ds, is, us}, blk(
		iff(bin(token.NEQ, th(ir.GlobalX), ci("0")), blk(ret()), nil),
		set(at(fs, "0"), num(f32, "0.1")),
		set(at(fs, "1"), num(f32, "3.40282346638528859811704183484516925440e+38")),
		set(at(fs, "2"), num(f32, "1.401298464324817070923729583289916131280e-45")),
		set(at(fs, "3"), conv(ci("16777217"), f32)),
		set(at(ds, "0"), num(f64, "0.1")),
		set(at(ds, "1"), num(f64, "1e300")),
		set(at(ds, "2"), num(f64, "5")),
		set(at(ds, "3"), num(f64, "4.940656458412465441765687928682213723651e-324")),
		set(at(is, "0"), num(i64, "-9223372036854775808")),
		set(at(is, "1"), conv(bin(token.ADD, num(i8, "100"), num(i8, "100")), i64)),
		decl(s, bin(token.SHL, ci("1"), ref(n))),
		set(at(is, "2"), conv(ref(s), i64)),
		set(at(is, "3"), conv(un(token.SUB, num(i8, "-128")), i64)),
		set(at(is, "4"), conv(conv(num(f64, "2.7"), i32), i64)),
		set(at(is, "5"), conv(conv(num(f64, "-2.7"), i32), i64)),
		set(at(is, "6"), conv(bi(ir.Min, i8, num(i8, "3"), num(i8, "-4")), i64)),
		set(at(us, "0"), num(u64, "18446744073709551615")),
		set(at(us, "1"), conv(conv(ci("300"), u8), u64)),
		set(at(us, "2"), conv(conv(ci("-1"), u32), u64)),
		decl(ok, cbool(true)),
		iff(ref(ok), blk(set(at(us, "3"), num(u64, "1"))), nil),
		decl(named, num(celsius, "-0.25")),
		set(at(fs, "4"), conv(ref(named), f32)),
	))
}

func mathKernel() *ir.Kernel {
	xs, ds := param("xs", sliceOf(f32)), param("ds", sliceOf(f64))
	out32, out64, bits := param("out32", sliceOf(f32)), param("out64", sliceOf(f64)), param("bits", sliceOf(u32))
	i, x, d := local("i", intT), local("x", f32), local("d", f64)
	sum := func(es ...ir.Expr) ir.Expr {
		e := es[0]
		for _, o := range es[1:] {
			e = bin(token.ADD, e, o)
		}
		return e
	}
	return kernel("Math", []*ir.Var{xs, ds, out32, out64, bits}, blk(
		decl(i, th(ir.GlobalX)),
		guard(i, xs),
		decl(x, idx(ref(xs), ref(i))),
		decl(d, idx(ref(ds), ref(i))),
		set(idx(ref(out32), ref(i)), sum(
			bi(ir.Sqrt, f32, ref(x)),
			bi(ir.FMA, f32, ref(x), ref(x), num(f32, "1")),
			bi(ir.Pow, f32, ref(x), num(f32, "2")),
			bi(ir.Min, f32, ref(x), num(f32, "0.5")),
			bi(ir.Max, f32, ref(x), bi(ir.Abs, f32, ref(x))),
			bi(ir.Exp, f32, num(f32, "1")),
		)),
		set(idx(ref(out64), ref(i)), sum(
			bi(ir.Sqrt, f64, ref(d)),
			bi(ir.Round, f64, ref(d)),
			bi(ir.Mod, f64, ref(d), num(f64, "3")),
			bi(ir.Exp, f64, ref(d)),
			bi(ir.Rsqrt, f64, ref(d)),
		)),
		iff(bin(token.LOR, bi(ir.IsNaN, boolT, ref(d)), bi(ir.IsInf, boolT, ref(d), ci("0"))), blk(
			set(idx(ref(out64), ref(i)), num(f64, "0")),
		), nil),
		set(idx(ref(bits), ref(i)), bin(token.XOR, bi(ir.Float32Bits, u32, ref(x)), conv(bi(ir.Float64Bits, u64, ref(d)), u32))),
		set(idx(ref(xs), ref(i)), bi(ir.Float32From, f32, idx(ref(bits), ref(i)))),
	))
}

func fill3D() *ir.Kernel {
	nx, ny, nz, out := param("nx", intT), param("ny", intT), param("nz", intT), param("out", sliceOf(f32))
	x, y, z := local("x", intT), local("y", intT), local("z", intT)
	sum := func(es ...ir.Expr) ir.Expr {
		e := es[0]
		for _, o := range es[1:] {
			e = bin(token.ADD, e, o)
		}
		return e
	}
	mul := func(e ir.Expr, k string) ir.Expr { return bin(token.MUL, e, ci(k)) }
	return kernel("Fill3D", []*ir.Var{nx, ny, nz, out}, blk(
		decl(x, th(ir.GlobalX)),
		decl(y, th(ir.GlobalY)),
		decl(z, th(ir.GlobalZ)),
		iff(bin(token.LOR, bin(token.LOR, bin(token.GEQ, ref(x), ref(nx)), bin(token.GEQ, ref(y), ref(ny))), bin(token.GEQ, ref(z), ref(nz))),
			blk(ret()), nil),
		set(idx(ref(out), sum(mul(sum(mul(ref(z), "1"), bin(token.MUL, ref(y), ref(nz))), "1"), bin(token.MUL, bin(token.MUL, ref(x), ref(ny)), ref(nz)))),
			conv(sum(
				ref(z), mul(th(ir.LocalZ), "10"), mul(th(ir.GroupZ), "100"), mul(th(ir.GroupSizeZ), "1000"),
				mul(th(ir.NumGroupsZ), "10000"), mul(th(ir.GridSizeZ), "100000"), mul(th(ir.GridSizeY), "1000000"),
				mul(th(ir.LocalX), "10000000"), mul(th(ir.GroupSizeY), "100000000"),
			), f32)),
	))
}

// edgeFunc is a device function with the statement forms kernels rarely
// show (TestFuncs); it is compiled with the module too.
func edgeFunc() *ir.Func {
	lenV, minV, pointV := param("len", intT), local("min", f32), local("Point", intT)
	unused, blank := local("unused", f32), local("_", intT)
	i, j := local("i", intT), local("j", intT)
	s := param("s", points)
	fs := local("fs", sliceOf(point))
	pt := local("p", point)
	loop := forLoop("", blk(decl(i, ci("0")), decl(j, ci("1"))), bin(token.LSS, ref(i), ref(lenV)),
		blk(inc(i), inc(j)), blk())
	infinite := forLoop("", nil, nil, nil, nil)
	infinite.Body = blk(iff(bin(token.GTR, ref(pointV), ci("3")), blk(ret(num(f32, "1"))), nil), inc(pointV))
	sw := &ir.SwitchStmt{Label: "sw", Tag: num(i32, "3")}
	sw.Cases = []*ir.Case{
		{Values: []ir.Expr{num(i32, "3")}, Body: blk(branch(ir.Break, sw, true, true))},
		{Body: blk()},
	}
	return &ir.Func{
		Name: "edge_float32", GoName: "edge", Params: []*ir.Var{lenV, s}, Results: []ir.Type{f32},
		Body: blk(
			decl(minV, num(f32, "2")),
			decl(pointV, bi(ir.Min, intT, ref(lenV), ci("3"))),
			decl(unused, nil),
			set(ref(unused), ref(minV)),
			decl(blank, ref(pointV)),
			exprStmt(bi(ir.Min, intT, ref(lenV), ci("1"))),
			decl(fs, ref(s)),
			decl(pt, idx(ref(fs), ci("0"))),
			iff(bin(token.EQL, ref(pt), &ir.StructLit{T: point, Fields: []ir.Expr{num(f32, "0"), num(f32, "1")}}), blk(ret(ref(minV))), nil),
			forLoop("", decl(local("k", intT), ci("0")), nil, nil, blk(branch(ir.Break, nil, false, true))),
			forLoop("", decl(local("_", intT), nil), nil, nil, blk(branch(ir.Break, nil, false, true))),
			loop,
			sw,
			infinite,
		),
	}
}

// program is every test kernel with its device functions.
type program struct {
	funcs   []*ir.Func
	kernels []*ir.Kernel
}

func testProgram() program {
	r, ts, dm, m := rowOf(), tileSum(), divmod(), mid()
	p := program{
		funcs: []*ir.Func{r, ts, dm, m},
		kernels: []*ir.Kernel{
			saxpy(), scale2D(r), blockSum(ts), classify(dm), histogram(), structs(m), consts(), mathKernel(), fill3D(),
			accum(),
		},
	}
	p.kernels[1].Calls = []*ir.Func{r}
	p.kernels[2].Calls = []*ir.Func{ts}
	p.kernels[3].Calls = []*ir.Func{dm}
	p.kernels[5].Calls = []*ir.Func{m}
	return p
}
