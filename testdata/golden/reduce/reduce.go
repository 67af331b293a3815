// Package reduce is a golden case: a generic sum reduction. Each thread adds
// a grid-stride slice of the input, then each group reduces its threads'
// sums as a tree in shared memory (a barrier in the loop) and writes one
// partial sum. Running it again over the partials with one group gives the
// total.
package reduce

import "github.com/dotcompute/dc"

// maxGroup is the largest group size Reduce supports.
const maxGroup = 256

// Reduce writes the sum of the elements of in[:n] that the threads of group
// g visit to partial[g]. The group size must be a power of two, at most
// maxGroup.
//
//dc:kernel types=float32,float64
func Reduce[T dc.Float](t dc.Thread, in, partial []T, n int) {
	s := dc.Shared[[maxGroup]T](t)
	lx := t.LocalX()
	var v T
	for i := t.GlobalX(); i < n; i += t.GridSizeX() {
		v += in[i]
	}
	s[lx] = v
	t.Barrier()
	for stride := t.GroupSizeX() / 2; stride > 0; stride /= 2 {
		if lx < stride {
			s[lx] += s[lx+stride]
		}
		t.Barrier()
	}
	if lx == 0 {
		partial[t.GroupX()] = s[0]
	}
}
