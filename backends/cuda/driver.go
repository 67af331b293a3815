package cuda

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"unsafe"

	"github.com/dotcompute/dc/internal/dl"
	"github.com/ebitengine/purego"
)

// ErrDriverNotFound is matched by errors.Is against the error loadDriver
// returns when no CUDA driver library (libcuda.so.1) could be loaded.
var ErrDriverNotFound = errors.New("cuda: driver library not found")

// cuDevice is a CUdevice, a device ordinal's handle.
type cuDevice int32

// deviceAttr is a CUdevice_attribute, the attribute cuDeviceGetAttribute
// reads.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__TYPES.html#group__CUDA__TYPES_1ge12b8a782bebe21b1ac0091bf9f4e2a3
type deviceAttr int32

// The CUdevice_attribute values the backend reads, from cuda.h.
const (
	attrMaxThreadsPerBlock           deviceAttr = 1  // CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK
	attrMaxBlockDimX                 deviceAttr = 2  // CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X
	attrMaxBlockDimY                 deviceAttr = 3  // CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y
	attrMaxBlockDimZ                 deviceAttr = 4  // CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z
	attrMaxGridDimX                  deviceAttr = 5  // CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X
	attrMaxGridDimY                  deviceAttr = 6  // CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y
	attrMaxGridDimZ                  deviceAttr = 7  // CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z
	attrMaxSharedMemoryPerBlock      deviceAttr = 8  // CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK, bytes
	attrTotalConstantMemory          deviceAttr = 9  // CU_DEVICE_ATTRIBUTE_TOTAL_CONSTANT_MEMORY, bytes
	attrWarpSize                     deviceAttr = 10 // CU_DEVICE_ATTRIBUTE_WARP_SIZE, threads
	attrClockRate                    deviceAttr = 13 // CU_DEVICE_ATTRIBUTE_CLOCK_RATE, kHz
	attrMultiprocessorCount          deviceAttr = 16 // CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT
	attrIntegrated                   deviceAttr = 18 // CU_DEVICE_ATTRIBUTE_INTEGRATED, 1 if the device shares host memory
	attrPCIBusID                     deviceAttr = 33 // CU_DEVICE_ATTRIBUTE_PCI_BUS_ID
	attrPCIDeviceID                  deviceAttr = 34 // CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID
	attrMemoryClockRate              deviceAttr = 36 // CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE, kHz
	attrGlobalMemoryBusWidth         deviceAttr = 37 // CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH, bits
	attrL2CacheSize                  deviceAttr = 38 // CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE, bytes
	attrUnifiedAddressing            deviceAttr = 41 // CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING
	attrComputeCapabilityMajor       deviceAttr = 75 // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR
	attrComputeCapabilityMinor       deviceAttr = 76 // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR
	attrMaxSharedMemoryPerBlockOptin deviceAttr = 97 // CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, bytes
)

// funcAttr is a CUfunction_attribute, the attribute cuFuncGetAttribute
// reads.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__TYPES.html#group__CUDA__TYPES_1g9d955dde0904a9b43ca4d875ac1551bc
type funcAttr int32

// The CUfunction_attribute values the backend reads, from cuda.h.
const (
	funcMaxThreadsPerBlock        funcAttr = 0 // CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK
	funcSharedSizeBytes           funcAttr = 1 // CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES, static shared memory
	funcConstSizeBytes            funcAttr = 2 // CU_FUNC_ATTRIBUTE_CONST_SIZE_BYTES
	funcLocalSizeBytes            funcAttr = 3 // CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES, per thread
	funcNumRegs                   funcAttr = 4 // CU_FUNC_ATTRIBUTE_NUM_REGS, per thread
	funcPTXVersion                funcAttr = 5 // CU_FUNC_ATTRIBUTE_PTX_VERSION, major*10+minor
	funcBinaryVersion             funcAttr = 6 // CU_FUNC_ATTRIBUTE_BINARY_VERSION, major*10+minor
	funcMaxDynamicSharedSizeBytes funcAttr = 8 // CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES
)

// Flags and options from cuda.h that the calls below pass.
const (
	driverStreamNonBlocking   = 1 // CU_STREAM_NON_BLOCKING
	driverEventDisableTiming  = 2 // CU_EVENT_DISABLE_TIMING
	driverJITInfoLogBuffer    = 3 // CU_JIT_INFO_LOG_BUFFER
	driverJITInfoLogSize      = 4 // CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES
	driverJITErrorLogBuffer   = 5 // CU_JIT_ERROR_LOG_BUFFER
	driverJITErrorLogSize     = 6 // CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES
	driverJITLogBytes         = 64 << 10
	driverResultNotReady      = Result(600) // CUDA_ERROR_NOT_READY
	driverDeviceNameBytes     = 256
	driverLibrary             = "libcuda.so.1"
	driverPTXJITLibrary       = "libnvidia-ptxjitcompiler.so.1"
	driverLibraryEnv          = "DC_CUDA_LIBRARY"
	driverInstallInstructions = "install the NVIDIA driver, or run scripts/install-deps.sh (Debian's libcuda1 loads without a GPU, for tests), or set " + driverLibraryEnv
)

