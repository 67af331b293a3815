package cpu_test

import (
	"errors"
	"fmt"
	goruntime "runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/backends/cpu"
	"github.com/dotcompute/dc/runtime"
)

func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func withProcs(t *testing.T, n int) {
	t.Helper()
	old := goruntime.GOMAXPROCS(n)
	t.Cleanup(func() { goruntime.GOMAXPROCS(old) })
}

func TestInfo(t *testing.T) {
	dev, err := runtime.Open(runtime.WithBackend("cpu"))
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	want := runtime.DeviceInfo{
		Name:              fmt.Sprintf("%s CPU, %d cores", goruntime.GOARCH, goruntime.NumCPU()),
		Backend:           "cpu",
		Float64:           true,
		MaxGroupSize:      1024,
		MaxGroupDims:      dc.Dim3{X: 1024, Y: 1024, Z: 64},
		SharedMemoryBytes: 65536,
		HostMemory:        true,
		ComputeUnits:      goruntime.NumCPU(),
		Driver:            "Go " + goruntime.Version() + " " + goruntime.GOOS + "/" + goruntime.GOARCH,
	}
	got := dev.Info()
	if goruntime.GOOS == "linux" && got.MemoryBytes <= 0 {
		t.Errorf("MemoryBytes = %d, want the machine's RAM", got.MemoryBytes)
	}
	want.MemoryBytes = got.MemoryBytes
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Info() mismatch (-want +got):\n%s", diff)
	}
	if !slices.Contains(runtime.Backends(), "cpu") {
		t.Errorf("Backends() = %v, want cpu among them", runtime.Backends())
	}
}

// TestRunCoversGroups checks Run calls body on contiguous, balanced chunks
// that cover every group exactly once, as many as the grid's size calls
// for.
func TestRunCoversGroups(t *testing.T) {
	shapes := []dc.Grid{
		dc.Grid1D(1),
		dc.Grid1D(1000),
		dc.Grid1D(1 << 20),
		dc.Grid2D(100, 37),
		dc.Grid3D(33, 17, 9),
		{Groups: dc.Dim3{X: 3, Y: 5, Z: 7}, GroupSize: dc.Dim3{X: 64, Y: 2, Z: 1}},
		{Groups: dc.Dim3{X: 1, Y: 1, Z: 3}, GroupSize: dc.Dim3{X: 1024, Y: 1, Z: 1}},
		{Groups: dc.Dim3{X: 2, Y: 1, Z: 1}, GroupSize: dc.Dim3{X: 1, Y: 1, Z: 1}},
		{Groups: dc.Dim3{X: 1000, Y: 1, Z: 1}, GroupSize: dc.Dim3{X: 1, Y: 1, Z: 1}},
	}
	for _, procs := range []int{1, 2, 3, 7, 16} {
		for _, g := range shapes {
			t.Run(fmt.Sprintf("procs=%d/%v*%v", procs, g.Groups, g.GroupSize), func(t *testing.T) {
				withProcs(t, procs)
				n := g.Groups.X * g.Groups.Y * g.Groups.Z
				threads := n * g.GroupSize.X * g.GroupSize.Y * g.GroupSize.Z
				seen := make([]atomic.Int32, n)
				var mu sync.Mutex
				var chunks [][2]int
				err := cpu.Run("Cover", g, func(g0, g1 int) {
					mu.Lock()
					chunks = append(chunks, [2]int{g0, g1})
					mu.Unlock()
					for i := g0; i < g1; i++ {
						seen[i].Add(1)
					}
				})
				if err != nil {
					t.Fatal(err)
				}
				for i := range seen {
					if c := seen[i].Load(); c != 1 {
						t.Fatalf("group %d ran %d times", i, c)
					}
				}
				slices.SortFunc(chunks, func(a, b [2]int) int { return a[0] - b[0] })
				// One chunk below 4096 threads; otherwise one per
				// GOMAXPROCS while chunks would have under 16384
				// threads, and up to four per GOMAXPROCS above.
				lo, hi := 1, 1
				switch {
				case threads < 1<<12:
				case threads < procs<<14:
					lo, hi = min(procs, n), min(procs, n)
				default:
					lo, hi = min(procs, n), min(4*procs, n)
				}
				if len(chunks) < lo || len(chunks) > hi {
					t.Errorf("%d chunks, want %d to %d: %v", len(chunks), lo, hi, chunks)
				}
				for i, c := range chunks {
					if i > 0 && c[0] != chunks[i-1][1] {
						t.Fatalf("chunks not contiguous: %v", chunks)
					}
				}
				small, large := n, 0
				for _, c := range chunks {
					small, large = min(small, c[1]-c[0]), max(large, c[1]-c[0])
				}
				if large-small > 1 {
					t.Errorf("unbalanced chunks (sizes %d..%d): %v", small, large, chunks)
				}
			})
		}
	}
}

