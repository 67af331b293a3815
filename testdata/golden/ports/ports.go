// Package ports is a golden case: ports of public GPU kernels that stage
// data in shared memory and synchronise with barriers, written in the
// dialect the way a CUDA programmer ports them — the same algorithm, the
// same shared arrays and barriers in loops, group-uniform branches, device
// helper functions and 2-D groups. From NVIDIA's cuda-samples:
// convolutionSeparable (rows and columns, with an apron in shared memory),
// scalarProd, transpose (diagonal block order, padded tile),
// binomialOptions, FDTD3d, dct8x8, mergeSort and sortingNetworks' odd-even
// merge sort in shared memory, histogram256 with per-warp sub-histograms,
// matrixMul, SobolQRNG; from the CUDA scan sample and GPU Gems 3: the naive
// and the work-efficient (Blelloch) scan; from Rodinia: srad v2 and srad
// v1's reduce, lud perimeter and internal, lavaMD, b+tree's findK,
// backprop's weight update, streamcluster's pgain.
package ports

import "github.com/dotcompute/dc"

// Convolution geometry of cuda-samples convolutionSeparable.
const (
	KernelRadius    = 8
	KernelLength    = 2*KernelRadius + 1
	RowsBlockX      = 16
	RowsBlockY      = 4
	RowsResultSteps = 8
	RowsHaloSteps   = 1
	ColsBlockX      = 16
	ColsBlockY      = 8
	ColsResultSteps = 8
	ColsHaloSteps   = 1
)

// Coeffs holds the convolution kernel (cuda-samples keeps it in constant
// memory; kernel parameters that are arrays are wrapped in a struct).
type Coeffs struct {
	C [KernelLength]float32
}

// ConvolutionRows convolves each row of src with kernel, RowsResultSteps
// outputs per thread from a shared tile with a one-step apron on each side.
// imageW must be a multiple of RowsResultSteps*RowsBlockX and imageH of
// RowsBlockY.
//
//dc:kernel
func ConvolutionRows(t dc.Thread, dst, src []float32, kernel Coeffs, imageW, imageH, pitch int) {
	s := dc.Shared[[RowsBlockY][(RowsResultSteps + 2*RowsHaloSteps) * RowsBlockX]float32](t)
	tx, ty := t.LocalX(), t.LocalY()
	baseX := (t.GroupX()*RowsResultSteps-RowsHaloSteps)*RowsBlockX + tx
	baseY := t.GroupY()*RowsBlockY + ty
	base := baseY*pitch + baseX
	for i := RowsHaloSteps; i < RowsHaloSteps+RowsResultSteps; i++ {
		s[ty][tx+i*RowsBlockX] = src[base+i*RowsBlockX]
	}
	for i := 0; i < RowsHaloSteps; i++ {
		var v float32
		if baseX >= -i*RowsBlockX {
			v = src[base+i*RowsBlockX]
		}
		s[ty][tx+i*RowsBlockX] = v
	}
	for i := RowsHaloSteps + RowsResultSteps; i < RowsHaloSteps+RowsResultSteps+RowsHaloSteps; i++ {
		var v float32
		if imageW-baseX > i*RowsBlockX {
			v = src[base+i*RowsBlockX]
		}
		s[ty][tx+i*RowsBlockX] = v
	}
	t.Barrier()
	for i := RowsHaloSteps; i < RowsHaloSteps+RowsResultSteps; i++ {
		var sum float32
		for j := -KernelRadius; j <= KernelRadius; j++ {
			sum += kernel.C[KernelRadius-j] * s[ty][tx+i*RowsBlockX+j]
		}
		dst[base+i*RowsBlockX] = sum
	}
}

// ConvolutionColumns convolves each column of src with kernel; the shared
// tile is transposed and padded by one column.
//
//dc:kernel
func ConvolutionColumns(t dc.Thread, dst, src []float32, kernel Coeffs, imageW, imageH, pitch int) {
	s := dc.Shared[[ColsBlockX][(ColsResultSteps+2*ColsHaloSteps)*ColsBlockY + 1]float32](t)
	tx, ty := t.LocalX(), t.LocalY()
	baseX := t.GroupX()*ColsBlockX + tx
	baseY := (t.GroupY()*ColsResultSteps-ColsHaloSteps)*ColsBlockY + ty
	base := baseY*pitch + baseX
	for i := ColsHaloSteps; i < ColsHaloSteps+ColsResultSteps; i++ {
		s[tx][ty+i*ColsBlockY] = src[base+i*ColsBlockY*pitch]
	}
	for i := 0; i < ColsHaloSteps; i++ {
		var v float32
		if baseY >= -i*ColsBlockY {
			v = src[base+i*ColsBlockY*pitch]
		}
		s[tx][ty+i*ColsBlockY] = v
	}
	for i := ColsHaloSteps + ColsResultSteps; i < ColsHaloSteps+ColsResultSteps+ColsHaloSteps; i++ {
		var v float32
		if imageH-baseY > i*ColsBlockY {
			v = src[base+i*ColsBlockY*pitch]
		}
		s[tx][ty+i*ColsBlockY] = v
	}
	t.Barrier()
	for i := ColsHaloSteps; i < ColsHaloSteps+ColsResultSteps; i++ {
		var sum float32
		for j := -KernelRadius; j <= KernelRadius; j++ {
			sum += kernel.C[KernelRadius-j] * s[tx][ty+i*ColsBlockY+j]
		}
		dst[base+i*ColsBlockY*pitch] = sum
	}
}

// AccumN is the number of partial sums ScalarProd reduces per vector.
const AccumN = 1024

// ScalarProd computes c[v] = a[v]·b[v] for vectorN vectors of elementN
// elements, each group taking vectors in a grid-stride loop: AccumN
// strided partial sums, then a tree reduction in shared memory.
//
//dc:kernel
func ScalarProd(t dc.Thread, c, a, b []float32, vectorN, elementN int) {
	accum := dc.Shared[[AccumN]float32](t)
	for vec := t.GroupX(); vec < vectorN; vec += t.NumGroupsX() {
		vectorBase := elementN * vec
		vectorEnd := vectorBase + elementN
		for iAccum := t.LocalX(); iAccum < AccumN; iAccum += t.GroupSizeX() {
			var sum float32
			for pos := vectorBase + iAccum; pos < vectorEnd; pos += AccumN {
				sum += a[pos] * b[pos]
			}
			accum[iAccum] = sum
		}
		for stride := AccumN / 2; stride > 0; stride >>= 1 {
			t.Barrier()
			for iAccum := t.LocalX(); iAccum < stride; iAccum += t.GroupSizeX() {
				accum[iAccum] += accum[stride+iAccum]
			}
		}
		t.Barrier()
		if t.LocalX() == 0 {
			c[vec] = accum[0]
		}
	}
}

