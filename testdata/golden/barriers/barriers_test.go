package barriers

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// intCase is one launch of a kernel on int32 buffers in and out.
type intCase struct {
	name    string
	pocl    string // why the case is not run on PoCL, "" if it is
	n       int    // elements; the grid is 1-D with groups of group threads
	emulate func(t dc.Thread, in, out []int32)
	launch  func(dev *runtime.Device, g dc.Grid, in, out *runtime.Buffer[int32]) error
}

func intCases() []intCase {
	var cs []intCase
	for _, n := range []int{group * 3, group*3 - 5} {
		cs = append(cs, intCase{fmt.Sprintf("GroupExit n=%d", n), "", group * 4,
			func(t dc.Thread, in, out []int32) { GroupExit(t, in, out, n) },
			func(dev *runtime.Device, g dc.Grid, in, out *runtime.Buffer[int32]) error {
				return LaunchGroupExit(dev, g, in, out, n)
			}})
	}
	for _, flag := range []int{0, 1} {
		cs = append(cs, intCase{fmt.Sprintf("ExitInIf flag=%d", flag),
			"PoCL 3.1 crashes (SIGSEGV in the kernel's work-group function) on a return after a barrier inside an if",
			group * 2,
			func(t dc.Thread, in, out []int32) { ExitInIf(t, in, out, flag) },
			func(dev *runtime.Device, g dc.Grid, in, out *runtime.Buffer[int32]) error {
				return LaunchExitInIf(dev, g, in, out, flag)
			}})
	}
	for _, sc := range [][2]int{{8, -1}, {5, 2}, {0, 0}, {3, 0}} {
		stop, skip := sc[0], sc[1]
		cs = append(cs, intCase{fmt.Sprintf("Rounds stop=%d skip=%d", stop, skip), "", group * 2,
			func(t dc.Thread, in, out []int32) { Rounds(t, in, out, stop, skip) },
			func(dev *runtime.Device, g dc.Grid, in, out *runtime.Buffer[int32]) error {
				return LaunchRounds(dev, g, in, out, stop, skip)
			}})
	}
	for _, mode := range []int{0, 1, 2, 3, 4, 5} {
		cs = append(cs, intCase{fmt.Sprintf("Switch mode=%d", mode), "", group * 2,
			func(t dc.Thread, in, out []int32) { Switch(t, in, out, mode) },
			func(dev *runtime.Device, g dc.Grid, in, out *runtime.Buffer[int32]) error {
				return LaunchSwitch(dev, g, in, out, mode)
			}})
	}
	cs = append(cs, intCase{"EarlyReturn", "", group * 4,
		func(t dc.Thread, in, out []int32) { EarlyReturn(t, in, out) },
		func(dev *runtime.Device, g dc.Grid, in, out *runtime.Buffer[int32]) error {
			return LaunchEarlyReturn(dev, g, in, out)
		}})
	cs = append(cs, intCase{"Stepped", "", group * 4,
		func(t dc.Thread, in, out []int32) { Stepped(t, in, out) },
		func(dev *runtime.Device, g dc.Grid, in, out *runtime.Buffer[int32]) error {
			return LaunchStepped(dev, g, in, out)
		}})
	cs = append(cs, intCase{"Twice", "", group * 4,
		func(t dc.Thread, in, out []int32) { Twice(t, in, out) },
		func(dev *runtime.Device, g dc.Grid, in, out *runtime.Buffer[int32]) error {
			return LaunchTwice(dev, g, in, out)
		}})
	for _, n := range []int{0, 4} {
		cs = append(cs, intCase{fmt.Sprintf("CallInCond n=%d", n), "", group * 4,
			func(t dc.Thread, in, out []int32) { CallInCond(t, in, out, n) },
			func(dev *runtime.Device, g dc.Grid, in, out *runtime.Buffer[int32]) error {
				return LaunchCallInCond(dev, g, in, out, n)
			}})
	}
	for _, stop := range []int{3, 9} {
		cs = append(cs, intCase{fmt.Sprintf("OuterBreak stop=%d", stop), "", group * 4,
			func(t dc.Thread, in, out []int32) { OuterBreak(t, in, out, stop) },
			func(dev *runtime.Device, g dc.Grid, in, out *runtime.Buffer[int32]) error {
				return LaunchOuterBreak(dev, g, in, out, stop)
			}})
	}
	for _, size := range []int{1, 8} {
		cs = append(cs, intCase{fmt.Sprintf("Restep size=%d", size), "", group * 2,
			func(t dc.Thread, in, out []int32) { Restep(t, in, out, size) },
			func(dev *runtime.Device, g dc.Grid, in, out *runtime.Buffer[int32]) error {
				return LaunchRestep(dev, g, in, out, size)
			}})
	}
	cs = append(cs, intCase{"Carry", "", group * 3,
		func(t dc.Thread, in, out []int32) { Carry(t, in, out, 7) },
		func(dev *runtime.Device, g dc.Grid, in, out *runtime.Buffer[int32]) error {
			return LaunchCarry(dev, g, in, out, 7)
		}})
	return cs
}

// TestInt32 runs every int32 case on every device and compares it with
// dc.Emulate, exactly.
func TestInt32(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for ci, c := range intCases() {
			name := dev.Backend() + " " + c.name
			if c.pocl != "" && strings.Contains(dev.Info().Name, "Portable Computing Language") {
				t.Logf("%s: not run: %s", name, c.pocl)
				continue
			}
			in := kerneltest.RandInts[int32](uint64(ci), c.n, -1000, 1000)
			g := kerneltest.Grid1D(c.n, group)
			want := make([]int32, c.n)
			if err := dc.Emulate(g, func(t dc.Thread) { c.emulate(t, in, want) }); err != nil {
				t.Fatalf("%s: Emulate: %v", name, err)
			}
			ib, err := runtime.BufferOf(dev, in)
			if err != nil {
				t.Fatal(err)
			}
			ob, err := runtime.NewBuffer[int32](dev, c.n)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.launch(dev, g, ib, ob); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			kerneltest.Equal(t, name, kerneltest.Read(t, ob), want)
		}
	}
}

