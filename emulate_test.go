package dc_test

import (
	"errors"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dotcompute/dc"
	"github.com/google/go-cmp/cmp"
)

// blockSum adds in into out[0]: a tree reduction per group in shared memory
// with a barrier in a loop, then one atomic per group. partial[g] gets group
// g's sum.
func blockSum(t dc.Thread, in, partial, out []int32) {
	s := dc.Shared[[256]int32](t)
	l := t.LocalX()
	var v int32
	if i := t.GlobalX(); i < len(in) {
		v = in[i]
	}
	s[l] = v
	t.Barrier()
	for stride := t.GroupSizeX() / 2; stride > 0; stride /= 2 {
		if l < stride {
			s[l] += s[l+stride]
		}
		t.Barrier()
	}
	if l == 0 {
		partial[t.GroupX()] = s[0]
		dc.AtomicAdd(&out[0], s[0])
	}
}

func TestBlockReduction(t *testing.T) {
	const n = 10_000
	in := make([]int32, n)
	var want int32
	for i := range in {
		in[i] = int32(i%97 - 40)
		want += in[i]
	}
	g := dc.Grid1D(n)
	partial := make([]int32, g.Groups.X)
	out := make([]int32, 1)
	if err := emulate(t, g, func(th dc.Thread) { blockSum(th, in, partial, out) }); err != nil {
		t.Fatal(err)
	}
	if out[0] != want {
		t.Errorf("sum = %d, want %d", out[0], want)
	}
	for gi, got := range partial {
		var w int32
		for _, v := range in[gi*256 : min(n, gi*256+256)] {
			w += v
		}
		if got != w {
			t.Errorf("partial[%d] = %d, want %d", gi, got, w)
		}
	}
}

// sharedPerGroup checks that each group has its own zeroed array: every
// thread reads its slot (must be 0), then adds to a common counter.
func sharedPerGroup(t dc.Thread, seen, counts []int32) {
	s := dc.Shared[[65]int32](t)
	l := t.LocalX()
	seen[t.GlobalX()] = s[l] // 0 unless another group's array leaked in
	t.Barrier()
	s[l] = int32(t.GroupX() + 1)
	dc.AtomicAdd(&s[64], 1)
	t.Barrier()
	if l == 0 {
		counts[t.GroupX()] = s[64]
	}
	if s[(l+1)%64] != int32(t.GroupX()+1) {
		seen[t.GlobalX()] = -1
	}
}

func TestSharedPerGroup(t *testing.T) {
	g := grid(dc.Dim3{50, 1, 1}, dc.Dim3{64, 1, 1})
	seen := make([]int32, 50*64)
	counts := make([]int32, 50)
	if err := emulate(t, g, func(th dc.Thread) { sharedPerGroup(th, seen, counts) }); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(make([]int32, 50*64), seen); diff != "" {
		t.Errorf("arrays not zeroed or not per group (-want +got):\n%s", diff)
	}
	want := make([]int32, 50)
	for i := range want {
		want[i] = 64
	}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("per-group counters mismatch (-want +got):\n%s", diff)
	}
}

// tile is a device function owning one shared array; it may be inlined.
func tile(t dc.Thread) *[4]int32 {
	return dc.Shared[[4]int32](t)
}

// tileNoInline is tile, never inlined.
//
//go:noinline
func tileNoInline(t dc.Thread) *[4]int32 {
	return dc.Shared[[4]int32](t)
}

type cell struct {
	A int32
	B float64
}

// sharedSites records, for thread 0 of group g, in out[4*g:], which calls
// returned the same array.
func sharedSites(t dc.Thread, out []bool) {
	var loop [3]*[4]int32
	for i := range loop {
		loop[i] = tile(t) // one site, called in a loop
	}
	again := tile(t) // the same site (in tile), called from elsewhere
	n1 := tileNoInline(t)
	n2 := tileNoInline(t)
	a := dc.Shared[[4]int32](t)
	b := dc.Shared[[4]int32](t)
	st := dc.Shared[[3]cell](t)
	st[t.LocalX()%3].B = 1.5
	if t.LocalX() == 0 {
		o := out[4*t.GroupX():]
		o[0] = loop[0] == loop[1] && loop[1] == loop[2]
		o[1] = loop[0] == again
		o[2] = n1 == n2
		o[3] = a != b && a != loop[0] && b != loop[0] && a != n1 && b != n1 && loop[0] != n1
	}
}