// Transpose geometry of cuda-samples transpose.
const (
	TileDim   = 32
	BlockRows = 8
)

// TransposeDiagonal transposes the width×height matrix in (both multiples
// of TileDim) with groups of TileDim×BlockRows threads, visiting the tiles
// in diagonal order and padding the shared tile against bank conflicts.
//
//dc:kernel
func TransposeDiagonal(t dc.Thread, out, in []float32, width, height int) {
	tile := dc.Shared[[TileDim][TileDim + 1]float32](t)
	var bx, by int
	if width == height {
		by = t.GroupX()
		bx = (t.GroupX() + t.GroupY()) % t.NumGroupsX()
	} else {
		bid := t.GroupX() + t.NumGroupsX()*t.GroupY()
		by = bid % t.NumGroupsY()
		bx = (bid/t.NumGroupsY() + by) % t.NumGroupsX()
	}
	x := bx*TileDim + t.LocalX()
	y := by*TileDim + t.LocalY()
	indexIn := x + y*width
	x = by*TileDim + t.LocalX()
	y = bx*TileDim + t.LocalY()
	indexOut := x + y*height
	for i := 0; i < TileDim; i += BlockRows {
		tile[t.LocalY()+i][t.LocalX()] = in[indexIn+i*width]
	}
	t.Barrier()
	for i := 0; i < TileDim; i += BlockRows {
		out[indexOut+i*height] = tile[t.LocalX()][t.LocalY()+i]
	}
}

// Binomial tree geometry of cuda-samples binomialOptions (with fewer time
// steps).
const (
	NumSteps        = 512
	BinomialBlock   = 128
	ElemsPerThread  = NumSteps / BinomialBlock
	binomialLastIdx = ElemsPerThread
)

// OptionData is one option's precomputed tree parameters.
type OptionData struct {
	S, X, VDt, PuByDf, PdByDf float32
}

// expiryCallValue is the call's value at expiry in leaf i of the tree.
func expiryCallValue(s, x, vDt float32, i int) float32 {
	d := s*dc.Exp(vDt*(2*float32(i)-NumSteps)) - x
	if d > 0 {
		return d
	}
	return 0
}

// BinomialOptions prices one European call per group by backward
// induction over a NumSteps binomial tree: each thread keeps
// ElemsPerThread leaves in registers and swaps its edge through shared
// memory at every time step.
//
//dc:kernel
func BinomialOptions(t dc.Thread, callValue []float32, options []OptionData) {
	exchange := dc.Shared[[BinomialBlock + 1]float32](t)
	tid := t.LocalX()
	o := options[t.GroupX()]
	var call [ElemsPerThread + 1]float32
	for i := 0; i < ElemsPerThread; i++ {
		call[i] = expiryCallValue(o.S, o.X, o.VDt, tid*ElemsPerThread+i)
	}
	if tid == 0 {
		exchange[BinomialBlock] = expiryCallValue(o.S, o.X, o.VDt, NumSteps)
	}
	finalIt := max(0, tid*ElemsPerThread-1)
	for i := NumSteps; i > 0; i-- {
		exchange[tid] = call[0]
		t.Barrier()
		call[binomialLastIdx] = exchange[tid+1]
		t.Barrier()
		if i > finalIt {
			for j := 0; j < ElemsPerThread; j++ {
				call[j] = o.PuByDf*call[j+1] + o.PdByDf*call[j]
			}
		}
	}
	if tid == 0 {
		callValue[t.GroupX()] = call[0]
	}
}

// FDTD3d geometry: the stencil radius and the largest group.
const (
	Radius       = 4
	FDBlockX     = 32
	FDBlockMaxY  = 16
	fdTileHeight = FDBlockMaxY + 2*Radius
	fdTileWidth  = FDBlockX + 2*Radius
)

// Stencil holds the FDTD3d coefficients of the centre and of distances 1
// to Radius.
type Stencil struct {
	C [Radius + 1]float32
}

// FiniteDifferences applies a radius-Radius star stencil to the inner
// dimx×dimy×dimz volume of input (padded by Radius on every side): each
// thread marches along z keeping the points in front and behind in
// registers, the xy-plane with its halo in a shared tile.
//
//dc:kernel
func FiniteDifferences(t dc.Thread, output, input []float32, dimx, dimy, dimz int, stencil Stencil) {
	validr, validw := true, true
	gtidx, gtidy := t.GlobalX(), t.GlobalY()
	ltidx, ltidy := t.LocalX(), t.LocalY()
	workx, worky := t.GroupSizeX(), t.GroupSizeY()
	tile := dc.Shared[[fdTileHeight][fdTileWidth]float32](t)
	strideY := dimx + 2*Radius
	strideZ := strideY * (dimy + 2*Radius)
	inputIndex := 0
	outputIndex := 0
	inputIndex += Radius*strideY + Radius
	inputIndex += gtidy*strideY + gtidx
	var infront, behind [Radius]float32
	var current float32
	tx := ltidx + Radius
	ty := ltidy + Radius
	if gtidx >= dimx+Radius || gtidy >= dimy+Radius {
		validr = false
	}
	if gtidx >= dimx || gtidy >= dimy {
		validw = false
	}
	for i := Radius - 2; i >= 0; i-- {
		if validr {
			behind[i] = input[inputIndex]
		}
		inputIndex += strideZ
	}
	if validr {
		current = input[inputIndex]
	}
	outputIndex = inputIndex
	inputIndex += strideZ
	for i := 0; i < Radius; i++ {
		if validr {
			infront[i] = input[inputIndex]
		}
		inputIndex += strideZ
	}
	for iz := 0; iz < dimz; iz++ {
		for i := Radius - 1; i > 0; i-- {
			behind[i] = behind[i-1]
		}
		behind[0] = current
		current = infront[0]
		for i := 0; i < Radius-1; i++ {
			infront[i] = infront[i+1]
		}
		if validr {
			infront[Radius-1] = input[inputIndex]
		}
		inputIndex += strideZ
		outputIndex += strideZ
		t.Barrier()
		if ltidy < Radius {
			tile[ltidy][tx] = input[outputIndex-Radius*strideY]
			tile[ltidy+worky+Radius][tx] = input[outputIndex+worky*strideY]
		}
		if ltidx < Radius {
			tile[ty][ltidx] = input[outputIndex-Radius]
			tile[ty][ltidx+workx+Radius] = input[outputIndex+workx]
		}
		tile[ty][tx] = current
		t.Barrier()
		value := stencil.C[0] * current
		for i := 1; i <= Radius; i++ {
			value += stencil.C[i] * (infront[i-1] + behind[i-1] + tile[ty-i][tx] + tile[ty+i][tx] + tile[ty][tx-i] + tile[ty][tx+i])
		}
		if validw {
			output[outputIndex] = value
		}
	}
}

