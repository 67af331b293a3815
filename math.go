package dc

import (
	"math"
	"unsafe"
)

// Float is the constraint of the floating-point types.
type Float interface {
	~float32 | ~float64
}

// Integer is the constraint of the integer types.
type Integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 |
		~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

// Number is the constraint of the integer and floating-point types.
type Number interface {
	Integer | Float
}

// The math functions below compute in float64 with package math and convert
// the result to T, except FMA on float32, which rounds once.

// Sqrt returns the square root of x, as math.Sqrt.
func Sqrt[T Float](x T) T { return T(math.Sqrt(float64(x))) }

// Rsqrt returns 1/Sqrt(x).
func Rsqrt[T Float](x T) T { return T(1 / math.Sqrt(float64(x))) }

// Exp returns e**x, as math.Exp.
func Exp[T Float](x T) T { return T(math.Exp(float64(x))) }

// Exp2 returns 2**x, as math.Exp2.
func Exp2[T Float](x T) T { return T(math.Exp2(float64(x))) }

// Log returns the natural logarithm of x, as math.Log.
func Log[T Float](x T) T { return T(math.Log(float64(x))) }

// Log2 returns the binary logarithm of x, as math.Log2.
func Log2[T Float](x T) T { return T(math.Log2(float64(x))) }

// Sin returns the sine of x radians, as math.Sin.
func Sin[T Float](x T) T { return T(math.Sin(float64(x))) }

// Cos returns the cosine of x radians, as math.Cos.
func Cos[T Float](x T) T { return T(math.Cos(float64(x))) }

// Tan returns the tangent of x radians, as math.Tan.
func Tan[T Float](x T) T { return T(math.Tan(float64(x))) }

// Tanh returns the hyperbolic tangent of x, as math.Tanh.
func Tanh[T Float](x T) T { return T(math.Tanh(float64(x))) }

// Atan2 returns the arc tangent of y/x in the quadrant of (x, y), as
// math.Atan2.
func Atan2[T Float](y, x T) T { return T(math.Atan2(float64(y), float64(x))) }

// Pow returns x**y, as math.Pow.
func Pow[T Float](x, y T) T { return T(math.Pow(float64(x), float64(y))) }

// Abs returns the absolute value of x, as math.Abs.
func Abs[T Float](x T) T { return T(math.Abs(float64(x))) }

// Floor returns the greatest integer value <= x, as math.Floor.
func Floor[T Float](x T) T { return T(math.Floor(float64(x))) }

// Ceil returns the least integer value >= x, as math.Ceil.
func Ceil[T Float](x T) T { return T(math.Ceil(float64(x))) }

// Trunc returns the integer value of x, rounded toward zero, as math.Trunc.
func Trunc[T Float](x T) T { return T(math.Trunc(float64(x))) }

// FMA returns x*y+z computed with one rounding to T, as math.FMA does for
// float64 (C's fma and fmaf).
func FMA[T Float](x, y, z T) T {
	return T(fma(float64(x), float64(y), float64(z), unsafe.Sizeof(x)))
}

// fma returns x*y+z rounded once to a float of size bytes.
//
//go:noinline
func fma(x, y, z float64, size uintptr) float64 {
	if size == 4 {
		return fma32(x*y, z)
	}
	return math.FMA(x, y, z)
}

// fma32 returns p+zz rounded once to float32, where p is the product of two
// float32 values (exact in float64) and zz a float32 value. The sum is
// rounded to float64 with round-to-odd (from its exact error), which makes
// the final rounding to float32 correct (Boldo and Melquiond, "Emulation of
// FMA and correctly rounded sums", 2008).
func fma32(p, zz float64) float64 {
	s := p + zz
	if math.IsInf(s, 0) || math.IsNaN(s) || s == 0 {
		return float64(float32(s))
	}
	// TwoSum: e is the exact error s - (p + zz).
	bp := s - zz
	e := (p - bp) + (zz - (s - bp))
	if b := math.Float64bits(s); e != 0 && b&1 == 0 {
		if (e > 0) == (s > 0) {
			b++ // away from zero
		} else {
			b-- // toward zero
		}
		s = math.Float64frombits(b)
	}
	return float64(float32(s))
}
