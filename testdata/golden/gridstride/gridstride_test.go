package gridstride

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// launch is one launch of a kernel on int32 buffers: bufs holds the
// inputs (and zeroed outputs), which emulate and run use in the same
// order.
type launch struct {
	name    string
	threads int // the grid is 1-D, groups of group threads
	bufs    func() [][]int32
	emulate func(t dc.Thread, bufs [][]int32)
	run     func(dev *runtime.Device, g dc.Grid, bufs []*runtime.Buffer[int32]) error
}

func launches() []launch {
	var ls []launch
	for _, c := range []struct{ n, threads int }{{0, 256}, {100, 256}, {1000, 256}, {4097, 256}, {1000, 64}} {
		n := c.n
		ls = append(ls, launch{fmt.Sprintf("Hist n=%d threads=%d", n, c.threads), c.threads,
			func() [][]int32 {
				return [][]int32{kerneltest.RandInts[int32](uint64(n), max(n, 1), 0, 1000), make([]int32, group)}
			},
			func(t dc.Thread, b [][]int32) { Hist(t, b[0], b[1], n) },
			func(dev *runtime.Device, g dc.Grid, b []*runtime.Buffer[int32]) error {
				return LaunchHist(dev, g, b[0], b[1], n)
			}})
	}
	for _, n := range []int{1, 50, 1000, 3001} {
		ls = append(ls, launch{fmt.Sprintf("Sums n=%d", n), 3 * group,
			func() [][]int32 {
				return [][]int32{kerneltest.RandInts[int32](uint64(n), n, -100, 100), make([]int32, 3)}
			},
			func(t dc.Thread, b [][]int32) { Sums(t, b[0], b[1], n) },
			func(dev *runtime.Device, g dc.Grid, b []*runtime.Buffer[int32]) error {
				return LaunchSums(dev, g, b[0], b[1], n)
			}})
	}
	for _, n := range []int{10, 300, 1001} {
		ls = append(ls, launch{fmt.Sprintf("Strides n=%d", n), 4 * group,
			func() [][]int32 {
				return [][]int32{kerneltest.RandInts[int32](uint64(n), n, -100, 100), make([]int32, 4*group), make([]int32, n)}
			},
			func(t dc.Thread, b [][]int32) { Strides(t, b[0], b[1], b[2], n) },
			func(dev *runtime.Device, g dc.Grid, b []*runtime.Buffer[int32]) error {
				return LaunchStrides(dev, g, b[0], b[1], b[2], n)
			}})
	}
	for _, c := range [][2]int{{100, -1}, {1000, 5}, {1000, -1}} {
		n, skip := c[0], c[1]
		ls = append(ls, launch{fmt.Sprintf("Tail n=%d skip=%d", n, skip), 3 * group,
			func() [][]int32 {
				return [][]int32{kerneltest.RandInts[int32](uint64(n), n, -100, 100), make([]int32, n)}
			},
			func(t dc.Thread, b [][]int32) { Tail(t, b[0], b[1], n, skip) },
			func(dev *runtime.Device, g dc.Grid, b []*runtime.Buffer[int32]) error {
				return LaunchTail(dev, g, b[0], b[1], n, skip)
			}})
	}
	ls = append(ls, launch{"Kept", 2 * group,
		func() [][]int32 {
			return [][]int32{kerneltest.RandInts[int32](7, 1000, -100, 100), make([]int32, 2*group)}
		},
		func(t dc.Thread, b [][]int32) { Kept(t, b[0], b[1], 1000, 5) },
		func(dev *runtime.Device, g dc.Grid, b []*runtime.Buffer[int32]) error {
			return LaunchKept(dev, g, b[0], b[1], 1000, 5)
		}})
	for _, c := range [][2]int{{0, 0}, {1000, 0}, {1000, 7}, {5000, 3}, {300, 300}} {
		n, base := c[0], c[1]
		ls = append(ls, launch{fmt.Sprintf("Scale n=%d base=%d", n, base), 3 * group,
			func() [][]int32 {
				return [][]int32{kerneltest.RandInts[int32](uint64(n), n, -100, 100), make([]int32, n)}
			},
			func(t dc.Thread, b [][]int32) { Scale(t, b[0], b[1], n, base) },
			func(dev *runtime.Device, g dc.Grid, b []*runtime.Buffer[int32]) error {
				return LaunchScale(dev, g, b[0], b[1], n, base)
			}})
	}
	for _, n := range []int{0, 100, 1000, 3001} {
		ls = append(ls, launch{fmt.Sprintf("Carry n=%d", n), 4 * group,
			func() [][]int32 {
				return [][]int32{kerneltest.RandInts[int32](uint64(n), max(n, 1), -50, 100), make([]int32, 3*group+5), make([]int32, 3*group+5)}
			},
			func(t dc.Thread, b [][]int32) { Carry(t, b[0], b[1], b[2], n) },
			func(dev *runtime.Device, g dc.Grid, b []*runtime.Buffer[int32]) error {
				return LaunchCarry(dev, g, b[0], b[1], b[2], n)
			}})
	}
	for _, n := range []int{10, 2000} {
		ls = append(ls, launch{fmt.Sprintf("Sparse n=%d", n), 2 * group,
			func() [][]int32 {
				return [][]int32{kerneltest.RandInts[int32](uint64(n), n, 0, 1000), make([]int32, 64)}
			},
			func(t dc.Thread, b [][]int32) { Sparse(t, b[0], b[1], n) },
			func(dev *runtime.Device, g dc.Grid, b []*runtime.Buffer[int32]) error {
				return LaunchSparse(dev, g, b[0], b[1], n)
			}})
	}
	for _, n := range []int{1, 700, 2500} {
		ls = append(ls, launch{fmt.Sprintf("Offset n=%d", n), 3 * group,
			func() [][]int32 {
				return [][]int32{kerneltest.RandInts[int32](uint64(n), n, -100, 100), make([]int32, n), make([]int32, 3*group)}
			},
			func(t dc.Thread, b [][]int32) { Offset(t, b[0], b[1], b[2], n) },
			func(dev *runtime.Device, g dc.Grid, b []*runtime.Buffer[int32]) error {
				return LaunchOffset(dev, g, b[0], b[1], b[2], n)
			}})
	}
	for _, c := range [][2]int{{0, 10}, {1000, 0}, {1000, 100}, {1000, 400}, {150, 49}} {
		n, per := c[0], c[1]
		ls = append(ls, launch{fmt.Sprintf("Blocks n=%d per=%d", n, per), 3 * group,
			func() [][]int32 {
				return [][]int32{kerneltest.RandInts[int32](uint64(n), n, -100, 100), make([]int32, n), make([]int32, 3)}
			},
			func(t dc.Thread, b [][]int32) { Blocks(t, b[0], b[1], b[2], per) },
			func(dev *runtime.Device, g dc.Grid, b []*runtime.Buffer[int32]) error {
				return LaunchBlocks(dev, g, b[0], b[1], b[2], per)
			}})
	}
	ls = append(ls, launch{"WrapFree no overflow", 2 * group,
		func() [][]int32 { return [][]int32{make([]int32, 128)} },
		func(t dc.Thread, b [][]int32) { WrapFree(t, b[0], math.MaxInt-1000, math.MaxInt-500) },
		func(dev *runtime.Device, g dc.Grid, b []*runtime.Buffer[int32]) error {
			return LaunchWrapFree(dev, g, b[0], math.MaxInt-1000, math.MaxInt-500)
		}})
	// Near the largest int without wrapping around: 500 iterations in all.
	ls = append(ls, launch{"Wrap no overflow", 2 * group,
		func() [][]int32 { return [][]int32{make([]int32, 128)} },
		func(t dc.Thread, b [][]int32) { Wrap(t, b[0], math.MaxInt-1000, math.MaxInt-500) },
		func(dev *runtime.Device, g dc.Grid, b []*runtime.Buffer[int32]) error {
			return LaunchWrap(dev, g, b[0], math.MaxInt-1000, math.MaxInt-500)
		}})
	return ls
}