// TestInline checks device functions with barriers against dc.Emulate.
// The sums are of small integers, exact in any order.
func TestInline(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		n := group * 5
		in := make([]float32, n)
		for i := range in {
			in[i] = float32(i%7 - 3)
		}
		g := kerneltest.Grid1D(n, group)
		want := make([]float32, n)
		if err := dc.Emulate(g, func(t dc.Thread) { Inline(t, in, want) }); err != nil {
			t.Fatal(err)
		}
		ib, _ := runtime.BufferOf(dev, in)
		ob, _ := runtime.NewBuffer[float32](dev, n)
		if err := LaunchInline(dev, g, ib, ob); err != nil {
			t.Fatalf("%s: %v", dev.Backend(), err)
		}
		kerneltest.Equal(t, dev.Backend()+" Inline", kerneltest.Read(t, ob), want)
	}
}

// TestTile2D transposes matrices whose sides are not multiples of the
// tile, with 8×8 groups.
func TestTile2D(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for _, wh := range [][2]int{{8, 8}, {20, 13}, {33, 64}} {
			w, h := wh[0], wh[1]
			name := fmt.Sprintf("%s Tile2D %dx%d", dev.Backend(), w, h)
			in := kerneltest.Rand32(uint64(w*h), w*h, -1, 1)
			g := dc.Grid2D(w, h).WithGroupSize(8, 8, 1)
			want := make([]float32, w*h)
			for y := range h {
				for x := range w {
					want[x*h+y] = in[y*w+x]
				}
			}
			emu := make([]float32, w*h)
			if err := dc.Emulate(g, func(t dc.Thread) { Tile2D(t, in, emu, w, h) }); err != nil {
				t.Fatal(err)
			}
			kerneltest.Equal(t, name+": Emulate", emu, want)
			ib, _ := runtime.BufferOf(dev, in)
			ob, _ := runtime.NewBuffer[float32](dev, w*h)
			if err := LaunchTile2D(dev, g, ib, ob, w, h); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			kerneltest.Equal(t, name, kerneltest.Read(t, ob), want)
		}
	}
}

// TestValidated runs the kernels on every device with validation on
// (runtime.WithValidation): the per-thread form of CallInCond, whose Go body
// is a closure, must take its slices from the Call like the other forms,
// or the CPU reference would run on the wrong memory.
func TestValidated(t *testing.T) {
	for _, d := range kerneltest.Devices(t) {
		dev, err := runtime.Open(runtime.WithBackend(d.Backend()), runtime.WithValidation())
		if err != nil {
			t.Fatal(err)
		}
		defer dev.Close()
		for ci, c := range intCases() {
			if c.pocl != "" && strings.Contains(dev.Info().Name, "Portable Computing Language") {
				continue
			}
			in := kerneltest.RandInts[int32](uint64(ci), c.n, -1000, 1000)
			ib, _ := runtime.BufferOf(dev, in)
			ob, _ := runtime.NewBuffer[int32](dev, c.n)
			if err := c.launch(dev, kerneltest.Grid1D(c.n, group), ib, ob); err != nil {
				t.Errorf("%s %s: %v", dev.Backend(), c.name, err)
			}
		}
		if st := dev.ValidationStats(); !dev.Info().HostMemory && (st.Launches == 0 || st.Mismatches != 0) {
			t.Errorf("%s: %+v", dev.Backend(), st)
		}
	}
}

// TestNeighbours runs Neighbours, whose barrier loop's bound is read from
// memory, on every device against dc.Emulate and the sums computed here.
func TestNeighbours(t *testing.T) {
	const groups = 6
	counts := []int32{0, 3, 1, 5, 2, 4}
	starts := []int32{0, 1, 4, -1, 2, 3}
	vals := kerneltest.RandInts[int32](11, 7*group-5, -20, 20)
	fv := make([]float32, len(vals))
	for i, v := range vals {
		fv[i] = float32(v)
	}
	g := kerneltest.Grid1D(groups*group, group)
	want := make([]float32, groups*group)
	if err := dc.Emulate(g, func(th dc.Thread) { Neighbours(th, counts, starts, fv, want) }); err != nil {
		t.Fatal(err)
	}
	for gr := range groups {
		for l := range group {
			var acc float32
			for k := range int(counts[gr]) {
				if idx := (int(starts[gr])+k)*group + (l+k)%group; idx >= 0 && idx < len(fv) {
					acc += float32(k+1) * fv[idx]
				}
			}
			if got := want[gr*group+l]; got != acc {
				t.Fatalf("Emulate: group %d thread %d = %v, want %v", gr, l, got, acc)
			}
		}
	}
	for _, dev := range kerneltest.Devices(t) {
		out, err := runtime.NewBuffer[float32](dev, len(want))
		if err != nil {
			t.Fatal(err)
		}
		cb, _ := runtime.BufferOf(dev, counts)
		sb, _ := runtime.BufferOf(dev, starts)
		vb, _ := runtime.BufferOf(dev, fv)
		if err := LaunchNeighbours(dev, g, cb, sb, vb, out); err != nil {
			t.Fatalf("%s: %v", dev.Backend(), err)
		}
		kerneltest.Equal(t, dev.Backend()+" Neighbours", kerneltest.Read(t, out), want)
	}
}
