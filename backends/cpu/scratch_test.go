package cpu_test

import (
	"errors"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/backends/cpu"
	"github.com/dotcompute/dc/runtime"
)

// TestScratch checks a Scratch hands out the same memory for the same slot
// and type, grows a per-thread slice when asked for more, and allocates
// nothing in the steady state. (The pool itself is a sync.Pool, which may
// drop a Scratch at a garbage collection.)
func TestScratch(t *testing.T) {
	var pool cpu.Scratches
	m := pool.Get()
	sh := cpu.Shared[[4]int32](m, 0)
	pt := cpu.PerThread[float32](m, 1, 8)
	sh[2], pt[7] = 5, 1.5
	if got := cpu.Shared[[4]int32](m, 0); got != sh || got[2] != 5 {
		t.Errorf("Shared: a new array or lost value")
	}
	if got := cpu.PerThread[float32](m, 1, 4); len(got) != 4 || &got[0] != &pt[0] {
		t.Errorf("PerThread(4) after PerThread(8): len %d, not the same memory", len(got))
	}
	if got := cpu.PerThread[float32](m, 1, 16); len(got) != 16 {
		t.Errorf("PerThread(16): len %d", len(got))
	}
	if got := cpu.PerThread[int64](m, 1, 4); len(got) != 4 {
		t.Errorf("PerThread of another type in the slot: len %d", len(got))
	}
	allocs := testing.AllocsPerRun(100, func() {
		_ = cpu.Shared[[4]int32](m, 0)
		_ = cpu.PerThread[int64](m, 1, 4)
	})
	pool.Put(m)
	if allocs != 0 {
		t.Errorf("steady state: %v allocations, want 0", allocs)
	}
}

// TestGroupAtomics checks the plain atomics return the old value and
// store what dc's atomics store.
func TestGroupAtomics(t *testing.T) {
	x := int32(5)
	if old := cpu.GroupAdd(&x, 3); old != 5 || x != 8 {
		t.Errorf("GroupAdd: old %d, x %d", old, x)
	}
	if old := cpu.GroupMin(&x, 2); old != 8 || x != 2 {
		t.Errorf("GroupMin: old %d, x %d", old, x)
	}
	if old := cpu.GroupMax(&x, 1); old != 2 || x != 2 {
		t.Errorf("GroupMax: old %d, x %d", old, x)
	}
	if old := cpu.GroupCAS(&x, 2, 9); old != 2 || x != 9 {
		t.Errorf("GroupCAS hit: old %d, x %d", old, x)
	}
	if old := cpu.GroupCAS(&x, 2, 7); old != 9 || x != 9 {
		t.Errorf("GroupCAS miss: old %d, x %d", old, x)
	}
	f := float32(1.5)
	if old := cpu.GroupExchange(&f, 2.5); old != 1.5 || f != 2.5 {
		t.Errorf("GroupExchange: old %v, f %v", old, f)
	}
}

// TestRunCall checks RunCall runs every group once with the Call, reads
// arguments from it, and recovers a panic into a *PanicError naming the
// kernel.
func TestRunCall(t *testing.T) {
	withProcs(t, 4)
	xs := []float32{1, 2, 3}
	c := &runtime.Call{
		Kernel: &runtime.Kernel{Name: "K"},
		Grid:   dc.Grid1D(1<<20).WithGroupSize(256, 1, 1),
		Args: []runtime.CallArg{
			{Host: []byte{0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40}, Len: 3},
			{Scalar: []byte{7, 0, 0, 0, 0, 0, 0, 0}},
		},
	}
	counts := make([]int32, c.Grid.Groups.X)
	if err := cpu.RunCall(c, func(c *runtime.Call, g0, g1 int) {
		s := cpu.SliceArg[float32](c, 0)
		if len(s) != 3 || s[2] != xs[2] || cpu.ScalarArg[int64](c, 1) != 7 {
			panic("wrong arguments")
		}
		for g := g0; g < g1; g++ {
			counts[g]++
		}
	}); err != nil {
		t.Fatal(err)
	}
	for g, n := range counts {
		if n != 1 {
			t.Fatalf("group %d ran %d times", g, n)
		}
	}
	err := cpu.RunCall(c, func(c *runtime.Call, g0, g1 int) {
		if g0 > 0 {
			panic("boom")
		}
	})
	var pe *cpu.PanicError
	if !errors.As(err, &pe) || pe.Kernel != "K" || pe.Value != "boom" {
		t.Errorf("panic: %v, want a *PanicError of kernel K", err)
	}
}
