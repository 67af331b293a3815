// Package barriers holds kernels whose barriers sit in the places the CPU
// backend's group form must handle: uniform early exits, exits after the
// last barrier, breaks and continues of loops with barriers, device
// functions that wait at barriers (also inside expressions), assigned
// parameters and array and struct variables that live across a barrier,
// two-dimensional groups, and a barrier inside a switch.
package barriers

import "github.com/dotcompute/dc"

const group = 64

// GroupExit skips whole groups past n before the first barrier, and lets
// each thread past n leave after the last one.
//
//dc:kernel
func GroupExit(t dc.Thread, in, out []int32, n int) {
	if t.GroupX()*t.GroupSizeX() >= n {
		return
	}
	sh := dc.Shared[[group]int32](t)
	i, l := t.GlobalX(), t.LocalX()
	var v int32
	if i < n {
		v = in[i]
	}
	sh[l] = v
	t.Barrier()
	if i >= n {
		return
	}
	out[i] = sh[(l+1)%t.GroupSizeX()] + sh[l]
}

// ExitInIf returns from half the threads after a barrier inside an if, and
// runs more code after the if.
//
//dc:kernel
func ExitInIf(t dc.Thread, in, out []int32, flag int) {
	sh := dc.Shared[[group]int32](t)
	i, l := t.GlobalX(), t.LocalX()
	v := in[i]
	if flag > 0 {
		sh[l] = v
		t.Barrier()
		v += sh[t.GroupSizeX()-1-l]
		if l%2 == 0 {
			out[i] = v
			return
		}
	}
	out[i] = -v
}

// Rounds runs rounds of a neighbour sum with a break and a continue of the
// loop that holds the barriers.
//
//dc:kernel
func Rounds(t dc.Thread, in, out []int32, stop, skip int) {
	sh := dc.Shared[[group]int32](t)
	i, l := t.GlobalX(), t.LocalX()
	acc := in[i]
	for r := 0; r < 8; r++ {
		if r == stop {
			break
		}
		if r == skip {
			continue
		}
		sh[l] = acc
		t.Barrier()
		acc += sh[(l+r+1)%t.GroupSizeX()]
		t.Barrier()
	}
	out[i] = acc
}

// Switch waits at barriers inside a switch on a uniform value, with a
// break out of the switch and a case that falls through into the next.
//
//dc:kernel
func Switch(t dc.Thread, in, out []int32, mode int) {
	sh := dc.Shared[[group]int32](t)
	i, l := t.GlobalX(), t.LocalX()
	switch mode {
	case 1, 3:
		sh[l] = in[i] * 2
		t.Barrier()
		out[i] = sh[t.GroupSizeX()-1-l]
		if mode == 3 {
			break
		}
		out[i]++
	case 2:
		sh[l] = in[i]
		t.Barrier()
		out[i] = sh[(l+1)%t.GroupSizeX()]
	case 4:
		sh[l] = in[i] + 1
		t.Barrier()
		out[i] = sh[(l+2)%t.GroupSizeX()] * 10
		t.Barrier()
		fallthrough
	case 5:
		sh[l] = in[i] * 5
		t.Barrier()
		out[i] += sh[l^1]
	default:
		out[i] = in[i]
	}
}

// pickHalf returns the value of thread 0 of the group in even groups, the
// thread's own in odd ones: it returns before its end.
func pickHalf(t dc.Thread, v int32) int32 {
	sh := dc.Shared[[group]int32](t)
	l := t.LocalX()
	sh[l] = v
	t.Barrier()
	if t.GroupX()%2 == 0 {
		return sh[0]
	}
	return sh[l]
}

// EarlyReturn calls pickHalf.
//
//dc:kernel
func EarlyReturn(t dc.Thread, in, out []int32) {
	i := t.GlobalX()
	out[i] = pickHalf(t, in[i])
}

// Stepped steps the loop variable of a loop with barriers inside the
// loop's body.
//
//dc:kernel
func Stepped(t dc.Thread, in, out []int32) {
	sh := dc.Shared[[group]int32](t)
	i, l := t.GlobalX(), t.LocalX()
	acc := in[i]
	for r := 0; r < 3; {
		sh[l] = acc
		t.Barrier()
		acc += sh[(l+r+1)%t.GroupSizeX()]
		t.Barrier()
		r++
	}
	out[i] = acc
}

// groupSum returns the sum of v over the thread's group.
func groupSum(t dc.Thread, v float32) float32 {
	sh := dc.Shared[[group]float32](t)
	l := t.LocalX()
	sh[l] = v
	t.Barrier()
	for s := t.GroupSizeX() / 2; s > 0; s /= 2 {
		if l < s {
			sh[l] += sh[l+s]
		}
		t.Barrier()
	}
	r := sh[0]
	t.Barrier()
	return r
}

// swapSum waits for the group and returns a - b, with its parameter names
// the caller's in the other order.
func swapSum(t dc.Thread, a, b float32) float32 {
	t.Barrier()
	return a - b
}

// Inline calls device functions that wait at barriers: as a value, inside
// an expression, and twice.
//
//dc:kernel
func Inline(t dc.Thread, in, out []float32) {
	i := t.GlobalX()
	a, b := in[i], 2*in[i]
	total := groupSum(t, a)
	d := swapSum(t, b, a)
	out[i] = total + groupSum(t, b)*0.5 + d
}

