// Package structlits is a golden case: struct literals with array fields,
// set from literals, from array values, or left out (zero), in every
// statement context, and zero struct literals in shared memory.
package structlits

import "github.com/dotcompute/dc"

// Two has array fields around a scalar.
type Two struct {
	A [2]int32
	N int32
	B [3]float32
}

func sum(t Two) float32 { return float32(t.A[0]+t.A[1]+t.N) + t.B[0] + t.B[1] + t.B[2] }

// mk leaves B out: its zero value.
func mk(a [2]int32) Two { return Two{A: a, N: 1} }

// Lits computes with struct literals in declarations, loop and if
// conditions, function results and stores.
//
//dc:kernel
func Lits(t dc.Thread, out []float32, ts []Two) {
	i := t.GlobalX()
	if i >= len(out) {
		return
	}
	arr := [2]int32{int32(i), 2}
	x := Two{A: arr, B: [3]float32{1, 2, 3}}
	y := Two{N: int32(i), B: [3]float32{float32(i), 0, 1}}
	z := Two{}
	s := float32(0)
	for j := 0; sum(Two{A: arr}) > s && j < 3; j++ {
		s += 1
	}
	if sum(Two{A: arr, N: 2}) > 0 {
		s += 10
	}
	ts[i] = mk(arr)
	if i%2 == 1 {
		ts[i] = Two{A: [2]int32{-1, int32(i)}, N: int32(len(ts))}
	}
	out[i] = sum(x) + sum(y) + sum(z) + s
}

// Cell is a bin whose fields are updated by atomics.
type Cell struct {
	N   int32
	Sum float32
	Max [2]uint32 // [0]: through shared memory, [1]: directly
}

// CountCells bins xs by index with atomics on fields of slice elements and
// of a shared struct that a zero literal resets.
//
//dc:kernel
func CountCells(t dc.Thread, cells []Cell, xs []float32) {
	s := dc.Shared[[1]Cell](t)
	if t.LocalX() == 0 {
		s[0] = Cell{}
	}
	t.Barrier()
	if i := t.GlobalX(); i < len(xs) {
		c := i % len(cells)
		dc.AtomicAdd(&cells[c].N, 1)
		dc.AtomicAdd(&cells[c].Sum, xs[i])
		dc.AtomicMax(&cells[c].Max[1], uint32(i))
		dc.AtomicMax(&s[0].Max[0], uint32(i))
		dc.AtomicAdd(&s[0].Sum, 1)
	}
	t.Barrier()
	if t.LocalX() == 0 && len(cells) > 0 {
		dc.AtomicMax(&cells[0].Max[0], s[0].Max[0])
		dc.AtomicAdd(&cells[0].N, int32(s[0].Sum))
	}
}
