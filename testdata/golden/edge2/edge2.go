// Package edge2 is a golden case of adversarial but valid kernels: names
// that are C keywords or CUDA builtins, switches in loops, narrow integer
// intermediates, constant shift counts and divisors.
package edge2

import "github.com/dotcompute/dc"

// Keywords uses variables named like C/C++ keywords and CUDA builtins.
//
//dc:kernel
func Keywords(t dc.Thread, a, out []int64) {
	threadIdx := t.GlobalX()
	if threadIdx >= len(a) {
		return
	}
	blockIdx, blockDim, gridDim, warpSize := a[threadIdx], int64(2), int64(3), int64(4)
	signed, auto, restrict, register := blockIdx+1, blockDim*2, gridDim*3, warpSize*4
	new, delete, class, template := signed*auto, restrict-register, int64(5), int64(6)
	this, unsigned, long, short, char, double := new+delete, class*template, int64(1), int64(2), int64(3), int64(4)
	sqrt, sqrtf, printf, assert, isnan, abs := int64(7), int64(8), int64(9), int64(10), int64(11), int64(12)
	sh0, i_1, x_1, NULL, main := int64(13), int64(14), int64(15), int64(16), int64(17)
	out[threadIdx] = this + unsigned + long + short + char + double + sqrt + sqrtf + printf + assert + isnan + abs + sh0 + i_1 + x_1 + NULL + main
}

// Shadowed shadows the predeclared type names int and float32 with
// variables, after using them.
//
//dc:kernel
func Shadowed(t dc.Thread, a, out []int64) {
	i := t.GlobalX()
	if i >= len(a) {
		return
	}
	f := float32(a[i]) * 0.5
	g := float64(a[i]) / 3
	int := a[i] * 2
	float32 := int + 1
	float64 := float32 * 2
	len := float64 + 1
	min, max := len-1, len+1
	out[i] = int + float32 + float64 + len + min + max + int64(f) + int64(g)
}

// SwitchLoop breaks out of switches and loops, continues from inside a
// switch and a labelled continue from a nested range.
//
//dc:kernel
func SwitchLoop(t dc.Thread, a, out []int64) {
	i := t.GlobalX()
	if i >= len(a) {
		return
	}
	x := a[i]
	var acc int64
outer:
	for k := range 10 {
		switch {
		case k == 2:
			continue
		case k == 3 && x < 0:
			break
		case k == 4:
			for j, v := range a {
				if j > 2 {
					break
				}
				acc += v
			}
		case k == 7:
			break outer
		}
		for j, v := range a {
			if j >= 5 {
				break
			}
			switch j {
			case 1:
				continue
			case 3:
				continue outer
			}
			acc = acc*3 + int64(k*j) + x + v
		}
	}
	out[i] = acc
}
