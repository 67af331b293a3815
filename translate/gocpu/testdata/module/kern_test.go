package kern

import (
	"fmt"
	"testing"
	"unsafe"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/runtime"
)

// The tests run each kernel twice on the same inputs: as Go under
// dc.Emulate, and through Device.Launch on the CPU backend with the
// function gocpu printed (dc_launch_K, which calls dc_cpu_K), and compare
// every output.

// arg is a launch argument and its parameter description.
type arg struct {
	a runtime.Arg
	p runtime.Param
}

func buffer[T any](t *testing.T, dev *runtime.Device, xs []T) (*runtime.Buffer[T], arg) {
	t.Helper()
	b, err := runtime.BufferOf(dev, xs)
	if err != nil {
		t.Fatal(err)
	}
	var z T
	return b, arg{b, runtime.Param{Kind: runtime.BufferParam, Written: true, Size: int64(unsafe.Sizeof(z))}}
}

func scalar[T any](v T) arg {
	return arg{runtime.Scalar(v), runtime.Param{Kind: runtime.ScalarParam, Size: int64(unsafe.Sizeof(v))}}
}

func open(t *testing.T) *runtime.Device {
	t.Helper()
	dev, err := runtime.Open(runtime.WithBackend("cpu"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dev.Close() })
	return dev
}

func launch(t *testing.T, dev *runtime.Device, name string, g dc.Grid, cpu func(*runtime.Call) error, args ...arg) {
	t.Helper()
	k := &runtime.Kernel{Name: name}
	var as []runtime.Arg
	for _, a := range args {
		k.Params = append(k.Params, a.p)
		as = append(as, a.a)
	}
	if err := dev.Launch(k, g, as, cpu); err != nil {
		t.Fatalf("%s: launch: %v", name, err)
	}
}

func read[T any](t *testing.T, b *runtime.Buffer[T]) []T {
	t.Helper()
	out := make([]T, b.Len())
	if err := b.Read(out); err != nil {
		t.Fatal(err)
	}
	return out
}

func emulate(t *testing.T, g dc.Grid, body func(t dc.Thread)) {
	t.Helper()
	if err := dc.Emulate(g, body); err != nil {
		t.Fatalf("emulate: %v", err)
	}
}

// same fails unless want and got print the same (%v prints the shortest
// exact form of floats, NaN and -0 included).
func same[T any](t *testing.T, what string, want, got []T) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%s: %d elements, want %d", what, len(got), len(want))
	}
	bad := 0
	for i := range want {
		if w, g := fmt.Sprintf("%v", want[i]), fmt.Sprintf("%v", got[i]); w != g {
			if bad++; bad <= 5 {
				t.Errorf("%s[%d] = %s, want %s (dc.Emulate)", what, i, g, w)
			}
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d more mismatches", what, bad-5)
	}
}

func clone[T any](xs []T) []T { return append([]T(nil), xs...) }

func grid(gx, gy, gz, sx, sy, sz int) dc.Grid {
	return dc.Grid{Groups: dc.Dim3{X: gx, Y: gy, Z: gz}, GroupSize: dc.Dim3{X: sx, Y: sy, Z: sz}}
}

// grids1D are 1-D launches (the flat loop) of at least n threads.
func grids1D(n int) []dc.Grid {
	return []dc.Grid{dc.Grid1D(n), grid((n+6)/7, 1, 1, 7, 1, 1), grid(n, 1, 1, 1, 1, 1)}
}

func floats(n int, f func(i int) float32) []float32 {
	xs := make([]float32, n)
	for i := range xs {
		xs[i] = f(i)
	}
	return xs
}

func TestSaxpy(t *testing.T) {
	dev := open(t)
	const n = 5000 // enough threads for cpu.Run to use several goroutines
	x := floats(n, func(i int) float32 { return float32(i)*0.37 - 11 })
	y0 := floats(n, func(i int) float32 { return 1 / float32(i+1) })
	for _, g := range grids1D(n) {
		y := clone(y0)
		emulate(t, g, func(th dc.Thread) { Saxpy(th, 1.5, x, y) })
		xb, xa := buffer(t, dev, x)
		yb, ya := buffer(t, dev, y0)
		launch(t, dev, "Saxpy", g, dc_launch_Saxpy(g, 1.5, xb, yb), scalar(float32(1.5)), xa, ya)
		same(t, fmt.Sprint("y ", g), y, read(t, yb))
	}
}

