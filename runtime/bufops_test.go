package runtime_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/backends/opencl"
	"github.com/dotcompute/dc/kernels"
	"github.com/dotcompute/dc/runtime"
)

// openOpenCL opens the OpenCL backend, skipping the test when no OpenCL
// platform is installed (unless DC_REQUIRE_OPENCL=1).
func openOpenCL(t testing.TB, opts ...runtime.Option) *runtime.Device {
	t.Helper()
	dev, err := runtime.Open(append([]runtime.Option{runtime.WithBackend("opencl")}, opts...)...)
	if err != nil {
		if errors.Is(err, opencl.ErrUnavailable) && os.Getenv("DC_REQUIRE_OPENCL") != "1" {
			t.Skipf("no OpenCL platform: install pocl-opencl-icd ocl-icd-libopencl1 (%v)", err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := dev.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return dev
}

// memDevice is a device the buffer tests run on, with a kernel that adds
// x to y (y[i] += x[i]): the fake backend's Add, or the generated Saxpy
// with a = 1 on real backends.
type memDevice struct {
	name string
	open func(t *testing.T) *runtime.Device
	add  func(dev *runtime.Device, x, y *runtime.Buffer[float32]) error
}

var memDevices = []memDevice{
	{fakeName, func(t *testing.T) *runtime.Device { return open(t, fakeName) }, func(dev *runtime.Device, x, y *runtime.Buffer[float32]) error {
		return dev.Launch(addKernel, dc.Grid1D(y.Len()), []runtime.Arg{x, y}, nil)
	}},
	{"cpu", func(t *testing.T) *runtime.Device { return open(t, "cpu") }, saxpy1},
	{"opencl", func(t *testing.T) *runtime.Device { return openOpenCL(t) }, saxpy1},
}

func saxpy1(dev *runtime.Device, x, y *runtime.Buffer[float32]) error {
	return kernels.LaunchSaxpy(dev, dc.Grid1D(y.Len()), 1, x, y)
}

func filled(n int, v float32) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = v
	}
	return s
}

// TestBufferStates walks a buffer through every state with ReadAt,
// WriteAt, Fill, Read, Write and launches, checking the state and the
// contents after each step, on a backend with separate device memory (the
// fake, OpenCL) and on the CPU, where every buffer is host-only.
func TestBufferStates(t *testing.T) {
	for _, md := range memDevices {
		t.Run(md.name, func(t *testing.T) {
			dev := md.open(t)
			host := dev.Info().HostMemory
			const n = 256
			want := func(b *runtime.Buffer[float32], s runtime.BufferState) {
				t.Helper()
				if host {
					s = runtime.HostOnly
				}
				if got := b.State(); got != s {
					t.Fatalf("state %v, want %v", got, s)
				}
			}
			readAt := func(b *runtime.Buffer[float32], off int, want []float32) {
				t.Helper()
				got := make([]float32, len(want))
				if err := b.ReadAt(got, off); err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("ReadAt(%d) = %v, want %v", off, got, want)
				}
			}
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			x, err := runtime.BufferOf(dev, filled(n, 1))
			must(err)
			y, err := runtime.NewBuffer[float32](dev, n)
			must(err)
			want(y, runtime.DeviceOnly)

			// Device-only: ranges move without a host copy.
			readAt(y, 10, []float32{0, 0})
			must(y.WriteAt([]float32{1, 2, 3}, 10))
			want(y, runtime.DeviceOnly)
			readAt(y, 9, []float32{0, 1, 2, 3, 0})
			must(y.Fill(2))
			want(y, runtime.DeviceOnly)
			readAt(y, 0, filled(n, 2))
			want(y, runtime.DeviceOnly)

			// Synchronized: WriteAt and Fill write both copies.
			must(y.Read(make([]float32, n)))
			want(y, runtime.Synchronized)
			must(y.WriteAt([]float32{5}, 0))
			want(y, runtime.Synchronized)
			readAt(y, 0, []float32{5, 2})
			must(md.add(dev, x, y)) // the device copy has the 5
			want(y, runtime.DeviceDirty)
			want(x, runtime.Synchronized)

			// Device-dirty.
			readAt(y, 0, []float32{6, 3})
			want(y, runtime.DeviceDirty)
			must(y.WriteAt([]float32{9}, 1))
			want(y, runtime.DeviceDirty)
			got := make([]float32, n)
			must(y.Read(got))
			want(y, runtime.Synchronized)
			if exp := append([]float32{6, 9}, filled(n-2, 3)...); !slices.Equal(got, exp) {
				t.Fatalf("after WriteAt on a device-dirty buffer: %v, want %v", got[:4], exp[:4])
			}

			// Host-dirty.
			must(y.Write(filled(n, 1)))
			want(y, runtime.HostDirty)
			must(y.WriteAt([]float32{4}, 2))
			want(y, runtime.HostDirty)
			readAt(y, 1, []float32{1, 4, 1})
			must(md.add(dev, x, y))
			want(y, runtime.DeviceDirty)
			readAt(y, 1, []float32{2, 5, 2})

			// Fill on device-dirty, then on synchronized.
			must(y.Fill(8))
			want(y, runtime.DeviceDirty)
			must(y.Read(got))
			want(y, runtime.Synchronized)
			if !slices.Equal(got, filled(n, 8)) {
				t.Fatalf("after Fill(8): %v", got[:4])
			}
			must(y.Fill(0))
			want(y, runtime.Synchronized)
			readAt(y, n-1, []float32{0})
			must(md.add(dev, x, y)) // the device copy was filled too
			readAt(y, 0, filled(n, 1))

			// Host-only.
			z, err := runtime.BufferOf(dev, filled(n, 3))
			must(err)
			must(z.WriteAt([]float32{7}, 5))
			must(z.Fill(4))
			want(z, runtime.HostOnly)
			readAt(z, 4, []float32{4, 4})
			want(z, runtime.HostOnly)
			must(md.add(dev, x, z))
			want(z, runtime.DeviceDirty)
			readAt(z, 0, filled(n, 5))

			// Out of range.
			if err := y.ReadAt(make([]float32, 2), n-1); err == nil || !strings.Contains(err.Error(), "outside the 256-element buffer") {
				t.Errorf("ReadAt past the end: %v", err)
			}
			if err := y.WriteAt(make([]float32, 1), -1); err == nil {
				t.Error("WriteAt at -1: no error")
			}
		})
	}
}