// driverAPI is the loaded CUDA driver library: one function pointer per
// driver call the backend makes. There is one per process, made by
// loadDriver. Each method makes one native call (two for a size and its
// data), returns an *Error when the driver reports a failure, and never
// panics.
type driverAPI struct {
	path    string // the file or soname the library was loaded from
	version int    // cuDriverGetVersion at load, e.g. 12020 for CUDA 12.2

	cuInit                    uintptr
	cuDriverGetVersion        uintptr
	cuDeviceGetCount          uintptr
	cuDeviceGet               uintptr
	cuDeviceGetName           uintptr
	cuDeviceGetUuid           uintptr // cuDeviceGetUuid_v2 where the library has it
	cuDeviceGetUuidName       string  // the symbol cuDeviceGetUuid holds
	cuDeviceGetAttribute      uintptr
	cuDeviceTotalMem          uintptr // cuDeviceTotalMem_v2
	cuDevicePrimaryCtxRetain  uintptr
	cuDevicePrimaryCtxRelease uintptr // cuDevicePrimaryCtxRelease_v2
	cuCtxSetCurrent           uintptr
	cuCtxGetCurrent           uintptr
	cuCtxSynchronize          uintptr
	cuModuleLoadDataEx        uintptr
	cuModuleUnload            uintptr
	cuModuleGetFunction       uintptr
	cuFuncGetAttribute        uintptr
	cuMemAlloc                uintptr // cuMemAlloc_v2
	cuMemFree                 uintptr // cuMemFree_v2
	cuMemGetInfo              uintptr // cuMemGetInfo_v2
	cuMemsetD8Async           uintptr
	cuMemcpyHtoD              uintptr // cuMemcpyHtoD_v2
	cuMemcpyDtoH              uintptr // cuMemcpyDtoH_v2
	cuMemcpyDtoD              uintptr // cuMemcpyDtoD_v2
	cuMemcpyHtoDAsync         uintptr // cuMemcpyHtoDAsync_v2
	cuMemcpyDtoHAsync         uintptr // cuMemcpyDtoHAsync_v2
	cuMemcpyDtoDAsync         uintptr // cuMemcpyDtoDAsync_v2
	cuStreamCreate            uintptr
	cuStreamDestroy           uintptr // cuStreamDestroy_v2
	cuStreamSynchronize       uintptr
	cuStreamQuery             uintptr
	cuEventCreate             uintptr
	cuEventDestroy            uintptr // cuEventDestroy_v2
	cuEventRecord             uintptr
	cuEventSynchronize        uintptr
	cuEventQuery              uintptr
	cuEventElapsedTime        uintptr
	cuLaunchKernel            uintptr
	cuGetErrorName            uintptr
	cuGetErrorString          uintptr
}

var (
	driverMu     sync.Mutex
	driverLoaded *driverAPI
)

// loadDriver loads the CUDA driver library from the places listed in the
// package documentation. The first success is cached and returned by later
// calls; a failure is not, so a later call sees a driver installed
// meanwhile. It is safe for concurrent use. When no library can be loaded
// the error matches ErrDriverNotFound.
func loadDriver() (*driverAPI, error) {
	driverMu.Lock()
	defer driverMu.Unlock()
	if driverLoaded != nil {
		return driverLoaded, nil
	}
	if runtime.GOOS == "darwin" {
		return nil, fmt.Errorf("%w: macOS has no CUDA driver; use the metal, opencl or cpu backend", ErrDriverNotFound)
	}
	a, err := openDriver(driverCandidates())
	if err != nil {
		return nil, err
	}
	driverLoaded = a
	return a, nil
}

// driverCandidate is one place loadDriver looks for the driver library.
type driverCandidate struct {
	path string // a file, or a soname for the system loader
	// env names the environment variable that gave path, if one did: a
	// failure to load such a candidate ends the search.
	env string
}

// driverCandidates returns the places loadDriver tries, in order: only
// $DC_CUDA_LIBRARY when it is set, else the system loader and the folders
// the package documentation lists.
func driverCandidates() []driverCandidate {
	if p := os.Getenv(driverLibraryEnv); p != "" {
		return []driverCandidate{{path: p, env: driverLibraryEnv}}
	}
	lib := debianLibDir()
	c := []driverCandidate{
		{path: driverLibrary},
		{path: filepath.Join("/", lib, "nvidia", "current", driverLibrary)},
		{path: filepath.Join("/usr/local/nvidia/lib64", driverLibrary)},
	}
	if deps := depsDir(); deps != "" {
		c = append(c, driverCandidate{path: filepath.Join(deps, "cuda", lib, "nvidia", "current", driverLibrary)})
	}
	return c
}

