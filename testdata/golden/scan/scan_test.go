package scan

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// Tolerance: int32 sums are exact (and wrap identically). For float32 the
// backends add in Emulate's order, so results should agree exactly; we
// allow, for positive inputs, one rounding of relative 2^-23 per addition
// an element goes through: log2(group) steps in the group, log2(groups)
// in the scan of the totals, one for the offset.
func tolerance(group, groups int) float64 {
	return math.Ldexp(1, -23) * (math.Log2(float64(group)) + math.Log2(float64(groups)+1) + 1)
}

var cases = []struct{ n, group int }{
	{1, 256},
	{256, 256},  // one full group
	{1000, 256}, // 4 groups, the last partly idle
	{5000, 128}, // 40 groups
	{7, 4},
}

// fullScan scans in[:n] with Scan, Scan over the group totals in one group,
// and AddOffsets, through launch (a backend or Emulate).
type scanner[T int32 | float32] struct {
	scan       func(g dc.Grid, in, out, sums []T, n int) error
	addOffsets func(g dc.Grid, out, offsets []T, n int) error
}

func (s scanner[T]) run(in []T, group int) (out []T, err error) {
	n := len(in)
	g := kerneltest.Grid1D(n, group)
	groups := g.Groups.X
	out = make([]T, n)
	sums := make([]T, groups)
	if err := s.scan(g, in, out, sums, n); err != nil {
		return nil, err
	}
	offsets := make([]T, group)
	if err := s.scan(kerneltest.Grid1D(1, group), sums, offsets, make([]T, 1), groups); err != nil {
		return nil, err
	}
	if err := s.addOffsets(g, out, offsets, n); err != nil {
		return nil, err
	}
	return out, nil
}

func emulator[T int32 | float32]() scanner[T] {
	return scanner[T]{
		scan: func(g dc.Grid, in, out, sums []T, n int) error {
			return dc.Emulate(g, func(t dc.Thread) { Scan(t, in, out, sums, n) })
		},
		addOffsets: func(g dc.Grid, out, offsets []T, n int) error {
			return dc.Emulate(g, func(t dc.Thread) { AddOffsets(t, out, offsets, n) })
		},
	}
}

// device runs the kernels on dev, copying through buffers.
func device[T int32 | float32](dev *runtime.Device) scanner[T] {
	return scanner[T]{
		scan: func(g dc.Grid, in, out, sums []T, n int) error {
			ib, _ := runtime.BufferOf(dev, in)
			ob, _ := runtime.NewBuffer[T](dev, len(out))
			sb, _ := runtime.NewBuffer[T](dev, len(sums))
			if err := LaunchScan(dev, g, ib, ob, sb, n); err != nil {
				return err
			}
			if err := ob.Read(out); err != nil {
				return err
			}
			return sb.Read(sums)
		},
		addOffsets: func(g dc.Grid, out, offsets []T, n int) error {
			ob, _ := runtime.BufferOf(dev, out)
			fb, _ := runtime.BufferOf(dev, offsets)
			if err := LaunchAddOffsets(dev, g, ob, fb, n); err != nil {
				return err
			}
			return ob.Read(out)
		},
	}
}

func TestScanInt32(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for ci, c := range cases {
			name := fmt.Sprintf("%s n=%d group=%d", dev.Backend(), c.n, c.group)
			in := kerneltest.RandInts[int32](uint64(ci), c.n, -1000, math.MaxInt32/64) // sums wrap
			want, err := emulator[int32]().run(in, c.group)
			if err != nil {
				t.Fatal(err)
			}
			host := make([]int32, c.n)
			var acc int32
			for i, x := range in {
				acc += x
				host[i] = acc
			}
			kerneltest.Equal(t, name+": Emulate vs host", want, host)
			got, err := device[int32](dev).run(in, c.group)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			kerneltest.Equal(t, name+": scan", got, want)
		}
	}
}

func TestScanFloat32(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for ci, c := range cases {
			name := fmt.Sprintf("%s n=%d group=%d", dev.Backend(), c.n, c.group)
			in := kerneltest.Rand32(uint64(ci)+100, c.n, 0, 1)
			groups := (c.n + c.group - 1) / c.group
			want, err := emulator[float32]().run(in, c.group)
			if err != nil {
				t.Fatal(err)
			}
			host := make([]float32, c.n)
			var acc float64
			for i, x := range in {
				acc += float64(x)
				host[i] = float32(acc)
			}
			kerneltest.Close32(t, name+": Emulate vs float64 host", want, host, tolerance(c.group, groups), 0)
			got, err := device[float32](dev).run(in, c.group)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			kerneltest.Close32(t, name+": scan", got, want, tolerance(c.group, groups), 0)
		}
	}
}

func TestScanErrors(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		ib, _ := runtime.BufferOf(dev, []int32{1, 2, 3})
		ob, _ := runtime.NewBuffer[int32](dev, 3)
		err := LaunchScan(dev, dc.Grid1D(3), ib, ob, nil, 3)
		var ke *runtime.KernelError
		if !errors.As(err, &ke) || ke.Kernel != "Scan_int32" || ke.Arg != "sums" {
			t.Errorf("%s: nil sums: got error %v, want a *runtime.KernelError for Scan_int32, argument sums", dev.Backend(), err)
		}
		// Groups larger than the shared array: an index panic that the CPU
		// backend reports naming the kernel (GPUs do not check bounds).
		if dev.Info().HostMemory {
			sb, _ := runtime.NewBuffer[int32](dev, 1)
			err = LaunchScan(dev, kerneltest.Grid1D(3, 2*maxGroup), ib, ob, sb, 3)
			if err == nil {
				err = dev.Sync() // CPU launches are asynchronous
			}
			if !errors.As(err, &ke) || ke.Kernel != "Scan_int32" {
				t.Errorf("%s: group of %d: got error %v, want a *runtime.KernelError for Scan_int32", dev.Backend(), 2*maxGroup, err)
			}
		}
	}
}
