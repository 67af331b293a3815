package cuda

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/runtime"
)

// TestDriverDevices checks the driver's device list: on a machine without
// a GPU, an error naming CUDA_ERROR_NO_DEVICE that matches
// runtime.ErrUnavailable, so that runtime.Open passes CUDA over quietly and
// runtime.Devices gives the reason; with GPUs, each with its SMs, memory and
// CUDA version.
func TestDriverDevices(t *testing.T) {
	a := driverOrSkip(t)
	if err := a.init(); err != nil {
		_, err := runtime.BackendDevices("cuda")
		if !errors.Is(err, ErrNoDevice) || !errors.Is(err, runtime.ErrUnavailable) {
			t.Errorf("BackendDevices(cuda) error = %v, want one matching ErrNoDevice and runtime.ErrUnavailable", err)
		}
		for _, want := range []string{"cuda: cuInit: CUDA_ERROR_NO_DEVICE", a.path} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("BackendDevices(cuda) error %v does not mention %q", err, want)
			}
		}
		if _, err := runtime.Devices(); !errors.Is(err, ErrNoDevice) {
			t.Errorf("runtime.Devices() error = %v, want the cuda reason", err)
		}
		_, err = runtime.Open(runtime.WithDevice(runtime.DeviceInfo{Backend: "cuda"}))
		if !errors.Is(err, ErrNoDevice) {
			t.Errorf("Open(WithDevice(cuda 0)) = %v, want ErrNoDevice", err)
		}
		return
	}
	descs, err := Devices()
	if err != nil {
		t.Fatal(err)
	}
	infos, err := runtime.BackendDevices("cuda")
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != len(descs) {
		t.Fatalf("BackendDevices lists %d devices, Devices %d", len(infos), len(descs))
	}
	wantDriver := fmt.Sprintf("CUDA %d.%d", a.version/1000, a.version%1000/10)
	for i, info := range infos {
		d := descs[i]
		if info.Name != d.Name || info.Index != i || info.ComputeUnits != d.SMs || info.MemoryBytes != int64(d.TotalMemory) || info.Driver != wantDriver {
			t.Errorf("device %d = %+v, want %s, %s", i, info, d, wantDriver)
		}
	}
}

// TestGPUProfile checks a Device opened WithProfiling times its launches
// with CUDA events.
func TestGPUProfile(t *testing.T) {
	gpuOrSkip(t)
	dev, err := runtime.Open(runtime.WithBackend("cuda"), runtime.WithProfiling())
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	const n = 1 << 20
	x, err := runtime.NewBuffer[int32](dev, n)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := dev.Launch(fillKernel, dc.Grid1D(n), []runtime.Arg{x, runtime.Scalar(int32(i))}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := dev.Sync(); err != nil {
		t.Fatal(err)
	}
	p := dev.Profile()
	if !p.Timed || p.TimedBy != "device events" || len(p.Kernels) != 1 || p.Kernels[0].Timed != 3 || p.Kernels[0].Run <= 0 {
		t.Errorf("Profile = %+v, want 3 launches of fill timed by device events", p)
	}
	if len(p.Builds) != 1 || p.Builds[0].Module != testModule.Package {
		t.Errorf("Builds = %+v, want %s", p.Builds, testModule.Package)
	}
	t.Logf("\n%s", p)
}
