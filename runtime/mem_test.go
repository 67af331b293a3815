package runtime_test

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/kernels"
	"github.com/dotcompute/dc/runtime"
)

// openLimited opens the fake backend with 64 KiB of device memory.
func openLimited(t *testing.T, opts ...runtime.Option) *runtime.Device {
	t.Helper()
	dev, err := runtime.Open(append([]runtime.Option{runtime.WithBackend(fakeName)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	lastFake.Load().limit = 64 << 10
	t.Cleanup(func() {
		if err := dev.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return dev
}

func TestSizeClass(t *testing.T) {
	for _, c := range []struct{ size, want int64 }{
		{0, 256}, {1, 256}, {256, 256}, {257, 320}, {320, 320}, {321, 384}, {500, 512},
		{513, 640}, {4097, 5120}, {1 << 20, 1 << 20}, {1<<20 + 1, 1<<20 + 1<<18},
		{math.MaxInt64, math.MaxInt64},
	} {
		if got := runtime.SizeClass(c.size); got != c.want {
			t.Errorf("SizeClass(%d) = %d, want %d", c.size, got, c.want)
		}
		if got := runtime.SizeClass(c.size); got < c.size || float64(got) > 1.25*float64(max(c.size, 205)) {
			t.Errorf("SizeClass(%d) = %d: more than a quarter wasted", c.size, got)
		}
	}
}

// TestPoolReuse closes buffers and allocates again: the blocks come back
// from the pool, zeroed, and Trim gives them to the backend.
func TestPoolReuse(t *testing.T) {
	dev := open(t, fakeName)
	f := lastFake.Load()
	x, _ := runtime.BufferOf(dev, filled(100, 1))
	y, err := runtime.NewBuffer[float32](dev, 100)
	if err != nil {
		t.Fatal(err)
	}
	if err := dev.Launch(addKernel, dc.Grid1D(100), []runtime.Arg{x, y}, nil); err != nil {
		t.Fatal(err)
	}
	if err := y.Close(); err != nil {
		t.Fatal(err)
	}
	st := dev.PoolStats()
	if !st.Enabled || st.Blocks != 1 || st.BytesHeld != 448 || st.Hits != 0 || st.Misses != 2 {
		t.Fatalf("after one Close: %+v", st)
	}
	allocs := dev.Stats().Allocs
	// Another size of the same class, 448 bytes (y: 101 elements with
	// the one past the end; z: 106): the block of y, with y's ones in
	// it, comes back zeroed.
	z, err := runtime.NewBuffer[float32](dev, 105)
	if err != nil {
		t.Fatal(err)
	}
	if dev.Stats().Allocs != allocs {
		t.Errorf("NewBuffer allocated from the backend with a block in the pool")
	}
	got := make([]float32, 105)
	if err := z.Read(got); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, filled(105, 0)) {
		t.Fatalf("reused block not zeroed: %v", got[:8])
	}
	if st := dev.PoolStats(); st.Hits != 1 || st.Blocks != 0 || st.BytesHeld != 0 {
		t.Errorf("after reuse: %+v", st)
	}
	// A BufferOf that reaches the device reuses a block too.
	z.Close()
	w, _ := runtime.BufferOf(dev, filled(100, 5))
	if err := dev.Launch(addKernel, dc.Grid1D(100), []runtime.Arg{x, w}, nil); err != nil {
		t.Fatal(err)
	}
	ws := make([]float32, 100)
	if err := w.Read(ws); err != nil || !slices.Equal(ws, filled(100, 6)) {
		t.Fatalf("BufferOf on a reused block: %v, %v", ws[:4], err)
	}
	if st := dev.PoolStats(); st.Hits != 2 {
		t.Errorf("BufferOf did not reuse the block: %+v", st)
	}
	w.Close()
	live := func() int {
		n := 0
		for _, m := range f.mems {
			if !m.freed {
				n++
			}
		}
		return n
	}
	before := live()
	if err := dev.Trim(); err != nil {
		t.Fatal(err)
	}
	if st := dev.PoolStats(); st.Blocks != 0 || st.BytesHeld != 0 || st.Trims != 1 || st.BytesTrimmed != 448 {
		t.Errorf("after Trim: %+v", st)
	}
	if live() != before-1 {
		t.Errorf("Trim freed %d blocks, want 1", before-live())
	}
	if s := dev.PoolStats().String(); !strings.Contains(s, "2 hits") {
		t.Errorf("PoolStats.String() = %q", s)
	}
}

// TestPoolOff: DC_POOL=off and WithPool(false) free every block at once.
func TestPoolOff(t *testing.T) {
	for _, c := range []struct {
		name string
		env  string
		opts []runtime.Option
		on   bool
	}{
		{"default", "", nil, true},
		{"DC_POOL=off", "off", nil, false},
		{"WithPool(false)", "", []runtime.Option{runtime.WithPool(false)}, false},
		{"WithPool(true) over DC_POOL=off", "off", []runtime.Option{runtime.WithPool(true)}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(runtime.EnvPool, c.env)
			dev, err := runtime.Open(append([]runtime.Option{runtime.WithBackend(fakeName)}, c.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			defer dev.Close()
			for range 3 {
				b, err := runtime.NewBuffer[float32](dev, 1000)
				if err != nil {
					t.Fatal(err)
				}
				b.Close()
			}
			st := dev.PoolStats()
			if st.Enabled != c.on {
				t.Fatalf("Enabled = %v, want %v", st.Enabled, c.on)
			}
			wantMisses := int64(3)
			if c.on {
				wantMisses = 1
			}
			if st.Misses != wantMisses || dev.Stats().Allocs != wantMisses {
				t.Errorf("%+v, Allocs %d; want %d misses", st, dev.Stats().Allocs, wantMisses)
			}
		})
	}
}

// TestPoolOutOfMemory: an allocation that does not fit frees the pool and
// tries again; one that does not fit even then is an ErrOutOfMemory.
func TestPoolOutOfMemory(t *testing.T) {
	dev := openLimited(t)
	var bufs []*runtime.Buffer[float32]
	for range 3 {
		b, err := runtime.NewBuffer[float32](dev, 4000) // 16 KiB blocks
		if err != nil {
			t.Fatal(err)
		}
		bufs = append(bufs, b)
	}
	for _, b := range bufs {
		b.Close()
	}
	if st := dev.PoolStats(); st.Blocks != 3 {
		t.Fatalf("pool after closing 3 buffers: %+v", st)
	}
	// 40 KiB: free memory is 16 KiB, the pool holds 48.
	big, err := runtime.NewBuffer[float32](dev, 10000)
	if err != nil {
		t.Fatalf("allocation that fits once the pool is released: %v", err)
	}
	if st := dev.PoolStats(); st.Blocks != 0 || st.Trims != 1 {
		t.Errorf("pool after an out-of-memory retry: %+v", st)
	}
	_, err = runtime.NewBuffer[float32](dev, 10000)
	if !errors.Is(err, runtime.ErrOutOfMemory) {
		t.Fatalf("allocation that does not fit: %v, want ErrOutOfMemory", err)
	}
	big.Close()
}

// f32s returns a buffer argument of a Call as float32s.
func f32s(a runtime.CallArg) []float32 {
	if len(a.Host) == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&a.Host[0])), a.Len)
}

// addCPU is the Go body of the fake Add kernel: y[i] += x[i].
func addCPU(c *runtime.Call) error {
	x, y := f32s(c.Args[0]), f32s(c.Args[1])
	for i := range y {
		y[i] += x[i]
	}
	return nil
}

// TestFallback: with WithFallback a buffer that does not fit stays on the
// host and the launch that needs it runs on the CPU, logged; without it
// both are errors.
func TestFallback(t *testing.T) {
	log := captureLog(t)
	dev := openLimited(t, runtime.WithFallback())
	x, err := runtime.BufferOf(dev, filled(10000, 1)) // 40 KiB: fits
	if err != nil {
		t.Fatal(err)
	}
	y, err := runtime.NewBuffer[float32](dev, 10000) // does not fit next to x once x is on the device
	if err != nil {
		t.Fatal(err)
	}
	if y.State() != runtime.DeviceOnly {
		t.Fatalf("y: %v", y.State())
	}
	// x moves to the device now and does not fit next to y: the launch
	// runs on the CPU, on the host copies.
	if err := dev.Launch(addKernel, dc.Grid1D(10000), []runtime.Arg{x, y}, addCPU); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "out of device memory, ran on the CPU") || !strings.Contains(log.String(), "kernel=Add") {
		t.Errorf("log: %q", log.String())
	}
	if y.State() != runtime.HostDirty {
		t.Errorf("y after the CPU launch: %v, want host-dirty", y.State())
	}
	got := make([]float32, 10000)
	if err := y.Read(got); err != nil || !slices.Equal(got, filled(10000, 1)) {
		t.Fatalf("y = %v..., %v", got[:4], err)
	}
	// NewBuffer beyond the device: a host-only buffer.
	z, err := runtime.NewBuffer[float32](dev, 20000)
	if err != nil {
		t.Fatal(err)
	}
	if z.State() != runtime.HostOnly || !strings.Contains(log.String(), "buffer kept on the host") {
		t.Errorf("z: %v; log %q", z.State(), log.String())
	}

	// A generated, checked kernel: its Go body runs on the host copies,
	// and its fault comes back from the launch.
	big, _ := runtime.BufferOf(dev, filled(20000, 2))
	if err := kernels.LaunchSaxpy(dev, dc.Grid1D(20000), 3, big, z); err != nil {
		t.Fatal(err)
	}
	zs := make([]float32, 20000)
	if err := z.Read(zs); err != nil || !slices.Equal(zs, filled(20000, 6)) {
		t.Fatalf("Saxpy on the CPU: %v..., %v", zs[:4], err)
	}
	short, _ := runtime.BufferOf(dev, filled(10, 1))
	err = kernels.LaunchSaxpy(dev, dc.Grid1D(20000), 3, short, z)
	var fault *runtime.Fault
	if !errors.As(err, &fault) || fault.Index != 10 || fault.Len != 10 {
		t.Errorf("faulting Saxpy on the CPU: %v", err)
	}

	// Without WithFallback: errors.
	plain := openLimited(t)
	if _, err := runtime.NewBuffer[float32](plain, 20000); !errors.Is(err, runtime.ErrOutOfMemory) {
		t.Errorf("NewBuffer without fallback: %v", err)
	}
	px, _ := runtime.BufferOf(plain, filled(10000, 1))
	py, _ := runtime.NewBuffer[float32](plain, 10000)
	if err := plain.Launch(addKernel, dc.Grid1D(10000), []runtime.Arg{px, py}, addCPU); !errors.Is(err, runtime.ErrOutOfMemory) {
		t.Errorf("launch without fallback: %v", err)
	}
}

// scaleCPU is the Go body of the fake Scale kernel, y[i] = a*x[i], off
// by delta ulps (0: the same result as the fake device).
func scaleCPU(delta int32) func(c *runtime.Call) error {
	return func(c *runtime.Call) error {
		a := math.Float32frombits(uint32(c.Args[0].Scalar[0]) | uint32(c.Args[0].Scalar[1])<<8 | uint32(c.Args[0].Scalar[2])<<16 | uint32(c.Args[0].Scalar[3])<<24)
		x, y := f32s(c.Args[1]), f32s(c.Args[2])
		for i := range y {
			y[i] = a * x[i]
			if i == 7 {
				y[i] = math.Float32frombits(uint32(int32(math.Float32bits(y[i])) + delta))
			}
		}
		return nil
	}
}

// TestValidationFake validates launches on the fake backend against Go
// bodies that agree, agree within the float32 tolerance, and differ.
func TestValidationFake(t *testing.T) {
	dev, err := runtime.Open(runtime.WithBackend(fakeName), runtime.WithValidation())
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	if !dev.Validating() {
		t.Fatal("Validating() = false with WithValidation")
	}
	// y[7] = 3*x[7] is the largest result: the absolute bound, 2^-20
	// times it, is under 16 of its ulps, so 16 ulps pass and 17 do not.
	xs := make([]float32, 100)
	for i := range xs {
		xs[i] = 1 + float32(i)/1000
	}
	xs[7] = 3.5
	x, _ := runtime.BufferOf(dev, xs)
	y, _ := runtime.NewBuffer[float32](dev, 100)
	args := []runtime.Arg{runtime.Scalar(float32(3)), x, y}
	for _, delta := range []int32{0, 16, -16} {
		if err := dev.Launch(scaleKernel, dc.Grid1D(100), args, scaleCPU(delta)); err != nil {
			t.Errorf("%d ulps apart: %v", delta, err)
		}
	}
	err = dev.Launch(scaleKernel, dc.Grid1D(100), args, scaleCPU(17))
	var ve *runtime.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("17 ulps apart: %v, want a *ValidationError", err)
	}
	want := float32(3 * 3.5)
	if ve.Kernel != "Scale" || ve.Param != "y" || ve.Index != 7 || ve.Got != want || ve.Differ != 1 || ve.Backend != fakeName {
		t.Errorf("%+v", ve)
	}
	if w := ve.Want.(float32); math.Float32bits(w)-math.Float32bits(want) != 17 {
		t.Errorf("Want = %v", ve.Want)
	}
	t.Log(err)
	// The device's result is what the buffer holds.
	got := make([]float32, 100)
	if err := y.Read(got); err != nil || got[7] != want {
		t.Errorf("y[7] = %v, %v", got[7], err)
	}
	// Validated launches sync: the fake device ran each at once.
	if st := dev.ValidationStats(); st.Launches != 4 || st.Mismatches != 1 || st.Skipped != 0 {
		t.Errorf("%+v", st)
	}
	if err := dev.Launch(scaleKernel, dc.Grid1D(100), args, nil); err != nil {
		t.Fatal(err)
	}
	if st := dev.ValidationStats(); st.Skipped != 1 {
		t.Errorf("launch without a Go body: %+v", st)
	}
	// A view: compared over its range, indices in the view.
	yv, _ := y.Slice(4, 12)
	xv, _ := x.Slice(4, 12)
	err = dev.Launch(scaleKernel, dc.Grid1D(8), []runtime.Arg{runtime.Scalar(float32(3)), xv, yv}, scaleCPU(100))
	if !errors.As(err, &ve) || ve.Index != 7 || ve.Got != 3*xs[11] {
		t.Errorf("view: %v", err)
	}
}

