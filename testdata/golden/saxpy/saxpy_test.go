package saxpy

import (
	"errors"
	"fmt"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// Tolerance: a*x+y may be contracted into one FMA on a device (DESIGN §3),
// which skips the rounding of a*x: at most half an ulp of |a*x| <= 2*1 = 2,
// that is 2^-23 absolute. rel 1e-6 and abs 1e-6 bound that with room.
const rel, abs = 1e-6, 1e-6

func TestSaxpy(t *testing.T) {
	const a = 2.5
	grids := []struct {
		name string
		n    int
		g    dc.Grid
	}{
		{"n=1", 1, dc.Grid1D(1)},
		{"n=1000", 1000, dc.Grid1D(1000)}, // 4 groups, the last one partly idle
		{"n=1000/group64", 1000, dc.Grid1D(1000).WithGroupSize(64, 1, 1)},
		{"n=4096", 4096, dc.Grid1D(4096)},
	}
	for _, dev := range kerneltest.Devices(t) {
		for gi, c := range grids {
			x := kerneltest.Rand32(uint64(gi), c.n, -1, 1)
			y := kerneltest.Rand32(uint64(gi)+100, c.n, -1, 1)
			want := append([]float32(nil), y...)
			if err := dc.Emulate(c.g, func(t dc.Thread) { Saxpy(t, a, x, want) }); err != nil {
				t.Fatal(err)
			}
			xb, _ := runtime.BufferOf(dev, x)
			yb, _ := runtime.BufferOf(dev, y)
			if err := LaunchSaxpy(dev, c.g, a, xb, yb); err != nil {
				t.Fatalf("%s %s: %v", dev.Backend(), c.name, err)
			}
			got := make([]float32, c.n)
			if err := yb.Read(got); err != nil {
				t.Fatal(err)
			}
			kerneltest.Close32(t, fmt.Sprintf("%s %s: Saxpy y", dev.Backend(), c.name), got, want, rel, abs)
		}
	}
}

func TestSaxpyStride(t *testing.T) {
	const a = -0.75
	cases := []struct {
		name string
		n    int
		g    dc.Grid
	}{
		{"n=5000/1 group", 5000, dc.Grid1D(1)},                        // each thread does ~20 elements
		{"n=5000/3 groups of 100", 5000, kerneltest.Grid1D(300, 100)}, // 300 threads, 5000 not a multiple
		{"n=77/4 groups", 77, dc.Grid1D(1024)},                        // more threads than elements
	}
	for _, dev := range kerneltest.Devices(t) {
		for ci, c := range cases {
			x := kerneltest.Rand32(uint64(ci)+7, c.n, -1, 1)
			y := kerneltest.Rand32(uint64(ci)+70, c.n, -1, 1)
			want := append([]float32(nil), y...)
			if err := dc.Emulate(c.g, func(t dc.Thread) { SaxpyStride(t, a, x, want, c.n) }); err != nil {
				t.Fatal(err)
			}
			xb, _ := runtime.BufferOf(dev, x)
			yb, _ := runtime.BufferOf(dev, y)
			if err := LaunchSaxpyStride(dev, c.g, a, xb, yb, c.n); err != nil {
				t.Fatalf("%s %s: %v", dev.Backend(), c.name, err)
			}
			got := make([]float32, c.n)
			if err := yb.Read(got); err != nil {
				t.Fatal(err)
			}
			kerneltest.Close32(t, fmt.Sprintf("%s %s: SaxpyStride y", dev.Backend(), c.name), got, want, rel, abs)
		}
	}
}

// TestSaxpyErrors checks that bad launches are errors naming the kernel
// and argument, and leave the output alone.
func TestSaxpyErrors(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		y := []float32{1, 2, 3}
		yb, _ := runtime.BufferOf(dev, y)
		xb, _ := runtime.BufferOf(dev, []float32{1, 1, 1})

		err := LaunchSaxpy(dev, dc.Grid1D(3), 2, nil, yb)
		var ke *runtime.KernelError
		if !errors.As(err, &ke) || ke.Kernel != "Saxpy" || ke.Arg != "x" {
			t.Errorf("%s: nil x: got error %v, want a *runtime.KernelError for kernel Saxpy, argument x", dev.Backend(), err)
		}

		err = LaunchSaxpy(dev, dc.Grid1D(0), 2, xb, yb)
		if !errors.As(err, &ke) || ke.Kernel != "Saxpy" {
			t.Errorf("%s: empty grid: got error %v, want a *runtime.KernelError for kernel Saxpy", dev.Backend(), err)
		}

		closed, _ := runtime.BufferOf(dev, []float32{1, 1, 1})
		closed.Close()
		err = LaunchSaxpy(dev, dc.Grid1D(3), 2, closed, yb)
		if !errors.Is(err, runtime.ErrBufferClosed) {
			t.Errorf("%s: closed x: got error %v, want runtime.ErrBufferClosed", dev.Backend(), err)
		}

		got := make([]float32, 3)
		if err := yb.Read(got); err != nil {
			t.Fatal(err)
		}
		kerneltest.Equal(t, dev.Backend()+": y after failed launches", got, y)
	}
}
