package transpose

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// A transpose moves values without arithmetic: comparisons are exact.

var sizes = []struct{ w, h int }{
	{16, 16}, // one group
	{37, 53}, // 3x4 groups, neither side a multiple of 16
	{1, 70},  // a column
	{70, 1},  // a row
}

func TestTranspose(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for si, s := range sizes {
			name := fmt.Sprintf("%s %dx%d", dev.Backend(), s.w, s.h)
			n := s.w * s.h
			in := kerneltest.Rand32(uint64(si), n, -100, 100)
			g := dc.Grid2D(s.w, s.h)
			want := make([]float32, n)
			if err := dc.Emulate(g, func(t dc.Thread) { Transpose(t, in, want, s.w, s.h) }); err != nil {
				t.Fatal(err)
			}
			host := make([]float32, n)
			for y := range s.h {
				for x := range s.w {
					host[x*s.h+y] = in[y*s.w+x]
				}
			}
			kerneltest.Equal(t, name+": Emulate vs host", want, host)

			ib, _ := runtime.BufferOf(dev, in)
			ob, _ := runtime.NewBuffer[float32](dev, n)
			if err := LaunchTranspose(dev, g, ib, ob, s.w, s.h); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got := make([]float32, n)
			if err := ob.Read(got); err != nil {
				t.Fatal(err)
			}
			kerneltest.Equal(t, name+": out", got, want)

			// Transposing back gives the input.
			bb, _ := runtime.NewBuffer[float32](dev, n)
			if err := LaunchTranspose(dev, dc.Grid2D(s.h, s.w), ob, bb, s.h, s.w); err != nil {
				t.Fatalf("%s: back: %v", name, err)
			}
			if err := bb.Read(got); err != nil {
				t.Fatal(err)
			}
			kerneltest.Equal(t, name+": transposed twice", got, in)
		}
	}
}

func TestTransposeInt(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for si, s := range sizes {
			for _, g := range []dc.Grid{dc.Grid2D(s.w, s.h), dc.Grid2D(s.w, s.h).WithGroupSize(8, 4, 1)} {
				name := fmt.Sprintf("%s %dx%d group %v", dev.Backend(), s.w, s.h, g.GroupSize)
				n := s.w * s.h
				in := kerneltest.RandInts[int32](uint64(si), n, -1000, 1000)
				want := make([]int32, n)
				if err := dc.Emulate(g, func(t dc.Thread) { TransposeInt(t, in, want, s.w, s.h) }); err != nil {
					t.Fatal(err)
				}
				ib, _ := runtime.BufferOf(dev, in)
				ob, _ := runtime.NewBuffer[int32](dev, n)
				if err := LaunchTransposeInt(dev, g, ib, ob, s.w, s.h); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				got := make([]int32, n)
				if err := ob.Read(got); err != nil {
					t.Fatal(err)
				}
				kerneltest.Equal(t, name+": out", got, want)
			}
		}
	}
}

func TestTransposeErrors(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		ib, _ := runtime.BufferOf(dev, make([]float32, 32*32))
		err := LaunchTranspose(dev, dc.Grid2D(32, 32), ib, nil, 32, 32)
		var ke *runtime.KernelError
		if !errors.As(err, &ke) || ke.Kernel != "Transpose" || ke.Arg != "out" {
			t.Errorf("%s: nil out: got error %v, want a *runtime.KernelError for Transpose, argument out", dev.Backend(), err)
		}
		// Groups of 32x32 index past the 16x17 tile: Emulate and the CPU
		// backend report the index panic as an error naming the kernel (at
		// Sync: CPU launches are asynchronous).
		// GPUs do not check bounds, so this runs on host-memory devices.
		g := dc.Grid2D(32, 32).WithGroupSize(32, 32, 1)
		in := make([]float32, 32*32)
		if err := dc.Emulate(g, func(t dc.Thread) { Transpose(t, in, make([]float32, 32*32), 32, 32) }); err == nil || !strings.Contains(err.Error(), "Transpose") {
			t.Errorf("Emulate: 32x32 groups: got error %v, want one naming Transpose", err)
		}
		if dev.Info().HostMemory {
			ob, _ := runtime.NewBuffer[float32](dev, 32*32)
			err = LaunchTranspose(dev, g, ib, ob, 32, 32)
			if err == nil {
				err = dev.Sync() // CPU launches are asynchronous
			}
			if !errors.As(err, &ke) || ke.Kernel != "Transpose" {
				t.Errorf("%s: 32x32 groups: got error %v, want a *runtime.KernelError for Transpose", dev.Backend(), err)
			}
		}
	}
}
