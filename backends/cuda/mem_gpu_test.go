package cuda

import (
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/runtime"
)

// TestGPUViewsFillPool launches the fill kernel on a view at an odd
// element offset (CUDA views are the pointer plus the offset), fills on
// the device and from the host, and reuses a pooled block, which must come
// back zeroed.
func TestGPUViewsFillPool(t *testing.T) {
	dev := gpuOrSkip(t)
	const n = 1000
	x, err := runtime.NewBuffer[int32](dev, n)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Fill(-1); err != nil { // bytes all 0xff: cuMemsetD8Async
		t.Fatal(err)
	}
	v, err := x.Slice(3, 13)
	if err != nil {
		t.Fatal(err)
	}
	if err := dev.Launch(fillKernel, dc.Grid1D(v.Len()), []runtime.Arg{v, runtime.Scalar(int32(100))}, nil); err != nil {
		t.Fatal(err)
	}
	got := make([]int32, n)
	if err := x.Read(got); err != nil {
		t.Fatal(err)
	}
	for i, g := range got {
		want := int32(-1)
		if i >= 3 && i < 13 {
			want = int32(100 + i - 3)
		}
		if g != want {
			t.Fatalf("x[%d] = %d, want %d", i, g, want)
		}
	}
	w, _ := x.Slice(500, 600)
	if err := w.Fill(0x01020304); err != nil { // unequal bytes: written from the host
		t.Fatal(err)
	}
	part := make([]int32, 3)
	if err := x.ReadAt(part, 499); err != nil {
		t.Fatal(err)
	}
	if part[0] != -1 || part[1] != 0x01020304 || part[2] != 0x01020304 {
		t.Errorf("after Fill of view [500:600]: %v", part)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	y, err := runtime.NewBuffer[int32](dev, n)
	if err != nil {
		t.Fatal(err)
	}
	if st := dev.PoolStats(); st.Hits != 1 {
		t.Errorf("NewBuffer of a closed buffer's size: %v, want a hit", st)
	}
	if err := y.Read(got); err != nil {
		t.Fatal(err)
	}
	for i, g := range got {
		if g != 0 {
			t.Fatalf("reused block: y[%d] = %d, want 0", i, g)
		}
	}
}