// TestRunLinearIndex checks a generated-style body that decodes the linear
// group index visits every (gx, gy, gz) once.
func TestRunLinearIndex(t *testing.T) {
	withProcs(t, 4)
	g := dc.Grid{Groups: dc.Dim3{X: 5, Y: 4, Z: 3}, GroupSize: dc.Dim3{X: 128, Y: 1, Z: 1}}
	var mu sync.Mutex
	seen := map[dc.Dim3]int{}
	err := cpu.Run("Decode", g, func(g0, g1 int) {
		for i := g0; i < g1; i++ {
			gx, gy, gz := i%g.Groups.X, i/g.Groups.X%g.Groups.Y, i/(g.Groups.X*g.Groups.Y)
			mu.Lock()
			seen[dc.Dim3{X: gx, Y: gy, Z: gz}]++
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	for gz := range 3 {
		for gy := range 4 {
			for gx := range 5 {
				if c := seen[dc.Dim3{X: gx, Y: gy, Z: gz}]; c != 1 {
					t.Errorf("group (%d,%d,%d) ran %d times", gx, gy, gz, c)
				}
			}
		}
	}
	if len(seen) != 60 {
		t.Errorf("%d distinct groups, want 60", len(seen))
	}
}

// TestRunPanics checks a panic in a worker becomes an error naming the
// kernel, and Run still waits for the other workers.
func TestRunPanics(t *testing.T) {
	for _, procs := range []int{1, 4} {
		t.Run(fmt.Sprint("procs=", procs), func(t *testing.T) {
			withProcs(t, procs)
			g := dc.Grid1D(256 * 64) // 64 groups, 16384 threads: parallel
			var done atomic.Int32
			err := cpu.Run("Saxpy", g, func(g0, g1 int) {
				if g0 == 0 {
					var s []float32
					_ = s[g1] // index out of range
				}
				done.Add(int32(g1 - g0))
			})
			want := fmt.Sprintf("cpu: kernel Saxpy: runtime error: index out of range [%d] with length 0", 64/procs)
			if diff := cmp.Diff(want, errText(err)); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s", diff)
			}
			if got, want := done.Load(), int32(64-64/procs); got != want {
				t.Errorf("after Run returned, %d groups done, want %d", got, want)
			}
			var pe *cpu.PanicError
			if !errors.As(err, &pe) || pe.Kernel != "Saxpy" || len(pe.Stack) == 0 {
				t.Errorf("errors.As(*PanicError) = %+v", pe)
			}
			var re goruntime.Error
			if !errors.As(err, &re) {
				t.Errorf("error %v does not wrap a runtime.Error", err)
			}
		})
	}

	// Several workers panic: the lowest chunk wins.
	withProcs(t, 4)
	err := cpu.Run("Many", dc.Grid1D(256*64), func(g0, g1 int) { panic(fmt.Sprint("chunk ", g0)) })
	if diff := cmp.Diff("cpu: kernel Many: chunk 0", errText(err)); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s", diff)
	}
}

func TestRunBadGrid(t *testing.T) {
	ran := false
	body := func(g0, g1 int) { ran = true }
	got := []string{
		errText(cpu.Run("K", dc.Grid1D(0), body)),
		errText(cpu.Run("K", dc.Grid{Groups: dc.Dim3{X: 1, Y: 1, Z: 1}, GroupSize: dc.Dim3{X: 1, Y: -1, Z: 1}}, body)),
		errText(cpu.RunGroups("R", dc.Grid1D(0), func(dc.Thread) { ran = true })),
	}
	want := []string{
		"cpu: kernel K: grid has 0 groups in X",
		"cpu: kernel K: grid has group size -1 in Y",
		"cpu: kernel R: grid has 0 groups in X",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	if ran {
		t.Errorf("body ran for an invalid grid")
	}
}

// reduce is a kernel with shared memory and barriers: each group sums its
// 64 elements of in into out[group].
func reduce(t dc.Thread, in, out []float32) {
	sh := dc.Shared[[64]float32](t)
	i, l := t.GlobalX(), t.LocalX()
	sh[l] = 0
	if i < len(in) {
		sh[l] = in[i]
	}
	t.Barrier()
	for s := t.GroupSizeX() / 2; s > 0; s /= 2 {
		if l < s {
			sh[l] += sh[l+s]
		}
		t.Barrier()
	}
	if l == 0 {
		out[t.GroupX()] = sh[0]
	}
}

func TestRunGroupsReduction(t *testing.T) {
	const n = 1000
	in := make([]float32, n)
	for i := range in {
		in[i] = float32(i % 17)
	}
	g := dc.Grid1D(n).WithGroupSize(64, 1, 1)
	out := make([]float32, g.Groups.X)
	if err := cpu.RunGroups("Reduce", g, func(t dc.Thread) { reduce(t, in, out) }); err != nil {
		t.Fatal(err)
	}
	want := make([]float32, g.Groups.X)
	for i, v := range in {
		want[i/64] += v
	}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("reduction mismatch (-want +got):\n%s", diff)
	}

	// A barrier only some threads reach is divergence: an error, no hang.
	err := cpu.RunGroups("Diverge", g, func(t dc.Thread) {
		if t.LocalX() < 10 {
			t.Barrier()
		}
	})
	var ce *cpu.Error
	if !errors.As(err, &ce) || ce.Kernel != "Diverge" {
		t.Fatalf("divergence: error %v, want a *cpu.Error for Diverge", err)
	}
	if got, prefix := errText(err), "cpu: kernel Diverge: "; len(got) <= len(prefix) || got[:len(prefix)] != prefix {
		t.Errorf("divergence error %q does not start with %q", got, prefix)
	}
}

// saxpy is what dckgen generates for the dialect's Saxpy example: a
// launcher calling Device.Launch with a CPU body over Run.
var saxpyKernel = &runtime.Kernel{
	Name: "Saxpy",
	Params: []runtime.Param{
		{Name: "a", Kind: runtime.ScalarParam, Size: 4},
		{Name: "x", Kind: runtime.BufferParam, Size: 4},
		{Name: "y", Kind: runtime.BufferParam, Size: 4, Written: true},
	},
}

func launchSaxpy(dev *runtime.Device, g dc.Grid, a float32, x, y *runtime.Buffer[float32]) error {
	return dev.Launch(saxpyKernel, g, []runtime.Arg{runtime.Scalar(a), x, y}, func(*runtime.Call) error {
		xs, ys := x.HostSlice(), y.HostSlice()
		return cpu.Run("Saxpy", g, func(g0, g1 int) {
			for gi := g0; gi < g1; gi++ {
				for l := range g.GroupSize.X {
					if i := gi*g.GroupSize.X + l; i < len(ys) {
						ys[i] = a*xs[i] + ys[i]
					}
				}
			}
		})
	})
}

// syncAfter returns the error of a launch, or else that of the Sync after
// it.
func syncAfter(dev *runtime.Device, launchErr error) error {
	if launchErr != nil {
		return launchErr
	}
	return dev.Sync()
}

func TestLaunchSaxpy(t *testing.T) {
	dev, err := runtime.Open(runtime.WithBackend("cpu"))
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	const n = 10000
	xs, ys := make([]float32, n), make([]float32, n)
	for i := range xs {
		xs[i], ys[i] = float32(i), 1
	}
	x, _ := runtime.BufferOf(dev, xs)
	y, _ := runtime.BufferOf(dev, ys)
	if err := launchSaxpy(dev, dc.Grid1D(n), 2, x, y); err != nil {
		t.Fatal(err)
	}
	got := make([]float32, n)
	if err := y.Read(got); err != nil {
		t.Fatal(err)
	}
	for i := range got {
		if want := 2*float32(i) + 1; got[i] != want {
			t.Fatalf("y[%d] = %v, want %v", i, got[i], want)
		}
	}

	// A short x the kernel does not guard: a panic, returned as an error
	// by the next Read (launches are asynchronous).
	short, _ := runtime.NewBuffer[float32](dev, 3)
	if err := launchSaxpy(dev, dc.Grid1D(n), 2, short, y); err != nil {
		t.Fatalf("launch: %v", err)
	}
	err = y.Read(got)
	want := "runtime: kernel Saxpy: cpu: runtime error: index out of range [3] with length 3"
	if diff := cmp.Diff(want, errText(err)); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s", diff)
	}
	var pe *cpu.PanicError
	if !errors.As(err, &pe) || pe.Kernel != "Saxpy" {
		t.Errorf("errors.As(*cpu.PanicError) = %+v", pe)
	}

	if err := y.Read(got); err != nil {
		t.Errorf("Read after the failure was reported: %v", err)
	}

	// A panic outside Run is recovered too, and reported by Sync.
	err = syncAfter(dev, dev.Launch(saxpyKernel, dc.Grid1D(n), []runtime.Arg{runtime.Scalar(float32(1)), x, y}, func(*runtime.Call) error {
		panic("body bug")
	}))
	want = "runtime: kernel Saxpy: cpu: body bug"
	if diff := cmp.Diff(want, errText(err)); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s", diff)
	}

	// RunGroups errors through Launch name the kernel once.
	err = syncAfter(dev, dev.Launch(saxpyKernel, dc.Grid1D(n), []runtime.Arg{runtime.Scalar(float32(1)), x, y}, func(*runtime.Call) error {
		return cpu.RunGroups("Saxpy", dc.Grid1D(n), func(t dc.Thread) {
			if t.GlobalX() == 5 {
				panic("bad thread")
			}
		})
	}))
	want = "runtime: kernel Saxpy: cpu: thread (5,0,0) of group (0,0,0): bad thread"
	if diff := cmp.Diff(want, errText(err)); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s", diff)
	}
}
