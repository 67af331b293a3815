package dc_test

import (
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/google/go-cmp/cmp"
)

// parallel runs f(i) for i in [0, n) on 8 goroutines.
func parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				f(i)
			}
		})
	}
	wg.Wait()
}

// iota32 returns [start, start+1, ..., start+n-1].
func iota32[T int32 | uint32 | float32](start T, n int) []T {
	s := make([]T, n)
	for i := range s {
		s[i] = start + T(i)
	}
	return s
}

func TestAtomicAdd(t *testing.T) {
	const n = 8000
	var (
		i32 int32 = -5
		u32 uint32
		f32 float32 = 0.5
	)
	oldI := make([]int32, n)
	oldU := make([]uint32, n)
	oldF := make([]float32, n)
	parallel(n, func(i int) {
		oldI[i] = dc.AtomicAdd(&i32, 1)
		oldU[i] = dc.AtomicAdd(&u32, 1)
		oldF[i] = dc.AtomicAdd(&f32, 1)
	})
	if i32 != n-5 || u32 != n || f32 != n+0.5 {
		t.Errorf("after %d adds of 1: int32 %d, uint32 %d, float32 %v; want %d, %d, %v", n, i32, u32, f32, n-5, n, n+0.5)
	}
	// Every old value is seen exactly once.
	slices.Sort(oldI)
	slices.Sort(oldU)
	slices.Sort(oldF)
	if diff := cmp.Diff(iota32[int32](-5, n), oldI); diff != "" {
		t.Errorf("int32 old values mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(iota32[uint32](0, n), oldU); diff != "" {
		t.Errorf("uint32 old values mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(iota32[float32](0.5, n), oldF); diff != "" {
		t.Errorf("float32 old values mismatch (-want +got):\n%s", diff)
	}

	// Wrapping and negative addends.
	var w int32 = math.MaxInt32
	if old := dc.AtomicAdd(&w, 1); old != math.MaxInt32 || w != math.MinInt32 {
		t.Errorf("AtomicAdd(MaxInt32, 1): old %d new %d, want %d %d", old, w, int32(math.MaxInt32), int32(math.MinInt32))
	}
	var u uint32 = 3
	if old := dc.AtomicAdd(&u, math.MaxUint32); old != 3 || u != 2 {
		t.Errorf("AtomicAdd(3, MaxUint32): old %d new %d, want 3 2", old, u)
	}
	var f float32 = 1
	if old := dc.AtomicAdd(&f, -0.25); old != 1 || f != 0.75 {
		t.Errorf("AtomicAdd(1, -0.25): old %v new %v, want 1 0.75", old, f)
	}
}

func TestAtomicAddFloat32InEmulate(t *testing.T) {
	// Many groups add integer values into one float32 and into a shared one:
	// exact, since every partial sum is an integer below 2^24.
	const n = 5000
	out := make([]float32, 2)
	err := emulate(t, dc.Grid1D(n), func(th dc.Thread) {
		s := dc.Shared[[1]float32](th)
		if i := th.GlobalX(); i < n {
			dc.AtomicAdd(&out[0], float32(i%7))
			dc.AtomicAdd(&s[0], float32(i%7))
		}
		th.Barrier()
		if th.LocalX() == 0 {
			dc.AtomicAdd(&out[1], s[0])
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	var want float32
	for i := range n {
		want += float32(i % 7)
	}
	if out[0] != want || out[1] != want {
		t.Errorf("sums = %v, want %v twice", out, want)
	}
}

func TestAtomicExchange(t *testing.T) {
	const n = 4000
	i32, u32, f32 := int32(-1), uint32(n), float32(-1)
	oldI := make([]int32, n)
	oldU := make([]uint32, n)
	oldF := make([]float32, n)
	parallel(n, func(i int) {
		oldI[i] = dc.AtomicExchange(&i32, int32(i))
		oldU[i] = dc.AtomicExchange(&u32, uint32(i))
		oldF[i] = dc.AtomicExchange(&f32, float32(i))
	})
	// The old values and the final value are the initial value and every
	// stored value, each once.
	allI := append(oldI, i32)
	allU := append(oldU, u32)
	allF := append(oldF, f32)
	slices.Sort(allI)
	slices.Sort(allU)
	slices.Sort(allF)
	if diff := cmp.Diff(iota32[int32](-1, n+1), allI); diff != "" {
		t.Errorf("int32 values mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(iota32[uint32](0, n+1), allU); diff != "" {
		t.Errorf("uint32 values mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(iota32[float32](-1, n+1), allF); diff != "" {
		t.Errorf("float32 values mismatch (-want +got):\n%s", diff)
	}
	nz := float32(math.Copysign(0, -1))
	f := float32(2)
	if old := dc.AtomicExchange(&f, nz); old != 2 || math.Float32bits(f) != math.Float32bits(nz) {
		t.Errorf("AtomicExchange(2, -0): old %v new bits %#x, want 2 %#x", old, math.Float32bits(f), math.Float32bits(nz))
	}
}

func TestAtomicMinMax(t *testing.T) {
	const n = 4000
	// Values -n/2..n/2-1 in a scrambled order.
	val := func(i int) int32 { return int32((i*7919)%n) - n/2 }
	minI, maxI := int32(math.MaxInt32), int32(math.MinInt32)
	minU, maxU := uint32(math.MaxUint32), uint32(0)
	olds := make([][4]int64, n)
	parallel(n, func(i int) {
		v := val(i)
		olds[i] = [4]int64{
			int64(dc.AtomicMin(&minI, v)),
			int64(dc.AtomicMax(&maxI, v)),
			int64(dc.AtomicMin(&minU, uint32(v+n))),
			int64(dc.AtomicMax(&maxU, uint32(v+n))),
		}
	})
	// Old values lie between the initial and the final value.
	for i, o := range olds {
		if o[0] < -n/2 || o[1] > n/2-1 || o[2] < n/2 || o[3] > n+n/2-1 {
			t.Errorf("thread %d: old values %v beyond the final min/max", i, o)
		}
	}
	if minI != -n/2 || maxI != n/2-1 || minU != n/2 || maxU != n+n/2-1 {
		t.Errorf("min/max = %d %d %d %d, want %d %d %d %d", minI, maxI, minU, maxU, -n/2, n/2-1, n/2, n+n/2-1)
	}

	// Old values, single-threaded.
	x := int32(5)
	if old := dc.AtomicMin(&x, 7); old != 5 || x != 5 {
		t.Errorf("AtomicMin(5, 7): old %d new %d, want 5 5", old, x)
	}
	if old := dc.AtomicMin(&x, -7); old != 5 || x != -7 {
		t.Errorf("AtomicMin(5, -7): old %d new %d, want 5 -7", old, x)
	}
	if old := dc.AtomicMax(&x, 3); old != -7 || x != 3 {
		t.Errorf("AtomicMax(-7, 3): old %d new %d, want -7 3", old, x)
	}
	u := uint32(1)
	if old := dc.AtomicMax(&u, math.MaxUint32); old != 1 || u != math.MaxUint32 {
		t.Errorf("AtomicMax(1, MaxUint32): old %d new %d, want 1 %d", old, u, uint32(math.MaxUint32))
	}
	if old := dc.AtomicMin(&u, 0); old != math.MaxUint32 || u != 0 {
		t.Errorf("AtomicMin(MaxUint32, 0): old %d new %d, want %d 0", old, u, uint32(math.MaxUint32))
	}
}

func TestAtomicCAS(t *testing.T) {
	x := int32(4)
	if old := dc.AtomicCAS(&x, 3, 9); old != 4 || x != 4 {
		t.Errorf("AtomicCAS(4, 3, 9): old %d new %d, want 4 4", old, x)
	}
	if old := dc.AtomicCAS(&x, 4, -9); old != 4 || x != -9 {
		t.Errorf("AtomicCAS(4, 4, -9): old %d new %d, want 4 -9", old, x)
	}
	u := uint32(math.MaxUint32)
	if old := dc.AtomicCAS(&u, math.MaxUint32, 1); old != math.MaxUint32 || u != 1 {
		t.Errorf("AtomicCAS(MaxUint32, MaxUint32, 1): old %d new %d, want %d 1", old, u, uint32(math.MaxUint32))
	}

	// A CAS loop increments exactly; the old values a winning CAS returns
	// are each value once.
	const n = 4000
	var ci int32
	var cu uint32
	wonI := make([]int32, n)
	wonU := make([]uint32, n)
	parallel(n, func(i int) {
		for {
			cur := dc.AtomicAdd(&ci, 0) // an atomic read
			if dc.AtomicCAS(&ci, cur, cur+1) == cur {
				wonI[i] = cur
				break
			}
		}
		for {
			cur := dc.AtomicAdd(&cu, 0)
			if dc.AtomicCAS(&cu, cur, cur+1) == cur {
				wonU[i] = cur
				break
			}
		}
	})
	slices.Sort(wonI)
	slices.Sort(wonU)
	if ci != n || cu != n {
		t.Errorf("CAS counters = %d %d, want %d", ci, cu, n)
	}
	if diff := cmp.Diff(iota32[int32](0, n), wonI); diff != "" {
		t.Errorf("int32 CAS old values mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(iota32[uint32](0, n), wonU); diff != "" {
		t.Errorf("uint32 CAS old values mismatch (-want +got):\n%s", diff)
	}
}
