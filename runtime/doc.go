// Package runtime is dc's host API: it opens a compute device, holds buffers
// on it, and launches the kernels dckgen generated.
//
// # Opening a device
//
// Backends register themselves when their package is imported, like
// database/sql drivers. Package github.com/dotcompute/dc/backends/all
// imports every backend that builds on the platform (generated launchers
// import only the CPU backend):
//
//	import _ "github.com/dotcompute/dc/backends/all"
//
//	dev, err := runtime.Open()
//	if err != nil { ... }
//	defer dev.Close()
//
// Open uses the backend named by WithBackend, else the one named by the
// DC_BACKEND environment variable, else the best one that opens, by
// priority: cuda > metal > opencl > cpu. A backend whose native library or
// device is missing is skipped; if none opens, the error lists why each
// failed. Device.Info tells what the device can do (Float64, MaxGroupSize,
// SharedMemoryBytes, ...), so callers and tests can skip what it cannot.
// Devices lists every device of every backend, and WithDevice opens one.
// Open logs its choice through log/slog; DC_LOG=debug shows it.
//
// # Profiling
//
// Device.Profile reports launches per kernel, module builds and transfers
// with their times; a Device opened WithProfiling (or with DC_PROFILE=1)
// also times each launch on the device. Launches, transfers and builds are
// runtime/trace regions while a trace runs.
//
// # Buffers
//
// A Buffer[T] is an array on the device, with a host copy:
//
//	x, err := runtime.BufferOf(dev, xs)          // a copy of xs
//	y, err := runtime.NewBuffer[float32](dev, n) // n zeros
//	err = kernels.LaunchSaxpy(dev, dc.Grid1D(n), 2, x, y)
//	err = y.Read(ys)                             // waits, copies back
//
// T may be any number or bool type, or an array or struct of them; its
// layout is Go's (unsafe.Sizeof), which dckgen checks the device code
// matches.
//
// Copies between host and device are lazy. A buffer is in one of five
// states (Buffer.State): HostOnly (BufferOf: nothing on the device yet),
// DeviceOnly (NewBuffer: zeroed device memory, no host copy), Synchronized,
// HostDirty (after Write) and DeviceDirty (after a launch that may write
// it). A launch copies host data to the device only for HostOnly and
// HostDirty buffers; Read copies back only from DeviceOnly and DeviceDirty
// ones. Device.Stats counts launches and transfers. On the CPU backend the
// device memory is the host memory: buffers stay HostOnly and nothing is
// ever copied.
//
// Buffer.ReadAt, WriteAt and Fill work on part of a buffer, moving only
// that part and keeping the state; Buffer.Slice makes a view of a range
// that launches take without a copy; Copy copies on the device. The device
// memory of closed buffers is kept in a pool and reused (Device.PoolStats,
// Device.Trim, DC_POOL=off).
//
// # Validation
//
// DC_VALIDATE=1 or WithValidation runs every launch on the CPU reference
// too, the kernel's generated Go body, and compares the written buffers: a
// difference beyond the tolerances (Tolerance32, Tolerance64) is a
// *ValidationError naming the kernel, the parameter, the first index and
// both values. WithFallback runs a launch on the CPU when the device is out
// of memory.
//
// # Launching
//
// Generated launchers (LaunchSaxpy above) are typed wrappers around
// Device.Launch, which takes a Kernel description, a dc.Grid, one Arg per
// parameter (a *Buffer[T] or Scalar(v)) and the kernel's generated CPU body.
// Launches are asynchronous on every backend, the CPU included: Device.Sync
// waits for them, Device.SyncContext waits until a context ends, and
// Buffer.Read waits before copying results back. A kernel is never
// cancelled: after SyncContext gave up, the next Sync, Read or Close waits
// for it (see SyncContext for what each backend does meanwhile).
//
// # Errors
//
// Errors are values, never panics or crashes. Launch checks its arguments
// before anything runs — nil, closed or foreign buffers, argument count,
// kinds and sizes, grids with an empty dimension or groups larger than the
// device allows, too much shared memory, a closed device — and returns a
// *KernelError naming the kernel and argument:
//
//	runtime: kernel Saxpy: argument x: buffer is closed
//
// Failures inside a backend (compilation, a native call, a panic in a CPU
// kernel) are *KernelError values too, wrapping the backend's own error
// ("cuda: cuLaunchKernel: CUDA_ERROR_INVALID_VALUE"), which errors.Is and
// errors.As reach; a failing CPU kernel is reported by Sync or Read. A
// buffer larger than the device or host can hold is an error wrapping
// ErrOutOfMemory. ErrDeviceClosed, ErrBufferClosed and ErrOtherDevice are
// the sentinels for misuse; nil and zero Buffer and Device values give
// errors too.
//
// # Writing a backend
//
// A backend is a package that implements Driver and Backend (and Memory,
// unless its memory is host memory) and registers itself in init:
//
//	func init() { runtime.Register("mybackend", runtime.PriorityOpenCL+1, driver{}) }
//
// Driver.Open returns an error when the native library or device is missing,
// so Open falls back to the next backend. Backend.Info reports the device's
// limits; the runtime validates every launch against them, so Backend.Launch
// only compiles (once per *Module, cached), binds the arguments (Call.Args:
// device Memory and element count per buffer, raw bytes per scalar) and
// enqueues the kernel. A backend whose kernels work on host memory sets
// DeviceInfo.HostMemory; it then gets host bytes instead of device Memory,
// and runs Call.CPU, the generated Go body. The runtime calls a Backend from
// one goroutine at a time. A backend that can wait with cancellation also
// implements ContextSyncer; device memory that can copy, fill or view a
// range on the device implements Copier, Filler and Viewer. See package github.com/dotcompute/dc/backends/cpu
// for a complete backend.
package runtime
