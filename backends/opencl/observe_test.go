package opencl

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/runtime"
)

// TestDriverDevices checks the driver lists every device with its limits
// and versions, in DC_OPENCL_DEVICE's order, and that WithDevice opens the
// one it names whatever DC_OPENCL_DEVICE says.
func TestDriverDevices(t *testing.T) {
	descs, err := Devices()
	if err != nil {
		skipUnavailable(t, err)
	}
	infos, err := runtime.BackendDevices("opencl")
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != len(descs) {
		t.Fatalf("BackendDevices lists %d devices, Devices %d", len(infos), len(descs))
	}
	for i, info := range infos {
		d := descs[i]
		if info.Backend != "opencl" || info.Index != i || info.Name != d.Name+" ("+d.PlatformName+")" ||
			info.ComputeUnits <= 0 || info.MemoryBytes <= 0 || info.MaxGroupSize <= 0 || !strings.HasPrefix(info.Driver, "OpenCL ") {
			t.Errorf("device %d = %+v, want %s with its compute units, memory and driver", i, info, d)
		}
	}
	t.Setenv(EnvDevice, "no-such-device-xyz")
	last := infos[len(infos)-1]
	dev, err := runtime.Open(runtime.WithDevice(last))
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	if got := dev.Info(); got != last {
		t.Errorf("WithDevice opened %+v, want %+v", got, last)
	}
	missing := last
	missing.Index = len(infos)
	_, err = runtime.Open(runtime.WithDevice(missing))
	want := fmt.Sprintf("runtime: open backend opencl: opencl: there is no device %d: there are %d (Devices lists them)", len(infos), len(infos))
	if err == nil || err.Error() != want {
		t.Errorf("WithDevice(index %d) error = %v, want %s", missing.Index, err, want)
	}
}

// captureLog sends slog.Default() to a buffer at debug level until the
// test ends; it skips the test when DC_LOG sends the runtime's log to
// standard error.
func captureLog(t *testing.T) *bytes.Buffer {
	t.Helper()
	if os.Getenv(runtime.EnvLog) != "" {
		t.Skipf("%s is set: the runtime logs to standard error", runtime.EnvLog)
	}
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(old) })
	return &buf
}

// TestSelectionWarns checks runtime.Open with no backend named warns when
// it skips a misconfigured OpenCL (a DC_OPENCL_DEVICE that matches
// nothing, a DC_OPENCL_LIBRARY that does not load) and says why, and that
// naming opencl makes the same cases errors.
func TestSelectionWarns(t *testing.T) {
	if _, err := Devices(); err != nil {
		skipUnavailable(t, err)
	}
	lib := filepath.Join(t.TempDir(), "libOpenCL-missing.so.1")
	for _, tc := range []struct {
		env, value, reason string
	}{
		{EnvDevice, "99", `opencl: DC_OPENCL_DEVICE=\"99\" matches no device`},
		{EnvLibrary, lib, "opencl: cannot load " + lib + " (named by DC_OPENCL_LIBRARY)"},
	} {
		t.Run(tc.env, func(t *testing.T) {
			buf := captureLog(t)
			t.Setenv(tc.env, tc.value)
			t.Setenv(runtime.EnvBackend, "")
			dev, err := runtime.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer dev.Close()
			if dev.Backend() == "opencl" {
				t.Fatalf("%s=%s: Open chose opencl", tc.env, tc.value)
			}
			want := `level=WARN msg="runtime: skipped backend" backend=opencl reason="` + tc.reason
			if !strings.Contains(buf.String(), want) {
				t.Errorf("%s=%s: the log has no %s:\n%s", tc.env, tc.value, want, buf)
			}
			if !strings.Contains(buf.String(), `msg="runtime: opened device" backend=`+dev.Backend()) {
				t.Errorf("the log does not say what Open chose:\n%s", buf)
			}
			t.Setenv(runtime.EnvBackend, "opencl")
			if dev, err := runtime.Open(); err == nil {
				dev.Close()
				t.Errorf("%s=%s, DC_BACKEND=opencl: Open succeeded", tc.env, tc.value)
			} else if !strings.Contains(err.Error(), strings.ReplaceAll(tc.reason, `\"`, `"`)) {
				t.Errorf("%s=%s, DC_BACKEND=opencl: error %v does not say why", tc.env, tc.value, err)
			}
		})
	}
}

