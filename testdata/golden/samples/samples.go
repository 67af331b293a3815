// Package samples is a golden case: more ports of public GPU kernels,
// written in the dialect the way a CUDA programmer ports them. From
// NVIDIA's cuda-samples: vectorAdd, the reduction sample's reduce0 to
// reduce5 (generic over the element type, the template block size a
// constant), simpleAtomicIntrinsics (the atomics CUDA has and the dialect
// lacks built from compare-and-swap loops), MonteCarlo's one group per
// option, quasirandomGenerator's Niederreiter generator and inverse CND,
// fastWalshTransform's radix-4 stage and modulation, lineOfSight's angles
// and max-scan, MersenneTwisterGP11213's generator (its state in a local
// array) and Box-Muller transform, recursiveGaussian's column filter
// (float4 arithmetic as methods), stereoDisparity (window sums in
// shared memory, barriers in nested loops), and particles' grid hash,
// cell start search and DEM collisions. From Rodinia: bfs (both kernels, launched until
// nothing changes), nn's euclid, cfd euler3d's step factor, flux and time
// step, hotspot3D, needleman-wunsch's second kernel, particlefilter's
// likelihood, sum, normalisation and index search, hybridsort's bucket
// count, and leukocyte's GICOV and dilation kernels.
package samples

import (
	"math"

	"github.com/dotcompute/dc"
)

// VectorAdd is cuda-samples vectorAdd.cu, vectorAdd: c = a + b.
//
//dc:kernel
func VectorAdd(t dc.Thread, a, b, c []float32, numElements int) {
	i := t.GroupSizeX()*t.GroupX() + t.LocalX()
	if i < numElements {
		c[i] = a[i] + b[i]
	}
}

// RedBlock is the group size of the reduction kernels (the template
// parameter blockSize of reduce4 and reduce5).
const RedBlock = 128

// Reduce0 is cuda-samples reduction_kernel.cu, reduce0: interleaved
// addressing with a divergent modulo test.
//
//dc:kernel types=int32,float32
func Reduce0[T dc.Number](t dc.Thread, gIdata, gOdata []T, n int) {
	sdata := dc.Shared[[RedBlock]T](t)
	tid := t.LocalX()
	i := t.GroupX()*t.GroupSizeX() + t.LocalX()
	if i < n {
		sdata[tid] = gIdata[i]
	} else {
		sdata[tid] = 0
	}
	t.Barrier()
	for s := 1; s < t.GroupSizeX(); s *= 2 {
		if tid%(2*s) == 0 {
			sdata[tid] += sdata[tid+s]
		}
		t.Barrier()
	}
	if tid == 0 {
		gOdata[t.GroupX()] = sdata[0]
	}
}

// Reduce1 is cuda-samples reduction_kernel.cu, reduce1: interleaved
// addressing with a strided index and no divergence.
//
//dc:kernel types=int32,float32
func Reduce1[T dc.Number](t dc.Thread, gIdata, gOdata []T, n int) {
	sdata := dc.Shared[[RedBlock]T](t)
	tid := uint(t.LocalX())
	i := uint(t.GroupX()*t.GroupSizeX() + t.LocalX())
	var v T
	if i < uint(n) {
		v = gIdata[i]
	}
	sdata[tid] = v
	t.Barrier()
	for s := uint(1); s < uint(t.GroupSizeX()); s *= 2 {
		index := 2 * s * tid
		if index < uint(t.GroupSizeX()) {
			sdata[index] += sdata[index+s]
		}
		t.Barrier()
	}
	if tid == 0 {
		gOdata[t.GroupX()] = sdata[0]
	}
}

// Reduce2 is cuda-samples reduction_kernel.cu, reduce2: sequential
// addressing.
//
//dc:kernel types=int32,float32
func Reduce2[T dc.Number](t dc.Thread, gIdata, gOdata []T, n int) {
	sdata := dc.Shared[[RedBlock]T](t)
	tid := t.LocalX()
	i := t.GroupX()*t.GroupSizeX() + t.LocalX()
	sdata[tid] = 0
	if i < n {
		sdata[tid] = gIdata[i]
	}
	t.Barrier()
	for s := t.GroupSizeX() / 2; s > 0; s >>= 1 {
		if tid < s {
			sdata[tid] += sdata[tid+s]
		}
		t.Barrier()
	}
	if tid == 0 {
		gOdata[t.GroupX()] = sdata[0]
	}
}

// Reduce3 is cuda-samples reduction_kernel.cu, reduce3: the first add
// during the load, two elements per thread.
//
//dc:kernel types=int32,float32
func Reduce3[T dc.Number](t dc.Thread, gIdata, gOdata []T, n int) {
	sdata := dc.Shared[[RedBlock]T](t)
	tid := t.LocalX()
	i := t.GroupX()*(t.GroupSizeX()*2) + t.LocalX()
	var mySum T
	if i < n {
		mySum = gIdata[i]
	}
	if i+t.GroupSizeX() < n {
		mySum += gIdata[i+t.GroupSizeX()]
	}
	sdata[tid] = mySum
	t.Barrier()
	for s := t.GroupSizeX() / 2; s > 0; s >>= 1 {
		if tid < s {
			mySum = mySum + sdata[tid+s]
			sdata[tid] = mySum
		}
		t.Barrier()
	}
	if tid == 0 {
		gOdata[t.GroupX()] = mySum
	}
}

// Reduce4 is cuda-samples reduction_kernel.cu, reduce4: reduce3 with the
// last 32 threads unrolled (the sample's warp-synchronous steps, each
// followed by a barrier here since the dialect has no warps).
//
//dc:kernel types=int32,float32
func Reduce4[T dc.Number](t dc.Thread, gIdata, gOdata []T, n int) {
	sdata := dc.Shared[[RedBlock]T](t)
	tid := t.LocalX()
	i := t.GroupX()*(RedBlock*2) + t.LocalX()
	var mySum T
	if i < n {
		mySum = gIdata[i]
	}
	if i+RedBlock < n {
		mySum += gIdata[i+RedBlock]
	}
	sdata[tid] = mySum
	t.Barrier()
	for s := t.GroupSizeX() / 2; s > 32; s >>= 1 {
		if tid < s {
			mySum = mySum + sdata[tid+s]
			sdata[tid] = mySum
		}
		t.Barrier()
	}
	for offset := 32; offset > 0; offset /= 2 {
		if tid < offset && RedBlock >= 2*offset {
			mySum += sdata[tid+offset]
			sdata[tid] = mySum
		}
		t.Barrier()
	}
	if tid == 0 {
		gOdata[t.GroupX()] = mySum
	}
}

// Reduce5 is cuda-samples reduction_kernel.cu, reduce5: fully unrolled
// over the constant block size; the steps that a smaller block size does
// not need are constant-false branches, each with its barrier.
//
//dc:kernel types=int32,float32
func Reduce5[T dc.Number](t dc.Thread, gIdata, gOdata []T, n int) {
	sdata := dc.Shared[[RedBlock]T](t)
	tid := t.LocalX()
	i := t.GroupX()*(RedBlock*2) + t.LocalX()
	var mySum T
	if i < n {
		mySum = gIdata[i]
	}
	if i+RedBlock < n {
		mySum += gIdata[i+RedBlock]
	}
	sdata[tid] = mySum
	t.Barrier()
	if RedBlock >= 512 {
		if tid < 256 {
			mySum += sdata[tid+256]
			sdata[tid] = mySum
		}
		t.Barrier()
	}
	if RedBlock >= 256 {
		if tid < 128 {
			mySum += sdata[tid+128]
			sdata[tid] = mySum
		}
		t.Barrier()
	}
	if RedBlock >= 128 {
		if tid < 64 {
			mySum += sdata[tid+64]
			sdata[tid] = mySum
		}
		t.Barrier()
	}
	if RedBlock >= 64 {
		if tid < 32 {
			mySum += sdata[tid+32]
			sdata[tid] = mySum
		}
		t.Barrier()
	}
	for offset := 16; offset > 0; offset /= 2 {
		if tid < offset {
			mySum += sdata[tid+offset]
			sdata[tid] = mySum
		}
		t.Barrier()
	}
	if tid == 0 {
		gOdata[t.GroupX()] = mySum
	}
}

