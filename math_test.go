package dc_test

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/dotcompute/dc"
)

// mathInputs are the arguments every math function is checked with.
var mathInputs = []float64{
	0, math.Copysign(0, -1), 1, -1, 0.5, -0.5, 2, 3, -3.75, 10, 1e-3, 1e-30, 1e30,
	math.Pi, -math.Pi / 2, 100.25, 1e6 + 0.5, 0x1p-140, 0x1p100,
	math.Inf(1), math.Inf(-1), math.NaN(),
}

// same reports whether a and b are the same float64, NaNs included.
func same(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
}

type myFloat float32

func TestMathMatchesPackageMath(t *testing.T) {
	unary := []struct {
		name string
		f64  func(float64) float64
		f32  func(float32) float32
		my   func(myFloat) myFloat
		want func(float64) float64
	}{
		{"Sqrt", dc.Sqrt[float64], dc.Sqrt[float32], dc.Sqrt[myFloat], math.Sqrt},
		{"Rsqrt", dc.Rsqrt[float64], dc.Rsqrt[float32], dc.Rsqrt[myFloat], func(x float64) float64 { return 1 / math.Sqrt(x) }},
		{"Exp", dc.Exp[float64], dc.Exp[float32], dc.Exp[myFloat], math.Exp},
		{"Exp2", dc.Exp2[float64], dc.Exp2[float32], dc.Exp2[myFloat], math.Exp2},
		{"Log", dc.Log[float64], dc.Log[float32], dc.Log[myFloat], math.Log},
		{"Log2", dc.Log2[float64], dc.Log2[float32], dc.Log2[myFloat], math.Log2},
		{"Sin", dc.Sin[float64], dc.Sin[float32], dc.Sin[myFloat], math.Sin},
		{"Cos", dc.Cos[float64], dc.Cos[float32], dc.Cos[myFloat], math.Cos},
		{"Tan", dc.Tan[float64], dc.Tan[float32], dc.Tan[myFloat], math.Tan},
		{"Tanh", dc.Tanh[float64], dc.Tanh[float32], dc.Tanh[myFloat], math.Tanh},
		{"Abs", dc.Abs[float64], dc.Abs[float32], dc.Abs[myFloat], math.Abs},
		{"Floor", dc.Floor[float64], dc.Floor[float32], dc.Floor[myFloat], math.Floor},
		{"Ceil", dc.Ceil[float64], dc.Ceil[float32], dc.Ceil[myFloat], math.Ceil},
		{"Trunc", dc.Trunc[float64], dc.Trunc[float32], dc.Trunc[myFloat], math.Trunc},
	}
	for _, f := range unary {
		for _, x := range mathInputs {
			if got, want := f.f64(x), f.want(x); !same(got, want) {
				t.Errorf("%s[float64](%v) = %v, want %v", f.name, x, got, want)
			}
			x32 := float32(x)
			want := float64(float32(f.want(float64(x32))))
			if got := float64(f.f32(x32)); !same(got, want) {
				t.Errorf("%s[float32](%v) = %v, want %v", f.name, x32, got, want)
			}
			if got := float64(f.my(myFloat(x32))); !same(got, want) {
				t.Errorf("%s[myFloat](%v) = %v, want %v", f.name, x32, got, want)
			}
		}
	}
	binary := []struct {
		name string
		f64  func(float64, float64) float64
		f32  func(float32, float32) float32
		want func(float64, float64) float64
	}{
		{"Atan2", dc.Atan2[float64], dc.Atan2[float32], math.Atan2},
		{"Pow", dc.Pow[float64], dc.Pow[float32], math.Pow},
	}
	for _, f := range binary {
		for _, x := range mathInputs {
			for _, y := range mathInputs {
				if got, want := f.f64(x, y), f.want(x, y); !same(got, want) {
					t.Errorf("%s[float64](%v, %v) = %v, want %v", f.name, x, y, got, want)
				}
				x32, y32 := float32(x), float32(y)
				want := float64(float32(f.want(float64(x32), float64(y32))))
				if got := float64(f.f32(x32, y32)); !same(got, want) {
					t.Errorf("%s[float32](%v, %v) = %v, want %v", f.name, x32, y32, got, want)
				}
			}
		}
	}
	for _, x := range mathInputs {
		for _, y := range mathInputs {
			for _, z := range mathInputs[:8] {
				if got, want := dc.FMA(x, y, z), math.FMA(x, y, z); !same(got, want) {
					t.Errorf("FMA[float64](%v, %v, %v) = %v, want %v", x, y, z, got, want)
				}
			}
		}
	}
}

