package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/runtime"
)

// TestNilAndZeroValues calls every method of a nil and a zero Buffer and
// Device: each returns an error or a zero value, never panics.
func TestNilAndZeroValues(t *testing.T) {
	dev := open(t, "cpu")
	x, _ := runtime.NewBuffer[float32](dev, 1)
	var (
		nilBuf  *runtime.Buffer[float32]
		zeroBuf runtime.Buffer[float32]
		nilDev  *runtime.Device
		zeroDev runtime.Device
	)
	ctx := context.Background()
	k := &runtime.Kernel{Name: "K", Params: []runtime.Param{{Name: "x", Kind: runtime.BufferParam, Size: 4, Written: true}}}
	body := func(*runtime.Call) error { t.Error("a kernel body ran"); return nil }
	for _, tc := range []struct {
		name string
		call func() any
		want any
	}{
		{"nil Buffer Len", func() any { return nilBuf.Len() }, 0},
		{"nil Buffer State", func() any { return nilBuf.State() }, runtime.HostOnly},
		{"nil Buffer Device", func() any { return nilBuf.Device() == nil }, true},
		{"nil Buffer Read", func() any { return errText(nilBuf.Read(nil)) }, "runtime: Read: nil buffer"},
		{"nil Buffer Write", func() any { return errText(nilBuf.Write(nil)) }, "runtime: Write: nil buffer"},
		{"nil Buffer HostSlice", func() any { return nilBuf.HostSlice() == nil }, true},
		{"nil Buffer Close", func() any { return errText(nilBuf.Close()) }, "<nil>"},
		{"nil Buffer as argument", func() any { return errText(dev.Launch(k, dc.Grid1D(1), []runtime.Arg{nilBuf}, body)) }, "runtime: kernel K: argument x: nil buffer"},

		{"zero Buffer Len", func() any { return zeroBuf.Len() }, 0},
		{"zero Buffer State", func() any { return zeroBuf.State() }, runtime.HostOnly},
		{"zero Buffer Device", func() any { return zeroBuf.Device() == nil }, true},
		{"zero Buffer Read", func() any { return errText(zeroBuf.Read(nil)) }, "runtime: Read: buffer was not made by NewBuffer or BufferOf"},
		{"zero Buffer Write", func() any { return errText(zeroBuf.Write(nil)) }, "runtime: Write: buffer was not made by NewBuffer or BufferOf"},
		{"zero Buffer HostSlice", func() any { return zeroBuf.HostSlice() == nil }, true},
		{"zero Buffer Close", func() any { return errText(zeroBuf.Close()) }, "<nil>"},
		{"zero Buffer as argument", func() any { return errText(dev.Launch(k, dc.Grid1D(1), []runtime.Arg{&zeroBuf}, body)) }, "runtime: kernel K: argument x: buffer was not made by NewBuffer or BufferOf"},

		{"nil Device Backend", func() any { return nilDev.Backend() }, ""},
		{"nil Device Info", func() any { return nilDev.Info() }, runtime.DeviceInfo{}},
		{"nil Device String", func() any { return nilDev.String() }, "<no device>"},
		{"nil Device Stats", func() any { return nilDev.Stats() }, runtime.Stats{}},
		{"nil Device Sync", func() any { return errText(nilDev.Sync()) }, "runtime: sync: nil device"},
		{"nil Device SyncContext", func() any { return errText(nilDev.SyncContext(ctx)) }, "runtime: sync: nil device"},
		{"nil Device Launch", func() any { return errText(nilDev.Launch(k, dc.Grid1D(1), []runtime.Arg{x}, body)) }, "runtime: kernel K: nil device"},
		{"nil Device Close", func() any { return errText(nilDev.Close()) }, "<nil>"},
		{"nil Device NewBuffer", func() any { _, err := runtime.NewBuffer[float32](nilDev, 1); return errText(err) }, "runtime: NewBuffer: nil device"},
		{"nil Device BufferOf", func() any { _, err := runtime.BufferOf(nilDev, []float32{1}); return errText(err) }, "runtime: BufferOf: nil device"},

		{"zero Device Backend", func() any { return zeroDev.Backend() }, ""},
		{"zero Device Info", func() any { return zeroDev.Info() }, runtime.DeviceInfo{}},
		{"zero Device String", func() any { return zeroDev.String() }, "<no device>"},
		{"zero Device Stats", func() any { return zeroDev.Stats() }, runtime.Stats{}},
		{"zero Device Sync", func() any { return errText(zeroDev.Sync()) }, "runtime: sync: device was not made by Open"},
		{"zero Device SyncContext", func() any { return errText(zeroDev.SyncContext(ctx)) }, "runtime: sync: device was not made by Open"},
		{"zero Device Launch", func() any { return errText(zeroDev.Launch(k, dc.Grid1D(1), nil, body)) }, "runtime: kernel K: device was not made by Open"},
		{"zero Device Close", func() any { return errText(zeroDev.Close()) }, "<nil>"},
		{"zero Device NewBuffer", func() any { _, err := runtime.NewBuffer[float32](&zeroDev, 1); return errText(err) }, "runtime: NewBuffer: device was not made by Open"},
		{"zero Device BufferOf", func() any { _, err := runtime.BufferOf(&zeroDev, []float32{1}); return errText(err) }, "runtime: BufferOf: device was not made by Open"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if v := recover(); v != nil {
					t.Fatalf("panic: %v", v)
				}
			}()
			if diff := cmp.Diff(tc.want, tc.call()); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNewBufferTooLarge checks that buffers the host cannot hold are
// errors wrapping ErrOutOfMemory, not fatal errors or panics, on the CPU
// backend (whose buffers are host memory).
func TestNewBufferTooLarge(t *testing.T) {
	dev := open(t, "cpu")
	avail, ok := runtime.HostMemory()
	type check struct {
		name string
		err  error
		want string // prefix of the message
		oom  bool
	}
	_, errNeg := runtime.NewBuffer[float32](dev, -1)
	_, errNegOf := runtime.NewBuffer[byte](dev, -1<<40)
	_, errOverflow := runtime.NewBuffer[float64](dev, 1<<61)
	_, errBytes := runtime.NewBuffer[byte](dev, 1<<62)
	checks := []check{
		{"negative", errNeg, "runtime: NewBuffer: negative length -1", false},
		{"very negative", errNegOf, "runtime: NewBuffer: negative length -1099511627776", false},
		{"overflow", errOverflow, "runtime: NewBuffer: out of memory: 2305843009213693952 elements of 8 bytes overflow int64", true},
		{"1<<62 bytes", errBytes, "runtime: NewBuffer: out of memory: 4611686018427387904 bytes requested, more than a Go slice can hold", true},
	}
	if huge := hugeSlice(t); huge != nil {
		_, err := runtime.BufferOf(dev, huge)
		checks = append(checks, check{"BufferOf 1<<62 bytes", err, "runtime: BufferOf: out of memory: 4611686018427387904 bytes requested, more than a Go slice can hold", true})
	}
	if ok {
		// More than the machine can give, but within what a slice holds.
		n := int(min(avail+1<<30, 1<<46) / 4)
		_, err := runtime.NewBuffer[float32](dev, n)
		checks = append(checks, check{"more than available", err, fmt.Sprintf("runtime: NewBuffer: out of memory: %d bytes requested, ", 4*n), true})
		// The example: 30 GiB, where the machine has less.
		if avail < 30<<30 {
			_, err := runtime.NewBuffer[float32](dev, 30<<30/4)
			checks = append(checks, check{"30 GiB", err, "runtime: NewBuffer: out of memory: 32212254720 bytes requested, ", true})
		}
	} else {
		t.Logf("available host memory unknown here: only the size limits are checked")
	}
	for _, c := range checks {
		if c.err == nil || !strings.HasPrefix(c.err.Error(), c.want) {
			t.Errorf("%s: got %v, want the prefix %q", c.name, c.err, c.want)
		}
		if got := errors.Is(c.err, runtime.ErrOutOfMemory); got != c.oom {
			t.Errorf("%s: errors.Is(%v, ErrOutOfMemory) = %v, want %v", c.name, c.err, got, c.oom)
		}
	}
	// The device still works.
	x, err := runtime.NewBuffer[float32](dev, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
}

// spinKernel is a CPU kernel that runs until its release flag is set.
var spinKernel = &runtime.Kernel{
	Name:   "Spin",
	Params: []runtime.Param{{Name: "x", Kind: runtime.BufferParam, Size: 4, Written: true}},
}

// launchSpin launches spinKernel on x: it spins until release is set, then
// writes 7 to every element of x and sets done.
func launchSpin(t *testing.T, dev *runtime.Device, x *runtime.Buffer[float32], release, done *atomic.Bool) {
	t.Helper()
	err := dev.Launch(spinKernel, dc.Grid1D(x.Len()), []runtime.Arg{x}, func(*runtime.Call) error {
		xs := x.HostSlice()
		for !release.Load() {
			time.Sleep(time.Millisecond)
		}
		for i := range xs {
			xs[i] = 7
		}
		done.Store(true)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSyncContextCPU checks SyncContext returns at the deadline while a CPU
// kernel spins, that Sync afterwards waits for it, and that the results
// and errors of the work are still reported.
func TestSyncContextCPU(t *testing.T) {
	dev := open(t, "cpu")
	x, _ := runtime.NewBuffer[float32](dev, 4)
	var release, done atomic.Bool
	defer release.Store(true) // let the kernel end if the test fails early
	launchSpin(t, dev, x, &release, &done)

	const timeout = 100 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	began := time.Now()
	err := dev.SyncContext(ctx)
	took := time.Since(began)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("SyncContext while the kernel spins: %v, want DeadlineExceeded", err)
	}
	if want := "runtime: sync: context deadline exceeded"; errText(err) != want {
		t.Errorf("SyncContext error %q, want %q", errText(err), want)
	}
	if took > timeout+time.Second {
		t.Errorf("SyncContext took %v with a %v timeout", took, timeout)
	}
	if done.Load() {
		t.Fatal("the kernel ended before it was released")
	}
	// The CPU backend stops waiting at the deadline too: the device is
	// free for other calls while the kernel runs.
	statsDone := make(chan struct{})
	go func() {
		dev.Stats()
		close(statsDone)
	}()
	select {
	case <-statsDone:
	case <-time.After(2 * time.Second):
		t.Error("the device stayed busy after SyncContext returned")
	}

	// While a Read holds the device waiting for the kernel, SyncContext
	// still returns at its deadline.
	readDone := make(chan error)
	go func() {
		got := make([]float32, 4)
		err := x.Read(got)
		if err == nil && got[0] != 7 {
			err = fmt.Errorf("Read got %v, want 7s", got)
		}
		readDone <- err
	}()
	time.Sleep(20 * time.Millisecond)
	ctx2, cancel2 := context.WithTimeout(context.Background(), timeout)
	defer cancel2()
	if err := dev.SyncContext(ctx2); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("SyncContext during a Read: %v, want DeadlineExceeded", err)
	}
	// A cancelled context ends SyncContext too.
	ctx3, cancel3 := context.WithCancel(context.Background())
	cancel3()
	if err := dev.SyncContext(ctx3); !errors.Is(err, context.Canceled) {
		t.Errorf("SyncContext with a cancelled context: %v, want Canceled", err)
	}

	release.Store(true)
	if err := <-readDone; err != nil {
		t.Errorf("Read waiting for the kernel: %v", err)
	}
	if err := dev.Sync(); err != nil {
		t.Errorf("Sync after the deadline: %v", err)
	}
	if !done.Load() {
		t.Error("Sync returned before the kernel ended")
	}

	// A kernel that fails after SyncContext gave up is reported by Sync.
	fail := make(chan struct{})
	err = dev.Launch(spinKernel, dc.Grid1D(1), []runtime.Arg{x}, func(*runtime.Call) error {
		<-fail
		panic("late failure")
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx4, cancel4 := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel4()
	if err := dev.SyncContext(ctx4); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("SyncContext: %v, want DeadlineExceeded", err)
	}
	close(fail)
	err = dev.SyncContext(context.Background())
	if want := "runtime: kernel Spin: cpu: late failure"; errText(err) != want {
		t.Errorf("SyncContext after the kernel failed: %q, want %q", errText(err), want)
	}
	var ke *runtime.KernelError
	if !errors.As(err, &ke) || ke.Kernel != "Spin" {
		t.Errorf("errors.As(%v, *KernelError) = %+v", err, ke)
	}
	if err := dev.Sync(); err != nil {
		t.Errorf("Sync after the failure was reported: %v", err)
	}
}

// TestSyncContextFallback checks SyncContext on a backend without
// ContextSyncer (the fake one, whose Sync blocks on a gate): it returns at
// the deadline, and the device stays busy until the backend's Sync
// returns.
func TestSyncContextFallback(t *testing.T) {
	dev := open(t, fakeName)
	x, _ := runtime.BufferOf(dev, []float32{1, 2})
	y, _ := runtime.NewBuffer[float32](dev, 2)
	if err := dev.Launch(scaleKernel, dc.Grid1D(2), []runtime.Arg{runtime.Scalar(float32(3)), x, y}, nil); err != nil {
		t.Fatal(err)
	}
	gate := make(chan struct{})
	fakeSyncGate.Store(&gate)
	defer fakeSyncGate.Store(nil)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	began := time.Now()
	if err := dev.SyncContext(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("SyncContext: %v, want DeadlineExceeded", err)
	}
	if took := time.Since(began); took > time.Second {
		t.Errorf("SyncContext took %v with a 50ms timeout", took)
	}
	close(gate)
	got := make([]float32, 2)
	if err := y.Read(got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]float32{3, 6}, got); diff != "" {
		t.Errorf("Read mismatch (-want +got):\n%s", diff)
	}
	if err := dev.SyncContext(context.Background()); err != nil {
		t.Errorf("SyncContext when idle: %v", err)
	}
}

// TestCPUWaitsForLaunches checks that Read, Write and Close of a buffer on
// the CPU backend, whose launches are asynchronous, wait for launched
// kernels that use the host copy.
func TestCPUWaitsForLaunches(t *testing.T) {
	dev := open(t, "cpu")
	slow := func(x *runtime.Buffer[float32], v float32, done *atomic.Bool) {
		err := dev.Launch(spinKernel, dc.Grid1D(x.Len()), []runtime.Arg{x}, func(*runtime.Call) error {
			xs := x.HostSlice()
			time.Sleep(50 * time.Millisecond)
			for i := range xs {
				xs[i] = v
			}
			done.Store(true)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	x, _ := runtime.NewBuffer[float32](dev, 3)
	var done atomic.Bool
	slow(x, 1, &done)
	got := make([]float32, 3)
	if err := x.Read(got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]float32{1, 1, 1}, got); diff != "" {
		t.Errorf("Read after launch mismatch (-want +got):\n%s", diff)
	}

	done.Store(false)
	slow(x, 2, &done)
	if err := x.Write([]float32{5, 5, 5}); err != nil {
		t.Fatal(err)
	}
	if !done.Load() {
		t.Error("Write returned before the kernel ended")
	}
	if err := x.Read(got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]float32{5, 5, 5}, got); diff != "" {
		t.Errorf("Read after launch and Write mismatch (-want +got):\n%s", diff)
	}

	done.Store(false)
	slow(x, 3, &done)
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if !done.Load() {
		t.Error("Close returned before the kernel ended")
	}

	y, _ := runtime.NewBuffer[float32](dev, 3)
	done.Store(false)
	slow(y, 4, &done)
	if err := dev.Close(); err != nil {
		t.Fatal(err)
	}
	if !done.Load() {
		t.Error("Device.Close returned before the kernel ended")
	}
}

// TestConcurrentOpen opens the CPU from many goroutines at once, for the
// race detector.
func TestConcurrentOpen(t *testing.T) {
	var wg sync.WaitGroup
	errs := make([]error, 64)
	for i := range errs {
		wg.Go(func() {
			dev, err := runtime.Open(runtime.WithBackend("cpu"))
			if err != nil {
				errs[i] = err
				return
			}
			x, err := runtime.BufferOf(dev, []float32{1})
			if err == nil {
				err = dev.Launch(spinKernel, dc.Grid1D(1), []runtime.Arg{x}, func(*runtime.Call) error { x.HostSlice()[0] = 2; return nil })
			}
			errs[i] = errors.Join(err, dev.Sync(), dev.Close())
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: %v", i, err)
		}
	}
}