// TestValidationEnv: DC_VALIDATE=1 turns validation on for every Open.
func TestValidationEnv(t *testing.T) {
	t.Setenv(runtime.EnvValidate, "1")
	dev := open(t, fakeName)
	if !dev.Validating() {
		t.Error("DC_VALIDATE=1: Validating() = false")
	}
	t.Setenv(runtime.EnvValidate, "")
	if open(t, fakeName).Validating() {
		t.Error("validation on by default")
	}
}

// TestCompareElems compares elements of several types: integers and bools
// exactly, floats within their tolerance, NaNs equal to NaNs, struct
// fields one by one with padding ignored.
func TestCompareElems(t *testing.T) {
	type elem struct {
		N int32
		B bool
		F float64 // after 3 bytes of padding
	}
	bytesOf := func(v any) []byte {
		r := reflect.ValueOf(v)
		p := reflect.New(r.Type())
		p.Elem().Set(r)
		return slices.Clone(unsafe.Slice((*byte)(p.UnsafePointer()), r.Type().Size()))
	}
	tol32, tol64 := runtime.Tolerance32, runtime.Tolerance64
	typ := reflect.TypeFor[[2]elem]()
	a := [2]elem{{1, true, 1.5}, {2, false, 2}}
	b := a
	b[1].F = math.Nextafter(2, 3)
	ga, gb := bytesOf(a), bytesOf(b)
	gb[5] = 0x7f // padding
	if e := runtime.CompareElems(typ, ga, gb, tol32, tol64); e != nil {
		t.Errorf("1 ulp and padding apart: %v", e)
	}
	b[1].N = 3
	if e := runtime.CompareElems(typ, ga, bytesOf(b), tol32, tol64); e == nil || e.Index != 0 || e.Field != "[1].N" || e.Got != int32(2) || e.Want != int32(3) {
		t.Errorf("int differs: %+v", e)
	}
	nan := float32(math.NaN())
	f32 := reflect.TypeFor[float32]()
	for _, c := range []struct {
		got, want float32
		equal     bool
	}{
		{nan, nan, true}, {nan, 1, false}, {0, float32(math.Copysign(0, -1)), true},
		{1e-7, -1e-7, true}, {1e-3, 1.001e-3, false}, {float32(math.Inf(1)), math.MaxFloat32, false},
	} {
		e := runtime.CompareElems(f32, bytesOf(c.got), bytesOf(c.want), tol32, tol64)
		if (e == nil) != c.equal {
			t.Errorf("%v vs %v: %v, want equal %v", c.got, c.want, e, c.equal)
		}
	}
}

