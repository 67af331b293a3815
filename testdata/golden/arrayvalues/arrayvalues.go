// Package arrayvalues is a golden case: arrays as Go values — whole-array
// assignment between locals, parameters, struct fields, rows of 2D arrays
// and shared memory; device functions that return arrays (alone, with
// another result, indexed directly, from an array literal); array
// literals assigned; == and != of arrays and structs,
// blank padding fields left out as Go leaves them out.
package arrayvalues

import "github.com/dotcompute/dc"

// bump assigns its array parameter and a local: the caller's array stays.
func bump(a [4]float32, d float32) float32 {
	var c [4]float32
	c = a
	a = c
	a[1] += d
	c[1] = a[1] * 2
	return c[1] + a[0]
}

// Row holds an array field.
type Row struct{ V [4]float32 }

// Assign copies whole arrays between every kind of location.
//
//dc:kernel
func Assign(t dc.Thread, x []float32) {
	sh := dc.Shared[[4][4]float32](t)
	i, l := t.GlobalX(), t.LocalX()
	var a, b [4]float32
	for k := range a {
		a[k] = x[i] + float32(k)
	}
	b = a
	b[0] = -1
	var m [2][4]float32
	m[1] = b
	m[0] = m[1]
	m[0][2] = 5
	r := Row{}
	r.V = m[0]
	if l < 4 {
		sh[l] = r.V
	}
	t.Barrier()
	var c [4]float32
	c = sh[(l+1)%4]
	a, b = b, a
	x[i] = a[0] + b[0] + m[0][2] + m[1][2] + r.V[1] + c[3] + bump(a, 1) + a[1]
}

func mk(x float32) [4]float32 {
	return [4]float32{x, x + 1, x + 2, x + 3}
}

func twice(a [4]float32) (r [4]float32, s float32) {
	for k := range a {
		r[k] = 2 * a[k]
		s += a[k]
	}
	return
}

func grid(x float32) [2][3]int32 {
	var g [2][3]int32
	g[1][2] = int32(x)
	return g
}

// Returns calls device functions that return arrays.
//
//dc:kernel
func Returns(t dc.Thread, x []float32) {
	i := t.GlobalX()
	if i >= len(x) {
		return
	}
	a := mk(x[i])
	b, s := twice(a)
	var c [4]float32
	c = mk(s)
	g := grid(x[i] * 3)
	g[0] = [3]int32{1, 2, int32(x[i])}
	x[i] = float32(g[0][2]) - float32(int32(x[i])) + a[1] + b[2] + s + c[3] + float32(g[1][2]) + mk(1)[2] + float32(grid(5)[1][2])
}

// P has a blank padding field, which == leaves out.
type P struct {
	A [3]int32
	_ int32
	F float32
}

// Compare sets a bit of out[i] for each comparison that holds.
//
//dc:kernel
func Compare(t dc.Thread, x []float32, out []int32) {
	i := t.GlobalX()
	if i >= len(x) {
		return
	}
	var a, b [4]float32
	for k := range a {
		a[k] = x[i] * float32(k+1)
		b[k] = x[(i+1)%len(x)] * float32(k+1)
	}
	m := [2][2]int32{{1, 2}, {3, int32(i % 3)}}
	n := [2][2]int32{{1, 2}, {3, 0}}
	p := P{A: [3]int32{1, 2, int32(i % 2)}, F: x[i]}
	q := P{A: [3]int32{1, 2, 0}, F: x[i]}
	var r int32
	if a == b {
		r |= 1
	}
	if a != b {
		r |= 2
	}
	if m == n {
		r |= 4
	}
	if p == q {
		r |= 8
	}
	if p.A != q.A {
		r |= 16
	}
	if q == (P{A: [3]int32{1, 2, 0}, F: x[i]}) {
		r |= 32
	}
	out[i] = r
}