func TestMathKnownValues(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want float32
	}{
		{"Sqrt(2)", dc.Sqrt[float32](2), 1.4142135},
		{"Rsqrt(4)", dc.Rsqrt[float32](4), 0.5},
		{"Exp2(10)", dc.Exp2[float32](10), 1024},
		{"Log2(0.125)", dc.Log2[float32](0.125), -3},
		{"Pow(3, 4)", dc.Pow[float32](3, 4), 81},
		{"Abs(-0)", dc.Abs(float32(math.Copysign(0, -1))), 0},
		{"Floor(-1.5)", dc.Floor[float32](-1.5), -2},
		{"Ceil(-1.5)", dc.Ceil[float32](-1.5), -1},
		{"Trunc(-1.5)", dc.Trunc[float32](-1.5), -1},
		{"Atan2(1, 1)", dc.Atan2[float32](1, 1), math.Pi / 4},
	} {
		if c.got != c.want || math.Signbit(float64(c.got)) != math.Signbit(float64(c.want)) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// fmaExact returns x*y+z rounded once to float32.
func fmaExact(x, y, z float32) float32 {
	b := func(v float32) *big.Float { return new(big.Float).SetPrec(1000).SetFloat64(float64(v)) }
	p := new(big.Float).SetPrec(1000).Mul(b(x), b(y))
	r, _ := p.Add(p, b(z)).Float32()
	return r
}

func TestFMAFloat32RoundsOnce(t *testing.T) {
	// x*y = 1 + 2^-11 + 2^-24 exactly, a tie in float32; z = 2^-80 breaks
	// it upward. Rounding through float64 first loses z and rounds the tie
	// to even, down.
	x := float32(1 + 0x1p-12)
	z := float32(0x1p-80)
	want := float32(1 + 0x1p-11 + 0x1p-23)
	if naive := float32(math.FMA(float64(x), float64(x), float64(z))); naive == want {
		t.Fatalf("test case does not separate: float64 FMA gives %v too", naive)
	}
	if got := dc.FMA(x, x, z); got != want {
		t.Errorf("FMA[float32](%v, %v, %v) = %v, want %v", x, x, z, got, want)
	}
	if got := dc.FMA(-x, x, -z); got != -want {
		t.Errorf("FMA[float32](%v, %v, %v) = %v, want %v", -x, x, -z, got, -want)
	}
	if got := dc.FMA(x, -x, z); got != -(1 + 0x1p-11) {
		t.Errorf("FMA[float32](%v, %v, %v) = %v, want %v", x, -x, z, got, -(1 + 0x1p-11))
	}

	rng := rand.New(rand.NewPCG(1, 2))
	r := func() float32 {
		return float32(math.Ldexp(rng.Float64()*2-1, rng.IntN(60)-30))
	}
	for range 20_000 {
		x, y, z := r(), r(), r()
		if rng.IntN(4) == 0 {
			z = float32(math.Ldexp(float64(z), -50)) // tiny z: sticky bits
		}
		if rng.IntN(4) == 0 {
			z = -x * y // near cancellation
			z = math.Nextafter32(z, float32(math.Inf(rng.IntN(2)*2-1)))
		}
		got, want := dc.FMA(x, y, z), fmaExact(x, y, z)
		if got != want && (got != 0 || want != 0) {
			t.Fatalf("FMA[float32](%g, %g, %g) = %g, want %g", x, y, z, got, want)
		}
	}
	// Products that are float32 ties (odd, 25 bits), moved off the tie by a
	// tiny z: rounding twice gets about half of them wrong.
	for range 2000 {
		a := float32(rng.IntN(1<<11)*2 + 1<<12 + 1)
		b := float32(rng.IntN(1<<11)*2 + 1<<12 + 1)
		if a*b < 1<<24 || float64(a)*float64(b) >= 1<<25 {
			continue
		}
		z := float32(math.Ldexp(float64(rng.IntN(3)-1), -rng.IntN(40)))
		if got, want := dc.FMA(a, b, z), fmaExact(a, b, z); got != want {
			t.Fatalf("FMA[float32](%g, %g, %g) = %g, want %g", a, b, z, got, want)
		}
	}
	// Specials.
	inf := float32(math.Inf(1))
	for _, c := range [][4]float32{
		{inf, 2, 1, inf},
		{inf, 0, 1, float32(math.NaN())},
		{inf, 1, -inf, float32(math.NaN())},
		{3, 4, -12, 0},
		{math.MaxFloat32, 2, -math.MaxFloat32, math.MaxFloat32},
		{math.MaxFloat32, 2, 0, inf},
	} {
		got := dc.FMA(c[0], c[1], c[2])
		if !same(float64(got), float64(c[3])) {
			t.Errorf("FMA[float32](%v, %v, %v) = %v, want %v", c[0], c[1], c[2], got, c[3])
		}
	}
}
