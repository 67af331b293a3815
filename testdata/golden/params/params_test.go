package params

import (
	"fmt"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// Integers only: everything compares exactly.

func TestMutate(t *testing.T) {
	p := P{A: [2]int32{1, 2}, N: 3}
	xs := []int32{7, 8, 9}
	for _, dev := range kerneltest.Devices(t) {
		for _, s := range []struct{ n, group int }{{2, 2}, {37, 8}, {300, 64}} {
			name := fmt.Sprintf("%s n=%d group=%d", dev.Backend(), s.n, s.group)
			g := kerneltest.Grid1D(s.n, s.group)
			want := make([]int32, 6*s.n)
			if err := dc.Emulate(g, func(t dc.Thread) { Mutate(t, 7, p, xs, want) }); err != nil {
				t.Fatal(err)
			}
			xb, _ := runtime.BufferOf(dev, xs)
			ob, _ := runtime.NewBuffer[int32](dev, 6*s.n)
			if err := LaunchMutate(dev, g, 7, p, xb, ob); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			kerneltest.Equal(t, name, kerneltest.Read(t, ob), want)
		}
	}
}

func TestGrouped(t *testing.T) {
	p := P{A: [2]int32{1, 2}, N: 3}
	for _, dev := range kerneltest.Devices(t) {
		for _, s := range []struct{ n, group int }{{5, 4}, {100, 64}} {
			name := fmt.Sprintf("%s n=%d group=%d", dev.Backend(), s.n, s.group)
			g := kerneltest.Grid1D(s.n, s.group)
			want := make([]int32, s.n)
			if err := dc.Emulate(g, func(t dc.Thread) { Grouped(t, 5, p, want) }); err != nil {
				t.Fatal(err)
			}
			ob, _ := runtime.NewBuffer[int32](dev, s.n)
			if err := LaunchGrouped(dev, g, 5, p, ob); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			kerneltest.Equal(t, name, kerneltest.Read(t, ob), want)
		}
	}
}
