// Package edge4 is a golden case: Go's integer semantics in intermediate
// results, where C promotes narrow operands to int, constant shift counts
// and divisors, and shift counts of signed types.
package edge4

import "github.com/dotcompute/dc"

// b2i converts a bool to 0 or 1.
func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// numMid is how many results Mid writes per element.
const numMid = 40

// Mid uses narrow integer results inside larger expressions: comparisons,
// divisions, right shifts and conversions of wrapped products and sums.
//
//dc:kernel
func Mid(t dc.Thread, a, out []int64) {
	i := t.GlobalX()
	n := len(a)
	if i >= n {
		return
	}
	w := a[i]
	x, y := uint8(w), uint8(w>>8)
	s8, t8 := int8(w), int8(w>>8)
	u16, v16 := uint16(w), uint16(w>>16)
	s16, t16 := int16(w), int16(w>>16)
	u32, v32 := uint32(w), uint32(w>>32)
	s32, t32 := int32(w), int32(w>>32)
	k := 0
	out[k*n+i] = int64((x * y) / 3)
	k++
	out[k*n+i] = int64((x + y) >> 1)
	k++
	out[k*n+i] = b2i(x*y > 200)
	k++
	out[k*n+i] = int64(^x >> 4)
	k++
	out[k*n+i] = int64(-x / 2)
	k++
	out[k*n+i] = b2i(x+y < x)
	k++
	out[k*n+i] = int64(s8*t8) + int64((s8*t8)/3)
	k++
	out[k*n+i] = int64((s8 + t8) >> 1)
	k++
	out[k*n+i] = b2i(-s8 < 0)
	k++
	out[k*n+i] = int64(u16 * v16)
	k++
	out[k*n+i] = int64((u16 * v16) >> 8)
	k++
	out[k*n+i] = int64(^u16 >> 8)
	k++
	out[k*n+i] = int64(^u16 / 3)
	k++
	out[k*n+i] = int64((s16 * t16) / 7)
	k++
	out[k*n+i] = int64((s16 * t16) % 5)
	k++
	out[k*n+i] = int64(-s16 >> 1)
	k++
	out[k*n+i] = b2i(s16*t16 > 0)
	k++
	out[k*n+i] = int64((u32 * v32) >> 3)
	k++
	out[k*n+i] = int64((u32 + v32) / 7)
	k++
	out[k*n+i] = int64((s32 * t32) >> 3)
	k++
	out[k*n+i] = b2i(s32+t32 < s32)
	k++
	out[k*n+i] = int64(x<<4) + int64(u16<<12) + int64(s8<<3)
	k++
	out[k*n+i] = int64(x % (y | 1))
	k++
	out[k*n+i] = int64(uint16(x) * uint16(y) * 3)
	k++
	z := x
	z += 200
	z *= 3
	out[k*n+i] = int64(z / 2)
	k++
	x++
	out[k*n+i] = b2i(x == 0)
	k++
	out[k*n+i] = int64(x*x) * int64(y-x)
	k++
	out[k*n+i] = int64(uint8(w)<<7>>7) + int64(int8(w)<<7>>7)
	k++
	out[k*n+i] = int64(uint8(w)>>1<<1) + int64(^uint8(w)) + int64(^int8(w))
	k++
	out[k*n+i] = int64(min(x*y, 100)) + int64(max(s8*t8, -100))
	k++
}

// numConst is how many results Const writes per element.
const numConst = 20

// Const shifts by constant counts just below the width (go vet rejects
// constant counts at or beyond it) and divides by constant -1.
//
//dc:kernel
func Const(t dc.Thread, a, out []int64) {
	i := t.GlobalX()
	n := len(a)
	if i >= n {
		return
	}
	w := a[i]
	u := uint64(w)
	s32 := int32(w)
	s8 := int8(w)
	u8 := uint8(w)
	k := 0
	out[k*n+i] = int64(u << 63)
	k++
	out[k*n+i] = int64(u >> 63)
	k++
	out[k*n+i] = w >> 63
	k++
	out[k*n+i] = w << 63
	k++
	out[k*n+i] = w >> 62
	k++
	out[k*n+i] = int64(u8 << 7)
	k++
	out[k*n+i] = int64(s8 >> 7)
	k++
	out[k*n+i] = int64(s32 << 31)
	k++
	out[k*n+i] = w / -1
	k++
	out[k*n+i] = w % -1
	k++
	out[k*n+i] = int64(s32 / -1)
	k++
	out[k*n+i] = int64(s32 % -1)
	k++
	out[k*n+i] = int64(s8 / -1)
	k++
	out[k*n+i] = int64(s8 % -1)
	k++
	out[k*n+i] = w / 8
	k++
	out[k*n+i] = w % 8
	k++
	out[k*n+i] = w / -8
	k++
	out[k*n+i] = int64(u / 3)
	k++
	out[k*n+i] = -w * -1
	k++
	out[k*n+i] = int64(1<<62) * (w & 3)
	k++
}

// numSigned is how many results Signed writes per element.
const numSigned = 8

// Signed shifts by counts of signed types.
//
//dc:kernel
func Signed(t dc.Thread, a, out []int64) {
	i := t.GlobalX()
	n := len(a)
	if i >= n {
		return
	}
	w := a[i]
	c8 := int8(w & 127)
	c := int(w & 255)
	c64 := w & 1023
	out[0*n+i] = w << c8
	out[1*n+i] = w >> c8
	out[2*n+i] = int64(uint64(w) >> c)
	out[3*n+i] = int64(int32(w) << c64)
	out[4*n+i] = int64(uint16(w) >> c8)
	out[5*n+i] = int64(int8(w) >> c)
	out[6*n+i] = int64(uint8(w) << c64)
	out[7*n+i] = int64(1) << (c & 63)
}
