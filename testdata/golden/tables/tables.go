// Package tables holds kernels with local lookup tables: array literals
// as the initial values of variables.
package tables

import "github.com/dotcompute/dc"

// Blur3 is a 1-D three-tap blur with weights from a table; the ends clamp.
//
//dc:kernel
func Blur3(t dc.Thread, in, out []float32) {
	i := t.GlobalX()
	if i >= len(out) {
		return
	}
	w := [3]float32{0.25, 0.5, 0.25}
	var s float32
	for k := -1; k <= 1; k++ {
		j := min(max(i+k, 0), len(in)-1)
		s += w[k+1] * in[j]
	}
	out[i] = s
}

// Sobel computes the horizontal Sobel response of a w×h image with a 2-D
// kernel table; border pixels are 0.
//
//dc:kernel
func Sobel(t dc.Thread, img, out []float32, w, h int) {
	x, y := t.GlobalX(), t.GlobalY()
	if x >= w || y >= h {
		return
	}
	if x == 0 || y == 0 || x == w-1 || y == h-1 {
		out[y*w+x] = 0
		return
	}
	k := [3][3]float32{
		{-1, 0, 1},
		{-2, 0, 2},
		{-1, 0, 1},
	}
	var s float32
	for dy := range 3 {
		for dx := range 3 {
			s += k[dy][dx] * img[(y+dy-1)*w+x+dx-1]
		}
	}
	out[y*w+x] = s
}

// Digits writes the number of decimal digits of each value, with a keyed
// table of powers of ten and elements left out (zero).
//
//dc:kernel
func Digits(t dc.Thread, in []uint32, out []int32) {
	i := t.GlobalX()
	if i >= len(in) {
		return
	}
	pow := [12]uint64{0: 1, 1: 10, 2: 100, 3: 1000, 4: 10000, 5: 100000,
		6: 1000000, 7: 10000000, 8: 100000000, 9: 1000000000, 10: 10000000000}
	n := int32(1)
	for n < 10 && uint64(in[i]) >= pow[n] {
		n++
	}
	out[i] = n + int32(pow[11]) // pow[11] was left out: 0
}
