package cpu

import (
	"math"
	"testing"
)

// TestRowRanges checks Below and AtMost against the comparisons they
// stand for, thread by thread, on small and extreme values.
func TestRowRanges(t *testing.T) {
	vals := []int{math.MinInt, math.MinInt + 1, -1 << 40, -300, -17, -1, 0, 1, 2, 5, 16, 255, 256, 257, 1 << 40, math.MaxInt - 300, math.MaxInt - 1, math.MaxInt}
	ranges := [][2]int{{0, 0}, {0, 1}, {0, 256}, {3, 17}, {5, 2}, {0, 300}}
	n := 0
	for _, a := range vals {
		for _, b := range vals {
			for _, r := range ranges {
				lo, hi := r[0], r[1]
				if !NoWrap(a, hi) {
					continue
				}
				for _, c := range []struct {
					name  string
					f     func(a, b, lo, hi int) int
					holds func(v int) bool
				}{
					{"Below", Below, func(v int) bool { return v < b }},
					{"AtMost", AtMost, func(v int) bool { return v <= b }},
				} {
					e := c.f(a, b, lo, hi)
					if e < lo || e > max(lo, hi) {
						t.Fatalf("%s(%d, %d, %d, %d) = %d, outside [%d, %d]", c.name, a, b, lo, hi, e, lo, max(lo, hi))
					}
					for x := lo; x < hi; x++ {
						if want := c.holds(a + x); want != (x < e) {
							t.Fatalf("%s(%d, %d, %d, %d) = %d, but at x = %d the comparison is %v", c.name, a, b, lo, hi, e, x, want)
						}
					}
					n++
				}
			}
		}
	}
	if n < 1000 {
		t.Fatalf("only %d cases ran", n)
	}
}

// TestNoWrap checks NoWrap at the edge of int.
func TestNoWrap(t *testing.T) {
	for _, c := range []struct {
		a, hi int
		want  bool
	}{
		{0, 256, true},
		{math.MaxInt - 255, 256, true},
		{math.MaxInt - 254, 256, false},
		{math.MaxInt, 1, true},
		{math.MaxInt, 2, false},
		{math.MaxInt, 0, true},
		{math.MinInt, 256, true},
	} {
		if got := NoWrap(c.a, c.hi); got != c.want {
			t.Errorf("NoWrap(%d, %d) = %v, want %v", c.a, c.hi, got, c.want)
		}
	}
}
