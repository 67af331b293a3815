// Package cuda is dc's CUDA backend: it runs the CUDA C++ that dckgen
// generates (runtime.Module.CUDA) on NVIDIA GPUs, compiling it at run time
// with NVRTC and launching it through the CUDA driver API. Both libraries
// are loaded with purego, so the package builds with CGO_ENABLED=0 and
// cross-compiles; a missing library or device is an error value, never a
// crash.
//
// It is a plugin like any third-party backend: it uses only the public API
// of package runtime and registers itself from init as "cuda" with
// runtime.PriorityCUDA, the highest of the backends dc ships. Importing it
// for its side effect makes it available to runtime.Open:
//
//	import _ "github.com/dotcompute/dc/backends/cuda"
//
// When there is no driver or no device, runtime.Open(runtime.WithBackend("cuda"))
// returns an error naming what is missing (matching ErrDriverNotFound or
// ErrNoDevice), and runtime.Open() goes on to the next backend.
//
// # Libraries
//
// The driver library (libcuda.so.1) is loaded from, in order:
//
//  1. $DC_CUDA_LIBRARY, a path; when it is set, nothing else is tried;
//  2. the system loader (libcuda.so.1);
//  3. Debian's /usr/lib/<multiarch>/nvidia/current and the NVIDIA
//     container mount /usr/local/nvidia/lib64;
//  4. ${DC_DEPS_DIR:-$HOME/.cache/dc}/cuda, where scripts/install-deps.sh
//     unpacks Debian's libcuda1 (it loads without a GPU, which the tests
//     use to check the no-device path).
//
// NVRTC is loaded from, in order:
//
//  1. $DC_NVRTC_DIR: a folder holding libnvrtc.so.* and
//     libnvrtc-builtins.so.*, or the root of a `dpkg -x` of Debian's
//     libnvrtc11.2 and libnvrtc-builtins11.8 packages;
//  2. ${DC_DEPS_DIR:-$HOME/.cache/dc}/nvrtc, where scripts/install-deps.sh
//     unpacks those packages;
//  3. the CUDA toolkit's library folders, which a toolkit install often
//     leaves out of the loader's path: $CUDA_HOME/lib64, $CUDA_PATH/lib64,
//     /usr/local/cuda/lib64 and /usr/local/cuda/targets/<arch>-linux/lib;
//  4. the system loader (libnvrtc.so.13, libnvrtc.so.12, libnvrtc.so.11.2,
//     libnvrtc.so).
//
// The builtins library is loaded first, by full path, so that NVRTC finds
// it without LD_LIBRARY_PATH. NVRTC is needed only to compile; a module
// found in the kernel cache still needs it for its version, which is part
// of the cache key.
//
// # Devices
//
// DC_CUDA_DEVICE picks the device: an index in the driver's order, or a
// case-insensitive substring of the device name. A value that matches
// nothing is an error listing the devices; by default Open picks device 0.
// Devices lists them. Every Open of a device shares the driver's primary
// context, and each Open has a CUDA stream of its own: launches, copies
// and the zeroing of new allocations are queued on it in order, and Sync
// waits for it. Every native call that needs the context runs with the
// calling goroutine locked to its OS thread and the context current on it,
// so callers never see CUDA's per-thread state.
//
// A sticky error (an illegal address, a failed or timed-out launch) leaves
// a CUDA context unusable: the device is then marked failed, and every
// later call on any Open of it returns that error at once. Closing every
// Device of it destroys the context; the next Open starts afresh.
//
// # Compilation and the kernel cache
//
// Each package's CUDA source is compiled once per device architecture and
// process, lazily at the first launch of one of its kernels
// (runtime.Device.Precompile does it ahead of time): to CUBIN for the
// device's exact architecture when NVRTC supports it, else to PTX for the
// newest virtual architecture NVRTC supports, which the driver compiles
// when it loads it. Compiler and JIT errors carry their logs with
// positions mapped to the Go source through the #line directives that
// dckgen writes. See Compiler for the options and the kernel cache, which
// keeps images in memory and on disk under os.UserCacheDir()/dc/kernels
// (DC_CACHE_DIR overrides, DC_CACHE=off disables the disk).
//
// # Kernel ABI
//
// A kernel's C parameters are its runtime.Params in order: a buffer is two
// parameters, the device pointer and the length in elements (long long); a
// scalar is one, its bytes in Go's layout (dckgen declares structs with
// Go's field offsets and checks them at compile time). Checked kernels get
// the runtime's fault record and launch tag as two more. The grid is
// Groups blocks of GroupSize threads; kernels use static shared memory
// only, so a group has DeviceInfo.SharedMemoryBytes (48 KiB on current
// GPUs) of it.
//
// Tests that need a library or a GPU skip, naming what is missing, unless
// the environment asks for it: DC_REQUIRE_NVRTC=1, DC_REQUIRE_CUDA_DRIVER=1,
// or DC_REQUIRE_BACKENDS naming cuda make them fail instead.
package cuda