// DCT block geometry of cuda-samples dct8x8.
const (
	DCTBlock     = 8
	DCTBlockLog2 = 3
	DCTBlock2    = DCTBlock * DCTBlock
)

// DCTMatrix is the 8×8 DCT matrix, row-major.
type DCTMatrix struct {
	M [DCTBlock2]float32
}

// DCT8x8 computes the 2-D DCT of each 8×8 block of src as two matrix
// products with the DCT matrix (Dᵀ·A·D) in two shared blocks, one group
// of 8×8 threads per block.
//
//dc:kernel
func DCT8x8(t dc.Thread, dst, src []float32, imgWidth, offsetXBlocks, offsetYBlocks int, dct DCTMatrix) {
	block1 := dc.Shared[[DCTBlock2]float32](t)
	block2 := dc.Shared[[DCTBlock2]float32](t)
	bx := t.GroupX() + offsetXBlocks
	by := t.GroupY() + offsetYBlocks
	tx, ty := t.LocalX(), t.LocalY()
	block1[ty<<DCTBlockLog2+tx] = src[((by<<DCTBlockLog2)+ty)*imgWidth+(bx<<DCTBlockLog2)+tx]
	t.Barrier()
	var cur float32
	dctIndex := 0*DCTBlock + ty
	block1Index := 0*DCTBlock + tx
	for i := 0; i < DCTBlock; i++ {
		cur += dct.M[dctIndex] * block1[block1Index]
		dctIndex += DCTBlock
		block1Index += DCTBlock
	}
	block2[ty<<DCTBlockLog2+tx] = cur
	t.Barrier()
	cur = 0
	block2Index := ty<<DCTBlockLog2 + 0
	dctIndex = 0*DCTBlock + tx
	for i := 0; i < DCTBlock; i++ {
		cur += block2[block2Index] * dct.M[dctIndex]
		block2Index++
		dctIndex += DCTBlock
	}
	block1[ty<<DCTBlockLog2+tx] = cur
	t.Barrier()
	dst[((by<<DCTBlockLog2)+ty)*imgWidth+(bx<<DCTBlockLog2)+tx] = block1[ty<<DCTBlockLog2+tx]
}

// ScanMax is the largest n the scans take.
const ScanMax = 512

// ScanNaive writes the exclusive prefix sums of in[:n] to out, one group
// of n threads, double-buffering the Hillis-Steele steps in one shared
// array.
//
//dc:kernel
func ScanNaive(t dc.Thread, out, in []float32, n int) {
	temp := dc.Shared[[2 * ScanMax]float32](t)
	thid := t.LocalX()
	pout, pin := 0, 1
	var v float32
	if thid > 0 {
		v = in[thid-1]
	}
	temp[pout*n+thid] = v
	for offset := 1; offset < n; offset *= 2 {
		pout = 1 - pout
		pin = 1 - pout
		t.Barrier()
		temp[pout*n+thid] = temp[pin*n+thid]
		if thid >= offset {
			temp[pout*n+thid] += temp[pin*n+thid-offset]
		}
	}
	t.Barrier()
	out[thid] = temp[pout*n+thid]
}

// Bank geometry of the padded work-efficient scan.
const (
	NumBanks    = 16
	LogNumBanks = 4
	scanShared  = ScanMax + ScanMax>>LogNumBanks + ScanMax>>(2*LogNumBanks)
)

// conflictFree is the padding that keeps the tree's strided accesses in
// distinct banks (GPU Gems 3, ch. 39).
func conflictFree(n int) int { return n>>LogNumBanks + n>>(2*LogNumBanks) }

// ScanBlelloch writes the exclusive prefix sums of each n-element block
// of in[:length] to out and the block's total to sums, with groups of
// n/2 threads: an up-sweep builds partial sums in place, a down-sweep
// distributes them.
//
//dc:kernel
func ScanBlelloch(t dc.Thread, out, in, sums []float32, n, length int) {
	temp := dc.Shared[[scanShared]float32](t)
	thid := t.LocalX()
	offset := 1
	blockOffset := t.GroupX() * n
	ai := thid
	bi := thid + n/2
	bankOffsetA := conflictFree(ai)
	bankOffsetB := conflictFree(bi)
	var va, vb float32
	if blockOffset+ai < length {
		va = in[blockOffset+ai]
	}
	if blockOffset+bi < length {
		vb = in[blockOffset+bi]
	}
	temp[ai+bankOffsetA] = va
	temp[bi+bankOffsetB] = vb
	for d := n >> 1; d > 0; d >>= 1 {
		t.Barrier()
		if thid < d {
			ai := offset*(2*thid+1) - 1
			bi := offset*(2*thid+2) - 1
			ai += conflictFree(ai)
			bi += conflictFree(bi)
			temp[bi] += temp[ai]
		}
		offset *= 2
	}
	if thid == 0 {
		sums[t.GroupX()] = temp[n-1+conflictFree(n-1)]
		temp[n-1+conflictFree(n-1)] = 0
	}
	for d := 1; d < n; d *= 2 {
		offset >>= 1
		t.Barrier()
		if thid < d {
			ai := offset*(2*thid+1) - 1
			bi := offset*(2*thid+2) - 1
			ai += conflictFree(ai)
			bi += conflictFree(bi)
			tmp := temp[ai]
			temp[ai] = temp[bi]
			temp[bi] += tmp
		}
	}
	t.Barrier()
	if blockOffset+ai < length {
		out[blockOffset+ai] = temp[ai+bankOffsetA]
	}
	if blockOffset+bi < length {
		out[blockOffset+bi] = temp[bi+bankOffsetB]
	}
}

// SradBlock is the side of srad's tiles.
const SradBlock = 16

