package opencl

import (
	"slices"
	"strings"
	"testing"

	dcruntime "github.com/dotcompute/dc/runtime"
)

// TestCopy copies between buffers on the device with clEnqueueCopyBuffer:
// whole, into a longer buffer, and refused for overlapping regions of one
// allocation.
func TestCopy(t *testing.T) {
	dev := openOrSkip(t)
	xs := []int32{1, 2, 3, 4, 5, 6, 7, 8}
	x, err := dcruntime.BufferOf(dev, xs)
	if err != nil {
		t.Fatal(err)
	}
	y, err := dcruntime.NewBuffer[int32](dev, 8)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := dcruntime.Copy(y, x); err != nil || n != 8 {
		t.Fatalf("Copy = %d, %v", n, err)
	}
	long, err := dcruntime.BufferOf(dev, []int32{-1, -1, -1, -1, -1, -1, -1, -1, -1, -1})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := dcruntime.Copy(long, y); err != nil || n != 8 {
		t.Fatalf("Copy into a longer buffer = %d, %v", n, err)
	}
	got := make([]int32, 10)
	if err := long.Read(got); err != nil {
		t.Fatal(err)
	}
	if want := append(slices.Clone(xs), -1, -1); !slices.Equal(got, want) {
		t.Errorf("copy = %v, want %v", got, want)
	}
	if st := dev.Stats(); st.DeviceToDevice != 2 || st.BytesDeviceToDevice != 64 {
		t.Errorf("stats %+v: want two 32-byte device copies", st)
	}

	b := openBackendOrSkip(t)
	m, err := b.Alloc(64)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Free()
	mem := m.(*memory)
	if err := mem.Copy(8, mem, 0, 16); err == nil || !strings.Contains(err.Error(), "overlap") {
		t.Errorf("overlapping copy: %v", err)
	}
	if err := mem.Copy(32, mem, 0, 16); err != nil {
		t.Errorf("copy within one buffer: %v", err)
	}
	if err := mem.Copy(60, mem, 0, 16); err == nil || !strings.Contains(err.Error(), "outside") {
		t.Errorf("copy past the end: %v", err)
	}
}
