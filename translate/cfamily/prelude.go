package cfamily

import (
	"fmt"
	"go/constant"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/dotcompute/dc/translate/ir"
)

// keyKinds maps a helper-name suffix back to its kind.
var keyKinds = map[string]ir.Kind{
	"i8": ir.Int8, "i16": ir.Int16, "i32": ir.Int32, "i64": ir.Int64,
	"u8": ir.Uint8, "u16": ir.Uint16, "u32": ir.Uint32, "u64": ir.Uint64,
	"f32": ir.Float32, "f64": ir.Float64,
}

// need records that the prelude helper name is used.
func (p *printer) need(name string) {
	if _, ok := p.helpers[name]; ok {
		return
	}
	def, ok := p.helperDef(name)
	if !ok {
		def = fmt.Sprintf("#error \"dc: no definition of helper %s\"\n", name)
		p.problemf(ir.Pos{}, "internal error: no definition of helper %s", name)
	}
	p.helpers[name] = def
}

// needDialect records the dialect helpers that text uses.
func (p *printer) needDialect(text string) {
	for name, def := range p.d.Helpers {
		if _, done := p.helpers[name]; !done && strings.Contains(text, name+"(") {
			p.helpers[name] = def
		}
	}
}

// sortedKeys returns the keys of m, sorted.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// helperDef returns the definition of the core helper name
// ("dc_div_i32", "dc_shl_u8", "dc_min_f32", "dc_isinf_f64").
func (p *printer) helperDef(name string) (string, bool) {
	op, key, ok := strings.Cut(strings.TrimPrefix(name, "dc_"), "_")
	if !ok {
		return "", false
	}
	k, ok := keyKinds[key]
	if !ok {
		return "", false
	}
	if from, ok := keyKinds[strings.TrimPrefix(op, "cvt")]; ok && op != "cvt" && from.IsFloat() && k.IsInteger() {
		return p.floatToIntDef(name, from, k), true
	}
	d := p.d
	t := d.Types[k]
	u := p.unsignedOf(k)
	bits := k.Bits()
	fq := ""
	if d.Func != "" {
		fq = d.Func + " "
	}
	sig := func(params string) string {
		return fmt.Sprintf("%s%s %s(%s) {\n", fq, t, name, params)
	}
	ab := t + " a, " + t + " b"
	xn := t + " x, " + d.Types[ir.Uint64] + " n"
	var body string
	switch {
	case op == "div" && k.IsSigned() && bits >= 32:
		// Go: MinInt / -1 == MinInt (the negation wraps).
		body = fmt.Sprintf("\treturn b == -1 ? (%s)(0%s - (%s)a) : a / b;\n", t, d.IntSuffix[unsignedKind(k)], u)
		return sig(ab) + body + "}\n", true
	case op == "rem" && k.IsSigned() && bits >= 32:
		// Go: MinInt % -1 == 0.
		return sig(ab) + "\treturn b == -1 ? 0 : a % b;\n}\n", true
	case op == "shl" && k.IsInteger():
		shifted := "x << n"
		if k.IsSigned() || bits < 32 {
			shifted = fmt.Sprintf("(%s)((%s)x << n)", t, u)
		}
		body = fmt.Sprintf("\treturn n >= %d ? 0 : %s;\n", bits, shifted)
		return sig(xn) + body + "}\n", true
	case op == "shr" && k.IsInteger():
		shifted := "x >> n"
		if bits < 32 {
			shifted = fmt.Sprintf("(%s)(x >> n)", t)
		}
		fill := "0"
		if k.IsSigned() {
			fill = "(x < 0 ? -1 : 0)"
		}
		body = fmt.Sprintf("\treturn n >= %d ? %s : %s;\n", bits, fill, shifted)
		return sig(xn) + body + "}\n", true
	case (op == "min" || op == "max") && k.IsInteger():
		cmp := "<"
		if op == "max" {
			cmp = ">"
		}
		return sig(ab) + fmt.Sprintf("\treturn a %s b ? a : b;\n}\n", cmp), true
	case (op == "min" || op == "max") && k.IsFloat():
		// Go: a NaN operand gives NaN; min(-0, +0) is -0 and max(-0, +0)
		// is +0. Equal operands differ at most in the sign of a zero, so
		// or-ing (min) or and-ing (max) their bits picks the right zero.
		toBits, fromBits := ir.Float32Bits, ir.Float32From
		if k == ir.Float64 {
			toBits, fromBits = ir.Float64Bits, ir.Float64From
		}
		cmp, bitop := "<", "|"
		if op == "max" {
			cmp, bitop = ">", "&"
		}
		same := d.BitCast(fromBits, d.BitCast(toBits, "a")+" "+bitop+" "+d.BitCast(toBits, "b"))
		body = "\tif (a != a || b != b) {\n\t\treturn a + b;\n\t}\n" +
			"\tif (a == b) {\n\t\treturn " + same + ";\n\t}\n" +
			"\treturn a " + cmp + " b ? a : b;\n"
		return sig(ab) + body + "}\n", true
	case op == "isinf" && k.IsFloat():
		// Go's math.IsInf(x, sign), without an infinity constant.
		max := maxFloat(k)
		body = fmt.Sprintf("%s%s %s(%s x, %s sign) {\n", fq, d.Types[ir.Bool], name, t, d.Types[ir.Int64]) +
			fmt.Sprintf("\treturn sign > 0 ? x > %s : sign < 0 ? x < -%s : (x > %s || x < -%s);\n}\n", max, max, max, max)
		return body, true
	}
	return "", false
}

