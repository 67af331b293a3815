// Package transpose is a golden case: a matrix transpose through a
// 16x17 shared tile (the padding column avoids shared-memory bank
// conflicts on GPUs), with coalesced loads and stores on a 2D grid.
package transpose

import "github.com/dotcompute/dc"

// tile is the side of the tiles; the kernels need 16x16 groups.
const tile = 16

// Transpose writes the transpose of the h x w row-major matrix in to out
// (w x h). Each group loads a tile row by row, and stores the transposed
// tile row by row too.
//
//dc:kernel
func Transpose(t dc.Thread, in, out []float32, w, h int) {
	s := dc.Shared[[tile][tile + 1]float32](t)
	lx, ly := t.LocalX(), t.LocalY()
	x := t.GroupX()*tile + lx
	y := t.GroupY()*tile + ly
	if x < w && y < h {
		s[ly][lx] = in[y*w+x]
	}
	t.Barrier()
	// Swap the group's coordinates; the thread's stay.
	x = t.GroupY()*tile + lx
	y = t.GroupX()*tile + ly
	if x < h && y < w {
		out[y*h+x] = s[lx][ly]
	}
}

// TransposeInt is Transpose for int32 matrices, written with 2D thread
// indexes, as a naive kernel without shared memory.
//
//dc:kernel
func TransposeInt(t dc.Thread, in, out []int32, w, h int) {
	x, y := t.GlobalX(), t.GlobalY()
	if x < w && y < h {
		out[x*h+y] = in[y*w+x]
	}
}
