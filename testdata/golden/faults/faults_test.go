package faults

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// at returns the Go position of the line of faults.go marked "// fault:
// what", and the column of the expression the check names.
func at(t *testing.T, what, expr string) (line, col int) {
	t.Helper()
	src, err := os.ReadFile("faults.go")
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(src), "\n") {
		if strings.HasSuffix(l, "// fault: "+what) {
			c := strings.Index(l, expr)
			if c < 0 {
				t.Fatalf("line %d has no %q", i+1, expr)
			}
			return i + 1, c + 1
		}
	}
	t.Fatalf("no line marked %q", what)
	return 0, 0
}

// fault returns the *runtime.Fault err wraps, failing the test if it
// wraps none.
func fault(t *testing.T, err error) *runtime.Fault {
	t.Helper()
	var ke *runtime.KernelError
	var f *runtime.Fault
	if !errors.As(err, &ke) || !errors.As(err, &f) {
		t.Fatalf("got error %v, want a *runtime.KernelError wrapping a *runtime.Fault", err)
	}
	return f
}

type want struct {
	kind       runtime.FaultKind
	what, expr string // the marked line and the checked expression
	index, len int64
	lo, hi     int64
	thread     dc.Dim3
	group      dc.Dim3
}

func (w want) check(t *testing.T, f *runtime.Fault) {
	t.Helper()
	line, col := at(t, w.what, w.expr)
	exp := runtime.Fault{Kind: w.kind, File: "faults.go", Line: line, Col: col, Index: w.index, Len: w.len, Lo: w.lo, Hi: w.hi, Thread: w.thread, Group: w.group}
	if *f != exp {
		t.Errorf("fault\n got %+v\nwant %+v", *f, exp)
	}
}

// canary is a buffer no kernel is given: it must come through every
// faulting launch byte for byte.
func canary(t *testing.T, dev *runtime.Device) (*runtime.Buffer[byte], func()) {
	t.Helper()
	data := make([]byte, 4096)
	for i := range data {
		data[i] = byte(i*7 + 3)
	}
	b, err := runtime.BufferOf(dev, data)
	if err != nil {
		t.Fatal(err)
	}
	return b, func() {
		t.Helper()
		got := make([]byte, len(data))
		if err := b.Read(got); err != nil {
			t.Fatalf("reading the canary: %v", err)
		}
		if !bytes.Equal(got, data) {
			t.Errorf("the canary buffer changed")
		}
	}
}

// usable checks the device runs a kernel correctly after a fault.
func usable(t *testing.T, dev *runtime.Device) {
	t.Helper()
	out, _ := runtime.NewBuffer[float32](dev, 300)
	if err := LaunchFill(dev, dc.Grid1D(300), out, 2.5); err != nil {
		t.Fatalf("launch after a fault: %v", err)
	}
	got := make([]float32, 300)
	if err := out.Read(got); err != nil {
		t.Fatalf("read after a fault: %v", err)
	}
	for i, v := range got {
		if v != 2.5 {
			t.Fatalf("after a fault, Fill gave out[%d] = %v", i, v)
		}
	}
}

func read[T any](t *testing.T, b *runtime.Buffer[T]) []T {
	t.Helper()
	out := make([]T, b.Len())
	if err := b.Read(out); err != nil {
		t.Fatalf("read: %v", err)
	}
	return out
}

func g64(n int) dc.Grid { return dc.Grid1D(n).WithGroupSize(64, 1, 1) }