// TestLaunches runs every launch on every device and compares its
// buffers with dc.Emulate's, exactly.
func TestLaunches(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for _, l := range launches() {
			name := dev.Backend() + " " + l.name
			g := kerneltest.Grid1D(l.threads, group)
			want := l.bufs()
			if err := dc.Emulate(g, func(t dc.Thread) { l.emulate(t, want) }); err != nil {
				t.Fatalf("%s: Emulate: %v", name, err)
			}
			var bufs []*runtime.Buffer[int32]
			for _, b := range l.bufs() {
				buf, err := runtime.BufferOf(dev, b)
				if err != nil {
					t.Fatal(err)
				}
				bufs = append(bufs, buf)
			}
			if err := l.run(dev, g, bufs); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for i, b := range bufs {
				kerneltest.Equal(t, fmt.Sprintf("%s: buffer %d", name, i), kerneltest.Read(t, b), want[i])
			}
		}
	}
}

// TestWrapNoOverflow checks the count of Wrap's launch that stays below
// the largest int, against the arithmetic.
func TestWrapNoOverflow(t *testing.T) {
	count := make([]int32, 128)
	if err := dc.Emulate(kerneltest.Grid1D(2*group, group), func(t dc.Thread) { Wrap(t, count, math.MaxInt-1000, math.MaxInt-500) }); err != nil {
		t.Fatal(err)
	}
	if count[127] != 500 {
		t.Errorf("count[127] = %d, want 500", count[127])
	}
}

