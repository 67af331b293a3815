// Package evalorder holds kernels whose results depend on Go's order of
// evaluation: tuple assignments, and range expressions evaluated once.
package evalorder

import "github.com/dotcompute/dc"

// TupleIndex: the index operands on the left are evaluated before any
// assignment, so out[j] is out[0], and s[1] indexes the old s.
//
//dc:kernel
func TupleIndex(t dc.Thread, out, other []int64) {
	if t.GlobalX() != 0 {
		return
	}
	j := 0
	j, out[j] = 1, 7
	out[2] = int64(j)
	s := out
	s, s[1] = other, 9
	s[0] = 5
}

// RangeArray ranges over an array value: the loop sees a copy, so the
// updates the body makes to arr do not reach v.
//
//dc:kernel
func RangeArray(t dc.Thread, a, out []int64) {
	i := t.GlobalX()
	if i >= len(a) {
		return
	}
	var arr [3]int64
	arr[0], arr[1], arr[2] = a[i], a[i]+1, a[i]+2
	var s int64
	for k, v := range arr {
		if k+1 < len(arr) {
			arr[k+1] += v * 10
		}
		s = s*1000 + v
	}
	out[i] = s + arr[2]
}

// RangeReassign reassigns the ranged slice in the body: the loop keeps the
// old slice and length.
//
//dc:kernel
func RangeReassign(t dc.Thread, a, b, out []int64) {
	i := t.GlobalX()
	if i >= len(out) {
		return
	}
	s := a
	var sum int64
	for _, v := range s {
		s = b
		sum = sum*10 + v
	}
	out[i] = sum + int64(len(s))
}
