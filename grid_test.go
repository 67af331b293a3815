package dc_test

import (
	"math"
	"strconv"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/google/go-cmp/cmp"
)

func TestGridConstructors(t *testing.T) {
	tests := []struct {
		name string
		got  dc.Grid
		want dc.Grid
	}{
		{"1D exact", dc.Grid1D(512), grid(dc.Dim3{2, 1, 1}, dc.Dim3{256, 1, 1})},
		{"1D partial", dc.Grid1D(513), grid(dc.Dim3{3, 1, 1}, dc.Dim3{256, 1, 1})},
		{"1D one", dc.Grid1D(1), grid(dc.Dim3{1, 1, 1}, dc.Dim3{256, 1, 1})},
		{"1D zero", dc.Grid1D(0), grid(dc.Dim3{0, 1, 1}, dc.Dim3{256, 1, 1})},
		{"1D negative", dc.Grid1D(-5), grid(dc.Dim3{0, 1, 1}, dc.Dim3{256, 1, 1})},
		{"1D huge", dc.Grid1D(math.MaxInt), grid(dc.Dim3{math.MaxInt/256 + 1, 1, 1}, dc.Dim3{256, 1, 1})},
		{"2D", dc.Grid2D(33, 16), grid(dc.Dim3{3, 1, 1}, dc.Dim3{16, 16, 1})},
		{"2D zero y", dc.Grid2D(33, 0), grid(dc.Dim3{3, 0, 1}, dc.Dim3{16, 16, 1})},
		{"3D", dc.Grid3D(9, 8, 5), grid(dc.Dim3{2, 1, 2}, dc.Dim3{8, 8, 4})},
		{"3D exact", dc.Grid3D(16, 24, 4), grid(dc.Dim3{2, 3, 1}, dc.Dim3{8, 8, 4})},
		{"WithGroupSize down", dc.Grid1D(1000).WithGroupSize(64, 1, 1), grid(dc.Dim3{16, 1, 1}, dc.Dim3{64, 1, 1})},
		{"WithGroupSize up", dc.Grid1D(1000).WithGroupSize(1000, 1, 1), grid(dc.Dim3{2, 1, 1}, dc.Dim3{1000, 1, 1})},
		{"WithGroupSize 2D", dc.Grid2D(33, 17).WithGroupSize(32, 8, 1), grid(dc.Dim3{2, 4, 1}, dc.Dim3{32, 8, 1})},
		{"WithGroupSize 3D", dc.Grid3D(9, 8, 5).WithGroupSize(3, 3, 3), grid(dc.Dim3{6, 3, 3}, dc.Dim3{3, 3, 3})},
		{"WithGroupSize zero", dc.Grid1D(100).WithGroupSize(0, 1, 1), grid(dc.Dim3{0, 1, 1}, dc.Dim3{0, 1, 1})},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("%s: mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestGridThreadsAndSize(t *testing.T) {
	g := dc.Grid2D(33, 17)
	if got, want := g.Threads(), (dc.Dim3{48, 32, 1}); got != want {
		t.Errorf("Grid2D(33, 17).Threads() = %v, want %v", got, want)
	}
	if got := g.Threads().Size(); got != 48*32 {
		t.Errorf("Threads().Size() = %d, want %d", got, 48*32)
	}
	if got := (dc.Dim3{2, 3, 4}).Size(); got != 24 {
		t.Errorf("Dim3{2,3,4}.Size() = %d, want 24", got)
	}
	if got := (dc.Dim3{2, 3, 4}).String(); got != "(2,3,4)" {
		t.Errorf("Dim3{2,3,4}.String() = %q, want %q", got, "(2,3,4)")
	}
}

func TestGridValidate(t *testing.T) {
	tests := []struct {
		g    dc.Grid
		want string
	}{
		{dc.Grid1D(1), "<nil>"},
		{dc.Grid3D(100, 100, 100), "<nil>"},
		{dc.Grid1D(0), "dc: grid has 0 groups in X"},
		{dc.Grid2D(5, 0), "dc: grid has 0 groups in Y"},
		{grid(dc.Dim3{1, 1, -2}, dc.Dim3{1, 1, 1}), "dc: grid has -2 groups in Z"},
		{grid(dc.Dim3{1, 1, 1}, dc.Dim3{0, 1, 1}), "dc: grid has group size 0 in X"},
		{grid(dc.Dim3{0, 0, 0}, dc.Dim3{1, 1, 0}), "dc: grid has group size 0 in Z"},
		{dc.Grid{}, "dc: grid has group size 0 in X"},
		{grid(dc.Dim3{1 << 30, 1 << 30, 1 << 30}, dc.Dim3{1, 1, 1}), "dc: grid has too many groups ((1073741824,1073741824,1073741824))"},
	}
	if strconv.IntSize == 64 {
		var one int64 = 1
		big := int(one << 31)
		tests = append(tests, []struct {
			g    dc.Grid
			want string
		}{
			{grid(dc.Dim3{big, 1, 1}, dc.Dim3{1, 1, 1}), "dc: grid has 2147483648 groups in X, more than 2147483647"},
			{grid(dc.Dim3{1, 1, 1}, dc.Dim3{big, 1, 1}), "dc: grid has group size 2147483648 in X, more than 2147483647"},
			{grid(dc.Dim3{1 << 30, 1 << 30, 1}, dc.Dim3{8, 8, 1}), "dc: grid has too many threads ((8589934592,8589934592,1))"},
		}...)
	} else {
		tests = append(tests, []struct {
			g    dc.Grid
			want string
		}{
			{grid(dc.Dim3{1 << 30, 1, 1}, dc.Dim3{8, 1, 1}), "dc: grid has too many threads (1073741824 groups of 8) in X"},
		}...)
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, errText(tt.g.Validate())); diff != "" {
			t.Errorf("%+v.Validate() mismatch (-want +got):\n%s", tt.g, diff)
		}
	}
}
