package gocpu

import (
	"fmt"
	"go/constant"
	"go/token"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dotcompute/dc/translate/ir"
)

// exprText prints e in a device function body, as gofmt formats it.
func exprText(e ir.Expr, typed bool) string {
	p := newPrinter(analyze(nil), nil, nil)
	p.thread = threadName
	if typed {
		return fmt.Sprintf("%#v", p.typed(e, false))
	}
	return fmt.Sprintf("%#v", p.expr(e))
}

// TestConstants checks that every constant prints as the exact value of its
// type, typed where it must stand alone.
func TestConstants(t *testing.T) {
	big := func(s string) constant.Value { return constant.MakeFromLiteral(s, token.INT, 0) }
	tests := []struct {
		c            *ir.Const
		bare, typedS string
	}{
		{num(f32, "0.1"), "0.1", "float32(0.1)"},
		{&ir.Const{T: f32, Value: constant.MakeFloat64(0.1)}, "0.1", "float32(0.1)"}, // float64 0.1 rounds to float32 0.1
		{num(f32, "16777217"), "16777216", "float32(16777216)"},
		{num(f32, "3.4028234663852886e38"), "3.4028235e+38", "float32(3.4028235e+38)"},
		{num(f32, "1.401298464324817e-45"), "1e-45", "float32(1e-45)"},
		{num(f64, "0.5"), "0.5", "0.5"},
		{num(f64, "5"), "5", "float64(5)"},
		{&ir.Const{T: f64, Value: constant.MakeInt64(3)}, "3", "float64(3)"},
		{num(f64, "1e300"), "1e+300", "1e+300"},
		{num(f64, "-4.9406564584124654e-324"), "-5e-324", "-5e-324"},
		{num(f64, "0.1"), "0.1", "0.1"},
		{num(f64, "123456789012345678901234"), "1.2345678901234569e+23", "1.2345678901234569e+23"},
		{num(f64, "0"), "0", "float64(0)"},
		{num(intT, "7"), "7", "7"},
		{num(intT, "-9223372036854775808"), "-9223372036854775808", "-9223372036854775808"},
		{num(i8, "-128"), "-128", "int8(-128)"},
		{num(i32, "-3"), "-3", "int32(-3)"},
		{&ir.Const{T: u64, Value: big("18446744073709551615")}, "18446744073709551615", "uint64(18446744073709551615)"},
		{&ir.Const{T: intT, Value: constant.MakeFloat64(2)}, "2", "2"},
		{cbool(true), "true", "true"},
		{&ir.Const{T: &ir.Basic{Kind: ir.Bool, Name: "Flag"}, Value: constant.MakeBool(false)}, "false", "Flag(false)"},
		{num(celsius, "-0.25"), "-0.25", "Celsius(-0.25)"},
		{num(&ir.Basic{Kind: ir.Int, Name: "Count"}, "4"), "4", "Count(4)"},
	}
	for _, tt := range tests {
		if got := exprText(tt.c, false); got != tt.bare {
			t.Errorf("%v %v: bare %s, want %s", tt.c.T, tt.c.Value, got, tt.bare)
		}
		if got := exprText(tt.c, true); got != tt.typedS {
			t.Errorf("%v %v: typed %s, want %s", tt.c.T, tt.c.Value, got, tt.typedS)
		}
	}
}

// TestConstantsRoundTrip checks float literals over many values: parsing
// the literal at the type's precision gives the value back.
func TestConstantsRoundTrip(t *testing.T) {
	for i := 0; i < 2000; i++ {
		bits := uint64(i) * 0x9E3779B97F4A7C15
		f64v := math.Float64frombits(bits)
		f32v := math.Float32frombits(uint32(bits >> 32))
		if !math.IsNaN(f64v) && !math.IsInf(f64v, 0) && f64v != 0 {
			lit := constLit(&ir.Const{T: f64, Value: constant.MakeFloat64(f64v)})
			v := constant.MakeFromLiteral(strings.TrimPrefix(lit, "-"), token.FLOAT, 0)
			if strings.HasPrefix(lit, "-") {
				v = constant.UnaryOp(token.SUB, v, 0)
			}
			if back, _ := constant.Float64Val(v); back != f64v {
				t.Errorf("float64 %b: literal %s reads back as %b", f64v, lit, back)
			}
		}
		if g := float64(f32v); !math.IsNaN(g) && !math.IsInf(g, 0) && g != 0 {
			lit := constLit(&ir.Const{T: f32, Value: constant.MakeFloat64(g)})
			v := constant.MakeFromLiteral(strings.TrimPrefix(lit, "-"), token.FLOAT, 0)
			if strings.HasPrefix(lit, "-") {
				v = constant.UnaryOp(token.SUB, v, 0)
			}
			if back, _ := constant.Float32Val(v); back != f32v {
				t.Errorf("float32 %b: literal %s reads back as %b", f32v, lit, back)
			}
		}
	}
}

