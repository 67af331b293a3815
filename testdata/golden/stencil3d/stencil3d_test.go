package stencil3d

import (
	"errors"
	"fmt"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// Tolerance: inputs are in [0, 1) and c0+6*c1 = 1, so every intermediate
// is below 6; a device may contract the final c0*in + c1*nb into an FMA,
// skipping one rounding of at most half an ulp of 6 (2^-22). abs 1e-6.
const abs = 1e-6

func TestStencil7(t *testing.T) {
	sizes := []struct {
		nx, ny, nz int
		g          dc.Grid
	}{
		{19, 13, 9, dc.Grid3D(19, 13, 9)}, // 3x2x3 groups of 8x8x4, none full
		{8, 8, 4, dc.Grid3D(8, 8, 4)},     // exactly one group
		{19, 13, 9, dc.Grid3D(19, 13, 9).WithGroupSize(4, 4, 4)},
		{3, 40, 5, dc.Grid3D(3, 40, 5).WithGroupSize(2, 16, 1)},
	}
	const c0, c1 = 0.4, 0.1
	for _, dev := range kerneltest.Devices(t) {
		for si, s := range sizes {
			name := fmt.Sprintf("%s %dx%dx%d group %v", dev.Backend(), s.nx, s.ny, s.nz, s.g.GroupSize)
			n := s.nx * s.ny * s.nz
			in := kerneltest.Rand32(uint64(si), n, 0, 1)
			want := make([]float32, n)
			if err := dc.Emulate(s.g, func(t dc.Thread) { Stencil7(t, in, want, s.nx, s.ny, s.nz, c0, c1) }); err != nil {
				t.Fatal(err)
			}
			inb, _ := runtime.BufferOf(dev, in)
			outb, _ := runtime.NewBuffer[float32](dev, n)
			if err := LaunchStencil7(dev, s.g, inb, outb, s.nx, s.ny, s.nz, c0, c1); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got := make([]float32, n)
			if err := outb.Read(got); err != nil {
				t.Fatal(err)
			}
			kerneltest.Close32(t, name+": out", got, want, 0, abs)
			// Spot-check the reference: a boundary cell is copied.
			if want[0] != in[0] {
				t.Errorf("%s: Emulate: out[0] = %v, want the boundary copy %v", name, want[0], in[0])
			}
		}
	}
}

func TestGeometry(t *testing.T) {
	grids := []dc.Grid{
		dc.Grid3D(19, 13, 9),
		dc.Grid3D(5, 3, 2).WithGroupSize(2, 3, 1),
		dc.Grid1D(300),
		dc.Grid2D(17, 17),
	}
	for _, dev := range kerneltest.Devices(t) {
		for _, g := range grids {
			name := fmt.Sprintf("%s groups %v of %v", dev.Backend(), g.Groups, g.GroupSize)
			n := g.Threads().Size() * geometryFields
			want := make([]int32, n)
			if err := dc.Emulate(g, func(t dc.Thread) { Geometry(t, want) }); err != nil {
				t.Fatal(err)
			}
			outb, _ := runtime.NewBuffer[int32](dev, n)
			if err := LaunchGeometry(dev, g, outb); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got := make([]int32, n)
			if err := outb.Read(got); err != nil {
				t.Fatal(err)
			}
			kerneltest.Equal(t, name+": geometry", got, want)
			// The last thread of the grid, computed by hand.
			last := want[n-geometryFields:]
			th := g.Threads()
			hand := []int32{
				int32(th.X - 1), int32(th.Y - 1), int32(th.Z - 1),
				int32(g.GroupSize.X - 1), int32(g.GroupSize.Y - 1), int32(g.GroupSize.Z - 1),
				int32(g.Groups.X - 1), int32(g.Groups.Y - 1), int32(g.Groups.Z - 1),
				int32(g.GroupSize.X), int32(g.GroupSize.Y), int32(g.GroupSize.Z),
				int32(g.Groups.X), int32(g.Groups.Y), int32(g.Groups.Z),
				int32(th.X), int32(th.Y), int32(th.Z),
			}
			kerneltest.Equal(t, name+": Emulate's last thread", last, hand)
		}
	}
}

func TestStencil7Errors(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		inb, _ := runtime.BufferOf(dev, make([]float32, 8))
		err := LaunchStencil7(dev, dc.Grid3D(2, 2, 2), inb, nil, 2, 2, 2, 1, 0)
		var ke *runtime.KernelError
		if !errors.As(err, &ke) || ke.Kernel != "Stencil7" || ke.Arg != "out" {
			t.Errorf("%s: nil out: got error %v, want a *runtime.KernelError for Stencil7, argument out", dev.Backend(), err)
		}
		// A grid with an empty dimension.
		outb, _ := runtime.NewBuffer[float32](dev, 8)
		err = LaunchStencil7(dev, dc.Grid3D(2, 0, 2), inb, outb, 2, 2, 2, 1, 0)
		if !errors.As(err, &ke) || ke.Kernel != "Stencil7" {
			t.Errorf("%s: empty Y grid: got error %v, want a *runtime.KernelError for Stencil7", dev.Backend(), err)
		}
	}
}
