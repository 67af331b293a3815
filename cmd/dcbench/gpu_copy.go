package main

import (
	dcrt "github.com/dotcompute/dc/runtime"
)

// gpuCopyFunc returns the device-to-device copy of src into dst that the
// gpu section compares Saxpy's bandwidth with, and the name it is printed
// under: runtime.Copy, which the CUDA backend runs as cuMemcpyDtoDAsync.
func gpuCopyFunc(dev *dcrt.Device, dst, src *dcrt.Buffer[float32]) (string, func() error) {
	return "runtime.Copy (cuMemcpyDtoDAsync)", func() error {
		_, err := dcrt.Copy(dst, src)
		return err
	}
}
