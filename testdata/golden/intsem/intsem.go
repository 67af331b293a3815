// Package intsem is a golden case: Go's integer semantics, which C does not
// share — wraparound of + - * and negation for every width, shifts by
// counts at or beyond the width, the most negative value divided by -1,
// and conversions between integers of every width and floats.
package intsem

import (
	"math"

	"github.com/dotcompute/dc"
)

// Operations of Arith; it writes operation k of element i to out[k*n+i].
const (
	opAdd = iota
	opSub
	opMul
	opNeg
	opDiv
	opRem
	opAnd
	opOr
	opXor
	opAndNot
	opNot
	opShl
	opShr
	opCompound
	numOps
)

// Arith applies Go's integer operators to a[i], b[i] and the shift count
// s[i]. Division by zero is skipped (it would panic in Go).
//
//dc:kernel types=int8,int16,int32,int64,uint8,uint16,uint32,uint64,int,uint
func Arith[T dc.Integer](t dc.Thread, a, b []T, s []uint32, out []T) {
	i := t.GlobalX()
	n := len(a)
	if i >= n {
		return
	}
	x, y, c := a[i], b[i], s[i]
	out[opAdd*n+i] = x + y
	out[opSub*n+i] = x - y
	out[opMul*n+i] = x * y
	out[opNeg*n+i] = -x
	if y != 0 {
		out[opDiv*n+i] = x / y
		out[opRem*n+i] = x % y
	}
	out[opAnd*n+i] = x & y
	out[opOr*n+i] = x | y
	out[opXor*n+i] = x ^ y
	out[opAndNot*n+i] = x &^ y
	out[opNot*n+i] = ^x
	out[opShl*n+i] = x << c
	out[opShr*n+i] = x >> c
	z := x
	z++
	z += y
	z *= 3
	z -= x << 1
	z <<= c % 8
	out[opCompound*n+i] = z
}

// Edges computes the classic overflow cases from run-time values: m is
// math.MinInt32 and math.MinInt64, d is -1.
//
//dc:kernel
func Edges(t dc.Thread, m32, d32 []int32, m64, d64 []int64, out32 []int32, out64 []int64) {
	if t.GlobalX() != 0 {
		return
	}
	m, d := m32[0], d32[0]
	out32[0] = m / d
	out32[1] = m % d
	out32[2] = -m
	out32[3] = m - 1
	out32[4] = m * d
	out32[5] = (m - 1) + 2
	out32[6] = math.MaxInt32 + d*m // MaxInt32 + MinInt32 wraps to -1
	mm, dd := m64[0], d64[0]
	out64[0] = mm / dd
	out64[1] = mm % dd
	out64[2] = -mm
	out64[3] = mm - 1
	out64[4] = mm * dd
	out64[5] = math.MaxInt64 + dd*mm
}

// Shifts shifts with signed counts s[i] >= 0 (Go allows signed counts),
// arithmetic for int64 and logical for uint64 and uint8.
//
//dc:kernel
func Shifts(t dc.Thread, a []int64, s []int, out []int64, uout []uint64, bout []uint8) {
	i := t.GlobalX()
	n := len(a)
	if i >= n {
		return
	}
	x, c := a[i], s[i]
	out[2*i] = x << c
	out[2*i+1] = x >> c
	u := uint64(x)
	uout[2*i] = u << c
	uout[2*i+1] = u >> c
	b := uint8(x)
	bout[2*i] = b << c
	bout[2*i+1] = b >> c
}

// numNarrow is how many conversions Narrow writes per element.
const numNarrow = 11

// Narrow converts int64s to every narrower integer type and back, writing
// conversion k of element i to out[k*n+i].
//
//dc:kernel
func Narrow(t dc.Thread, xs, out []int64) {
	i := t.GlobalX()
	n := len(xs)
	if i >= n {
		return
	}
	x := xs[i]
	out[0*n+i] = int64(int8(x))
	out[1*n+i] = int64(int16(x))
	out[2*n+i] = int64(int32(x))
	out[3*n+i] = int64(uint8(x))
	out[4*n+i] = int64(uint16(x))
	out[5*n+i] = int64(uint32(x))
	out[6*n+i] = int64(uint64(x) >> 1)
	out[7*n+i] = int64(int8(uint8(x)))
	out[8*n+i] = int64(uint32(int8(x)))
	out[9*n+i] = int64(int(int32(x)))
	out[10*n+i] = int64(uint(uint16(x)) + uint(int16(x)))
}

// Counts of IntFloat's outputs per element.
const (
	numToFloat = 8
	numToInt   = 6
)

// IntFloat converts between integers and floats: is are int64s, us uint64s,
// fs float64s within int64's range, ufs float64s within uint64's range,
// f32s float32s within int32's range, small float32s in (-129, 128).
// Every float-to-integer conversion is in range (Go leaves others to the
// implementation).
//
//dc:kernel
func IntFloat(t dc.Thread, is []int64, us []uint64, fs, ufs []float64, f32s, small []float32, toF []float64, toI []int64) {
	i := t.GlobalX()
	n := len(is)
	if i >= n {
		return
	}
	toF[0*n+i] = float64(is[i])
	toF[1*n+i] = float64(us[i])
	toF[2*n+i] = float64(float32(is[i]))
	toF[3*n+i] = float64(float32(us[i]))
	toF[4*n+i] = float64(float32(fs[i]))
	toF[5*n+i] = float64(f32s[i])
	toF[6*n+i] = float64(int(small[i])) / 2
	toF[7*n+i] = float64(uint32(ufs[i]/1e10)) + float64(int16(small[i]*200))
	toI[0*n+i] = int64(fs[i])
	toI[1*n+i] = int64(uint64(ufs[i]))
	toI[2*n+i] = int64(int32(f32s[i]))
	toI[3*n+i] = int64(int8(small[i]))
	toI[4*n+i] = int64(uint8(small[i] + 128))
	toI[5*n+i] = int64(int(fs[i]/3) - int(f32s[i]))
}