// Srad1 computes srad's directional derivatives of j and its diffusion
// coefficient c on 16×16 tiles, reading the neighbouring tiles' edge rows
// and columns (clamped at the image border) into shared arrays. rows and
// cols are multiples of SradBlock.
//
//dc:kernel
func Srad1(t dc.Thread, eC, wC, nC, sC, j, c []float32, cols, rows int, q0sqr float32) {
	bx, by := t.GroupX(), t.GroupY()
	tx, ty := t.LocalX(), t.LocalY()
	index := cols*SradBlock*by + SradBlock*bx + cols*ty + tx
	indexN := cols*SradBlock*by + SradBlock*bx + tx - cols
	indexS := cols*SradBlock*by + SradBlock*bx + cols*SradBlock + tx
	indexW := cols*SradBlock*by + SradBlock*bx + cols*ty - 1
	indexE := cols*SradBlock*by + SradBlock*bx + cols*ty + SradBlock
	temp := dc.Shared[[SradBlock][SradBlock]float32](t)
	result := dc.Shared[[SradBlock][SradBlock]float32](t)
	north := dc.Shared[[SradBlock][SradBlock]float32](t)
	south := dc.Shared[[SradBlock][SradBlock]float32](t)
	east := dc.Shared[[SradBlock][SradBlock]float32](t)
	west := dc.Shared[[SradBlock][SradBlock]float32](t)
	if by == 0 {
		north[ty][tx] = j[SradBlock*bx+tx]
	} else {
		north[ty][tx] = j[indexN]
	}
	if by == t.NumGroupsY()-1 {
		south[ty][tx] = j[cols*SradBlock*(t.NumGroupsY()-1)+SradBlock*bx+cols*(SradBlock-1)+tx]
	} else {
		south[ty][tx] = j[indexS]
	}
	t.Barrier()
	if bx == 0 {
		west[ty][tx] = j[cols*SradBlock*by+cols*ty]
	} else {
		west[ty][tx] = j[indexW]
	}
	if bx == t.NumGroupsX()-1 {
		east[ty][tx] = j[cols*SradBlock*by+SradBlock*(t.NumGroupsX()-1)+cols*ty+SradBlock-1]
	} else {
		east[ty][tx] = j[indexE]
	}
	t.Barrier()
	temp[ty][tx] = j[index]
	t.Barrier()
	jc := temp[ty][tx]
	var n, s, w, e float32
	switch {
	case ty == 0 && tx == 0:
		n = north[ty][tx] - jc
		s = temp[ty+1][tx] - jc
		w = west[ty][tx] - jc
		e = temp[ty][tx+1] - jc
	case ty == 0 && tx == SradBlock-1:
		n = north[ty][tx] - jc
		s = temp[ty+1][tx] - jc
		w = temp[ty][tx-1] - jc
		e = east[ty][tx] - jc
	case ty == SradBlock-1 && tx == SradBlock-1:
		n = temp[ty-1][tx] - jc
		s = south[ty][tx] - jc
		w = temp[ty][tx-1] - jc
		e = east[ty][tx] - jc
	case ty == SradBlock-1 && tx == 0:
		n = temp[ty-1][tx] - jc
		s = south[ty][tx] - jc
		w = west[ty][tx] - jc
		e = temp[ty][tx+1] - jc
	case ty == 0:
		n = north[ty][tx] - jc
		s = temp[ty+1][tx] - jc
		w = temp[ty][tx-1] - jc
		e = temp[ty][tx+1] - jc
	case tx == SradBlock-1:
		n = temp[ty-1][tx] - jc
		s = temp[ty+1][tx] - jc
		w = temp[ty][tx-1] - jc
		e = east[ty][tx] - jc
	case ty == SradBlock-1:
		n = temp[ty-1][tx] - jc
		s = south[ty][tx] - jc
		w = temp[ty][tx-1] - jc
		e = temp[ty][tx+1] - jc
	case tx == 0:
		n = temp[ty-1][tx] - jc
		s = temp[ty+1][tx] - jc
		w = west[ty][tx] - jc
		e = temp[ty][tx+1] - jc
	default:
		n = temp[ty-1][tx] - jc
		s = temp[ty+1][tx] - jc
		w = temp[ty][tx-1] - jc
		e = temp[ty][tx+1] - jc
	}
	g2 := (n*n + s*s + w*w + e*e) / (jc * jc)
	l := (n + s + w + e) / jc
	num := 0.5*g2 - (1.0/16.0)*(l*l)
	den := 1 + 0.25*l
	qsqr := num / (den * den)
	den = (qsqr - q0sqr) / (q0sqr * (1 + q0sqr))
	cv := 1.0 / (1.0 + den)
	if cv < 0 {
		result[ty][tx] = 0
	} else if cv > 1 {
		result[ty][tx] = 1
	} else {
		result[ty][tx] = cv
	}
	t.Barrier()
	c[index] = result[ty][tx]
	eC[index] = e
	wC[index] = w
	sC[index] = s
	nC[index] = n
}

// Srad2 updates j by the divergence of the diffusion, with c read from
// the tile, its south row and its east column.
//
//dc:kernel
func Srad2(t dc.Thread, eC, wC, nC, sC, j, c []float32, cols, rows int, lambda, q0sqr float32) {
	bx, by := t.GroupX(), t.GroupY()
	tx, ty := t.LocalX(), t.LocalY()
	index := cols*SradBlock*by + SradBlock*bx + cols*ty + tx
	indexS := cols*SradBlock*by + SradBlock*bx + cols*SradBlock + tx
	indexE := cols*SradBlock*by + SradBlock*bx + cols*ty + SradBlock
	southC := dc.Shared[[SradBlock][SradBlock]float32](t)
	eastC := dc.Shared[[SradBlock][SradBlock]float32](t)
	cTemp := dc.Shared[[SradBlock][SradBlock]float32](t)
	temp := dc.Shared[[SradBlock][SradBlock]float32](t)
	temp[ty][tx] = j[index]
	t.Barrier()
	if by == t.NumGroupsY()-1 {
		southC[ty][tx] = c[cols*SradBlock*(t.NumGroupsY()-1)+SradBlock*bx+cols*(SradBlock-1)+tx]
	} else {
		southC[ty][tx] = c[indexS]
	}
	t.Barrier()
	if bx == t.NumGroupsX()-1 {
		eastC[ty][tx] = c[cols*SradBlock*by+SradBlock*(t.NumGroupsX()-1)+cols*ty+SradBlock-1]
	} else {
		eastC[ty][tx] = c[indexE]
	}
	t.Barrier()
	cTemp[ty][tx] = c[index]
	t.Barrier()
	cc := cTemp[ty][tx]
	var cn, cs, cw, ce float32
	if ty == SradBlock-1 && tx == SradBlock-1 {
		cn, cs, cw, ce = cc, southC[ty][tx], cc, eastC[ty][tx]
	} else if tx == SradBlock-1 {
		cn, cs, cw, ce = cc, cTemp[ty+1][tx], cc, eastC[ty][tx]
	} else if ty == SradBlock-1 {
		cn, cs, cw, ce = cc, southC[ty][tx], cc, cTemp[ty][tx+1]
	} else {
		cn, cs, cw, ce = cc, cTemp[ty+1][tx], cc, cTemp[ty][tx+1]
	}
	dSum := cn*nC[index] + cs*sC[index] + cw*wC[index] + ce*eC[index]
	value := 0.25 * lambda * dSum
	value += temp[ty][tx]
	t.Barrier()
	j[index] = value
}

// LudBlock is the side of the lud blocks.
const LudBlock = 16

