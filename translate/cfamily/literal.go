package cfamily

import (
	"go/constant"
	"math"
	"strconv"
	"strings"

	"github.com/dotcompute/dc/translate/ir"
)

// FormatFloat32 returns the C literal of a float32 value: the shortest
// decimal that round-trips, always with a '.' or an exponent, and the f
// suffix ("0.5f", "1.0f", "1e+30f").
func FormatFloat32(f float32) string {
	return floatText(strconv.FormatFloat(float64(f), 'g', -1, 32)) + "f"
}

// FormatFloat64 returns the C literal of a float64 value: the shortest
// decimal that round-trips, always with a '.' or an exponent ("0.5", "1.0",
// "1e+300").
func FormatFloat64(f float64) string {
	return floatText(strconv.FormatFloat(f, 'g', -1, 64))
}

func floatText(s string) string {
	if !strings.ContainsAny(s, ".eEn") { // n: Inf and NaN, which constants never are
		s += ".0"
	}
	return s
}

// literal returns the C text of the constant c.
func (p *printer) literal(c *ir.Const) cexpr {
	k := c.T.Kind
	v := c.Value
	var s string
	switch {
	case k == ir.Bool:
		s = "false"
		if v.Kind() == constant.Bool && constant.BoolVal(v) {
			s = "true"
		}
	case k == ir.Float32:
		f, _ := constant.Float32Val(constant.ToFloat(v))
		s = FormatFloat32(f)
	case k == ir.Float64:
		f, _ := constant.Float64Val(constant.ToFloat(v))
		s = FormatFloat64(f)
	case k.IsUnsigned():
		u, _ := constant.Uint64Val(constant.ToInt(v))
		s = strconv.FormatUint(u, 10) + p.d.IntSuffix[k]
	default:
		i, _ := constant.Int64Val(constant.ToInt(v))
		switch {
		case k.Bits() == 64 && i == math.MinInt64:
			return cexpr{s: "(-9223372036854775807" + p.d.IntSuffix[k] + " - 1)", prec: precPrimary}
		case k.Bits() == 32 && i == math.MinInt32:
			return cexpr{s: "(-2147483647" + p.d.IntSuffix[k] + " - 1)", prec: precPrimary}
		}
		s = strconv.FormatInt(i, 10) + p.d.IntSuffix[k]
	}
	if strings.HasPrefix(s, "-") {
		return cexpr{s: s, prec: precUnary, neg: true}
	}
	return cexpr{s: s, prec: precPrimary}
}

// zeroValue returns the initialiser of a zero value of type t (not a slice).
func (p *printer) zeroValue(t ir.Type) string {
	b, ok := t.(*ir.Basic)
	if !ok {
		if _, ok := t.(*ir.Pointer); ok {
			return "0"
		}
		return p.d.ZeroAggregate
	}
	switch {
	case b.Kind == ir.Bool:
		return "false"
	case b.Kind == ir.Float32:
		return "0.0f"
	case b.Kind == ir.Float64:
		return "0.0"
	}
	return "0"
}
