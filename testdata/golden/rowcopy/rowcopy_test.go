package rowcopy

import (
	"math"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
)

// Every kernel runs on every device at several sizes and group sizes,
// partial last groups and whole groups past the data included, and must
// agree with dc.Emulate exactly (float32 results bit for bit: the kernels
// only move values, and copy must keep NaN payloads and signed zeros).

func grid(groups, size int) dc.Grid {
	return dc.Grid{Groups: dc.Dim3{X: groups, Y: 1, Z: 1}, GroupSize: dc.Dim3{X: size, Y: 1, Z: 1}}
}

// shapes are the 1-D launches: group size, groups, length of the data.
var shapes = []struct{ size, groups, n int }{
	{64, 4, 256},  // whole groups
	{64, 5, 300},  // a partial last group
	{48, 6, 200},  // groups smaller than the shared arrays, whole groups past the data
	{1, 7, 5},     // one thread per group
	{64, 1, 0},    // no data
	{32, 3, 96},   // whole groups of a smaller size
	{64, 3, 1000}, // more data than threads
}

func TestStage(t *testing.T) {
	for _, s := range shapes {
		g := grid(s.groups, s.size)
		in := kerneltest.Special32(7, s.n, -100, 100)
		want := make([]float32, s.size*s.groups)
		if err := dc.Emulate(g, func(th dc.Thread) { Stage(th, in, want) }); err != nil {
			t.Fatal(err)
		}
		for _, dev := range kerneltest.Devices(t) {
			out := kerneltest.Upload(t, dev, make([]float32, len(want)))
			if err := LaunchStage(dev, g, kerneltest.Upload(t, dev, in), out); err != nil {
				t.Fatalf("%s: %v", dev.Backend(), err)
			}
			kerneltest.Bits32(t, dev.Backend()+" Stage", kerneltest.Read(t, out), want)
		}
	}
}

func TestWindow(t *testing.T) {
	for _, s := range shapes {
		g := grid(s.groups, s.size)
		in := kerneltest.RandInts[int32](3, s.n, -1000, 1000)
		for _, w := range [][3]int{{-1, 1 << 40, 1 << 40}, {10, 70, 1 << 40}, {30, 200, 150}, {-5, -2, 100}, {200, 100, 300}, {math.MinInt, math.MaxInt, math.MaxInt}} {
			lo, hi, n := w[0], w[1], w[2]
			want := make([]int32, s.size*s.groups)
			if err := dc.Emulate(g, func(th dc.Thread) { Window(th, in, want, lo, hi, n) }); err != nil {
				t.Fatal(err)
			}
			for _, dev := range kerneltest.Devices(t) {
				out := kerneltest.Upload(t, dev, make([]int32, len(want)))
				if err := LaunchWindow(dev, g, kerneltest.Upload(t, dev, in), out, lo, hi, n); err != nil {
					t.Fatalf("%s: %v", dev.Backend(), err)
				}
				kerneltest.Equal(t, dev.Backend()+" Window", kerneltest.Read(t, out), want)
			}
		}
	}
}

func TestShifts(t *testing.T) {
	for _, s := range shapes {
		g := grid(s.groups, s.size)
		in := kerneltest.RandInts[int32](5, s.n, -50, 50)
		want := make([]int32, 2*s.size*s.groups)
		if err := dc.Emulate(g, func(th dc.Thread) { Shifts(th, in, want) }); err != nil {
			t.Fatal(err)
		}
		// The scans themselves, computed here.
		for gr := range s.groups {
			var left int32
			for l := range s.size {
				if i := gr*s.size + l; i < s.n {
					left += in[i]
				}
				if got := want[2*(gr*s.size+l)]; got != left {
					t.Fatalf("Emulate: left scan of group %d thread %d = %d, want %d", gr, l, got, left)
				}
			}
		}
		for _, dev := range kerneltest.Devices(t) {
			out := kerneltest.Upload(t, dev, make([]int32, len(want)))
			if err := LaunchShifts(dev, g, kerneltest.Upload(t, dev, in), out); err != nil {
				t.Fatalf("%s: %v", dev.Backend(), err)
			}
			kerneltest.Equal(t, dev.Backend()+" Shifts", kerneltest.Read(t, out), want)
		}
	}
}