// unsignedKind returns the unsigned kind arithmetic of k wraps in.
func unsignedKind(k ir.Kind) ir.Kind {
	if k.Bits() == 64 {
		return ir.Uint64
	}
	return ir.Uint32
}

// maxFloat returns the literal of the largest finite value of kind k.
func maxFloat(k ir.Kind) string {
	if k == ir.Float32 {
		return FormatFloat32(math.MaxFloat32)
	}
	return FormatFloat64(math.MaxFloat64)
}

// structEq returns the name of the equality helper of struct s, defining
// it (and those of the structs it contains) on first use.
func (p *printer) structEq(s *ir.Struct) string {
	name := "dc_eq_" + p.structName(s)
	if _, ok := p.eqHelpers[s]; ok {
		return name
	}
	p.eqHelpers[s] = "" // guards against cycles, which Go rules out
	fq := ""
	if p.d.Func != "" {
		fq = p.d.Func + " "
	}
	var b strings.Builder
	sn := p.structName(s)
	fmt.Fprintf(&b, "%s%s %s(%s a, %s b) {\n", fq, p.d.Types[ir.Bool], name, sn, sn)
	var conds []string
	for i, fl := range s.Fields {
		if fl.Name == "_" { // Go's == ignores blank fields
			continue
		}
		fn := p.fieldName(s, i)
		if at, ok := fl.Type.(*ir.Array); ok {
			p.arrayEq(&b, at, "a."+fn, "b."+fn, 0)
			continue
		}
		conds = append(conds, p.eqCond(fl.Type, "a."+fn, "b."+fn))
	}
	if len(conds) == 0 {
		conds = []string{"true"}
	}
	fmt.Fprintf(&b, "\treturn %s;\n}\n", strings.Join(conds, " && "))
	p.eqHelpers[s] = b.String()
	return name
}

// eqCond returns the condition that a == b for values of non-array type t.
func (p *printer) eqCond(t ir.Type, a, b string) string {
	if s, ok := t.(*ir.Struct); ok {
		return p.structEq(s) + "(" + a + ", " + b + ")"
	}
	return a + " == " + b
}

// arrayEq writes loops that return false when arrays a and b differ.
func (p *printer) arrayEq(b *strings.Builder, t *ir.Array, x, y string, depth int) {
	ind := strings.Repeat("\t", depth+1)
	i := fmt.Sprintf("dc_i%d", depth)
	fmt.Fprintf(b, "%sfor (int %s = 0; %s < %d; %s++) {\n", ind, i, i, t.Len, i)
	x, y = x+"["+i+"]", y+"["+i+"]"
	if at, ok := t.Elem.(*ir.Array); ok {
		p.arrayEq(b, at, x, y, depth+1)
	} else {
		fmt.Fprintf(b, "%s\tif (!(%s)) {\n%s\t\treturn false;\n%s\t}\n", ind, p.eqCond(t.Elem, x, y), ind, ind)
	}
	fmt.Fprintf(b, "%s}\n", ind)
}

