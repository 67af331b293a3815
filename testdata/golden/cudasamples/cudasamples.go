// Package cudasamples is a golden case: kernels of NVIDIA's cuda-samples
// written in the dialect the way their CUDA versions are written — a
// bitonic sort in shared memory with a comparator on shared arrays,
// Black-Scholes with a polynomial normal CDF and a grid-stride loop, the
// reduce6 reduction (several elements per thread, unrolled tree), the fast
// Walsh transform on sub-slices, histogram64 with per-thread byte counters
// in shared memory, and n-body tiles of a struct type.
package cudasamples

import "github.com/dotcompute/dc"

// SharedSize is the block BitonicShared sorts.
const SharedSize = 512

// comparator orders a[i] and b[j] (and their values) as dir says.
func comparator(a, b *[SharedSize]uint32, va, vb *[SharedSize]uint32, i, j int, dir bool) {
	if (a[i] > b[j]) == dir {
		a[i], b[j] = b[j], a[i]
		va[i], vb[j] = vb[j], va[i]
	}
}

// BitonicShared sorts each SharedSize-element block of (srcKey, srcVal)
// by key in shared memory, ascending when dir is true; groups have
// SharedSize/2 threads.
//
//dc:kernel
func BitonicShared(t dc.Thread, dstKey, dstVal, srcKey, srcVal []uint32, arrayLength int, dir bool) {
	sKey := dc.Shared[[SharedSize]uint32](t)
	sVal := dc.Shared[[SharedSize]uint32](t)
	base := t.GroupX()*SharedSize + t.LocalX()
	l := t.LocalX()
	sKey[l] = srcKey[base]
	sVal[l] = srcVal[base]
	sKey[l+SharedSize/2] = srcKey[base+SharedSize/2]
	sVal[l+SharedSize/2] = srcVal[base+SharedSize/2]
	for size := 2; size < arrayLength; size <<= 1 {
		ddd := dir != ((l & (size / 2)) != 0)
		for stride := size / 2; stride > 0; stride >>= 1 {
			t.Barrier()
			pos := 2*l - (l & (stride - 1))
			comparator(sKey, sKey, sVal, sVal, pos, pos+stride, ddd)
		}
	}
	for stride := arrayLength / 2; stride > 0; stride >>= 1 {
		t.Barrier()
		pos := 2*l - (l & (stride - 1))
		comparator(sKey, sKey, sVal, sVal, pos, pos+stride, dir)
	}
	t.Barrier()
	dstKey[base] = sKey[l]
	dstVal[base] = sVal[l]
	dstKey[base+SharedSize/2] = sKey[l+SharedSize/2]
	dstVal[base+SharedSize/2] = sVal[l+SharedSize/2]
}

// cnd is the cumulative normal distribution (polynomial approximation).
func cnd(d float32) float32 {
	const (
		A1       = 0.31938153
		A2       = -0.356563782
		A3       = 1.781477937
		A4       = -1.821255978
		A5       = 1.330274429
		RSQRT2PI = 0.39894228040143267793994605993438
	)
	K := 1.0 / (1.0 + 0.2316419*dc.Abs(d))
	c := RSQRT2PI * dc.Exp(-0.5*d*d) * (K * (A1 + K*(A2+K*(A3+K*(A4+K*A5)))))
	if d > 0 {
		c = 1.0 - c
	}
	return c
}

// bs prices one option.
func bs(s, x, tt, r, v float32) (call, put float32) {
	sqrtT := dc.Sqrt(tt)
	d1 := (dc.Log(s/x) + (r+0.5*v*v)*tt) / (v * sqrtT)
	d2 := d1 - v*sqrtT
	cndD1, cndD2 := cnd(d1), cnd(d2)
	expRT := dc.Exp(-r * tt)
	call = s*cndD1 - x*expRT*cndD2
	put = x*expRT*(1.0-cndD2) - s*(1.0-cndD1)
	return
}

// BlackScholes prices n European options (call and put), grid-stride.
//
//dc:kernel
func BlackScholes(t dc.Thread, call, put, s, x, tt []float32, r, v float32, n int) {
	for opt := t.GlobalX(); opt < n; opt += t.GridSizeX() {
		call[opt], put[opt] = bs(s[opt], x[opt], tt[opt], r, v)
	}
}

// RBlock is Reduce6's group size.
const RBlock = 256

// Reduce6 sums gIdata into one partial sum per group: each thread adds
// elements a grid apart, then the group sums in shared memory.
//
//dc:kernel
func Reduce6(t dc.Thread, gIdata, gOdata []float32, n uint32, nIsPow2 bool) {
	sdata := dc.Shared[[RBlock]float32](t)
	tid := uint32(t.LocalX())
	i := uint32(t.GroupX())*RBlock*2 + uint32(t.LocalX())
	gridSize := uint32(RBlock * 2 * t.NumGroupsX())
	var mySum float32
	for i < n {
		mySum += gIdata[i]
		if nIsPow2 || i+RBlock < n {
			mySum += gIdata[i+RBlock]
		}
		i += gridSize
	}
	sdata[tid] = mySum
	t.Barrier()
	if RBlock >= 512 && tid < 256 {
		mySum += sdata[tid+256]
		sdata[tid] = mySum
	}
	t.Barrier()
	if RBlock >= 256 && tid < 128 {
		mySum += sdata[tid+128]
		sdata[tid] = mySum
	}
	t.Barrier()
	if RBlock >= 128 && tid < 64 {
		mySum += sdata[tid+64]
		sdata[tid] = mySum
	}
	t.Barrier()
	for s := uint32(32); s > 0; s >>= 1 {
		if tid < s {
			mySum += sdata[tid+s]
			sdata[tid] = mySum
		}
		t.Barrier()
	}
	if tid == 0 {
		gOdata[t.GroupX()] = mySum
	}
}