func TestSharedCallSites(t *testing.T) {
	out := make([]bool, 4*5)
	if err := emulate(t, grid(dc.Dim3{5, 1, 1}, dc.Dim3{8, 1, 1}), func(th dc.Thread) { sharedSites(th, out) }); err != nil {
		t.Fatal(err)
	}
	want := make([]bool, 4*5)
	for i := range want {
		want[i] = true
	}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("[same in loop, same from two places, same non-inlined, different sites differ] mismatch (-want +got):\n%s", diff)
	}
}

// twoOnOneLine has two Shared calls of one type on one line, which Emulate
// can not tell apart.
//
//go:noinline
func twoOnOneLine(t dc.Thread) {
	a, b := dc.Shared[[4]int32](t), dc.Shared[[4]int32](t) // site: two on one line
	a[0], b[0] = 1, 2
}

func TestSharedTwoOnOneLine(t *testing.T) {
	err := emulate(t, grid(dc.Dim3{1, 1, 1}, dc.Dim3{1, 1, 1}), func(th dc.Thread) { twoOnOneLine(th) })
	want := "dc: kernel twoOnOneLine: thread (0,0,0) of group (0,0,0): dc: two dc.Shared[[4]int32] calls on one line (" +
		site(t, "two on one line") + ") would share one array in Emulate; put them on separate lines"
	if diff := cmp.Diff(want, errText(err)); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s", diff)
	}
}

func notArray(t dc.Thread) {
	p := dc.Shared[int32](t) // site: not an array
	*p = 1
}

func TestSharedNotArray(t *testing.T) {
	err := emulate(t, dc.Grid1D(1), func(th dc.Thread) { notArray(th) })
	// Every thread panics; which is first varies, so compare without it.
	got := errText(err)
	if i := strings.Index(got, "): "); i >= 0 && strings.HasPrefix(got, "dc: kernel notArray: thread (") {
		got = "dc: kernel notArray: thread (…)" + got[i+1:]
	}
	want := "dc: kernel notArray: thread (…): dc: Shared[int32] at " + site(t, "not an array") +
		": the type argument must be a fixed-size array type"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s", diff)
	}
}

func hugeShared(t dc.Thread) {
	p := dc.Shared[[1 << 40]byte](t) // site: huge shared
	p[0] = 1
}

func TestSharedTooLarge(t *testing.T) {
	err := emulate(t, grid(dc.Dim3{1, 1, 1}, dc.Dim3{1, 1, 1}), func(th dc.Thread) { hugeShared(th) })
	want := "dc: kernel hugeShared: thread (0,0,0) of group (0,0,0): dc: Shared[[1099511627776]uint8] at " +
		site(t, "huge shared") + ": the array has 1099511627776 bytes, more than Emulate allows (67108864)"
	if diff := cmp.Diff(want, errText(err)); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s", diff)
	}
}

// The divergent kernels below run on one group of 256 threads unless said.

func earlyReturn(t dc.Thread, skip int) {
	if t.LocalX() == skip {
		return
	}
	t.Barrier() // site: early return
}

func halfBarrier(t dc.Thread) {
	if t.LocalX() < 128 {
		t.Barrier() // site: half
	}
}

func twoBarriers(t dc.Thread) {
	if t.LocalX()%2 == 0 {
		t.Barrier() // site: even
	} else {
		t.Barrier() // site: odd
	}
}

func loopBarrier(t dc.Thread) {
	for i := 0; i < t.LocalX()%3+1; i++ {
		t.Barrier() // site: loop
	}
}

// barrierHelper calls Barrier for its caller.
//
//go:noinline
func barrierHelper(t dc.Thread) {
	t.Barrier() // site: helper
}

func helperThenReturn(t dc.Thread) {
	barrierHelper(t)
	if t.LocalX() != 5 {
		barrierHelper(t)
	}
}

