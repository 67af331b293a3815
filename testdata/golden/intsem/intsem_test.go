package intsem

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"unsafe"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// Integer results compare exactly; so do float results of conversions, which
// round once, to nearest even, on every target.

// arithTypes are the instantiations of Arith.
type arithTypes interface {
	int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | int | uint
}

var opNames = [numOps]string{"+", "-", "*", "neg", "/", "%", "&", "|", "^", "&^", "^x", "<<", ">>", "compound"}

// limits returns the smallest and largest values of T.
func limits[T arithTypes]() (lo, hi T) {
	var zero T
	bits := unsafe.Sizeof(zero) * 8
	one := T(1)
	if ^zero < 0 { // signed
		lo = one << (bits - 1)
		return lo, lo - 1
	}
	return 0, ^zero
}

// arithInputs returns random pairs, then every pair of the special values
// min, -1 (max for unsigned), 0, 1, max; and shift counts including 0, the
// width and beyond.
func arithInputs[T arithTypes](seed uint64, n int) (a, b []T, s []uint32) {
	lo, hi := limits[T]()
	a = kerneltest.RandInts(seed, n, lo, hi)
	b = kerneltest.RandInts(seed+1, n, lo, hi)
	minusOne := T(0) - 1
	special := []T{lo, minusOne, 0, 1, hi}
	for _, x := range special {
		for _, y := range special {
			a, b = append(a, x), append(b, y)
		}
	}
	bits := uint32(unsafe.Sizeof(lo) * 8)
	s = kerneltest.RandInts(seed+2, len(a), 0, 2*bits+3)
	counts := []uint32{0, 1, bits - 1, bits, bits + 1, 2 * bits, 255, math.MaxUint32}
	for i := range s {
		if i%3 == 0 {
			s[i] = counts[(i/3)%len(counts)]
		}
	}
	return a, b, s
}

func testArith[T arithTypes](t *testing.T, dev *runtime.Device) {
	for si, n := range []int{0, 1000} { // 25 specials only; 1025 elements in 5 groups
		a, b, s := arithInputs[T](uint64(si), n)
		n = len(a)
		name := fmt.Sprintf("%T n=%d", T(0), n)
		g := dc.Grid1D(n)
		want := make([]T, numOps*n)
		if err := dc.Emulate(g, func(t dc.Thread) { Arith(t, a, b, s, want) }); err != nil {
			t.Fatal(err)
		}
		// The reference's own edge cases, by hand, for signed T: element
		// n-24 is the pair (min, -1): min / -1 = min, min % -1 = 0, -min = min.
		if lo, _ := limits[T](); lo < 0 {
			i := n - 24
			if a[i] != lo || want[opDiv*n+i] != lo || want[opRem*n+i] != 0 || want[opNeg*n+i] != lo {
				t.Errorf("%s: Emulate: min/-1 = %v, min%%-1 = %v, -min = %v", name, want[opDiv*n+i], want[opRem*n+i], want[opNeg*n+i])
			}
		}
		ab, _ := runtime.BufferOf(dev, a)
		bb, _ := runtime.BufferOf(dev, b)
		sb, _ := runtime.BufferOf(dev, s)
		ob, _ := runtime.NewBuffer[T](dev, numOps*n)
		if err := LaunchArith(dev, g, ab, bb, sb, ob); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := make([]T, numOps*n)
		if err := ob.Read(got); err != nil {
			t.Fatal(err)
		}
		for k := range numOps {
			kerneltest.Equal(t, name+": "+opNames[k], got[k*n:(k+1)*n], want[k*n:(k+1)*n])
		}
	}
}

func TestArith(t *testing.T) {
	kerneltest.Run(t, func(t *testing.T, dev *runtime.Device) {
		testArith[int8](t, dev)
		testArith[int16](t, dev)
		testArith[int32](t, dev)
		testArith[int64](t, dev)
		testArith[uint8](t, dev)
		testArith[uint16](t, dev)
		testArith[uint32](t, dev)
		testArith[uint64](t, dev)
		testArith[int](t, dev)
		testArith[uint](t, dev)
	})
}

