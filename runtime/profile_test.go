package runtime_test

import (
	"bytes"
	"errors"
	"runtime/trace"
	"strings"
	"testing"
	"time"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/runtime"
)

// TestProfileCounts checks what a Device's profile counts without timing:
// launches per kernel, the build of their module at the first launch, and
// transfers, which agree with Stats.
func TestProfileCounts(t *testing.T) {
	dev := open(t, fakeName)
	const n = 1000
	x, err := runtime.BufferOf(dev, make([]float32, n))
	if err != nil {
		t.Fatal(err)
	}
	y, err := runtime.NewBuffer[float32](dev, n)
	if err != nil {
		t.Fatal(err)
	}
	g := dc.Grid1D(n)
	for range 3 {
		if err := dev.Launch(scaleKernel, g, []runtime.Arg{runtime.Scalar(float32(2)), x, y}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := dev.Launch(addKernel, g, []runtime.Arg{x, y}, nil); err != nil {
		t.Fatal(err)
	}
	if err := y.Read(make([]float32, n)); err != nil {
		t.Fatal(err)
	}
	p, st := dev.Profile(), dev.Stats()
	if p.Backend != fakeName || p.Device != "fake device" || p.Timed || p.Launches != 4 {
		t.Errorf("Profile = {%s, %s, Timed %v, Launches %d}, want the fake device, untimed, 4 launches", p.Backend, p.Device, p.Timed, p.Launches)
	}
	if len(p.Kernels) != 2 {
		t.Fatalf("Kernels = %+v, want Scale and Add", p.Kernels)
	}
	scale, add := p.Kernels[0], p.Kernels[1]
	if scale.Name != "Scale" || scale.Module != "example.com/k" || scale.Launches != 3 || scale.Timed != 0 || scale.Run != 0 ||
		scale.HostToDevice.Count != 1 || scale.HostToDevice.Bytes != 4*n {
		t.Errorf("Scale = %+v, want 3 untimed launches that copied x (4000 bytes) in", scale)
	}
	if add.Name != "Add" || add.Launches != 1 || add.HostToDevice.Count != 0 {
		t.Errorf("Add = %+v, want 1 launch that copied nothing", add)
	}
	if len(p.Builds) != 1 || p.Builds[0].Module != "example.com/k" || p.Builds[0].Err != nil {
		t.Errorf("Builds = %+v, want one build of example.com/k", p.Builds)
	}
	if p.HostToDevice.Count != st.HostToDevice || p.HostToDevice.Bytes != st.BytesHostToDevice ||
		p.DeviceToHost.Count != st.DeviceToHost || p.DeviceToHost.Bytes != st.BytesDeviceToHost || p.DeviceToHost.Count != 1 {
		t.Errorf("transfers %+v and %+v disagree with Stats %+v", p.HostToDevice, p.DeviceToHost, st)
	}
	if p.HostToDevice.Time <= 0 || p.DeviceToHost.Time <= 0 {
		t.Errorf("transfer times %v and %v, want them measured", p.HostToDevice.Time, p.DeviceToHost.Time)
	}
	s := p.String()
	for _, want := range []string{
		"fake-test: fake device, 4 launches, launches not timed (WithProfiling or DC_PROFILE=1 times them)\n",
		"build example.com/k\n",
		"kernel Scale (copied in 3.9 KiB)\n",
		"host-to-device 3.9 KiB, ",
		"device-to-host 3.9 KiB, ",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("String() has no %q:\n%s", want, s)
		}
	}
	// Kernels without times come last, with "-" for their time.
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if pool := lines[len(lines)-1]; !strings.HasPrefix(pool, "memory pool: 0 of 2 allocations reused") {
		t.Errorf("last line %q, want the memory pool's line", pool)
	}
	if last := lines[len(lines)-2]; !strings.HasPrefix(last, "-") || !strings.HasSuffix(last, "kernel Add") {
		t.Errorf("last row %q, want the untimed kernel Add", last)
	}
}

// TestProfileBuilds checks a module is built once per Device, by
// Precompile or the first launch, and a failed build is an error at every
// launch, recorded once.
func TestProfileBuilds(t *testing.T) {
	dev := open(t, fakeName)
	ok := &runtime.Module{Package: "example.com/ok"}
	if err := dev.Precompile(ok, ok); err != nil {
		t.Fatal(err)
	}
	bad := *scaleKernel
	bad.Module = &runtime.Module{Package: "bad"}
	x, _ := runtime.NewBuffer[float32](dev, 4)
	for i := range 2 {
		err := dev.Launch(&bad, dc.Grid1D(4), []runtime.Arg{runtime.Scalar(float32(1)), x, x}, nil)
		var ke *runtime.KernelError
		if !errors.As(err, &ke) || ke.Kernel != "Scale" || !strings.Contains(err.Error(), "fake: bad does not compile") {
			t.Errorf("launch %d of a kernel whose module does not build: %v", i, err)
		}
	}
	p := dev.Profile()
	if len(p.Builds) != 2 || p.Builds[0].Module != "example.com/ok" || p.Builds[0].Err != nil ||
		p.Builds[1].Module != "bad" || p.Builds[1].Err == nil {
		t.Errorf("Builds = %+v, want example.com/ok, then bad failed", p.Builds)
	}
	if got := lastFake.Load().precompiled; len(got) != 1 || got[0] != "example.com/ok" {
		t.Errorf("the backend precompiled %v, want example.com/ok once", got)
	}
	if !strings.Contains(p.String(), "build bad (failed)\n") {
		t.Errorf("String() does not show the failed build:\n%s", p)
	}
	if len(p.Kernels) != 0 || p.Launches != 0 {
		t.Errorf("launches that failed to build are counted: %+v", p)
	}
}

// sleepKernel is a kernel of no parameters; its CPU body sleeps.
var sleepKernel = &runtime.Kernel{Name: "Sleep"}

// TestProfileCPUTiming checks the CPU backend's launch timings, on with
// WithProfiling or DC_PROFILE=1, off otherwise.
func TestProfileCPUTiming(t *testing.T) {
	const nap = 3 * time.Millisecond
	body := func(*runtime.Call) error { time.Sleep(nap); return nil }
	for _, tc := range []struct {
		name  string
		opts  []runtime.Option
		env   string
		timed bool
	}{
		{"WithProfiling", []runtime.Option{runtime.WithBackend("cpu"), runtime.WithProfiling()}, "", true},
		{"DC_PROFILE=1", []runtime.Option{runtime.WithBackend("cpu")}, "1", true},
		{"off", []runtime.Option{runtime.WithBackend("cpu")}, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(runtime.EnvProfile, tc.env)
			dev, err := runtime.Open(tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer dev.Close()
			for range 2 {
				if err := dev.Launch(sleepKernel, dc.Grid1D(1), nil, body); err != nil {
					t.Fatal(err)
				}
			}
			if err := dev.Sync(); err != nil {
				t.Fatal(err)
			}
			p := dev.Profile()
			if len(p.Kernels) != 1 || p.Kernels[0].Launches != 2 {
				t.Fatalf("Kernels = %+v, want Sleep launched twice", p.Kernels)
			}
			k := p.Kernels[0]
			if !tc.timed {
				if p.Timed || k.Timed != 0 || k.Run != 0 || k.Launch != 0 || p.SyncWait != 0 {
					t.Errorf("untimed profile has times: %+v, %+v", p, k)
				}
				return
			}
			if !p.Timed || p.TimedBy != "wall clock" || k.Timed != 2 {
				t.Errorf("Profile = {Timed %v by %q}, kernel timed %d times; want 2 launches timed by the wall clock", p.Timed, p.TimedBy, k.Timed)
			}
			// The second launch waited in the queue for the first.
			if k.Run < 2*nap || k.Wait < nap || k.Launch <= 0 || p.SyncWait <= 0 {
				t.Errorf("Sleep: run %v (want >= %v), wait %v (want >= %v), launch %v, sync wait %v", k.Run, 2*nap, k.Wait, nap, k.Launch, p.SyncWait)
			}
			if s := p.String(); !strings.Contains(s, "launches timed by wall clock") || !strings.Contains(s, "kernel Sleep (queue ") {
				t.Errorf("String():\n%s", s)
			}
			if p.KernelTime() != k.Run {
				t.Errorf("KernelTime() = %v, want %v", p.KernelTime(), k.Run)
			}
		})
	}
}

// TestProfileString checks the table's layout and order on a profile
// with known numbers.
func TestProfileString(t *testing.T) {
	p := runtime.Profile{
		Backend: "opencl", Device: "gpu", Timed: true, TimedBy: "device profiling info", Launches: 3,
		Kernels: []runtime.KernelProfile{
			{Name: "Saxpy", Launches: 2, Timed: 2, Run: 3 * time.Millisecond, Wait: 20 * time.Microsecond, Launch: 50 * time.Microsecond,
				HostToDevice: runtime.Transfers{Count: 2, Bytes: 32 << 20, Time: 12 * time.Millisecond}},
			{Name: "Reduce", Launches: 1, Timed: 1, Run: 150 * time.Microsecond, Launch: 9 * time.Microsecond, Fast: 1},
		},
		Builds:       []runtime.BuildProfile{{Module: "example.com/k", Time: 1280 * time.Millisecond}},
		HostToDevice: runtime.Transfers{Count: 2, Bytes: 32 << 20, Time: 12 * time.Millisecond},
		DeviceToHost: runtime.Transfers{Count: 1, Bytes: 1500, Time: 100 * time.Microsecond},
		SyncWait:     4 * time.Millisecond,
		Pool:         runtime.PoolStats{Enabled: true, Hits: 3, Misses: 2, Blocks: 1, BytesHeld: 4096},
	}
	want := `opencl: gpu, 3 launches, launches timed by device profiling info
TIME    %     CALLS  AVG     WHAT
1.28s   98.8  1      1.28s   build example.com/k
12.0ms  0.9   2      6.00ms  host-to-device 32 MiB, 2.80 GB/s
4.00ms  -     -      -       host waiting for the device (Sync, Read)
3.00ms  0.2   2      1.50ms  kernel Saxpy (queue 20.0µs, launch 50.0µs, copied in 32 MiB)
150µs   0.0   1      150µs   kernel Reduce (launch 9.00µs, 1 fast)
100µs   0.0   1      100µs   device-to-host 1.5 KiB, 0.01 GB/s
memory pool: 3 of 5 allocations reused, 1 blocks (4 KiB) held
`
	if got := p.String(); got != want {
		t.Errorf("String():\n%s\nwant:\n%s", got, want)
	}
	if p.BuildTime() != 1280*time.Millisecond || p.KernelTime() != 3150*time.Microsecond {
		t.Errorf("BuildTime %v, KernelTime %v", p.BuildTime(), p.KernelTime())
	}
	if r := p.HostToDevice.Rate(); r < 2.79e9 || r > 2.8e9 {
		t.Errorf("Rate() = %v", r)
	}
}

// TestProfileTrace checks launches, transfers and builds show in a
// runtime/trace: as regions of a task of the Device.
func TestProfileTrace(t *testing.T) {
	var buf bytes.Buffer
	if err := trace.Start(&buf); err != nil {
		t.Skipf("cannot start a trace (go test -trace?): %v", err)
	}
	dev := open(t, fakeName)
	x, _ := runtime.BufferOf(dev, []float32{1, 2})
	y, _ := runtime.NewBuffer[float32](dev, 2)
	err := dev.Launch(scaleKernel, dc.Grid1D(2), []runtime.Arg{runtime.Scalar(float32(2)), x, y}, nil)
	if err == nil {
		err = y.Read(make([]float32, 2))
	}
	trace.Stop()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"dc.Device fake-test: fake device", "dc.launch", "dc.build", "dc.host-to-device", "dc.device-to-host", "dc.sync", "example.com/k", "Scale"} {
		if !bytes.Contains(buf.Bytes(), []byte(want)) {
			t.Errorf("the trace has no %q", want)
		}
	}
}

