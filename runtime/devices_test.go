package runtime_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/dotcompute/dc/runtime"
)

// TestDevices checks Devices lists the cpu device (a DeviceLister) and the
// fake one (opened and closed again: no DeviceLister), and joins the
// failing backend's reason into its error.
func TestDevices(t *testing.T) {
	devs, err := runtime.Devices()
	if !errors.Is(err, errFakeMissing) || !strings.Contains(err.Error(), "fail-test: libfake.so: not found") {
		t.Errorf("Devices() error = %v, want the fail-test backend's reason", err)
	}
	found := map[string]runtime.DeviceInfo{}
	for _, d := range devs {
		if _, dup := found[d.Backend]; dup {
			t.Errorf("two devices of backend %s", d.Backend)
		}
		found[d.Backend] = d
	}
	if d, ok := found["cpu"]; !ok || d.Index != 0 || !d.HostMemory || d.ComputeUnits <= 0 {
		t.Errorf("cpu device = %+v (listed %v), want index 0 with its compute units", d, ok)
	}
	if d, ok := found[fakeName]; !ok || d.Name != fakeInfo.Name || d.Index != 0 {
		t.Errorf("%s device = %+v (listed %v), want the fake device at index 0", fakeName, d, ok)
	}
	if f := lastFake.Load(); f == nil || !f.closed {
		t.Error("Devices left the fake backend it opened open")
	}
	if _, ok := found[failName]; ok {
		t.Errorf("the failing backend is listed: %+v", found[failName])
	}
	// Backends by priority: the fake one, above every real one, first.
	if len(devs) < 2 || devs[0].Backend != fakeName {
		t.Errorf("Devices() = %+v, want %s first", devs, fakeName)
	}

	cpus, err := runtime.BackendDevices("cpu")
	if err != nil || len(cpus) != 1 || cpus[0] != found["cpu"] {
		t.Errorf(`BackendDevices("cpu") = %+v, %v; want %+v`, cpus, err, found["cpu"])
	}
	if _, err := runtime.BackendDevices(failName); !errors.Is(err, errFakeMissing) {
		t.Errorf("BackendDevices(%q) error = %v, want errFakeMissing", failName, err)
	}
	if _, err := runtime.BackendDevices("nosuch"); err == nil || !strings.Contains(err.Error(), `unknown backend "nosuch"`) {
		t.Errorf(`BackendDevices("nosuch") error = %v`, err)
	}
}

// TestWithDevice checks WithDevice opens the device it names, over
// DC_BACKEND, and that a device that does not exist is an error, not a
// fallback.
func TestWithDevice(t *testing.T) {
	t.Setenv(runtime.EnvBackend, fakeName)
	cpus, err := runtime.BackendDevices("cpu")
	if err != nil {
		t.Fatal(err)
	}
	dev, err := runtime.Open(runtime.WithDevice(cpus[0]))
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	if dev.Backend() != "cpu" || dev.Info().Index != 0 {
		t.Errorf("WithDevice(cpu 0) opened %s (index %d)", dev, dev.Info().Index)
	}
	for _, tc := range []struct {
		d    runtime.DeviceInfo
		want string
	}{
		{runtime.DeviceInfo{Backend: "cpu", Index: 1}, "runtime: open backend cpu: cpu: device 1 does not exist: the CPU backend has one device, 0"},
		{runtime.DeviceInfo{Backend: fakeName, Index: 2}, "runtime: open backend fake-test: device 2 does not exist: the backend lists one device"},
		{runtime.DeviceInfo{Backend: failName}, "runtime: open backend fail-test: fail-test: libfake.so: not found"},
		{runtime.DeviceInfo{}, "runtime: WithDevice: the DeviceInfo names no backend (use one that Devices returned)"},
	} {
		dev, err := runtime.Open(runtime.WithDevice(tc.d))
		if err == nil {
			dev.Close()
		}
		if got := errText(err); got != tc.want {
			t.Errorf("Open(WithDevice(%+v)) error:\n got %s\nwant %s", tc.d, got, tc.want)
		}
	}
}
