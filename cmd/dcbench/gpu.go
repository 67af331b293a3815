package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/benchkernels"
	"github.com/dotcompute/dc/kernels"
	dcrt "github.com/dotcompute/dc/runtime"
)

// Sizes and goals of the gpu section.
const (
	// gpuLaunchBatch is how many launches of the empty kernel are timed
	// together, before an untimed Sync.
	gpuLaunchBatch = 256
	// gpuLaunchGoal is the most host time one launch may take; CUDA.jl
	// measures 1.4µs.
	gpuLaunchGoal = 2 * time.Microsecond
	// gpuStreamN is the element count of the Saxpy and copy buffers: three
	// buffers of 1 GiB, far beyond any GPU cache.
	gpuStreamN = 1 << 28
	// gpuBandwidthGoal is the least Saxpy bandwidth, as a fraction of the
	// device-to-device copy's.
	gpuBandwidthGoal = 0.9
	// gpuMatMulN is the size of the square matrices multiplied.
	gpuMatMulN = 4096
)

// gpuSection measures the cuda backend: the host overhead of a launch, the
// bandwidth of Saxpy against a device-to-device copy, and the tiled matmul's
// GFLOP/s, checking every result and the runtime's Stats. Without a CUDA
// device it prints why nothing was measured and reports success, so make
// bench passes on machines without a GPU.
func gpuSection(reps int) bool {
	dev, err := dcrt.Open(dcrt.WithBackend("cuda"))
	if err != nil {
		fmt.Printf("gpu: not measured (%v)\n\n", err)
		return true
	}
	fmt.Printf("GPU, %s backend on %s\n", dev.Backend(), dev.Info().Name)
	good, err := gpuMeasure(dev, reps)
	if cerr := dev.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Printf("  FAILED: %v\n\n", err)
		return false
	}
	fmt.Println()
	return good
}

// gpuMeasure runs the measurements of the gpu section on dev, printing a
// line per number, and reports whether every goal was met. An error means
// a launch, a transfer or a result was wrong.
func gpuMeasure(dev *dcrt.Device, reps int) (bool, error) {
	good := true
	perLaunch, batches, err := gpuLaunchOverhead(dev, max(4*reps, 20))
	if err != nil {
		return false, fmt.Errorf("empty kernel: %w", err)
	}
	ok := perLaunch <= gpuLaunchGoal
	good = good && ok
	gpuLine(fmt.Sprintf("host time of one launch of the empty kernel, median of %d batches of %d", batches, gpuLaunchBatch),
		perLaunch.Round(10*time.Nanosecond).String(), fmt.Sprintf("goal <= %v   %s", gpuLaunchGoal, verdict(ok)))

	bw, err := gpuBandwidth(dev, max(2*reps, 10))
	if err != nil {
		return false, fmt.Errorf("bandwidth: %w", err)
	}
	ratio := bw.saxpyGBs / bw.copyGBs
	ok = ratio >= gpuBandwidthGoal
	good = good && ok
	gpuLine(fmt.Sprintf("Saxpy, n=%d, 3 x 4 bytes per element, median of %d", gpuStreamN, bw.pairs),
		bw.saxpyTime.Round(time.Microsecond).String(), fmt.Sprintf("%.1f GB/s", bw.saxpyGBs))
	gpuLine(fmt.Sprintf("%s, n=%d, 2 x 4 bytes per element, median of %d", bw.copyName, gpuStreamN, bw.pairs),
		bw.copyTime.Round(time.Microsecond).String(), fmt.Sprintf("%.1f GB/s", bw.copyGBs))
	gpuLine("Saxpy bandwidth / copy bandwidth", fmt.Sprintf("%.3f", ratio), fmt.Sprintf("goal >= %.2f   %s", gpuBandwidthGoal, verdict(ok)))

	mm, runs, err := gpuMatMul(dev, max(reps/3, 5))
	if err != nil {
		return false, fmt.Errorf("matmul: %w", err)
	}
	gflops := 2 * float64(gpuMatMulN) * gpuMatMulN * gpuMatMulN / mm.Seconds() / 1e9
	gpuLine(fmt.Sprintf("tiled matmul %dx%dx%d, 16x16 tiles, median of %d", gpuMatMulN, gpuMatMulN, gpuMatMulN, runs),
		mm.Round(time.Microsecond).String(), fmt.Sprintf("%.0f GFLOP/s (2mnk / time), no goal", gflops))

	s := dev.Stats()
	fmt.Printf("  runtime.Stats: %d launches, %d host-to-device copies (%d MiB), %d device-to-host copies (%d MiB), %d allocations\n",
		s.Launches, s.HostToDevice, s.BytesHostToDevice>>20, s.DeviceToHost, s.BytesDeviceToHost>>20, s.Allocs)
	return good, nil
}

