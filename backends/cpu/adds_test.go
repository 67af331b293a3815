package cpu

import (
	"math"
	"testing"
	"unsafe"

	"github.com/dotcompute/dc/runtime"
)

// bytesOf returns the memory of s.
func bytesOf[T any](s []T) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(s[0])))
}

// TestAdds checks that a chunk's combined adds end in memory as single
// atomic adds would: with elements that share a slot, sums that wrap
// around, and once Done has run.
func TestAdds(t *testing.T) {
	hist := make([]int32, 3*addSlots)
	counts := make([]uint32, 4)
	other := make([]int32, 8)
	c := &runtime.Call{Args: []runtime.CallArg{
		{Host: bytesOf(hist), Len: len(hist)},
		{Host: bytesOf(counts), Len: len(counts)},
		{Host: bytesOf(other), Len: len(other)},
	}}
	want := make([]int32, len(hist))
	a := NewAdds(c, 0, 1)
	if !a.on {
		t.Fatal("NewAdds: buffers that overlap no other do not combine")
	}
	for r := range 5 {
		for j := range hist {
			// Elements j, j+addSlots and j+2·addSlots share a slot.
			v := int32(j%7 - 3 + r)
			a.Int32(&hist[j], v)
			want[j] += v
		}
	}
	a.Int32(&hist[1], math.MaxInt32)
	a.Int32(&hist[1], 2)
	want[1] += math.MaxInt32
	want[1] += 2
	a.Uint32(&counts[3], math.MaxUint32)
	a.Uint32(&counts[3], 5)
	a.Done()
	for j := range hist {
		if hist[j] != want[j] {
			t.Fatalf("hist[%d] = %d, want %d", j, hist[j], want[j])
		}
	}
	if counts[3] != 4 {
		t.Errorf("counts[3] = %d, want 4 (wrapped around)", counts[3])
	}

	// A pooled Adds starts empty.
	b := NewAdds(c, 0)
	b.Done()
	if hist[5] != want[5] {
		t.Errorf("an empty Adds changed hist[5] to %d, want %d", hist[5], want[5])
	}
}

// TestAddsAliased checks that an Adds whose buffer overlaps another
// argument adds to memory at once: the kernel may read it through the
// other parameter.
func TestAddsAliased(t *testing.T) {
	mem := make([]int32, 16)
	c := &runtime.Call{Args: []runtime.CallArg{
		{Host: bytesOf(mem[4:]), Len: 12},
		{Host: bytesOf(mem[:5]), Len: 5},
	}}
	a := NewAdds(c, 0)
	if a.on {
		t.Fatal("NewAdds combines adds to a buffer that overlaps another argument")
	}
	a.Int32(&mem[4], 3)
	if mem[4] != 3 {
		t.Errorf("mem[4] = %d before Done, want 3", mem[4])
	}
	a.Done()
	if mem[4] != 3 {
		t.Errorf("mem[4] = %d after Done, want 3", mem[4])
	}
	c.Args[1].Host = bytesOf(mem[:4]) // adjacent, not overlapping
	b := NewAdds(c, 0)
	defer b.Done()
	if !b.on {
		t.Error("NewAdds does not combine adds to a buffer that only borders another")
	}
}

// TestAddsAllocs checks that a chunk's Adds comes from a pool.
func TestAddsAllocs(t *testing.T) {
	hist := make([]int32, 4)
	c := &runtime.Call{Args: []runtime.CallArg{{Host: bytesOf(hist), Len: len(hist)}}}
	n := testing.AllocsPerRun(100, func() {
		a := NewAdds(c, 0)
		a.Int32(&hist[0], 1)
		a.Done()
	})
	if n != 0 {
		t.Errorf("NewAdds and Done allocate %v times per chunk, want 0", n)
	}
	if hist[0] != 101 {
		t.Errorf("hist[0] = %d, want 101", hist[0])
	}
}