// TestAccum launches Accum with x and y different buffers, and with one
// buffer passed as both: the runtime then launches the aliased entry
// point, whose body reads x[i] again after each update of y[i].
func TestAccum(t *testing.T) {
	dev := open(t)
	const n = 5000
	x0 := floats(n, func(i int) float32 { return float32(i%13) * 0.25 })
	y0 := floats(n, func(i int) float32 { return 1 / float32(i+1) })
	k := &runtime.Kernel{
		Name:    "Accum",
		Aliased: "Accum_aliased",
		Params: []runtime.Param{
			{Name: "x", Kind: runtime.BufferParam, Size: 4},
			{Name: "y", Kind: runtime.BufferParam, Size: 4, Written: true},
			{Name: "n", Kind: runtime.ScalarParam, Size: 8},
		},
	}
	for _, g := range grids1D(n) {
		y := clone(y0)
		emulate(t, g, func(th dc.Thread) { Accum(th, x0, y, 5) })
		xb, _ := buffer(t, dev, x0)
		yb, _ := buffer(t, dev, y0)
		if err := dev.Launch(k, g, []runtime.Arg{xb, yb, runtime.Scalar(5)}, dc_launch_Accum(g, xb, yb, 5)); err != nil {
			t.Fatal(err)
		}
		same(t, fmt.Sprint("y ", g), y, read(t, yb))

		y = clone(y0)
		emulate(t, g, func(th dc.Thread) { Accum(th, y, y, 5) })
		yb, _ = buffer(t, dev, y0)
		if err := dev.Launch(k, g, []runtime.Arg{yb, yb, runtime.Scalar(5)}, dc_launch_Accum(g, yb, yb, 5)); err != nil {
			t.Fatal(err)
		}
		same(t, fmt.Sprint("aliased y ", g), y, read(t, yb))
	}
}

func TestScale2D(t *testing.T) {
	dev := open(t)
	const w, h = 13, 9
	in := floats(w*h, func(i int) float32 {
		if i%7 == 3 {
			return -float32(i)
		}
		return float32(i) * 0.25
	})
	for _, g := range []dc.Grid{dc.Grid2D(w, h), grid(4, 3, 1, 4, 4, 1), grid(2, 2, 2, 8, 5, 2), dc.Grid1D(w), grid(3, 1, 1, 5, 1, 1)} {
		out := make([]float32, w*h)
		emulate(t, g, func(th dc.Thread) { Scale2D(th, w, h, in, out) })
		ib, ia := buffer(t, dev, in)
		ob, oa := buffer(t, dev, make([]float32, w*h))
		launch(t, dev, "Scale2D", g, dc_launch_Scale2D(g, w, h, ib, ob), scalar(w), scalar(h), ia, oa)
		same(t, fmt.Sprint("out ", g), out, read(t, ob))
	}
}

func TestBlockSum(t *testing.T) {
	dev := open(t)
	in := floats(256, func(i int) float32 { return float32(i%17) - 3.5 })
	for _, g := range []dc.Grid{grid(4, 1, 1, 64, 1, 1), grid(8, 1, 1, 32, 1, 1)} {
		out := make([]float32, 256)
		emulate(t, g, func(th dc.Thread) { BlockSum(th, in, out) })
		ib, ia := buffer(t, dev, in)
		ob, oa := buffer(t, dev, make([]float32, 256))
		launch(t, dev, "BlockSum", g, dc_launch_BlockSum(g, ib, ob), ia, oa)
		same(t, fmt.Sprint("out ", g), out, read(t, ob))
	}
}

func TestClassify(t *testing.T) {
	dev := open(t)
	const n = 300
	xs := make([]int32, n)
	for i := range xs {
		xs[i] = int32(i*7%40) - 5
	}
	for _, g := range append(grids1D(n), grid(5, 2, 3, 4, 3, 2)) {
		out := make([]int32, n)
		emulate(t, g, func(th dc.Thread) { Classify(th, xs, out) })
		xb, xa := buffer(t, dev, xs)
		ob, oa := buffer(t, dev, make([]int32, n))
		launch(t, dev, "Classify", g, dc_launch_Classify(g, xb, ob), xa, oa)
		same(t, fmt.Sprint("out ", g), out, read(t, ob))
	}
}

func TestHistogram(t *testing.T) {
	dev := open(t)
	const n = 1000
	xs := make([]uint32, n)
	for i := range xs {
		xs[i] = uint32(i*i%97) + 3
	}
	for _, g := range append(grids1D(n), grid(7, 2, 3, 8, 3, 2)) {
		bins, hi, fsum, flag := make([]uint32, 10), []int32{-1 << 31, 1<<31 - 1}, make([]float32, 1), make([]int32, 3)
		emulate(t, g, func(th dc.Thread) { Histogram(th, xs, bins, hi, fsum, flag) })
		xb, xa := buffer(t, dev, xs)
		bb, ba := buffer(t, dev, make([]uint32, 10))
		hb, ha := buffer(t, dev, []int32{-1 << 31, 1<<31 - 1})
		fb, fa := buffer(t, dev, make([]float32, 1))
		lb, la := buffer(t, dev, make([]int32, 3))
		launch(t, dev, "Histogram", g, dc_launch_Histogram(g, xb, bb, hb, fb, lb), xa, ba, ha, fa, la)
		same(t, fmt.Sprint("bins ", g), bins, read(t, bb))
		same(t, fmt.Sprint("hi ", g), hi, read(t, hb))
		same(t, fmt.Sprint("fsum ", g), fsum, read(t, fb))
		// flag[0] is whichever thread won the CAS: check it is one.
		got := read(t, lb)
		if got[0] < 1 || got[0] > n || got[1] != 1 || got[2] != 7 {
			t.Errorf("flag %v = %v, want [1..%d 1 7]", g, got, n)
		}
	}
}