// atomicInc is CUDA's atomicInc built from compare-and-swap: it stores
// (old >= limit) ? 0 : old+1 and returns old.
func atomicInc(s []uint32, i int, limit uint32) uint32 {
	old := s[i]
	for {
		next := old + 1
		if old >= limit {
			next = 0
		}
		got := dc.AtomicCAS(&s[i], old, next)
		if got == old {
			return old
		}
		old = got
	}
}

// atomicDec is CUDA's atomicDec: it stores (old == 0 || old > limit) ?
// limit : old-1 and returns old.
func atomicDec(s []uint32, i int, limit uint32) uint32 {
	old := s[i]
	for {
		next := old - 1
		if old == 0 || old > limit {
			next = limit
		}
		got := dc.AtomicCAS(&s[i], old, next)
		if got == old {
			return old
		}
		old = got
	}
}

// atomicBits applies op (0 and, 1 or, 2 xor) with v to s[i] atomically
// and returns the old value.
func atomicBits(s []int32, i int, v int32, op int) int32 {
	old := s[i]
	for {
		var next int32
		switch op {
		case 0:
			next = old & v
		case 1:
			next = old | v
		default:
			next = old ^ v
		}
		if got := dc.AtomicCAS(&s[i], old, next); got != old {
			old = got
			continue
		}
		return old
	}
}

// SimpleAtomics is cuda-samples simpleAtomicIntrinsics.cu, testKernel:
// every thread applies each atomic operation to its own slot of gOdata
// (atomicInc and atomicDec on gUdata, which CUDA reaches by a cast).
//
//dc:kernel
func SimpleAtomics(t dc.Thread, gOdata []int32, gUdata []uint32) {
	tid := int32(t.GroupSizeX()*t.GroupX() + t.LocalX())
	dc.AtomicAdd(&gOdata[0], 10)
	dc.AtomicExchange(&gOdata[1], tid)
	dc.AtomicMax(&gOdata[2], tid)
	dc.AtomicMin(&gOdata[3], tid)
	atomicInc(gUdata, 0, 17)
	atomicDec(gUdata, 1, 137)
	dc.AtomicCAS(&gOdata[6], tid-1, tid)
	atomicBits(gOdata, 7, 2*tid+7, 0)
	atomicBits(gOdata, 8, 1<<tid, 1)
	atomicBits(gOdata, 9, tid, 2)
}

// MCThreads is MonteCarloOneBlockPerOption's group size (the sample's
// THREAD_N and SUM_N).
const MCThreads = 128

// MCOption is the sample's __TOptionData.
type MCOption struct {
	S, X, MuByT, VBySqrtT float32
}

// MCValue is the sample's __TOptionValue.
type MCValue struct {
	Expected, Confidence float32
}

// endCallValue is the payoff of one path.
func endCallValue(s, x, r, muByT, vBySqrtT float32) float32 {
	callValue := s*dc.Exp(muByT+vBySqrtT*r) - x
	if callValue > 0 {
		return callValue
	}
	return 0
}

// MonteCarloOneBlockPerOption is cuda-samples MonteCarlo_kernel.cuh,
// MonteCarloOneBlockPerOption: a group per option sums the payoff and its
// square over pathN paths (normal samples given in samples instead of
// cuRAND's) and reduces the per-thread sums in shared memory.
//
//dc:kernel
func MonteCarloOneBlockPerOption(t dc.Thread, samples []float32, options []MCOption, callValue []MCValue, pathN, optionN int) {
	sSumCall := dc.Shared[[MCThreads]float32](t)
	sSum2Call := dc.Shared[[MCThreads]float32](t)
	for optionIndex := t.GroupX(); optionIndex < optionN; optionIndex += t.NumGroupsX() {
		o := options[optionIndex]
		for iSum := t.LocalX(); iSum < MCThreads; iSum += t.GroupSizeX() {
			var sum MCValue
			for i := iSum; i < pathN; i += MCThreads {
				v := endCallValue(o.S, o.X, samples[i], o.MuByT, o.VBySqrtT)
				sum.Expected += v
				sum.Confidence += v * v
			}
			sSumCall[iSum] = sum.Expected
			sSum2Call[iSum] = sum.Confidence
		}
		t.Barrier()
		for s := MCThreads / 2; s > 0; s >>= 1 {
			if t.LocalX() < s {
				sSumCall[t.LocalX()] += sSumCall[t.LocalX()+s]
				sSum2Call[t.LocalX()] += sSum2Call[t.LocalX()+s]
			}
			t.Barrier()
		}
		if t.LocalX() == 0 {
			callValue[optionIndex] = MCValue{sSumCall[0], sSum2Call[0]}
		}
		t.Barrier()
	}
}

// moroInvCND is quasirandomGenerator_kernel.cuh's MoroInvCNDgpu: the
// inverse of the standard normal CDF at (x + 0.5) / 2^32.
func moroInvCND(x uint32) float32 {
	const (
		a1 = 2.50662823884
		a2 = -18.61500062529
		a3 = 41.39119773534
		a4 = -25.44106049637
		b1 = -8.4735109309
		b2 = 23.08336743743
		b3 = -21.06224101826
		b4 = 3.13082909833
		c1 = 0.337475482272615
		c2 = 0.976169019091719
		c3 = 0.160797971491821
		c4 = 2.76438810333863e-02
		c5 = 3.8405729373609e-03
		c6 = 3.951896511919e-04
		c7 = 3.21767881768e-05
		c8 = 2.888167364e-07
		c9 = 3.960315187e-07
	)
	var z float32
	negate := false
	if x >= 0x80000000 {
		x = 0xffffffff - x
		negate = true
	}
	const x1 = float32(1.0) / float32(0xffffffff)
	const x2 = x1 / 2
	p1 := float32(x)*x1 + x2
	p2 := p1 - 0.5
	if p2 > -0.42 {
		z = p2 * p2
		z = p2 * (((a4*z+a3)*z+a2)*z + a1) / ((((b4*z+b3)*z+b2)*z+b1)*z + 1)
	} else {
		z = dc.Log(-dc.Log(p1))
		z = -(c1 + z*(c2+z*(c3+z*(c4+z*(c5+z*(c6+z*(c7+z*(c8+z*c9))))))))
	}
	if negate {
		return -z
	}
	return z
}

// InverseCND is cuda-samples quasirandomGenerator_kernel.cuh,
// inverseCNDKernel: the inverse CND of each input, or, when input is
// empty, of pathN evenly spaced points.
//
//dc:kernel
func InverseCND(t dc.Thread, output []float32, input []uint32, pathN uint32) {
	distance := ^uint32(0) / (pathN + 1)
	tid := uint32(t.GroupSizeX()*t.GroupX() + t.LocalX())
	threadN := uint32(t.GroupSizeX() * t.NumGroupsX())
	if len(input) > 0 {
		for pos := tid; pos < pathN; pos += threadN {
			output[pos] = moroInvCND(input[pos])
		}
	} else {
		for pos := tid; pos < pathN; pos += threadN {
			output[pos] = moroInvCND((pos + 1) * distance)
		}
	}
}

// FWTBatch2 is cuda-samples fastWalshTransform_kernel.cuh,
// fwtBatch2Kernel: one radix-4 stage of stride stride over a batch of
// vectors, one per group row.
//
//dc:kernel
func FWTBatch2(t dc.Thread, dOutput, dInput []float32, stride int) {
	pos := t.GroupX()*t.GroupSizeX() + t.LocalX()
	n := t.GroupSizeX() * t.NumGroupsX() * 4
	src := dInput[t.GroupY()*n:]
	dst := dOutput[t.GroupY()*n:]
	lo := pos & (stride - 1)
	i0 := (pos-lo)<<2 + lo
	i1 := i0 + stride
	i2 := i1 + stride
	i3 := i2 + stride
	d0, d1, d2, d3 := src[i0], src[i1], src[i2], src[i3]
	d0, d2 = d0+d2, d0-d2
	d1, d3 = d1+d3, d1-d3
	dst[i0], dst[i1] = d0+d1, d0-d1
	dst[i2], dst[i3] = d2+d3, d2-d3
}

