// Package rodinia is a golden case: kernels of the Rodinia benchmark suite
// (hotspot, pathfinder, needleman-wunsch, backprop, lud, gaussian, kmeans)
// written in the dialect the way their CUDA versions are written: pyramid
// stencils over shared tiles with validity ranges and barriers in loops,
// anti-diagonal wavefronts in a 2D shared array, tree sums with a power of
// two from math.Pow, a triangular factorisation with barriers under loops.
package rodinia

import (
	"math"

	"github.com/dotcompute/dc"
)

// BlockSize is the side of Hotspot's tiles.
const BlockSize = 16

// inRange reports whether lo <= x <= hi.
func inRange(x, lo, hi int) bool { return x >= lo && x <= hi }

// Hotspot runs iteration steps of the thermal simulation on 16×16 tiles
// whose valid border shrinks by one cell per step (the pyramid).
//
//dc:kernel
func Hotspot(t dc.Thread, iteration int, power, tempSrc, tempDst []float32, gridCols, gridRows, borderCols, borderRows int,
	cap, rx, ry, rz, step float32) {
	tempOn := dc.Shared[[BlockSize][BlockSize]float32](t)
	powerOn := dc.Shared[[BlockSize][BlockSize]float32](t)
	tempT := dc.Shared[[BlockSize][BlockSize]float32](t)

	amb := float32(80.0)
	stepDivCap := step / cap
	rx1, ry1, rz1 := 1/rx, 1/ry, 1/rz

	bx, by := t.GroupX(), t.GroupY()
	tx, ty := t.LocalX(), t.LocalY()
	smallBlockRows := BlockSize - iteration*2
	smallBlockCols := BlockSize - iteration*2
	blkY := smallBlockRows*by - borderRows
	blkX := smallBlockCols*bx - borderCols
	blkYmax := blkY + BlockSize - 1
	blkXmax := blkX + BlockSize - 1
	yidx := blkY + ty
	xidx := blkX + tx
	loadYidx, loadXidx := yidx, xidx
	index := gridCols*loadYidx + loadXidx
	if inRange(loadYidx, 0, gridRows-1) && inRange(loadXidx, 0, gridCols-1) {
		tempOn[ty][tx] = tempSrc[index]
		powerOn[ty][tx] = power[index]
	}
	t.Barrier()
	validYmin := 0
	if blkY < 0 {
		validYmin = -blkY
	}
	validYmax := BlockSize - 1
	if blkYmax > gridRows-1 {
		validYmax = BlockSize - 1 - (blkYmax - gridRows + 1)
	}
	validXmin := 0
	if blkX < 0 {
		validXmin = -blkX
	}
	validXmax := BlockSize - 1
	if blkXmax > gridCols-1 {
		validXmax = BlockSize - 1 - (blkXmax - gridCols + 1)
	}
	N, S, W, E := ty-1, ty+1, tx-1, tx+1
	N = max(N, validYmin)
	S = min(S, validYmax)
	W = max(W, validXmin)
	E = min(E, validXmax)
	computed := false
	for i := 0; i < iteration; i++ {
		computed = false
		if inRange(tx, i+1, BlockSize-i-2) && inRange(ty, i+1, BlockSize-i-2) &&
			inRange(tx, validXmin, validXmax) && inRange(ty, validYmin, validYmax) {
			computed = true
			tempT[ty][tx] = tempOn[ty][tx] + stepDivCap*(powerOn[ty][tx]+
				(tempOn[S][tx]+tempOn[N][tx]-2.0*tempOn[ty][tx])*ry1+
				(tempOn[ty][E]+tempOn[ty][W]-2.0*tempOn[ty][tx])*rx1+
				(amb-tempOn[ty][tx])*rz1)
		}
		t.Barrier()
		if i == iteration-1 {
			break
		}
		if computed {
			tempOn[ty][tx] = tempT[ty][tx]
		}
		t.Barrier()
	}
	if computed {
		tempDst[index] = tempT[ty][tx]
	}
}

// PFBlock is Pathfinder's group size, HALO the cells a step reads on each side.
const (
	PFBlock = 256
	HALO    = 1
)

