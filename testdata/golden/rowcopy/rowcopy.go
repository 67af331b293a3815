// Package rowcopy holds barrier kernels whose code between barriers only
// moves data, one element per thread: staging in shared memory with a
// zero past the end, windows bounded on both sides, per-thread values
// taken from a neighbour, writing back, and 2-D tiles. The CPU backend
// runs such a thread loop as copy and clear over each row of the group's
// threads; every kernel here is checked against dc.Emulate element for
// element, bit for bit.
package rowcopy

import "github.com/dotcompute/dc"

//go:generate go run github.com/dotcompute/dc/cmd/dckgen -emit=cuda,opencl,metal

// G is the largest group size of the 1-D kernels.
const G = 64

// T is the tile side of Tile.
const T = 8

// Stage stages in in shared memory (zero past its end) and writes each
// group's elements back rotated by one: out[i] is the next thread's
// element, the first thread's for the last thread of the group.
//
//dc:kernel
func Stage(t dc.Thread, in, out []float32) {
	sh := dc.Shared[[G]float32](t)
	i, l := t.GlobalX(), t.LocalX()
	var v float32
	if i < len(in) {
		v = in[i]
	}
	sh[l] = v
	t.Barrier()
	next := l + 1
	if next == t.GroupSizeX() {
		next = 0
	}
	if i < len(out) {
		out[i] = sh[next]
	}
}

// Window keeps the elements of in with index in (lo, hi] and below n,
// zero elsewhere, then adds each group's shifted copy: out[i] = w[l] +
// 2*w[l-1] where w is the group's window (w[-1] is 0).
//
//dc:kernel
func Window(t dc.Thread, in, out []int32, lo, hi, n int) {
	w := dc.Shared[[G]int32](t)
	i, l := t.GlobalX(), t.LocalX()
	var v int32
	if i > lo && hi >= i && i < n && i < len(in) {
		v = in[i]
	}
	w[l] = v
	t.Barrier()
	var left int32
	if !(l < 1) {
		left = w[l-1]
	}
	t.Barrier()
	if i < len(out) {
		out[i] = w[l] + 2*left
	}
}

// Shifts runs a Hillis-Steele scan of each group's elements and then a
// reversed one, each step taking a neighbour's value into a per-thread
// variable, and writes both: out[2i] the scan from the left, out[2i+1]
// the scan from the right.
//
//dc:kernel
func Shifts(t dc.Thread, in, out []int32) {
	a := dc.Shared[[G]int32](t)
	b := dc.Shared[[G]int32](t)
	i, l, gs := t.GlobalX(), t.LocalX(), t.GroupSizeX()
	var v int32
	if i < len(in) {
		v = in[i]
	}
	a[l] = v
	b[l] = v
	t.Barrier()
	for s := 1; s < gs; s *= 2 {
		var up, down int32
		if s <= l {
			up = a[l-s]
		}
		if l+s < gs {
			down = b[l+s]
		}
		t.Barrier()
		a[l] += up
		b[l] += down
		t.Barrier()
	}
	if 2*i+1 < len(out) {
		out[2*i] = a[l]
		out[2*i+1] = b[l]
	}
}

// Hold keeps a per-thread copy of the staged element across two barriers
// while the group overwrites shared memory, then writes it back through
// shared memory: out[i] = in[i] + in[i] (0 past in's end) if on is true,
// the group's first staged element otherwise.
//
//dc:kernel
func Hold(t dc.Thread, in, out []int32, on bool) {
	sh := dc.Shared[[G]int32](t)
	i, l := t.GlobalX(), t.LocalX()
	var v int32
	if on && i < len(in) {
		v = in[i]
	}
	sh[l] = v
	t.Barrier()
	mine := sh[l]
	first := sh[0]
	t.Barrier()
	sh[l] = mine
	t.Barrier()
	if i < len(out) {
		if on {
			out[i] = sh[l] + mine
		} else {
			out[i] = first
		}
	}
}

// Tile transposes a tile of shared values: each group stages its T×T
// block of in (rows of n values, m rows; zero outside) in shared memory,
// copies it to a second tile, then writes the transposed block to out
// (rows of m values, n rows).
//
//dc:kernel
func Tile(t dc.Thread, in, out []float32, n, m int) {
	a := dc.Shared[[T][T + 1]float32](t)
	b := dc.Shared[[T][T]float32](t)
	lx, ly := t.LocalX(), t.LocalY()
	col, row := t.GlobalX(), t.GlobalY()
	var v float32
	if row < m && col < n && row*n+col < len(in) {
		v = in[row*n+col]
	}
	a[ly][lx] = v
	t.Barrier()
	b[ly][lx] = a[ly][lx]
	t.Barrier()
	orow, ocol := t.GroupX()*T+ly, t.GroupY()*T+lx
	if orow < n && ocol < m && orow*m+ocol < len(out) {
		out[orow*m+ocol] = b[lx][ly]
	}
}

// Spill stages in in shared memory, reads the element mirrored around
// the array's middle (past the group's threads when the group is smaller
// than the array: still zero under dc.Emulate and on the CPU, where every
// group's shared memory starts zeroed; undefined on GPUs), then writes
// past the group's threads, which the next group must not see: out[i] =
// 2*mirrored + staged.
//
//dc:kernel
func Spill(t dc.Thread, in, out []int32) {
	sh := dc.Shared[[G]int32](t)
	i, l, gs := t.GlobalX(), t.LocalX(), t.GroupSizeX()
	var v int32
	if i < len(in) {
		v = in[i]
	}
	sh[l] = v
	t.Barrier()
	mirrored := sh[G-1-l]
	t.Barrier()
	if l+gs < G && i < len(in) {
		sh[l+gs] = in[i] + 1000
	}
	t.Barrier()
	if i < len(out) {
		out[i] = 2*mirrored + sh[l]
	}
}
