// Package gridstride holds kernels with grid-stride and block-stride
// loops between barriers, which the CPU backend's group form runs in
// lockstep (every thread's first iteration, then every thread's second,
// and so on): atomics into shared memory, sums each thread carries across
// the loop, steps and bounds that are not multiples of the group size,
// threads that run no iteration, several loops between two barriers, a
// return before the loop, and loops the group form leaves alone.
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

// Kept has grid-stride loops the group form runs one thread after the
// other: one that continues itself, and one whose step is a parameter,
// which the group form cannot prove positive. It adds to out[i] what
// thread i visits.
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