func TestFaults(t *testing.T) {
	kerneltest.Run(t, func(t *testing.T, dev *runtime.Device) {
		t.Run("read past", func(t *testing.T) {
			c, same := canary(t, dev)
			defer c.Close()
			x, _ := runtime.BufferOf(dev, make([]float32, 1000))
			out, _ := runtime.NewBuffer[float32](dev, 1001)
			if err := LaunchReadPast(dev, g64(1001), x, out); err != nil {
				t.Fatal(err)
			}
			f := fault(t, dev.Sync())
			want{kind: runtime.IndexOutOfRange, what: "read past x", expr: "x[i]", index: 1000, len: 1000,
				thread: dc.Dim3{X: 1000 % 64}, group: dc.Dim3{X: 1000 / 64}}.check(t, f)
			if !strings.Contains(f.Error(), "index out of range [1000] with length 1000 (thread (40,0,0) of group (15,0,0))") {
				t.Errorf("message %q", f.Error())
			}
			if got := read(t, out); got[1000] != 0 {
				t.Errorf("the faulting read gave %v, want 0", got[1000])
			}
			same()
			usable(t, dev)
		})
		t.Run("write past, reported by Read", func(t *testing.T) {
			c, same := canary(t, dev)
			defer c.Close()
			out, _ := runtime.NewBuffer[float32](dev, 100)
			if err := LaunchWritePast(dev, g64(4096), out, 101); err != nil {
				t.Fatal(err)
			}
			got := make([]float32, 100)
			f := fault(t, out.Read(got))
			want{kind: runtime.IndexOutOfRange, what: "write past out", expr: "out[i]", index: 100, len: 100,
				thread: dc.Dim3{X: 36}, group: dc.Dim3{X: 1}}.check(t, f)
			got = read(t, out)
			for i, v := range got {
				if v != float32(i) {
					t.Fatalf("out[%d] = %v, want %d", i, v, i)
				}
			}
			same()
			usable(t, dev)
		})
		t.Run("write past, reported by the next launch", func(t *testing.T) {
			out, _ := runtime.NewBuffer[float32](dev, 100)
			if err := LaunchWritePast(dev, g64(128), out, 101); err != nil {
				t.Fatal(err)
			}
			// A launch after the faulting one has finished reports the
			// fault and does not run; until then launches go ahead.
			other, _ := runtime.NewBuffer[float32](dev, 10)
			deadline := time.Now().Add(10 * time.Second)
			var err error
			for err == nil && time.Now().Before(deadline) {
				err = LaunchFill(dev, dc.Grid1D(10), other, 1)
				time.Sleep(time.Millisecond)
			}
			f := fault(t, err)
			want{kind: runtime.IndexOutOfRange, what: "write past out", expr: "out[i]", index: 100, len: 100,
				thread: dc.Dim3{X: 36}, group: dc.Dim3{X: 1}}.check(t, f)
			var ke *runtime.KernelError
			if errors.As(err, &ke); ke.Kernel != "WritePast" {
				t.Errorf("the fault names kernel %q, want WritePast", ke.Kernel)
			}
			if err := dev.Sync(); err != nil {
				t.Errorf("Sync after the reported fault: %v", err)
			}
			usable(t, dev)
		})
		t.Run("scalar index into another buffer", func(t *testing.T) {
			c, same := canary(t, dev)
			defer c.Close()
			a, _ := runtime.BufferOf(dev, make([]float32, 100))
			b, _ := runtime.BufferOf(dev, []float32{5, 6})
			if err := LaunchOffset(dev, g64(64), a, b, 320); err != nil {
				t.Fatal(err)
			}
			f := fault(t, dev.Sync())
			want{kind: runtime.IndexOutOfRange, what: "scalar index", expr: "a[off]", index: 320, len: 100}.check(t, f)
			if got := read(t, b); got[0] != 1 || got[1] != 6 {
				t.Errorf("b = %v, want [1 6] (the faulting read gives 0)", got)
			}
			for i, v := range read(t, a) {
				if v != 0 {
					t.Fatalf("a[%d] = %v: the dropped write landed", i, v)
				}
			}
			same()
			usable(t, dev)
		})
		t.Run("negative index", func(t *testing.T) {
			x, _ := runtime.BufferOf(dev, []int32{9, 8})
			if err := LaunchNegative(dev, g64(1), x, -1); err != nil {
				t.Fatal(err)
			}
			f := fault(t, dev.Sync())
			want{kind: runtime.IndexOutOfRange, what: "negative index", expr: "x[k]", index: -1, len: 2}.check(t, f)
			if !strings.Contains(f.Error(), "index out of range [-1] (thread") {
				t.Errorf("message %q", f.Error())
			}
			if got := read(t, x); got[0] != 0 || got[1] != 8 {
				t.Errorf("x = %v, want [0 8]", got)
			}
		})
		t.Run("slice bounds", func(t *testing.T) {
			x, _ := runtime.BufferOf(dev, []float32{3, 3, 3})
			if err := LaunchSub(dev, g64(1), x, 1, 5); err != nil {
				t.Fatal(err)
			}
			f := fault(t, dev.Sync())
			want{kind: runtime.SliceOutOfRange, what: "slice bounds", expr: "x[lo:hi]", lo: 1, hi: 5, len: 3}.check(t, f)
			if !strings.Contains(f.Error(), "slice bounds out of range [:5] with capacity 3") {
				t.Errorf("message %q", f.Error())
			}
			if got := read(t, x); got[0] != 3 || got[1] != 3 || got[2] != 3 {
				t.Errorf("x = %v: the empty slice was written", got)
			}
			if err := LaunchSub(dev, g64(1), x, 2, 1); err != nil {
				t.Fatal(err)
			}
			f = fault(t, dev.Sync())
			if !strings.Contains(f.Error(), "slice bounds out of range [2:1]") {
				t.Errorf("message %q", f.Error())
			}
		})
		t.Run("division by zero", func(t *testing.T) {
			divide[int8](t, dev)
			divide[int16](t, dev)
			divide[int32](t, dev)
			divide[int64](t, dev)
			divide[int](t, dev)
			divide[uint8](t, dev)
			divide[uint16](t, dev)
			divide[uint32](t, dev)
			divide[uint64](t, dev)
			divide[uint](t, dev)
		})
		t.Run("negative shift", func(t *testing.T) {
			shift[int8](t, dev)
			shift[int32](t, dev)
			shift[int64](t, dev)
			shift[int](t, dev)
		})
		t.Run("shared index", func(t *testing.T) {
			c, same := canary(t, dev)
			defer c.Close()
			out, _ := runtime.NewBuffer[int32](dev, 65)
			if err := LaunchSharedIndex(dev, dc.Grid{Groups: dc.Dim3{X: 1, Y: 1, Z: 1}, GroupSize: dc.Dim3{X: 65, Y: 1, Z: 1}}, out); err != nil {
				t.Fatal(err)
			}
			f := fault(t, dev.Sync())
			want{kind: runtime.IndexOutOfRange, what: "shared index", expr: "sh[l]", index: 64, len: 64, thread: dc.Dim3{X: 64}}.check(t, f)
			got := read(t, out)
			for i := range 64 {
				if got[i] != int32(i)+1 {
					t.Fatalf("out[%d] = %d, want %d", i, got[i], i+1)
				}
			}
			same()
			usable(t, dev)
		})
		t.Run("grid stride", func(t *testing.T) {
			// 4 groups of 64 threads, 4 values each: only thread 232's
			// last read (x[1000], its fourth) is past x.
			xs := make([]float32, 1000)
			for i := range xs {
				xs[i] = float32(i%7 + 1)
			}
			wantOut := make([]float32, 256)
			for i, v := range xs {
				wantOut[i%256] += v
			}
			x, _ := runtime.BufferOf(dev, xs)
			out, _ := runtime.NewBuffer[float32](dev, 256)
			if err := LaunchStrideSum(dev, g64(256), x, out, 1001); err != nil {
				t.Fatal(err)
			}
			f := fault(t, dev.Sync())
			want{kind: runtime.IndexOutOfRange, what: "grid stride", expr: "x[i]", index: 1000, len: 1000,
				thread: dc.Dim3{X: 232 % 64}, group: dc.Dim3{X: 232 / 64}}.check(t, f)
			kerneltest.Equal(t, "out", read(t, out), wantOut)
			usable(t, dev)
		})
		t.Run("device function", func(t *testing.T) {
			x, _ := runtime.BufferOf(dev, []float32{1, 2, 3, 4, 5})
			out, _ := runtime.NewBuffer[float32](dev, 5)
			if err := LaunchNeighbour(dev, g64(5), x, out); err != nil {
				t.Fatal(err)
			}
			f := fault(t, dev.Sync())
			want{kind: runtime.IndexOutOfRange, what: "device function", expr: "s[i+1]", index: 5, len: 5, thread: dc.Dim3{X: 4}}.check(t, f)
			if got := read(t, out); fmt.Sprint(got) != "[2 3 4 5 0]" {
				t.Errorf("out = %v, want [2 3 4 5 0]", got)
			}
		})
		t.Run("launch conditions", func(t *testing.T) {
			// x as long as out: the fast entry point runs, and copies.
			src := make([]float32, 1000)
			for i := range src {
				src[i] = float32(i)
			}
			x, _ := runtime.BufferOf(dev, src)
			out, _ := runtime.NewBuffer[float32](dev, 1000)
			before := dev.Stats().FastLaunches
			if err := LaunchCopy(dev, g64(1000), x, out); err != nil {
				t.Fatal(err)
			}
			if got := read(t, out); fmt.Sprint(got) != fmt.Sprint(src) {
				t.Errorf("fast Copy gave %v", got[:8])
			}
			if n := dev.Stats().FastLaunches - before; n != 1 {
				t.Errorf("%d fast launches, want 1", n)
			}
			// x shorter than out: the checked entry point runs and faults.
			short, _ := runtime.BufferOf(dev, src[:999])
			if err := LaunchCopy(dev, g64(1000), short, out); err != nil {
				t.Fatal(err)
			}
			f := fault(t, dev.Sync())
			want{kind: runtime.IndexOutOfRange, what: "copy", expr: "x[i]", index: 999, len: 999,
				thread: dc.Dim3{X: 999 % 64}, group: dc.Dim3{X: 999 / 64}}.check(t, f)
			if n := dev.Stats().FastLaunches - before; n != 1 {
				t.Errorf("%d fast launches, want 1 (the short x must run checked)", n)
			}
		})
		t.Run("one fault among a million threads", func(t *testing.T) {
			const n = 1 << 20
			out, _ := runtime.NewBuffer[float32](dev, n-1)
			if err := LaunchWritePast(dev, dc.Grid1D(n), out, n); err != nil {
				t.Fatal(err)
			}
			f := fault(t, dev.Sync())
			want{kind: runtime.IndexOutOfRange, what: "write past out", expr: "out[i]", index: n - 1, len: n - 1,
				thread: dc.Dim3{X: 255}, group: dc.Dim3{X: n/256 - 1}}.check(t, f)
			usable(t, dev)
		})
	})
}

