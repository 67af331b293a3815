package main

import (
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// TestDiffuse runs a few steps on every backend, on a plate whose sides
// are not multiples of the tile, and compares each snapshot with the
// serial Go reference and with dc.Emulate (real barriers and shared
// memory). The dialect allows x*y+z to be fused into one FMA, so values
// may differ in the last bits.
func TestDiffuse(t *testing.T) {
	p := Initial(45, 37)
	at := []int{1, 2, 5}
	var want, emulated []Plate
	ref, em := p, p
	for step := 1; step <= at[len(at)-1]; step++ {
		ref = Reference(ref, K)
		out := make([]float32, len(em.T))
		if err := dc.Emulate(dc.Grid2D(p.W, p.H), func(t dc.Thread) { Diffuse(t, em.T, out, p.W, p.H, K) }); err != nil {
			t.Fatal(err)
		}
		em = Plate{W: p.W, H: p.H, T: out}
		for _, n := range at {
			if n == step {
				want = append(want, ref)
				emulated = append(emulated, em)
			}
		}
	}
	for i := range want {
		kerneltest.Equal(t, "dc.Emulate", emulated[i].T, want[i].T)
	}
	kerneltest.Run(t, func(t *testing.T, dev *runtime.Device) {
		got, err := Simulate(dev, p, K, at)
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			kerneltest.Close32(t, "plate", got[i].T, want[i].T, 1e-6, 1e-6)
		}
	})
}