// FWTModulate is cuda-samples fastWalshTransform_kernel.cuh,
// modulateKernel: a *= b / N.
//
//dc:kernel
func FWTModulate(t dc.Thread, dA, dB []float32, n int) {
	tid := t.GroupX()*t.GroupSizeX() + t.LocalX()
	numThreads := t.GroupSizeX() * t.NumGroupsX()
	rcpN := 1 / float32(n)
	for pos := tid; pos < n; pos += numThreads {
		dA[pos] *= dB[pos] * rcpN
	}
}

// LOSGroup is the group size of the line-of-sight kernels.
const LOSGroup = 64

// LOSAngles is cuda-samples lineOfSight.cu's ComputeAngle: the elevation
// angle, seen from the origin at height h0, of each of the samples taken
// every delta along the ray.
//
//dc:kernel
func LOSAngles(t dc.Thread, angles, heights []float32, h0, delta float32) {
	if i := t.GlobalX(); i < len(angles) {
		dist := float32(i+1) * delta
		angles[i] = dc.Atan2(heights[i]-h0, dist)
	}
}

// LOSScanMax is the max-scan lineOfSight.cu runs with thrust: an
// inclusive Hillis-Steele scan of each group's angles in shared memory,
// the group maxima written to groupMax.
//
//dc:kernel
func LOSScanMax(t dc.Thread, scanned, groupMax, angles []float32) {
	s := dc.Shared[[2][LOSGroup]float32](t)
	l, i, n := t.LocalX(), t.GlobalX(), len(angles)
	v := float32(-4) // below every angle atan2 returns
	if i < n {
		v = angles[i]
	}
	s[0][l] = v
	t.Barrier()
	in := 0
	for off := 1; off < LOSGroup; off *= 2 {
		if l >= off {
			v = max(v, s[in][l-off])
		}
		s[1-in][l] = v
		in = 1 - in
		t.Barrier()
	}
	if i < n {
		scanned[i] = v
	}
	if l == LOSGroup-1 {
		groupMax[t.GroupX()] = v
	}
}

// LOSVisible finishes lineOfSight.cu's max-scan with the maxima of the
// groups before each point's (scanned serially by each thread: there are
// few groups) and marks a point visible when no point before it rises
// higher.
//
//dc:kernel
func LOSVisible(t dc.Thread, visible []bool, scanned, groupMax, angles []float32) {
	i := t.GlobalX()
	if i >= len(angles) {
		return
	}
	before := float32(-4)
	for g := 0; g < t.GroupX(); g++ {
		before = max(before, groupMax[g])
	}
	if l := t.LocalX(); l > 0 {
		before = max(before, scanned[i-1])
	}
	visible[i] = angles[i] >= before
}

// MaxThreadsPerBlock is Rodinia bfs's group size.
const MaxThreadsPerBlock = 128

// BFSNode is Rodinia bfs's Node: the node's first edge and its number of
// edges.
type BFSNode struct {
	Starting  int32
	NoOfEdges int32
}

// BFSKernel is Rodinia bfs kernel.cu, Kernel: each node of the frontier
// (mask) gives its unvisited neighbours the next cost and marks them for
// the next frontier.
//
//dc:kernel
func BFSKernel(t dc.Thread, graphNodes []BFSNode, graphEdges []int32, graphMask, updatingGraphMask, graphVisited []bool, cost []int32, noOfNodes int) {
	tid := t.GroupX()*MaxThreadsPerBlock + t.LocalX()
	if tid < noOfNodes && graphMask[tid] {
		graphMask[tid] = false
		node := graphNodes[tid]
		for i := node.Starting; i < node.NoOfEdges+node.Starting; i++ {
			id := graphEdges[i]
			if !graphVisited[id] {
				cost[id] = cost[tid] + 1
				updatingGraphMask[id] = true
			}
		}
	}
}

// BFSKernel2 is Rodinia bfs kernel2.cu, Kernel2: the marked nodes become
// the frontier, and stop is cleared while there is one.
//
//dc:kernel
func BFSKernel2(t dc.Thread, graphMask, updatingGraphMask, graphVisited []bool, over []bool, noOfNodes int) {
	tid := t.GroupX()*MaxThreadsPerBlock + t.LocalX()
	if tid < noOfNodes && updatingGraphMask[tid] {
		graphMask[tid] = true
		graphVisited[tid] = true
		over[0] = true
		updatingGraphMask[tid] = false
	}
}

// LatLong is Rodinia nn's latLong record.
type LatLong struct {
	Lat, Lng float32
}

// Euclid is Rodinia nn_cuda.cu, euclid: the distance of each record from
// (lat, lng), over a 2-D grid of 1-D groups.
//
//dc:kernel
func Euclid(t dc.Thread, dLocations []LatLong, dDistances []float32, numRecords int, lat, lng float32) {
	globalID := t.GroupSizeX()*(t.NumGroupsX()*t.GroupY()+t.GroupX()) + t.LocalX()
	if globalID < numRecords {
		loc := dLocations[globalID]
		dDistances[globalID] = dc.Sqrt((lat-loc.Lat)*(lat-loc.Lat) + (lng-loc.Lng)*(lng-loc.Lng))
	}
}

// NWB is the side of NW2's blocks.
const NWB = 16

// maximum returns the largest of a, b and c.
func maximum(a, b, c int32) int32 {
	k := a
	if b > k {
		k = b
	}
	if c > k {
		k = c
	}
	return k
}

// NW2 is Rodinia needle_kernel.cu, needle_cuda_shared_2: one 16×16 block
// per group of the lower-right half of the Needleman-Wunsch score matrix,
// along anti-diagonal i of blockWidth blocks a side.
//
//dc:kernel
func NW2(t dc.Thread, reference, matrix []int32, cols, penalty, i, blockWidth int) {
	bx, tx := t.GroupX(), t.LocalX()
	bIndexX := bx + blockWidth - i
	bIndexY := blockWidth - bx - 1
	base := cols*NWB*bIndexY + NWB*bIndexX
	index := base + tx + cols + 1
	indexN := base + tx + 1
	indexW := base + cols
	indexNW := base
	temp := dc.Shared[[NWB + 1][NWB + 1]int32](t)
	ref := dc.Shared[[NWB][NWB]int32](t)
	for ty := range NWB {
		ref[ty][tx] = reference[index+cols*ty]
	}
	t.Barrier()
	if tx == 0 {
		temp[tx][0] = matrix[indexNW]
	}
	temp[tx+1][0] = matrix[indexW+cols*tx]
	temp[0][tx+1] = matrix[indexN]
	t.Barrier()
	p := int32(penalty)
	for m := range NWB {
		if tx <= m {
			x, y := tx+1, m-tx+1
			temp[y][x] = maximum(temp[y-1][x-1]+ref[y-1][x-1], temp[y][x-1]-p, temp[y-1][x]-p)
		}
		t.Barrier()
	}
	for m := NWB - 2; m >= 0; m-- {
		if tx <= m {
			x, y := tx+NWB-m, NWB-tx
			temp[y][x] = maximum(temp[y-1][x-1]+ref[y-1][x-1], temp[y][x-1]-p, temp[y-1][x]-p)
		}
		t.Barrier()
	}
	for ty := range NWB {
		matrix[index+ty*cols] = temp[ty+1][tx+1]
	}
}

