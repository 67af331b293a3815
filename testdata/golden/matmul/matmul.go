// Package matmul is a golden case: C = A*B with 16x16 tiles staged in
// group-shared memory, two barriers per step of the k loop, on a 2D grid.
package matmul

import "github.com/dotcompute/dc"

// tile is the side of the shared tiles; the kernel needs 16x16 groups.
const tile = 16

// MatMul computes c = a*b for row-major a (m x k), b (k x n) and c (m x n).
// Each group computes one tile x tile block of c. Threads outside c still
// load (zeros) and reach every barrier: the loads and the store are
// guarded, never the barriers.
//
//dc:kernel
func MatMul(t dc.Thread, a, b, c []float32, m, n, k int) {
	as := dc.Shared[[tile][tile]float32](t)
	bs := dc.Shared[[tile][tile]float32](t)
	tx, ty := t.LocalX(), t.LocalY()
	row := t.GroupY()*tile + ty
	col := t.GroupX()*tile + tx
	var sum float32
	for k0 := 0; k0 < k; k0 += tile {
		if row < m && k0+tx < k {
			as[ty][tx] = a[row*k+k0+tx]
		} else {
			as[ty][tx] = 0
		}
		if col < n && k0+ty < k {
			bs[ty][tx] = b[(k0+ty)*n+col]
		} else {
			bs[ty][tx] = 0
		}
		t.Barrier()
		for kk := 0; kk < tile; kk++ {
			sum += as[ty][kk] * bs[kk][tx]
		}
		t.Barrier()
	}
	if row < m && col < n {
		c[row*n+col] = sum
	}
}
