// Package selects is a golden case: elementwise float32 kernels with ifs
// over float32 comparisons (else-if chains, nested ifs, && || !, NaN
// operands) and calls of device functions, which a build with
// GOEXPERIMENT=simd runs with vectors, both branches of each if merged by
// mask.
package selects

import "github.com/dotcompute/dc"

// Clamp clamps x[i] to [lo[i], hi], maps NaN to hi and negates what is
// left below zero (-0 included).
//
//dc:kernel
func Clamp(t dc.Thread, x, lo, out []float32, hi float32) {
	if i := t.GlobalX(); i < len(out) {
		v := x[i]
		if v < lo[i] {
			v = lo[i]
		} else if v > hi || v != v {
			v = hi
		} else if !(v > 0) {
			v = -v
		}
		out[i] = v
	}
}

// Piecewise computes a piecewise function of x[i] and y[i] into out, and
// its soft sign into aux.
//
//dc:kernel
func Piecewise(t dc.Thread, x, y, out, aux []float32, s float32) {
	if i := t.GlobalX(); i < len(out) {
		a, b := x[i], y[i]
		r := float32(0)
		if a > 0 && !(b <= a) {
			if b == 2*a {
				r = dc.Exp(a)
			} else {
				p, q := split(a, b)
				r = p - q
			}
		} else {
			r = dc.Log(dc.Abs(a)) * s
		}
		out[i] = r
		aux[i] = soft(r)
	}
}

// split returns the midpoint of a and b plus and minus their distance, at
// most the midpoint.
func split(a, b float32) (float32, float32) {
	m := (a + b) / 2
	d := dc.Abs(a - b)
	if d > m {
		d = m
	}
	return m + d, m - d
}

// soft is the soft sign of x.
func soft(x float32) float32 { return x / (1 + dc.Abs(x)) }

// ClampSerial is Clamp as a serial Go loop.
func ClampSerial(x, lo, out []float32, hi float32) {
	for i := range out {
		v := x[i]
		if v < lo[i] {
			v = lo[i]
		} else if v > hi || v != v {
			v = hi
		} else if !(v > 0) {
			v = -v
		}
		out[i] = v
	}
}