// Hotspot3D is Rodinia hotspot3D opt1.cu, hotspotOpt1: one thread per
// (x, y) column walks z, keeping the cells below, at and above in
// registers.
//
//dc:kernel
func Hotspot3D(t dc.Thread, p, tIn, tOut []float32, sdc float32, nx, ny, nz int, ce, cw, cn, cs, ct, cb, cc float32) {
	const ambTemp = 80.0
	i := t.GroupSizeX()*t.GroupX() + t.LocalX()
	j := t.GroupSizeY()*t.GroupY() + t.LocalY()
	c := i + j*nx
	xy := nx * ny
	w, e, n, s := c-1, c+1, c-nx, c+nx
	if i == 0 {
		w = c
	}
	if i == nx-1 {
		e = c
	}
	if j == 0 {
		n = c
	}
	if j == ny-1 {
		s = c
	}
	temp1 := tIn[c]
	temp2 := temp1
	temp3 := tIn[c+xy]
	tOut[c] = cc*temp2 + cw*tIn[w] + ce*tIn[e] + cs*tIn[s] + cn*tIn[n] + cb*temp1 + ct*temp3 + sdc*p[c] + ct*ambTemp
	c += xy
	w += xy
	e += xy
	n += xy
	s += xy
	for k := 1; k < nz-1; k++ {
		temp1, temp2, temp3 = temp2, temp3, tIn[c+xy]
		tOut[c] = cc*temp2 + cw*tIn[w] + ce*tIn[e] + cs*tIn[s] + cn*tIn[n] + cb*temp1 + ct*temp3 + sdc*p[c] + ct*ambTemp
		c += xy
		w += xy
		e += xy
		n += xy
		s += xy
	}
	temp1, temp2 = temp2, temp3
	tOut[c] = cc*temp2 + cw*tIn[w] + ce*tIn[e] + cs*tIn[s] + cn*tIn[n] + cb*temp1 + ct*temp3 + sdc*p[c] + ct*ambTemp
}

// Float3 is CUDA's float3.
type Float3 struct {
	X, Y, Z float32
}

// Variable layout and constants of Rodinia cfd euler3d.
const (
	Gamma            = 1.4
	VarDensity       = 0
	VarMomentum      = 1
	VarDensityEnergy = VarMomentum + 3
	NVar             = VarDensityEnergy + 1
	NNB              = 4
	RK               = 3
)

// FarField holds euler3d's far-field state (__constant__ in the original):
// the variables and their flux contributions.
type FarField struct {
	Variables                [NVar]float32
	MomentumX, MomentumY     Float3
	MomentumZ, DensityEnergy Float3
}

func computeVelocity(density float32, momentum Float3) Float3 {
	return Float3{momentum.X / density, momentum.Y / density, momentum.Z / density}
}

func computeSpeedSqd(v Float3) float32 { return v.X*v.X + v.Y*v.Y + v.Z*v.Z }

func computePressure(density, densityEnergy, speedSqd float32) float32 {
	return (Gamma - 1) * (densityEnergy - 0.5*density*speedSqd)
}

func computeSpeedOfSound(density, pressure float32) float32 {
	return dc.Sqrt(Gamma * pressure / density)
}

// computeFluxContribution returns the momentum fluxes along x, y and z
// and the density energy flux.
func computeFluxContribution(momentum Float3, densityEnergy, pressure float32, velocity Float3) (fx, fy, fz, fe Float3) {
	fx = Float3{velocity.X*momentum.X + pressure, velocity.X * momentum.Y, velocity.X * momentum.Z}
	fy = Float3{fx.Y, velocity.Y*momentum.Y + pressure, velocity.Y * momentum.Z}
	fz = Float3{fx.Z, fy.Z, velocity.Z*momentum.Z + pressure}
	dep := densityEnergy + pressure
	fe = Float3{velocity.X * dep, velocity.Y * dep, velocity.Z * dep}
	return
}

// loadVariables reads element i's density, momentum and density energy.
func loadVariables(variables []float32, i, nelr int) (float32, Float3, float32) {
	m := Float3{variables[i+(VarMomentum+0)*nelr], variables[i+(VarMomentum+1)*nelr], variables[i+(VarMomentum+2)*nelr]}
	return variables[i+VarDensity*nelr], m, variables[i+VarDensityEnergy*nelr]
}

// CFDStepFactor is Rodinia cfd euler3d.cu, cuda_compute_step_factor.
//
//dc:kernel
func CFDStepFactor(t dc.Thread, nelr int, variables, areas, stepFactors []float32) {
	i := t.GroupSizeX()*t.GroupX() + t.LocalX()
	density, momentum, densityEnergy := loadVariables(variables, i, nelr)
	velocity := computeVelocity(density, momentum)
	speedSqd := computeSpeedSqd(velocity)
	pressure := computePressure(density, densityEnergy, speedSqd)
	speedOfSound := computeSpeedOfSound(density, pressure)
	stepFactors[i] = 0.5 / (dc.Sqrt(areas[i]) * (dc.Sqrt(speedSqd) + speedOfSound))
}

// CFDFlux is Rodinia cfd euler3d.cu, cuda_compute_flux: each element's
// flux through its NNB faces, with neighbours (index >= 0), wing
// boundaries (-1) and the far field (-2).
//
//dc:kernel
func CFDFlux(t dc.Thread, nelr int, elementsSurroundingElements []int32, normals, variables, fluxes []float32, ff FarField) {
	const smoothingCoefficient = 0.2
	i := t.GroupSizeX()*t.GroupX() + t.LocalX()
	densityI, momentumI, densityEnergyI := loadVariables(variables, i, nelr)
	velocityI := computeVelocity(densityI, momentumI)
	speedSqdI := computeSpeedSqd(velocityI)
	speedI := dc.Sqrt(speedSqdI)
	pressureI := computePressure(densityI, densityEnergyI, speedSqdI)
	speedOfSoundI := computeSpeedOfSound(densityI, pressureI)
	fxI, fyI, fzI, feI := computeFluxContribution(momentumI, densityEnergyI, pressureI, velocityI)
	var fluxDensity, fluxDensityEnergy float32
	var fluxMomentum Float3
	for j := range NNB {
		nb := int(elementsSurroundingElements[i+j*nelr])
		normal := Float3{normals[i+(j+0*NNB)*nelr], normals[i+(j+1*NNB)*nelr], normals[i+(j+2*NNB)*nelr]}
		normalLen := dc.Sqrt(normal.X*normal.X + normal.Y*normal.Y + normal.Z*normal.Z)
		switch {
		case nb >= 0:
			densityNB, momentumNB, densityEnergyNB := loadVariables(variables, nb, nelr)
			velocityNB := computeVelocity(densityNB, momentumNB)
			speedSqdNB := computeSpeedSqd(velocityNB)
			pressureNB := computePressure(densityNB, densityEnergyNB, speedSqdNB)
			speedOfSoundNB := computeSpeedOfSound(densityNB, pressureNB)
			fxNB, fyNB, fzNB, feNB := computeFluxContribution(momentumNB, densityEnergyNB, pressureNB, velocityNB)
			// artificial viscosity
			factor := -normalLen * smoothingCoefficient * 0.5 * (speedI + dc.Sqrt(speedSqdNB) + speedOfSoundI + speedOfSoundNB)
			fluxDensity += factor * (densityI - densityNB)
			fluxDensityEnergy += factor * (densityEnergyI - densityEnergyNB)
			fluxMomentum.X += factor * (momentumI.X - momentumNB.X)
			fluxMomentum.Y += factor * (momentumI.Y - momentumNB.Y)
			fluxMomentum.Z += factor * (momentumI.Z - momentumNB.Z)
			// accumulate cell-centered fluxes
			factor = 0.5 * normal.X
			fluxDensity += factor * (momentumNB.X + momentumI.X)
			fluxDensityEnergy += factor * (feNB.X + feI.X)
			fluxMomentum.X += factor * (fxNB.X + fxI.X)
			fluxMomentum.Y += factor * (fyNB.X + fyI.X)
			fluxMomentum.Z += factor * (fzNB.X + fzI.X)
			factor = 0.5 * normal.Y
			fluxDensity += factor * (momentumNB.Y + momentumI.Y)
			fluxDensityEnergy += factor * (feNB.Y + feI.Y)
			fluxMomentum.X += factor * (fxNB.Y + fxI.Y)
			fluxMomentum.Y += factor * (fyNB.Y + fyI.Y)
			fluxMomentum.Z += factor * (fzNB.Y + fzI.Y)
			factor = 0.5 * normal.Z
			fluxDensity += factor * (momentumNB.Z + momentumI.Z)
			fluxDensityEnergy += factor * (feNB.Z + feI.Z)
			fluxMomentum.X += factor * (fxNB.Z + fxI.Z)
			fluxMomentum.Y += factor * (fyNB.Z + fyI.Z)
			fluxMomentum.Z += factor * (fzNB.Z + fzI.Z)
		case nb == -1: // a wing boundary
			fluxMomentum.X += normal.X * pressureI
			fluxMomentum.Y += normal.Y * pressureI
			fluxMomentum.Z += normal.Z * pressureI
		case nb == -2: // the far field
			factor := 0.5 * normal.X
			fluxDensity += factor * (ff.Variables[VarMomentum+0] + momentumI.X)
			fluxDensityEnergy += factor * (ff.DensityEnergy.X + feI.X)
			fluxMomentum.X += factor * (ff.MomentumX.X + fxI.X)
			fluxMomentum.Y += factor * (ff.MomentumY.X + fyI.X)
			fluxMomentum.Z += factor * (ff.MomentumZ.X + fzI.X)
			factor = 0.5 * normal.Y
			fluxDensity += factor * (ff.Variables[VarMomentum+1] + momentumI.Y)
			fluxDensityEnergy += factor * (ff.DensityEnergy.Y + feI.Y)
			fluxMomentum.X += factor * (ff.MomentumX.Y + fxI.Y)
			fluxMomentum.Y += factor * (ff.MomentumY.Y + fyI.Y)
			fluxMomentum.Z += factor * (ff.MomentumZ.Y + fzI.Y)
			factor = 0.5 * normal.Z
			fluxDensity += factor * (ff.Variables[VarMomentum+2] + momentumI.Z)
			fluxDensityEnergy += factor * (ff.DensityEnergy.Z + feI.Z)
			fluxMomentum.X += factor * (ff.MomentumX.Z + fxI.Z)
			fluxMomentum.Y += factor * (ff.MomentumY.Z + fyI.Z)
			fluxMomentum.Z += factor * (ff.MomentumZ.Z + fzI.Z)
		}
	}
	fluxes[i+VarDensity*nelr] = fluxDensity
	fluxes[i+(VarMomentum+0)*nelr] = fluxMomentum.X
	fluxes[i+(VarMomentum+1)*nelr] = fluxMomentum.Y
	fluxes[i+(VarMomentum+2)*nelr] = fluxMomentum.Z
	fluxes[i+VarDensityEnergy*nelr] = fluxDensityEnergy
}

