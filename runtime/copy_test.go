package runtime_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/runtime"
)

func seq(n int, scale float32) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = scale * float32(i+1)
	}
	return s
}

func readAll[T any](t *testing.T, b *runtime.Buffer[T]) []T {
	t.Helper()
	got := make([]T, b.Len())
	if err := b.Read(got); err != nil {
		t.Fatal(err)
	}
	return got
}

// TestCopyOnDevice copies with a backend that copies on the device: the
// copy runs after the kernel launched before it, the data never visits the
// host, and the destination becomes device-dirty (or device-only).
func TestCopyOnDevice(t *testing.T) {
	dev := open(t, fakeName)
	f := lastFake.Load()
	x, err := runtime.BufferOf(dev, seq(8, 1))
	if err != nil {
		t.Fatal(err)
	}
	y, err := runtime.NewBuffer[float32](dev, 8)
	if err != nil {
		t.Fatal(err)
	}
	z, err := runtime.NewBuffer[float32](dev, 8)
	if err != nil {
		t.Fatal(err)
	}
	if err := dev.Launch(scaleKernel, dc.Grid1D(8), []runtime.Arg{runtime.Scalar(float32(2)), x, y}, nil); err != nil {
		t.Fatal(err)
	}
	n, err := runtime.Copy(z, y)
	if err != nil || n != 8 {
		t.Fatalf("Copy = %d, %v; want 8, nil", n, err)
	}
	if z.State() != runtime.DeviceOnly {
		t.Errorf("destination state %v, want device-only", z.State())
	}
	st := dev.Stats()
	if st.DeviceToDevice != 1 || st.BytesDeviceToDevice != 32 || st.DeviceToHost != 0 || f.copies != 1 {
		t.Errorf("stats %+v, backend copies %d: want one 32-byte device copy and no transfer to the host", st, f.copies)
	}
	if got, want := readAll(t, z), seq(8, 2); !slices.Equal(got, want) {
		t.Errorf("copy of the kernel's output = %v, want %v", got, want)
	}
	// A destination with a newer host copy: the device copy is made
	// current first, so the elements past the source's length keep it.
	w, err := runtime.BufferOf(dev, seq(12, -1))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := runtime.Copy(w, x); err != nil || n != 8 {
		t.Fatalf("Copy into a longer buffer = %d, %v; want 8, nil", n, err)
	}
	if w.State() != runtime.DeviceDirty {
		t.Errorf("destination state %v, want device-dirty", w.State())
	}
	want := append(seq(8, 1), seq(12, -1)[8:]...)
	if got := readAll(t, w); !slices.Equal(got, want) {
		t.Errorf("partial copy = %v, want %v", got, want)
	}
	// A host-dirty source is copied to the device first.
	if err := x.Write(seq(8, 3)); err != nil {
		t.Fatal(err)
	}
	if n, err := runtime.Copy(z, x); err != nil || n != 8 {
		t.Fatalf("Copy = %d, %v", n, err)
	}
	if got := readAll(t, z); !slices.Equal(got, seq(8, 3)) {
		t.Errorf("copy of a written buffer = %v, want %v", got, seq(8, 3))
	}
}

// TestCopyThroughHost copies on backends without a device copy: the
// fake one without runtime.Copier, and the CPU.
func TestCopyThroughHost(t *testing.T) {
	for _, name := range []string{noCopyName, "cpu"} {
		t.Run(name, func(t *testing.T) {
			dev := open(t, name)
			x, err := runtime.BufferOf(dev, seq(6, 1))
			if err != nil {
				t.Fatal(err)
			}
			y, err := runtime.NewBuffer[float32](dev, 4)
			if err != nil {
				t.Fatal(err)
			}
			n, err := runtime.Copy(y, x)
			if err != nil || n != 4 {
				t.Fatalf("Copy = %d, %v; want 4, nil", n, err)
			}
			if got := readAll(t, y); !slices.Equal(got, seq(4, 1)) {
				t.Errorf("copy = %v, want %v", got, seq(4, 1))
			}
			if st := dev.Stats(); st.DeviceToDevice != 0 {
				t.Errorf("DeviceToDevice = %d, want 0", st.DeviceToDevice)
			}
			// Onto itself: nothing to do.
			if n, err := runtime.Copy(x, x); err != nil || n != 6 {
				t.Errorf("Copy(x, x) = %d, %v; want 6, nil", n, err)
			}
		})
	}
}

// TestCopyMisuse checks Copy's errors.
func TestCopyMisuse(t *testing.T) {
	dev := open(t, "cpu")
	other := open(t, "cpu")
	x, _ := runtime.BufferOf(dev, seq(4, 1))
	y, _ := runtime.NewBuffer[float32](other, 4)
	if _, err := runtime.Copy(y, x); !errors.Is(err, runtime.ErrOtherDevice) {
		t.Errorf("buffers of two devices: got %v, want ErrOtherDevice", err)
	}
	if _, err := runtime.Copy(nil, x); err == nil || !strings.Contains(err.Error(), "nil buffer") {
		t.Errorf("nil destination: got %v", err)
	}
	z, _ := runtime.NewBuffer[float32](dev, 4)
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := runtime.Copy(z, x); !errors.Is(err, runtime.ErrBufferClosed) {
		t.Errorf("closed destination: got %v, want ErrBufferClosed", err)
	}
}

// TestPrecompile checks that Precompile reaches a backend that compiles,
// joins the errors of modules that do not compile, and is a no-op on the
// CPU.
func TestPrecompile(t *testing.T) {
	dev := open(t, fakeName)
	f := lastFake.Load()
	ok := &runtime.Module{Package: "example.com/ok"}
	err := dev.Precompile(ok, &runtime.Module{Package: "bad"}, nil)
	if err == nil || !strings.Contains(err.Error(), "bad does not compile") || !strings.Contains(err.Error(), "nil module") {
		t.Errorf("Precompile error = %v, want the bad module's and the nil module's", err)
	}
	if !slices.Equal(f.precompiled, []string{"example.com/ok"}) {
		t.Errorf("backend precompiled %v, want [example.com/ok]", f.precompiled)
	}
	if err := open(t, "cpu").Precompile(ok); err != nil {
		t.Errorf("cpu Precompile: %v", err)
	}
	closed, err := runtime.Open(runtime.WithBackend("cpu"))
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	if err := closed.Precompile(ok); !errors.Is(err, runtime.ErrDeviceClosed) {
		t.Errorf("Precompile on a closed device: got %v, want ErrDeviceClosed", err)
	}
}