// structMake returns the name of the helper that builds a struct value of
// s from its field values, defining it on first use. Array fields are
// passed as pointers (C arrays decay) and copied.
func (p *printer) structMake(s *ir.Struct) string {
	sn := p.structName(s)
	name := "dc_make_" + sn
	if _, ok := p.makeHelpers[s]; ok {
		return name
	}
	fq := ""
	if p.d.Func != "" {
		fq = p.d.Func + " "
	}
	var params []string
	for i, fl := range s.Fields {
		arg := fmt.Sprintf("dc_f%d", i)
		if at, ok := fl.Type.(*ir.Array); ok {
			if p.d.ArrayArgsByValue {
				params = append(params, p.arrayWrapper(at)+" "+arg)
				continue
			}
			params = append(params, "const "+p.decl(fl.Type, arg))
			continue
		}
		params = append(params, p.decl(fl.Type, arg))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s%s %s(%s) {\n\t%s dc_v = %s;\n", fq, sn, name, strings.Join(params, ", "), sn, p.d.ZeroAggregate)
	for i, fl := range s.Fields {
		dst, src := "dc_v."+p.fieldName(s, i), fmt.Sprintf("dc_f%d", i)
		if at, ok := fl.Type.(*ir.Array); ok {
			if p.d.ArrayArgsByValue {
				src += ".v"
			}
			p.arrayCopy(&b, at, dst, src, 0)
			continue
		}
		fmt.Fprintf(&b, "\t%s = %s;\n", dst, src)
	}
	b.WriteString("\treturn dc_v;\n}\n")
	p.makeHelpers[s] = b.String()
	return name
}

// arrayCopy writes loops that copy array y into array x.
func (p *printer) arrayCopy(b *strings.Builder, t *ir.Array, x, y string, depth int) {
	ind := strings.Repeat("\t", depth+1)
	i := fmt.Sprintf("dc_i%d", depth)
	fmt.Fprintf(b, "%sfor (int %s = 0; %s < %d; %s++) {\n", ind, i, i, t.Len, i)
	x, y = x+"["+i+"]", y+"["+i+"]"
	if at, ok := t.Elem.(*ir.Array); ok {
		p.arrayCopy(b, at, x, y, depth+1)
	} else {
		fmt.Fprintf(b, "%s\t%s = %s;\n", ind, x, y)
	}
	fmt.Fprintf(b, "%s}\n", ind)
}

// floatToIntDef returns the definition of helper name, which converts a
// float of kind from to the integer kind to as Go does on amd64, where
// the conversion truncates toward zero and a NaN or a value out of range
// gives what the SSE conversions give: int8, int16, int32, uint8 and
// uint16 convert through a 32-bit conversion whose out-of-range result is
// MinInt32 (so 0 for the narrow kinds), int64 and uint32 through a 64-bit
// one whose out-of-range result is MinInt64 (so 0 for uint32), and uint64
// converts x - 2⁶³ (and sets the top bit) from 2⁶³ up or for a NaN. Go's
// specification leaves these values to the implementation; C leaves the
// conversion undefined, and GPUs saturate.
func (p *printer) floatToIntDef(name string, from, to ir.Kind) string {
	d := p.d
	ft, t := d.Types[from], d.Types[to]
	fc := func(v float64) string {
		return p.literal(&ir.Const{T: &ir.Basic{Kind: from}, Value: constant.MakeFloat64(v)}).s
	}
	ic := func(k ir.Kind, v int64) string {
		return p.literal(&ir.Const{T: &ir.Basic{Kind: k}, Value: constant.MakeInt64(v)}).s
	}
	i32, i64, u64 := d.Types[ir.Int32], d.Types[ir.Int64], d.Types[ir.Uint64]
	in32 := fmt.Sprintf("x >= %s && x < %s", fc(-(1 << 31)), fc(1<<31))
	in64 := fmt.Sprintf("x >= %s && x < %s", fc(-(1 << 63)), fc(1<<63))
	top := strconv.FormatUint(1<<63, 10) + d.IntSuffix[ir.Uint64]
	var body string
	switch to {
	case ir.Int8, ir.Int16, ir.Uint8, ir.Uint16:
		body = fmt.Sprintf("\treturn %s ? (%s)(%s)x : 0;\n", in32, t, i32)
	case ir.Int32:
		body = fmt.Sprintf("\treturn %s ? (%s)x : %s;\n", in32, t, ic(ir.Int32, math.MinInt32))
	case ir.Int64, ir.Int:
		body = fmt.Sprintf("\treturn %s ? (%s)x : %s;\n", in64, t, ic(ir.Int64, math.MinInt64))
	case ir.Uint32:
		body = fmt.Sprintf("\treturn %s ? (%s)(%s)x : 0;\n", in64, t, i64)
	default: // uint64, uint
		body = fmt.Sprintf("\tif (x < %s) {\n\t\treturn x >= %s ? (%s)(%s)x : %s;\n\t}\n", fc(1<<63), fc(-(1<<63)), u64, i64, top) +
			fmt.Sprintf("\tx = x - %s;\n", fc(1<<63)) +
			fmt.Sprintf("\treturn x < %s ? ((%s)(%s)x | %s) : %s;\n", fc(1<<63), u64, i64, top, top)
	}
	fq := ""
	if d.Func != "" {
		fq = d.Func + " "
	}
	return fmt.Sprintf("%s%s %s(%s x) {\n", fq, t, name, ft) + body + "}\n"
}
