// Package arrayargs is a golden case: arrays passed by value (Go's
// semantics) from every kind of memory — a slice of arrays, an array field
// of a slice element, a row of a shared 2D array, a private array, a
// struct field of a function's result — to device functions and struct literals, and
// a function that writes its array parameter without changing the
// caller's array.
package arrayargs

import "github.com/dotcompute/dc"

// P holds an array field.
type P struct {
	V [4]float32
	N int32
}

func sum4(a [4]float32) float32 { return a[0] + a[1] + a[2] + a[3] }

// bump writes its copy of a and returns the sum; the caller's array stays.
func bump(a [4]float32) float32 {
	for i := range a {
		a[i] += 1
	}
	return sum4(a)
}

func corner(a [2][4]float32) float32 { return a[1][0] - a[0][3] }

// wrap picks another row: an index computed by a call.
func wrap(i, n int) int { return (i*7 + 3) % n }

func rev(a [4]float32) P {
	w := [4]float32{a[3], a[2], a[1], a[0]}
	return P{V: w, N: -1}
}

// Args reads arrays from global, shared and private memory through device
// functions that take them by value.
//
//dc:kernel
func Args(t dc.Thread, ps []P, rows [][4]float32, out []float32, made []P) {
	s := dc.Shared[[8][4]float32](t)
	l := t.LocalX()
	if l < 8 {
		v := [4]float32{1, 2, 3, float32(l)}
		s[l] = v
	}
	t.Barrier()
	if i := t.GlobalX(); i < len(out) {
		var m [2][4]float32
		m[1] = rows[i]
		m[0] = s[l%8]
		q := rows[wrap(i, len(rows))]
		if i%2 == 0 {
			m[1] = rows[wrap(i+1, len(rows))]
		}
		r := rev(ps[i].V).V
		b := bump(r)
		out[i] = sum4(ps[i].V) + 2*sum4(rows[i]) + 4*sum4(s[l%8]) + 8*corner(m) + 16*b + 32*r[0] + 64*q[1]
		made[i] = P{V: rows[i], N: ps[i].N + 1}
		if i%3 == 0 {
			made[i] = rev(s[l%8])
		}
	}
}

// Params takes arrays as kernel parameters, by value: a filter of five
// taps, a 2×3 table, an array of structs (each thread reads them), and an
// array it changes, its own copy, as Go's semantics give every call.
//
//dc:kernel
func Params(t dc.Thread, out []float32, taps [5]float32, table [2][3]int32, ps [2]P, scratch [3]int32) {
	if i := t.GlobalX(); i < len(out) {
		scratch[i%3] += int32(i)
		v := taps[i%5] + float32(table[i%2][i%3]) + ps[i%2].V[i%4]*float32(ps[1-i%2].N)
		out[i] = v + float32(scratch[0]+scratch[1]+scratch[2])
	}
}
