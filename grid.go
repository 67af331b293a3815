package dc

import (
	"fmt"
	"math"
)

// Dim3 is a size or an index in three dimensions.
type Dim3 struct {
	X, Y, Z int
}

// Size returns X*Y*Z.
func (d Dim3) Size() int { return d.X * d.Y * d.Z }

// String returns d as "(x,y,z)".
func (d Dim3) String() string { return fmt.Sprintf("(%d,%d,%d)", d.X, d.Y, d.Z) }

// Grid is the launch geometry of a kernel: Groups thread groups (blocks in
// CUDA, threadgroups in Metal, work-groups in OpenCL) of GroupSize threads
// each. A thread's global index in a dimension is
// group index * GroupSize + local index.
type Grid struct {
	Groups    Dim3 // number of groups in each dimension
	GroupSize Dim3 // threads per group in each dimension
}

// The group sizes Grid1D, Grid2D and Grid3D use.
var (
	groupSize1D = Dim3{256, 1, 1}
	groupSize2D = Dim3{16, 16, 1}
	groupSize3D = Dim3{8, 8, 4}
)

// Grid1D returns a grid of groups of 256 threads covering at least n threads
// in X. For n <= 0 the grid has 0 groups, which launches reject.
func Grid1D(n int) Grid {
	return cover(Dim3{n, 1, 1}, groupSize1D)
}

// Grid2D returns a grid of 16x16 groups covering at least nx by ny threads.
// A dimension <= 0 gets 0 groups, which launches reject.
func Grid2D(nx, ny int) Grid {
	return cover(Dim3{nx, ny, 1}, groupSize2D)
}

// Grid3D returns a grid of 8x8x4 groups covering at least nx by ny by nz
// threads. A dimension <= 0 gets 0 groups, which launches reject.
func Grid3D(nx, ny, nz int) Grid {
	return cover(Dim3{nx, ny, nz}, groupSize3D)
}

// WithGroupSize returns a grid with groups of x by y by z threads covering at
// least the same threads as g (g.Threads() in each dimension, the number of
// groups rounded up). A size <= 0 gives a grid that Validate rejects.
func (g Grid) WithGroupSize(x, y, z int) Grid {
	return cover(g.Threads(), Dim3{x, y, z})
}

// Threads returns the number of threads in each dimension,
// Groups*GroupSize.
func (g Grid) Threads() Dim3 {
	return Dim3{
		g.Groups.X * g.GroupSize.X,
		g.Groups.Y * g.GroupSize.Y,
		g.Groups.Z * g.GroupSize.Z,
	}
}

// Validate returns an error if a launch cannot run g: every field must be at
// least 1, and every count at most math.MaxInt32 (the per-dimension limit of
// GPUs, and of Thread's fields). The error names the first bad field, e.g.
// "dc: grid has 0 groups in Y".
func (g Grid) Validate() error {
	if msg := g.check(); msg != "" {
		return fmt.Errorf("dc: %s", msg)
	}
	return nil
}

// check returns what is wrong with g, without prefix, or "".
func (g Grid) check() string {
	size := [3]int{g.GroupSize.X, g.GroupSize.Y, g.GroupSize.Z}
	groups := [3]int{g.Groups.X, g.Groups.Y, g.Groups.Z}
	for i, name := range [3]string{"X", "Y", "Z"} {
		switch {
		case size[i] < 1:
			return fmt.Sprintf("grid has group size %d in %s", size[i], name)
		case size[i] > math.MaxInt32:
			return fmt.Sprintf("grid has group size %d in %s, more than %d", size[i], name, math.MaxInt32)
		}
	}
	for i, name := range [3]string{"X", "Y", "Z"} {
		switch {
		case groups[i] < 1:
			return fmt.Sprintf("grid has %d groups in %s", groups[i], name)
		case groups[i] > math.MaxInt32:
			return fmt.Sprintf("grid has %d groups in %s, more than %d", groups[i], name, math.MaxInt32)
		}
	}
	for i := range 3 {
		if groups[i] > math.MaxInt/size[i] {
			return fmt.Sprintf("grid has too many threads (%d groups of %d) in %s", groups[i], size[i], [3]string{"X", "Y", "Z"}[i])
		}
	}
	if _, ok := mul3(size); !ok {
		return fmt.Sprintf("grid group size %v has too many threads", g.GroupSize)
	}
	if _, ok := mul3(groups); !ok {
		return fmt.Sprintf("grid has too many groups (%v)", g.Groups)
	}
	t := g.Threads()
	if _, ok := mul3([3]int{t.X, t.Y, t.Z}); !ok {
		return fmt.Sprintf("grid has too many threads (%v)", t)
	}
	return ""
}

// mul3 returns a*b*c of positive values and whether it fits in an int.
func mul3(v [3]int) (int, bool) {
	p := 1
	for _, x := range v {
		if p > math.MaxInt/x {
			return 0, false
		}
		p *= x
	}
	return p, true
}

// cover returns the grid of groups of size s covering at least n threads.
func cover(n, s Dim3) Grid {
	return Grid{
		Groups:    Dim3{ceilDiv(n.X, s.X), ceilDiv(n.Y, s.Y), ceilDiv(n.Z, s.Z)},
		GroupSize: s,
	}
}

// ceilDiv returns n/d rounded up, or 0 if n <= 0 or d <= 0.
func ceilDiv(n, d int) int {
	if n <= 0 || d <= 0 {
		return 0
	}
	q := n / d
	if n%d != 0 {
		q++
	}
	return q
}