// LudPerimeter solves the block row right of and the block column below
// the factorised diagonal block at offset: the first LudBlock threads of
// a group compute a block of U's row, the others a block of L's column.
//
//dc:kernel
func LudPerimeter(t dc.Thread, m []float32, matrixDim, offset int) {
	dia := dc.Shared[[LudBlock][LudBlock]float32](t)
	periRow := dc.Shared[[LudBlock][LudBlock]float32](t)
	periCol := dc.Shared[[LudBlock][LudBlock]float32](t)
	var i, j, arrayOffset, idx int
	if t.LocalX() < LudBlock {
		idx = t.LocalX()
		arrayOffset = offset*matrixDim + offset
		for i = 0; i < LudBlock/2; i++ {
			dia[i][idx] = m[arrayOffset+idx]
			arrayOffset += matrixDim
		}
		arrayOffset = offset*matrixDim + offset
		for i = 0; i < LudBlock; i++ {
			periRow[i][idx] = m[arrayOffset+(t.GroupX()+1)*LudBlock+idx]
			arrayOffset += matrixDim
		}
	} else {
		idx = t.LocalX() - LudBlock
		arrayOffset = (offset+LudBlock/2)*matrixDim + offset
		for i = LudBlock / 2; i < LudBlock; i++ {
			dia[i][idx] = m[arrayOffset+idx]
			arrayOffset += matrixDim
		}
		arrayOffset = (offset+(t.GroupX()+1)*LudBlock)*matrixDim + offset
		for i = 0; i < LudBlock; i++ {
			periCol[i][idx] = m[arrayOffset+idx]
			arrayOffset += matrixDim
		}
	}
	t.Barrier()
	if t.LocalX() < LudBlock {
		idx = t.LocalX()
		for i = 1; i < LudBlock; i++ {
			for j = 0; j < i; j++ {
				periRow[i][idx] -= dia[i][j] * periRow[j][idx]
			}
		}
	} else {
		idx = t.LocalX() - LudBlock
		for i = 0; i < LudBlock; i++ {
			for j = 0; j < i; j++ {
				periCol[idx][i] -= periCol[idx][j] * dia[j][i]
			}
			periCol[idx][i] /= dia[i][i]
		}
	}
	t.Barrier()
	if t.LocalX() < LudBlock {
		idx = t.LocalX()
		arrayOffset = (offset+1)*matrixDim + offset
		for i = 1; i < LudBlock; i++ {
			m[arrayOffset+(t.GroupX()+1)*LudBlock+idx] = periRow[i][idx]
			arrayOffset += matrixDim
		}
	} else {
		idx = t.LocalX() - LudBlock
		arrayOffset = (offset+(t.GroupX()+1)*LudBlock)*matrixDim + offset
		for i = 0; i < LudBlock; i++ {
			m[arrayOffset+idx] = periCol[i][idx]
			arrayOffset += matrixDim
		}
	}
}

// LudInternal subtracts the product of the perimeter blocks from each
// block of the trailing submatrix, one 16×16 group per block.
//
//dc:kernel
func LudInternal(t dc.Thread, m []float32, matrixDim, offset int) {
	periRow := dc.Shared[[LudBlock][LudBlock]float32](t)
	periCol := dc.Shared[[LudBlock][LudBlock]float32](t)
	tx, ty := t.LocalX(), t.LocalY()
	globalRowID := offset + (t.GroupY()+1)*LudBlock
	globalColID := offset + (t.GroupX()+1)*LudBlock
	periRow[ty][tx] = m[(offset+ty)*matrixDim+globalColID+tx]
	periCol[ty][tx] = m[(globalRowID+ty)*matrixDim+offset+tx]
	t.Barrier()
	var sum float32
	for i := 0; i < LudBlock; i++ {
		sum += periCol[ty][i] * periRow[i][tx]
	}
	m[(globalRowID+ty)*matrixDim+globalColID+tx] -= sum
}

// lavaMD geometry: particles per box and threads per group.
const (
	ParPerBox     = 100
	LavaThreads   = 128
	LavaNeighbors = 26
)

// FourVector is a particle's potential and position, or the force on it.
type FourVector struct {
	V, X, Y, Z float64
}

// ThreeVector is a displacement.
type ThreeVector struct {
	X, Y, Z float64
}

// Neighbor names one neighbouring box.
type Neighbor struct {
	X, Y, Z, Number int32
	Offset          int64
}

// Box is one box of the domain: where its particles start and its
// neighbours.
type Box struct {
	X, Y, Z, Number int32
	Offset          int64
	NN              int32
	Nei             [LavaNeighbors]Neighbor
}

// Par holds lavaMD's physical parameter.
type Par struct {
	Alpha float64
}

// Dim holds the domain's size.
type Dim struct {
	Boxes1D     int32
	NumberBoxes int64
	SpaceElem   int64
}

// dot is the dot product of the position parts of two four-vectors.
func dot(a, b FourVector) float64 { return a.X*b.X + a.Y*b.Y + a.Z*b.Z }

// LavaMD accumulates on each particle of box GroupX the forces of the
// particles of the box and its neighbours, staging the home box and each
// neighbour box in shared arrays of structs.
//
//dc:kernel
func LavaMD(t dc.Thread, par Par, dim Dim, boxes []Box, rv []FourVector, qv []float64, fv []FourVector) {
	bx := t.GroupX()
	tx := t.LocalX()
	wtx := tx
	if int64(bx) < dim.NumberBoxes {
		a2 := 2.0 * par.Alpha * par.Alpha
		rAShared := dc.Shared[[ParPerBox]FourVector](t)
		rBShared := dc.Shared[[ParPerBox]FourVector](t)
		qBShared := dc.Shared[[ParPerBox]float64](t)
		firstI := boxes[bx].Offset
		rA := rv[firstI:]
		fA := fv[firstI:]
		for wtx < ParPerBox {
			rAShared[wtx] = rA[wtx]
			wtx += LavaThreads
		}
		wtx = tx
		t.Barrier()
		// Rodinia loops k < 1+nn, a bound loaded from memory, which dckgen
		// cannot prove the same for the whole group: the loop runs over
		// every possible neighbour and the work is guarded instead.
		nn := int(boxes[bx].NN)
		for k := 0; k < 1+LavaNeighbors; k++ {
			active := k <= nn
			pointer := bx
			if k > 0 && active {
				pointer = int(boxes[bx].Nei[k-1].Number)
			}
			if active {
				firstJ := boxes[pointer].Offset
				rB := rv[firstJ:]
				qB := qv[firstJ:]
				for wtx < ParPerBox {
					rBShared[wtx] = rB[wtx]
					qBShared[wtx] = qB[wtx]
					wtx += LavaThreads
				}
			}
			wtx = tx
			t.Barrier()
			if active {
				for wtx < ParPerBox {
					for j := 0; j < ParPerBox; j++ {
						r2 := rAShared[wtx].V + rBShared[j].V - dot(rAShared[wtx], rBShared[j])
						u2 := a2 * r2
						vij := dc.Exp(-u2)
						fs := 2 * vij
						var d ThreeVector
						d.X = rAShared[wtx].X - rBShared[j].X
						fxij := fs * d.X
						d.Y = rAShared[wtx].Y - rBShared[j].Y
						fyij := fs * d.Y
						d.Z = rAShared[wtx].Z - rBShared[j].Z
						fzij := fs * d.Z
						fA[wtx].V += qBShared[j] * vij
						fA[wtx].X += qBShared[j] * fxij
						fA[wtx].Y += qBShared[j] * fyij
						fA[wtx].Z += qBShared[j] * fzij
					}
					wtx += LavaThreads
				}
			}
			wtx = tx
			t.Barrier()
		}
	}
}