// LogN is the log2 of FWTBatch1's largest block.
const LogN = 9

// FWTBatch1 runs the radix-4 fast Walsh transform of one 2^log2N
// block per group in shared memory.
//
//dc:kernel
func FWTBatch1(t dc.Thread, dOutput, dInput []float32, log2N int) {
	N := 1 << log2N
	base := t.GroupX() << log2N
	sData := dc.Shared[[1 << LogN]float32](t)
	dSrc := dInput[base : base+N]
	dDst := dOutput[base : base+N]
	for pos := t.LocalX(); pos < N; pos += t.GroupSizeX() {
		sData[pos] = dSrc[pos]
	}
	stride := N
	for ; stride >= 4; stride >>= 2 {
		lo := t.LocalX() & (stride>>2 - 1)
		i0 := ((t.LocalX() - lo) << 2) + lo
		i1 := i0 + stride>>2
		i2 := i1 + stride>>2
		i3 := i2 + stride>>2
		t.Barrier()
		D0, D1, D2, D3 := sData[i0], sData[i1], sData[i2], sData[i3]
		var T float32
		T = D0
		D0 = D0 + D2
		D2 = T - D2
		T = D1
		D1 = D1 + D3
		D3 = T - D3
		T = D0
		sData[i0] = D0 + D1
		sData[i1] = T - D1
		T = D2
		sData[i2] = D2 + D3
		sData[i3] = T - D3
	}
	if stride == 2 {
		i0 := t.LocalX() << 1
		i1 := i0 + 1
		t.Barrier()
		D0, D1 := sData[i0], sData[i1]
		sData[i0] = D0 + D1
		sData[i1] = D0 - D1
	}
	t.Barrier()
	for pos := t.LocalX(); pos < N; pos += t.GroupSizeX() {
		dDst[pos] = sData[pos]
	}
}

// H64Threads is Histogram64's group size, H64Bins its bin count.
const (
	H64Threads = 64
	H64Bins    = 64
)

// addByte counts bin data for thread tid.
func addByte(sHist *[H64Threads * H64Bins]uint8, data uint32, tid int) {
	sHist[int(data)*H64Threads+tid]++
}

// addWord counts the four 6-bit fields of data.
func addWord(sHist *[H64Threads * H64Bins]uint8, data uint32, tid int) {
	addByte(sHist, (data>>2)&0x3F, tid)
	addByte(sHist, (data>>10)&0x3F, tid)
	addByte(sHist, (data>>18)&0x3F, tid)
	addByte(sHist, (data>>26)&0x3F, tid)
}

// Histogram64 counts the 64 bins of 6-bit fields of dData into one
// partial histogram per group, from byte counters per thread.
//
//dc:kernel
func Histogram64(t dc.Thread, dPartial []uint32, dData []uint32, dataCount int) {
	sHist := dc.Shared[[H64Threads * H64Bins]uint8](t)
	tid := t.LocalX()
	for i := 0; i < H64Bins/4; i++ {
		sHist[tid*4+i*H64Threads*4] = 0
		sHist[tid*4+i*H64Threads*4+1] = 0
		sHist[tid*4+i*H64Threads*4+2] = 0
		sHist[tid*4+i*H64Threads*4+3] = 0
	}
	t.Barrier()
	for pos := t.GlobalX(); pos < dataCount; pos += t.GridSizeX() {
		addWord(sHist, dData[pos], tid)
	}
	t.Barrier()
	if tid < H64Bins {
		var sum uint32
		for i := 0; i < H64Threads; i++ {
			sum += uint32(sHist[tid*H64Threads+(i+tid)%H64Threads])
		}
		dPartial[t.GroupX()*H64Bins+tid] = sum
	}
}

// Float4 is a body: position and mass.
type Float4 struct{ X, Y, Z, W float32 }

// Float3 is an acceleration.
type Float3 struct{ X, Y, Z float32 }

// bodyBody adds the pull of bj on bi to ai.
func bodyBody(bi, bj Float4, ai Float3) Float3 {
	r := [3]float32{bj.X - bi.X, bj.Y - bi.Y, bj.Z - bi.Z}
	distSqr := r[0]*r[0] + r[1]*r[1] + r[2]*r[2] + 0.01
	inv := dc.Rsqrt(distSqr)
	s := bj.W * inv * inv * inv
	ai.X += r[0] * s
	ai.Y += r[1] * s
	ai.Z += r[2] * s
	return ai
}

// NBodyTile computes every body's acceleration from all n, staging 128
// bodies at a time in shared memory.
//
//dc:kernel
func NBodyTile(t dc.Thread, pos []Float4, acc []Float4, n int) {
	sh := dc.Shared[[128]Float4](t)
	i := t.GlobalX()
	var me Float4
	if i < n {
		me = pos[i]
	}
	var a Float3
	for tile := 0; tile*128 < n; tile++ {
		j := tile*128 + t.LocalX()
		if j < n {
			sh[t.LocalX()] = pos[j]
		} else {
			sh[t.LocalX()] = Float4{}
		}
		t.Barrier()
		for k := range 128 {
			a = bodyBody(me, sh[k], a)
		}
		t.Barrier()
	}
	if i < n {
		acc[i] = Float4{a.X, a.Y, a.Z, 0}
	}
}
