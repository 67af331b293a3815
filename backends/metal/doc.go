// Package metal is dc's Metal backend: it runs the Metal Shading Language
// that dckgen generates (runtime.Module.MSL) on Apple GPUs, through the
// Metal framework, called with purego and purego/objc (no cgo), so the
// package builds with CGO_ENABLED=0 and cross-compiles.
//
// It is a plugin like any third-party backend: it uses only the public
// API of package runtime, and registers itself from init as "metal" with
// runtime.PriorityMetal (after CUDA, before OpenCL), as database/sql
// drivers do. Importing it for its side effect makes it available to
// runtime.Open:
//
//	import _ "github.com/dotcompute/dc/backends/metal"
//
// It registers on every platform; off macOS its Open returns an error
// matching ErrNeedsMacOS, at no cost, and runtime.Open goes on to the next
// backend, while runtime.Open(runtime.WithBackend("metal")) and
// DC_BACKEND=metal say why nothing opened. On a Mac without a Metal device
// Open returns an error matching ErrNoDevice.
//
// # Devices
//
// DC_METAL_DEVICE picks the device: an index into MTLCopyAllDevices, or a
// case-insensitive substring of a device's name; a value that matches
// nothing is an error listing the devices. By default Open uses
// MTLCreateSystemDefaultDevice. Each device's compiled libraries and
// pipeline states are shared by every Open of it in the process; each Open
// (each runtime.Device) has a command queue of its own.
//
// # Compiling
//
// Each runtime.Module is compiled once per device, on its first launch or
// Precompile, with newLibraryWithSource:options:error: and
// MTLCompileOptions of MSL 3.0 (macOS 13 or later) with fastMathEnabled off
// (and, on macOS 15, MTLMathModeSafe with precise math functions), so
// float arithmetic keeps Go's semantics. Kernels marked
// //dc:kernel fastmath call metal::fast:: functions by name, which the
// printer writes, so fast math stays per kernel. Each entry point's
// compute pipeline state is made once per device and module. A failed
// compile is a *CompileError whose Log names Go files and lines: the
// generated MSL carries #line directives, and the compiler's columns,
// which count MSL characters, are dropped; positions in helper code name
// dc_kernels.metal, the file dckgen -emit=metal writes.
//
// Kernels that Metal cannot run (float64, 64-bit atomics: see
// runtime.Kernel.NotOnMetal) are refused by the runtime before anything
// runs, with runtime.ErrNotOnMetal; DeviceInfo.Float64 is false.
//
// # Launches
//
// Every launch is one command buffer with one compute command encoder,
// committed at once, inside an autorelease pool on a locked OS thread.
// The group size is checked against the pipeline's
// maxTotalThreadsPerThreadgroup and its threadgroup memory against the
// device's maxThreadgroupMemoryLength first; the grid is dispatched with
// dispatchThreadgroups:threadsPerThreadgroup: (groups, group size).
// Launches are asynchronous: Sync waits for every command buffer in flight
// (waitUntilCompleted) and returns the first failure as a
// *runtime.KernelError naming the kernel around an *Error holding the
// command buffer's NSError (errors.Is matches *Error values by domain and
// code, and MTLCommandBufferErrorOutOfMemory matches
// runtime.ErrOutOfMemory). SyncContext polls the command buffers' status
// instead, and returns when its context ends; Metal cannot stop a running
// command buffer, so the next Sync waits for it.
//
// Kernel ABI, as translate/msl declares the entry points: the parameters
// of the kernel in order, then for a checked kernel the fault record and
// the launch's tag, bound to [[buffer(0)]], [[buffer(1)]], ...: a slice
// takes two indices, its MTLBuffer (setBuffer:offset:atIndex:) and its
// length as a 64-bit integer (setBytes:length:atIndex:); a scalar takes
// one, its bytes in Go's layout (setBytes; a scalar over 4096 bytes goes
// through a buffer of its own). Thread positions are Metal's
// [[thread_position_in_grid]] and friends. An entry point has at most 31
// bindings; dckgen leaves out kernels that need more.
//
// # Memory
//
// Buffers are MTLBuffers in shared storage (MTLResourceStorageModeShared),
// which the CPU and the GPU address alike: on Apple silicon one copy in
// unified memory. The runtime still keeps its own host copy of each
// buffer (DeviceInfo.HostMemory is false: the runtime's host-memory mode
// is the CPU backend's, which runs Go bodies on that copy), so a transfer
// is exactly one memcpy between the host copy and the buffer's contents,
// never a staging buffer and a blit, and never more transfers than on a
// discrete GPU: the runtime's lazy states copy only what a launch or a
// Read needs, and NewBuffer's zeroed memory is Metal's own (buffers are
// created zero-filled). Write and Read first wait for the command buffers
// that use the buffer. Buffer-to-buffer copies (runtime.Copy) are blit
// command buffers that never touch the host. Buffers larger than the
// device's maxBufferLength are refused with an error matching
// runtime.ErrOutOfMemory.
//
// Metal objects are released by Free and Close, never by finalizers;
// Go memory that Metal reads during a call (scalars, lengths, source
// text) is kept alive until the call returns.
//
// # What has been checked
//
// This package was written without a Mac at hand: it is compiled for
// darwin/arm64 and darwin/amd64 (GOOS=darwin go build and go vet), and its
// platform-independent parts (argument binding, checked against every
// entry point of every generated package; device selection; limits;
// compile options; error and log mapping) are unit tested on Linux. The
// MSL itself is compiled with clang as C++ against a metal_stdlib shim
// (translate/msl), an approximation of Metal's compiler. The end-to-end
// suites include the backend whenever it is registered, so go test ./...
// on a Mac runs every kernel on the GPU against dc.Emulate.
package metal