type pair struct{ lo, hi int32 }

// Carry keeps an assigned parameter, an array and a struct across barriers.
//
//dc:kernel
func Carry(t dc.Thread, in, out []int32, k int) {
	sh := dc.Shared[[group]int32](t)
	i, l := t.GlobalX(), t.LocalX()
	k += l
	var acc [4]int32
	var p pair
	for r := range 4 {
		sh[l] = in[i] + int32(r)
		t.Barrier()
		acc[r] = sh[(l+r)%t.GroupSizeX()]
		p.lo += acc[r]
		p.hi -= acc[r]
		t.Barrier()
	}
	out[i] = acc[0] + acc[1]*2 + acc[2]*3 + acc[3]*4 + p.lo*int32(k) + p.hi
}

// Tile2D transposes 8×8 tiles of a w×h matrix through shared memory with
// two-dimensional groups.
//
//dc:kernel
func Tile2D(t dc.Thread, in, out []float32, w, h int) {
	tile := dc.Shared[[8][9]float32](t)
	x, y := t.GlobalX(), t.GlobalY()
	lx, ly := t.LocalX(), t.LocalY()
	if x < w && y < h {
		tile[ly][lx] = in[y*w+x]
	}
	t.Barrier()
	ox := t.GroupY()*t.GroupSizeY() + lx
	oy := t.GroupX()*t.GroupSizeX() + ly
	if ox < h && oy < w {
		out[oy*h+ox] = tile[lx][ly]
	}
}

// Twice steps the loop variable of a loop with barriers both in its post
// statement and in its body.
//
//dc:kernel
func Twice(t dc.Thread, in, out []int32) {
	sh := dc.Shared[[group]int32](t)
	i, l := t.GlobalX(), t.LocalX()
	acc := in[i]
	for r := 0; r < 6; r++ {
		sh[l] = acc
		t.Barrier()
		acc += sh[(l+r+1)%t.GroupSizeX()]
		t.Barrier()
		r++
	}
	out[i] = acc
}

// OuterBreak breaks out of an outer loop from inside an inner one, both
// holding barriers.
//
//dc:kernel
func OuterBreak(t dc.Thread, in, out []int32, stop int) {
	sh := dc.Shared[[group]int32](t)
	i, l := t.GlobalX(), t.LocalX()
	acc := in[i]
outer:
	for a := 0; a < 3; a++ {
		for b := 0; b < 2; b++ {
			sh[l] = acc
			t.Barrier()
			acc += sh[(l+a+b+1)%t.GroupSizeX()]
			if a*2+b == stop {
				break outer
			}
			t.Barrier()
		}
	}
	out[i] = acc
}

// rounds is the number of rounds CallInCond runs.
func rounds(n int) int { return n%3 + 1 }

// CallInCond waits at barriers in a loop whose condition calls a device
// function: the CPU backend runs it with a goroutine per thread (dckgen -v
// says so), the one form of barrier kernel its loops over a group's
// threads do not express.
//
//dc:kernel
func CallInCond(t dc.Thread, in, out []int32, n int) {
	sh := dc.Shared[[group]int32](t)
	i, l := t.GlobalX(), t.LocalX()
	acc := in[i]
	for r := 0; r < rounds(n); r++ {
		sh[l] = acc
		t.Barrier()
		acc += sh[(l+r+1)%t.GroupSizeX()]
		t.Barrier()
	}
	out[i] = acc
}

// Restep steps a variable its threads declare both between barriers and
// in the post statement of a loop with a barrier, the way cuda-samples'
// odd-even merge sort halves its stride: in the CPU backend's group form
// each thread steps its own copy, in the thread loops and in the loop's
// post statement alike.
//
//dc:kernel
func Restep(t dc.Thread, in, out []int32, size int) {
	sh := dc.Shared[[group]int32](t)
	i, l := t.GlobalX(), t.LocalX()
	acc := in[i]
	for r := 0; r < 2; r++ {
		stride := size
		sh[l] = acc
		t.Barrier()
		acc += sh[(l+stride)%t.GroupSizeX()]
		stride >>= 1
		for ; stride > 0; stride >>= 1 {
			t.Barrier()
			acc += sh[(l+stride)%t.GroupSizeX()]
		}
		t.Barrier()
	}
	out[i] = acc
}

// Neighbours adds up, for each thread, values of the neighbour boxes of
// its group's box staged through shared memory, as Rodinia's lavaMD
// walks a box's neighbours: the loop holding the barriers runs to a count
// read from a slice no thread writes, at the group's index, so every
// thread of the group agrees on it. Box g's neighbours are the boxes
// starts[g], starts[g]+1, ... (counts[g] of them), each group values of
// vals.
//
//dc:kernel
func Neighbours(t dc.Thread, counts, starts []int32, vals, out []float32) {
	sh := dc.Shared[[group]float32](t)
	g, l := t.GroupX(), t.LocalX()
	var acc float32
	for k := 0; k < int(counts[g]); k++ {
		sh[l] = 0
		if idx := (int(starts[g])+k)*group + l; idx >= 0 && idx < len(vals) {
			sh[l] = vals[idx]
		}
		t.Barrier()
		acc += float32(k+1) * sh[(l+k)%group]
		t.Barrier()
	}
	if i := t.GlobalX(); i < len(out) {
		out[i] = acc
	}
}
