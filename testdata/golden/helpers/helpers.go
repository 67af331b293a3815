// Package helpers is a golden case: device functions called from kernels —
// several results, the dc.Thread as a parameter, a pointer to a shared array
// with barriers inside, a generic function, functions calling functions,
// and a dc.Shared call inside a function.
package helpers

import "github.com/dotcompute/dc"

// blockSize is the group size GroupStats needs.
const blockSize = 128

// index returns the thread's element in a row-major width-wide 2D array.
func index(t dc.Thread, width int) int {
	return t.GlobalY()*width + t.GlobalX()
}

// order returns a and b in increasing order.
func order(a, b float32) (lo, hi float32) {
	if a <= b {
		return a, b
	}
	return b, a
}

// divmod returns the quotient and remainder of a / b, rounding down (not
// toward zero as Go's / does) for b > 0.
func divmod(a, b int) (int, int) {
	q, r := a/b, a%b
	if r < 0 {
		q--
		r += b
	}
	return q, r
}

// clamp limits x to [lo, hi].
func clamp[T dc.Number](x, lo, hi T) T {
	if x < lo {
		return lo
	}
	if x > hi {
		return hi
	}
	return x
}

// smoothstep is the Hermite interpolation between edges e0 and e1.
func smoothstep(e0, e1, x float32) float32 {
	u := clamp((x-e0)/(e1-e0), 0, 1)
	return u * u * (3 - 2*u)
}

// lerp interpolates between a and b with a weight clamped to [0, 1].
func lerp(a, b, w float32) float32 {
	return a + (b-a)*clamp(w, 0, 1)
}

// treeSum sums s[:GroupSizeX] into s[0] and returns it; every thread of
// the group must call it.
func treeSum(t dc.Thread, s *[blockSize]float32) float32 {
	lx := t.LocalX()
	for stride := t.GroupSizeX() / 2; stride > 0; stride >>= 1 {
		if lx < stride {
			s[lx] += s[lx+stride]
		}
		t.Barrier()
	}
	return s[0]
}

// blockSum returns the sum of v over the thread's group, using its own
// shared array; every thread of the group must call it.
func blockSum(t dc.Thread, v float32) float32 {
	s := dc.Shared[[blockSize]float32](t)
	t.Barrier() // an earlier blockSum may still be reading s[0]
	s[t.LocalX()] = v
	t.Barrier()
	return treeSum(t, s)
}

// Blend works on a width x height image, one thread per pixel: it orders
// each pair of a and b into lo and hi, and writes a smoothstep of their
// interpolation.
//
//dc:kernel
func Blend(t dc.Thread, a, b, lo, hi, out []float32, width, height int) {
	if t.GlobalX() >= width || t.GlobalY() >= height {
		return
	}
	i := index(t, width)
	l, h := order(a[i], b[i])
	lo[i], hi[i] = l, h
	out[i] = smoothstep(l, h+1, lerp(a[i], b[i], 0.25))
}

// GroupStats writes, for each group of blockSize threads, the sum and the
// sum of squares of its elements of xs[:n] and the floor quotient and
// remainder of each element's index by 10 (shifted by -n/2).
//
//dc:kernel
func GroupStats(t dc.Thread, xs, sums []float32, q, r []int32, n int) {
	i := t.GlobalX()
	var v float32
	if i < n {
		v = xs[i]
		qq, rr := divmod(i-n/2, 10)
		q[i], r[i] = int32(qq), int32(rr)
	}
	s1 := blockSum(t, v)
	s2 := blockSum(t, v*v)
	if t.LocalX() == 0 {
		sums[2*t.GroupX()] = s1
		sums[2*t.GroupX()+1] = s2
	}
}

// Clamp clamps integers and float64s with the generic clamp.
//
//dc:kernel
func Clamp(t dc.Thread, xs []int32, ys []float64, lo, hi int32) {
	i := t.GlobalX()
	if i < len(xs) {
		xs[i] = clamp(xs[i], lo, hi)
	}
	if i < len(ys) {
		ys[i] = clamp(ys[i], float64(lo), float64(hi))
	}
}
