package cuda

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/runtime"

	// The fallback of runtime.Open() without a device.
	_ "github.com/dotcompute/dc/backends/cpu"
)

// TestOpenNoDriver (first in the package: the driver library is loaded
// once per process) points DC_CUDA_LIBRARY at files that are not the
// driver: Open(cuda) fails naming the file, and Open() falls back.
func TestOpenNoDriver(t *testing.T) {
	if loadedDriver() {
		t.Skip("the driver library is already loaded in this process; DC_CUDA_LIBRARY is read at the first load")
	}
	bad := filepath.Join(t.TempDir(), "libcuda.so.1")
	if err := os.WriteFile(bad, []byte("not a library"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DC_CUDA_LIBRARY", bad)
	_, err := runtime.Open(runtime.WithBackend("cuda"))
	if err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("Open(cuda) with DC_CUDA_LIBRARY=%s: got %v, want an error naming the file", bad, err)
	}
	t.Setenv(runtime.EnvBackend, "")
	dev, err := runtime.Open()
	if err != nil {
		t.Fatalf("Open() did not fall back: %v", err)
	}
	dev.Close()
}

// TestOpenNoDevice opens the cuda backend with the real driver library on
// a machine without a GPU: a clear error naming the driver's status, and
// runtime.Open without a backend name falls back to another backend.
func TestOpenNoDevice(t *testing.T) {
	a := driverOrSkip(t)
	if err := a.init(); err == nil {
		t.Skip("a CUDA device is present: the no-device path cannot be tested here")
	}
	_, err := runtime.Open(runtime.WithBackend("cuda"))
	if err == nil {
		t.Fatal("Open(cuda) succeeded without a device")
	}
	if !errors.Is(err, ErrNoDevice) {
		t.Errorf("Open(cuda) = %v, want an error matching ErrNoDevice", err)
	}
	for _, want := range []string{"open backend cuda", "cuInit", "CUDA_ERROR_NO_DEVICE", a.path} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Open(cuda) error %q does not mention %q", err, want)
		}
	}
	if _, err := Devices(); !errors.Is(err, ErrNoDevice) {
		t.Errorf("Devices() = %v, want ErrNoDevice", err)
	}
	t.Setenv(runtime.EnvBackend, "")
	dev, err := runtime.Open()
	if err != nil {
		t.Fatalf("Open() did not fall back from cuda: %v", err)
	}
	defer dev.Close()
	if dev.Backend() == "cuda" {
		t.Errorf("Open() chose cuda without a device")
	}
}

// loadedDriver reports whether this process has loaded the driver
// library already.
func loadedDriver() bool {
	driverMu.Lock()
	defer driverMu.Unlock()
	return driverLoaded != nil
}

func TestChoose(t *testing.T) {
	descs := []DeviceDesc{
		{Index: 0, Name: "NVIDIA A100-SXM4-80GB", Major: 8},
		{Index: 1, Name: "NVIDIA H100 80GB HBM3", Major: 9},
	}
	for _, tc := range []struct {
		sel  string
		want int
		err  string
	}{
		{"", 0, ""},
		{"1", 1, ""},
		{" 0 ", 0, ""},
		{"h100", 1, ""},
		{"NVIDIA", 0, ""},
		{"2", 0, `DC_CUDA_DEVICE="2" matches no device; the devices are: 0: NVIDIA A100-SXM4-80GB (sm_80, 0 SMs, 0 MiB); 1: NVIDIA H100 80GB HBM3 (sm_90, 0 SMs, 0 MiB)`},
		{"-1", 0, "matches no device"},
		{"v100", 0, `DC_CUDA_DEVICE="v100" matches no device`},
	} {
		got, err := choose(descs, tc.sel)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("choose(%q) error = %v, want one containing %q", tc.sel, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("choose(%q) = %d, %v; want %d", tc.sel, got, err, tc.want)
		}
	}
}

func TestFormatUUID(t *testing.T) {
	u := [16]byte{0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	if got, want := formatUUID(u), "GPU-deadbeef-0102-0304-0506-0708090a0b0c"; got != want {
		t.Errorf("formatUUID = %s, want %s", got, want)
	}
}

func TestModuleName(t *testing.T) {
	for pkg, want := range map[string]string{
		"github.com/x/y/kernels": "kernels.cu",
		"main":                   "main.cu",
		"":                       "module.cu",
	} {
		if got := moduleName(&runtime.Module{Package: pkg}); got != want {
			t.Errorf("moduleName(%q) = %s, want %s", pkg, got, want)
		}
	}
}

// TestStickyFailure checks that a sticky error marks the device failed and
// is returned, wrapped and clearly worded, by every later call, while a
// non-sticky one does not.
func TestStickyFailure(t *testing.T) {
	d := &device{desc: DeviceDesc{Name: "Test GPU"}}
	b := &backend{dev: d, stream: 1}
	if err := d.fail(&Error{Call: "cuLaunchKernel", Code: Result(1)}); err == nil {
		t.Fatal("fail dropped the error")
	}
	if err := b.usable("Launch"); err != nil {
		t.Fatalf("a CUDA_ERROR_INVALID_VALUE marked the device failed: %v", err)
	}
	d.fail(&Error{Call: "cuStreamSynchronize", Code: Result(700)})
	d.fail(&Error{Call: "cuStreamSynchronize", Code: Result(719)}) // the first one stays
	err := b.usable("Launch")
	if !errors.Is(err, ErrIllegalAddress) {
		t.Fatalf("after CUDA_ERROR_ILLEGAL_ADDRESS, usable = %v, want ErrIllegalAddress", err)
	}
	for _, want := range []string{"Test GPU is unusable", "CUDA_ERROR_ILLEGAL_ADDRESS", "open it again"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if _, err := b.Alloc(16); !errors.Is(err, ErrIllegalAddress) {
		t.Errorf("Alloc on a failed device: %v", err)
	}
	m := &memory{b: b, size: 16}
	if err := m.Write(0, make([]byte, 4)); !errors.Is(err, ErrIllegalAddress) {
		t.Errorf("Write on a failed device: %v", err)
	}
}

// TestGeometry checks the launch geometry and its limits against a
// function's attributes.
func TestGeometry(t *testing.T) {
	b := &backend{dev: &device{desc: DeviceDesc{Name: "Test GPU", SharedMemoryPerBlock: 48 << 10}}}
	f := &function{maxThreads: 768, regs: 80}
	grid, block, err := b.geometry("K", dc.Grid{Groups: dc.Dim3{X: 4, Y: 2, Z: 1}, GroupSize: dc.Dim3{X: 256, Y: 3, Z: 1}}, f)
	if err != nil || grid != [3]uint32{4, 2, 1} || block != [3]uint32{256, 3, 1} {
		t.Errorf("geometry = %v %v %v", grid, block, err)
	}
	_, _, err = b.geometry("K", dc.Grid{Groups: dc.Dim3{X: 1, Y: 1, Z: 1}, GroupSize: dc.Dim3{X: 32, Y: 32, Z: 1}}, f)
	if err == nil || !strings.Contains(err.Error(), "group size 32x32x1 has 1024 threads") || !strings.Contains(err.Error(), "at most 768 (it uses 80 registers") {
		t.Errorf("too many threads for the function: %v", err)
	}
	f.shared = 64 << 10
	_, _, err = b.geometry("K", dc.Grid1D(32), f)
	if err == nil || !strings.Contains(err.Error(), "65536 bytes of shared memory") {
		t.Errorf("too much shared memory: %v", err)
	}
}