// gpuLine prints one measurement of the gpu section: what it is, the
// number, and its goal or derived figure.
func gpuLine(what, value, note string) {
	fmt.Printf("  %-72s %10s   %s\n", what, value, note)
}

// gpuStatsDelta checks that between the Stats before and after a timed
// loop the device made launches launches and no host transfer: a transfer
// would be timed as if it were the kernel's work.
func gpuStatsDelta(before, after dcrt.Stats, launches int) error {
	if got := after.Launches - before.Launches; got != int64(launches) {
		return fmt.Errorf("runtime.Stats counts %d launches, want %d", got, launches)
	}
	if after.HostToDevice != before.HostToDevice || after.DeviceToHost != before.DeviceToHost {
		return fmt.Errorf("the timed launches copied between host and device: %d host-to-device, %d device-to-host copies",
			after.HostToDevice-before.HostToDevice, after.DeviceToHost-before.DeviceToHost)
	}
	return nil
}

// gpuLaunchOverhead times batches of gpuLaunchBatch launches of the empty
// kernel on the smallest grid, each batch followed by an untimed Sync, and
// returns the median time per launch with the number of batches. Only the
// Launch calls are timed: the host's share of a launch.
func gpuLaunchOverhead(dev *dcrt.Device, batches int) (time.Duration, int, error) {
	g := dc.Grid{Groups: dc.Dim3{X: 1, Y: 1, Z: 1}, GroupSize: dc.Dim3{X: 1, Y: 1, Z: 1}}
	// Warm up: the first launch compiles the package's kernels.
	for range 2 * gpuLaunchBatch {
		if err := benchkernels.LaunchEmpty(dev, g); err != nil {
			return 0, 0, err
		}
	}
	if err := dev.Sync(); err != nil {
		return 0, 0, err
	}
	before := dev.Stats()
	per := make([]time.Duration, 0, batches)
	for range batches {
		start := time.Now()
		for range gpuLaunchBatch {
			if err := benchkernels.LaunchEmpty(dev, g); err != nil {
				return 0, 0, err
			}
		}
		per = append(per, time.Since(start)/gpuLaunchBatch)
		if err := dev.Sync(); err != nil {
			return 0, 0, err
		}
	}
	if err := gpuStatsDelta(before, dev.Stats(), batches*gpuLaunchBatch); err != nil {
		return 0, 0, err
	}
	return median(per), batches, nil
}

// gpuBandwidthResult is what gpuBandwidth measured: median times of Saxpy
// and of the copy, and the bandwidths they give.
type gpuBandwidthResult struct {
	pairs               int
	saxpyTime, copyTime time.Duration
	saxpyGBs, copyGBs   float64
	copyName            string
}

// gpuBandwidth times Saxpy (y = a*x + y, reading x and y, writing y) and a
// device-to-device copy of x, both over gpuStreamN float32 elements and
// each followed by a Sync, alternately pairs times after a warm-up. It then
// reads y and the copy back and checks them: y must hold (runs × a) × x.
func gpuBandwidth(dev *dcrt.Device, pairs int) (gpuBandwidthResult, error) {
	const a = 0.5
	xs := make([]float32, gpuStreamN)
	for i := range xs {
		xs[i] = float32(i%13 - 6) // small integers: every sum below is exact
	}
	x, err := dcrt.BufferOf(dev, xs)
	if err != nil {
		return gpuBandwidthResult{}, err
	}
	defer x.Close()
	y, err := dcrt.NewBuffer[float32](dev, gpuStreamN)
	if err != nil {
		return gpuBandwidthResult{}, err
	}
	defer y.Close()
	dst, err := dcrt.NewBuffer[float32](dev, gpuStreamN)
	if err != nil {
		return gpuBandwidthResult{}, err
	}
	defer dst.Close()

	copyName, copyFn := gpuCopyFunc(dev, dst, x)
	runs := 0
	saxpyFn := func() error {
		runs++
		return kernels.LaunchSaxpy(dev, dc.Grid1D(gpuStreamN), a, x, y)
	}
	timed := func(f func() error) (time.Duration, error) {
		start := time.Now()
		if err := f(); err != nil {
			return 0, err
		}
		err := dev.Sync()
		return time.Since(start), err
	}
	for range 3 { // warm up: compiles, uploads x, touches every page
		for _, f := range []func() error{saxpyFn, copyFn} {
			if _, err := timed(f); err != nil {
				return gpuBandwidthResult{}, err
			}
		}
	}
	before := dev.Stats()
	var ts, tc []time.Duration
	for i := range pairs {
		// Alternate which runs first, so that neither always follows the
		// other.
		var s, c time.Duration
		var serr, cerr error
		if i%2 == 0 {
			s, serr = timed(saxpyFn)
			c, cerr = timed(copyFn)
		} else {
			c, cerr = timed(copyFn)
			s, serr = timed(saxpyFn)
		}
		if err := errors.Join(serr, cerr); err != nil {
			return gpuBandwidthResult{}, err
		}
		ts, tc = append(ts, s), append(tc, c)
	}
	after := dev.Stats()
	if after.HostToDevice != before.HostToDevice || after.DeviceToHost != before.DeviceToHost {
		return gpuBandwidthResult{}, fmt.Errorf("the timed runs copied between host and device: %d host-to-device, %d device-to-host copies",
			after.HostToDevice-before.HostToDevice, after.DeviceToHost-before.DeviceToHost)
	}
	if err := gpuCheckStream(y, dst, xs, float32(runs)*a); err != nil {
		return gpuBandwidthResult{}, err
	}
	r := gpuBandwidthResult{pairs: pairs, saxpyTime: median(ts), copyTime: median(tc), copyName: copyName}
	r.saxpyGBs = 3 * 4 * gpuStreamN / r.saxpyTime.Seconds() / 1e9
	r.copyGBs = 2 * 4 * gpuStreamN / r.copyTime.Seconds() / 1e9
	return r, nil
}

