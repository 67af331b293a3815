// Package rounding is a golden case: Go's rounding functions on every
// kind of value, special ones included (±0, ±Inf, NaN, halves, values
// already integers). OpenCL's rint is wrapped: PoCL 3.1's double rint of
// an infinity, a NaN or a huge value makes the kernel silently not run.
package rounding

import (
	"math"

	"github.com/dotcompute/dc"
)

// Round64 writes five roundings of each x.
//
//dc:kernel
func Round64(t dc.Thread, xs []float64, out []float64) {
	if i := t.GlobalX(); i < len(xs) {
		x := xs[i]
		out[5*i] = math.Floor(x)
		out[5*i+1] = math.Ceil(x)
		out[5*i+2] = math.Trunc(x)
		out[5*i+3] = math.Round(x)
		out[5*i+4] = math.RoundToEven(x)
	}
}

// Round32 writes float32 roundings of each x, RoundToEven through
// float64 (exact: every float32 is a float64, and the result is a float32
// integer or the input).
//
//dc:kernel
func Round32(t dc.Thread, xs []float32, out []float32) {
	if i := t.GlobalX(); i < len(xs) {
		x := xs[i]
		out[4*i] = dc.Floor(x)
		out[4*i+1] = dc.Ceil(x)
		out[4*i+2] = dc.Trunc(x)
		out[4*i+3] = float32(math.RoundToEven(float64(x)))
	}
}

// S holds a float64 and an array.
type S struct {
	F0 float64
	F1 uint16
	F2 [4]uint16
}

// V holds an array of float64.
type V struct {
	F0 float32
	F1 [4]float64
}

// Shared is the kernel the random tester reduced the PoCL rint problem
// to: a float64 RoundToEven of +Inf in a private array, group-shared
// structs and barriers. With PoCL's rint it wrote nothing at all.
//
//dc:kernel
func Shared(t dc.Thread, is []S, out []int32) {
	i := t.GlobalX()
	n := len(out)
	j := min(i, n-1)
	l := t.LocalX()
	gs := t.GroupSizeX()
	v := V{F0: 1, F1: [4]float64{math.RoundToEven(math.Inf(1)), float64(j), 3, 4}}
	if i < n {
		out[i] = int32(j)
	}
	sh := dc.Shared[[128]S](t)
	sh[l] = S{F0: 1 / v.F1[j&3], F1: 1, F2: [4]uint16{1, 2, 3, 4}}
	t.Barrier()
	t.Barrier()
	sh[l] = is[j]
	t.Barrier()
	sa := dc.Shared[[4]uint32](t)
	if l < 4 {
		sa[l] = 0
	}
	t.Barrier()
	dc.AtomicAdd(&sa[0], uint32(sh[(l+39)%gs].F2[1]))
	t.Barrier()
	if i < n {
		out[i] += int32(sa[0]) * 1000
	}
}
