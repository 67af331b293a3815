package cpubench

import (
	"sync/atomic"

	"github.com/dotcompute/dc/kernels"
)

// The functions below are the barrier kernels of the CPU table translated
// by hand to per-group Go loops, the way a Go programmer ports a GPU
// kernel: each runs groups g0 to g1-1 of the kernel's launch, one group at
// a time, with the group's shared memory (and every per-thread variable
// that lives across a barrier) in a local array that is reused from group
// to group, and the code between two barriers as one plain loop over the
// group's threads. They run the kernel's own algorithm, step for step, so
// they are the baseline of the generated group form; a thread's work that
// the kernel discards or that adds zero is left out, and shared-memory
// atomics are plain read-modify-writes (one goroutine owns a group).

// ReduceSumGroupsTree is kernels.ReduceSum on float32 translated to
// per-group loops, for groups g0 to g1-1 of dc.Grid1D(len(in)): each group
// copies its kernels.ReduceGroupSize elements (zeros past the end of in)
// into a local array, halves it in the kernel's tree (for s = 128, 64, ...,
// 1: element l < s adds element l+s), and stores element 0 in
// partial[group].
func ReduceSumGroupsTree(in, partial []float32, g0, g1 int) {
	const gs = kernels.ReduceGroupSize
	var sh [gs]float32
	for g := g0; g < g1; g++ {
		i0 := g * gs
		n := copy(sh[:], in[min(i0, len(in)):min(i0+gs, len(in))])
		clear(sh[n:])
		for s := gs / 2; s > 0; s /= 2 {
			low := sh[:s]
			high := sh[s:][:len(low)]
			for l := range low {
				low[l] += high[l]
			}
		}
		if g < len(partial) {
			partial[g] = sh[0]
		}
	}
}

// MatMulGroupsTiled is kernels.MatMul translated to per-group loops, for
// groups g0 to g1-1 of dc.Grid2D(n, m) in the launch's order (group g
// covers rows g/⌈n/16⌉·16 on and columns g%⌈n/16⌉·16 on): for each
// kernels.TileSize-wide step along k, every thread of the 16×16 group
// loads one element of a's and one of b's tile into local arrays (zeros
// outside the matrices), then every thread adds the 16 products of its
// tile row and column to its own sum, kept in a 16×16 local array across
// the steps; the sums end in c.
func MatMulGroupsTiled(a, b, c []float32, m, n, k, g0, g1 int) {
	const ts = kernels.TileSize
	var ta, tb, acc [ts][ts]float32
	ngx := (n + ts - 1) / ts
	for g := g0; g < g1; g++ {
		r0, c0 := g/ngx*ts, g%ngx*ts
		acc = [ts][ts]float32{}
		for k0 := 0; k0 < k; k0 += ts {
			for ly := range ts {
				row, kb := r0+ly, k0+ly
				for lx := range ts {
					col, ka := c0+lx, k0+lx
					var av, bv float32
					if row < m && ka < k {
						av = a[row*k+ka]
					}
					if col < n && kb < k {
						bv = b[kb*n+col]
					}
					ta[ly][lx], tb[ly][lx] = av, bv
				}
			}
			for ly := range ts {
				for lx := range ts {
					s := acc[ly][lx]
					for j := range ts {
						s += ta[ly][j] * tb[j][lx]
					}
					acc[ly][lx] = s
				}
			}
		}
		for ly := range min(ts, m-r0) {
			row := c[(r0+ly)*n+c0:]
			for lx := range min(ts, n-c0) {
				row[lx] = acc[ly][lx]
			}
		}
	}
}

// BlockScanGroupsHillisSteele is BlockScan translated to per-group loops,
// for groups g0 to g1-1 of dc.Grid1D(len(in)): each group copies its
// ScanGroupSize elements (zeros past the end of in) into a local array and
// runs the kernel's Hillis-Steele steps, s = 1, 2, 4, ..., 128, each in
// the kernel's two phases: every thread l >= s reads element l-s into a
// second local array (a copy), then adds what it read to element l. The
// scanned group goes to out and its last element to sums[group].
func BlockScanGroupsHillisSteele(in, out, sums []int32, g0, g1 int) {
	const gs = ScanGroupSize
	var sh, add [gs]int32
	for g := g0; g < g1; g++ {
		i0 := g * gs
		n := copy(sh[:], in[min(i0, len(in)):min(i0+gs, len(in))])
		clear(sh[n:])
		for s := 1; s < gs; s *= 2 {
			copy(add[s:], sh[:gs-s])
			dst, src := sh[s:], add[s:]
			for l := range dst {
				dst[l] += src[l]
			}
		}
		if i0 < len(out) {
			copy(out[i0:], sh[:])
		}
		if g < len(sums) {
			sums[g] = sh[gs-1]
		}
	}
}

// HistogramGroupsShared is Histogram translated to per-group loops, for
// groups g0 to g1-1 of a launch of groups HistBins-thread groups: each
// group zeroes a local array of HistBins counts, runs every thread's
// grid-stride loop in turn (thread l of group g counts in[g·HistBins+l],
// then every groups·HistBins-th value after it), and adds its non-zero
// counts to hist with atomic adds.
func HistogramGroupsShared(in []uint32, hist []int32, groups, g0, g1 int) {
	var sh [HistBins]int32
	stride := groups * HistBins
	for g := g0; g < g1; g++ {
		clear(sh[:])
		for l := range HistBins {
			for i := g*HistBins + l; i < len(in); i += stride {
				sh[in[i]%HistBins]++
			}
		}
		for l, c := range sh {
			if c != 0 {
				atomic.AddInt32(&hist[l], c)
			}
		}
	}
}

// NBodyGroupsTiled is NBody translated to per-group loops, for groups g0
// to g1-1 of dc.Grid1D(n): each group keeps its threads' positions and
// accelerations in local arrays; for each tile of NBodyTile bodies, every
// thread stages one body in a local tile, then every thread adds the
// pulls of the tile's bodies, in order, to its acceleration, which ends in
// acc.
func NBodyGroupsTiled(pos, acc []float32, n, g0, g1 int) {
	var (
		tile       [NBodyTile][4]float32
		px, py, pz [NBodyTile]float32
		ax, ay, az [NBodyTile]float32
	)
	for g := g0; g < g1; g++ {
		i0 := g * NBodyTile
		nt := min(NBodyTile, n-i0) // threads with a body
		for l := range nt {
			i := i0 + l
			px[l], py[l], pz[l] = pos[4*i], pos[4*i+1], pos[4*i+2]
			ax[l], ay[l], az[l] = 0, 0, 0
		}
		for base := 0; base < n; base += NBodyTile {
			staged := tile[:min(NBodyTile, n-base)]
			for l := range staged {
				staged[l] = [4]float32(pos[4*(base+l):])
			}
			for l := range nt {
				x, y, z := px[l], py[l], pz[l]
				sx, sy, sz := ax[l], ay[l], az[l]
				for k := range staged {
					sx, sy, sz = nbodyPull(x, y, z, staged[k][0], staged[k][1], staged[k][2], staged[k][3], sx, sy, sz)
				}
				ax[l], ay[l], az[l] = sx, sy, sz
			}
		}
		for l := range nt {
			i := i0 + l
			acc[3*i], acc[3*i+1], acc[3*i+2] = ax[l], ay[l], az[l]
		}
	}
}