func TestDivergence(t *testing.T) {
	one := grid(dc.Dim3{1, 1, 1}, dc.Dim3{256, 1, 1})
	tests := []struct {
		name string
		g    dc.Grid
		body func(dc.Thread)
		want string
	}{
		{
			"early return", one, func(th dc.Thread) { earlyReturn(th, 3) },
			"dc: kernel earlyReturn: divergent barrier: thread (3,0,0) of group (0,0,0) returned while 255 threads wait at barrier (" + site(t, "early return") + ")",
		},
		{
			"early return of the last thread", one, func(th dc.Thread) { earlyReturn(th, 255) },
			"dc: kernel earlyReturn: divergent barrier: thread (255,0,0) of group (0,0,0) returned while 255 threads wait at barrier (" + site(t, "early return") + ")",
		},
		{
			"barrier taken by half", one, func(th dc.Thread) { halfBarrier(th) },
			"dc: kernel halfBarrier: divergent barrier: thread (128,0,0) of group (0,0,0) returned while 128 threads wait at barrier (" + site(t, "half") + ")",
		},
		{
			"two barrier sites", one, func(th dc.Thread) { twoBarriers(th) },
			"dc: kernel twoBarriers: divergent barrier: thread (1,0,0) of group (0,0,0) waits at barrier (" + site(t, "odd") + ") while 128 threads wait at barrier (" + site(t, "even") + ")",
		},
		{
			"barrier in loop, different trip counts", one, func(th dc.Thread) { loopBarrier(th) },
			"dc: kernel loopBarrier: divergent barrier: thread (0,0,0) of group (0,0,0) returned while 170 threads wait at barrier (" + site(t, "loop") + ")",
		},
		{
			"second barrier in helper skipped", one, func(th dc.Thread) { helperThenReturn(th) },
			"dc: kernel helperThenReturn: divergent barrier: thread (5,0,0) of group (0,0,0) returned while 255 threads wait at barrier (" + site(t, "helper") + ")",
		},
		{
			"3D group", grid(dc.Dim3{1, 1, 1}, dc.Dim3{4, 4, 2}), func(th dc.Thread) {
				if th.LocalZ() == 1 && th.LocalY() == 2 && th.LocalX() == 3 {
					return
				}
				earlyReturn(th, -1)
			},
			"dc: kernel earlyReturn: divergent barrier: thread (3,2,1) of group (0,0,0) returned while 31 threads wait at barrier (" + site(t, "early return") + ")",
		},
		{
			"one thread waits", grid(dc.Dim3{1, 1, 1}, dc.Dim3{3, 1, 1}), func(th dc.Thread) {
				if th.LocalX() == 1 {
					th.Barrier() // site: one waits
				}
			},
			"dc: kernel TestDivergence: divergent barrier: thread (0,0,0) of group (0,0,0) returned while 1 thread waits at barrier (" + site(t, "one waits") + ")",
		},
		{
			"explicit name", one, nil,
			"dc: kernel Reduce: divergent barrier: thread (7,0,0) of group (0,0,0) returned while 255 threads wait at barrier (" + site(t, "early return") + ")",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.body == nil {
				err = dc.EmulateKernel("Reduce", tt.g, func(th dc.Thread) { earlyReturn(th, 7) })
			} else {
				err = emulate(t, tt.g, tt.body)
			}
			if diff := cmp.Diff(tt.want, errText(err)); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDivergenceManyGroups has every group diverge; the error names one of
// them, and Emulate returns with no thread left behind.
func TestDivergenceManyGroups(t *testing.T) {
	before := runtime.NumGoroutine()
	g := grid(dc.Dim3{16, 2, 1}, dc.Dim3{64, 1, 1})
	err := emulate(t, g, func(th dc.Thread) { earlyReturn(th, 10) })
	got := errText(err)
	ok := false
	for y := range 2 {
		for x := range 16 {
			want := "dc: kernel earlyReturn: divergent barrier: thread (10,0,0) of group " +
				dc.Dim3{x, y, 0}.String() + " returned while 63 threads wait at barrier (" + site(t, "early return") + ")"
			ok = ok || got == want
		}
	}
	if !ok {
		t.Errorf("error = %q, want the early return of thread (10,0,0) in some group", got)
	}
	checkNoLeak(t, before)
}

// checkNoLeak fails if goroutines started by the test are still running.
func checkNoLeak(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines before Emulate, %d after", before, n)
	}
}

func saxpy(t dc.Thread, a float32, x, y []float32) {
	if i := t.GlobalX(); i < len(y) {
		y[i] = a*x[i] + y[i]
	}
}

func TestPanicBecomesError(t *testing.T) {
	x := make([]float32, 517)
	y := make([]float32, 518)
	err := emulate(t, dc.Grid1D(len(y)), func(th dc.Thread) { saxpy(th, 2, x, y) })
	want := "dc: kernel saxpy: thread (5,0,0) of group (2,0,0): runtime error: index out of range [517] with length 517"
	if diff := cmp.Diff(want, errText(err)); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s", diff)
	}
	var re runtime.Error
	if !errors.As(err, &re) {
		t.Errorf("errors.As(%v, *runtime.Error) = false, want true", err)
	}
}

func TestPanicInClosureAndExplicitName(t *testing.T) {
	g := grid(dc.Dim3{3, 1, 1}, dc.Dim3{4, 1, 1})
	body := func(th dc.Thread) {
		d := th.GlobalX() - 9
		_ = 100 / d
	}
	err := emulate(t, g, body)
	want := "dc: kernel TestPanicInClosureAndExplicitName: thread (1,0,0) of group (2,0,0): runtime error: integer divide by zero"
	if diff := cmp.Diff(want, errText(err)); diff != "" {
		t.Errorf("Emulate error mismatch (-want +got):\n%s", diff)
	}
	err = dc.EmulateKernel("Div", g, body)
	want = "dc: kernel Div: thread (1,0,0) of group (2,0,0): runtime error: integer divide by zero"
	if diff := cmp.Diff(want, errText(err)); diff != "" {
		t.Errorf("EmulateKernel error mismatch (-want +got):\n%s", diff)
	}
}

// namedKernel is a kernel with Emulate's signature, passed directly.
func namedKernel(t dc.Thread) {
	if t.GlobalX() == 2 {
		panic("boom")
	}
}

func TestPanicInNamedKernel(t *testing.T) {
	err := emulate(t, dc.Grid1D(3), namedKernel)
	want := "dc: kernel namedKernel: thread (2,0,0) of group (0,0,0): boom"
	if diff := cmp.Diff(want, errText(err)); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s", diff)
	}
}

