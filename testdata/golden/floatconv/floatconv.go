// Package floatconv is a golden case: conversions of floats to every
// integer kind, NaNs, infinities and values out of the target's range
// included. Go's specification leaves those results to the
// implementation; every backend gives what Go gives on amd64.
package floatconv

import "github.com/dotcompute/dc"

//go:generate go run github.com/dotcompute/dc/cmd/dckgen -emit=cuda,opencl,metal

// Ints holds one conversion of a value to every integer kind.
type Ints struct {
	I8  int8
	I16 int16
	I32 int32
	I64 int64
	I   int
	U8  uint8
	U16 uint16
	U32 uint32
	U64 uint64
	U   uint
}

// From32 converts each float32 to every integer kind.
//
//dc:kernel
func From32(t dc.Thread, xs []float32, out []Ints) {
	if i := t.GlobalX(); i < len(xs) {
		x := xs[i]
		out[i] = Ints{int8(x), int16(x), int32(x), int64(x), int(x), uint8(x), uint16(x), uint32(x), uint64(x), uint(x)}
	}
}

// From64 converts each float64 to every integer kind.
//
//dc:kernel
func From64(t dc.Thread, xs []float64, out []Ints) {
	if i := t.GlobalX(); i < len(xs) {
		x := xs[i]
		out[i] = Ints{int8(x), int16(x), int32(x), int64(x), int(x), uint8(x), uint16(x), uint32(x), uint64(x), uint(x)}
	}
}

// Index converts a float to an index, as a histogram bins a value: an
// out-of-range or NaN value gives an index whose check faults.
//
//dc:kernel
func Index(t dc.Thread, xs []float32, scale float32, hist []int32) {
	if i := t.GlobalX(); i < len(xs) {
		dc.AtomicAdd(&hist[int(xs[i]*scale)], 1)
	}
}
