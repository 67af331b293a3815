package opencl

// defaultLibraries are the OpenCL libraries tried, in order, when
// DC_OPENCL_LIBRARY is not set.
var defaultLibraries = []string{"/System/Library/Frameworks/OpenCL.framework/OpenCL"}

// installHint says what to install when no library loads.
const installHint = "OpenCL.framework is part of macOS"