// TestBufferViews launches kernels with views (Slice) and checks that
// they work on their range of the buffer without a copy, share its state,
// nest, copy on the device, and die with the buffer.
func TestBufferViews(t *testing.T) {
	for _, md := range memDevices {
		t.Run(md.name, func(t *testing.T) {
			dev := md.open(t)
			const n = 256
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			x, err := runtime.BufferOf(dev, filled(n, 1))
			must(err)
			y, err := runtime.NewBuffer[float32](dev, n)
			must(err)
			// Views start at 64 elements (256 bytes): OpenCL's
			// sub-buffers must start at CL_DEVICE_MEM_BASE_ADDR_ALIGN.
			v, err := y.Slice(64, 128)
			must(err)
			if v.Len() != 64 || v.State() != y.State() {
				t.Fatalf("view: Len %d, State %v; buffer %v", v.Len(), v.State(), y.State())
			}
			xv, err := x.Slice(0, 64)
			must(err)
			must(v.Fill(100))
			must(md.add(dev, xv, v))
			before := dev.Stats()
			got := make([]float32, n)
			must(y.Read(got))
			exp := append(append(filled(64, 0), filled(64, 101)...), filled(128, 0)...)
			if !slices.Equal(got, exp) {
				t.Fatalf("after Fill and a launch on view [64:128]: %v", got)
			}
			if st := dev.Stats(); !dev.Info().HostMemory && st.DeviceToHost != before.DeviceToHost+1 {
				t.Errorf("Read after a view launch made %d transfers, want 1", st.DeviceToHost-before.DeviceToHost)
			}
			if v.State() != y.State() {
				t.Errorf("view state %v, buffer %v", v.State(), y.State())
			}
			if hs := v.HostSlice(); dev.Info().HostMemory && (len(hs) != 64 || &hs[0] != &y.HostSlice()[64]) {
				t.Errorf("HostSlice of view [64:128] does not share the buffer's memory")
			} else if !dev.Info().HostMemory && hs != nil {
				t.Errorf("HostSlice of a view on %s: %d elements, want nil", md.name, len(hs))
			}

			// A view of a view, written through: the buffer sees it.
			w, err := v.Slice(2, 4)
			must(err)
			must(w.Write([]float32{-1, -2}))
			vs := make([]float32, 4)
			must(v.ReadAt(vs, 1))
			if !slices.Equal(vs, []float32{101, -1, -2, 101}) {
				t.Errorf("view after a write through a view of it: %v", vs)
			}
			if y.State() != runtime.HostOnly && y.State() != runtime.Synchronized {
				t.Errorf("state %v after WriteAt on a synchronized buffer", y.State())
			}

			// Copy between views of two buffers, and of one buffer.
			u, err := y.Slice(192, 256)
			must(err)
			if k, err := runtime.Copy(u, v); err != nil || k != 64 {
				t.Fatalf("Copy(view, view) = %d, %v", k, err)
			}
			tail := make([]float32, 64)
			must(y.ReadAt(tail, 192))
			if tail[0] != 101 || tail[3] != -2 || tail[63] != 101 {
				t.Errorf("copied view: %v", tail[:4])
			}
			ov, err := y.Slice(193, 256)
			must(err)
			if _, err := runtime.Copy(ov, u); err != nil { // overlapping: memmove
				t.Fatal(err)
			}
			must(y.ReadAt(tail[:4], 192))
			if !slices.Equal(tail[:4], []float32{101, 101, 101, -1}) {
				t.Errorf("overlapping Copy: %v", tail[:4])
			}

			// Bad bounds, and closing.
			if _, err := y.Slice(10, 300); err == nil {
				t.Error("Slice(10, 300) of 256: no error")
			}
			must(w.Close())
			if err := w.Read(make([]float32, 2)); !errors.Is(err, runtime.ErrBufferClosed) {
				t.Errorf("Read of a closed view: %v", err)
			}
			must(v.Read(make([]float32, 64))) // the others live on
			must(y.Close())
			if err := v.Read(make([]float32, 64)); !errors.Is(err, runtime.ErrBufferClosed) {
				t.Errorf("Read of a view of a closed buffer: %v", err)
			}
			if err := md.add(dev, xv, v); !errors.Is(err, runtime.ErrBufferClosed) {
				t.Errorf("launch with a view of a closed buffer: %v", err)
			}
		})
	}
}

