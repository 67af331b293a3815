package cpu_test

import (
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/backends/cpu"
	"github.com/dotcompute/dc/kernels"
	"github.com/dotcompute/dc/runtime"
)

// emptyKernel is a kernel with no parameters whose CPU body does nothing
// with its groups: what a launch costs the runtime and the backend.
var emptyKernel = &runtime.Kernel{Name: "Empty"}

// emptyBody is the Run body of emptyKernel.
func emptyBody(g0, g1 int) {}

// benchmarkLaunch launches emptyKernel over g and waits for it, b.N times.
func benchmarkLaunch(b *testing.B, g dc.Grid) {
	dev, err := runtime.Open(runtime.WithBackend("cpu"))
	if err != nil {
		b.Fatal(err)
	}
	defer dev.Close()
	body := func(*runtime.Call) error { return cpu.Run("Empty", g, emptyBody) }
	b.ReportAllocs()
	for b.Loop() {
		if err := dev.Launch(emptyKernel, g, nil, body); err != nil {
			b.Fatal(err)
		}
		if err := dev.Sync(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLaunchEmpty1Group is the overhead of launching and waiting for a
// kernel of one group of 256 threads.
func BenchmarkLaunchEmpty1Group(b *testing.B) { benchmarkLaunch(b, dc.Grid1D(256)) }

// BenchmarkLaunchEmpty4096Groups is the overhead of launching and waiting
// for a kernel of 4096 groups of 256 threads.
func BenchmarkLaunchEmpty4096Groups(b *testing.B) { benchmarkLaunch(b, dc.Grid1D(4096*256)) }

// BenchmarkRunEmpty1Group is Run alone over one group.
func BenchmarkRunEmpty1Group(b *testing.B) { benchmarkRun(b, dc.Grid1D(256)) }

// BenchmarkRunEmpty4096Groups is Run alone over 4096 groups.
func BenchmarkRunEmpty4096Groups(b *testing.B) { benchmarkRun(b, dc.Grid1D(4096*256)) }

func benchmarkRun(b *testing.B, g dc.Grid) {
	b.ReportAllocs()
	for b.Loop() {
		if err := cpu.Run("Empty", g, emptyBody); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLaunchSaxpy is a launch through a generated launcher, 4096
// elements (16 groups of 256, run on the calling worker), and a Sync: its
// allocations are those of the whole launch path, the runtime's and the
// generated code's included.
func BenchmarkLaunchSaxpy(b *testing.B) { benchmarkSaxpy(b, 4096) }

// BenchmarkLaunchSaxpy1M is Saxpy over 1<<20 elements, 4096 groups shared
// by the workers.
func BenchmarkLaunchSaxpy1M(b *testing.B) { benchmarkSaxpy(b, 1<<20) }

func benchmarkSaxpy(b *testing.B, n int) {
	dev, err := runtime.Open(runtime.WithBackend("cpu"))
	if err != nil {
		b.Fatal(err)
	}
	defer dev.Close()
	x, err := runtime.NewBuffer[float32](dev, n)
	if err != nil {
		b.Fatal(err)
	}
	y, err := runtime.NewBuffer[float32](dev, n)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := kernels.LaunchSaxpy(dev, dc.Grid1D(n), 2, x, y); err != nil {
			b.Fatal(err)
		}
		if err := dev.Sync(); err != nil {
			b.Fatal(err)
		}
	}
}
