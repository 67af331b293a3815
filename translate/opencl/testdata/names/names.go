// Package names is the input of the OpenCL printer's tests: user names
// that OpenCL C reserves, atomics in both address spaces, bool parameters
// and a fastmath kernel.
package names

import (
	"math"

	"github.com/dotcompute/dc"
)

func length(dot, half float32) float32 { return dot*dot + half }

//dc:kernel unchecked
func Names(t dc.Thread, out []float32, flags []bool, flag bool) {
	s := dc.Shared[[64]float32](t)
	local := t.LocalX()
	as_x := float32(local)
	get_value := as_x * 2
	if local < 64 {
		s[local] = 0
	}
	t.Barrier()
	if i := t.GlobalX(); i < len(out) {
		dc.AtomicAdd(&s[i%64], length(as_x, get_value))
		if flag && flags[i] {
			dc.AtomicAdd(&out[0], 1)
		}
	}
}

//dc:kernel fastmath unchecked
func Fast(t dc.Thread, xs []float32, ys []float64) {
	if i := t.GlobalX(); i < len(xs) {
		xs[i] = dc.Sin(xs[i]) + float32(math.Sin(ys[i]))
	}
}
