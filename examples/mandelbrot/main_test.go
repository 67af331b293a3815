package main

import (
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// Small frames for the tests: the whole set, and the picture's zoom.
var (
	overview = Frame{CX: -0.5, CY: 0, Step: 3.0 / 64, Width: 83, Height: 61, MaxIter: 100}
	deep     = Frame{CX: zoom.CX, CY: zoom.CY, Step: zoom.Step * 5, Width: 72, Height: 54, MaxIter: 400}
)

// TestRender compares both instantiations of the kernel on every backend
// with the serial Go reference, pixel by pixel.
//
// float64 must match everywhere. float32 must match exactly on the cpu
// backend, which computes as Go does. Elsewhere the dialect allows x*y+z to
// be contracted into one FMA (OpenCL compilers do so), which changes the
// last bit of an iteration, and the iteration amplifies it: on the
// overview a few pixels on the set's border may escape one iteration
// sooner or later, and the deep frame, whose pixels are below float32's
// resolution, is not compared.
func TestRender(t *testing.T) {
	kerneltest.Run(t, func(t *testing.T, dev *runtime.Device) {
		for _, f := range []Frame{overview, deep} {
			got, err := Render[float32](dev, f)
			if err != nil {
				t.Fatal(err)
			}
			want := Reference[float32](f)
			switch {
			case dev.Info().HostMemory:
				kerneltest.Equal(t, "float32", got, want)
			case f == overview:
				differ := 0
				for i := range want {
					if d := got[i] - want[i]; d != 0 {
						differ++
						if d < -1 || d > 1 {
							t.Errorf("float32: pixel %d: %d iterations, want %d (±1)", i, got[i], want[i])
						}
					}
				}
				if differ > len(want)/200 {
					t.Errorf("float32: %d of %d pixels differ from the reference, want at most 0.5%%", differ, len(want))
				}
			}
			if !dev.Info().Float64 {
				t.Logf("%s: no float64", dev)
				continue
			}
			got, err = Render[float64](dev, f)
			if err != nil {
				t.Fatal(err)
			}
			kerneltest.Equal(t, "float64", got, Reference[float64](f))
		}
	})
}

// TestReference checks the serial reference against the kernel itself,
// run by dc.Emulate, for both instantiations.
func TestReference(t *testing.T) {
	for _, f := range []Frame{overview, deep} {
		x0, y0 := f.origin()
		g := dc.Grid2D(f.Width, f.Height)
		got := make([]int32, f.Width*f.Height)
		if err := dc.Emulate(g, func(th dc.Thread) {
			Mandelbrot(th, float32(x0), float32(y0), float32(f.Step), f.Width, f.MaxIter, got)
		}); err != nil {
			t.Fatal(err)
		}
		kerneltest.Equal(t, "float32", got, Reference[float32](f))
		if err := dc.Emulate(g, func(th dc.Thread) {
			Mandelbrot(th, x0, y0, f.Step, f.Width, f.MaxIter, got)
		}); err != nil {
			t.Fatal(err)
		}
		kerneltest.Equal(t, "float64", got, Reference[float64](f))
	}
}
