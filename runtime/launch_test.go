package runtime_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/runtime"
)

var saxpyKernel = &runtime.Kernel{
	Name: "Saxpy",
	Params: []runtime.Param{
		{Name: "a", Kind: runtime.ScalarParam, Size: 4},
		{Name: "x", Kind: runtime.BufferParam, Size: 4},
		{Name: "y", Kind: runtime.BufferParam, Size: 4, Written: true},
	},
}

// TestLaunchValidation checks every launch error found before anything
// runs: each is a *KernelError with the exact text, and the kernel body
// never runs.
func TestLaunchValidation(t *testing.T) {
	dev := open(t, "cpu")
	other := open(t, "cpu")
	x, _ := runtime.NewBuffer[float32](dev, 8)
	y, _ := runtime.NewBuffer[float32](dev, 8)
	closed, _ := runtime.NewBuffer[float32](dev, 8)
	closed.Close()
	foreign, _ := runtime.NewBuffer[float32](other, 8)
	wide, _ := runtime.NewBuffer[float64](dev, 8)
	a := runtime.Scalar(float32(2))
	g := dc.Grid1D(8)
	grid := func(groups, size dc.Dim3) dc.Grid { return dc.Grid{Groups: groups, GroupSize: size} }
	shared := *saxpyKernel
	shared.SharedBytes = 65537
	negShared := *saxpyKernel
	negShared.SharedBytes = -1
	badKind := *saxpyKernel
	badKind.Params = []runtime.Param{{Name: "q", Size: 4}}

	ran := 0
	body := func(*runtime.Call) error { ran++; return nil }
	for _, tc := range []struct {
		name string
		k    *runtime.Kernel
		g    dc.Grid
		args []runtime.Arg
		want string
		arg  string // KernelError.Arg
		is   error
	}{
		{"nil buffer", saxpyKernel, g, []runtime.Arg{a, (*runtime.Buffer[float32])(nil), y},
			"runtime: kernel Saxpy: argument x: nil buffer", "x", nil},
		{"nil arg", saxpyKernel, g, []runtime.Arg{a, x, nil},
			"runtime: kernel Saxpy: argument y: missing (nil Arg)", "y", nil},
		{"closed buffer", saxpyKernel, g, []runtime.Arg{a, closed, y},
			"runtime: kernel Saxpy: argument x: buffer is closed", "x", runtime.ErrBufferClosed},
		{"other device", saxpyKernel, g, []runtime.Arg{a, x, foreign},
			"runtime: kernel Saxpy: argument y: buffer belongs to another device", "y", runtime.ErrOtherDevice},
		{"too few args", saxpyKernel, g, []runtime.Arg{a, x},
			"runtime: kernel Saxpy: got 2 arguments, want 3", "", nil},
		{"too many args", saxpyKernel, g, []runtime.Arg{a, x, y, y},
			"runtime: kernel Saxpy: got 4 arguments, want 3", "", nil},
		{"scalar for buffer", saxpyKernel, g, []runtime.Arg{a, a, y},
			"runtime: kernel Saxpy: argument x: got a scalar, want a buffer", "x", nil},
		{"buffer for scalar", saxpyKernel, g, []runtime.Arg{x, x, y},
			"runtime: kernel Saxpy: argument a: got a buffer, want a scalar", "a", nil},
		{"scalar size", saxpyKernel, g, []runtime.Arg{runtime.Scalar(2.0), x, y},
			"runtime: kernel Saxpy: argument a: scalar has 8 bytes, want 4", "a", nil},
		{"scalar with pointers", saxpyKernel, g, []runtime.Arg{runtime.Scalar("ab"), x, y},
			"runtime: kernel Saxpy: argument a: scalar of type string cannot live in device memory: it holds a string", "a", nil},
		{"element size", saxpyKernel, g, []runtime.Arg{a, wide, y},
			"runtime: kernel Saxpy: argument x: buffer elements have 8 bytes, want 4", "x", nil},
		{"invalid kind", &badKind, g, []runtime.Arg{a},
			"runtime: kernel Saxpy: argument q: parameter has invalid kind ParamKind(0)", "q", nil},
		{"zero groups", saxpyKernel, grid(dc.Dim3{X: 1, Y: 0, Z: 1}, dc.Dim3{X: 1, Y: 1, Z: 1}), []runtime.Arg{a, x, y},
			"runtime: kernel Saxpy: grid has 0 groups in Y", "", nil},
		{"empty Grid1D", saxpyKernel, dc.Grid1D(0), []runtime.Arg{a, x, y},
			"runtime: kernel Saxpy: grid has 0 groups in X", "", nil},
		{"zero group size", saxpyKernel, grid(dc.Dim3{X: 1, Y: 1, Z: 1}, dc.Dim3{X: 4, Y: 1, Z: 0}), []runtime.Arg{a, x, y},
			"runtime: kernel Saxpy: grid has group size 0 in Z", "", nil},
		{"negative groups", saxpyKernel, grid(dc.Dim3{X: -2, Y: 1, Z: 1}, dc.Dim3{X: 1, Y: 1, Z: 1}), []runtime.Arg{a, x, y},
			"runtime: kernel Saxpy: grid has -2 groups in X", "", nil},
		{"group too big", saxpyKernel, grid(dc.Dim3{X: 1, Y: 1, Z: 1}, dc.Dim3{X: 32, Y: 32, Z: 2}), []runtime.Arg{a, x, y},
			"runtime: kernel Saxpy: grid group size 32x32x2 has 2048 threads, the device allows at most 1024", "", nil},
		{"group dim too big", saxpyKernel, grid(dc.Dim3{X: 1, Y: 1, Z: 1}, dc.Dim3{X: 1, Y: 1, Z: 128}), []runtime.Arg{a, x, y},
			"runtime: kernel Saxpy: grid group size 1x1x128 has 128 in Z, the device allows at most 64", "", nil},
		{"group X too big", saxpyKernel, grid(dc.Dim3{X: 1, Y: 1, Z: 1}, dc.Dim3{X: 2048, Y: 1, Z: 1}), []runtime.Arg{a, x, y},
			"runtime: kernel Saxpy: grid group size 2048x1x1 has 2048 in X, the device allows at most 1024", "", nil},
		{"too much shared memory", &shared, g, []runtime.Arg{a, x, y},
			"runtime: kernel Saxpy: needs 65537 bytes of shared memory, the device has 65536", "", nil},
		{"negative shared memory", &negShared, g, []runtime.Arg{a, x, y},
			"runtime: kernel Saxpy: negative shared memory size -1", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := dev.Launch(tc.k, tc.g, tc.args, body)
			if diff := cmp.Diff(tc.want, errText(err)); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s", diff)
			}
			var ke *runtime.KernelError
			if !errors.As(err, &ke) {
				t.Fatalf("error %v is not a *KernelError", err)
			}
			if ke.Kernel != tc.k.Name || ke.Arg != tc.arg {
				t.Errorf("KernelError{Kernel: %q, Arg: %q}, want {%q, %q}", ke.Kernel, ke.Arg, tc.k.Name, tc.arg)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.is)
			}
		})
	}
	if ran != 0 {
		t.Errorf("kernel body ran %d times after failed validation", ran)
	}
	if got := dev.Stats().Launches; got != 0 {
		t.Errorf("Stats().Launches = %d after failed validation, want 0", got)
	}

	// The valid launch runs (asynchronously: Sync waits for it).
	if err := dev.Launch(saxpyKernel, g, []runtime.Arg{a, x, y}, body); err != nil {
		t.Errorf("valid launch: %v", err)
	}
	if err := dev.Sync(); err != nil || ran != 1 {
		t.Errorf("valid launch: Sync: %v, body ran %d times", err, ran)
	}

	err := dev.Launch(nil, g, nil, body)
	if diff := cmp.Diff("runtime: Launch: nil kernel", errText(err)); diff != "" {
		t.Errorf("nil kernel mismatch (-want +got):\n%s", diff)
	}
	err = dev.Launch(saxpyKernel, g, []runtime.Arg{a, x, y}, nil)
	if diff := cmp.Diff("runtime: kernel Saxpy: cpu: kernel has no CPU body", errText(err)); diff != "" {
		t.Errorf("no CPU body mismatch (-want +got):\n%s", diff)
	}
}