// benchmark is a runtime.Benchmark that records what is reported.
type benchmark struct {
	elapsed time.Duration
	metrics map[string]float64
}

func (b *benchmark) ReportMetric(n float64, unit string) { b.metrics[unit] = n }
func (b *benchmark) Elapsed() time.Duration              { return b.elapsed }

func TestReport(t *testing.T) {
	b := &benchmark{elapsed: 2 * time.Second, metrics: map[string]float64{}}
	runtime.ReportBytes(b, 6e9)
	runtime.ReportLaunches(b, 1000)
	if b.metrics["GB/s"] != 3 || b.metrics["launches/s"] != 500 {
		t.Errorf("metrics %v, want 3 GB/s and 500 launches/s", b.metrics)
	}
	b = &benchmark{metrics: map[string]float64{}}
	runtime.ReportBytes(b, 1)
	if len(b.metrics) != 0 {
		t.Errorf("with no time elapsed: %v reported", b.metrics)
	}
}

// BenchmarkProfileOverhead is a launch and Sync on the cpu backend, with
// and without timing: what profiling costs a launch.
func BenchmarkProfileOverhead(b *testing.B) {
	for _, tc := range []struct {
		name string
		opts []runtime.Option
	}{
		{"counts", []runtime.Option{runtime.WithBackend("cpu")}},
		{"timed", []runtime.Option{runtime.WithBackend("cpu"), runtime.WithProfiling()}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			dev, err := runtime.Open(tc.opts...)
			if err != nil {
				b.Fatal(err)
			}
			defer dev.Close()
			body := func(*runtime.Call) error { return nil }
			b.ReportAllocs()
			before := dev.Profile().Launches
			for b.Loop() {
				if err := dev.Launch(sleepKernel, dc.Grid1D(1), nil, body); err != nil {
					b.Fatal(err)
				}
				if err := dev.Sync(); err != nil {
					b.Fatal(err)
				}
			}
			runtime.ReportLaunches(b, dev.Profile().Launches-before)
		})
	}
}
