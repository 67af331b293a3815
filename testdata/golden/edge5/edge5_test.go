package edge5

import (
	"fmt"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// read copies b into a new slice.
// buf copies xs to dev.

func TestSwitchTag(t *testing.T) {
	const n = 300
	ctr := kerneltest.RandInts[int32](1, 4*n, -6, 6)
	g := dc.Grid1D(n)
	wc, wo := append([]int32(nil), ctr...), make([]int32, n)
	if err := dc.Emulate(g, func(th dc.Thread) { SwitchTag(th, wc, wo) }); err != nil {
		t.Fatal(err)
	}
	for _, dev := range kerneltest.Devices(t) {
		cb, ob := kerneltest.Upload(t, dev, ctr), kerneltest.Upload(t, dev, make([]int32, n))
		if err := LaunchSwitchTag(dev, g, cb, ob); err != nil {
			t.Fatal(err)
		}
		kerneltest.Equal(t, dev.Backend()+": ctr", kerneltest.Read(t, cb), wc)
		kerneltest.Equal(t, dev.Backend()+": out", kerneltest.Read(t, ob), wo)
	}
}

func TestFloats(t *testing.T) {
	a := append([]float32{0, 1, -1, 0.5, -0.5, 1.5, -1.5, 2.5, 99.75, -99.75, 1e-8, -1e-8},
		kerneltest.Rand32(1, 300, -100, 100)...)
	n := len(a)
	g := dc.Grid1D(n)
	w32, w64 := make([]float32, 8*n), make([]float64, 4*n)
	if err := dc.Emulate(g, func(th dc.Thread) { Floats(th, a, w32, w64) }); err != nil {
		t.Fatal(err)
	}
	for _, dev := range kerneltest.Devices(t) {
		kerneltest.NeedFloat64(t, dev)
		ab, ob, o64 := kerneltest.Upload(t, dev, a), kerneltest.Upload(t, dev, make([]float32, 8*n)), kerneltest.Upload(t, dev, make([]float64, 4*n))
		if err := LaunchFloats(dev, g, ab, ob, o64); err != nil {
			t.Fatal(err)
		}
		kerneltest.Equal(t, dev.Backend()+": float32", kerneltest.Read(t, ob), w32)
		kerneltest.Equal(t, dev.Backend()+": float64", kerneltest.Read(t, o64), w64)
	}
}

func TestStructs(t *testing.T) {
	a := append([]int32{0, 1, -1, 65535, 32768, -32768, 255, 256},
		kerneltest.RandInts[int32](1, 300, -1<<31, 1<<31-1)...)
	n := len(a)
	vs := make([]Vec, n)
	for i := range vs {
		vs[i] = Vec{N: int32(i), V: [4]int32{int32(i), -int32(i), 7, a[i]}}
	}
	g := dc.Grid1D(n)
	wv, wo := append([]Vec(nil), vs...), make([]int32, 6*n)
	if err := dc.Emulate(g, func(th dc.Thread) { Structs(th, a, wv, wo) }); err != nil {
		t.Fatal(err)
	}
	for _, dev := range kerneltest.Devices(t) {
		ab, vb, ob := kerneltest.Upload(t, dev, a), kerneltest.Upload(t, dev, vs), kerneltest.Upload(t, dev, make([]int32, 6*n))
		if err := LaunchStructs(dev, g, ab, vb, ob); err != nil {
			t.Fatal(err)
		}
		kerneltest.Equal(t, dev.Backend()+": vs", kerneltest.Read(t, vb), wv)
		kerneltest.Equal(t, dev.Backend()+": out", kerneltest.Read(t, ob), wo)
	}
}

func TestShared(t *testing.T) {
	const n = 4 * groupSize
	a := kerneltest.RandInts[int32](1, n, -1000, 1000)
	g := kerneltest.Grid1D(n, groupSize)
	for ki, k := range []struct {
		emul   func(dc.Thread, []int32, []int32)
		launch func(*runtime.Device, dc.Grid, *runtime.Buffer[int32], *runtime.Buffer[int32]) error
	}{{SharedA, LaunchSharedA}, {SharedB, LaunchSharedB}} {
		want := make([]int32, n)
		if err := dc.Emulate(g, func(th dc.Thread) { k.emul(th, a, want) }); err != nil {
			t.Fatal(err)
		}
		for _, dev := range kerneltest.Devices(t) {
			ab, ob := kerneltest.Upload(t, dev, a), kerneltest.Upload(t, dev, make([]int32, n))
			if err := k.launch(dev, g, ab, ob); err != nil {
				t.Fatal(err)
			}
			kerneltest.Equal(t, fmt.Sprintf("%s: kernel %d", dev.Backend(), ki), kerneltest.Read(t, ob), want)
		}
	}
}
