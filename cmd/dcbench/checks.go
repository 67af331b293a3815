package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/benchkernels"
	dcrt "github.com/dotcompute/dc/runtime"
)

// checkCost times each kernel of internal/benchkernels checked and
// unchecked on every backend that opens, alternating the two, and reports
// the ratio of the medians of adjacent pairs. Goal: checked at most 5%
// slower.
func checkCost(reps int) bool {
	good := true
	for _, name := range dcrt.Backends() {
		dev, err := dcrt.Open(dcrt.WithBackend(name))
		if err != nil {
			fmt.Printf("run-time checks on %s: not measured (%v)\n\n", name, err)
			continue
		}
		fmt.Printf("run-time checks on %s (%s), checked / unchecked time, median of %d pairs\n", name, dev.Info().Name, reps*2)
		for _, c := range checkCases(dev) {
			ratio, tc, tu := pairs(reps*2, c.checked, c.unchecked)
			ok := ratio <= 1.05
			good = good && ok
			fmt.Printf("  %-34s %10v %10v   %5.3f   goal <= 1.05   %s\n", c.name, tc.Round(time.Microsecond), tu.Round(time.Microsecond), ratio, verdict(ok))
		}
		fmt.Println()
		must(dev.Close())
	}
	return good
}

type checkCase struct {
	name               string
	checked, unchecked func()
}

func checkCases(dev *dcrt.Device) []checkCase {
	sync := func(err error) {
		must(err)
		must(dev.Sync())
	}
	const n = 1 << 22
	x, err := dcrt.BufferOf(dev, make([]float32, n))
	must(err)
	y, err := dcrt.BufferOf(dev, make([]float32, n))
	must(err)
	const w, h = 2048, 1024
	in, err := dcrt.BufferOf(dev, make([]float32, w*h))
	must(err)
	out, err := dcrt.NewBuffer[float32](dev, w*h)
	must(err)
	nr, m := n, 256
	partial, err := dcrt.NewBuffer[float32](dev, nr/256)
	must(err)
	a, err := dcrt.BufferOf(dev, make([]float32, m*m))
	must(err)
	b, err := dcrt.BufferOf(dev, make([]float32, m*m))
	must(err)
	c, err := dcrt.NewBuffer[float32](dev, m*m)
	must(err)
	return []checkCase{
		{fmt.Sprintf("Saxpy n=%d", n),
			func() { sync(benchkernels.LaunchSaxpy(dev, dc.Grid1D(n), 2, x, y)) },
			func() { sync(benchkernels.LaunchSaxpyUnchecked(dev, dc.Grid1D(n), 2, x, y)) }},
		{fmt.Sprintf("5-point stencil %dx%d", w, h),
			func() { sync(benchkernels.LaunchStencil(dev, dc.Grid2D(w, h), in, out, w, h)) },
			func() { sync(benchkernels.LaunchStencilUnchecked(dev, dc.Grid2D(w, h), in, out, w, h)) }},
		{fmt.Sprintf("shared-memory reduction n=%d", nr),
			func() { sync(benchkernels.LaunchReduce(dev, dc.Grid1D(nr), x, partial)) },
			func() { sync(benchkernels.LaunchReduceUnchecked(dev, dc.Grid1D(nr), x, partial)) }},
		{fmt.Sprintf("tiled matmul %dx%d", m, m),
			func() { sync(benchkernels.LaunchMatMul(dev, dc.Grid2D(m, m), a, b, c, m, m, m)) },
			func() { sync(benchkernels.LaunchMatMulUnchecked(dev, dc.Grid2D(m, m), a, b, c, m, m, m)) }},
	}
}

// pairs runs f and g alternately n times after a warm-up and returns the
// median of the time ratios f/g of adjacent runs, with the median times.
func pairs(n int, f, g func()) (float64, time.Duration, time.Duration) {
	for range 2 {
		f()
		g()
	}
	var tf, tg []time.Duration
	ratios := make([]float64, 0, n)
	for i := range n {
		var a, b time.Duration
		if i%2 == 0 {
			a, b = timeIt(f), timeIt(g)
		} else {
			b, a = timeIt(g), timeIt(f)
		}
		tf, tg = append(tf, a), append(tg, b)
		ratios = append(ratios, float64(a)/float64(b))
	}
	slices.Sort(ratios)
	return ratios[len(ratios)/2], median(tf), median(tg)
}

func timeIt(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}