func TestEdges(t *testing.T) {
	m32, d32 := []int32{math.MinInt32}, []int32{-1}
	m64, d64 := []int64{math.MinInt64}, []int64{-1}
	// Go's results, by hand.
	hand32 := []int32{math.MinInt32, 0, math.MinInt32, math.MaxInt32, math.MinInt32, math.MinInt32 + 1, -1}
	hand64 := []int64{math.MinInt64, 0, math.MinInt64, math.MaxInt64, math.MinInt64, -1}
	for _, dev := range kerneltest.Devices(t) {
		for _, g := range []dc.Grid{dc.Grid1D(1), dc.Grid1D(300)} {
			name := fmt.Sprintf("%s %d threads", dev.Backend(), g.Threads().X)
			w32, w64 := make([]int32, 7), make([]int64, 6)
			if err := dc.Emulate(g, func(t dc.Thread) { Edges(t, m32, d32, m64, d64, w32, w64) }); err != nil {
				t.Fatal(err)
			}
			kerneltest.Equal(t, name+": Emulate int32 vs Go by hand", w32, hand32)
			kerneltest.Equal(t, name+": Emulate int64 vs Go by hand", w64, hand64)
			mb32, _ := runtime.BufferOf(dev, m32)
			db32, _ := runtime.BufferOf(dev, d32)
			mb64, _ := runtime.BufferOf(dev, m64)
			db64, _ := runtime.BufferOf(dev, d64)
			ob32, _ := runtime.NewBuffer[int32](dev, 7)
			ob64, _ := runtime.NewBuffer[int64](dev, 6)
			if err := LaunchEdges(dev, g, mb32, db32, mb64, db64, ob32, ob64); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			g32, g64 := make([]int32, 7), make([]int64, 6)
			if err := ob32.Read(g32); err != nil {
				t.Fatal(err)
			}
			if err := ob64.Read(g64); err != nil {
				t.Fatal(err)
			}
			kerneltest.Equal(t, name+": int32", g32, w32)
			kerneltest.Equal(t, name+": int64", g64, w64)
		}
	}
}

func TestShifts(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for si, n := range []int{1, 700} {
			name := fmt.Sprintf("%s n=%d", dev.Backend(), n)
			a := kerneltest.RandInts[int64](uint64(si), n, math.MinInt64, math.MaxInt64)
			s := kerneltest.RandInts(uint64(si)+1, n, 0, 140)
			counts := []int{0, 1, 7, 8, 9, 31, 32, 33, 63, 64, 65, 1000}
			for i := range s {
				if i%2 == 0 {
					s[i] = counts[(i/2)%len(counts)]
				}
			}
			g := dc.Grid1D(n)
			wo, wu, wb := make([]int64, 2*n), make([]uint64, 2*n), make([]uint8, 2*n)
			if err := dc.Emulate(g, func(t dc.Thread) { Shifts(t, a, s, wo, wu, wb) }); err != nil {
				t.Fatal(err)
			}
			ab, _ := runtime.BufferOf(dev, a)
			sb, _ := runtime.BufferOf(dev, s)
			ob, _ := runtime.NewBuffer[int64](dev, 2*n)
			ub, _ := runtime.NewBuffer[uint64](dev, 2*n)
			bb, _ := runtime.NewBuffer[uint8](dev, 2*n)
			if err := LaunchShifts(dev, g, ab, sb, ob, ub, bb); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			go1, gu, gb := make([]int64, 2*n), make([]uint64, 2*n), make([]uint8, 2*n)
			if err := ob.Read(go1); err != nil {
				t.Fatal(err)
			}
			if err := ub.Read(gu); err != nil {
				t.Fatal(err)
			}
			if err := bb.Read(gb); err != nil {
				t.Fatal(err)
			}
			kerneltest.Equal(t, name+": int64 (<<, >> pairs)", go1, wo)
			kerneltest.Equal(t, name+": uint64 (<<, >> pairs)", gu, wu)
			kerneltest.Equal(t, name+": uint8 (<<, >> pairs)", gb, wb)
		}
	}
}

func TestNarrow(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for si, n := range []int{1, 600} {
			name := fmt.Sprintf("%s n=%d", dev.Backend(), n)
			xs := kerneltest.RandInts[int64](uint64(si), n, math.MinInt64, math.MaxInt64)
			xs = append(xs, -1, 0, 127, 128, -129, 255, 256, 65535, -32769, math.MaxInt32+1, math.MinInt64, math.MaxInt64)
			n = len(xs)
			g := kerneltest.Grid1D(n, 64)
			want := make([]int64, numNarrow*n)
			if err := dc.Emulate(g, func(t dc.Thread) { Narrow(t, xs, want) }); err != nil {
				t.Fatal(err)
			}
			if w := want[0*n+n-8]; w != 127 { // int8(-129)
				t.Errorf("%s: Emulate: int8(-129) = %d, want 127", name, w)
			}
			xb, _ := runtime.BufferOf(dev, xs)
			ob, _ := runtime.NewBuffer[int64](dev, numNarrow*n)
			if err := LaunchNarrow(dev, g, xb, ob); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got := make([]int64, numNarrow*n)
			if err := ob.Read(got); err != nil {
				t.Fatal(err)
			}
			for k := range numNarrow {
				kerneltest.Equal(t, fmt.Sprintf("%s: conversion %d", name, k), got[k*n:(k+1)*n], want[k*n:(k+1)*n])
			}
		}
	}
}

