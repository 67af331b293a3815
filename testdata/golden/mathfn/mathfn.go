// Package mathfn is a golden case: every math function of the dialect on
// float32 and float64, and functions of package math on float64.
package mathfn

import (
	"math"

	"github.com/dotcompute/dc"
)

// Function indexes: Math32 and Math64 write function f of element i to
// out[f*n+i].
const (
	fSqrt = iota
	fRsqrt
	fExp
	fExp2
	fLog
	fLog2
	fSin
	fCos
	fTan
	fTanh
	fAtan2
	fPow
	fAbs
	fFloor
	fCeil
	fTrunc
	fFMA
	numFuncs
)

// Math32 applies each dc math function to float32 inputs: x > 0 for the
// functions that need it, y anywhere, z small.
//
//dc:kernel
func Math32(t dc.Thread, x, y, z, out []float32) {
	i := t.GlobalX()
	n := len(x)
	if i >= n {
		return
	}
	a, b, c := x[i], y[i], z[i]
	out[fSqrt*n+i] = dc.Sqrt(a)
	out[fRsqrt*n+i] = dc.Rsqrt(a)
	out[fExp*n+i] = dc.Exp(b)
	out[fExp2*n+i] = dc.Exp2(b)
	out[fLog*n+i] = dc.Log(a)
	out[fLog2*n+i] = dc.Log2(a)
	out[fSin*n+i] = dc.Sin(b)
	out[fCos*n+i] = dc.Cos(b)
	out[fTan*n+i] = dc.Tan(c)
	out[fTanh*n+i] = dc.Tanh(b)
	out[fAtan2*n+i] = dc.Atan2(b, c)
	out[fPow*n+i] = dc.Pow(a, b)
	out[fAbs*n+i] = dc.Abs(b)
	out[fFloor*n+i] = dc.Floor(b)
	out[fCeil*n+i] = dc.Ceil(b)
	out[fTrunc*n+i] = dc.Trunc(b)
	out[fFMA*n+i] = dc.FMA(a, b, c)
}

// Math64 is Math32 for float64.
//
//dc:kernel
func Math64(t dc.Thread, x, y, z, out []float64) {
	i := t.GlobalX()
	n := len(x)
	if i >= n {
		return
	}
	a, b, c := x[i], y[i], z[i]
	out[fSqrt*n+i] = dc.Sqrt(a)
	out[fRsqrt*n+i] = dc.Rsqrt(a)
	out[fExp*n+i] = dc.Exp(b)
	out[fExp2*n+i] = dc.Exp2(b)
	out[fLog*n+i] = dc.Log(a)
	out[fLog2*n+i] = dc.Log2(a)
	out[fSin*n+i] = dc.Sin(b)
	out[fCos*n+i] = dc.Cos(b)
	out[fTan*n+i] = dc.Tan(c)
	out[fTanh*n+i] = dc.Tanh(b)
	out[fAtan2*n+i] = dc.Atan2(b, c)
	out[fPow*n+i] = dc.Pow(a, b)
	out[fAbs*n+i] = dc.Abs(b)
	out[fFloor*n+i] = dc.Floor(b)
	out[fCeil*n+i] = dc.Ceil(b)
	out[fTrunc*n+i] = dc.Trunc(b)
	out[fFMA*n+i] = dc.FMA(a, b, c)
}

// Package math outputs of Geometry64, per element.
const (
	gNorm = iota
	gHypot
	gMod
	gNearest
	gFar
	numGeo
)

// Geometry64 uses package math on float64 points (xs[i], ys[i]): the
// distance to the origin two ways, the angle's remainder, and the distance
// to the nearest of three centres (math.Inf(1) when a point is far from
// all) and the farthest.
//
//dc:kernel
func Geometry64(t dc.Thread, xs, ys, out []float64, radius float64) {
	i := t.GlobalX()
	if i >= len(xs) {
		return
	}
	x, y := xs[i], ys[i]
	base := i * numGeo
	out[base+gNorm] = math.Sqrt(x*x + y*y)
	out[base+gHypot] = math.Hypot(x, y)
	out[base+gMod] = math.Mod(math.Atan2(y, x), 1)
	nearest, far := math.Inf(1), math.Inf(-1)
	for k := range 3 {
		d := math.Hypot(x-float64(k-1), y)
		if d < radius {
			nearest = min(nearest, d)
		}
		far = max(far, d)
	}
	out[base+gNearest] = nearest
	out[base+gFar] = far
}

// Softplus computes log(1 + e^x) with fast math allowed.
//
//dc:kernel fastmath
func Softplus(t dc.Thread, x, out []float32) {
	if i := t.GlobalX(); i < len(x) {
		out[i] = dc.Log(1 + dc.Exp(x[i]))
	}
}
