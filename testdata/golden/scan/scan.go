// Package scan is a golden case: a generic inclusive prefix sum. Each group
// scans its elements in shared memory (Hillis-Steele, two barriers per
// step of the loop) and writes its total; scanning the totals and adding
// them back gives the scan of the whole input.
package scan

import "github.com/dotcompute/dc"

// maxGroup is the largest group size Scan supports.
const maxGroup = 256

// Scan writes the inclusive prefix sums of each group's elements of in[:n]
// to out and the group's total to sums[group].
//
//dc:kernel types=int32,float32
func Scan[T int32 | float32](t dc.Thread, in, out, sums []T, n int) {
	s := dc.Shared[[maxGroup]T](t)
	lx, i := t.LocalX(), t.GlobalX()
	var v T
	if i < n {
		v = in[i]
	}
	s[lx] = v
	t.Barrier()
	for off := 1; off < t.GroupSizeX(); off *= 2 {
		var add T
		if lx >= off {
			add = s[lx-off]
		}
		t.Barrier()
		s[lx] += add
		t.Barrier()
	}
	if i < n {
		out[i] = s[lx]
	}
	if lx == t.GroupSizeX()-1 {
		sums[t.GroupX()] = s[lx]
	}
}

// AddOffsets adds the inclusive scan of the group totals of the groups
// before each element's group: offsets[g-1] to the elements of group g.
//
//dc:kernel types=int32,float32
func AddOffsets[T int32 | float32](t dc.Thread, out, offsets []T, n int) {
	i := t.GlobalX()
	if g := t.GroupX(); i < n && g > 0 {
		out[i] += offsets[g-1]
	}
}
