package kerneltest

import (
	"errors"
	"strings"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/runtime"
)

// devicesMSL is a backend registered by this test that describes a Metal
// device without float64, so that the runtime refuses the kernels such a
// device cannot run before they reach it. Its priority is below the CPU's,
// so runtime.Open never picks it.
const devicesMSL = "kerneltest-msl"

// errLaunched is what devicesMSL's Launch returns: the launch got past the
// runtime's checks.
var errLaunched = errors.New("kerneltest-msl: launched")

type mslDriver struct{}

func (mslDriver) Open() (runtime.Backend, error) { return mslBackend{}, nil }

// mslBackend runs nothing: every launch that reaches it fails with
// errLaunched.
type mslBackend struct{}

func (mslBackend) Info() runtime.DeviceInfo {
	return runtime.DeviceInfo{Name: "kerneltest MSL device", MaxGroupSize: 1024,
		MaxGroupDims: dc.Dim3{X: 1024, Y: 1024, Z: 1024}, SharedMemoryBytes: 1 << 15, MSL: true}
}
func (mslBackend) Alloc(int64) (runtime.Memory, error) {
	return nil, errors.New("kerneltest-msl: no memory")
}
func (mslBackend) Launch(*runtime.Call) error { return errLaunched }
func (mslBackend) Sync() error                { return nil }
func (mslBackend) Close() error               { return nil }

func init() { runtime.Register(devicesMSL, runtime.PriorityCPU-2, mslDriver{}) }

func TestCannotRun(t *testing.T) {
	dev, err := runtime.Open(runtime.WithBackend(devicesMSL))
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	g := dc.Grid1D(1)
	for _, tt := range []struct {
		k    *runtime.Kernel
		want bool
		log  string
	}{
		{&runtime.Kernel{Name: "Search", NotOnMetal: "Metal has no goto at k.go:3:4"}, true,
			"kerneltest: kerneltest-msl: kerneltest MSL device cannot run the kernel, not tested there: runtime: kernel Search: kernel cannot run on Metal: Metal has no goto at k.go:3:4"},
		{&runtime.Kernel{Name: "Wide", Float64: true}, true, "runtime: kernel Wide: device does not support float64"},
		{&runtime.Kernel{Name: "Runs"}, false, ""},
	} {
		err := dev.Launch(tt.k, g, nil, nil)
		if err == nil {
			t.Fatalf("kernel %s: launch succeeded on a backend that runs nothing", tt.k.Name)
		}
		tb := &devicesTB{T: t}
		if got := CannotRun(tb, dev, err); got != tt.want {
			t.Errorf("kernel %s: CannotRun(%v) = %v, want %v", tt.k.Name, err, got, tt.want)
		}
		switch {
		case tt.want && (len(tb.logs) != 1 || !strings.Contains(tb.logs[0], tt.log)):
			t.Errorf("kernel %s: logged %q, want a line with %q", tt.k.Name, tb.logs, tt.log)
		case !tt.want && len(tb.logs) != 0:
			t.Errorf("kernel %s: logged %q for an error that is not about the device", tt.k.Name, tb.logs)
		}
	}
	if CannotRun(t, dev, nil) {
		t.Error("CannotRun(nil) = true")
	}
}