// Pathfinder advances the dynamic-programming shortest path down the
// wall by iteration rows, one 256-column block per group.
//
//dc:kernel
func Pathfinder(t dc.Thread, iteration int, gpuWall, gpuSrc, gpuResults []int32, cols, rows, startStep, border int) {
	prev := dc.Shared[[PFBlock]int32](t)
	result := dc.Shared[[PFBlock]int32](t)
	bx := t.GroupX()
	tx := t.LocalX()
	smallBlockCols := PFBlock - iteration*HALO*2
	blkX := smallBlockCols*bx - border
	blkXmax := blkX + PFBlock - 1
	xidx := blkX + tx
	validXmin := 0
	if blkX < 0 {
		validXmin = -blkX
	}
	validXmax := PFBlock - 1
	if blkXmax > cols-1 {
		validXmax = PFBlock - 1 - (blkXmax - cols + 1)
	}
	W := tx - 1
	E := tx + 1
	if W < validXmin {
		W = validXmin
	}
	if E > validXmax {
		E = validXmax
	}
	isValid := inRange(tx, validXmin, validXmax)
	if inRange(xidx, 0, cols-1) {
		prev[tx] = gpuSrc[xidx]
	}
	t.Barrier()
	computed := false
	for i := 0; i < iteration; i++ {
		computed = false
		if inRange(tx, i+1, PFBlock-i-2) && isValid {
			computed = true
			left := prev[W]
			up := prev[tx]
			right := prev[E]
			shortest := min(left, up, right)
			index := cols*(startStep+i) + xidx
			result[tx] = shortest + gpuWall[index]
		}
		t.Barrier()
		if i == iteration-1 {
			break
		}
		if computed {
			prev[tx] = result[tx]
		}
		t.Barrier()
	}
	if computed {
		gpuResults[xidx] = result[tx]
	}
}

// NWB is the side of NW1's blocks.
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

// NW1 fills one 16×16 block per group of the upper-left half of the
// Needleman-Wunsch score matrix, along anti-diagonal i.
//
//dc:kernel
func NW1(t dc.Thread, reference, matrix []int32, cols, penalty, i int) {
	bx := t.GroupX()
	tx := t.LocalX()
	bIndexX := bx
	bIndexY := i - 1 - bx
	indexW := cols*NWB*bIndexY + NWB*bIndexX + cols
	indexN := cols*NWB*bIndexY + NWB*bIndexX + tx + 1
	indexNW := cols*NWB*bIndexY + NWB*bIndexX
	index := cols*NWB*bIndexY + NWB*bIndexX + tx + 1 + cols
	temp := dc.Shared[[NWB + 1][NWB + 1]int32](t)
	ref := dc.Shared[[NWB][NWB]int32](t)
	if tx == 0 {
		temp[tx][0] = matrix[indexNW]
	}
	for ty := 0; ty < NWB; ty++ {
		ref[ty][tx] = reference[index+cols*ty]
	}
	t.Barrier()
	temp[tx+1][0] = matrix[indexW+cols*tx]
	t.Barrier()
	temp[0][tx+1] = matrix[indexN]
	t.Barrier()
	for m := 0; m < NWB; m++ {
		if tx <= m {
			tX := tx + 1
			tY := m - tx + 1
			temp[tY][tX] = maximum(temp[tY-1][tX-1]+ref[tY-1][tX-1], temp[tY][tX-1]-int32(penalty), temp[tY-1][tX]-int32(penalty))
		}
		t.Barrier()
	}
	for m := NWB - 2; m >= 0; m-- {
		if tx <= m {
			tX := tx + NWB - m
			tY := NWB - tx
			temp[tY][tX] = maximum(temp[tY-1][tX-1]+ref[tY-1][tX-1], temp[tY][tX-1]-int32(penalty), temp[tY-1][tX]-int32(penalty))
		}
		t.Barrier()
	}
	for ty := 0; ty < NWB; ty++ {
		matrix[index+ty*cols] = temp[ty+1][tx+1]
	}
}

// HEIGHT and WIDTH are LayerForward's group size.
const (
	HEIGHT = 16
	WIDTH  = 16
)

