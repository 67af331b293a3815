//go:build !darwin

package opencl

// defaultLibraries are the OpenCL libraries tried, in order, when
// DC_OPENCL_LIBRARY is not set: the Khronos ICD loader, which dispatches to
// the drivers listed in /etc/OpenCL/vendors.
var defaultLibraries = []string{"libOpenCL.so.1", "libOpenCL.so"}

// installHint says what to install when no library loads.
const installHint = "install ocl-icd-libopencl1 and an OpenCL driver such as pocl-opencl-icd"