// SortShared is the block the shared-memory sorts handle, with groups of
// SortShared/2 threads (cuda-samples SHARED_SIZE_LIMIT).
const SortShared = 1024

// binarySearchInclusive returns how many of data[base:base+l], sorted as
// dir says, come at or before val.
func binarySearchInclusive(val uint32, data *[SortShared]uint32, base, l, stride uint32, dir bool) uint32 {
	if l == 0 {
		return 0
	}
	pos := uint32(0)
	for ; stride > 0; stride >>= 1 {
		newPos := min(pos+stride, l)
		if (dir && data[base+newPos-1] <= val) || (!dir && data[base+newPos-1] >= val) {
			pos = newPos
		}
	}
	return pos
}

// binarySearchExclusive returns how many of data[base:base+l], sorted as
// dir says, come strictly before val.
func binarySearchExclusive(val uint32, data *[SortShared]uint32, base, l, stride uint32, dir bool) uint32 {
	if l == 0 {
		return 0
	}
	pos := uint32(0)
	for ; stride > 0; stride >>= 1 {
		newPos := min(pos+stride, l)
		if (dir && data[base+newPos-1] < val) || (!dir && data[base+newPos-1] > val) {
			pos = newPos
		}
	}
	return pos
}

// MergeSortShared sorts each SortShared-element block of (srcKey,
// srcVal) by merging sorted runs of doubling length in shared memory;
// each element finds its place in the other run by binary search.
//
//dc:kernel
func MergeSortShared(t dc.Thread, dstKey, dstVal, srcKey, srcVal []uint32, arrayLength uint32, dir bool) {
	sKey := dc.Shared[[SortShared]uint32](t)
	sVal := dc.Shared[[SortShared]uint32](t)
	tid := uint32(t.LocalX())
	g := t.GroupX()*SortShared + t.LocalX()
	sKey[tid] = srcKey[g]
	sVal[tid] = srcVal[g]
	sKey[tid+SortShared/2] = srcKey[g+SortShared/2]
	sVal[tid+SortShared/2] = srcVal[g+SortShared/2]
	for stride := uint32(1); stride < arrayLength; stride <<= 1 {
		lPos := tid & (stride - 1)
		base := 2 * (tid - lPos)
		t.Barrier()
		keyA := sKey[base+lPos]
		valA := sVal[base+lPos]
		keyB := sKey[base+lPos+stride]
		valB := sVal[base+lPos+stride]
		posA := binarySearchExclusive(keyA, sKey, base+stride, stride, stride, dir) + lPos
		posB := binarySearchInclusive(keyB, sKey, base, stride, stride, dir) + lPos
		t.Barrier()
		sKey[base+posA] = keyA
		sVal[base+posA] = valA
		sKey[base+posB] = keyB
		sVal[base+posB] = valB
	}
	t.Barrier()
	dstKey[g] = sKey[tid]
	dstVal[g] = sVal[tid]
	dstKey[g+SortShared/2] = sKey[tid+SortShared/2]
	dstVal[g+SortShared/2] = sVal[tid+SortShared/2]
}

// compareExchange orders the pairs at a and b of the shared key and value
// arrays as dir says (cuda-samples Comparator on references).
func compareExchange(keys, vals *[SortShared]uint32, a, b uint32, dir uint32) {
	if (keys[a] > keys[b]) == (dir != 0) {
		keys[a], keys[b] = keys[b], keys[a]
		vals[a], vals[b] = vals[b], vals[a]
	}
}

// OddEvenMergeSortShared sorts each SortShared-element block with
// Batcher's odd-even merge network in shared memory.
//
//dc:kernel
func OddEvenMergeSortShared(t dc.Thread, dstKey, dstVal, srcKey, srcVal []uint32, arrayLength, dir uint32) {
	sKey := dc.Shared[[SortShared]uint32](t)
	sVal := dc.Shared[[SortShared]uint32](t)
	tid := uint32(t.LocalX())
	g := t.GroupX()*SortShared + t.LocalX()
	sKey[tid] = srcKey[g]
	sVal[tid] = srcVal[g]
	sKey[tid+SortShared/2] = srcKey[g+SortShared/2]
	sVal[tid+SortShared/2] = srcVal[g+SortShared/2]
	for size := uint32(2); size <= arrayLength; size <<= 1 {
		// cuda-samples halves one stride variable inside the first
		// step's block; the steps after it start at size/4 instead,
		// which keeps the CPU fallback's thread loops (see
		// barriers.Restep).
		stride := size / 2
		offset := tid & (stride - 1)
		{
			t.Barrier()
			pos := 2*tid - (tid & (stride - 1))
			compareExchange(sKey, sVal, pos, pos+stride, dir)
		}
		for stride := size / 4; stride > 0; stride >>= 1 {
			t.Barrier()
			pos := 2*tid - (tid & (stride - 1))
			if offset >= stride {
				compareExchange(sKey, sVal, pos-stride, pos, dir)
			}
		}
	}
	t.Barrier()
	dstKey[g] = sKey[tid]
	dstVal[g] = sVal[tid]
	dstKey[g+SortShared/2] = sKey[tid+SortShared/2]
	dstVal[g+SortShared/2] = sVal[tid+SortShared/2]
}

// Histogram256 geometry of cuda-samples histogram256: one sub-histogram
// per warp.
const (
	Log2WarpSize      = 5
	WarpSize          = 1 << Log2WarpSize
	WarpCount         = 6
	BinCount          = 256
	HistBlock         = WarpCount * WarpSize
	HistBlockMemory   = WarpCount * BinCount
	MergeHistBlock    = 256
	histUintBits      = 32
	histTagMask       = 0xFFFFFFFF
	histClearRounds   = HistBlockMemory / HistBlock
	histWarpHistShift = Log2WarpSize
)

// addByte counts one byte in the warp's sub-histogram at base.
func addByte(sHist *[HistBlockMemory]uint32, base, data uint32) {
	dc.AtomicAdd(&sHist[base+data], 1)
}

