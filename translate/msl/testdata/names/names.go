// Package names is the input of the MSL printer's tests: user names that
// Metal reserves, atomics in both address spaces, a device function that
// reads the thread geometry, a fastmath kernel and kernels that use
// float64, directly and through a function.
package names

import (
	"math"

	"github.com/dotcompute/dc"
)

func length(dot, half float32) float32 { return dot*dot + half }

// lane reads the thread geometry, which Metal passes as parameters.
func lane(t dc.Thread) int { return t.LocalX() % 32 }

//dc:kernel unchecked
func Names(t dc.Thread, out []float32, flags []bool, flag bool, n int32) {
	s := dc.Shared[[64]float32](t)
	local := t.LocalX()
	device := float32(local)
	threadgroup := device * 2
	if local < 64 {
		s[local] = 0
	}
	t.Barrier()
	if i := t.GlobalX(); i < len(out) {
		dc.AtomicAdd(&s[i%64], length(device, threadgroup))
		if flag && flags[i] {
			dc.AtomicAdd(&out[0], float32(lane(t)+int(n)))
		}
	}
}

//dc:kernel fastmath unchecked
func Fast(t dc.Thread, xs []float32) {
	if i := t.GlobalX(); i < len(xs) {
		xs[i] = dc.Sin(xs[i]) + dc.Sqrt(xs[i])
	}
}

func half(x float64) float64 { return x / 2 }

//dc:kernel unchecked
func Wide(t dc.Thread, xs []float32) {
	if i := t.GlobalX(); i < len(xs) {
		xs[i] = float32(half(float64(xs[i])))
	}
}

//dc:kernel unchecked
func Doubles(t dc.Thread, ys []float64) {
	if i := t.GlobalX(); i < len(ys) {
		ys[i] = math.Sqrt(ys[i])
	}
}

// Search leaves two loops at once: a goto in C, which MSL does not have.
//
//dc:kernel unchecked
func Search(t dc.Thread, grid []int32, w int, found []int32) {
	i := t.GlobalX()
outer:
	for y := 0; y < w; y++ {
		for x := 0; x < w; x++ {
			if grid[y*w+x] == int32(i) {
				found[0] = int32(y)
				break outer
			}
		}
	}
}