// openDriver loads the driver library from the first candidate that has
// one. A file path is loaded after the PTX JIT compiler library of its
// folder, when there is one; a name without a folder goes to the system
// loader.
func openDriver(candidates []driverCandidate) (*driverAPI, error) {
	var searched, failures []string
	for _, c := range candidates {
		system := !strings.ContainsRune(c.path, filepath.Separator)
		if system {
			searched = append(searched, c.path+" (system loader)")
		} else {
			searched = append(searched, c.path)
		}
		a, err := openDriverFile(c.path, system)
		if err == nil {
			return a, nil
		}
		if c.env != "" {
			return nil, fmt.Errorf("%w: %s=%s: %v; point %s to libcuda.so.1 or unset it", ErrDriverNotFound, c.env, c.path, err, c.env)
		}
		// A library that is simply absent is said once, in the list of
		// places searched.
		if !errors.Is(err, os.ErrNotExist) && !strings.Contains(err.Error(), "No such file") {
			failures = append(failures, err.Error())
		}
	}
	where := "searched no place"
	if len(searched) > 0 {
		where = "searched " + strings.Join(searched, ", ")
	}
	if len(failures) > 0 {
		where += " (" + strings.Join(failures, "; ") + ")"
	}
	return nil, fmt.Errorf("%w: %s; %s", ErrDriverNotFound, where, driverInstallInstructions)
}

// openDriverFile loads the driver library at path, through the system
// loader when system is set.
func openDriverFile(path string, system bool) (*driverAPI, error) {
	if !system {
		if _, err := os.Stat(path); err != nil {
			return nil, err
		}
		// libcuda dlopens the PTX JIT compiler by soname; loading it first
		// by full path, globally, lets that dlopen find it without
		// LD_LIBRARY_PATH.
		jit := filepath.Join(filepath.Dir(path), driverPTXJITLibrary)
		if _, err := os.Stat(jit); err == nil {
			if _, err := dl.OpenGlobal(jit); err != nil {
				return nil, err
			}
		}
	}
	return bindDriver(path)
}

