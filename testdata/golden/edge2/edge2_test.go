package edge2

import (
	"fmt"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// inputs returns n test values: small ones of both signs, then random ones.
func inputs(n int) []int64 {
	a := []int64{0, 1, -1, 2, -2, 7, -7, 100, -100, 1 << 40}
	return append(a, kerneltest.RandInts[int64](1, n, -1000, 1000)...)
}

// check runs kernel k (with slice arguments only) through dc.Emulate and
// through launch on every device and compares out, which starts as init.
// ins are the input slices, passed before out.
func check(t *testing.T, name string, g dc.Grid, ins [][]int64, init []int64,
	emul func(t dc.Thread, ins [][]int64, out []int64),
	launch func(dev *runtime.Device, g dc.Grid, ins []*runtime.Buffer[int64], out *runtime.Buffer[int64]) error) {
	t.Helper()
	want := append([]int64(nil), init...)
	if err := dc.Emulate(g, func(th dc.Thread) { emul(th, ins, want) }); err != nil {
		t.Fatalf("%s: Emulate: %v", name, err)
	}
	for _, dev := range kerneltest.Devices(t) {
		var bufs []*runtime.Buffer[int64]
		for _, in := range ins {
			b, err := runtime.BufferOf(dev, in)
			if err != nil {
				t.Fatal(err)
			}
			bufs = append(bufs, b)
		}
		ob, err := runtime.BufferOf(dev, init)
		if err != nil {
			t.Fatal(err)
		}
		if err := launch(dev, g, bufs, ob); kerneltest.CannotRun(t, dev, err) {
			continue
		} else if err != nil {
			t.Fatalf("%s: %s: %v", dev.Backend(), name, err)
		}
		got := make([]int64, len(init))
		if err := ob.Read(got); err != nil {
			t.Fatal(err)
		}
		kerneltest.Equal(t, fmt.Sprintf("%s: %s", dev.Backend(), name), got, want)
	}
}

type kernel func(th dc.Thread, a, out []int64)
type launcher func(dev *runtime.Device, g dc.Grid, a, out *runtime.Buffer[int64]) error

// check1 runs a kernel of one input and one output over inputs(n).
func check1(t *testing.T, name string, n, outPer int, k kernel, l launcher) {
	t.Helper()
	a := inputs(n)
	check(t, name, dc.Grid1D(len(a)), [][]int64{a}, make([]int64, outPer*len(a)),
		func(th dc.Thread, ins [][]int64, out []int64) { k(th, ins[0], out) },
		func(dev *runtime.Device, g dc.Grid, ins []*runtime.Buffer[int64], out *runtime.Buffer[int64]) error {
			return l(dev, g, ins[0], out)
		})
}

func TestKeywords(t *testing.T)   { check1(t, "Keywords", 300, 1, Keywords, LaunchKeywords) }
func TestShadowed(t *testing.T)   { check1(t, "Shadowed", 300, 1, Shadowed, LaunchShadowed) }
func TestSwitchLoop(t *testing.T) { check1(t, "SwitchLoop", 300, 1, SwitchLoop, LaunchSwitchLoop) }