// TestExprs checks conversions of constants, parentheses and the
// expressions Go would otherwise evaluate at compile time.
func TestExprs(t *testing.T) {
	a, b, c := param("a", i32), param("b", i32), param("c", i32)
	x, n := param("x", f32), param("n", uintT)
	pt := param("pt", point)
	tests := []struct {
		e    ir.Expr
		want string
	}{
		{conv(ci("-1"), u8), "255"},
		{conv(num(u64, "18446744073709551615"), i64), "-1"},
		{conv(num(intT, "16777217"), f32), "16777216"},
		{conv(num(f32, "0.1"), f64), "0.10000000149011612"},
		{conv(num(f64, "-2.9"), i32), "-2"},
		{conv(num(f64, "1e10"), i32), "int32([1]float64{10000000000}[0])"},
		{conv(ref(x), celsius), "Celsius(x)"},
		{bin(token.MUL, bin(token.ADD, ref(a), ref(b)), ref(c)), "(a + b) * c"},
		{bin(token.SUB, ref(a), bin(token.SUB, ref(b), ref(c))), "a - (b - c)"},
		{bin(token.SUB, bin(token.SUB, ref(a), ref(b)), ref(c)), "a - b - c"},
		{bin(token.ADD, bin(token.MUL, ref(a), ref(b)), ref(c)), "a*b + c"},
		{bin(token.SUB, ref(a), num(i32, "-3")), "a - -3"},
		{bin(token.AND_NOT, ref(a), un(token.XOR, ref(b))), "a &^ ^b"},
		{un(token.SUB, bin(token.ADD, ref(a), ref(b))), "-(a + b)"},
		{un(token.SUB, un(token.SUB, ref(a))), "- -a"},
		{un(token.SUB, num(i8, "-128")), "-[1]int8{-128}[0]"},
		{bin(token.ADD, num(i8, "100"), num(i8, "100")), "[1]int8{100}[0] + 100"},
		{bin(token.QUO, num(f32, "1"), num(f32, "3")), "[1]float32{1}[0] / 3"},
		{bin(token.SHL, ci("1"), ref(n)), "int(1) << n"},
		{bin(token.SHL, ref(a), ci("3")), "a << 3"},
		{bi(ir.Max, f32, num(f32, "1"), num(f32, "2")), "max([1]float32{1}[0], 2)"},
		{bi(ir.Sqrt, f32, num(f32, "2")), "dc.Sqrt(float32(2))"},
		{bi(ir.Sqrt, celsius, conv(ref(x), celsius)), "dc.Sqrt(Celsius(x))"},
		{bi(ir.Round, f32, ref(x)), "float32(math.Round(float64(x)))"},
		{bi(ir.Hypot, f64, conv(ref(x), f64), num(f64, "1")), "math.Hypot(float64(x), 1)"},
		{bi(ir.IsNaN, boolT, ref(x)), "math.IsNaN(float64(x))"},
		{bi(ir.Float32Bits, u32, conv(ref(x), celsius)), "math.Float32bits(float32(Celsius(x)))"},
		{bi(ir.AtomicCAS, i32, idx(sharedRef(&ir.Shared{Name: "sh3", Type: &ir.Array{Elem: i32, Len: 4}}), ci("2")), num(i32, "0"), ref(a)),
			"dc.AtomicCAS(&dc_sh3[2], 0, a)"},
		{field(&ir.StructLit{T: point, Fields: []ir.Expr{ref(x), num(f32, "0")}}, 1), "Point{X: x, Y: 0}.Y"},
		{&ir.Len{X: ref(param("s", points))}, "len(s)"},
		{th(ir.NumGroupsZ), "dc_t.NumGroupsZ()"},
		{bin(token.EQL, ref(pt), &ir.StructLit{T: point}), "pt == Point{}"},
	}
	for _, tt := range tests {
		if got := exprText(tt.e, false); got != tt.want {
			t.Errorf("got %s, want %s", got, tt.want)
		}
	}
}

// TestFuncs checks statement printing details on whole device functions.
func TestFuncs(t *testing.T) {
	f := edgeFunc()
	got := fmt.Sprintf("%#v", Func(f))
	want := `// dc_edge_float32 is device function edge_float32.
func dc_edge_float32(dc_v_len int, s Points) float32 {
	dc_v_min := float32(2)
	dc_v_Point := min(dc_v_len, 3)
	var unused float32
	_ = unused
	unused = dc_v_min
	var _ int = dc_v_Point
	_ = min(dc_v_len, 1)
	var fs []Point = s
	p := fs[0]
	if p == (Point{X: 0, Y: 1}) {
		return dc_v_min
	}
	for k := 0; ; {
		_ = k
		break
	}
	for _ = 0; ; {
		break
	}
	{
		i := 0
		j := 1
		for ; i < dc_v_len; func() {
			i++
			j++
		}() {
		}
	}
sw:
	switch int32(3) {
	case 3:
		break sw
	default:
	}
	for {
		if dc_v_Point > 3 {
			return 1
		}
		dc_v_Point++
	}
}`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// TestUnreachable checks that a function whose body Go would not see as
// terminating gets a final panic.
func TestUnreachable(t *testing.T) {
	x, b := param("x", intT), param("b", boolT)
	loop := forLoop("", nil, nil, nil, nil)
	loop.Body = blk(iff(ref(b), blk(branch(ir.Break, loop, false, true)), nil))
	f := &ir.Func{
		Name: "f", Params: []*ir.Var{x, b}, Results: []ir.Type{intT},
		Body: blk(iff(bin(token.GTR, ref(x), ci("0")), blk(ret(ref(x))), nil), loop),
	}
	got := fmt.Sprintf("%#v", Func(f))
	want := `// dc_f is device function f.
func dc_f(x int, b bool) int {
	if x > 0 {
		return x
	}
	for {
		if b {
			break
		}
	}
	panic("unreachable")
}`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}