// bindDriver opens the driver library at path, resolves its functions and
// reads its version.
func bindDriver(path string) (*driverAPI, error) {
	l, err := dl.Open(path)
	if err != nil {
		return nil, err
	}
	l.Prefix = "cuda"
	a := &driverAPI{
		path:                      path,
		cuInit:                    l.Sym("cuInit"),
		cuDriverGetVersion:        l.Sym("cuDriverGetVersion"),
		cuDeviceGetCount:          l.Sym("cuDeviceGetCount"),
		cuDeviceGet:               l.Sym("cuDeviceGet"),
		cuDeviceGetName:           l.Sym("cuDeviceGetName"),
		cuDeviceGetAttribute:      l.Sym("cuDeviceGetAttribute"),
		cuDeviceTotalMem:          l.Sym("cuDeviceTotalMem_v2"),
		cuDevicePrimaryCtxRetain:  l.Sym("cuDevicePrimaryCtxRetain"),
		cuDevicePrimaryCtxRelease: l.Sym("cuDevicePrimaryCtxRelease_v2"),
		cuCtxSetCurrent:           l.Sym("cuCtxSetCurrent"),
		cuCtxGetCurrent:           l.Sym("cuCtxGetCurrent"),
		cuCtxSynchronize:          l.Sym("cuCtxSynchronize"),
		cuModuleLoadDataEx:        l.Sym("cuModuleLoadDataEx"),
		cuModuleUnload:            l.Sym("cuModuleUnload"),
		cuModuleGetFunction:       l.Sym("cuModuleGetFunction"),
		cuFuncGetAttribute:        l.Sym("cuFuncGetAttribute"),
		cuMemAlloc:                l.Sym("cuMemAlloc_v2"),
		cuMemFree:                 l.Sym("cuMemFree_v2"),
		cuMemGetInfo:              l.Sym("cuMemGetInfo_v2"),
		cuMemsetD8Async:           l.Sym("cuMemsetD8Async"),
		cuMemcpyHtoD:              l.Sym("cuMemcpyHtoD_v2"),
		cuMemcpyDtoH:              l.Sym("cuMemcpyDtoH_v2"),
		cuMemcpyDtoD:              l.Sym("cuMemcpyDtoD_v2"),
		cuMemcpyHtoDAsync:         l.Sym("cuMemcpyHtoDAsync_v2"),
		cuMemcpyDtoHAsync:         l.Sym("cuMemcpyDtoHAsync_v2"),
		cuMemcpyDtoDAsync:         l.Sym("cuMemcpyDtoDAsync_v2"),
		cuStreamCreate:            l.Sym("cuStreamCreate"),
		cuStreamDestroy:           l.Sym("cuStreamDestroy_v2"),
		cuStreamSynchronize:       l.Sym("cuStreamSynchronize"),
		cuStreamQuery:             l.Sym("cuStreamQuery"),
		cuEventCreate:             l.Sym("cuEventCreate"),
		cuEventDestroy:            l.Sym("cuEventDestroy_v2"),
		cuEventRecord:             l.Sym("cuEventRecord"),
		cuEventSynchronize:        l.Sym("cuEventSynchronize"),
		cuEventQuery:              l.Sym("cuEventQuery"),
		cuEventElapsedTime:        l.Sym("cuEventElapsedTime"),
		cuLaunchKernel:            l.Sym("cuLaunchKernel"),
		cuGetErrorName:            l.Sym("cuGetErrorName"),
		cuGetErrorString:          l.Sym("cuGetErrorString"),
	}
	// cuDeviceGetUuid_v2 (CUDA 11.4) fills in the UUID of a MIG instance
	// where cuDeviceGetUuid gives its parent GPU's.
	a.cuDeviceGetUuid, a.cuDeviceGetUuidName = l.OptSym("cuDeviceGetUuid_v2"), "cuDeviceGetUuid_v2"
	if a.cuDeviceGetUuid == 0 {
		a.cuDeviceGetUuid, a.cuDeviceGetUuidName = l.Sym("cuDeviceGetUuid"), "cuDeviceGetUuid"
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	v, err := a.driverVersion()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	a.version = v
	return a, nil
}

// call calls the driver function fn, named name, with args and returns its
// CUresult as an error (see check). A pointer converted to uintptr in the
// argument list stays alive and in place until fn returns.
//
//go:uintptrescapes
func (a *driverAPI) call(name string, fn uintptr, args ...uintptr) error {
	return a.callArgs(name, fn, args)
}

// callArgs is call with the arguments in a slice the caller owns, which
// a caller that must not allocate reuses.
func (a *driverAPI) callArgs(name string, fn uintptr, args []uintptr) error {
	if fn == 0 {
		return fmt.Errorf("cuda: %s is missing in %s", name, a.path)
	}
	r, _, _ := purego.SyscallN(fn, args...)
	return a.check(name, r)
}

// check turns the CUresult r of the driver function name into nil or an
// *Error. For a code the package does not know, the Detail is the
// driver's name for it.
func (a *driverAPI) check(name string, r uintptr) error {
	code := Result(int32(r))
	if code == 0 {
		return nil
	}
	e := &Error{Call: name, Code: code}
	if _, known := resultNames[code]; !known {
		e.Detail = a.errorName(code)
	}
	return e
}

// driverWithDetail adds detail to the Detail of err, an *Error from check
// (after the driver's name for an unknown code). It returns err.
func driverWithDetail(err error, detail string) error {
	var e *Error
	if errors.As(err, &e) {
		if e.Detail != "" {
			e.Detail += ": " + detail
		} else {
			e.Detail = detail
		}
	}
	return err
}

// init initializes the driver; it must succeed before any other call but
// driverVersion, errorName and errorString. On a machine without a GPU it
// returns an *Error matching ErrNoDevice.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__INITIALIZE.html#group__CUDA__INITIALIZE_1g0a2f1517e1bd8502c7194c3a8c134bc3
func (a *driverAPI) init() error {
	return a.call("cuInit", a.cuInit, 0)
}

// driverVersion returns the CUDA version the driver supports, as
// 1000*major + 10*minor (12020 for CUDA 12.2). It works before init.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__VERSION.html#group__CUDA__VERSION_1g8b7a10395392e049006e61bcdc8ebe71
func (a *driverAPI) driverVersion() (int, error) {
	var v int32
	err := a.call("cuDriverGetVersion", a.cuDriverGetVersion, uintptr(unsafe.Pointer(&v)))
	runtime.KeepAlive(&v)
	return int(v), err
}

// deviceCount returns the number of CUDA devices.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__DEVICE.html#group__CUDA__DEVICE_1g52b5ce05cb8c5fb6831b2c0ff2887c74
func (a *driverAPI) deviceCount() (int, error) {
	var n int32
	err := a.call("cuDeviceGetCount", a.cuDeviceGetCount, uintptr(unsafe.Pointer(&n)))
	runtime.KeepAlive(&n)
	if err != nil {
		return 0, err
	}
	return int(n), nil
}

// device returns the handle of the device with the given ordinal.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__DEVICE.html#group__CUDA__DEVICE_1g8bdd1cc7201304b01357b8034f6587cb
func (a *driverAPI) device(ordinal int) (cuDevice, error) {
	var d int32
	err := a.call("cuDeviceGet", a.cuDeviceGet, uintptr(unsafe.Pointer(&d)), uintptr(ordinal))
	runtime.KeepAlive(&d)
	if err != nil {
		return 0, err
	}
	return cuDevice(d), nil
}

// deviceName returns the device's product name, e.g. "NVIDIA H100 80GB
// HBM3".
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__DEVICE.html#group__CUDA__DEVICE_1gef75aa30df95446a845f2a7b9fffbb7f
func (a *driverAPI) deviceName(d cuDevice) (string, error) {
	buf := make([]byte, driverDeviceNameBytes)
	err := a.call("cuDeviceGetName", a.cuDeviceGetName, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), uintptr(d))
	runtime.KeepAlive(buf)
	if err != nil {
		return "", err
	}
	return dl.GoStringN(buf), nil
}

// deviceUUID returns the device's 16-byte UUID (the one nvidia-smi -L
// prints, without the "GPU-" prefix and dashes).
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__DEVICE.html#group__CUDA__DEVICE_1g987b46b884c101ed5be414ab4d9e60e4
func (a *driverAPI) deviceUUID(d cuDevice) ([16]byte, error) {
	var uuid [16]byte
	err := a.call(a.cuDeviceGetUuidName, a.cuDeviceGetUuid, uintptr(unsafe.Pointer(&uuid)), uintptr(d))
	runtime.KeepAlive(&uuid)
	if err != nil {
		return [16]byte{}, err
	}
	return uuid, nil
}

