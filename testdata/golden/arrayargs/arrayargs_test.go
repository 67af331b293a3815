package arrayargs

import (
	"fmt"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// Inputs are small integers, so every sum and product is exact in
// float32 in any order: results compare exactly.

func TestArgs(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for si, s := range []struct{ n, group int }{{1, 64}, {100, 64}, {1000, 256}} {
			name := fmt.Sprintf("%s n=%d group=%d", dev.Backend(), s.n, s.group)
			ints := kerneltest.RandInts(uint64(si), 8*s.n, -50, 50)
			ps := make([]P, s.n)
			rows := make([][4]float32, s.n)
			for i := range s.n {
				for j := range 4 {
					ps[i].V[j] = float32(ints[8*i+j])
					rows[i][j] = float32(ints[8*i+4+j])
				}
				ps[i].N = int32(i)
			}
			g := kerneltest.Grid1D(s.n, s.group)
			wOut, wMade := make([]float32, s.n), make([]P, s.n)
			if err := dc.Emulate(g, func(t dc.Thread) { Args(t, ps, rows, wOut, wMade) }); err != nil {
				t.Fatal(err)
			}
			pb, _ := runtime.BufferOf(dev, ps)
			rb, _ := runtime.BufferOf(dev, rows)
			ob, _ := runtime.NewBuffer[float32](dev, s.n)
			mb, _ := runtime.NewBuffer[P](dev, s.n)
			if err := LaunchArgs(dev, g, pb, rb, ob, mb); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			kerneltest.Equal(t, name+": out", kerneltest.Read(t, ob), wOut)
			kerneltest.Equal(t, name+": made", kerneltest.Read(t, mb), wMade)
			// bump must not have changed the arrays it was given.
			kerneltest.Equal(t, name+": ps", kerneltest.Read(t, pb), ps)
		}
	}
}

// TestParams passes arrays as kernel parameters and checks every backend
// against dc.Emulate and against the formula: a thread's change to its
// copy of an array parameter is its own.
func TestParams(t *testing.T) {
	taps := [5]float32{0.5, -1.25, 2, 3.75, -4}
	table := [2][3]int32{{10, -20, 30}, {-40, 50, -60}}
	ps := [2]P{{V: [4]float32{1, 2, 3, 4}, N: 7}, {V: [4]float32{-5, 6.5, -7, 8}, N: -3}}
	scratch := [3]int32{100, 200, 300}
	const n = 1000
	g := kerneltest.Grid1D(n, 128)
	want := make([]float32, n)
	if err := dc.Emulate(g, func(th dc.Thread) { Params(th, want, taps, table, ps, scratch) }); err != nil {
		t.Fatal(err)
	}
	for i, w := range want {
		v := taps[i%5] + float32(table[i%2][i%3]) + ps[i%2].V[i%4]*float32(ps[1-i%2].N)
		if f := v + float32(600+i); f != w {
			t.Fatalf("Emulate: out[%d] = %v, want %v", i, w, f)
		}
	}
	if scratch != [3]int32{100, 200, 300} {
		t.Fatalf("the caller's array changed: %v", scratch)
	}
	for _, dev := range kerneltest.Devices(t) {
		out, err := runtime.NewBuffer[float32](dev, n)
		if err != nil {
			t.Fatal(err)
		}
		if err := LaunchParams(dev, g, out, taps, table, ps, scratch); err != nil {
			t.Fatalf("%s: %v", dev.Backend(), err)
		}
		kerneltest.Equal(t, dev.Backend()+" Params", kerneltest.Read(t, out), want)
	}
}
