package main

import (
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// flat returns the positions and velocities of s as one slice of floats.
func flat(s System) []float32 {
	var out []float32
	for i, p := range s.Pos {
		v := s.Vel[i]
		out = append(out, p.X, p.Y, p.Z, p.M, v.X, v.Y, v.Z)
	}
	return out
}

// TestStep runs a few steps on every backend with a number of bodies that
// leaves the last tile partly empty, and compares the bodies with the
// serial Go reference and with dc.Emulate (real barriers and shared
// memory). Sums of forces may be fused into FMAs and square roots differ
// by an ulp between targets, so the comparison allows small errors.
func TestStep(t *testing.T) {
	s := Galaxies(300)
	at := []int{1, 3}
	var want, emulated []System
	ref, em := s, s
	for step := 1; step <= at[len(at)-1]; step++ {
		ref = Reference(ref)
		next := System{Pos: make([]Body, len(s.Pos)), Vel: append([]Vec(nil), em.Vel...)}
		if err := dc.Emulate(dc.Grid1D(len(s.Pos)), func(t dc.Thread) { Step(t, em.Pos, next.Vel, next.Pos, DT, Eps2) }); err != nil {
			t.Fatal(err)
		}
		em = next
		for _, n := range at {
			if n == step {
				want = append(want, ref)
				emulated = append(emulated, em)
			}
		}
	}
	for i := range want {
		kerneltest.Equal(t, "dc.Emulate", flat(emulated[i]), flat(want[i]))
	}
	kerneltest.Run(t, func(t *testing.T, dev *runtime.Device) {
		got, err := Simulate(dev, s, at)
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			kerneltest.Close32(t, "bodies", flat(got[i]), flat(want[i]), 1e-5, 1e-5)
		}
	})
}
