package runtime_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dotcompute/dc"
	_ "github.com/dotcompute/dc/backends/cpu"
	"github.com/dotcompute/dc/runtime"
)

func open(t *testing.T, name string) *runtime.Device {
	t.Helper()
	dev, err := runtime.Open(runtime.WithBackend(name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := dev.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return dev
}

func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func TestBackends(t *testing.T) {
	got := runtime.Backends()
	want := []string{"cpu", "entry-test", failName, mslName, noCopyName, fakeName, "opencl"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Backends() mismatch (-want +got):\n%s", diff)
	}
}

func TestOpenByPriority(t *testing.T) {
	t.Setenv(runtime.EnvBackend, "")
	// fail-test has the highest priority but cannot open: fake-test is next.
	dev, err := runtime.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	if got := dev.Backend(); got != fakeName {
		t.Errorf("Backend() = %q, want %q", got, fakeName)
	}
	info := dev.Info()
	want := fakeInfo
	want.Backend = fakeName
	if diff := cmp.Diff(want, info); diff != "" {
		t.Errorf("Info() mismatch (-want +got):\n%s", diff)
	}
}

func TestOpenEnv(t *testing.T) {
	t.Setenv(runtime.EnvBackend, "cpu")
	dev, err := runtime.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	if got := dev.Backend(); got != "cpu" {
		t.Errorf("with DC_BACKEND=cpu: Backend() = %q, want cpu", got)
	}

	// WithBackend wins over the environment.
	dev2, err := runtime.Open(runtime.WithBackend(fakeName))
	if err != nil {
		t.Fatal(err)
	}
	defer dev2.Close()
	if got := dev2.Backend(); got != fakeName {
		t.Errorf("WithBackend(%q): Backend() = %q", fakeName, got)
	}

	t.Setenv(runtime.EnvBackend, "nosuch")
	_, err = runtime.Open()
	want := `runtime: unknown backend "nosuch" (registered: cpu, entry-test, fail-test, fake-msl-test, fake-nocopy-test, fake-test, opencl)`
	if diff := cmp.Diff(want, errText(err)); diff != "" {
		t.Errorf("DC_BACKEND=nosuch: error mismatch (-want +got):\n%s", diff)
	}
}

func TestOpenErrors(t *testing.T) {
	_, err := runtime.Open(runtime.WithBackend("cuda-nope"))
	want := `runtime: unknown backend "cuda-nope" (registered: cpu, entry-test, fail-test, fake-msl-test, fake-nocopy-test, fake-test, opencl)`
	if diff := cmp.Diff(want, errText(err)); diff != "" {
		t.Errorf("unknown backend: error mismatch (-want +got):\n%s", diff)
	}

	// A forced backend that fails is an error, not a fallback.
	_, err = runtime.Open(runtime.WithBackend(failName))
	want = "runtime: open backend fail-test: fail-test: libfake.so: not found"
	if diff := cmp.Diff(want, errText(err)); diff != "" {
		t.Errorf("failing backend: error mismatch (-want +got):\n%s", diff)
	}
	if !errors.Is(err, errFakeMissing) {
		t.Errorf("errors.Is(%v, errFakeMissing) = false", err)
	}
}

func TestRegisterPanics(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    runtime.Driver
		want string
	}{
		{"cpu", fakeDriver{}, "runtime: Register called twice for backend cpu"},
		{"nil-test", nil, "runtime: Register driver is nil"},
	} {
		func() {
			defer func() {
				got, _ := recover().(string)
				if got != tc.want {
					t.Errorf("Register(%q): panic %q, want %q", tc.name, got, tc.want)
				}
			}()
			runtime.Register(tc.name, 0, tc.d)
		}()
	}
	if slices.Contains(runtime.Backends(), "nil-test") {
		t.Errorf("nil driver was registered")
	}
}

type particle struct {
	Pos  [3]float32
	Mass float64
	ID   int32
	Live bool
}

// TestBufferRoundTrip checks NewBuffer, BufferOf, Write and Read on the CPU
// and on a device with separate memory, for a struct element type too.
func TestBufferRoundTrip(t *testing.T) {
	for _, name := range []string{"cpu", fakeName} {
		t.Run(name, func(t *testing.T) {
			dev := open(t, name)
			ps := []particle{
				{Pos: [3]float32{1, 2, 3}, Mass: 1.5, ID: 7, Live: true},
				{Pos: [3]float32{-1, 0, 0.25}, Mass: 1e300, ID: -3},
			}
			b, err := runtime.BufferOf(dev, ps)
			if err != nil {
				t.Fatal(err)
			}
			ps[0].ID = 99 // BufferOf copied
			got := make([]particle, 2)
			if err := b.Read(got); err != nil {
				t.Fatal(err)
			}
			want := []particle{
				{Pos: [3]float32{1, 2, 3}, Mass: 1.5, ID: 7, Live: true},
				{Pos: [3]float32{-1, 0, 0.25}, Mass: 1e300, ID: -3},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("BufferOf then Read mismatch (-want +got):\n%s", diff)
			}

			z, err := runtime.NewBuffer[particle](dev, 3)
			if err != nil {
				t.Fatal(err)
			}
			if z.Len() != 3 || z.Device() != dev {
				t.Errorf("Len() = %d, Device() = %p; want 3, %p", z.Len(), z.Device(), dev)
			}
			got = []particle{{ID: 1}, {ID: 2}, {ID: 3}}
			if err := z.Read(got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(make([]particle, 3), got); diff != "" {
				t.Errorf("NewBuffer not zeroed (-want +got):\n%s", diff)
			}
			w := []particle{{ID: 10}, {Mass: 2}, {Live: true}}
			if err := z.Write(w); err != nil {
				t.Fatal(err)
			}
			w[0].ID = 0
			if err := z.Read(got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]particle{{ID: 10}, {Mass: 2}, {Live: true}}, got); diff != "" {
				t.Errorf("Write then Read mismatch (-want +got):\n%s", diff)
			}

			e, err := runtime.NewBuffer[float32](dev, 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := e.Read(nil); err != nil {
				t.Errorf("Read of empty buffer: %v", err)
			}
		})
	}
}

func TestBufferErrors(t *testing.T) {
	dev := open(t, "cpu")
	b, err := runtime.NewBuffer[int32](dev, 4)
	if err != nil {
		t.Fatal(err)
	}
	_, errPtr := runtime.NewBuffer[*int](dev, 4)
	_, errStruct := runtime.BufferOf(dev, []struct {
		A int
		S []int
	}{{}})
	_, errNeg := runtime.NewBuffer[float32](dev, -1)
	_, errDev := runtime.NewBuffer[float32](nil, 1)
	var nilBuf *runtime.Buffer[int32]
	got := []string{
		errText(b.Read(make([]int32, 3))),
		errText(b.Write(make([]int32, 5))),
		errText(errPtr),
		errText(errStruct),
		errText(errNeg),
		errText(errDev),
		errText(nilBuf.Read(nil)),
	}
	want := []string{
		"runtime: Read: destination has 3 elements, buffer has 4",
		"runtime: Write: source has 5 elements, buffer has 4",
		"runtime: NewBuffer: element type *int cannot live in device memory: it holds a ptr",
		"runtime: BufferOf: element type struct { A int; S []int } cannot live in device memory: it holds a slice",
		"runtime: NewBuffer: negative length -1",
		"runtime: NewBuffer: nil device",
		"runtime: Read: nil buffer",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors mismatch (-want +got):\n%s", diff)
	}

	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	err = b.Read(make([]int32, 4))
	if diff := cmp.Diff("runtime: Read: buffer is closed", errText(err)); diff != "" {
		t.Errorf("Read after Close mismatch (-want +got):\n%s", diff)
	}
	if !errors.Is(err, runtime.ErrBufferClosed) {
		t.Errorf("errors.Is(%v, ErrBufferClosed) = false", err)
	}
	if b.HostSlice() != nil {
		t.Errorf("HostSlice after Close is not nil")
	}
}

// states returns the states of bufs.
func states(bufs ...*runtime.Buffer[float32]) []string {
	var s []string
	for _, b := range bufs {
		s = append(s, b.State().String())
	}
	return s
}

// TestLazyTransfers walks buffers through every state on a device with
// separate memory and checks each transfer happens exactly when needed.
func TestLazyTransfers(t *testing.T) {
	dev := open(t, fakeName)
	const n = 4
	g := dc.Grid1D(n)
	x, err := runtime.BufferOf(dev, []float32{1, 2, 3, 4})
	if err != nil {
		t.Fatal(err)
	}
	y, err := runtime.NewBuffer[float32](dev, n)
	if err != nil {
		t.Fatal(err)
	}
	type step struct {
		States []string
		Stats  runtime.Stats
	}
	var got []step
	check := func() {
		got = append(got, step{states(x, y), dev.Stats()})
	}
	scale := func(a float32) {
		t.Helper()
		if err := dev.Launch(scaleKernel, g, []runtime.Arg{runtime.Scalar(a), x, y}, nil); err != nil {
			t.Fatal(err)
		}
	}
	read := func(b *runtime.Buffer[float32], want ...float32) {
		t.Helper()
		vals := make([]float32, n)
		if err := b.Read(vals); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, vals); diff != "" {
			t.Errorf("Read mismatch (-want +got):\n%s", diff)
		}
	}

	check()  // 0: x host-only, y device-only (allocated)
	scale(2) // x copied to the device; y written there
	check()  // 1
	scale(3) // nothing to copy
	check()  // 2
	read(y, 3, 6, 9, 12)
	check() // 3: y copied back once
	read(y, 3, 6, 9, 12)
	read(x, 1, 2, 3, 4)
	check() // 4: no copies
	if err := x.Write([]float32{1, 1, 1, 1}); err != nil {
		t.Fatal(err)
	}
	check()  // 5: x host-dirty
	scale(5) // x copied again; y synchronized -> device-dirty
	check()  // 6
	if err := dev.Launch(addKernel, g, []runtime.Arg{x, y}, nil); err != nil {
		t.Fatal(err)
	}
	read(y, 6, 6, 6, 6)
	check() // 7
	if err := y.Write([]float32{0, 1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	scale(1)
	if err := y.Write([]float32{7, 7, 7, 7}); err != nil { // device-dirty -> host-dirty
		t.Fatal(err)
	}
	check() // 8
	read(y, 7, 7, 7, 7)
	check() // 9: Read of a host-dirty buffer copies nothing

	st := func(launches, h2d, d2h, allocs int64) runtime.Stats {
		return runtime.Stats{Launches: launches, HostToDevice: h2d, DeviceToHost: d2h,
			BytesHostToDevice: 16 * h2d, BytesDeviceToHost: 16 * d2h, Allocs: allocs}
	}
	want := []step{
		{[]string{"host-only", "device-only"}, st(0, 0, 0, 1)},
		{[]string{"synchronized", "device-only"}, st(1, 1, 0, 2)},
		{[]string{"synchronized", "device-only"}, st(2, 1, 0, 2)},
		{[]string{"synchronized", "synchronized"}, st(2, 1, 1, 2)},
		{[]string{"synchronized", "synchronized"}, st(2, 1, 1, 2)},
		{[]string{"host-dirty", "synchronized"}, st(2, 1, 1, 2)},
		{[]string{"synchronized", "device-dirty"}, st(3, 2, 1, 2)},
		{[]string{"synchronized", "synchronized"}, st(4, 2, 2, 2)},
		{[]string{"synchronized", "host-dirty"}, st(5, 3, 2, 2)},
		{[]string{"synchronized", "host-dirty"}, st(5, 3, 2, 2)},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("states and stats mismatch (-want +got):\n%s", diff)
	}
}

// TestCPUNoTransfers checks buffers on a host-memory device stay host-only
// and are never copied.
func TestCPUNoTransfers(t *testing.T) {
	dev := open(t, "cpu")
	x, err := runtime.BufferOf(dev, []float32{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	k := &runtime.Kernel{Name: "Double", Params: []runtime.Param{{Name: "x", Kind: runtime.BufferParam, Size: 4, Written: true}}}
	body := func(*runtime.Call) error {
		xs := x.HostSlice()
		for i := range xs {
			xs[i] *= 2
		}
		return nil
	}
	for range 2 {
		if err := dev.Launch(k, dc.Grid1D(2), []runtime.Arg{x}, body); err != nil {
			t.Fatal(err)
		}
	}
	got := make([]float32, 2)
	if err := x.Read(got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]float32{4, 8}, got); diff != "" {
		t.Errorf("Read mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"host-only"}, states(x)); diff != "" {
		t.Errorf("states mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(runtime.Stats{Launches: 2}, dev.Stats()); diff != "" {
		t.Errorf("Stats mismatch (-want +got):\n%s", diff)
	}
}

// TestSyncErrors checks an asynchronous failure surfaces at Read and Sync.
func TestSyncErrors(t *testing.T) {
	dev := open(t, fakeName)
	x, _ := runtime.BufferOf(dev, []float32{1})
	y, _ := runtime.NewBuffer[float32](dev, 1)
	if err := dev.Launch(scaleKernel, dc.Grid1D(1), []runtime.Arg{runtime.Scalar(float32(2)), x, y}, nil); err != nil {
		t.Fatal(err)
	}
	if err := dev.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := dev.Sync(); err != nil {
		t.Fatalf("second Sync: %v", err)
	}
	err := dev.Launch(&runtime.Kernel{Name: "Missing"}, dc.Grid1D(1), nil, nil)
	if diff := cmp.Diff("runtime: kernel Missing: fake: no kernel Missing", errText(err)); diff != "" {
		t.Errorf("backend error mismatch (-want +got):\n%s", diff)
	}
	var ke *runtime.KernelError
	if !errors.As(err, &ke) || ke.Kernel != "Missing" || ke.Arg != "" {
		t.Errorf("errors.As(%v, *KernelError) = %+v", err, ke)
	}
}

// TestClose checks closing twice, use after Close, and that Close frees
// device memory.
func TestClose(t *testing.T) {
	dev, err := runtime.Open(runtime.WithBackend(fakeName))
	if err != nil {
		t.Fatal(err)
	}
	x, _ := runtime.BufferOf(dev, []float32{1, 2})
	y, _ := runtime.NewBuffer[float32](dev, 2)
	if err := dev.Launch(scaleKernel, dc.Grid1D(2), []runtime.Arg{runtime.Scalar(float32(2)), x, y}, nil); err != nil {
		t.Fatal(err)
	}
	// The fake backend's Close fails with live memory, and Free fails
	// while kernels are pending: Close syncs and frees everything.
	if err := dev.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := dev.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	_, errNew := runtime.NewBuffer[float32](dev, 1)
	got := []string{
		errText(dev.Sync()),
		errText(errNew),
		errText(y.Read(make([]float32, 2))),
		errText(x.Write(make([]float32, 2))),
		errText(y.Close()),
		errText(dev.Launch(addKernel, dc.Grid1D(2), []runtime.Arg{x, y}, nil)),
	}
	want := []string{
		"runtime: sync: device is closed",
		"runtime: NewBuffer: device is closed",
		"runtime: Read: device is closed",
		"runtime: Write: device is closed",
		"<nil>",
		"runtime: kernel Add: device is closed",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("use after Close mismatch (-want +got):\n%s", diff)
	}
	if got := dev.Info().Name; got != "fake device" {
		t.Errorf("Info().Name after Close = %q", got)
	}
}

// TestConcurrentUse launches, writes and reads from several goroutines, for
// the race detector.
func TestConcurrentUse(t *testing.T) {
	for _, name := range []string{"cpu", fakeName} {
		t.Run(name, func(t *testing.T) {
			dev := open(t, name)
			k := addKernel
			done := make(chan error)
			for w := range 4 {
				go func() {
					x, err := runtime.BufferOf(dev, []float32{1, 1, 1})
					if err != nil {
						done <- err
						return
					}
					y, err := runtime.NewBuffer[float32](dev, 3)
					if err != nil {
						done <- err
						return
					}
					cpuBody := func(*runtime.Call) error {
						xs, ys := x.HostSlice(), y.HostSlice()
						for i := range ys {
							ys[i] += xs[i]
						}
						return nil
					}
					for range 10 + w {
						if err := dev.Launch(k, dc.Grid1D(3), []runtime.Arg{x, y}, cpuBody); err != nil {
							done <- err
							return
						}
					}
					got := make([]float32, 3)
					if err := y.Read(got); err != nil {
						done <- err
						return
					}
					if want := float32(10 + w); got[0] != want || got[2] != want {
						done <- fmt.Errorf("worker %d: got %v, want %v", w, got, want)
						return
					}
					done <- errors.Join(x.Close(), y.Close())
				}()
			}
			for range 4 {
				if err := <-done; err != nil {
					t.Error(err)
				}
			}
			if got, want := dev.Stats().Launches, int64(10+11+12+13); got != want {
				t.Errorf("Stats().Launches = %d, want %d", got, want)
			}
		})
	}
}
