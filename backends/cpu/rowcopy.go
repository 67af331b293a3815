package cpu

import "math"

// The row helpers serve the thread loops of a kernel's group form that
// move one element per thread (see package gocpu): thread x of a row
// reads a+x and compares it with b, and the generated code turns the
// threads for which a comparison holds into one range [lo', hi') of the
// row's threads [lo, hi), so that copy and clear move the whole row.
// Each answer is exact as long as a+x does not wrap for x in [lo, hi)
// (NoWrap); the generated code checks that first and runs the thread loop
// as written otherwise.

// NoWrap reports whether a+x stays within int for every x in [lo, hi)
// with 0 <= lo.
func NoWrap(a, hi int) bool {
	return hi <= 0 || a <= math.MaxInt-(hi-1)
}

// Below returns the end of the prefix of [lo, hi) where a+x < b holds:
// a+x < b for lo <= x < Below(a, b, lo, hi), and a+x >= b from there to
// hi. The result is within [lo, max(lo, hi)].
func Below(a, b, lo, hi int) int {
	return below(a, b, lo, hi, false)
}

// AtMost returns the end of the prefix of [lo, hi) where a+x <= b holds,
// as Below does for a+x < b.
func AtMost(a, b, lo, hi int) int {
	return below(a, b, lo, hi, true)
}

// below returns the first x of [lo, hi) for which a+x >= b (a+x > b if
// orEqual), or max(lo, hi) if there is none, for 0 <= lo.
func below(a, b, lo, hi int, orEqual bool) int {
	hi = max(lo, hi)
	if a > b || a == b && !orEqual {
		// a+x >= a > b (or = b) for every x >= 0.
		return lo
	}
	// b-a >= 0 in exact arithmetic; in int it wraps to a negative value
	// only when it exceeds math.MaxInt, beyond every x.
	d := b - a
	if d < 0 {
		return hi
	}
	if orEqual {
		if d >= hi {
			return hi
		}
		d++
	}
	return min(max(d, lo), hi)
}
