package dc_test

import (
	"sync"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/google/go-cmp/cmp"
)

// pos is everything a Thread reports.
type pos struct {
	Global, Local, Group, GroupSize, NumGroups, GridSize dc.Dim3
}

func posOf(t dc.Thread) pos {
	return pos{
		Global:    dc.Dim3{t.GlobalX(), t.GlobalY(), t.GlobalZ()},
		Local:     dc.Dim3{t.LocalX(), t.LocalY(), t.LocalZ()},
		Group:     dc.Dim3{t.GroupX(), t.GroupY(), t.GroupZ()},
		GroupSize: dc.Dim3{t.GroupSizeX(), t.GroupSizeY(), t.GroupSizeZ()},
		NumGroups: dc.Dim3{t.NumGroupsX(), t.NumGroupsY(), t.NumGroupsZ()},
		GridSize:  dc.Dim3{t.GridSizeX(), t.GridSizeY(), t.GridSizeZ()},
	}
}

// wantPositions lists what every thread of g must report, keyed by global
// index.
func wantPositions(g dc.Grid) map[dc.Dim3]pos {
	want := map[dc.Dim3]pos{}
	n := g.Threads()
	for z := range n.Z {
		for y := range n.Y {
			for x := range n.X {
				s := g.GroupSize
				want[dc.Dim3{x, y, z}] = pos{
					Global:    dc.Dim3{x, y, z},
					Local:     dc.Dim3{x % s.X, y % s.Y, z % s.Z},
					Group:     dc.Dim3{x / s.X, y / s.Y, z / s.Z},
					GroupSize: s,
					NumGroups: g.Groups,
					GridSize:  n,
				}
			}
		}
	}
	return want
}

func TestThreadIndexes(t *testing.T) {
	tests := []struct {
		name string
		g    dc.Grid
	}{
		{"1D", dc.Grid1D(1000)},
		{"1D small groups", dc.Grid1D(100).WithGroupSize(7, 1, 1)},
		{"2D", dc.Grid2D(33, 17)},
		{"2D odd groups", dc.Grid2D(10, 9).WithGroupSize(3, 5, 1)},
		{"3D", dc.Grid3D(9, 10, 5)},
		{"3D odd groups", grid(dc.Dim3{2, 3, 4}, dc.Dim3{3, 2, 5})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			got := map[dc.Dim3]pos{}
			dup := 0
			err := emulate(t, tt.g, func(th dc.Thread) {
				p := posOf(th)
				mu.Lock()
				defer mu.Unlock()
				if _, ok := got[p.Global]; ok {
					dup++
				}
				got[p.Global] = p
			})
			if err != nil {
				t.Fatal(err)
			}
			if dup != 0 {
				t.Errorf("%d threads ran more than once", dup)
			}
			if diff := cmp.Diff(wantPositions(tt.g), got); diff != "" {
				t.Errorf("positions mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestThreadAt(t *testing.T) {
	g := dc.Grid3D(20, 10, 5)
	for _, c := range []struct{ group, local dc.Dim3 }{
		{dc.Dim3{0, 0, 0}, dc.Dim3{0, 0, 0}},
		{dc.Dim3{2, 1, 1}, dc.Dim3{7, 3, 2}},
		{dc.Dim3{1, 0, 1}, dc.Dim3{4, 7, 3}},
	} {
		got := posOf(dc.ThreadAt(g, c.group, c.local))
		want := pos{
			Global: dc.Dim3{
				c.group.X*8 + c.local.X,
				c.group.Y*8 + c.local.Y,
				c.group.Z*4 + c.local.Z,
			},
			Local:     c.local,
			Group:     c.group,
			GroupSize: dc.Dim3{8, 8, 4},
			NumGroups: dc.Dim3{3, 2, 2},
			GridSize:  dc.Dim3{24, 16, 8},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ThreadAt(%v, %v) mismatch (-want +got):\n%s", c.group, c.local, diff)
		}
	}
}

// recovered returns the panic value of f as text, or "no panic".
func recovered(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = r.(string)
		}
	}()
	f()
	return "no panic"
}

func TestThreadAtBarrierAndSharedPanic(t *testing.T) {
	th := dc.ThreadAt(dc.Grid1D(10), dc.Dim3{}, dc.Dim3{3, 0, 0})
	for _, c := range []struct {
		name string
		f    func()
		want string
	}{
		{"Barrier", th.Barrier, "dc: Barrier needs dc.Emulate or a launch; this Thread has no group (it was made by ThreadAt)"},
		{"Shared", func() { dc.Shared[[4]int32](th) }, "dc: Shared needs dc.Emulate or a launch; this Thread has no group (it was made by ThreadAt)"},
		{"zero Thread", dc.Thread{}.Barrier, "dc: Barrier needs dc.Emulate or a launch; this Thread has no group (it was made by ThreadAt)"},
	} {
		if diff := cmp.Diff(c.want, recovered(c.f)); diff != "" {
			t.Errorf("%s: panic mismatch (-want +got):\n%s", c.name, diff)
		}
	}
}
