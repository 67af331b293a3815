// Package faults holds kernels with Go run-time errors: each faults in
// exactly one thread, so every backend must report the same
// *runtime.Fault.
package faults

import "github.com/dotcompute/dc"

//go:generate go run github.com/dotcompute/dc/cmd/dckgen -emit=cuda,opencl,metal

// ReadPast copies x into out; out is longer than x.
//
//dc:kernel
func ReadPast(t dc.Thread, x, out []float32) {
	if i := t.GlobalX(); i < len(out) {
		out[i] = x[i] // fault: read past x
	}
}

// WritePast writes n elements of out; n is more than len(out).
//
//dc:kernel
func WritePast(t dc.Thread, out []float32, n int) {
	if i := t.GlobalX(); i < n {
		out[i] = float32(i) // fault: write past out
	}
}

// Offset reads and writes a[off] in thread 0: off points past a, where
// another buffer might be.
//
//dc:kernel
func Offset(t dc.Thread, a, b []float32, off int) {
	if t.GlobalX() == 0 {
		b[0] = a[off] + 1 // fault: scalar index
		a[off] = 7
	}
}

// Negative reads x[k] in thread 0, with k < 0.
//
//dc:kernel
func Negative(t dc.Thread, x []int32, k int) {
	if t.GlobalX() == 0 {
		x[0] = x[k] // fault: negative index
	}
}

// Sub writes through x[lo:hi] in thread 0.
//
//dc:kernel
func Sub(t dc.Thread, x []float32, lo, hi int) {
	if t.GlobalX() == 0 {
		s := x[lo:hi] // fault: slice bounds
		if len(s) > 0 {
			s[0] = 1
		}
	}
}

// Div divides x by d element by element.
//
//dc:kernel types=int8,int16,int32,int64,int,uint8,uint16,uint32,uint64,uint
func Div[T dc.Integer](t dc.Thread, x, d []T) {
	if i := t.GlobalX(); i < len(x) && i < len(d) {
		x[i] = x[i] / d[i] // fault: division
	}
}

// Mod is x modulo d element by element.
//
//dc:kernel types=int8,int16,int32,int64,int,uint8,uint16,uint32,uint64,uint
func Mod[T dc.Integer](t dc.Thread, x, d []T) {
	if i := t.GlobalX(); i < len(x) && i < len(d) {
		x[i] = x[i] % d[i] // fault: modulo
	}
}

// Shift shifts x left and right by s element by element (s of any signed
// integer type): a negative count panics in Go.
//
//dc:kernel types=int8,int32,int64,int
func Shift[S dc.Integer](t dc.Thread, x, y []int32, s []S) {
	if i := t.GlobalX(); i < len(x) && i < len(y) && i < len(s) {
		x[i] = x[i] << s[i] // fault: shift left
		y[i] = y[i] >> s[i] // fault: shift right
	}
}

// SharedIndex stages the group in a shared array of 64 elements: a group
// of more than 64 threads overflows it.
//
//dc:kernel
func SharedIndex(t dc.Thread, out []int32) {
	sh := dc.Shared[[64]int32](t)
	l := t.LocalX()
	sh[l] = int32(l) // fault: shared index
	t.Barrier()
	if i := t.GlobalX(); i < len(out) {
		out[i] = sh[l%64] + 1
	}
}

// StrideSum sums x[:n] grid-stride after a barrier, each thread into its
// element of out: a launch with n past len(x) reads past x in the thread
// whose stride reaches len(x).
//
//dc:kernel
func StrideSum(t dc.Thread, x, out []float32, n int) {
	sh := dc.Shared[[64]float32](t)
	l := t.LocalX()
	sh[l] = 1
	t.Barrier()
	var s float32
	for i := t.GlobalX(); i < n; i += t.GridSizeX() {
		s += x[i] * sh[l] // fault: grid stride
	}
	out[t.GlobalX()] = s
}

func next(s []float32, i int) float32 {
	return s[i+1] // fault: device function
}

// Neighbour writes each element's right neighbour: the last thread reads
// past x in a device function.
//
//dc:kernel
func Neighbour(t dc.Thread, x, out []float32) {
	if i := t.GlobalX(); i < len(x) && i < len(out) {
		out[i] = next(x, i)
	}
}

// Fill sets every element of out to v: the launch after a fault.
//
//dc:kernel
func Fill(t dc.Thread, out []float32, v float32) {
	if i := t.GlobalX(); i < len(out) {
		out[i] = v
	}
}

// Copy copies x into out: its read of x is checked, but a launch whose x
// is at least as long as out and the grid runs without that check.
//
//dc:kernel
func Copy(t dc.Thread, x, out []float32) {
	if i := t.GlobalX(); i < len(out) {
		out[i] = x[i] // fault: copy
	}
}
