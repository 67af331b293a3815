package cpu

import (
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/runtime"
)

// TestBackendLaunchAllocs checks the backend's own launch path, queue and
// Sync included, allocates nothing once warm (the runtime's Device.Launch
// allocates the Call on host-memory backends, not counted here).
func TestBackendLaunchAllocs(t *testing.T) {
	b := newBackend()
	defer b.Close()
	for _, g := range []dc.Grid{dc.Grid1D(256), dc.Grid1D(4096 * 256)} {
		ran := 0
		c := &runtime.Call{Kernel: &runtime.Kernel{Name: "Empty"}, Grid: g}
		c.CPU = func(c *runtime.Call) error {
			ran++
			return Run("Empty", c.Grid, func(g0, g1 int) {})
		}
		launch := func() {
			for range 3 {
				if err := b.Launch(c); err != nil {
					t.Fatal(err)
				}
			}
			if err := b.Sync(); err != nil {
				t.Fatal(err)
			}
		}
		launch()
		if allocs := testing.AllocsPerRun(100, launch); allocs != 0 {
			t.Errorf("3 launches of %v groups and a Sync: %v allocations, want 0", g.Groups, allocs)
		}
		if ran != 306 { // 3 warm-up, 3 AllocsPerRun warm-up, 300
			t.Errorf("%d kernels ran, want 306", ran)
		}
	}
}