// LayerForward is backprop's forward pass of the input layer: weighted
// inputs summed down each 16-row block.
//
//dc:kernel
func LayerForward(t dc.Thread, input, outputHidden, inputHiddenCuda, hiddenPartialSum []float32, in, hid int) {
	by := t.GroupY()
	tx, ty := t.LocalX(), t.LocalY()
	index := (hid+1)*HEIGHT*by + (hid+1)*ty + tx + 1 + (hid + 1)
	indexIn := HEIGHT*by + ty + 1
	inputNode := dc.Shared[[HEIGHT]float32](t)
	weightMatrix := dc.Shared[[HEIGHT][WIDTH]float32](t)
	if tx == 0 {
		inputNode[ty] = input[indexIn]
	}
	t.Barrier()
	weightMatrix[ty][tx] = inputHiddenCuda[index]
	t.Barrier()
	weightMatrix[ty][tx] = weightMatrix[ty][tx] * inputNode[ty]
	t.Barrier()
	for i := 1; i <= 4; i++ {
		powerTwo := int(math.Pow(2, float64(i)))
		if ty%powerTwo == 0 {
			weightMatrix[ty][tx] = weightMatrix[ty][tx] + weightMatrix[ty+powerTwo/2][tx]
		}
		t.Barrier()
	}
	inputHiddenCuda[index] = weightMatrix[ty][tx]
	t.Barrier()
	if tx == 0 {
		hiddenPartialSum[by*hid+ty] = weightMatrix[tx][ty]
	}
}

// LB is the side of LudDiagonal's block.
const LB = 16

// LudDiagonal factors the 16×16 diagonal block at offset (LU, in place).
//
//dc:kernel
func LudDiagonal(t dc.Thread, m []float32, matrixDim, offset int) {
	shadow := dc.Shared[[LB][LB]float32](t)
	tx := t.LocalX()
	arrayOffset := offset*matrixDim + offset
	for i := 0; i < LB; i++ {
		shadow[i][tx] = m[arrayOffset+tx]
		arrayOffset += matrixDim
	}
	t.Barrier()
	for i := 0; i < LB-1; i++ {
		if tx > i {
			for j := 0; j < i; j++ {
				shadow[tx][i] -= shadow[tx][j] * shadow[j][i]
			}
			shadow[tx][i] /= shadow[i][i]
		}
		t.Barrier()
		if tx > i {
			for j := 0; j < i+1; j++ {
				shadow[i+1][tx] -= shadow[i+1][j] * shadow[j][tx]
			}
		}
		t.Barrier()
	}
	arrayOffset = (offset+1)*matrixDim + offset
	for i := 1; i < LB; i++ {
		m[arrayOffset+tx] = shadow[i][tx]
		arrayOffset += matrixDim
	}
}

// Fan1 computes the multipliers of elimination step tt.
//
//dc:kernel
func Fan1(t dc.Thread, mCuda, aCuda []float32, size, tt int) {
	i := t.GlobalX()
	if i >= size-1-tt {
		return
	}
	mCuda[size*(i+tt+1)+tt] = aCuda[size*(i+tt+1)+tt] / aCuda[size*tt+tt]
}

// Fan2 subtracts the multiples of row tt (Gaussian elimination step tt).
//
//dc:kernel
func Fan2(t dc.Thread, mCuda, aCuda, bCuda []float32, size, j1, tt int) {
	xidx := t.GlobalX()
	yidx := t.GlobalY()
	if xidx >= size-1-tt {
		return
	}
	if yidx >= size-tt {
		return
	}
	aCuda[size*(xidx+1+tt)+(yidx+tt)] -= mCuda[size*(xidx+1+tt)+tt] * aCuda[size*tt+(yidx+tt)]
	if yidx == 0 {
		bCuda[xidx+1+tt] -= mCuda[size*(xidx+1+tt)+(yidx+tt)] * bCuda[tt]
	}
}

// KmeansPoint assigns each point the nearest cluster centre (features
// stored feature-major).
//
//dc:kernel
func KmeansPoint(t dc.Thread, features []float32, nfeatures, npoints, nclusters int, membership []int32, clusters []float32) {
	pointID := t.GlobalX()
	if pointID >= npoints {
		return
	}
	index := int32(-1)
	minDist := float32(3.4e38)
	for i := 0; i < nclusters; i++ {
		var dist float32
		for l := 0; l < nfeatures; l++ {
			d := features[l*npoints+pointID] - clusters[i*nfeatures+l]
			dist += d * d
		}
		if dist < minDist {
			minDist = dist
			index = int32(i)
		}
	}
	membership[pointID] = index
}