// TestViewMisaligned launches a view that OpenCL cannot make a sub-buffer
// of: an error naming the alignment, never a silent copy; the CPU takes it.
func TestViewMisaligned(t *testing.T) {
	for _, md := range memDevices[1:] {
		t.Run(md.name, func(t *testing.T) {
			dev := md.open(t)
			x, _ := runtime.BufferOf(dev, filled(16, 1))
			y, _ := runtime.BufferOf(dev, filled(16, 2))
			xv, _ := x.Slice(1, 9)
			yv, _ := y.Slice(1, 9)
			err := md.add(dev, xv, yv)
			if md.name == "cpu" {
				if err != nil {
					t.Fatal(err)
				}
				got := make([]float32, 16)
				if err := y.Read(got); err != nil {
					t.Fatal(err)
				}
				if got[0] != 2 || got[1] != 3 || got[8] != 3 || got[9] != 2 {
					t.Errorf("after a launch on view [1:9]: %v", got)
				}
				return
			}
			var ke *runtime.KernelError
			if !errors.As(err, &ke) || ke.Arg != "x" || !strings.Contains(err.Error(), "CL_DEVICE_MEM_BASE_ADDR_ALIGN") {
				t.Fatalf("launch with a view at 4 bytes: %v", err)
			}
			t.Log(err)
		})
	}
}