// deviceAttr returns the device attribute attr.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__DEVICE.html#group__CUDA__DEVICE_1g9c3e1414f0ad901d3278a4d6645fc266
func (a *driverAPI) deviceAttr(d cuDevice, attr deviceAttr) (int, error) {
	var v int32
	err := a.call("cuDeviceGetAttribute", a.cuDeviceGetAttribute, uintptr(unsafe.Pointer(&v)), uintptr(attr), uintptr(d))
	runtime.KeepAlive(&v)
	if err != nil {
		return 0, err
	}
	return int(v), nil
}

// deviceTotalMem returns the device's memory in bytes.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__DEVICE.html#group__CUDA__DEVICE_1gc6a0d6551335a3780f9f3c967a0fde5d
func (a *driverAPI) deviceTotalMem(d cuDevice) (uint64, error) {
	var n uintptr
	err := a.call("cuDeviceTotalMem_v2", a.cuDeviceTotalMem, uintptr(unsafe.Pointer(&n)), uintptr(d))
	runtime.KeepAlive(&n)
	if err != nil {
		return 0, err
	}
	return uint64(n), nil
}

// primaryCtxRetain retains the device's primary context, creating it on
// first use, and returns its handle. Each retain needs a primaryCtxRelease.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__PRIMARY__CTX.html#group__CUDA__PRIMARY__CTX_1g9051f2d5c31501997a6cb0530290a300
func (a *driverAPI) primaryCtxRetain(d cuDevice) (uintptr, error) {
	var ctx uintptr
	err := a.call("cuDevicePrimaryCtxRetain", a.cuDevicePrimaryCtxRetain, uintptr(unsafe.Pointer(&ctx)), uintptr(d))
	runtime.KeepAlive(&ctx)
	if err != nil {
		return 0, err
	}
	return ctx, nil
}

// primaryCtxRelease releases the device's primary context once.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__PRIMARY__CTX.html#group__CUDA__PRIMARY__CTX_1gf2a8bc16f8df0c88031f6a1ba3d6e8ad
func (a *driverAPI) primaryCtxRelease(d cuDevice) error {
	return a.call("cuDevicePrimaryCtxRelease_v2", a.cuDevicePrimaryCtxRelease, uintptr(d))
}

// ctxSetCurrent binds the context ctx to the calling OS thread (0 unbinds
// the current one).
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__CTX.html#group__CUDA__CTX_1gbe562ee6258b4fcc272ca6478ca2a2f7
func (a *driverAPI) ctxSetCurrent(ctx uintptr) error {
	return a.call("cuCtxSetCurrent", a.cuCtxSetCurrent, ctx)
}

// driverScratch holds the arguments and results of native calls for
// callers that must not allocate (the launch path): a variadic call
// allocates its argument slice, and a result written through a pointer
// moves its variable to the heap. A scratch serves one goroutine at a time.
type driverScratch struct {
	args [11]uintptr
	ctx  uintptr // cuCtxGetCurrent's result
}

// ctxGetCurrent returns the context bound to the calling OS thread, or 0.
// With a non-nil scratch s it allocates nothing.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__CTX.html#group__CUDA__CTX_1g8f13165846b73750693640fb3e8380d0
func (a *driverAPI) ctxGetCurrent(s *driverScratch) (uintptr, error) {
	if s == nil {
		s = new(driverScratch)
	}
	s.ctx = 0
	s.args[0] = uintptr(unsafe.Pointer(&s.ctx))
	if err := a.callArgs("cuCtxGetCurrent", a.cuCtxGetCurrent, s.args[:1]); err != nil {
		return 0, err
	}
	return s.ctx, nil
}

// ctxSynchronize waits for all work of the current context to finish.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__CTX.html#group__CUDA__CTX_1g7a54725f28d34b8c6299f0c6ca579616
func (a *driverAPI) ctxSynchronize() error {
	return a.call("cuCtxSynchronize", a.cuCtxSynchronize)
}

