//go:build goexperiment.simd && amd64

package vmath

//go:generate go run gen.go

import "simd/archsimd"

// Exp64x4 returns math.Exp of every lane of x, bit for bit. It needs AVX2.
func Exp64x4(x archsimd.Float64x4) archsimd.Float64x4 {
	f := archsimd.BroadcastFloat64x4
	u := archsimd.BroadcastUint64x4
	bits := x.AsUint64x4()
	// k = x/ln2 rounded to the nearest integer, ties to even, as math.Exp's
	// CVTSD2SL rounds it: adding 1.5*2**52 rounds it exactly so for
	// |x/ln2| < 2**51, and leaves 0x4338000000000000 + k in kb. Lanes
	// beyond that underflow to 0, as they do in math.Exp.
	t := f(log2e).Mul(x).Add(f(magic))
	k := t.Sub(f(magic))
	kb := t.AsUint64x4()
	var r archsimd.Float64x4
	if useFMA {
		// x - k*ln2U - k*ln2L, each fused (VFNMADD231SD).
		negK := k.Mul(f(-1))
		r = negK.MulAdd(f(ln2U), x)
		r = negK.MulAdd(f(ln2L), r)
		r = r.Mul(f(0.0625))
		p := f(exp8).MulAdd(r, f(exp7))
		p = p.MulAdd(r, f(exp6))
		p = p.MulAdd(r, f(exp5))
		p = p.MulAdd(r, f(exp4))
		p = p.MulAdd(r, f(exp3))
		p = p.MulAdd(r, f(exp2))
		p = p.MulAdd(r, f(exp1))
		r = r.Mul(p)
		for range 3 {
			r = r.Mul(r.Add(f(2)))
		}
		r = r.MulAdd(r.Add(f(2)), f(1))
	} else {
		r = x.Sub(k.Mul(f(ln2U)))
		r = r.Sub(k.Mul(f(ln2L)))
		r = r.Mul(f(0.0625))
		p := f(exp8).Mul(r).Add(f(exp7))
		p = p.Mul(r).Add(f(exp6))
		p = p.Mul(r).Add(f(exp5))
		p = p.Mul(r).Add(f(exp4))
		p = p.Mul(r).Add(f(exp3))
		p = p.Mul(r).Add(f(exp2))
		p = p.Mul(r).Add(f(exp1))
		r = r.Mul(p)
		for range 4 {
			r = r.Mul(r.Add(f(2)))
		}
		r = r.Add(f(1))
	}
	// r * 2**k: e = k+1023 is the biased exponent. For e <= 0 (a
	// subnormal result) math.Exp multiplies by 2**(e-1), then by
	// 2**-1022.
	normal := r.Mul(kb.Add(u(1023)).ShiftAllLeft(52).AsFloat64x4())
	subnormal := r.Mul(kb.Add(u(2045)).ShiftAllLeft(52).AsFloat64x4()).Mul(f(0x1p-1022))
	res := subnormal.Merge(normal, k.LessEqual(f(-1023)))
	res = f(0).Merge(res, k.Less(f(-1075)))
	res = u(posInfBits).AsFloat64x4().Merge(res, k.GreaterEqual(f(1024)).Or(x.Greater(f(overflow))))
	// NaN and +Inf give x, -Inf gives 0.
	res = x.Merge(res, bits.And(u(absMask)).GreaterEqual(u(posInfBits)))
	return f(0).Merge(res, bits.Equal(u(negInfBits)))
}

// Log64x4 returns math.Log of every lane of x, bit for bit.
// It needs AVX2.
func Log64x4(x archsimd.Float64x4) archsimd.Float64x4 {
	f := archsimd.BroadcastFloat64x4
	u := archsimd.BroadcastUint64x4
	bits := x.AsUint64x4()
	// f1, k: the fraction in [0.5, 1) and the exponent, from the bits, as
	// math.Log does (it treats a subnormal x as having exponent -1022).
	f1 := bits.And(u(fracMask)).Or(u(halfBits)).AsFloat64x4()
	k := bits.ShiftAllRight(52).And(u(0x7FF)).Or(u(two52Bits)).AsFloat64x4().Sub(f(0x1p52 + 0x3FE))
	// if f1 <= Sqrt2/2 { k--; f1 *= 2 }
	one := f(1).Masked(f1.LessEqual(f(hSqrt2)))
	k = k.Sub(one)
	fr := f1.Mul(one.Add(f(1))).Sub(f(1))
	s := fr.Div(f(2).Add(fr))
	s2 := s.Mul(s)
	s4 := s2.Mul(s2)
	t1 := s2.Mul(f(log7).Mul(s4).Add(f(log5)).Mul(s4).Add(f(log3)).Mul(s4).Add(f(log1)))
	t2 := s4.Mul(f(log6).Mul(s4).Add(f(log4)).Mul(s4).Add(f(log2)))
	hfsq := f(0.5).Mul(fr).Mul(fr)
	r := s.Mul(hfsq.Add(t1.Add(t2))).Add(k.Mul(f(ln2Lo)))
	r = k.Mul(f(ln2Hi)).Sub(hfsq.Sub(r).Sub(fr))
	// +Inf and NaN give x, a negative x (a NaN with the sign bit too)
	// NaN, ±0 -Inf.
	ib := x.AsInt64x4()
	r = x.Merge(r, ib.GreaterEqual(archsimd.BroadcastInt64x4(posInfBits)))
	r = u(logNaNBits).AsFloat64x4().Merge(r, ib.Less(archsimd.BroadcastInt64x4(0)))
	return u(negInfBits).AsFloat64x4().Merge(r, bits.And(u(absMask)).Equal(u(0)))
}

// Exp32x8 returns float32(math.Exp(float64(x))) of every lane of x, bit
// for bit: what dc.Exp computes on a float32.
// It needs AVX2.
func Exp32x8(x archsimd.Float32x8) archsimd.Float32x8 {
	lo := Exp64x4(x.GetLo().ConvertToFloat64()).ConvertToFloat32()
	hi := Exp64x4(x.GetHi().ConvertToFloat64()).ConvertToFloat32()
	return x.SetLo(lo).SetHi(hi)
}

// Log32x8 returns float32(math.Log(float64(x))) of every lane of x, bit
// for bit: what dc.Log computes on a float32.
// It needs AVX2.
func Log32x8(x archsimd.Float32x8) archsimd.Float32x8 {
	lo := Log64x4(x.GetLo().ConvertToFloat64()).ConvertToFloat32()
	hi := Log64x4(x.GetHi().ConvertToFloat64()).ConvertToFloat32()
	return x.SetLo(lo).SetHi(hi)
}

// Abs32x8 returns float32(math.Abs(float64(x))) of every lane of x, bit
// for bit: what dc.Abs computes on a float32. That is x with the sign bit
// cleared, except that a signaling NaN comes back quiet, as the
// conversions to float64 and back make it; adding +0 does the same.
// It needs AVX2.
func Abs32x8(x archsimd.Float32x8) archsimd.Float32x8 {
	return x.AsUint32x8().And(archsimd.BroadcastUint32x8(0x7FFFFFFF)).AsFloat32x8().
		Add(archsimd.BroadcastFloat32x8(0))
}
