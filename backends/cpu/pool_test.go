package cpu_test

import (
	"context"
	"errors"
	"fmt"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/backends/cpu"
	"github.com/dotcompute/dc/runtime"
)

// TestRunAllocs checks Run allocates nothing, run inline or on the pool.
func TestRunAllocs(t *testing.T) {
	withProcs(t, 4)
	for _, g := range []dc.Grid{dc.Grid1D(256), dc.Grid1D(4096 * 256)} {
		var sum atomic.Int64
		body := func(g0, g1 int) { sum.Add(int64(g1 - g0)) }
		if err := cpu.Run("Count", g, body); err != nil { // warm the pool
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(100, func() {
			if err := cpu.Run("Count", g, body); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("Run over %v groups: %v allocations, want 0", g.Groups, allocs)
		}
		// The warm-up, AllocsPerRun's own warm-up and 100 runs.
		if got, want := sum.Load(), int64(102*g.Groups.X); got != want {
			t.Errorf("Run over %v groups: %d groups ran, want %d", g.Groups, got, want)
		}
	}
}

// launchCount launches a kernel over g on dev that adds the number of
// groups it runs to sum.
func launchCount(dev *runtime.Device, g dc.Grid, sum *atomic.Int64) error {
	return dev.Launch(emptyKernel, g, nil, func(*runtime.Call) error {
		return cpu.Run("Count", g, func(g0, g1 int) { sum.Add(int64(g1 - g0)) })
	})
}

// TestLaunchNoGoroutines checks launches start no goroutines once the pool
// has its workers, whether each is waited for or they queue up.
func TestLaunchNoGoroutines(t *testing.T) {
	withProcs(t, 4)
	dev, err := runtime.Open(runtime.WithBackend("cpu"))
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	var sum atomic.Int64
	g := dc.Grid1D(64 * 256)
	if err := syncAfter(dev, launchCount(dev, g, &sum)); err != nil {
		t.Fatal(err)
	}
	before := goruntime.NumGoroutine()
	peak := 0
	for i := range 1000 {
		if err := launchCount(dev, g, &sum); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			if err := dev.Sync(); err != nil {
				t.Fatal(err)
			}
		}
		peak = max(peak, goruntime.NumGoroutine())
	}
	if err := dev.Sync(); err != nil {
		t.Fatal(err)
	}
	if peak > before {
		t.Errorf("%d goroutines during 1000 launches, %d before", peak, before)
	}
	if got, want := sum.Load(), int64(1001*64); got != want {
		t.Errorf("%d groups ran, want %d", got, want)
	}
}

// TestNestedRun checks a Run whose chunks call Run, inside kernels of
// several devices keeping every worker busy, finishes and runs every group.
func TestNestedRun(t *testing.T) {
	withProcs(t, 3)
	const devices, launches = 4, 20
	outer, inner := dc.Grid1D(16*256), dc.Grid1D(32*256)
	var wg sync.WaitGroup
	for d := range devices {
		wg.Go(func() {
			dev, err := runtime.Open(runtime.WithBackend("cpu"))
			if err != nil {
				t.Error(err)
				return
			}
			defer dev.Close()
			var sum atomic.Int64
			for range launches {
				err := dev.Launch(emptyKernel, outer, nil, func(*runtime.Call) error {
					return cpu.Run("Outer", outer, func(g0, g1 int) {
						for range g1 - g0 {
							if err := cpu.Run("Inner", inner, func(h0, h1 int) { sum.Add(int64(h1 - h0)) }); err != nil {
								panic(err)
							}
						}
					})
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
			if err := dev.Sync(); err != nil {
				t.Errorf("device %d: %v", d, err)
			}
			if got, want := sum.Load(), int64(launches*16*32); got != want {
				t.Errorf("device %d: %d inner groups ran, want %d", d, got, want)
			}
		})
	}
	wg.Wait()
}

// TestConcurrentDevices checks devices launched on from several goroutines
// run their kernels in launch order, and a panic on one device is reported
// by that device alone, naming the kernel.
func TestConcurrentDevices(t *testing.T) {
	withProcs(t, 4)
	const devices, launches = 6, 300
	var wg sync.WaitGroup
	for d := range devices {
		wg.Go(func() {
			dev, err := runtime.Open(runtime.WithBackend("cpu"))
			if err != nil {
				t.Error(err)
				return
			}
			defer dev.Close()
			var order []int
			bad := &runtime.Kernel{Name: fmt.Sprint("Bad", d)}
			for i := range launches {
				g := dc.Grid1D(256 << (i % 8)) // 1 to 128 groups
				err := dev.Launch(emptyKernel, g, nil, func(*runtime.Call) error {
					order = append(order, i) // kernels of a device run one at a time
					return cpu.Run("Count", g, func(g0, g1 int) {})
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
			// Device 0 runs a kernel panicking in one chunk of many.
			if d == 0 {
				g := dc.Grid1D(64 * 256)
				err := dev.Launch(bad, g, nil, func(*runtime.Call) error {
					return cpu.Run(bad.Name, g, func(g0, g1 int) {
						if g0 <= 40 && 40 < g1 {
							panic("group 40")
						}
					})
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
			err = dev.Sync()
			if d == 0 {
				var pe *cpu.PanicError
				if want := "runtime: kernel Bad0: cpu: group 40"; errText(err) != want || !errors.As(err, &pe) || pe.Kernel != "Bad0" {
					t.Errorf("device 0: Sync = %v, want %q wrapping a *cpu.PanicError", err, want)
				}
			} else if err != nil {
				t.Errorf("device %d: %v", d, err)
			}
			for i, v := range order {
				if v != i {
					t.Errorf("device %d: kernel %d ran as number %d", d, v, i)
					break
				}
			}
			if len(order) != launches {
				t.Errorf("device %d: %d kernels ran, want %d", d, len(order), launches)
			}
		})
	}
	wg.Wait()
}

// TestSyncContextCancel checks SyncContext returns when its context ends
// while a kernel runs, and the next Sync waits for the kernel.
func TestSyncContextCancel(t *testing.T) {
	dev, err := runtime.Open(runtime.WithBackend("cpu"))
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	release := make(chan struct{})
	var done atomic.Bool
	err = dev.Launch(emptyKernel, dc.Grid1D(1), nil, func(*runtime.Call) error {
		<-release
		done.Store(true)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := dev.SyncContext(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("SyncContext while the kernel waits: %v, want DeadlineExceeded", err)
	}
	close(release)
	if err := dev.Sync(); err != nil || !done.Load() {
		t.Errorf("Sync after release: %v, kernel done %v", err, done.Load())
	}
}

// TestDevicesIndependent checks a device whose kernel blocks does not hold
// up another device's kernels, even with GOMAXPROCS 1.
func TestDevicesIndependent(t *testing.T) {
	withProcs(t, 1)
	a, err := runtime.Open(runtime.WithBackend("cpu"))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := runtime.Open(runtime.WithBackend("cpu"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	release := make(chan struct{})
	err = a.Launch(emptyKernel, dc.Grid1D(1), nil, func(*runtime.Call) error {
		<-release // the kernel on b releases it
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = b.Launch(emptyKernel, dc.Grid1D(1), nil, func(*runtime.Call) error {
		close(release)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.SyncContext(ctx); err != nil {
		t.Errorf("device a: %v", err)
	}
	if err := b.Sync(); err != nil {
		t.Errorf("device b: %v", err)
	}
}

// TestRunWorkersHelp checks a large Run's chunks run on pool workers at
// the same time as on the calling goroutine: the first chunk to start
// waits until another one has.
func TestRunWorkersHelp(t *testing.T) {
	withProcs(t, 2)
	var started atomic.Int32
	deadline := time.Now().Add(10 * time.Second)
	err := cpu.Run("Help", dc.Grid1D(1<<20), func(g0, g1 int) {
		if started.Add(1) > 1 {
			return
		}
		for started.Load() == 1 {
			if time.Now().After(deadline) {
				panic("no other chunk started while the first ran")
			}
			goruntime.Gosched()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}