// addWord counts the four bytes of data.
func addWord(sHist *[HistBlockMemory]uint32, base, data uint32) {
	addByte(sHist, base, data>>0&0xFF)
	addByte(sHist, base, data>>8&0xFF)
	addByte(sHist, base, data>>16&0xFF)
	addByte(sHist, base, data>>24&0xFF)
}

// Histogram256 counts the bytes of data[:dataCount] (as 32-bit words)
// into per-warp shared sub-histograms and writes the group's histogram to
// partial[group].
//
//dc:kernel
func Histogram256(t dc.Thread, partial, data []uint32, dataCount uint32) {
	sHist := dc.Shared[[HistBlockMemory]uint32](t)
	tid := uint32(t.LocalX())
	warpBase := (tid >> histWarpHistShift) * BinCount
	for i := uint32(0); i < histClearRounds; i++ {
		sHist[tid+i*HistBlock] = 0
	}
	t.Barrier()
	for pos := uint32(t.GroupX())*uint32(t.GroupSizeX()) + tid; pos < dataCount; pos += uint32(t.GroupSizeX()) * uint32(t.NumGroupsX()) {
		addWord(sHist, warpBase, data[pos])
	}
	t.Barrier()
	for bin := tid; bin < BinCount; bin += HistBlock {
		sum := uint32(0)
		for i := uint32(0); i < WarpCount; i++ {
			sum += sHist[bin+i*BinCount] & histTagMask
		}
		partial[uint32(t.GroupX())*BinCount+bin] = sum
	}
}

// MergeHistogram256 sums bin GroupX of the histogramCount partial
// histograms, one group per bin.
//
//dc:kernel
func MergeHistogram256(t dc.Thread, histogram, partial []uint32, histogramCount uint32) {
	sum := uint32(0)
	for i := uint32(t.LocalX()); i < histogramCount; i += MergeHistBlock {
		sum += partial[uint32(t.GroupX())+i*BinCount]
	}
	data := dc.Shared[[MergeHistBlock]uint32](t)
	data[t.LocalX()] = sum
	for stride := uint32(MergeHistBlock / 2); stride > 0; stride >>= 1 {
		t.Barrier()
		if uint32(t.LocalX()) < stride {
			data[t.LocalX()] += data[uint32(t.LocalX())+stride]
		}
	}
	if t.LocalX() == 0 {
		histogram[t.GroupX()] = data[0]
	}
}

// BTreeOrder is the order of the b+tree FindK searches; a group has one
// thread per key slot.
const BTreeOrder = 32

// KNode is one node of the b+tree as Rodinia flattens it for the GPU.
type KNode struct {
	Location int32
	Indices  [BTreeOrder + 1]int32
	Keys     [BTreeOrder + 1]int32
	IsLeaf   bool
	NumKeys  int32
}

// Record is a b+tree record.
type Record struct {
	Value int32
}

// FindK descends the b+tree from currKnode[g] height levels to the leaf
// that holds keys[g], one query per group, the threads comparing their
// key slots and passing the next node through global memory between
// barriers; the found record's value goes to ans[g].
//
//dc:kernel
func FindK(t dc.Thread, height int64, knodes []KNode, knodesElem int64, records []Record, currKnode, offset []int64, keys []int32, ans []Record) {
	thid := t.LocalX()
	bid := t.GroupX()
	for i := 0; i < int(height); i++ {
		if knodes[currKnode[bid]].Keys[thid] <= keys[bid] && knodes[currKnode[bid]].Keys[thid+1] > keys[bid] {
			if int64(knodes[offset[bid]].Indices[thid]) < knodesElem {
				offset[bid] = int64(knodes[offset[bid]].Indices[thid])
			}
		}
		t.Barrier()
		if thid == 0 {
			currKnode[bid] = offset[bid]
		}
		t.Barrier()
	}
	if knodes[currKnode[bid]].Keys[thid] == keys[bid] {
		ans[bid].Value = records[knodes[currKnode[bid]].Indices[thid]].Value
	}
}

// MMBlock is MatrixMulCUDA's tile side and group side.
const MMBlock = 16

// MatrixMulCUDA computes c = a·b for a of width wA and b of width wB
// (multiples of MMBlock), one MMBlock×MMBlock tile of c per group, the
// way cuda-samples matrixMul walks a's block row and b's block column
// with two indices stepped together and declares its tiles inside the
// loop.
//
//dc:kernel
func MatrixMulCUDA(t dc.Thread, c, a, b []float32, wA, wB int) {
	bx, by := t.GroupX(), t.GroupY()
	tx, ty := t.LocalX(), t.LocalY()
	aBegin := wA * MMBlock * by
	aEnd := aBegin + wA - 1
	aStep := MMBlock
	bBegin := MMBlock * bx
	bStep := MMBlock * wB
	var cSub float32
	for ia, ib := aBegin, bBegin; ia <= aEnd; ia, ib = ia+aStep, ib+bStep {
		as := dc.Shared[[MMBlock][MMBlock]float32](t)
		bs := dc.Shared[[MMBlock][MMBlock]float32](t)
		as[ty][tx] = a[ia+wA*ty+tx]
		bs[ty][tx] = b[ib+wB*ty+tx]
		t.Barrier()
		for k := 0; k < MMBlock; k++ {
			cSub += as[ty][k] * bs[k][tx]
		}
		t.Barrier()
	}
	ic := wB*MMBlock*by + MMBlock*bx
	c[ic+wB*ty+tx] = cSub
}

// SobolDirections is the number of direction numbers per dimension.
const SobolDirections = 32

// ffs is CUDA's __ffs: the 1-based position of the least significant set
// bit of x, 0 when x is 0.
func ffs(x uint32) uint32 {
	if x == 0 {
		return 0
	}
	n := uint32(1)
	for x&1 == 0 {
		x >>= 1
		n++
	}
	return n
}

// Sobol writes nVectors points of Sobol dimension GroupY to
// output[GroupY*nVectors:], from that dimension's direction numbers
// staged in shared memory: each thread computes its first point from the
// Gray code of its index, then steps by the grid (a power of two) with
// one XOR per point (cuda-samples SobolQRNG).
//
//dc:kernel
func Sobol(t dc.Thread, nVectors, nDimensions int, directions []uint32, output []float32) {
	v := dc.Shared[[SobolDirections]uint32](t)
	dirs := directions[SobolDirections*t.GroupY():]
	out := output[nVectors*t.GroupY():]
	if t.LocalX() < SobolDirections {
		v[t.LocalX()] = dirs[t.LocalX()]
	}
	t.Barrier()
	i0 := t.LocalX() + t.GroupX()*t.GroupSizeX()
	stride := t.NumGroupsX() * t.GroupSizeX()
	g := uint32(i0 ^ i0>>1)
	x := uint32(0)
	for k := uint32(0); k < ffs(uint32(stride))-1; k++ {
		mask := -(g & 1)
		x ^= mask & v[k]
		g >>= 1
	}
	if i0 < nVectors {
		out[i0] = float32(x) * 2.3283064e-10
	}
	vLog2StrideM1 := v[ffs(uint32(stride))-2]
	vStrideMask := uint32(stride - 1)
	for i := uint32(i0 + stride); i < uint32(nVectors); i += uint32(stride) {
		x ^= vLog2StrideM1 ^ v[ffs(^((i-uint32(stride))|vStrideMask))-1]
		out[i] = float32(x) * 2.3283064e-10
	}
}

