// Package gridstride holds kernels with grid-stride and block-stride
// loops between barriers, which the CPU backend's group form runs in
// lockstep (every thread's first iteration, then every thread's second,
// and so on): atomics into shared memory, sums each thread carries across
// the loop, steps and bounds that are not multiples of the group size,
// threads that run no iteration, several loops between two barriers, a
// return before the loop, and loops the group form leaves alone. Kernels
// without barriers that run a grid-stride loop take the group form too
// (Scale, Carry, Sparse, Offset, WrapFree).
package gridstride

import "github.com/dotcompute/dc"

const group = 64

// Hist counts the values of in[:n] into group bins (value & (group-1)) in
// shared memory with atomic adds, then adds the group's counts to hist.
//
//dc:kernel
func Hist(t dc.Thread, in, hist []int32, n int) {
	sh := dc.Shared[[group]int32](t)
	l := t.LocalX()
	sh[l] = 0
	t.Barrier()
	for i := t.GlobalX(); i < n; i += t.GridSizeX() {
		dc.AtomicAdd(&sh[in[i]&(group-1)], 1)
	}
	t.Barrier()
	dc.AtomicAdd(&hist[l], sh[l])
}

// Sums writes to out[g] the sum over group g's threads of a weighted sum
// of the values each visits (from 2 past its index, by the grid size plus
// 3), times one more than the number of values it visited.
//
//dc:kernel
func Sums(t dc.Thread, in, out []int32, n int) {
	sh := dc.Shared[[group]int32](t)
	l := t.LocalX()
	var sum int32
	count := 0
	w := int32(l%5) + 1
	for i := t.GlobalX() + 2; i < n; i += t.GridSizeX() + 3 {
		sum += in[i] * w
		count++
	}
	sh[l] = sum * int32(count+1)
	t.Barrier()
	if l == 0 {
		var total int32
		for j := 0; j < group; j++ {
			total += sh[j]
		}
		out[t.GroupX()] = total
	}
}

// Strides walks in twice between two barriers: by 7 from the thread's
// index in the group plus the group's first index, up to n-1 included,
// folding the values in order, then grid-stride over the first half,
// mixing in shared values and marking what it visits in seen; it writes
// both results to out.
//
//dc:kernel
func Strides(t dc.Thread, in, out, seen []int32, n int) {
	sh := dc.Shared[[group]int32](t)
	l := t.LocalX()
	sh[l] = int32(l * 3)
	t.Barrier()
	base := t.GroupX() * t.GroupSizeX()
	var a int32
	for i := l + base; i <= n-1; i += 7 {
		a = a*3 + in[i]
	}
	stride := t.GridSizeX()
	var b int32
	for j := t.GlobalX(); j < n/2; j += stride {
		for k := 0; k < 3; k++ {
			if k == 2 {
				break
			}
			b += in[j] ^ sh[(l+k)%group]
		}
		seen[j] = int32(t.GlobalX()) + 1
	}
	t.Barrier()
	if i := t.GlobalX(); i < len(out) {
		out[i] = a + b + sh[(l+1)%group]
	}
}

// Tail copies in[:n] to out plus a shared value, grid-stride, after the
// last barrier; thread skip of each group returns first, leaving its
// elements zero, and every other thread adds 1 to its first element.
//
//dc:kernel
func Tail(t dc.Thread, in, out []int32, n, skip int) {
	sh := dc.Shared[[group]int32](t)
	l := t.LocalX()
	sh[l] = int32(l * 2)
	t.Barrier()
	if l == skip {
		return
	}
	x := sh[(l+3)%group]
	for i := t.GlobalX(); i < n; i += t.GridSizeX() {
		out[i] = in[i] + x
	}
	if i := t.GlobalX(); i < n {
		out[i]++
	}
}

// Kept has two grid-stride loops: one that continues itself, which the
// group form runs in rounds, and one whose step is a parameter, which the
// group form cannot prove positive and so runs one thread after the
// other. It adds to out[i] what thread i visits.
//
//dc:kernel
func Kept(t dc.Thread, in, out []int32, n, step int) {
	sh := dc.Shared[[group]int32](t)
	l := t.LocalX()
	sh[l] = 1
	t.Barrier()
	var s int32
	for i := t.GlobalX(); i < n; i += t.GridSizeX() {
		if in[i] < 0 {
			continue
		}
		s += in[i]
	}
	for i := t.GlobalX(); i < n; i += step {
		s += in[i] * sh[l]
	}
	if i := t.GlobalX(); i < len(out) {
		out[i] = s
	}
}