func TestStructs(t *testing.T) {
	dev := open(t)
	const n = 100
	pts := make(Points, n)
	temps := make([]Celsius, n)
	for i := range pts {
		pts[i] = Point{X: float32(i%9) - 4, Y: float32(i) / 3}
		temps[i] = Celsius(i) * 1.25
	}
	pts[5] = Point{} // p == Point{} in the kernel
	for _, g := range grids1D(n) {
		p, c, out := clone(pts), clone(temps), make([]float32, n)
		emulate(t, g, func(th dc.Thread) { Structs(th, p, c, out) })
		pb, pa := buffer(t, dev, []Point(pts))
		cb, ca := buffer(t, dev, temps)
		ob, oa := buffer(t, dev, make([]float32, n))
		launch(t, dev, "Structs", g, dc_launch_Structs(g, pb, cb, ob), pa, ca, oa)
		same(t, fmt.Sprint("pts ", g), p, read(t, pb))
		same(t, fmt.Sprint("temps ", g), c, read(t, cb))
		same(t, fmt.Sprint("out ", g), out, read(t, ob))
	}
}

func TestConsts(t *testing.T) {
	dev := open(t)
	for _, g := range []dc.Grid{dc.Grid1D(3), grid(2, 2, 2, 2, 2, 2)} {
		fs, ds, is, us := make([]float32, 5), make([]float64, 4), make([]int64, 7), make([]uint64, 4)
		emulate(t, g, func(th dc.Thread) { Consts(th, 5, fs, ds, is, us) })
		fb, fa := buffer(t, dev, make([]float32, 5))
		db, da := buffer(t, dev, make([]float64, 4))
		ib, ia := buffer(t, dev, make([]int64, 7))
		ub, ua := buffer(t, dev, make([]uint64, 4))
		launch(t, dev, "Consts", g, dc_launch_Consts(g, 5, fb, db, ib, ub), scalar(uint(5)), fa, da, ia, ua)
		same(t, "fs", fs, read(t, fb))
		same(t, "ds", ds, read(t, db))
		same(t, "is", is, read(t, ib))
		same(t, "us", us, read(t, ub))
		// And the values themselves, so that Emulate is checked too.
		same(t, "is want", []int64{-1 << 63, -56, 32, -128, 2, -2, -4}, is)
		same(t, "us want", []uint64{1<<64 - 1, 44, 1<<32 - 1, 1}, us)
		same(t, "fs want", []float32{0.1, 3.4028235e+38, 1e-45, 16777216, -0.25}, fs)
	}
}

func TestMath(t *testing.T) {
	dev := open(t)
	xs := []float32{0, 1, 2.5, -3.25, 1e-3, 7, 100.5, -0.5}
	ds := []float64{0, 1, 2.5, -3.25, 1e-3, 7, 1e300, -0.5}
	n := len(xs)
	for _, g := range grids1D(n) {
		x, o32, o64, bits := clone(xs), make([]float32, n), make([]float64, n), make([]uint32, n)
		emulate(t, g, func(th dc.Thread) { Math(th, x, ds, o32, o64, bits) })
		xb, xa := buffer(t, dev, xs)
		db, da := buffer(t, dev, ds)
		ab, aa := buffer(t, dev, make([]float32, n))
		bb, ba := buffer(t, dev, make([]float64, n))
		cb, ca := buffer(t, dev, make([]uint32, n))
		launch(t, dev, "Math", g, dc_launch_Math(g, xb, db, ab, bb, cb), xa, da, aa, ba, ca)
		same(t, "xs", x, read(t, xb))
		same(t, "out32", o32, read(t, ab))
		same(t, "out64", o64, read(t, bb))
		same(t, "bits", bits, read(t, cb))
	}
}

func TestFill3D(t *testing.T) {
	dev := open(t)
	const nx, ny, nz = 7, 5, 6
	for _, g := range []dc.Grid{dc.Grid3D(nx, ny, nz), grid(2, 3, 2, 4, 2, 3), dc.Grid1D(nx), grid(3, 1, 1, 3, 1, 1)} {
		out := make([]float32, nx*ny*nz)
		emulate(t, g, func(th dc.Thread) { Fill3D(th, nx, ny, nz, out) })
		ob, oa := buffer(t, dev, make([]float32, nx*ny*nz))
		launch(t, dev, "Fill3D", g, dc_launch_Fill3D(g, nx, ny, nz, ob), scalar(nx), scalar(ny), scalar(nz), oa)
		same(t, fmt.Sprint("out ", g), out, read(t, ob))
	}
}