// CFDTimeStep is Rodinia cfd euler3d.cu, cuda_time_step: Runge-Kutta
// stage j of the update.
//
//dc:kernel
func CFDTimeStep(t dc.Thread, j, nelr int, oldVariables, variables, stepFactors, fluxes []float32) {
	i := t.GroupSizeX()*t.GroupX() + t.LocalX()
	factor := stepFactors[i] / float32(RK+1-j)
	for v := range NVar {
		variables[i+v*nelr] = oldVariables[i+v*nelr] + factor*fluxes[i+v*nelr]
	}
}

// Rodinia particlefilter's linear congruential generator.
const (
	LCGA = 1103515245
	LCGC = 12345
	LCGM = 2147483647
)

// randu is particlefilter's d_randu: the next uniform number of the
// generator whose state is seed[index].
func randu(seed []int32, index int) float64 {
	num := LCGA*seed[index] + LCGC
	seed[index] = num % LCGM
	return dc.Abs(float64(seed[index]) / LCGM)
}

// PFSum is Rodinia particlefilter_double.cu, sum_kernel: one thread adds
// the groups' partial sums of the weights.
//
//dc:kernel
func PFSum(t dc.Thread, partialSums []float64, numGroups int) {
	if t.GlobalX() == 0 {
		var sum float64
		for x := range numGroups {
			sum += partialSums[x]
		}
		partialSums[0] = sum
	}
}

// PFNormalize is Rodinia particlefilter_double.cu,
// normalize_weights_kernel: divide the weights by their sum, let thread 0
// build the CDF and draw the first systematic-resampling point, and
// spread the others 1/N apart. Like the original, it is right for one
// group only: other groups read u[0] without waiting for thread 0.
//
//dc:kernel
func PFNormalize(t dc.Thread, weights []float64, nParticles int, partialSums, cdf, u []float64, seed []int32) {
	i := t.GroupSizeX()*t.GroupX() + t.LocalX()
	shared := dc.Shared[[2]float64](t) // u1, sumWeights
	if t.LocalX() == 0 {
		shared[1] = partialSums[0]
	}
	t.Barrier()
	if i < nParticles {
		weights[i] = weights[i] / shared[1]
	}
	t.Barrier()
	if i == 0 {
		cdf[0] = weights[0]
		for x := 1; x < nParticles; x++ {
			cdf[x] = weights[x] + cdf[x-1]
		}
		u[0] = 1 / float64(nParticles) * randu(seed, i)
	}
	t.Barrier()
	if t.LocalX() == 0 {
		shared[0] = u[0]
	}
	t.Barrier()
	if i < nParticles {
		u[i] = shared[0] + float64(i)/float64(nParticles)
	}
}

// PFFindIndex is Rodinia particlefilter_double.cu, find_index_kernel:
// each particle moves to the first one whose CDF reaches its point u[i].
//
//dc:kernel
func PFFindIndex(t dc.Thread, arrayX, arrayY, cdf, u, xj, yj []float64, nParticles int) {
	i := t.GroupSizeX()*t.GroupX() + t.LocalX()
	if i < nParticles {
		index := -1
		for x := range nParticles {
			if cdf[x] >= u[i] {
				index = x
				break
			}
		}
		if index == -1 {
			index = nParticles - 1
		}
		xj[i] = arrayX[index]
		yj[i] = arrayY[index]
	}
	t.Barrier()
}

// Buckets of hybridsort's bucket count.
const (
	LogDivisions = 6
	Divisions    = 1 << LogDivisions
)

// BucketCount is Rodinia hybridsort bucketsort_kernel.cu, bucketcount:
// each element finds its bucket by binary search over the Divisions-1
// pivots, takes the next slot of the bucket in its group's shared counts,
// and records slot<<LogDivisions + bucket; the group's counts go to
// prefixOffsets.
//
//dc:kernel
func BucketCount(t dc.Thread, input []float32, indice []int32, prefixOffsets []uint32, pivots []float32, size int) {
	sOffset := dc.Shared[[Divisions]uint32](t)
	lid, lsize := t.LocalX(), t.GroupSizeX()
	gid, gsize := t.GroupX(), t.NumGroupsX()
	for i := lid; i < Divisions; i += lsize {
		sOffset[i] = 0
	}
	t.Barrier()
	for tid := gid*lsize + lid; tid < size; tid += lsize * gsize {
		elem := input[tid]
		idx := Divisions/2 - 1
		jump := Divisions / 4
		piv := pivots[idx]
		for jump >= 1 {
			if elem < piv {
				idx -= jump
			} else {
				idx += jump
			}
			piv = pivots[idx]
			jump /= 2
		}
		if elem >= piv {
			idx++
		}
		indice[tid] = int32(dc.AtomicAdd(&sOffset[idx], 1)<<LogDivisions) + int32(idx)
	}
	t.Barrier()
	prefixBase := gid * Divisions
	for i := lid; i < Divisions; i += lsize {
		prefixOffsets[prefixBase+i] = sOffset[i] & 0x07FFFFFF
	}
}

