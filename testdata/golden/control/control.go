// Package control is a golden case: Go's control flow in kernels — every
// form of for (three-clause, while-style, infinite with break, range over
// an integer, range over a slice with index and value), labelled break and
// continue out of nested loops, tagged and tagless switch, break inside a
// switch inside a loop, if/else-if chains and early returns.
package control

import "github.com/dotcompute/dc"

// Kinds of Classify.
const (
	kindZero = iota
	kindSmall
	kindEven
	kindOdd
	kindHuge
)

// maxSteps bounds Collatz.
const maxSteps = 500

// Collatz counts the steps of the Collatz sequence from xs[i] to 1 (at most
// maxSteps; -1 for non-positive starts).
//
//dc:kernel
func Collatz(t dc.Thread, xs, steps []int32) {
	i := t.GlobalX()
	if i >= len(xs) {
		return // early return
	}
	x := int64(xs[i])
	if x <= 0 {
		steps[i] = -1
		return
	}
	var n int32
	for x != 1 && n < maxSteps { // while-style
		if x%2 == 0 {
			x /= 2
		} else {
			x = 3*x + 1
		}
		n++
	}
	steps[i] = n
}

// Classify sorts xs[i] into a kind with a tagless switch, then maps the kind
// to a code with a tagged switch over constants.
//
//dc:kernel
func Classify(t dc.Thread, xs, kinds, codes []int32) {
	i := t.GlobalX()
	if i >= len(xs) {
		return
	}
	x := xs[i]
	var kind int32
	switch {
	case x == 0:
		kind = kindZero
	case x > -10 && x < 10:
		kind = kindSmall
	case x > 1000000 || x < -1000000:
		kind = kindHuge
	case x%2 == 0:
		kind = kindEven
	default:
		kind = kindOdd
	}
	kinds[i] = kind
	switch kind {
	case kindZero:
		codes[i] = 100
	case kindSmall, kindHuge:
		codes[i] = 200 + x%7
	case kindEven:
		codes[i] = x / 2
	default:
		codes[i] = -x
	}
}

// Grade is an if/else-if chain.
//
//dc:kernel
func Grade(t dc.Thread, scores []float32, grades []int32) {
	i := t.GlobalX()
	if i >= len(scores) {
		return
	}
	s := scores[i]
	var g int32
	if s >= 90 {
		g = 4
	} else if s >= 80 {
		g = 3
	} else if s >= 70 {
		g = 2
	} else if s >= 60 {
		g = 1
	} else {
		g = 0
	}
	grades[i] = g
}

// FindFirst searches each thread's h x w block of grid (block i starts at
// i*w*h) for target, leaving the nested loops with a labelled break, and
// counts the rows without a negative value with a labelled continue.
// found[2*i] is the flat position of the first target or -1,
// found[2*i+1] the count of clean rows.
//
//dc:kernel
func FindFirst(t dc.Thread, grid []int32, w, h int, target int32, found []int32) {
	i := t.GlobalX()
	if i*w*h >= len(grid) {
		return
	}
	base := i * w * h
	pos := int32(-1)
search:
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if grid[base+y*w+x] == target {
				pos = int32(y*w + x)
				break search
			}
		}
	}
	var clean int32
rows:
	for y := range h {
		for x := range w {
			if grid[base+y*w+x] < 0 {
				continue rows
			}
		}
		clean++
	}
	found[2*i] = pos
	found[2*i+1] = clean
}

// Poly evaluates the polynomial with coefficients coef (lowest first) at
// xs[i] with range over a slice (index and value), and sums the digits of
// |xs[i]| with an infinite loop left by break.
//
//dc:kernel
func Poly(t dc.Thread, xs, coef []int32, vals, digits []int32) {
	i := t.GlobalX()
	if i >= len(xs) {
		return
	}
	x := xs[i]
	var v, p int32 = 0, 1
	for k, c := range coef {
		if k > 0 {
			p *= x
		}
		v += c * p
	}
	vals[i] = v
	var sum int32
	a := x
	if a < 0 {
		a = -a
	}
	for {
		sum += a % 10
		a /= 10
		if a == 0 {
			break
		}
	}
	digits[i] = sum
}

// Scan walks 16 values from xs[i] with range over an integer; a switch
// inside the loop skips values (break leaves only the switch), and a
// labelled break leaves the loop from inside the switch.
//
//dc:kernel
func Scan(t dc.Thread, xs []int32, out []int32) {
	i := t.GlobalX()
	if i >= len(xs) {
		return
	}
	var count, total int32
loop:
	for k := range 16 {
		v := (xs[i] + int32(k)*7) % 50
		switch {
		case v < 5:
			break // leaves the switch only
		case v > 45:
			break loop
		default:
			total += v
		}
		count++
		for j := 0; j < 3; j++ {
			if j == int(v)%3 {
				continue
			}
			total++
		}
	}
	out[2*i] = count
	out[2*i+1] = total
}

// Fall accumulates through cases that fall through: a tagged switch whose
// cases fall into the next one (into and out of a default in the middle), a
// case that declares a name the next case's body uses from outside, a break
// in a case that is also fallen into, a labelled loop in a case fallen
// into, and a tagless switch that falls through.
//
//dc:kernel
func Fall(t dc.Thread, xs, out []int32) {
	i := t.GlobalX()
	if i >= len(xs) {
		return
	}
	x := xs[i]
	acc := int32(0)
	k := x % 6
	switch k {
	case 0:
		acc += 1
		fallthrough
	case 1:
		k := int32(100) // the next case's body uses the outer k
		acc += k
		fallthrough
	default:
		acc += k * 10
		if x > 50 {
			break
		}
		fallthrough
	case 3:
		acc += 1000
	case 4:
		acc -= 7
		fallthrough
	case 5:
		acc *= 3
	steps:
		for s := range 4 { // a labelled loop, copied into case 4
			if s == 2 {
				continue steps
			}
			acc += int32(s)
		}
	}
	switch {
	case x < 10:
		acc++
		fallthrough
	case x < 20:
		acc += 2
	case x < 30:
		acc += 4
	}
	out[i] = acc
}
