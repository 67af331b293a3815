package arrayvalues

import (
	"math"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// run launches kernel on every device and compares its float32 buffer
// with Emulate's result want, bit for bit.
func run(t *testing.T, name string, x, want []float32, launch func(dev *runtime.Device, b *runtime.Buffer[float32]) error) {
	t.Helper()
	for _, dev := range kerneltest.Devices(t) {
		b, err := runtime.BufferOf(dev, x)
		if err != nil {
			t.Fatal(err)
		}
		if err := launch(dev, b); err != nil {
			t.Fatalf("%s %s: %v", dev.Backend(), name, err)
		}
		kerneltest.Equal(t, dev.Backend()+" "+name, kerneltest.Read(t, b), want)
	}
}

func near(got, want float32) bool { return math.Abs(float64(got-want)) <= 1e-4*math.Abs(float64(want)) }

func TestAssign(t *testing.T) {
	n := 512
	x := kerneltest.Rand32(1, n, 0, 10)
	want := append([]float32(nil), x...)
	if err := dc.Emulate(dc.Grid1D(n), func(th dc.Thread) { Assign(th, want) }); err != nil {
		t.Fatal(err)
	}
	// By hand for thread 0: 6·x[0] + x[1] + 14 (x[1] through the shared row
	// of thread 1).
	if h := 6*x[0] + x[1] + 14; !near(want[0], h) {
		t.Errorf("Emulate: Assign thread 0 = %v, want about %v", want[0], h)
	}
	run(t, "Assign", x, want, func(dev *runtime.Device, b *runtime.Buffer[float32]) error {
		return LaunchAssign(dev, dc.Grid1D(n), b)
	})
}

func TestReturns(t *testing.T) {
	n := 300
	x := kerneltest.Rand32(2, n, 0, 10)
	want := append([]float32(nil), x...)
	if err := dc.Emulate(dc.Grid1D(n), func(th dc.Thread) { Returns(th, want) }); err != nil {
		t.Fatal(err)
	}
	// By hand: 11·x + 28 + int32(3·x).
	if h := 11*x[0] + 28 + float32(int32(x[0]*3)); !near(want[0], h) {
		t.Errorf("Emulate: Returns thread 0 = %v, want about %v", want[0], h)
	}
	run(t, "Returns", x, want, func(dev *runtime.Device, b *runtime.Buffer[float32]) error {
		return LaunchReturns(dev, dc.Grid1D(n), b)
	})
}

func TestCompare(t *testing.T) {
	n := 300
	x := kerneltest.Rand32(3, n, 0, 10)
	for i := 0; i < n; i += 7 {
		x[i] = x[(i+1)%n] // a == b
	}
	x[14], x[15] = float32(math.NaN()), float32(math.NaN()) // equal-looking NaNs: a != b
	// By hand, as Go compares arrays and structs.
	hand := make([]int32, n)
	for i := range n {
		self := x[i] == x[i] // false for NaN: p.F != q.F
		r := int32(0)
		if self {
			r |= 32
		}
		if x[i] == x[(i+1)%n] {
			r |= 1
		} else {
			r |= 2
		}
		if i%3 == 0 {
			r |= 4
		}
		if i%2 == 0 && self {
			r |= 8
		}
		if i%2 == 1 {
			r |= 16
		}
		hand[i] = r
	}
	want := make([]int32, n)
	if err := dc.Emulate(dc.Grid1D(n), func(th dc.Thread) { Compare(th, x, want) }); err != nil {
		t.Fatal(err)
	}
	kerneltest.Equal(t, "Emulate: Compare", want, hand)
	for _, dev := range kerneltest.Devices(t) {
		xb, _ := runtime.BufferOf(dev, x)
		ob, _ := runtime.NewBuffer[int32](dev, n)
		if err := LaunchCompare(dev, dc.Grid1D(n), xb, ob); err != nil {
			t.Fatalf("%s Compare: %v", dev.Backend(), err)
		}
		kerneltest.Equal(t, dev.Backend()+" Compare", kerneltest.Read(t, ob), hand)
	}
}