// randn is particlefilter's d_randn: a standard normal number by
// Box-Muller from two uniform ones.
func randn(seed []int32, index int) float64 {
	u := randu(seed, index)
	v := randu(seed, index)
	cosine := math.Cos(2 * math.Pi * v)
	rt := -2 * math.Log(u)
	return math.Sqrt(rt) * cosine
}

// roundHalfUp is particlefilter's dev_round_double as intended: the
// integer nearest to a non-negative value, halves rounding up.
func roundHalfUp(value float64) int {
	n := int(value)
	if value-float64(n) < 0.5 {
		return n
	}
	return n + 1
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// PFThreads is the group size of the likelihood kernel (the original's
// shared buffer of 512).
const PFThreads = 128

// PFLikelihood is Rodinia particlefilter_double.cu, likelihood_kernel:
// each particle moves by a random step, samples the frame at the
// object's pixels around it, and weighs itself by their likelihood; each
// group then sums its weights in shared memory into partialSums.
//
//dc:kernel
func PFLikelihood(t dc.Thread, arrayX, arrayY, xj, yj []float64, ind, objxy []int32, likelihood []float64, img []uint8, weights []float64,
	nParticles, countOnes, maxSize, k, iszY, nfr int, seed []int32, partialSums []float64) {
	i := t.GroupSizeX()*t.GroupX() + t.LocalX()
	buffer := dc.Shared[[PFThreads]float64](t)
	if i < nParticles {
		arrayX[i] = xj[i]
		arrayY[i] = yj[i]
		weights[i] = 1 / float64(nParticles)
		arrayX[i] = arrayX[i] + 1.0 + 5.0*randn(seed, i)
		arrayY[i] = arrayY[i] - 2.0 + 2.0*randn(seed, i)
	}
	t.Barrier()
	if i < nParticles {
		for y := range countOnes {
			indX := roundHalfUp(arrayX[i]) + int(objxy[y*2+1])
			indY := roundHalfUp(arrayY[i]) + int(objxy[y*2])
			v := int32(absInt(indX*iszY*nfr + indY*nfr + k))
			if int(v) >= maxSize {
				v = 0
			}
			ind[i*countOnes+y] = v
		}
		sum := 0.0
		for x := range countOnes {
			p := float64(img[ind[i*countOnes+x]])
			sum += (math.Pow(p-100, 2) - math.Pow(p-228, 2)) / 50.0
		}
		likelihood[i] = sum / float64(countOnes)
		weights[i] = weights[i] * math.Exp(likelihood[i])
	}
	buffer[t.LocalX()] = 0
	t.Barrier()
	if i < nParticles {
		buffer[t.LocalX()] = weights[i]
	}
	t.Barrier()
	for s := uint(t.GroupSizeX() / 2); s > 0; s >>= 1 {
		if uint(t.LocalX()) < s {
			buffer[t.LocalX()] += buffer[uint(t.LocalX())+s]
		}
		t.Barrier()
	}
	if t.LocalX() == 0 {
		partialSums[t.GroupX()] = buffer[0]
	}
	t.Barrier()
}

// Niederreiter generator geometry of cuda-samples quasirandomGenerator.
const (
	QRNGDimensions = 3
	QRNGResolution = 31
)

// QRNGTable is the generator's direction table (__constant__ c_Table in
// the original).
type QRNGTable struct {
	T [QRNGDimensions][QRNGResolution]uint32
}

// QuasirandomGenerator is cuda-samples quasirandomGenerator_kernel.cuh,
// quasirandomGeneratorKernel: point seed+pos of dimension LocalY, the XOR
// of the table entries of its set bits, scaled to (0, 1).
//
//dc:kernel
func QuasirandomGenerator(t dc.Thread, output []float32, table QRNGTable, seed, n uint32) {
	const intScale = float32(1) / float32(0x80000001)
	dim := t.LocalY()
	tid := uint32(t.GroupSizeX()*t.GroupX() + t.LocalX())
	threadN := uint32(t.GroupSizeX() * t.NumGroupsX())
	for pos := tid; pos < n; pos += threadN {
		var result uint32
		data := seed + pos
		for bit := 0; bit < QRNGResolution; bit, data = bit+1, data>>1 {
			if data&1 != 0 {
				result ^= table.T[dim][bit]
			}
		}
		output[uint32(dim)*n+pos] = float32(result+1) * intScale
	}
}

// Mersenne Twister geometry of cuda-samples MersenneTwisterGP11213.
const (
	MTRNGCount = 256
	MTMM       = 9
	MTNN       = 19
	MTUMask    = 0xFFFFFFFE
	MTLMask    = 0x1
	MTShift0   = 12
	MTShiftB   = 7
	MTShiftC   = 15
	MTShift1   = 18
)

// MTParams is the sample's mt_struct_stripped: one generator's
// parameters and seed.
type MTParams struct {
	MatrixA, MaskB, MaskC, Seed uint32
}

// MersenneTwister is cuda-samples MersenneTwister_kernel.cu, RandomGPU:
// each of MTRNGCount twisted generators, its state in a local array,
// writes nPerRng numbers in (0, 1], generator-interleaved.
//
//dc:kernel
func MersenneTwister(t dc.Thread, dRandom []float32, ds []MTParams, nPerRng int) {
	tid := t.GroupSizeX()*t.GroupX() + t.LocalX()
	threadN := t.GroupSizeX() * t.NumGroupsX()
	var mt [MTNN]uint32
	for iRng := tid; iRng < MTRNGCount; iRng += threadN {
		p := ds[iRng]
		mt[0] = p.Seed
		for iState := 1; iState < MTNN; iState++ {
			mt[iState] = 1812433253*(mt[iState-1]^(mt[iState-1]>>30)) + uint32(iState)
		}
		iState := 0
		mti1 := mt[0]
		for iOut := range nPerRng {
			iState1 := iState + 1
			iStateM := iState + MTMM
			if iState1 >= MTNN {
				iState1 -= MTNN
			}
			if iStateM >= MTNN {
				iStateM -= MTNN
			}
			mti := mti1
			mti1 = mt[iState1]
			mtiM := mt[iStateM]
			x := mti&MTUMask | mti1&MTLMask
			x = mtiM ^ x>>1
			if x0 := mti&MTUMask | mti1&MTLMask; x0&1 != 0 {
				x ^= p.MatrixA
			}
			mt[iState] = x
			iState = iState1
			x ^= x >> MTShift0
			x ^= x << MTShiftB & p.MaskB
			x ^= x << MTShiftC & p.MaskC
			x ^= x >> MTShift1
			dRandom[iRng+iOut*MTRNGCount] = (float32(x) + 1) / 4294967296
		}
	}
}

// boxMuller maps two uniform numbers in (0, 1] to two normal ones.
func boxMuller(u1, u2 float32) (float32, float32) {
	r := dc.Sqrt(-2 * dc.Log(u1))
	phi := 2 * math.Pi * u2
	return r * dc.Cos(phi), r * dc.Sin(phi)
}

// BoxMullerGPU is cuda-samples MersenneTwister_kernel.cu, BoxMullerGPU:
// each generator's numbers, in pairs, made normal in place.
//
//dc:kernel
func BoxMullerGPU(t dc.Thread, dRandom []float32, nPerRng int) {
	tid := t.GroupSizeX()*t.GroupX() + t.LocalX()
	threadN := t.GroupSizeX() * t.NumGroupsX()
	for iRng := tid; iRng < MTRNGCount; iRng += threadN {
		for iOut := 0; iOut < nPerRng; iOut += 2 {
			a, b := iRng+iOut*MTRNGCount, iRng+(iOut+1)*MTRNGCount
			dRandom[a], dRandom[b] = boxMuller(dRandom[a], dRandom[b])
		}
	}
}

// Float4 is CUDA's float4, with the operators of the samples' helper_math.h
// as methods.
type Float4 struct {
	X, Y, Z, W float32
}

// Add returns a + b.
func (a Float4) Add(b Float4) Float4 { return Float4{a.X + b.X, a.Y + b.Y, a.Z + b.Z, a.W + b.W} }

// Sub returns a - b.
func (a Float4) Sub(b Float4) Float4 { return Float4{a.X - b.X, a.Y - b.Y, a.Z - b.Z, a.W - b.W} }

// Scale returns s * a.
func (a Float4) Scale(s float32) Float4 { return Float4{s * a.X, s * a.Y, s * a.Z, s * a.W} }

// rgbaToFloat unpacks a packed RGBA8 pixel into [0, 1] channels.
func rgbaToFloat(c uint32) Float4 {
	const k = 0.003921568627 // 1/255
	return Float4{float32(c&0xff) * k, float32(c>>8&0xff) * k, float32(c>>16&0xff) * k, float32(c>>24&0xff) * k}
}

func saturate(x float32) float32 { return min(max(x, 0), 1) }

// floatToRGBA packs channels, clamped to [0, 1], into an RGBA8 pixel.
func floatToRGBA(c Float4) uint32 {
	return uint32(saturate(c.W)*255)<<24 | uint32(saturate(c.Z)*255)<<16 | uint32(saturate(c.Y)*255)<<8 | uint32(saturate(c.X)*255)
}

// RecursiveGaussian is cuda-samples recursiveGaussian_cuda.cu,
// d_recursiveGaussian_rgba with CLAMP_TO_EDGE: one thread per column runs
// the IIR filter down the column, then up it, adding the two passes.
//
//dc:kernel
func RecursiveGaussian(t dc.Thread, id, od []uint32, w, h int, a0, a1, a2, a3, b1, b2, coefp, coefn float32) {
	x := t.GroupX()*t.GroupSizeX() + t.LocalX()
	if x >= w {
		return
	}
	// forward pass
	xp := rgbaToFloat(id[x])
	yb := xp.Scale(coefp)
	yp := yb
	for y := range h {
		xc := rgbaToFloat(id[x+y*w])
		yc := xc.Scale(a0).Add(xp.Scale(a1)).Sub(yp.Scale(b1)).Sub(yb.Scale(b2))
		od[x+y*w] = floatToRGBA(yc)
		xp, yb, yp = xc, yp, yc
	}
	// reverse pass
	last := x + (h-1)*w
	xn := rgbaToFloat(id[last])
	xa := xn
	yn := xn.Scale(coefn)
	ya := yn
	for y := h - 1; y >= 0; y-- {
		xc := rgbaToFloat(id[x+y*w])
		yc := xn.Scale(a2).Add(xa.Scale(a3)).Sub(yn.Scale(b1)).Sub(ya.Scale(b2))
		xa, xn, ya, yn = xn, xc, yn, yc
		od[x+y*w] = floatToRGBA(rgbaToFloat(od[x+y*w]).Add(yc))
	}
}

// Geometry of cuda-samples stereoDisparity.
const (
	StereoBlockX = 32
	StereoBlockY = 8
	StereoRad    = 8
	StereoSteps  = 3
)

// texel is tex2D with clamped addressing and point filtering: the pixel
// of img (w×h) nearest to (x, y) inside the image.
func texel(img []uint32, w, h, x, y int) uint32 {
	x = min(max(x, 0), w-1)
	y = min(max(y, 0), h-1)
	return img[y*w+x]
}

// sad is the sample's __SAD: the sum of the absolute differences of the
// four bytes of a and b (__vabsdiff4, then the bytes added).
func sad(a, b uint32) uint32 {
	var s uint32
	for k := 0; k < 32; k += 8 {
		x, y := a>>k&0xff, b>>k&0xff
		if x > y {
			s += x - y
		} else {
			s += y - x
		}
	}
	return s
}

// StereoDisparity is cuda-samples stereoDisparity_kernel.cuh,
// stereoDisparityKernel: for each disparity, the squared window's sum of
// absolute differences between the left image and the shifted right one,
// summed in shared memory horizontally then vertically; each pixel keeps
// the disparity (plus 8) of the lowest cost.
//
//dc:kernel
func StereoDisparity(t dc.Thread, left, right []uint32, out []uint32, w, h, minDisparity, maxDisparity int) {
	tidx := t.GroupSizeX()*t.GroupX() + t.LocalX()
	tidy := t.GroupSizeY()*t.GroupY() + t.LocalY()
	sidx := t.LocalX() + StereoRad
	sidy := t.LocalY() + StereoRad
	bestCost := uint32(9999999)
	bestDisparity := uint32(0)
	diff := dc.Shared[[StereoBlockY + 2*StereoRad][StereoBlockX + 2*StereoRad]uint32](t)
	var imLeftA, imLeftB [StereoSteps]uint32
	for i := range StereoSteps {
		offset := -StereoRad + i*StereoRad
		imLeftA[i] = texel(left, w, h, tidx-StereoRad, tidy+offset)
		imLeftB[i] = texel(left, w, h, tidx-StereoRad+StereoBlockX, tidy+offset)
	}
	for d := minDisparity; d <= maxDisparity; d++ {
		for i := range StereoSteps {
			offset := -StereoRad + i*StereoRad
			imRight := texel(right, w, h, tidx-StereoRad+d, tidy+offset)
			diff[sidy+offset][sidx-StereoRad] = sad(imLeftA[i], imRight)
		}
		for i := range StereoSteps {
			offset := -StereoRad + i*StereoRad
			if t.LocalX() < 2*StereoRad {
				imRight := texel(right, w, h, tidx-StereoRad+StereoBlockX+d, tidy+offset)
				diff[sidy+offset][sidx-StereoRad+StereoBlockX] = sad(imLeftB[i], imRight)
			}
		}
		t.Barrier()
		// sum cost horizontally
		for j := range StereoSteps {
			offset := -StereoRad + j*StereoRad
			var cost uint32
			for i := -StereoRad; i <= StereoRad; i++ {
				cost += diff[sidy+offset][sidx+i]
			}
			t.Barrier()
			diff[sidy+offset][sidx] = cost
			t.Barrier()
		}
		// sum cost vertically
		var cost uint32
		for i := -StereoRad; i <= StereoRad; i++ {
			cost += diff[sidy+i][sidx]
		}
		if cost < bestCost {
			bestCost = cost
			bestDisparity = uint32(d + 8)
		}
		t.Barrier()
	}
	if tidy < h && tidx < w {
		out[tidy*w+tidx] = bestDisparity
	}
}

// Stencil geometry of Rodinia leukocyte's GICOV kernel.
const (
	NCircles = 3
	NPoints  = 24
	MaxRad   = 4
)

// GICOV is Rodinia leukocyte find_ellipse_kernel.cu, GICOV_kernel: for
// each pixel, over NCircles circular stencils of NPoints samples, the
// largest mean² / variance of the gradient along the stencil's normal
// (Welford's running variance). The stencils' offsets and the normals'
// angles (constant memory in the original) are slices here; the group
// size is the image's interior height.
//
//dc:kernel
func GICOV(t dc.Thread, gradM int, gradX, gradY []float32, tX, tY []int32, cosAngle, sinAngle []float32, gicov []float32) {
	i := t.GroupX() + MaxRad + 2
	j := t.LocalX() + MaxRad + 2
	var maxGICOV float32
	for k := range NCircles {
		var sum, m2, mean float32
		for n := range NPoints {
			y := j + int(tY[k*NPoints+n])
			x := i + int(tX[k*NPoints+n])
			addr := x*gradM + y
			p := gradX[addr]*cosAngle[n] + gradY[addr]*sinAngle[n]
			sum += p
			delta := p - mean
			mean = mean + delta/float32(n+1)
			m2 = m2 + delta*(p-mean)
		}
		mean = 1 / float32(NPoints) * sum
		variance := m2 / float32(NPoints-1)
		if mean*mean/variance > maxGICOV {
			maxGICOV = mean * mean / variance
		}
	}
	gicov[i*gradM+j] = maxGICOV
}

// Dilate is Rodinia leukocyte find_ellipse_kernel.cu, dilate_kernel:
// grey-scale dilation of the column-major image by the structuring
// element strel.
//
//dc:kernel
func Dilate(t dc.Thread, imgM, imgN, strelM, strelN int, img, strel, dilated []float32) {
	elCenterI, elCenterJ := strelM/2, strelN/2
	threadID := t.GroupX()*t.GroupSizeX() + t.LocalX()
	i := threadID % imgM
	j := threadID / imgM
	var maxV float32
	for elI := range strelM {
		y := i - elCenterI + elI
		if y >= 0 && y < imgM {
			for elJ := range strelN {
				x := j - elCenterJ + elJ
				if x >= 0 && x < imgN && strel[elI*strelN+elJ] != 0 {
					if temp := img[x*imgM+y]; temp > maxV {
						maxV = temp
					}
				}
			}
		}
	}
	dilated[i*imgN+j] = maxV
}

// Add returns a + b.
func (a Float3) Add(b Float3) Float3 { return Float3{a.X + b.X, a.Y + b.Y, a.Z + b.Z} }

// Sub returns a - b.
func (a Float3) Sub(b Float3) Float3 { return Float3{a.X - b.X, a.Y - b.Y, a.Z - b.Z} }

// Scale returns s * a.
func (a Float3) Scale(s float32) Float3 { return Float3{s * a.X, s * a.Y, s * a.Z} }

// Dot returns the dot product of a and b.
func (a Float3) Dot(b Float3) float32 { return a.X*b.X + a.Y*b.Y + a.Z*b.Z }

// XYZ returns the first three components of a.
func (a Float4) XYZ() Float3 { return Float3{a.X, a.Y, a.Z} }

// Int3 is CUDA's int3.
type Int3 struct {
	X, Y, Z int32
}

// SimParams is the particles sample's SimParams (constant memory there).
type SimParams struct {
	ColliderPos    Float3
	ColliderRadius float32
	GridSize       Int3 // powers of two
	WorldOrigin    Float3
	CellSize       Float3
	ParticleRadius float32
	Spring         float32
	Damping        float32
	Shear          float32
	Attraction     float32
}

// PBlock is the group size of the particle kernels.
const PBlock = 64

func calcGridPos(p Float3, params SimParams) Int3 {
	return Int3{
		int32(dc.Floor((p.X - params.WorldOrigin.X) / params.CellSize.X)),
		int32(dc.Floor((p.Y - params.WorldOrigin.Y) / params.CellSize.Y)),
		int32(dc.Floor((p.Z - params.WorldOrigin.Z) / params.CellSize.Z)),
	}
}

// calcGridHash wraps gridPos into the grid and returns its cell index.
func calcGridHash(gridPos Int3, params SimParams) uint32 {
	gs := params.GridSize
	x, y, z := uint32(gridPos.X&(gs.X-1)), uint32(gridPos.Y&(gs.Y-1)), uint32(gridPos.Z&(gs.Z-1))
	return z*uint32(gs.Y)*uint32(gs.X) + y*uint32(gs.X) + x
}

// CalcHash is cuda-samples particles_kernel_impl.cuh, calcHashD: each
// particle's grid cell, and its index to sort along.
//
//dc:kernel
func CalcHash(t dc.Thread, gridParticleHash, gridParticleIndex []uint32, pos []Float4, numParticles uint32, params SimParams) {
	index := uint32(t.GroupX()*t.GroupSizeX() + t.LocalX())
	if index >= numParticles {
		return
	}
	p := pos[index]
	gridParticleHash[index] = calcGridHash(calcGridPos(p.XYZ(), params), params)
	gridParticleIndex[index] = index
}

// ReorderDataAndFindCellStart is cuda-samples particles_kernel_impl.cuh,
// reorderDataAndFindCellStartD: with the hashes sorted, each cell's first
// and one-past-last particle, found by comparing each hash with the one
// before (shared across the group, one element of apron), and the
// positions and velocities gathered in sorted order.
//
//dc:kernel
func ReorderDataAndFindCellStart(t dc.Thread, cellStart, cellEnd []uint32, sortedPos, sortedVel []Float4, gridParticleHash, gridParticleIndex []uint32, oldPos, oldVel []Float4, numParticles uint32) {
	sharedHash := dc.Shared[[PBlock + 1]uint32](t)
	tx := t.LocalX()
	index := uint32(t.GroupX()*t.GroupSizeX() + tx)
	var hash uint32
	if index < numParticles {
		hash = gridParticleHash[index]
		sharedHash[tx+1] = hash
		if index > 0 && tx == 0 {
			sharedHash[0] = gridParticleHash[index-1]
		}
	}
	t.Barrier()
	if index < numParticles {
		if index == 0 || hash != sharedHash[tx] {
			cellStart[hash] = index
			if index > 0 {
				cellEnd[sharedHash[tx]] = index
			}
		}
		if index == numParticles-1 {
			cellEnd[hash] = index + 1
		}
		sortedIndex := gridParticleIndex[index]
		sortedPos[index] = oldPos[sortedIndex]
		sortedVel[index] = oldVel[sortedIndex]
	}
}

// collideSpheres is the DEM force of sphere B on sphere A.
func collideSpheres(posA, posB, velA, velB Float3, radiusA, radiusB, attraction float32, params SimParams) Float3 {
	relPos := posB.Sub(posA)
	dist := dc.Sqrt(relPos.Dot(relPos))
	collideDist := radiusA + radiusB
	var force Float3
	if dist < collideDist {
		norm := relPos.Scale(1 / dist)
		relVel := velB.Sub(velA)
		tanVel := relVel.Sub(norm.Scale(relVel.Dot(norm)))
		force = norm.Scale(-params.Spring * (collideDist - dist))
		force = force.Add(relVel.Scale(params.Damping))
		force = force.Add(tanVel.Scale(params.Shear))
		force = force.Add(relPos.Scale(attraction))
	}
	return force
}

// collideCell sums the forces of the particles of one cell on particle
// index.
func collideCell(gridPos Int3, index uint32, pos, vel Float3, oldPos, oldVel []Float4, cellStart, cellEnd []uint32, params SimParams) Float3 {
	gridHash := calcGridHash(gridPos, params)
	startIndex := cellStart[gridHash]
	var force Float3
	if startIndex != 0xffffffff {
		endIndex := cellEnd[gridHash]
		for j := startIndex; j < endIndex; j++ {
			if j != index {
				force = force.Add(collideSpheres(pos, oldPos[j].XYZ(), vel, oldVel[j].XYZ(), params.ParticleRadius, params.ParticleRadius, params.Attraction, params))
			}
		}
	}
	return force
}

// Collide is cuda-samples particles_kernel_impl.cuh, collideD: each
// sorted particle sums the forces of the particles in the 27 cells
// around its own and of the collider sphere, and writes its new velocity
// at its unsorted index.
//
//dc:kernel
func Collide(t dc.Thread, newVel, oldPos, oldVel []Float4, gridParticleIndex, cellStart, cellEnd []uint32, numParticles uint32, params SimParams) {
	index := uint32(t.GroupX()*t.GroupSizeX() + t.LocalX())
	if index >= numParticles {
		return
	}
	pos, vel := oldPos[index].XYZ(), oldVel[index].XYZ()
	gridPos := calcGridPos(pos, params)
	var force Float3
	for z := int32(-1); z <= 1; z++ {
		for y := int32(-1); y <= 1; y++ {
			for x := int32(-1); x <= 1; x++ {
				neighbourPos := Int3{gridPos.X + x, gridPos.Y + y, gridPos.Z + z}
				force = force.Add(collideCell(neighbourPos, index, pos, vel, oldPos, oldVel, cellStart, cellEnd, params))
			}
		}
	}
	force = force.Add(collideSpheres(pos, params.ColliderPos, vel, Float3{}, params.ParticleRadius, params.ColliderRadius, 0, params))
	v := vel.Add(force)
	newVel[gridParticleIndex[index]] = Float4{v.X, v.Y, v.Z, 0}
}
