package main

import "github.com/dotcompute/dc"

//go:generate go run github.com/dotcompute/dc/cmd/dckgen -emit=cuda,opencl,metal

// Mandelbrot writes, for each pixel of a width-wide image, the number of
// iterations of z = z² + c (from z = 0, c the pixel's point
// (x0 + px*step, y0 + py*step)) before |z| exceeds 2, or maxIter if it
// never does. Launch it over a 2-D grid of
// width × len(iters)/width threads.
//
//dc:kernel types=float32,float64
func Mandelbrot[T dc.Float](t dc.Thread, x0, y0, step T, width, maxIter int, iters []int32) {
	px, py := t.GlobalX(), t.GlobalY()
	if px >= width || py >= len(iters)/width {
		return
	}
	cx := x0 + T(px)*step
	cy := y0 + T(py)*step
	var x, y T
	n := 0
	for n < maxIter && x*x+y*y <= 4 {
		x, y = x*x-y*y+cx, 2*x*y+cy
		n++
	}
	iters[py*width+px] = int32(n)
}