// bumpModule is a kernel whose OpenCL C adds 1 to element 5 where its Go
// body does not: a device result that genuinely differs.
var bumpModule = &runtime.Module{
	Package: "example.com/bump",
	OpenCL: `
__kernel void Bump(__global const float *x, long x_len, __global float *y, long y_len) {
	long i = get_global_id(0);
	if (i < y_len) {
		y[i] = x[i] + (i == 5 ? 1.0f : 0.0f);
	}
}
`,
}

var bumpKernel = &runtime.Kernel{
	Module: bumpModule,
	Name:   "Bump",
	Params: []runtime.Param{
		{Name: "x", Kind: runtime.BufferParam, Size: 4},
		{Name: "y", Kind: runtime.BufferParam, Size: 4, Written: true},
	},
}

func bumpCPU(c *runtime.Call) error {
	copy(f32s(c.Args[1]), f32s(c.Args[0]))
	return nil
}

// TestValidationOpenCL validates generated kernels on OpenCL (PoCL): they
// agree with their Go bodies; and a kernel whose OpenCL C differs from its
// Go body is caught.
func TestValidationOpenCL(t *testing.T) {
	dev := openOpenCL(t, runtime.WithValidation())
	const n = 1000
	xs, ys := make([]float32, n), make([]float32, n)
	for i := range xs {
		xs[i] = float32(math.Sin(float64(i))) * 100
		ys[i] = float32(i) / 7
	}
	x, _ := runtime.BufferOf(dev, xs)
	y, _ := runtime.BufferOf(dev, ys)
	for range 3 {
		if err := kernels.LaunchSaxpy(dev, dc.Grid1D(n), 1.1, x, y); err != nil {
			t.Fatal(err)
		}
		if err := kernels.LaunchScale(dev, dc.Grid1D(n), float32(0.3), y); err != nil {
			t.Fatal(err)
		}
	}
	in, _ := runtime.BufferOf(dev, filled(4*kernels.ReduceGroupSize, 0.1))
	partial, _ := runtime.NewBuffer[float32](dev, 4)
	if err := kernels.LaunchReduceSum(dev, dc.Grid1D(in.Len()), in, partial); err != nil {
		t.Fatal(err)
	}
	// One buffer as both x and y: the aliased entry point, and a
	// reference run on one host copy too.
	if err := kernels.LaunchSaxpy(dev, dc.Grid1D(n), 0.5, y, y); err != nil {
		t.Fatal(err)
	}
	if st := dev.ValidationStats(); st.Launches != 8 || st.Mismatches != 0 {
		t.Errorf("%+v", st)
	}
	// Validation leaves the buffers as without it.
	ref := slices.Clone(ys)
	for range 3 {
		for i := range ref {
			ref[i] = (1.1*xs[i] + ref[i]) * 0.3
		}
	}
	for i := range ref {
		ref[i] *= 1.5
	}
	got := make([]float32, n)
	if err := y.Read(got); err != nil {
		t.Fatal(err)
	}
	for i := range ref {
		if d := math.Abs(float64(got[i] - ref[i])); d > 1e-4*math.Abs(float64(ref[i]))+1e-5 {
			t.Fatalf("y[%d] = %v, want %v", i, got[i], ref[i])
		}
	}

	// A launch that faults on the device reports the fault, not a
	// comparison. Which thread's fault comes first depends on the order
	// the device runs the groups in.
	short, _ := runtime.BufferOf(dev, xs[:10])
	err := kernels.LaunchSaxpy(dev, dc.Grid1D(n), 1, short, y)
	var fault *runtime.Fault
	if !errors.As(err, &fault) || fault.Index < 10 || fault.Index >= int64(n) || fault.Len != 10 {
		t.Fatalf("faulting launch: %v, want the index fault", err)
	}

	err = dev.Launch(bumpKernel, dc.Grid1D(n), []runtime.Arg{x, y}, bumpCPU)
	var ve *runtime.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Bump: %v, want a *ValidationError", err)
	}
	if ve.Kernel != "Bump" || ve.Backend != "opencl" || ve.Param != "y" || ve.Index != 5 || ve.Got != xs[5]+1 || ve.Want != xs[5] || ve.Differ != 1 {
		t.Errorf("%+v", ve)
	}
	t.Log(err)
}