// TestPanicReleasesBarriers: one thread panics while the rest of its group
// and other groups wait at barriers; Emulate returns the panic promptly.
func TestPanicReleasesBarriers(t *testing.T) {
	before := runtime.NumGoroutine()
	var ran atomic.Int32
	g := grid(dc.Dim3{64, 1, 1}, dc.Dim3{128, 1, 1})
	err := emulate(t, g, func(th dc.Thread) {
		ran.Add(1)
		th.Barrier()
		if th.GroupX() == 1 && th.LocalX() == 100 {
			var s []int
			s[th.LocalX()] = 1
		}
		th.Barrier()
	})
	want := "dc: kernel TestPanicReleasesBarriers: thread (100,0,0) of group (1,0,0): runtime error: index out of range [100] with length 0"
	if diff := cmp.Diff(want, errText(err)); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s", diff)
	}
	if n := ran.Load(); n == 64*128 {
		t.Logf("all %d threads started before the panic stopped the launch", n)
	}
	checkNoLeak(t, before)
}

func TestGoexitInKernel(t *testing.T) {
	// Thread 32 runs on a worker goroutine, thread 40 on a runner.
	for _, c := range []struct {
		global int
		want   string
	}{
		{32, "dc: kernel TestGoexitInKernel: thread (0,0,0) of group (1,0,0): runtime.Goexit called"},
		{40, "dc: kernel TestGoexitInKernel: thread (8,0,0) of group (1,0,0): runtime.Goexit called"},
	} {
		before := runtime.NumGoroutine()
		g := grid(dc.Dim3{4, 1, 1}, dc.Dim3{32, 1, 1})
		err := emulate(t, g, func(th dc.Thread) {
			if th.GlobalX() == c.global {
				runtime.Goexit()
			}
			th.Barrier()
		})
		if diff := cmp.Diff(c.want, errText(err)); diff != "" {
			t.Errorf("error mismatch (-want +got):\n%s", diff)
		}
		checkNoLeak(t, before)
	}
}

