package evalorder

import (
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// Every result here is an integer: compared exactly, and against values
// worked out by hand from Go's rules.

func TestTupleIndex(t *testing.T) {
	wantOut := []int64{7, 0, 1, 0}
	wantOther := []int64{5, 0, 0}
	emuOut, emuOther := make([]int64, 4), make([]int64, 3)
	if err := dc.Emulate(dc.Grid1D(1), func(th dc.Thread) { TupleIndex(th, emuOut, emuOther) }); err != nil {
		t.Fatal(err)
	}
	// s, s[1] = other, 9 stores 9 into the old s (out), then s[0] = 5 into other.
	wantOut[1] = 9
	kerneltest.Equal(t, "Emulate out", emuOut, wantOut)
	kerneltest.Equal(t, "Emulate other", emuOther, wantOther)
	for _, dev := range kerneltest.Devices(t) {
		out, err := runtime.NewBuffer[int64](dev, 4)
		if err != nil {
			t.Fatal(err)
		}
		other, err := runtime.NewBuffer[int64](dev, 3)
		if err != nil {
			t.Fatal(err)
		}
		if err := LaunchTupleIndex(dev, dc.Grid1D(1), out, other); err != nil {
			t.Fatal(err)
		}
		got, gotOther := make([]int64, 4), make([]int64, 3)
		if err := out.Read(got); err != nil {
			t.Fatal(err)
		}
		if err := other.Read(gotOther); err != nil {
			t.Fatal(err)
		}
		kerneltest.Equal(t, dev.Backend()+": out", got, wantOut)
		kerneltest.Equal(t, dev.Backend()+": other", gotOther, wantOther)
	}
}

func TestRanges(t *testing.T) {
	const n = 300 // not a multiple of the group size
	a, b := make([]int64, n), []int64{5, 6}
	for i := range a {
		a[i] = int64(i % 7)
	}
	wantArr, wantRe := make([]int64, n), make([]int64, n)
	if err := dc.Emulate(dc.Grid1D(n), func(th dc.Thread) {
		RangeArray(th, a, wantArr)
		RangeReassign(th, a[:4], b, wantRe)
	}); err != nil {
		t.Fatal(err)
	}
	// By hand for a[i] = 1: v = 1, 2, 3 (the copy); arr[2] = 3 + 10*2 = 23.
	if got := wantArr[1]; got != 1002003+23 {
		t.Fatalf("Emulate RangeArray(1) = %d, want %d", got, 1002003+23)
	}
	// a[:4] = 0 1 2 3 summed in base 10, plus len(b) = 2.
	if got := wantRe[0]; got != 123+2 {
		t.Fatalf("Emulate RangeReassign = %d, want 125", got)
	}
	for _, dev := range kerneltest.Devices(t) {
		ab, err := runtime.BufferOf(dev, a)
		if err != nil {
			t.Fatal(err)
		}
		a4, err := runtime.BufferOf(dev, a[:4])
		if err != nil {
			t.Fatal(err)
		}
		bb, err := runtime.BufferOf(dev, b)
		if err != nil {
			t.Fatal(err)
		}
		outArr, err := runtime.NewBuffer[int64](dev, n)
		if err != nil {
			t.Fatal(err)
		}
		outRe, err := runtime.NewBuffer[int64](dev, n)
		if err != nil {
			t.Fatal(err)
		}
		if err := LaunchRangeArray(dev, dc.Grid1D(n), ab, outArr); err != nil {
			t.Fatal(err)
		}
		if err := LaunchRangeReassign(dev, dc.Grid1D(n), a4, bb, outRe); err != nil {
			t.Fatal(err)
		}
		got := make([]int64, n)
		if err := outArr.Read(got); err != nil {
			t.Fatal(err)
		}
		kerneltest.Equal(t, dev.Backend()+": RangeArray", got, wantArr)
		if err := outRe.Read(got); err != nil {
			t.Fatal(err)
		}
		kerneltest.Equal(t, dev.Backend()+": RangeReassign", got, wantRe)
	}
}