// moduleLoad loads a CUBIN or PTX image into the current context with
// cuModuleLoadDataEx, collecting the JIT compiler's info and error logs in
// 64 KiB buffers. PTX must be NUL-terminated: when ptx is set and image
// lacks a trailing NUL, a copy with one is loaded. On failure the *Error's
// Log holds the JIT error log; infoLog is returned either way.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__MODULE.html#group__CUDA__MODULE_1g9e8047e9dbf725f0cd7cafd18bfd4d12
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__TYPES.html#group__CUDA__TYPES_1g5527fa8030d5cabedc781a04dbd1997d
func (a *driverAPI) moduleLoad(image []byte, ptx bool) (mod uintptr, infoLog string, err error) {
	if ptx && (len(image) == 0 || image[len(image)-1] != 0) {
		image = append(image[:len(image):len(image)], 0)
	}
	if len(image) == 0 {
		return 0, "", errors.New("cuda: cuModuleLoadDataEx: empty module image")
	}
	infoBuf := make([]byte, driverJITLogBytes)
	errBuf := make([]byte, driverJITLogBytes)
	opts := []int32{driverJITInfoLogBuffer, driverJITInfoLogSize, driverJITErrorLogBuffer, driverJITErrorLogSize}
	// Each option value is passed as a void*: the buffers' addresses, and
	// their sizes cast to pointers, which the driver overwrites with the
	// bytes it wrote.
	vals := []uintptr{
		uintptr(unsafe.Pointer(&infoBuf[0])), driverJITLogBytes,
		uintptr(unsafe.Pointer(&errBuf[0])), driverJITLogBytes,
	}
	err = a.call("cuModuleLoadDataEx", a.cuModuleLoadDataEx,
		uintptr(unsafe.Pointer(&mod)),
		uintptr(unsafe.Pointer(&image[0])),
		uintptr(len(opts)),
		uintptr(unsafe.Pointer(&opts[0])),
		uintptr(unsafe.Pointer(&vals[0])))
	runtime.KeepAlive(image)
	runtime.KeepAlive(infoBuf)
	runtime.KeepAlive(errBuf)
	runtime.KeepAlive(opts)
	runtime.KeepAlive(vals)
	runtime.KeepAlive(&mod)
	infoLog = dl.GoStringN(infoBuf)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.Log = dl.GoStringN(errBuf)
		}
		return 0, infoLog, err
	}
	return mod, infoLog, nil
}

// moduleUnload unloads the module mod.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__MODULE.html#group__CUDA__MODULE_1g8ea3d716524369de3763104ced4ea57b
func (a *driverAPI) moduleUnload(mod uintptr) error {
	return a.call("cuModuleUnload", a.cuModuleUnload, mod)
}

// moduleFunction returns the handle of the kernel name (its extern "C"
// name) in the module mod. A failure's Detail is "kernel " + name.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__MODULE.html#group__CUDA__MODULE_1ga52be009b0d4045811b30c965e1cb2cf
func (a *driverAPI) moduleFunction(mod uintptr, name string) (uintptr, error) {
	cName := dl.CString(name)
	var fn uintptr
	err := a.call("cuModuleGetFunction", a.cuModuleGetFunction, uintptr(unsafe.Pointer(&fn)), mod, uintptr(unsafe.Pointer(&cName[0])))
	runtime.KeepAlive(cName)
	runtime.KeepAlive(&fn)
	if err != nil {
		return 0, driverWithDetail(err, "kernel "+name)
	}
	return fn, nil
}

// funcAttr returns the attribute attr of the kernel fn.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__EXEC.html#group__CUDA__EXEC_1g5e92a1b0d8d1b82cb00dcfb2de15961b
func (a *driverAPI) funcAttr(fn uintptr, attr funcAttr) (int, error) {
	var v int32
	err := a.call("cuFuncGetAttribute", a.cuFuncGetAttribute, uintptr(unsafe.Pointer(&v)), uintptr(attr), fn)
	runtime.KeepAlive(&v)
	if err != nil {
		return 0, err
	}
	return int(v), nil
}

// memAlloc allocates size bytes of device memory in the current context
// and returns its device address.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__MEM.html#group__CUDA__MEM_1gb82d2a09844a58dd9e744dc31e8aa467
func (a *driverAPI) memAlloc(size uint64) (uintptr, error) {
	var p uintptr
	err := a.call("cuMemAlloc_v2", a.cuMemAlloc, uintptr(unsafe.Pointer(&p)), uintptr(size))
	runtime.KeepAlive(&p)
	if err != nil {
		return 0, err
	}
	return p, nil
}

// memFree frees the device memory at p.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__MEM.html#group__CUDA__MEM_1g89b3f154e17cc89b6eea277dbdf5c93a
func (a *driverAPI) memFree(p uintptr) error {
	return a.call("cuMemFree_v2", a.cuMemFree, p)
}

// memGetInfo returns the free and total device memory of the current
// context's device, in bytes.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__MEM.html#group__CUDA__MEM_1g808f555540d0143a331cc42aa98835c0
func (a *driverAPI) memGetInfo() (free, total uint64, err error) {
	var f, t uintptr
	err = a.call("cuMemGetInfo_v2", a.cuMemGetInfo, uintptr(unsafe.Pointer(&f)), uintptr(unsafe.Pointer(&t)))
	runtime.KeepAlive(&f)
	runtime.KeepAlive(&t)
	if err != nil {
		return 0, 0, err
	}
	return uint64(f), uint64(t), nil
}

// memsetD8Async sets n bytes of device memory at p to v, in order on
// stream.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__MEM.html#group__CUDA__MEM_1gaef08a7ccd61112f94e82f2b30d43627
func (a *driverAPI) memsetD8Async(p uintptr, v byte, n uint64, stream uintptr) error {
	return a.call("cuMemsetD8Async", a.cuMemsetD8Async, p, uintptr(v), uintptr(n), stream)
}

