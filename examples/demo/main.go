// Demo launches dc's standard kernels on the best backend present (CUDA >
// Metal > OpenCL > CPU, or DC_BACKEND), checks their results against plain
// Go, and prints results and timings: for each kernel the time of the
// whole step split into the module's build (the first launch of a package
// compiles it), the kernel on the device and the transfers, then the
// device's profile. DC_LOG=debug shows how the backend was chosen.
package main

import (
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"time"

	"github.com/dotcompute/dc"
	_ "github.com/dotcompute/dc/backends/cpu"
	_ "github.com/dotcompute/dc/backends/cuda"
	_ "github.com/dotcompute/dc/backends/metal"
	_ "github.com/dotcompute/dc/backends/opencl"
	"github.com/dotcompute/dc/kernels"
	"github.com/dotcompute/dc/runtime"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("demo: ")
	dev, err := runtime.Open(runtime.WithProfiling())
	if err != nil {
		log.Fatal(err)
	}
	defer dev.Close()
	info := dev.Info()
	fmt.Printf("device: %s (backend %s, max group %d, shared %d KiB, float64 %v)\n",
		info.Name, dev.Backend(), info.MaxGroupSize, info.SharedMemoryBytes/1024, info.Float64)
	ok := true
	ok = saxpy(dev) && ok
	ok = reduce(dev) && ok
	ok = matmul(dev) && ok
	fmt.Printf("\nprofile of %s\n", dev.Profile())
	if !ok {
		os.Exit(1)
	}
}

// step is the time of one step of the demo (launches and the Read of the
// result) and how the device's profile splits it.
type step struct {
	total     time.Duration
	build     time.Duration // module builds: compiling, or the kernel cache
	kernel    time.Duration // kernels on the device
	transfers time.Duration // copies between host and device
}

// String formats s as "12.3ms (build 9.1ms, kernel 2.0ms, transfers 1.1ms)".
func (s step) String() string {
	r := func(d time.Duration) time.Duration { return d.Round(time.Microsecond) }
	return fmt.Sprintf("%v (build %v, kernel %v, transfers %v)", r(s.total), r(s.build), r(s.kernel), r(s.transfers))
}

// timed runs f, which launches kernels and reads their results, on dev.
func timed(dev *runtime.Device, name string, f func() error) (step, error) {
	before := dev.Profile()
	start := time.Now()
	err := f()
	s := step{total: time.Since(start)}
	if err != nil {
		return s, fmt.Errorf("%s: %w", name, err)
	}
	after := dev.Profile()
	s.build = after.BuildTime() - before.BuildTime()
	s.kernel = after.KernelTime() - before.KernelTime()
	s.transfers = after.HostToDevice.Time + after.DeviceToHost.Time - before.HostToDevice.Time - before.DeviceToHost.Time
	return s, nil
}

func check(name string, good bool, format string, args ...any) bool {
	status := "ok"
	if !good {
		status = "MISMATCH"
	}
	fmt.Printf("%-8s %-8s "+format+"\n", append([]any{name, status}, args...)...)
	return good
}

func saxpy(dev *runtime.Device) bool {
	const n = 1 << 22
	rng := rand.New(rand.NewPCG(1, 2))
	xs, ys := make([]float32, n), make([]float32, n)
	for i := range xs {
		xs[i], ys[i] = rng.Float32(), rng.Float32()
	}
	x, err := runtime.BufferOf(dev, xs)
	must(err)
	y, err := runtime.BufferOf(dev, ys)
	must(err)
	defer x.Close()
	defer y.Close()
	out := make([]float32, n)
	d, err := timed(dev, "saxpy", func() error {
		if err := kernels.LaunchSaxpy(dev, dc.Grid1D(n), 2, x, y); err != nil {
			return err
		}
		return y.Read(out)
	})
	must(err)
	good := true
	for i := range out {
		if out[i] != 2*xs[i]+ys[i] {
			good = false
			break
		}
	}
	return check("saxpy", good, "n=%d  y[7]=%.5f  %v%s", n, out[7], d, rate(float64(3*4*n)/1e9, "GB/s", d.kernel))
}

func reduce(dev *runtime.Device) bool {
	const n = 1_000_003
	xs := make([]float64, n)
	var want float64
	for i := range xs {
		xs[i] = 1 / float64(i+1)
		want += xs[i]
	}
	g := dc.Grid1D(n)
	in, err := runtime.BufferOf(dev, xs)
	must(err)
	partial, err := runtime.NewBuffer[float64](dev, g.Groups.X)
	must(err)
	defer in.Close()
	defer partial.Close()
	parts := make([]float64, g.Groups.X)
	d, err := timed(dev, "reduce", func() error {
		if err := kernels.LaunchReduceSum(dev, g, in, partial); err != nil {
			return err
		}
		return partial.Read(parts)
	})
	must(err)
	var got float64
	for _, p := range parts {
		got += p
	}
	rel := math.Abs(got-want) / want
	return check("reduce", rel < 1e-12, "n=%d  sum=%.12f (plain Go %.12f, rel err %.1e)  %v", n, got, want, rel, d)
}

func matmul(dev *runtime.Device) bool {
	const m, k, n = 300, 200, 250
	rng := rand.New(rand.NewPCG(3, 4))
	as, bs := make([]float32, m*k), make([]float32, k*n)
	for i := range as {
		as[i] = rng.Float32() - 0.5
	}
	for i := range bs {
		bs[i] = rng.Float32() - 0.5
	}
	a, err := runtime.BufferOf(dev, as)
	must(err)
	b, err := runtime.BufferOf(dev, bs)
	must(err)
	c, err := runtime.NewBuffer[float32](dev, m*n)
	must(err)
	defer a.Close()
	defer b.Close()
	defer c.Close()
	out := make([]float32, m*n)
	d, err := timed(dev, "matmul", func() error {
		if err := kernels.LaunchMatMul(dev, dc.Grid2D(n, m), a, b, c, m, n, k); err != nil {
			return err
		}
		return c.Read(out)
	})
	must(err)
	maxErr := 0.0
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for l := 0; l < k; l++ {
				s += float64(as[i*k+l]) * float64(bs[l*n+j])
			}
			maxErr = max(maxErr, math.Abs(s-float64(out[i*n+j])))
		}
	}
	return check("matmul", maxErr < 1e-4, "%dx%d·%dx%d  max abs err %.1e  %v%s", m, k, k, n, maxErr, d, rate(2*float64(m*n*k)/1e9, "GFLOP/s", d.kernel))
}

// rate formats amount per second of the kernel's time, ", 5.2 GB/s of
// kernel time", or "" when the kernel was not timed.
func rate(amount float64, unit string, kernel time.Duration) string {
	if kernel <= 0 {
		return ""
	}
	return fmt.Sprintf(", %.2f %s of kernel time", amount/kernel.Seconds(), unit)
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