func TestEmulateInvalidGrid(t *testing.T) {
	tests := []struct {
		g    dc.Grid
		want string
	}{
		{dc.Grid1D(0), "dc: kernel saxpy: grid has 0 groups in X"},
		{dc.Grid2D(4, -1), "dc: kernel saxpy: grid has 0 groups in Y"},
		{dc.Grid1D(4).WithGroupSize(1, 1, 0), "dc: kernel saxpy: grid has group size 0 in Z"},
	}
	for _, tt := range tests {
		ran := false
		err := dc.EmulateKernel("saxpy", tt.g, func(dc.Thread) { ran = true })
		if diff := cmp.Diff(tt.want, errText(err)); diff != "" {
			t.Errorf("EmulateKernel(%+v) mismatch (-want +got):\n%s", tt.g, diff)
		}
		if ran {
			t.Errorf("EmulateKernel(%+v) ran the kernel", tt.g)
		}
	}
	// A group too large to emulate is an error, not a failed allocation.
	for _, c := range []struct {
		size dc.Dim3
		want string
	}{
		{dc.Dim3{1<<31 - 1, 1<<31 - 1, 1}, "dc: kernel saxpy: grid group size (2147483647,2147483647,1) has 4611686014132420609 threads, more than Emulate runs (65536)"},
		{dc.Dim3{1 << 10, 1 << 10, 1}, "dc: kernel saxpy: grid group size (1024,1024,1) has 1048576 threads, more than Emulate runs (65536)"},
	} {
		ran := false
		g := dc.Grid{Groups: dc.Dim3{1, 1, 1}, GroupSize: c.size}
		err := dc.EmulateKernel("saxpy", g, func(dc.Thread) { ran = true })
		if diff := cmp.Diff(c.want, errText(err)); diff != "" {
			t.Errorf("EmulateKernel(%+v) mismatch (-want +got):\n%s", g, diff)
		}
		if ran {
			t.Errorf("EmulateKernel(%+v) ran the kernel", g)
		}
	}
	err := dc.Emulate(dc.Grid1D(0), namedKernel)
	if diff := cmp.Diff("dc: kernel namedKernel: grid has 0 groups in X", errText(err)); diff != "" {
		t.Errorf("Emulate mismatch (-want +got):\n%s", diff)
	}
	err = dc.Emulate(dc.Grid1D(1), nil)
	if diff := cmp.Diff("dc: kernel ?: nil kernel function", errText(err)); diff != "" {
		t.Errorf("Emulate(nil) mismatch (-want +got):\n%s", diff)
	}
}

func TestEmulateSaxpy(t *testing.T) {
	const n = 100_003
	x := make([]float32, n)
	y := make([]float32, n)
	for i := range x {
		x[i] = float32(i)
		y[i] = 1
	}
	if err := emulate(t, dc.Grid1D(n), func(th dc.Thread) { saxpy(th, 2, x, y) }); err != nil {
		t.Fatal(err)
	}
	for i, v := range y {
		if want := 2*float32(i) + 1; v != want {
			t.Fatalf("y[%d] = %v, want %v", i, v, want)
		}
	}
}

func BenchmarkEmulateSaxpy(b *testing.B) {
	const n = 1 << 20
	x := make([]float32, n)
	y := make([]float32, n)
	for b.Loop() {
		if err := dc.Emulate(dc.Grid1D(n), func(th dc.Thread) { saxpy(th, 2, x, y) }); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEmulateBlockSum(b *testing.B) {
	const n = 1 << 20
	in := make([]int32, n)
	g := dc.Grid1D(n)
	partial := make([]int32, g.Groups.X)
	out := make([]int32, 1)
	for b.Loop() {
		if err := dc.Emulate(g, func(th dc.Thread) { blockSum(th, in, partial, out) }); err != nil {
			b.Fatal(err)
		}
	}
}