// Wrap steps i from base plus the thread's index by the grid size while
// i < n, counting in count[i>>56] (127 while i is near the largest int).
// Where i + step wraps around, i is negative, so the count's index is
// out of range: an unchecked kernel panics, as Go does.
//
//dc:kernel unchecked
func Wrap(t dc.Thread, count []int32, base, n int) {
	sh := dc.Shared[[group]int32](t)
	sh[t.LocalX()] = 1
	t.Barrier()
	for i := t.GlobalX() + base; i < n; i += t.GridSizeX() {
		dc.AtomicAdd(&count[i>>56], sh[t.LocalX()])
	}
}

// Scale writes in[i]*3 plus the thread's local index to out[i] for every
// i below n, grid-stride, from base on. Every index is checked: n past
// the end of out or in is a fault naming the first index out of range.
//
//dc:kernel
func Scale(t dc.Thread, in, out []int32, n, base int) {
	for i := t.GlobalX() + base; i < n; i += t.GridSizeX() {
		out[i] = in[i]*3 + int32(t.LocalX())
	}
}

// Carry sums in[i] over the thread's grid-stride indices below n, skips
// negative values, and writes the sum and the number of values added to
// sums and counts at the thread's global index: values live across the
// loop, with statements before and after it, and a return before it.
//
//dc:kernel
func Carry(t dc.Thread, in, sums, counts []int32, n int) {
	g := t.GlobalX()
	if g >= len(sums) {
		return
	}
	var s, c int32
	for i := g; i < n; i += t.GridSizeX() {
		if in[i] < 0 {
			continue
		}
		s += in[i]
		c++
	}
	sums[g], counts[g] = s, c
}

// Sparse adds 1 to hist[in[i]&63] for every i below n with an odd
// in[i], with atomic adds: a grid-stride loop whose effect is
// conditional and goes to memory other threads also update.
//
//dc:kernel
func Sparse(t dc.Thread, in, hist []int32, n int) {
	stride := t.GridSizeX()
	for i := t.GroupX()*t.GroupSizeX() + t.LocalX(); i < n; i += stride {
		if v := in[i]; v&1 != 0 {
			dc.AtomicAdd(&hist[v&63], 1)
		}
	}
}

// Offset copies in to out shifted by one, a stride of three grids at a
// time from index 1, and counts in visits how many iterations each
// thread ran: a step that is not the grid size.
//
//dc:kernel
func Offset(t dc.Thread, in, out, visits []int32, n int) {
	var v int32
	for i := 1 + t.GlobalX(); i <= n-1; i += 3 * t.GridSizeX() {
		out[i] = in[i-1]
		v++
	}
	if g := t.GlobalX(); g < len(visits) {
		visits[g] = v
	}
}

// WrapFree is Wrap without barriers or shared memory.
//
//dc:kernel unchecked
func WrapFree(t dc.Thread, count []int32, base, n int) {
	for i := t.GlobalX() + base; i < n; i += t.GridSizeX() {
		dc.AtomicAdd(&count[i>>56], 1)
	}
}

// Blocks doubles in into out and sums it into sums a block of per
// elements a group, the group's threads a group size apart within the
// block: the loop's bound is the block's end, clipped to len(in) by min.
//
//dc:kernel
func Blocks(t dc.Thread, in, out, sums []int32, per int) {
	sh := dc.Shared[[group]int32](t)
	l := t.LocalX()
	end := min(len(in), (t.GroupX()+1)*per)
	var s int32
	for i := t.GroupX()*per + l; i < end; i += t.GroupSizeX() {
		out[i] = 2 * in[i]
		s += in[i]
	}
	sh[l] = s
	t.Barrier()
	if l == 0 {
		var total int32
		for j := 0; j < t.GroupSizeX(); j++ {
			total += sh[j]
		}
		sums[t.GroupX()] = total
	}
}