// TestNoViews: a backend whose memory is no Viewer refuses views at launch.
func TestNoViews(t *testing.T) {
	dev := open(t, noCopyName)
	x, _ := runtime.NewBuffer[float32](dev, 8)
	y, _ := runtime.NewBuffer[float32](dev, 8)
	v, err := y.Slice(0, 4)
	if err != nil {
		t.Fatal(err)
	}
	err = dev.Launch(addKernel, dc.Grid1D(4), []runtime.Arg{x, v}, nil)
	if !errors.Is(err, runtime.ErrNoViews) {
		t.Fatalf("launch with a view: %v, want ErrNoViews", err)
	}
}

// TestFillPatterns fills buffers of elements of several sizes, those
// OpenCL fills on the device and a 12-byte struct it cannot (written from
// the host instead).
func TestFillPatterns(t *testing.T) {
	type vec3 struct{ X, Y, Z float32 }
	for _, md := range memDevices {
		t.Run(md.name, func(t *testing.T) {
			dev := md.open(t)
			b, err := runtime.NewBuffer[vec3](dev, 100)
			if err != nil {
				t.Fatal(err)
			}
			before := dev.Stats().HostToDevice
			if err := b.Fill(vec3{1, 2, 3}); err != nil {
				t.Fatal(err)
			}
			// OpenCL cannot fill a 12-byte pattern: written from the host.
			if up := dev.Stats().HostToDevice - before; md.name != "cpu" && up == 0 {
				t.Errorf("Fill of a device-only buffer of 12-byte elements made no transfer")
			}
			got := make([]vec3, 100)
			if err := b.Read(got); err != nil {
				t.Fatal(err)
			}
			for i, v := range got {
				if v != (vec3{1, 2, 3}) {
					t.Fatalf("element %d = %v", i, v)
				}
			}
			d, err := runtime.NewBuffer[float64](dev, 1000)
			if err != nil {
				t.Fatal(err)
			}
			v, _ := d.Slice(10, 20)
			before = dev.Stats().HostToDevice
			if err := v.Fill(-1.5); err != nil {
				t.Fatal(err)
			}
			// An 8-byte pattern OpenCL fills on the device.
			if up := dev.Stats().HostToDevice - before; md.name == "opencl" && up != 0 {
				t.Errorf("Fill of float64 on OpenCL made %d transfers, want 0", up)
			}
			ds := make([]float64, 1000)
			if err := d.Read(ds); err != nil {
				t.Fatal(err)
			}
			if ds[9] != 0 || ds[10] != -1.5 || ds[19] != -1.5 || ds[20] != 0 {
				t.Errorf("Fill of view [10:20]: %v", ds[8:22])
			}
		})
	}
}

// TestReadContext reads with a context: at once when the work is done,
// ctx.Err() when it ends first.
func TestReadContext(t *testing.T) {
	dev := open(t, fakeName)
	y, err := runtime.BufferOf(dev, []float32{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	got := make([]float32, 3)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := y.ReadContext(ctx, got); !errors.Is(err, context.Canceled) {
		t.Fatalf("ReadContext with a cancelled context: %v", err)
	}
	if err := y.ReadContext(context.Background(), got); err != nil || !slices.Equal(got, []float32{1, 2, 3}) {
		t.Fatalf("ReadContext = %v, %v", got, err)
	}
	// A launch the device takes long for: the deadline comes first.
	x, _ := runtime.BufferOf(dev, []float32{1, 1, 1})
	if err := dev.Launch(addKernel, dc.Grid1D(3), []runtime.Arg{x, y}, nil); err != nil {
		t.Fatal(err)
	}
	gate := make(chan struct{})
	fakeSyncGate.Store(&gate)
	defer fakeSyncGate.Store(nil)
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	clear(got)
	if err := y.ReadContext(ctx, got); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ReadContext past the deadline: %v", err)
	}
	if got[0] != 0 {
		t.Errorf("ReadContext wrote dst after its deadline: %v", got)
	}
	close(gate)
	if err := y.ReadContext(context.Background(), got); err != nil || !slices.Equal(got, []float32{2, 3, 4}) {
		t.Fatalf("ReadContext after the work = %v, %v", got, err)
	}
}
