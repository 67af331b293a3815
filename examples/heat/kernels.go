package main

import "github.com/dotcompute/dc"

//go:generate go run github.com/dotcompute/dc/cmd/dckgen -emit=cuda,opencl,metal

// Tile is the edge of the square groups Diffuse runs in: launch it over
// dc.Grid2D(w, h), whose groups are 16×16.
const Tile = 16

// Diffuse takes one explicit step of the heat equation on a w×h grid of
// temperatures: out = in + k·(the sum of the four neighbours − 4·in), with
// insulated edges (a cell beyond the edge has the temperature of the
// nearest cell inside). k must be at most 1/4 for the step to be stable.
//
// Each group first copies its 16×16 tile of in, with a one-cell border,
// into group-shared memory (its 256 threads load the 324 cells together),
// waits at a barrier, and then reads the five cells of its stencil from
// there instead of from device memory.
//
//dc:kernel
func Diffuse(t dc.Thread, in, out []float32, w, h int, k float32) {
	const edge = Tile + 2
	sh := dc.Shared[[edge][edge]float32](t)
	x0, y0 := t.GroupX()*Tile-1, t.GroupY()*Tile-1
	for i := t.LocalY()*Tile + t.LocalX(); i < edge*edge; i += Tile * Tile {
		x := min(max(x0+i%edge, 0), w-1)
		y := min(max(y0+i/edge, 0), h-1)
		sh[i/edge][i%edge] = in[y*w+x]
	}
	t.Barrier()
	x, y := t.GlobalX(), t.GlobalY()
	if x < w && y < h {
		lx, ly := t.LocalX()+1, t.LocalY()+1
		c := sh[ly][lx]
		out[y*w+x] = c + k*(sh[ly][lx-1]+sh[ly][lx+1]+sh[ly-1][lx]+sh[ly+1][lx]-4*c)
	}
}