// SradReduceThreads is SradReduce's group size.
const SradReduceThreads = 512

// SradReduce sums d_sums and d_sums2 (every dMul-th of the first dNo
// elements) per group of SradReduceThreads into the group's first slot:
// a tree over the whole group, or, in the last group of a partial grid,
// over the largest power of two below its count and a serial tail (Rodinia
// srad v1's reduce; the original declares one counter i for all its loops,
// which dckgen's uniformity analysis cannot follow, so each loop has its
// own).
//
//dc:kernel
func SradReduce(t dc.Thread, dNe int64, dNo, dMul int, dSums, dSums2 []float32) {
	bx := t.GroupX()
	tx := t.LocalX()
	ei := bx*SradReduceThreads + tx
	nf := SradReduceThreads - (t.NumGroupsX()*SradReduceThreads - dNo)
	df := 0
	psum := dc.Shared[[SradReduceThreads]float32](t)
	psum2 := dc.Shared[[SradReduceThreads]float32](t)
	if ei < dNo {
		psum[tx] = dSums[ei*dMul]
		psum2[tx] = dSums2[ei*dMul]
	}
	if nf == SradReduceThreads {
		for i := 2; i <= SradReduceThreads; i = 2 * i {
			if (tx+1)%i == 0 {
				psum[tx] = psum[tx] + psum[tx-i/2]
				psum2[tx] = psum2[tx] + psum2[tx-i/2]
			}
			t.Barrier()
		}
		if tx == SradReduceThreads-1 {
			dSums[bx*dMul*SradReduceThreads] = psum[tx]
			dSums2[bx*dMul*SradReduceThreads] = psum2[tx]
		}
	} else {
		if bx != t.NumGroupsX()-1 {
			for i := 2; i <= SradReduceThreads; i = 2 * i {
				if (tx+1)%i == 0 {
					psum[tx] = psum[tx] + psum[tx-i/2]
					psum2[tx] = psum2[tx] + psum2[tx-i/2]
				}
				t.Barrier()
			}
			if tx == SradReduceThreads-1 {
				dSums[bx*dMul*SradReduceThreads] = psum[tx]
				dSums2[bx*dMul*SradReduceThreads] = psum2[tx]
			}
		} else {
			for i := 1; i < nf; i = 2 * i {
				df = i
			}
			for i := 2; i <= df; i = 2 * i {
				if (tx+1)%i == 0 && tx < df {
					psum[tx] = psum[tx] + psum[tx-i/2]
					psum2[tx] = psum2[tx] + psum2[tx-i/2]
				}
				t.Barrier()
			}
			if tx == df-1 {
				for i := bx*SradReduceThreads + df; i < bx*SradReduceThreads+nf; i++ {
					psum[tx] = psum[tx] + dSums[i]
					psum2[tx] = psum2[tx] + dSums2[i]
				}
				dSums[bx*dMul*SradReduceThreads] = psum[tx]
				dSums2[bx*dMul*SradReduceThreads] = psum2[tx]
			}
		}
	}
}

// Backprop constants of Rodinia backprop.
const (
	BPHeight   = 16
	BPEta      = 0.3
	BPMomentum = 0.3
)

// BpnnAdjustWeights adds the momentum-smoothed weight changes to the
// (in+1)×(hid+1) weights w, one 16×16 group per 16 input rows; after a
// barrier the first row of the first group updates the bias row (Rodinia
// backprop's bpnn_adjust_weights_cuda).
//
//dc:kernel
func BpnnAdjustWeights(t dc.Thread, delta []float32, hid int, ly []float32, in int, w, oldw []float32) {
	by := t.GroupY()
	tx, ty := t.LocalX(), t.LocalY()
	index := (hid+1)*BPHeight*by + (hid+1)*ty + tx + 1 + (hid + 1)
	indexY := BPHeight*by + ty + 1
	indexX := tx + 1
	w[index] += BPEta*delta[indexX]*ly[indexY] + BPMomentum*oldw[index]
	oldw[index] = BPEta*delta[indexX]*ly[indexY] + BPMomentum*oldw[index]
	t.Barrier()
	if ty == 0 && by == 0 {
		w[indexX] += BPEta*delta[indexX] + BPMomentum*oldw[indexX]
		oldw[indexX] = BPEta*delta[indexX] + BPMomentum*oldw[indexX]
	}
}

// ClusterPoint is a streamcluster point's weight, assigned centre and
// cost.
type ClusterPoint struct {
	Weight float32
	Assign int32
	Cost   float32
}

// ClusterMaxDim is the most coordinates PGain stages in shared memory.
const ClusterMaxDim = 64

// PGain computes, for each of num points, the change in cost of opening
// candidate centre x, with x's dim coordinates (stored coordinate-major in
// coord) staged in shared memory by thread 0 (Rodinia streamcluster's
// pgain kernel, 2-D grid of 1-D groups).
//
//dc:kernel
func PGain(t dc.Thread, p []ClusterPoint, coord, workMem []float32, centerTable []int32, switchMembership []bool, num, dim int, x int64, k int) {
	blockID := t.GroupX() + t.NumGroupsX()*t.GroupY()
	threadID := t.GroupSizeX()*blockID + t.LocalX()
	coordS := dc.Shared[[ClusterMaxDim]float32](t)
	if t.LocalX() == 0 {
		for i := 0; i < dim; i++ {
			coordS[i] = coord[i*num+int(x)]
		}
	}
	t.Barrier()
	if threadID < num {
		var xCost float32
		for i := 0; i < dim; i++ {
			d := coord[i*num+threadID] - coordS[i]
			xCost += d * d
		}
		xCost = xCost * p[threadID].Weight
		currentCost := p[threadID].Cost
		base := threadID * (k + 1)
		if xCost < currentCost {
			switchMembership[threadID] = true
			workMem[base+k] = xCost - currentCost
		} else {
			assign := p[threadID].Assign
			workMem[base+int(centerTable[assign])] = currentCost - xCost
		}
	}
}
