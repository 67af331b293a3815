package main

import (
	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/benchkernels"
	dcrt "github.com/dotcompute/dc/runtime"
)

// gpuCopyFunc returns the device-to-device copy of src into dst that the
// gpu section compares Saxpy's bandwidth with, and the name it is printed
// under: a kernel that copies element by element.
func gpuCopyFunc(dev *dcrt.Device, dst, src *dcrt.Buffer[float32]) (string, func() error) {
	return "kernel copy", func() error {
		return benchkernels.LaunchCopy(dev, dc.Grid1D(dst.Len()), dst, src)
	}
}
