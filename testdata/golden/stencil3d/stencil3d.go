// Package stencil3d is a golden case: a 7-point stencil on a 3D grid, one
// thread per cell, and a kernel that records every thread's geometry in
// three dimensions.
package stencil3d

import "github.com/dotcompute/dc"

// Stencil7 computes out = c0*in + c1*(sum of the six neighbours) for inner
// cells of the nx x ny x nz volume (x fastest) and copies the boundary.
//
//dc:kernel
func Stencil7(t dc.Thread, in, out []float32, nx, ny, nz int, c0, c1 float32) {
	x, y, z := t.GlobalX(), t.GlobalY(), t.GlobalZ()
	if x >= nx || y >= ny || z >= nz {
		return
	}
	i := (z*ny+y)*nx + x
	if x == 0 || y == 0 || z == 0 || x == nx-1 || y == ny-1 || z == nz-1 {
		out[i] = in[i]
		return
	}
	plane := nx * ny
	nb := in[i-1] + in[i+1] + in[i-nx] + in[i+nx] + in[i-plane] + in[i+plane]
	out[i] = c0*in[i] + c1*nb
}

// geometryFields is how many values Geometry writes per thread.
const geometryFields = 18

// Geometry writes, for every thread of the grid, its 18 geometry values:
// Global, Local, Group, GroupSize, NumGroups and GridSize in X, Y and Z.
//
//dc:kernel
func Geometry(t dc.Thread, out []int32) {
	x, y, z := t.GlobalX(), t.GlobalY(), t.GlobalZ()
	i := ((z*t.GridSizeY()+y)*t.GridSizeX() + x) * geometryFields
	out[i+0] = int32(x)
	out[i+1] = int32(y)
	out[i+2] = int32(z)
	out[i+3] = int32(t.LocalX())
	out[i+4] = int32(t.LocalY())
	out[i+5] = int32(t.LocalZ())
	out[i+6] = int32(t.GroupX())
	out[i+7] = int32(t.GroupY())
	out[i+8] = int32(t.GroupZ())
	out[i+9] = int32(t.GroupSizeX())
	out[i+10] = int32(t.GroupSizeY())
	out[i+11] = int32(t.GroupSizeZ())
	out[i+12] = int32(t.NumGroupsX())
	out[i+13] = int32(t.NumGroupsY())
	out[i+14] = int32(t.NumGroupsZ())
	out[i+15] = int32(t.GridSizeX())
	out[i+16] = int32(t.GridSizeY())
	out[i+17] = int32(t.GridSizeZ())
}
