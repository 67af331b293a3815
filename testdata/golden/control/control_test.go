package control

import (
	"errors"
	"fmt"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// Every output is an integer: all comparisons are exact.

// grids: one thread; several groups with the last partly idle; a small
// group size with many groups.
func grids(n int) []dc.Grid {
	return []dc.Grid{dc.Grid1D(n), kerneltest.Grid1D(n, 32)}
}

// run launches a kernel on every device and every grid and compares the
// int32 outputs with Emulate's.
func run(t *testing.T, kernel string, n int, outs []int, emulate func(g dc.Grid, outs [][]int32) error,
	launch func(dev *runtime.Device, g dc.Grid, outs []*runtime.Buffer[int32]) error) [][]int32 {
	t.Helper()
	var ref [][]int32
	for _, dev := range kerneltest.Devices(t) {
		for _, g := range grids(n) {
			name := fmt.Sprintf("%s %s n=%d group=%d", dev.Backend(), kernel, n, g.GroupSize.X)
			want := make([][]int32, len(outs))
			bufs := make([]*runtime.Buffer[int32], len(outs))
			for k, m := range outs {
				want[k] = make([]int32, m)
				bufs[k], _ = runtime.NewBuffer[int32](dev, m)
			}
			if err := emulate(g, want); err != nil {
				t.Fatal(err)
			}
			if err := launch(dev, g, bufs); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for k := range outs {
				got := make([]int32, outs[k])
				if err := bufs[k].Read(got); err != nil {
					t.Fatal(err)
				}
				kerneltest.Equal(t, fmt.Sprintf("%s: output %d", name, k), got, want[k])
			}
			ref = want
		}
	}
	return ref
}

func TestCollatz(t *testing.T) {
	for _, n := range []int{1, 1000} {
		xs := kerneltest.RandInts[int32](uint64(n), n, -5, 100000)
		xs[0] = 27
		want := run(t, "Collatz", n, []int{n},
			func(g dc.Grid, o [][]int32) error { return dc.Emulate(g, func(t dc.Thread) { Collatz(t, xs, o[0]) }) },
			func(dev *runtime.Device, g dc.Grid, o []*runtime.Buffer[int32]) error {
				xb, _ := runtime.BufferOf(dev, xs)
				return LaunchCollatz(dev, g, xb, o[0])
			})
		if want[0][0] != 111 {
			t.Errorf("Emulate: Collatz(27) = %d steps, want 111", want[0][0])
		}
	}
}

func TestClassify(t *testing.T) {
	for _, n := range []int{1, 1000} {
		xs := kerneltest.RandInts[int32](uint64(n)+1, n, -3000000, 3000000)
		for i := range xs {
			if i%4 == 1 {
				xs[i] %= 12 // some zeros and small values
			}
		}
		xs[0] = 0
		want := run(t, "Classify", n, []int{n, n},
			func(g dc.Grid, o [][]int32) error {
				return dc.Emulate(g, func(t dc.Thread) { Classify(t, xs, o[0], o[1]) })
			},
			func(dev *runtime.Device, g dc.Grid, o []*runtime.Buffer[int32]) error {
				xb, _ := runtime.BufferOf(dev, xs)
				return LaunchClassify(dev, g, xb, o[0], o[1])
			})
		if want[0][0] != kindZero || want[1][0] != 100 {
			t.Errorf("Emulate: Classify(0) = kind %d code %d, want %d, 100", want[0][0], want[1][0], kindZero)
		}
	}
}

func TestGrade(t *testing.T) {
	for _, n := range []int{1, 1000} {
		scores := kerneltest.Rand32(uint64(n)+2, n, 40, 100)
		scores[0] = 80
		want := run(t, "Grade", n, []int{n},
			func(g dc.Grid, o [][]int32) error { return dc.Emulate(g, func(t dc.Thread) { Grade(t, scores, o[0]) }) },
			func(dev *runtime.Device, g dc.Grid, o []*runtime.Buffer[int32]) error {
				sb, _ := runtime.BufferOf(dev, scores)
				return LaunchGrade(dev, g, sb, o[0])
			})
		if want[0][0] != 3 {
			t.Errorf("Emulate: Grade(80) = %d, want 3", want[0][0])
		}
	}
}

func TestFindFirst(t *testing.T) {
	const w, h, target = 5, 4, 7
	for _, n := range []int{1, 300} {
		grid := kerneltest.RandInts[int32](uint64(n)+3, n*w*h, -2, 40)
		// Block 0: the target at (x=3, y=1), one row with a negative.
		for k := range w * h {
			grid[k] = 1
		}
		grid[1*w+3] = target
		grid[2*w+3] = target
		grid[3*w+0] = -1
		want := run(t, "FindFirst", n, []int{2 * n},
			func(g dc.Grid, o [][]int32) error {
				return dc.Emulate(g, func(t dc.Thread) { FindFirst(t, grid, w, h, target, o[0]) })
			},
			func(dev *runtime.Device, g dc.Grid, o []*runtime.Buffer[int32]) error {
				gb, _ := runtime.BufferOf(dev, grid)
				return LaunchFindFirst(dev, g, gb, w, h, target, o[0])
			})
		kerneltest.Equal(t, "Emulate: block 0", want[0][:2], []int32{1*w + 3, h - 1})
	}
}

func TestPoly(t *testing.T) {
	coef := []int32{3, -2, 0, 1} // x^3 - 2x + 3
	for _, n := range []int{1, 1000} {
		xs := kerneltest.RandInts[int32](uint64(n)+4, n, -1000, 1000)
		xs[0] = -12
		want := run(t, "Poly", n, []int{n, n},
			func(g dc.Grid, o [][]int32) error {
				return dc.Emulate(g, func(t dc.Thread) { Poly(t, xs, coef, o[0], o[1]) })
			},
			func(dev *runtime.Device, g dc.Grid, o []*runtime.Buffer[int32]) error {
				xb, _ := runtime.BufferOf(dev, xs)
				cb, _ := runtime.BufferOf(dev, coef)
				return LaunchPoly(dev, g, xb, cb, o[0], o[1])
			})
		if want[0][0] != -1728+24+3 || want[1][0] != 3 {
			t.Errorf("Emulate: Poly(-12) = %d, digits %d; want %d, 3", want[0][0], want[1][0], -1728+24+3)
		}
	}
}

func TestScan(t *testing.T) {
	for _, n := range []int{1, 1000} {
		xs := kerneltest.RandInts[int32](uint64(n)+5, n, 0, 1000)
		xs[0] = 3 // v: 3 (skipped), 10, 17, 24, 31, 38, 45, 52%50=2 (skipped), 9, 16, 23, 30, 37, 44, 51%50=1, 8
		want := run(t, "Scan", n, []int{2 * n},
			func(g dc.Grid, o [][]int32) error { return dc.Emulate(g, func(t dc.Thread) { Scan(t, xs, o[0]) }) },
			func(dev *runtime.Device, g dc.Grid, o []*runtime.Buffer[int32]) error {
				xb, _ := runtime.BufferOf(dev, xs)
				return LaunchScan(dev, g, xb, o[0])
			})
		// By hand: no value is > 45, so all 16 iterations count.
		count, total := int32(0), int32(0)
		for k := range 16 {
			v := (3 + int32(k)*7) % 50
			if v >= 5 {
				total += v
			}
			count++
			total += 2
		}
		kerneltest.Equal(t, "Emulate: Scan(3)", want[0][:2], []int32{count, total})
	}
}

func TestControlErrors(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		xb, _ := runtime.BufferOf(dev, []int32{1, 2})
		err := LaunchPoly(dev, dc.Grid1D(2), xb, nil, xb, xb)
		var ke *runtime.KernelError
		if !errors.As(err, &ke) || ke.Kernel != "Poly" || ke.Arg != "coef" {
			t.Errorf("%s: nil coef: got error %v, want a *runtime.KernelError for Poly, argument coef", dev.Backend(), err)
		}
	}
}