// gpuCheckStream reads y and the copy back and checks that y[i] is
// scale*xs[i] and the copy xs[i], exactly, reporting the first mismatch.
func gpuCheckStream(y, copied *dcrt.Buffer[float32], xs []float32, scale float32) error {
	got := make([]float32, len(xs))
	if err := y.Read(got); err != nil {
		return err
	}
	for i, v := range got {
		if want := scale * xs[i]; v != want {
			return fmt.Errorf("Saxpy: y[%d] = %v, want %v", i, v, want)
		}
	}
	if err := copied.Read(got); err != nil {
		return err
	}
	for i, v := range got {
		if v != xs[i] {
			return fmt.Errorf("copy: dst[%d] = %v, want %v", i, v, xs[i])
		}
	}
	return nil
}

// gpuMatMul multiplies two gpuMatMulN × gpuMatMulN matrices runs times after
// a warm-up, each run followed by a Sync, checks sampled elements of the
// product against the host and returns the median time with runs.
func gpuMatMul(dev *dcrt.Device, runs int) (time.Duration, int, error) {
	const n = gpuMatMulN
	// Entries in [-2, 2]: every product sum is an integer below 2^24, exact
	// in float32 whatever the order of the additions.
	as, bs := make([]float32, n*n), make([]float32, n*n)
	for i := range as {
		as[i] = float32(i*7%5 - 2)
		bs[i] = float32(i*3%5 - 2)
	}
	a, err := dcrt.BufferOf(dev, as)
	if err != nil {
		return 0, 0, err
	}
	defer a.Close()
	b, err := dcrt.BufferOf(dev, bs)
	if err != nil {
		return 0, 0, err
	}
	defer b.Close()
	c, err := dcrt.NewBuffer[float32](dev, n*n)
	if err != nil {
		return 0, 0, err
	}
	defer c.Close()
	g := dc.Grid2D(n, n)
	launch := func() (time.Duration, error) {
		start := time.Now()
		if err := kernels.LaunchMatMul(dev, g, a, b, c, n, n, n); err != nil {
			return 0, err
		}
		err := dev.Sync()
		return time.Since(start), err
	}
	if _, err := launch(); err != nil { // warm up: compiles, uploads a and b
		return 0, 0, err
	}
	before := dev.Stats()
	ts := make([]time.Duration, 0, runs)
	for range runs {
		d, err := launch()
		if err != nil {
			return 0, 0, err
		}
		ts = append(ts, d)
	}
	if err := gpuStatsDelta(before, dev.Stats(), runs); err != nil {
		return 0, 0, err
	}
	cs := make([]float32, n*n)
	if err := c.Read(cs); err != nil {
		return 0, 0, err
	}
	// 64 rows and columns spread over the matrix, the last ones included.
	for s := range 64 {
		row, col := (s*997+n-1)%n, (s*613+n-1)%n
		var want float32
		for k := range n {
			want += as[row*n+k] * bs[k*n+col]
		}
		if got := cs[row*n+col]; got != want {
			return 0, 0, fmt.Errorf("c[%d][%d] = %v, want %v", row, col, got, want)
		}
	}
	return median(ts), runs, nil
}

// gpuCopyFunc returns the device-to-device copy of src into dst that the
// gpu section compares Saxpy's bandwidth with, and the name it is printed
// under: runtime.Copy, which the CUDA backend runs as cuMemcpyDtoDAsync.
func gpuCopyFunc(dev *dcrt.Device, dst, src *dcrt.Buffer[float32]) (string, func() error) {
	return "runtime.Copy (cuMemcpyDtoDAsync)", func() error {
		_, err := dcrt.Copy(dst, src)
		return err
	}
}