// TestWrapOverflow launches Wrap and WrapFree where i + step wraps around
// in some threads: their next iteration indexes count at -128, and the
// launch fails as Go does, on the CPU as under dc.Emulate. PoCL is not
// run: an unchecked index out of range is undefined in OpenCL C.
func TestWrapOverflow(t *testing.T) {
	const want = "index out of range [-128]"
	g := kerneltest.Grid1D(2*group, group)
	base, n := math.MaxInt-200, math.MaxInt
	dev, err := runtime.Open(runtime.WithBackend("cpu"))
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	for _, k := range []struct {
		name   string
		body   func(t dc.Thread, count []int32, base, n int)
		launch func(dev *runtime.Device, g dc.Grid, count *runtime.Buffer[int32], base, n int) error
	}{
		{"Wrap", Wrap, LaunchWrap},
		{"WrapFree", WrapFree, LaunchWrapFree},
	} {
		err := dc.Emulate(g, func(t dc.Thread) { k.body(t, make([]int32, 128), base, n) })
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("%s: Emulate: got error %v, want one saying %q", k.name, err, want)
		}
		count, err := runtime.NewBuffer[int32](dev, 128)
		if err != nil {
			t.Fatal(err)
		}
		err = k.launch(dev, g, count, base, n)
		if err == nil {
			err = dev.Sync()
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("%s: cpu: got error %v, want one saying %q", k.name, err, want)
		}
	}
}

// TestHist2D runs Hist with groups of 8×8 threads, in which eight
// threads share each x index and so each start of the loop.
func TestHist2D(t *testing.T) {
	g := dc.Grid{Groups: dc.Dim3{X: 3, Y: 2, Z: 1}, GroupSize: dc.Dim3{X: 8, Y: 8, Z: 1}}
	in := kerneltest.RandInts[int32](9, 500, 0, 1000)
	want := make([]int32, group)
	if err := dc.Emulate(g, func(t dc.Thread) { Hist(t, in, want, 500) }); err != nil {
		t.Fatal(err)
	}
	for _, dev := range kerneltest.Devices(t) {
		ib, _ := runtime.BufferOf(dev, in)
		hb, _ := runtime.NewBuffer[int32](dev, group)
		if err := LaunchHist(dev, g, ib, hb, 500); err != nil {
			t.Fatalf("%s: %v", dev.Backend(), err)
		}
		kerneltest.Equal(t, dev.Backend()+" Hist 8×8", kerneltest.Read(t, hb), want)
	}
}

// TestScaleFault launches Scale with n one past the end of out: the one
// index out of range is a fault at the same line with the same index and
// thread on every device as under dc.Emulate.
func TestScaleFault(t *testing.T) {
	const n, threads = 1000, 3 * group
	g := kerneltest.Grid1D(threads, group)
	in, out := make([]int32, n+1), make([]int32, n)
	want := dc.Emulate(g, func(t dc.Thread) { Scale(t, in, out, n+1, 0) })
	if want == nil || !strings.Contains(want.Error(), "index out of range [1000] with length 1000") {
		t.Fatalf("Emulate: got error %v, want index 1000 out of range", want)
	}
	for _, dev := range kerneltest.Devices(t) {
		ib, ob := kerneltest.Upload(t, dev, in), kerneltest.Upload(t, dev, out)
		err := LaunchScale(dev, g, ib, ob, n+1, 0)
		if err == nil {
			err = dev.Sync()
		}
		var f *runtime.Fault
		if !errors.As(err, &f) {
			t.Fatalf("%s: got error %v, want a fault", dev.Backend(), err)
		}
		// Index n is global thread n%threads's.
		x := n % threads
		if f.Index != n || f.Len != n || f.Thread != (dc.Dim3{X: x % group}) || f.Group != (dc.Dim3{X: x / group}) {
			t.Errorf("%s: fault %+v, want index %d, length %d, thread %d of group %d", dev.Backend(), *f, n, n, x%group, x/group)
		}
		if !strings.Contains(err.Error(), "gridstride.go:") {
			t.Errorf("%s: error %v names no line of gridstride.go", dev.Backend(), err)
		}
	}
}
