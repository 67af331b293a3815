// Package atomics is a golden case: every atomic of the dialect, on slice
// elements and on group-shared arrays — a per-group histogram merged into a
// global one, stream compaction with a ticket counter, group and global
// minimum and maximum, float sums, exchanges, and compare-and-swap loops.
package atomics

import (
	"math"

	"github.com/dotcompute/dc"
)

// maxBins is the most bins Histogram supports.
const maxBins = 64

// Histogram counts data[i] % nbins into bins: each group counts into a
// shared histogram, then adds its non-zero bins to the global one.
//
//dc:kernel
func Histogram(t dc.Thread, data []uint32, bins []uint32, nbins int) {
	h := dc.Shared[[maxBins]uint32](t)
	lx, gs := t.LocalX(), t.GroupSizeX()
	for b := lx; b < nbins; b += gs {
		h[b] = 0
	}
	t.Barrier()
	if i := t.GlobalX(); i < len(data) {
		dc.AtomicAdd(&h[data[i]%uint32(nbins)], 1)
	}
	t.Barrier()
	for b := lx; b < nbins; b += gs {
		if h[b] != 0 {
			dc.AtomicAdd(&bins[b], h[b])
		}
	}
}

// CountThenRead counts each of keys' values in counts, then copies its
// own key's count, as seen through view, to seen. A launch may pass one
// buffer as counts and view: each thread then sees at least its own add.
//
//dc:kernel
func CountThenRead(t dc.Thread, keys []int32, counts, view, seen []int32) {
	if i := t.GlobalX(); i < len(keys) {
		k := keys[i]
		dc.AtomicAdd(&counts[k], 1)
		seen[i] = view[k]
	}
}

// Compact copies the positive elements of xs to the front of out, in no
// particular order, and counts them in count[0]: AtomicAdd's old value is
// each thread's slot.
//
//dc:kernel
func Compact(t dc.Thread, xs, out, count []int32) {
	if i := t.GlobalX(); i < len(xs) && xs[i] > 0 {
		slot := dc.AtomicAdd(&count[0], 1)
		out[slot] = xs[i]
	}
}

// Extremes folds the minimum and maximum of xs into ext[0] and ext[1]
// (through a per-group pair in shared memory) and those of us into uext[0]
// and uext[1] directly. The caller initialises ext and uext.
//
//dc:kernel
func Extremes(t dc.Thread, xs []int32, us []uint32, ext []int32, uext []uint32) {
	s := dc.Shared[[2]int32](t)
	if t.LocalX() == 0 {
		s[0] = math.MaxInt32
		s[1] = math.MinInt32
	}
	t.Barrier()
	if i := t.GlobalX(); i < len(xs) {
		dc.AtomicMin(&s[0], xs[i])
		dc.AtomicMax(&s[1], xs[i])
		dc.AtomicMin(&uext[0], us[i])
		dc.AtomicMax(&uext[1], us[i])
	}
	t.Barrier()
	if t.LocalX() == 0 {
		dc.AtomicMin(&ext[0], s[0])
		dc.AtomicMax(&ext[1], s[1])
	}
}

// SumFloat adds xs into total[0]: each group sums into a shared cell first.
//
//dc:kernel
func SumFloat(t dc.Thread, xs, total []float32) {
	s := dc.Shared[[1]float32](t)
	if t.LocalX() == 0 {
		s[0] = 0
	}
	t.Barrier()
	if i := t.GlobalX(); i < len(xs) {
		dc.AtomicAdd(&s[0], xs[i])
	}
	t.Barrier()
	if t.LocalX() == 0 {
		dc.AtomicAdd(&total[0], s[0])
	}
}

// Exchange passes tokens through single cells: thread i stores i+1 into
// cell[0] and fcell[0] and its local index+1 into a shared cell, keeping
// the values it replaced. Together with the cells' final values the old
// values are each token exactly once.
//
//dc:kernel
func Exchange(t dc.Thread, cell, olds []int32, fcell, folds []float32, uolds, ufinal []uint32, n int) {
	s := dc.Shared[[1]uint32](t)
	lx := t.LocalX()
	if lx == 0 {
		s[0] = 0
	}
	t.Barrier()
	if i := t.GlobalX(); i < n {
		olds[i] = dc.AtomicExchange(&cell[0], int32(i+1))
		folds[i] = dc.AtomicExchange(&fcell[0], float32(i+1))
		uolds[i] = dc.AtomicExchange(&s[0], uint32(lx+1))
	}
	t.Barrier()
	if lx == 0 {
		ufinal[t.GroupX()] = s[0]
	}
}

// CappedSum adds the non-negative xs into acc[0], saturating at limit, with
// a compare-and-swap loop (no atomic does saturation).
//
//dc:kernel
func CappedSum(t dc.Thread, xs, acc []int32, limit int32) {
	i := t.GlobalX()
	if i >= len(xs) {
		return
	}
	v := xs[i]
	old := dc.AtomicAdd(&acc[0], 0) // an atomic read
	for {
		next := min(old+v, limit)
		prev := dc.AtomicCAS(&acc[0], old, next)
		if prev == old {
			break
		}
		old = prev
	}
}

// MaxFloat finds the maximum of xs: a compare-and-swap loop on the float's
// bits in a shared cell per group, then an AtomicMax of an order-preserving
// key in global memory (see orderedKey).
//
//dc:kernel
func MaxFloat(t dc.Thread, xs []float32, maxKey []uint32) {
	s := dc.Shared[[1]uint32](t)
	if t.LocalX() == 0 {
		s[0] = math.Float32bits(float32(math.Inf(-1)))
	}
	t.Barrier()
	if i := t.GlobalX(); i < len(xs) {
		v := xs[i]
		old := dc.AtomicAdd(&s[0], 0) // an atomic read
		for math.Float32frombits(old) < v {
			prev := dc.AtomicCAS(&s[0], old, math.Float32bits(v))
			if prev == old {
				break
			}
			old = prev
		}
	}
	t.Barrier()
	if t.LocalX() == 0 {
		dc.AtomicMax(&maxKey[0], orderedKey(s[0]))
	}
}

// orderedKey maps float32 bits to a uint32 that orders like the floats:
// negative floats have all bits flipped, others just the sign bit.
func orderedKey(bits uint32) uint32 {
	if bits&0x80000000 != 0 {
		return ^bits
	}
	return bits | 0x80000000
}
