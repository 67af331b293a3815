package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/kernels"
	dcrt "github.com/dotcompute/dc/runtime"
)

// poolLoops is how many allocate/launch/free iterations one timed run of
// the pool section makes.
const poolLoops = 200

// poolSection measures the device memory pool on OpenCL: loops that
// allocate a buffer, launch Saxpy writing it and close it, on a device with
// the pool and one without, timed in alternating pairs. It has no goal.
// Without OpenCL it prints why nothing was measured.
func poolSection(reps int) bool {
	on, err := dcrt.Open(dcrt.WithBackend("opencl"), dcrt.WithPool(true))
	if err != nil {
		fmt.Printf("pool: not measured (%v)\n\n", err)
		return true
	}
	defer on.Close()
	off, err := dcrt.Open(dcrt.WithBackend("opencl"), dcrt.WithPool(false))
	if err != nil {
		fmt.Printf("pool: not measured (%v)\n\n", err)
		return true
	}
	defer off.Close()
	fmt.Printf("Memory pool, opencl backend on %s: %d x (NewBuffer, LaunchSaxpy, Close) per run, %d alternating pairs\n", on.Info().Name, poolLoops, 2*reps)
	for _, n := range []int{16 << 10, 1 << 20} {
		loop, err := poolLoop(n)
		if err != nil {
			fmt.Printf("  FAILED: %v\n\n", err)
			return false
		}
		for _, dev := range []*dcrt.Device{on, off} { // warm up: the program build, the pool
			if _, err := loop(dev); err != nil {
				fmt.Printf("  FAILED: %v\n\n", err)
				return false
			}
		}
		var ton, toff []time.Duration
		for range 2 * reps {
			d, err := loop(off)
			if err != nil {
				fmt.Printf("  FAILED: %v\n\n", err)
				return false
			}
			toff = append(toff, d)
			if d, err = loop(on); err != nil {
				fmt.Printf("  FAILED: %v\n\n", err)
				return false
			}
			ton = append(ton, d)
		}
		ratios := make([]float64, len(ton))
		for i := range ton {
			ratios[i] = float64(toff[i]) / float64(ton[i])
		}
		slices.Sort(ratios)
		per := func(d time.Duration) time.Duration { return (d / poolLoops).Round(100 * time.Nanosecond) }
		size := fmt.Sprintf("%d KiB", 4*n>>10)
		fmt.Printf("  %-8s without the pool, median per iteration   %10v\n", size, per(median(toff)))
		fmt.Printf("  %-8s with the pool, median per iteration      %10v   %.2fx (median pair), no goal\n", size, per(median(ton)), ratios[len(ratios)/2])
	}
	st := on.PoolStats()
	fmt.Printf("  %v\n\n", st)
	return true
}

// poolLoop returns a function that runs poolLoops iterations of the
// pool section on a device with buffers of n float32s, and times them.
func poolLoop(n int) (func(dev *dcrt.Device) (time.Duration, error), error) {
	xs := make([]float32, n)
	inputs := map[*dcrt.Device]*dcrt.Buffer[float32]{}
	return func(dev *dcrt.Device) (time.Duration, error) {
		x := inputs[dev]
		if x == nil {
			var err error
			if x, err = dcrt.BufferOf(dev, xs); err != nil {
				return 0, err
			}
			inputs[dev] = x
		}
		start := time.Now()
		for range poolLoops {
			y, err := dcrt.NewBuffer[float32](dev, n)
			if err != nil {
				return 0, err
			}
			if err := kernels.LaunchSaxpy(dev, dc.Grid1D(n), 2, x, y); err != nil {
				return 0, err
			}
			if err := y.Close(); err != nil {
				return 0, err
			}
		}
		return time.Since(start), nil
	}, nil
}