// TestLaunchDeviceLimits checks limits a device reports beyond the CPU's:
// MaxGroups and its own MaxGroupSize.
func TestLaunchDeviceLimits(t *testing.T) {
	dev := open(t, fakeName)
	x, _ := runtime.NewBuffer[float32](dev, 8)
	y, _ := runtime.NewBuffer[float32](dev, 8)
	args := []runtime.Arg{runtime.Scalar(float32(1)), x, y}
	var got []string
	for _, g := range []dc.Grid{
		{Groups: dc.Dim3{X: 1, Y: 101, Z: 1}, GroupSize: dc.Dim3{X: 1, Y: 1, Z: 1}},
		{Groups: dc.Dim3{X: 1, Y: 1, Z: 1}, GroupSize: dc.Dim3{X: 16, Y: 16, Z: 2}},
		{Groups: dc.Dim3{X: 1 << 20, Y: 100, Z: 100}, GroupSize: dc.Dim3{X: 256, Y: 1, Z: 1}},
	} {
		got = append(got, errText(dev.Launch(scaleKernel, g, args, nil)))
	}
	want := []string{
		"runtime: kernel Scale: grid groups 1x101x1 has 101 in Y, the device allows at most 100",
		"runtime: kernel Scale: grid group size 16x16x2 has 512 threads, the device allows at most 256",
		"<nil>",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// TestLaunchNotOnMetal checks that a kernel Metal cannot run is refused,
// before anything runs, on a device that runs MSL, saying why, and runs
// on a device that does not.
func TestLaunchNotOnMetal(t *testing.T) {
	k := *scaleKernel
	k.NotOnMetal = "Metal has no float64 (k.go:3:9)"
	for _, name := range []string{mslName, fakeName} {
		dev := open(t, name)
		x, _ := runtime.NewBuffer[float32](dev, 8)
		y, _ := runtime.NewBuffer[float32](dev, 8)
		err := dev.Launch(&k, dc.Grid1D(8), []runtime.Arg{runtime.Scalar(float32(1)), x, y}, nil)
		if name == fakeName {
			if errors.Is(err, runtime.ErrNotOnMetal) {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if !errors.Is(err, runtime.ErrNotOnMetal) {
			t.Errorf("%s: got %v, want ErrNotOnMetal", name, err)
		}
		want := "runtime: kernel Scale: kernel cannot run on Metal: Metal has no float64 (k.go:3:9)"
		if got := errText(err); got != want {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
		if got := dev.Stats().Launches; got != 0 {
			t.Errorf("%s: %d launches, want 0", name, got)
		}
	}
}

// TestLaunchFloat64 checks that a float64 kernel is refused, before
// anything runs, on a device without float64, and that a float32 kernel of
// the same module still launches.
func TestLaunchFloat64(t *testing.T) {
	dev := open(t, fakeName)
	x, _ := runtime.NewBuffer[float32](dev, 8)
	y, _ := runtime.NewBuffer[float32](dev, 8)
	args := []runtime.Arg{runtime.Scalar(float32(1)), x, y}
	k64 := *scaleKernel
	k64.Float64 = true
	err := dev.Launch(&k64, dc.Grid1D(8), args, nil)
	if !errors.Is(err, runtime.ErrNoFloat64) {
		t.Errorf("float64 kernel: got %v, want ErrNoFloat64", err)
	}
	want := "runtime: kernel Scale: device does not support float64: the kernel uses float64 and fake device has none"
	if got := errText(err); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := dev.Stats().Launches; got != 0 {
		t.Errorf("refused launch counted: %d launches", got)
	}
	if err := dev.Launch(scaleKernel, dc.Grid1D(8), args, nil); err != nil {
		t.Errorf("float32 kernel: %v", err)
	}
}

// TestNilDeviceAndZeroBuffer checks that a nil *Device and a zero Buffer
// (not made by NewBuffer or BufferOf) give errors, not nil-pointer panics.
func TestNilDeviceAndZeroBuffer(t *testing.T) {
	dev := open(t, "cpu")
	x, _ := runtime.NewBuffer[float32](dev, 8)
	var nilDev *runtime.Device
	var zero runtime.Buffer[float32]
	ran := false
	body := func(*runtime.Call) error { ran = true; return nil }
	errLaunch := nilDev.Launch(saxpyKernel, dc.Grid1D(8), []runtime.Arg{runtime.Scalar(float32(2)), x, x}, body)
	got := []string{
		errText(errLaunch),
		errText(nilDev.Sync()),
		errText(nilDev.Close()),
		errText(dev.Launch(saxpyKernel, dc.Grid1D(8), []runtime.Arg{runtime.Scalar(float32(2)), &zero, x}, body)),
		errText(zero.Read(nil)),
		errText(zero.Write(nil)),
		errText(zero.Close()),
		fmt.Sprint(zero.HostSlice() == nil),
	}
	want := []string{
		"runtime: kernel Saxpy: nil device",
		"runtime: sync: nil device",
		"<nil>",
		"runtime: kernel Saxpy: argument x: buffer was not made by NewBuffer or BufferOf",
		"runtime: Read: buffer was not made by NewBuffer or BufferOf",
		"runtime: Write: buffer was not made by NewBuffer or BufferOf",
		"<nil>",
		"true",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors mismatch (-want +got):\n%s", diff)
	}
	var ke *runtime.KernelError
	if !errors.As(errLaunch, &ke) || ke.Kernel != "Saxpy" {
		t.Errorf("errors.As(%v, *KernelError) = %+v", errLaunch, ke)
	}
	if ran {
		t.Error("the kernel body ran")
	}
}

// TestLaunchAllocs checks that a launch on a device-memory backend
// allocates nothing in the runtime once its arguments exist, checked
// kernels included (the backend here discards the calls).
func TestLaunchAllocs(t *testing.T) {
	dev := open(t, fakeName)
	lastFake.Load().discard = true
	x, err := runtime.NewBuffer[float32](dev, 1024)
	if err != nil {
		t.Fatal(err)
	}
	y, err := runtime.NewBuffer[float32](dev, 1024)
	if err != nil {
		t.Fatal(err)
	}
	checked := *scaleKernel
	checked.Checked = true
	// A kernel with a launch condition that holds (len(y) - 1 >= 0): its
	// launches take the fast entry point.
	fast := checked
	fast.FastIf = []runtime.LaunchExpr{{{Code: runtime.LaunchLen, Arg: 2}, {Code: runtime.LaunchConst, Arg: 1}, {Code: runtime.LaunchSub}}}
	a := runtime.Scalar(float32(2))
	g := dc.Grid1D(1024)
	for _, k := range []*runtime.Kernel{scaleKernel, &checked, &fast} {
		args := []runtime.Arg{a, x, y}
		launch := func() {
			if err := dev.Launch(k, g, args, nil); err != nil {
				t.Fatal(err)
			}
			if err := dev.Sync(); err != nil {
				t.Fatal(err)
			}
		}
		launch()
		if n := testing.AllocsPerRun(100, launch); n != 0 {
			t.Errorf("kernel %s (checked %v): %v allocations per launch, want 0", k.Name, k.Checked, n)
		}
	}
	if st := dev.Stats(); st.FastLaunches == 0 {
		t.Errorf("no fast launch: %+v", st)
	}
	if n := testing.AllocsPerRun(100, func() { runtime.Scalar(int64(1)) }); n > 1 {
		t.Errorf("Scalar of an int64: %v allocations, want at most 1", n)
	}
	// Args, as generated launchers build them: no allocation at all.
	for _, k := range []*runtime.Kernel{scaleKernel, &checked, &fast} {
		launch := func() {
			var args runtime.Args
			runtime.AddScalar(&args, float32(2))
			runtime.AddBuffer(&args, x)
			runtime.AddBuffer(&args, y)
			if err := dev.LaunchArgs(k, g, &args, nil); err != nil {
				t.Fatal(err)
			}
			if err := dev.Sync(); err != nil {
				t.Fatal(err)
			}
		}
		launch()
		if n := testing.AllocsPerRun(100, launch); n != 0 {
			t.Errorf("kernel %s (checked %v): %v allocations per LaunchArgs, want 0", k.Name, k.Checked, n)
		}
	}
}

// TestLaunchArgsErrors checks LaunchArgs reports what Launch does: a
// wrong count, a scalar for a buffer, a nil buffer, an unsupported scalar,
// and more than eight arguments.
func TestLaunchArgsErrors(t *testing.T) {
	dev := open(t, fakeName)
	x, err := runtime.NewBuffer[float32](dev, 4)
	if err != nil {
		t.Fatal(err)
	}
	var nilBuf *runtime.Buffer[float32]
	for _, c := range []struct {
		name string
		add  func(a *runtime.Args)
		want string
	}{
		{"count", func(a *runtime.Args) { runtime.AddScalar(a, float32(1)) }, "got 1 arguments, want 3"},
		{"scalar for buffer", func(a *runtime.Args) {
			runtime.AddScalar(a, float32(1))
			runtime.AddScalar(a, float32(1))
			runtime.AddBuffer(a, x)
		}, "argument x: got a scalar, want a buffer"},
		{"nil buffer", func(a *runtime.Args) {
			runtime.AddScalar(a, float32(1))
			runtime.AddBuffer(a, nilBuf)
			runtime.AddBuffer(a, x)
		}, "argument x: nil buffer"},
		{"pointer scalar", func(a *runtime.Args) {
			runtime.AddScalar(a, &x)
			runtime.AddBuffer(a, x)
			runtime.AddBuffer(a, x)
		}, "argument a: scalar of type"},
		{"ten", func(a *runtime.Args) {
			for range 10 {
				runtime.AddBuffer(a, x)
			}
		}, "got 10 arguments, want 3"},
	} {
		var a runtime.Args
		c.add(&a)
		err := dev.LaunchArgs(scaleKernel, dc.Grid1D(4), &a, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error containing %q", c.name, err, c.want)
		}
	}
}
