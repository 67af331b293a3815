// Package edge5 is a golden case: switch tags and case values with effects,
// float32 constants, min and max with constants, struct copies, methods on
// named non-struct types, generic helpers and shared memory in helpers.
package edge5

import "github.com/dotcompute/dc"

// Vec holds an array, copied with the struct.
type Vec struct {
	N int32
	V [4]int32
}

// Bits is a named non-struct type with methods.
type Bits uint16

// Rot rotates b left by k.
func (b Bits) Rot(k int) Bits { return b<<(k&15) | b>>(16-k&15) }

// Flip returns the complement.
func (b Bits) Flip() Bits { return ^b }

// bump returns v with every element incremented: v is a copy.
func bump(v Vec) Vec {
	for k := range v.V {
		v.V[k]++
	}
	v.N++
	return v
}

// twice returns x+x and x*x.
func twice[T dc.Number](x T) (T, T) { return x + x, x * x }

// SwitchTag switches on an atomic's result and on case values with calls.
//
//dc:kernel
func SwitchTag(t dc.Thread, ctr, out []int32) {
	i := t.GlobalX()
	if i >= len(out) {
		return
	}
	c := 4 * i
	switch dc.AtomicAdd(&ctr[c], 1) % 4 {
	case 0:
		out[i] = 10
	case 1, 2:
		out[i] = 20
	default:
		out[i] = 30
	}
	switch old := dc.AtomicAdd(&ctr[c+1], 2); {
	case old < 0:
		out[i] += 1
	case old%4 == 0:
		out[i] += 2
	}
	v := int32(i % 5)
	switch v {
	case dc.AtomicAdd(&ctr[c+2], 1) + 1, 3:
		out[i] += 100
	case dc.AtomicAdd(&ctr[c+3], 1) * 0:
		out[i] += 200
	}
}

// Floats uses float32 constants and min/max with constants.
//
//dc:kernel
func Floats(t dc.Thread, a []float32, out []float32, out64 []float64) {
	i := t.GlobalX()
	if i >= len(a) {
		return
	}
	x := a[i]
	const big = 1 << 62
	out[8*i] = float32(0.1) + float32(0.2) + x*0
	out[8*i+1] = float32(x*0.1) + 0.2
	out[8*i+2] = min(x, 1.5, -x)
	out[8*i+3] = max(x, 0) + min(2, x)
	out[8*i+4] = x * big
	out[8*i+5] = float32(float64(x) * 0.1)
	out[8*i+6] = x / 3 * 3
	out[8*i+7] = float32(int32(x*-7.5)) + float32(uint8(max(x, 0)))
	d := float64(x)
	out64[4*i] = float64(d*0.1) + float64(float32(0.1))
	out64[4*i+1] = min(d, big, -1e300)
	out64[4*i+2] = float64(int64(d*-1e10)) + float64(uint64(max(d, 0)*1e6))
	out64[4*i+3] = float64(x+float32(1e-8)) - d
}

// Structs copies structs with array fields and calls methods on named
// types and a generic helper with several types.
//
//dc:kernel
func Structs(t dc.Thread, a []int32, vs []Vec, out []int32) {
	i := t.GlobalX()
	if i >= len(a) {
		return
	}
	v := vs[i]
	w := v
	w.V[0] = 99
	u := bump(w)
	vs[i].V[1] = u.V[0] + v.V[0]
	b := Bits(a[i])
	s, p := twice(a[i])
	f, _ := twice(float32(a[i]) / 2)
	_, q := twice(uint8(a[i]))
	var bs, bp Bits
	bs, bp = twice(b)
	out[6*i] = int32(b.Rot(3)) + int32(b.Flip().Rot(i))
	out[6*i+1] = w.V[0] + u.V[0] + u.N + v.V[0] + v.N
	out[6*i+2] = s + p
	out[6*i+3] = int32(f / 4)
	out[6*i+4] = int32(q) + int32(bs) + int32(bp)
	out[6*i+5] = u.V[3] - v.V[3]
}

// groupSize is the group size of the Shared kernels.
const groupSize = 64

// share puts x in a shared array and returns the neighbour's value.
func share(t dc.Thread, x int32) int32 {
	sh := dc.Shared[[groupSize]int32](t)
	l := t.LocalX()
	sh[l] = x
	t.Barrier()
	r := sh[(l+1)%groupSize]
	t.Barrier()
	return r
}

// SharedA rotates values within groups through share.
//
//dc:kernel
func SharedA(t dc.Thread, a, out []int32) {
	i := t.GlobalX()
	first := share(t, a[i]) // two effectful calls in one expression are rejected
	out[i] = first + share(t, a[i]*2)
}

// SharedB uses share from another kernel.
//
//dc:kernel
func SharedB(t dc.Thread, a, out []int32) {
	i := t.GlobalX()
	out[i] = share(t, -a[i])
}
