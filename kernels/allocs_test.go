package kernels_test

import (
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/kernels"
	"github.com/dotcompute/dc/runtime"
)

// TestCPULaunchAllocs counts the allocations of launching a kernel with
// barriers and shared memory (group form) and a loop-form kernel on the
// cpu backend through their typed launchers, and waiting for them, in the
// steady state: none.
func TestCPULaunchAllocs(t *testing.T) {
	dev, err := runtime.Open(runtime.WithBackend("cpu"))
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	const n = 64 * kernels.ReduceGroupSize
	in, _ := runtime.NewBuffer[float32](dev, n)
	partial, _ := runtime.NewBuffer[float32](dev, n/kernels.ReduceGroupSize)
	x, _ := runtime.NewBuffer[float32](dev, n)
	g := dc.Grid1D(n)
	for _, c := range []struct {
		name   string
		launch func() error
	}{
		{"ReduceSum", func() error { return kernels.LaunchReduceSum(dev, g, in, partial) }},
		{"Saxpy", func() error { return kernels.LaunchSaxpy(dev, g, 2, x, in) }},
	} {
		name, launch := c.name, c.launch
		run := func() {
			if err := launch(); err != nil {
				t.Fatal(err)
			}
			if err := dev.Sync(); err != nil {
				t.Fatal(err)
			}
		}
		run()
		if allocs := testing.AllocsPerRun(50, run); allocs != 0 {
			t.Errorf("%s: %v allocations per launch and sync, want 0", name, allocs)
		}
	}
}