// BenchmarkValidation measures the cost of validation: a saxpy launch and
// sync on OpenCL with and without it.
func BenchmarkValidation(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := "off"
		opts := []runtime.Option{runtime.WithPool(true)}
		if on {
			name = "on"
			opts = append(opts, runtime.WithValidation())
		}
		b.Run(name, func(b *testing.B) {
			for _, n := range []int{1 << 10, 1 << 20} {
				b.Run(byteSizeName(4*n), func(b *testing.B) {
					dev := openOpenCL(b, opts...)
					x, _ := runtime.BufferOf(dev, filled(n, 1))
					y, _ := runtime.BufferOf(dev, filled(n, 2))
					g := dc.Grid1D(n)
					for b.Loop() {
						if err := kernels.LaunchSaxpy(dev, g, 0.5, x, y); err != nil {
							b.Fatal(err)
						}
						if err := dev.Sync(); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}

func byteSizeName(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%dMiB", n>>20)
	}
	return fmt.Sprintf("%dKiB", n>>10)
}

// BenchmarkPool allocates a buffer, launches a kernel writing it and
// closes it, per iteration, on OpenCL with the memory pool and without.
func BenchmarkPool(b *testing.B) {
	for _, n := range []int{16 << 10, 1 << 20} {
		for _, on := range []bool{true, false} {
			b.Run(fmt.Sprintf("%s/pool=%v", byteSizeName(4*n), on), func(b *testing.B) {
				dev := openOpenCL(b, runtime.WithPool(on))
				x, _ := runtime.BufferOf(dev, filled(n, 1))
				g := dc.Grid1D(n)
				for b.Loop() {
					y, err := runtime.NewBuffer[float32](dev, n)
					if err != nil {
						b.Fatal(err)
					}
					if err := kernels.LaunchSaxpy(dev, g, 2, x, y); err != nil {
						b.Fatal(err)
					}
					if err := y.Close(); err != nil {
						b.Fatal(err)
					}
				}
				st := dev.PoolStats()
				b.ReportMetric(float64(st.Hits)/float64(st.Hits+st.Misses), "hits/alloc")
			})
		}
	}
}