func TestHold(t *testing.T) {
	for _, s := range shapes {
		g := grid(s.groups, s.size)
		in := kerneltest.RandInts[int32](9, s.n, -1<<20, 1<<20)
		for _, on := range []bool{true, false} {
			want := make([]int32, s.size*s.groups)
			if err := dc.Emulate(g, func(th dc.Thread) { Hold(th, in, want, on) }); err != nil {
				t.Fatal(err)
			}
			for _, dev := range kerneltest.Devices(t) {
				out := kerneltest.Upload(t, dev, make([]int32, len(want)))
				if err := LaunchHold(dev, g, kerneltest.Upload(t, dev, in), out, on); err != nil {
					t.Fatalf("%s: %v", dev.Backend(), err)
				}
				kerneltest.Equal(t, dev.Backend()+" Hold", kerneltest.Read(t, out), want)
			}
		}
	}
}

func TestTile(t *testing.T) {
	for _, s := range []struct{ n, m, gx, gy int }{
		{16, 16, 2, 2}, // whole tiles
		{13, 21, 2, 3}, // partial tiles on both sides
		{5, 3, 3, 2},   // tiles past the data
		{0, 4, 1, 1},   // no columns
	} {
		g := dc.Grid{Groups: dc.Dim3{X: s.gx, Y: s.gy, Z: 1}, GroupSize: dc.Dim3{X: T, Y: T, Z: 1}}
		in := kerneltest.Special32(8, s.n*s.m, -100, 100)
		want := make([]float32, s.n*s.m)
		if err := dc.Emulate(g, func(th dc.Thread) { Tile(th, in, want, s.n, s.m) }); err != nil {
			t.Fatal(err)
		}
		// The transpose itself, where the grid covers it.
		for r := range min(s.m, s.gy*T) {
			for c := range min(s.n, s.gx*T) {
				if got, w := math.Float32bits(want[c*s.m+r]), math.Float32bits(in[r*s.n+c]); got != w {
					t.Fatalf("Emulate: out[%d][%d] = %#x, want %#x", c, r, got, w)
				}
			}
		}
		for _, dev := range kerneltest.Devices(t) {
			out := kerneltest.Upload(t, dev, make([]float32, len(want)))
			if err := LaunchTile(dev, g, kerneltest.Upload(t, dev, in), out, s.n, s.m); err != nil {
				t.Fatalf("%s: %v", dev.Backend(), err)
			}
			kerneltest.Bits32(t, dev.Backend()+" Tile", kerneltest.Read(t, out), want)
		}
	}
}

// TestSpill checks that every group of the CPU backend starts with zeroed
// shared memory, as under dc.Emulate, where the first thread loop only
// writes the elements below the group's size.
func TestSpill(t *testing.T) {
	for _, s := range shapes {
		g := grid(s.groups, s.size)
		in := kerneltest.RandInts[int32](13, s.n, 1, 100)
		want := make([]int32, s.size*s.groups)
		if err := dc.Emulate(g, func(th dc.Thread) { Spill(th, in, want) }); err != nil {
			t.Fatal(err)
		}
		// Past the group's threads the mirrored element is zero.
		for gr := range s.groups {
			for l := range s.size {
				if G-1-l >= s.size {
					i := gr*s.size + l
					var v int32
					if i < s.n {
						v = in[i]
					}
					if want[i] != v {
						t.Fatalf("Emulate: out[%d] = %d, want %d", i, want[i], v)
					}
				}
			}
		}
		for _, dev := range kerneltest.Devices(t) {
			if dev.Backend() != "cpu" {
				// GPU backends leave shared memory as the last group left
				// it, as CUDA, OpenCL and Metal do.
				t.Logf("%s: not run: Spill reads shared memory no thread of its group wrote", dev.Backend())
				continue
			}
			out := kerneltest.Upload(t, dev, make([]int32, len(want)))
			if err := LaunchSpill(dev, g, kerneltest.Upload(t, dev, in), out); err != nil {
				t.Fatalf("%s: %v", dev.Backend(), err)
			}
			kerneltest.Equal(t, dev.Backend()+" Spill", kerneltest.Read(t, out), want)
		}
	}
}
