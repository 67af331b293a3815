package reduce

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// Tolerance: backends add in the same order as Emulate and additions are
// never contracted, so partial sums should agree exactly. We still allow
// what a reassociated tree could change: the inputs are positive, so each
// of the ceil(log2 n) levels of a tree adds at most one rounding, a relative
// error of eps each (eps = 2^-23 for float32, 2^-52 for float64).
func tolerance(eps float64, n int) float64 { return eps * math.Ceil(math.Log2(float64(n)+1)) }

type float interface{ float32 | float64 }

// cases: n not a multiple of the group size, several groups, and a grid
// smaller than n so the grid-stride loop runs more than once.
var cases = []struct {
	name  string
	n     int
	group int
	grid  int // threads
}{
	{"n=1", 1, 256, 256},
	{"n=1000", 1000, 256, 1000},        // 4 groups, last partly idle
	{"n=1000/group64", 1000, 64, 1000}, // 16 groups
	{"n=100000/grid 2048", 100000, 256, 2048},
	{"n=3/group2", 3, 2, 3},
}

func testReduce[T float](t *testing.T, dev *runtime.Device, eps float64, in func(seed uint64, n int) []T) {
	for ci, c := range cases {
		name := fmt.Sprintf("%s %T %s", dev.Backend(), T(0), c.name)
		xs := in(uint64(ci), c.n)
		g := kerneltest.Grid1D(c.grid, c.group)
		groups := g.Groups.X
		want := make([]T, groups)
		if err := dc.Emulate(g, func(t dc.Thread) { Reduce(t, xs, want, c.n) }); err != nil {
			t.Fatal(err)
		}
		inb, _ := runtime.BufferOf(dev, xs)
		pb, _ := runtime.NewBuffer[T](dev, groups)
		if err := LaunchReduce(dev, g, inb, pb, c.n); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := make([]T, groups)
		if err := pb.Read(got); err != nil {
			t.Fatal(err)
		}
		closeT(t, name+": partials", got, want, tolerance(eps, c.n))

		// Second pass: one group sums the partials.
		g2 := kerneltest.Grid1D(1, c.group)
		tb, _ := runtime.NewBuffer[T](dev, 1)
		if err := LaunchReduce(dev, g2, pb, tb, groups); err != nil {
			t.Fatalf("%s: second pass: %v", name, err)
		}
		total := make([]T, 1)
		if err := tb.Read(total); err != nil {
			t.Fatal(err)
		}
		var exact float64
		for _, x := range xs {
			exact += float64(x)
		}
		// Against the float64 host sum: the device result has at most
		// (n/threads + log2 n) roundings of relative eps each.
		steps := float64(c.n/c.grid+1) + math.Log2(float64(c.n)+1) + math.Log2(float64(groups)+1)
		closeT(t, name+": total vs host", total, []T{T(exact)}, steps*eps)
	}
}

func closeT[T float](t *testing.T, name string, got, want []T, rel float64) {
	t.Helper()
	switch g := any(got).(type) {
	case []float32:
		kerneltest.Close32(t, name, g, any(want).([]float32), rel, 0)
	case []float64:
		kerneltest.Close64(t, name, g, any(want).([]float64), rel, 0)
	}
}

func TestReduce(t *testing.T) {
	kerneltest.Run(t, func(t *testing.T, dev *runtime.Device) {
		t.Run("float32", func(t *testing.T) {
			testReduce(t, dev, math.Ldexp(1, -23), func(seed uint64, n int) []float32 { return kerneltest.Rand32(seed, n, 0, 1) })
		})
		t.Run("float64", func(t *testing.T) {
			kerneltest.NeedFloat64(t, dev)
			testReduce(t, dev, math.Ldexp(1, -52), func(seed uint64, n int) []float64 { return kerneltest.Rand64(seed, n, 0, 1) })
		})
	})
}

func TestReduceErrors(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		inb, _ := runtime.BufferOf(dev, []float32{1, 2, 3})
		err := LaunchReduce[float32](dev, dc.Grid1D(3), inb, nil, 3)
		var ke *runtime.KernelError
		if !errors.As(err, &ke) || ke.Kernel != "Reduce_float32" || ke.Arg != "partial" {
			t.Errorf("%s: nil partial: got error %v, want a *runtime.KernelError for Reduce_float32, argument partial", dev.Backend(), err)
		}
		// A group larger than the device allows.
		pb, _ := runtime.NewBuffer[float32](dev, 1)
		big := dev.Info().MaxGroupSize * 2
		err = LaunchReduce(dev, kerneltest.Grid1D(3, big), inb, pb, 3)
		if !errors.As(err, &ke) || ke.Kernel != "Reduce_float32" {
			t.Errorf("%s: group of %d: got error %v, want a *runtime.KernelError for Reduce_float32", dev.Backend(), big, err)
		}
	}
}