// memcpyHtoD copies n bytes from host memory at src to device memory at
// dst, returning when the copy is done.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__MEM.html#group__CUDA__MEM_1g4d32266788c440b0220b1a9ba5795169
func (a *driverAPI) memcpyHtoD(dst uintptr, src unsafe.Pointer, n uint64) error {
	err := a.call("cuMemcpyHtoD_v2", a.cuMemcpyHtoD, dst, uintptr(src), uintptr(n))
	runtime.KeepAlive(src)
	return err
}

// memcpyDtoH copies n bytes from device memory at src to host memory at
// dst, returning when the copy is done.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__MEM.html#group__CUDA__MEM_1g3480368ee0208a98f75019c9a8450893
func (a *driverAPI) memcpyDtoH(dst unsafe.Pointer, src uintptr, n uint64) error {
	err := a.call("cuMemcpyDtoH_v2", a.cuMemcpyDtoH, uintptr(dst), src, uintptr(n))
	runtime.KeepAlive(dst)
	return err
}

// memcpyDtoD copies n bytes of device memory from src to dst.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__MEM.html#group__CUDA__MEM_1g1725774abf8b51b91945f3336b778c8b
func (a *driverAPI) memcpyDtoD(dst, src uintptr, n uint64) error {
	return a.call("cuMemcpyDtoD_v2", a.cuMemcpyDtoD, dst, src, uintptr(n))
}

// memcpyHtoDAsync queues a copy of n bytes from host memory at src to
// device memory at dst on stream. The driver may read src until the stream
// reaches the copy, so the caller keeps src alive and unchanged until
// then; with pageable memory the driver has copied it before returning.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__MEM.html#group__CUDA__MEM_1g1572263fe2597d7ba4f6964597a354a3
func (a *driverAPI) memcpyHtoDAsync(dst uintptr, src unsafe.Pointer, n uint64, stream uintptr) error {
	err := a.call("cuMemcpyHtoDAsync_v2", a.cuMemcpyHtoDAsync, dst, uintptr(src), uintptr(n), stream)
	runtime.KeepAlive(src)
	return err
}

// memcpyDtoHAsync queues a copy of n bytes from device memory at src to
// host memory at dst on stream. The caller keeps dst alive until the
// stream has finished the copy.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__MEM.html#group__CUDA__MEM_1g56f30236c7c5247f8e061b59d3268362
func (a *driverAPI) memcpyDtoHAsync(dst unsafe.Pointer, src uintptr, n uint64, stream uintptr) error {
	err := a.call("cuMemcpyDtoHAsync_v2", a.cuMemcpyDtoHAsync, uintptr(dst), src, uintptr(n), stream)
	runtime.KeepAlive(dst)
	return err
}

// memcpyDtoDAsync queues a copy of n bytes of device memory from src to
// dst on stream.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__MEM.html#group__CUDA__MEM_1g39ea09ba682b8eccc9c3e0c04319b5c8
func (a *driverAPI) memcpyDtoDAsync(dst, src uintptr, n uint64, stream uintptr) error {
	return a.call("cuMemcpyDtoDAsync_v2", a.cuMemcpyDtoDAsync, dst, src, uintptr(n), stream)
}

// streamCreate creates a stream in the current context; a non-blocking
// one does not wait for the legacy default stream.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__STREAM.html#group__CUDA__STREAM_1ga581f0c5833e21ded8b5a56594e243f4
func (a *driverAPI) streamCreate(nonBlocking bool) (uintptr, error) {
	var flags uintptr
	if nonBlocking {
		flags = driverStreamNonBlocking
	}
	var s uintptr
	err := a.call("cuStreamCreate", a.cuStreamCreate, uintptr(unsafe.Pointer(&s)), flags)
	runtime.KeepAlive(&s)
	if err != nil {
		return 0, err
	}
	return s, nil
}

// streamDestroy destroys the stream s once its queued work is done.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__STREAM.html#group__CUDA__STREAM_1g244c8833de4596bcd31a06cdf21ee758
func (a *driverAPI) streamDestroy(s uintptr) error {
	return a.call("cuStreamDestroy_v2", a.cuStreamDestroy, s)
}

// streamSynchronize waits until the work queued on s is done.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__STREAM.html#group__CUDA__STREAM_1g15e49dd91ec15991eb7c0a741beb7dad
func (a *driverAPI) streamSynchronize(s uintptr) error {
	return a.call("cuStreamSynchronize", a.cuStreamSynchronize, s)
}

// streamQuery reports whether the work queued on s is done, without
// waiting.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__STREAM.html#group__CUDA__STREAM_1g1b0d24bbe97fa68e4bc511fb6adfeb0b
func (a *driverAPI) streamQuery(s uintptr) (done bool, err error) {
	return driverQueryDone(a.call("cuStreamQuery", a.cuStreamQuery, s))
}

// driverQueryDone turns the result of cuStreamQuery or cuEventQuery into done:
// CUDA_ERROR_NOT_READY means not done yet, not failed.
func driverQueryDone(err error) (bool, error) {
	var e *Error
	if errors.As(err, &e) && e.Code == driverResultNotReady {
		return false, nil
	}
	return err == nil, err
}