// divide checks division and modulo by zero for one integer kind: only
// thread 3 divides by zero, and its quotient is 0.
func divide[T int8 | int16 | int32 | int64 | int | uint8 | uint16 | uint32 | uint64 | uint](t *testing.T, dev *runtime.Device) {
	t.Helper()
	name := fmt.Sprintf("%T", T(0))
	xs := []T{10, 20, 30, 40, 50, 60}
	ds := []T{1, 2, 3, 0, 7, 9}
	for _, mod := range []bool{false, true} {
		x, _ := runtime.BufferOf(dev, xs)
		d, _ := runtime.BufferOf(dev, ds)
		var err error
		what, expr := "division", "x[i] / d[i]"
		if mod {
			what, expr = "modulo", "x[i] % d[i]"
			err = LaunchMod(dev, g64(len(xs)), x, d)
		} else {
			err = LaunchDiv(dev, g64(len(xs)), x, d)
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		f := fault(t, dev.Sync())
		line, _ := at(t, what, expr)
		if f.Kind != runtime.DivideByZero || f.Line != line || f.Thread != (dc.Dim3{X: 3}) || f.Group != (dc.Dim3{}) {
			t.Errorf("%s %s: fault %+v", name, what, *f)
		}
		if !strings.HasSuffix(f.Error(), ": integer divide by zero (thread (3,0,0) of group (0,0,0))") {
			t.Errorf("%s: message %q", name, f.Error())
		}
		got := read(t, x)
		for i := range xs {
			w := T(0)
			if ds[i] != 0 {
				if mod {
					w = xs[i] % ds[i]
				} else {
					w = xs[i] / ds[i]
				}
			}
			if got[i] != w {
				t.Errorf("%s %s: x[%d] = %v, want %v", name, what, i, got[i], w)
			}
		}
	}
}

// shift launches Shift with a negative count for thread 5 only: the left
// shift faults first, its result and the right shift's are 0 (the right
// shift faults too, but only the first fault is kept), and every other
// thread shifts as Go does.
func shift[S int8 | int32 | int64 | int](t *testing.T, dev *runtime.Device) {
	t.Helper()
	const n = 8
	xs, ys, ss := make([]int32, n), make([]int32, n), make([]S, n)
	for i := range n {
		xs[i], ys[i], ss[i] = int32(i+1), -int32(i+1)*64, S(i%4)
	}
	ss[5] = -1
	x, _ := runtime.BufferOf(dev, xs)
	y, _ := runtime.BufferOf(dev, ys)
	s, _ := runtime.BufferOf(dev, ss)
	if err := LaunchShift(dev, g64(n), x, y, s); err != nil {
		t.Fatal(err)
	}
	f := fault(t, dev.Sync())
	want{kind: runtime.NegativeShift, what: "shift left", expr: "<< s[i]", thread: dc.Dim3{X: 5}}.check(t, f)
	if !strings.Contains(f.Error(), "negative shift amount (thread (5,0,0) of group (0,0,0))") {
		t.Errorf("message %q", f.Error())
	}
	gx, gy := read(t, x), read(t, y)
	for i := range n {
		wx, wy := xs[i]<<(i%4), ys[i]>>(i%4)
		if i == 5 {
			wx, wy = 0, 0
		}
		if gx[i] != wx || gy[i] != wy {
			t.Errorf("%T: x[%d], y[%d] = %d, %d, want %d, %d", ss[0], i, i, gx[i], gy[i], wx, wy)
		}
	}
	usable(t, dev)
}
