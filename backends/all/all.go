// Package all registers every dc backend that builds on the target
// platform, so that runtime.Open picks the best device present. A program
// imports it once, for its side effect:
//
//	import _ "github.com/dotcompute/dc/backends/all"
//
// It registers cpu, opencl and cuda, which build everywhere (without cgo:
// their native libraries are loaded at run time, and a missing one only
// makes runtime.Open go on to the next backend), and metal on macOS.
// runtime.Open then prefers cuda, then metal, then opencl, then cpu,
// unless DC_BACKEND or runtime.WithBackend names one. A backend that can
// run on one platform only is imported from a file of this package named
// for that platform (metal_darwin.go), so that other platforms' programs
// leave it out.
//
// Importing the backend packages one by one instead keeps a program's
// binary to the backends it names; the generated launchers import
// backends/cpu themselves.
package all

import (
	// The CPU backend: runs the generated Go bodies on a worker pool.
	_ "github.com/dotcompute/dc/backends/cpu"
	// The CUDA backend: NVIDIA GPUs through the driver API and NVRTC.
	_ "github.com/dotcompute/dc/backends/cuda"
	// The OpenCL backend: any OpenCL 1.2 device, PoCL on the CPU included.
	_ "github.com/dotcompute/dc/backends/opencl"
)