// eventCreate creates an event in the current context; one made without
// timing cannot be passed to eventElapsed but costs less to record.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__EVENT.html#group__CUDA__EVENT_1g450687e75f3ff992fe01662a43d9d3db
func (a *driverAPI) eventCreate(timing bool) (uintptr, error) {
	var flags uintptr
	if !timing {
		flags = driverEventDisableTiming
	}
	var e uintptr
	err := a.call("cuEventCreate", a.cuEventCreate, uintptr(unsafe.Pointer(&e)), flags)
	runtime.KeepAlive(&e)
	if err != nil {
		return 0, err
	}
	return e, nil
}

// eventDestroy destroys the event e.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__EVENT.html#group__CUDA__EVENT_1g593ec73a8ec5a5fc031311d3e4dca1ef
func (a *driverAPI) eventDestroy(e uintptr) error {
	return a.call("cuEventDestroy_v2", a.cuEventDestroy, e)
}

// eventRecord records the event e on stream: it completes when the work
// queued on stream before it is done.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__EVENT.html#group__CUDA__EVENT_1g95424d3be52c4eb95d83861b70fb89d1
func (a *driverAPI) eventRecord(e, stream uintptr) error {
	return a.call("cuEventRecord", a.cuEventRecord, e, stream)
}

// eventSynchronize waits until the event e completes.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__EVENT.html#group__CUDA__EVENT_1g9e520d34e51af7f5375610bca4add99c
func (a *driverAPI) eventSynchronize(e uintptr) error {
	return a.call("cuEventSynchronize", a.cuEventSynchronize, e)
}

// eventQuery reports whether the event e has completed, without waiting.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__EVENT.html#group__CUDA__EVENT_1g6f0704d755066b0ee705749ae911deef
func (a *driverAPI) eventQuery(e uintptr) (done bool, err error) {
	return driverQueryDone(a.call("cuEventQuery", a.cuEventQuery, e))
}

// eventElapsed returns the time between the completion of the events
// start and end, in milliseconds (about 0.5 µs resolution).
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__EVENT.html#group__CUDA__EVENT_1gdfb1178807353bbcaa9e245da497cf97
func (a *driverAPI) eventElapsed(start, end uintptr) (ms float32, err error) {
	err = a.call("cuEventElapsedTime", a.cuEventElapsedTime, uintptr(unsafe.Pointer(&ms)), start, end)
	runtime.KeepAlive(&ms)
	if err != nil {
		return 0, err
	}
	return ms, nil
}

// launchKernel queues the kernel fn on stream with the given grid (in
// blocks) and block (in threads) and sharedBytes of dynamic shared memory:
// cuLaunchKernel(fn, grid, block, sharedBytes, stream, params, NULL).
// params points to an array of pointers, one per kernel parameter, each
// to that parameter's bytes; nil when the kernel has none. The driver has
// copied the parameters when launchKernel returns; the caller keeps the
// array and what it points to alive until then. With a non-nil scratch s
// it allocates nothing.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__EXEC.html#group__CUDA__EXEC_1gb8f3dc3031b40da29d5f9a7139e52e15
func (a *driverAPI) launchKernel(s *driverScratch, fn uintptr, grid, block [3]uint32, sharedBytes uint32, stream uintptr, params unsafe.Pointer) error {
	if s == nil {
		s = new(driverScratch)
	}
	s.args = [11]uintptr{fn,
		uintptr(grid[0]), uintptr(grid[1]), uintptr(grid[2]),
		uintptr(block[0]), uintptr(block[1]), uintptr(block[2]),
		uintptr(sharedBytes), stream, uintptr(params), 0}
	return a.callArgs("cuLaunchKernel", a.cuLaunchKernel, s.args[:])
}

// errorName returns the driver's name for the code r, e.g.
// "CUDA_ERROR_NO_DEVICE", or "" when the driver does not know it. It works
// before init.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__ERROR.html#group__CUDA__ERROR_1g2c4ac087113652bb3d1f95bf2513c468
func (a *driverAPI) errorName(r Result) string {
	return a.errorText(a.cuGetErrorName, r)
}

// errorString returns the driver's description of the code r, e.g. "no
// CUDA-capable device is detected", or "" when the driver does not know
// it. It works before init.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__ERROR.html#group__CUDA__ERROR_1g72758fcaf05b5c7fac5c25ead9445ada
func (a *driverAPI) errorString(r Result) string {
	return a.errorText(a.cuGetErrorString, r)
}

// errorText calls cuGetErrorName or cuGetErrorString, fn, for r and
// returns the static string it points to, or "" when it fails.
func (a *driverAPI) errorText(fn uintptr, r Result) string {
	if fn == 0 {
		return ""
	}
	var p uintptr
	ret, _, _ := purego.SyscallN(fn, uintptr(r), uintptr(unsafe.Pointer(&p)))
	runtime.KeepAlive(&p)
	if int32(ret) != 0 {
		return ""
	}
	return dl.GoString(p)
}