// TestPrecompileAndProfile checks Precompile builds a module once, so the
// first launch builds nothing, and that a Device opened WithProfiling
// reports the kernels' device times from the queue's profiling info.
func TestPrecompileAndProfile(t *testing.T) {
	if _, err := Devices(); err != nil {
		skipUnavailable(t, err)
	}
	buf := captureLog(t)
	dev, err := runtime.Open(runtime.WithBackend("opencl"), runtime.WithProfiling())
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	m := &runtime.Module{Package: "example.com/precompiled", OpenCL: testModule.OpenCL}
	fill := *fillKernel
	fill.Module = m
	before := builds.Load()
	if err := dev.Precompile(m); err != nil {
		t.Fatal(err)
	}
	if n := builds.Load() - before; n != 1 {
		t.Errorf("Precompile built %d programs, want 1", n)
	}
	const n = 1 << 16
	x, err := runtime.NewBuffer[int32](dev, n)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := dev.Launch(&fill, dc.Grid1D(n), []runtime.Arg{x, runtime.Scalar(int32(i))}, nil); err != nil {
			t.Fatal(err)
		}
	}
	got := make([]int32, n)
	if err := x.Read(got); err != nil {
		t.Fatal(err)
	}
	if got[n-1] != 2+(n-1) {
		t.Errorf("x[%d] = %v, want %d", n-1, got[n-1], 2+(n-1))
	}
	if n := builds.Load() - before; n != 1 {
		t.Errorf("the launches after Precompile built %d programs more", n-1)
	}
	p := dev.Profile()
	if !p.Timed || p.TimedBy != "device profiling info" || p.Launches != 3 {
		t.Errorf("Profile = {Timed %v by %q, %d launches}, want 3 launches timed by device profiling info", p.Timed, p.TimedBy, p.Launches)
	}
	if len(p.Kernels) != 1 || p.Kernels[0].Name != "fill" || p.Kernels[0].Timed != 3 || p.Kernels[0].Run <= 0 {
		t.Errorf("Kernels = %+v, want fill, 3 launches with device times", p.Kernels)
	}
	if len(p.Builds) != 1 || p.Builds[0].Module != m.Package || p.Builds[0].Time <= 0 || p.Builds[0].Err != nil {
		t.Errorf("Builds = %+v, want the build of %s", p.Builds, m.Package)
	}
	if p.DeviceToHost.Count != 1 || p.DeviceToHost.Bytes != 4*n {
		t.Errorf("DeviceToHost = %+v, want one copy of %d bytes", p.DeviceToHost, 4*n)
	}
	if !strings.Contains(buf.String(), `msg="runtime: built module" backend=opencl`) || !strings.Contains(buf.String(), "module="+m.Package) {
		t.Errorf("the log does not show the build:\n%s", buf)
	}

	bad := &runtime.Module{Package: "example.com/bad", OpenCL: "__kernel void k(__global int *x, long n) { x[0] = y; }\n"}
	var be *BuildError
	if err := dev.Precompile(bad); !errors.As(err, &be) {
		t.Errorf("Precompile of a module that does not build: %v, want a *BuildError", err)
	}
}

// BenchmarkLaunchSync is a launch of a small kernel and a Sync through
// the runtime: the host overhead of a launch, without and with timing.
func BenchmarkLaunchSync(b *testing.B) {
	for _, tc := range []struct {
		name string
		opts []runtime.Option
	}{
		{"counts", []runtime.Option{runtime.WithBackend("opencl")}},
		{"timed", []runtime.Option{runtime.WithBackend("opencl"), runtime.WithProfiling()}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			dev, err := runtime.Open(tc.opts...)
			if err != nil {
				skipUnavailable(b, err)
			}
			defer dev.Close()
			x, err := runtime.NewBuffer[int32](dev, 256)
			if err != nil {
				b.Fatal(err)
			}
			args := []runtime.Arg{x, runtime.Scalar(int32(1))}
			// The first launch builds the program: not what is measured.
			if err := dev.Launch(fillKernel, dc.Grid1D(256), args, nil); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := dev.Launch(fillKernel, dc.Grid1D(256), args, nil); err != nil {
					b.Fatal(err)
				}
				if err := dev.Sync(); err != nil {
					b.Fatal(err)
				}
			}
			runtime.ReportLaunches(b, int64(b.N))
		})
	}
}

// TestTimingsBounded checks a timing backend releases the events of
// finished launches once maxPendingEvents are kept, even without Timings,
// and still reports the timing of every launch.
func TestTimingsBounded(t *testing.T) {
	b := openBackendOrSkip(t)
	if err := b.StartTiming(); err != nil {
		t.Fatal(err)
	}
	m, err := b.Alloc(4 * 256)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Free()
	c := &runtime.Call{Kernel: fillKernel, Entry: "fill", Grid: dc.Grid1D(256),
		Args: []runtime.CallArg{{Memory: m, Len: 256}, {Scalar: []byte{1, 0, 0, 0}}}}
	launch := func(n int) {
		t.Helper()
		for range n {
			if err := b.Launch(c); err != nil {
				t.Fatal(err)
			}
		}
	}
	launch(maxPendingEvents)
	if err := b.Sync(); err != nil {
		t.Fatal(err)
	}
	if n := len(b.events); n != maxPendingEvents {
		t.Fatalf("%d events kept, want %d", n, maxPendingEvents)
	}
	// The next launch finds them all finished.
	launch(1)
	if n := len(b.events); n != 1 {
		t.Errorf("%d events kept after a launch with %d finished ones, want 1", n, maxPendingEvents)
	}
	if err := b.Sync(); err != nil {
		t.Fatal(err)
	}
	timings := b.Timings(nil)
	if len(timings) != maxPendingEvents+1 || len(b.events) != 0 {
		t.Fatalf("%d timings, %d events left; want %d timings and no event", len(timings), len(b.events), maxPendingEvents+1)
	}
	for i, tm := range timings {
		if tm.Kernel != fillKernel || tm.Run < 0 || tm.Wait < 0 {
			t.Fatalf("timing %d = %+v", i, tm)
		}
	}
	if more := b.Timings(nil); len(more) != 0 {
		t.Errorf("a second Timings returned %d timings again", len(more))
	}
}
