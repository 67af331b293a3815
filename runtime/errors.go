package runtime

import "errors"

// Errors that the runtime's errors wrap; test for them with errors.Is.
var (
	ErrDeviceClosed = errors.New("device is closed")
	ErrBufferClosed = errors.New("buffer is closed")
	ErrOtherDevice  = errors.New("buffer belongs to another device")
	// ErrNoFloat64 is the cause of a launch of a float64 kernel on a device
	// without float64 support (an OpenCL device without cl_khr_fp64, say).
	ErrNoFloat64 = errors.New("device does not support float64")
	// ErrNotOnMetal is the cause of a launch, on a device that runs MSL
	// (DeviceInfo.MSL), of a kernel that Metal cannot run
	// (Kernel.NotOnMetal): the error says why and where.
	ErrNotOnMetal = errors.New("kernel cannot run on Metal")
	// ErrOutOfMemory is the cause of a NewBuffer or BufferOf (or a copy
	// they need) larger than the device or the host can allocate: the size
	// overflows, exceeds the memory the system reports available, or the
	// backend's allocation failed for lack of memory. The error names the
	// bytes requested and, where known, available.
	ErrOutOfMemory = errors.New("out of memory")
)

// Errors for misuse that has no sentinel of its own.
var (
	errNilDevice  = errors.New("nil device")
	errZeroDevice = errors.New("device was not made by Open")
	errZeroBuffer = errors.New("buffer was not made by NewBuffer or BufferOf")
)

// KernelError is a failed launch of a kernel: an invalid argument, grid or
// shared-memory size found before anything ran, or a failure the backend
// reported (compilation, the native launch call, a panic in a CPU kernel).
// Err is the cause; errors.Is and errors.As see through it to the backend's
// own error types.
type KernelError struct {
	Kernel string // the kernel's Name
	Arg    string // the parameter the error is about; empty if none
	Err    error
}

// Error formats the error as "runtime: kernel Saxpy: argument x: buffer is
// closed".
func (e *KernelError) Error() string {
	s := "runtime: kernel " + e.Kernel + ": "
	if e.Arg != "" {
		s += "argument " + e.Arg + ": "
	}
	return s + e.Err.Error()
}

// Unwrap returns the cause.
func (e *KernelError) Unwrap() error { return e.Err }