func TestIntFloat(t *testing.T) {
	kerneltest.Run(t, func(t *testing.T, dev *runtime.Device) {
		kerneltest.NeedFloat64(t, dev)
		for si, n := range []int{0, 500} {
			is := kerneltest.RandInts[int64](uint64(si), n, math.MinInt64, math.MaxInt64)
			us := kerneltest.RandInts[uint64](uint64(si)+1, n, 0, math.MaxUint64)
			fs := kerneltest.Rand64(uint64(si)+2, n, -9e18, 9e18)
			ufs := kerneltest.Rand64(uint64(si)+3, n, 0, 1.8e19)
			f32s := kerneltest.Rand32(uint64(si)+4, n, -2e9, 2e9)
			small := kerneltest.Rand32(uint64(si)+5, n, -128.9, 127.9)
			// Special values: rounding ties and the ends of the ranges.
			is = append(is, math.MaxInt64, math.MinInt64, 1<<53+1, -(1<<53 + 1), 1<<24+1, -1)
			us = append(us, math.MaxUint64, 1<<63, 1<<63+1025, 1<<53+1, 1<<24+1, 0)
			fs = append(fs, math.Copysign(0, -1), 0.5, -0.5, -2.5, math.Nextafter(1<<63, 0), -(1 << 63))
			ufs = append(ufs, math.Nextafter(1<<64, 0), 1<<63, 0.9, 0, 1e10, 4.2e19/3)
			f32s = append(f32s, math.Nextafter32(1<<31, 0), -(1 << 31), -0.75, 16777217, 0.5, -1.5)
			small = append(small, -128.9, 127.9, -0.5, 0, -1.5, 2.5)
			n = len(is)
			name := fmt.Sprintf("n=%d", n)
			g := dc.Grid1D(n)
			wf, wi := make([]float64, numToFloat*n), make([]int64, numToInt*n)
			if err := dc.Emulate(g, func(t dc.Thread) { IntFloat(t, is, us, fs, ufs, f32s, small, wf, wi) }); err != nil {
				t.Fatal(err)
			}
			ib, _ := runtime.BufferOf(dev, is)
			ub, _ := runtime.BufferOf(dev, us)
			fb, _ := runtime.BufferOf(dev, fs)
			ufb, _ := runtime.BufferOf(dev, ufs)
			f32b, _ := runtime.BufferOf(dev, f32s)
			sb, _ := runtime.BufferOf(dev, small)
			tfb, _ := runtime.NewBuffer[float64](dev, numToFloat*n)
			tib, _ := runtime.NewBuffer[int64](dev, numToInt*n)
			if err := LaunchIntFloat(dev, g, ib, ub, fb, ufb, f32b, sb, tfb, tib); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			gf, gi := make([]float64, numToFloat*n), make([]int64, numToInt*n)
			if err := tfb.Read(gf); err != nil {
				t.Fatal(err)
			}
			if err := tib.Read(gi); err != nil {
				t.Fatal(err)
			}
			for k := range numToFloat {
				kerneltest.Same64(t, fmt.Sprintf("%s: to float %d", name, k), gf[k*n:(k+1)*n], wf[k*n:(k+1)*n])
			}
			for k := range numToInt {
				kerneltest.Equal(t, fmt.Sprintf("%s: to int %d", name, k), gi[k*n:(k+1)*n], wi[k*n:(k+1)*n])
			}
		}
	})
}

func TestIntsemErrors(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		ab, _ := runtime.BufferOf(dev, []int8{1})
		sb, _ := runtime.BufferOf(dev, []uint32{1})
		ob, _ := runtime.NewBuffer[int8](dev, numOps)
		err := LaunchArith(dev, dc.Grid1D(1), ab, nil, sb, ob)
		var ke *runtime.KernelError
		if !errors.As(err, &ke) || ke.Kernel != "Arith_int8" || ke.Arg != "b" {
			t.Errorf("%s: nil b: got error %v, want a *runtime.KernelError for Arith_int8, argument b", dev.Backend(), err)
		}
	}
}
