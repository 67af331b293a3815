package cuda

import (
	"strconv"

	"github.com/dotcompute/dc/runtime"
)

// Result is a CUresult, the status code of a CUDA driver API call.
//
// A Result is itself an error, "cuda: CUDA_ERROR_NO_DEVICE", so the
// sentinels below are Results and errors.Is matches an *Error against them.
type Result int32

// String returns the C name of the status, e.g. CUDA_ERROR_NO_DEVICE, or
// "CUresult(N)" for a code that CUDA 12 does not define.
func (r Result) String() string {
	if name, ok := resultNames[r]; ok {
		return name
	}
	return "CUresult(" + strconv.Itoa(int(r)) + ")"
}

// Error returns the status name with the package prefix, so that a Result
// can serve as an errors.Is sentinel.
func (r Result) Error() string { return "cuda: " + r.String() }

// Sticky reports whether r is an error after which the process's CUDA
// context is unusable: every later call returns the same error, and only a
// new process can use CUDA again. These are the codes whose cuda.h
// documentation says "This leaves the process in an inconsistent state and
// any further CUDA work will return the same error. To continue using
// CUDA, the process must be terminated and relaunched" (illegal address,
// launch timeout, hardware stack error, illegal instruction, misaligned
// address, invalid address space, invalid PC, launch failed, tensor memory
// leak, contained, external device), "The context cannot be used anymore,
// and must be destroyed" (a device-side assert) or, for a terminated MPS
// client, "the process must be terminated and relaunched". cuda.h says no
// such thing of CUDA_ERROR_ECC_UNCORRECTABLE or CUDA_ERROR_UNKNOWN, so they
// are not sticky here.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__TYPES.html#group__CUDA__TYPES_1gc6c391505e117393cc2558fff6bfc2e9
func (r Result) Sticky() bool {
	switch r {
	case 226, // CUDA_ERROR_CONTAINED
		700, // CUDA_ERROR_ILLEGAL_ADDRESS
		702, // CUDA_ERROR_LAUNCH_TIMEOUT
		710, // CUDA_ERROR_ASSERT
		714, // CUDA_ERROR_HARDWARE_STACK_ERROR
		715, // CUDA_ERROR_ILLEGAL_INSTRUCTION
		716, // CUDA_ERROR_MISALIGNED_ADDRESS
		717, // CUDA_ERROR_INVALID_ADDRESS_SPACE
		718, // CUDA_ERROR_INVALID_PC
		719, // CUDA_ERROR_LAUNCH_FAILED
		721, // CUDA_ERROR_TENSOR_MEMORY_LEAK
		810, // CUDA_ERROR_MPS_CLIENT_TERMINATED
		911: // CUDA_ERROR_EXTERNAL_DEVICE
		return true
	}
	return false
}

// resultNames maps every CUresult of cuda.h in CUDA 12.0 to 12.9 to its C
// name.
//
// Reference: https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__TYPES.html#group__CUDA__TYPES_1gc6c391505e117393cc2558fff6bfc2e9
var resultNames = map[Result]string{
	0:   "CUDA_SUCCESS",
	1:   "CUDA_ERROR_INVALID_VALUE",
	2:   "CUDA_ERROR_OUT_OF_MEMORY",
	3:   "CUDA_ERROR_NOT_INITIALIZED",
	4:   "CUDA_ERROR_DEINITIALIZED",
	5:   "CUDA_ERROR_PROFILER_DISABLED",
	6:   "CUDA_ERROR_PROFILER_NOT_INITIALIZED",
	7:   "CUDA_ERROR_PROFILER_ALREADY_STARTED",
	8:   "CUDA_ERROR_PROFILER_ALREADY_STOPPED",
	34:  "CUDA_ERROR_STUB_LIBRARY",
	46:  "CUDA_ERROR_DEVICE_UNAVAILABLE",
	100: "CUDA_ERROR_NO_DEVICE",
	101: "CUDA_ERROR_INVALID_DEVICE",
	102: "CUDA_ERROR_DEVICE_NOT_LICENSED",
	200: "CUDA_ERROR_INVALID_IMAGE",
	201: "CUDA_ERROR_INVALID_CONTEXT",
	202: "CUDA_ERROR_CONTEXT_ALREADY_CURRENT",
	205: "CUDA_ERROR_MAP_FAILED",
	206: "CUDA_ERROR_UNMAP_FAILED",
	207: "CUDA_ERROR_ARRAY_IS_MAPPED",
	208: "CUDA_ERROR_ALREADY_MAPPED",
	209: "CUDA_ERROR_NO_BINARY_FOR_GPU",
	210: "CUDA_ERROR_ALREADY_ACQUIRED",
	211: "CUDA_ERROR_NOT_MAPPED",
	212: "CUDA_ERROR_NOT_MAPPED_AS_ARRAY",
	213: "CUDA_ERROR_NOT_MAPPED_AS_POINTER",
	214: "CUDA_ERROR_ECC_UNCORRECTABLE",
	215: "CUDA_ERROR_UNSUPPORTED_LIMIT",
	216: "CUDA_ERROR_CONTEXT_ALREADY_IN_USE",
	217: "CUDA_ERROR_PEER_ACCESS_UNSUPPORTED",
	218: "CUDA_ERROR_INVALID_PTX",
	219: "CUDA_ERROR_INVALID_GRAPHICS_CONTEXT",
	220: "CUDA_ERROR_NVLINK_UNCORRECTABLE",
	221: "CUDA_ERROR_JIT_COMPILER_NOT_FOUND",
	222: "CUDA_ERROR_UNSUPPORTED_PTX_VERSION",
	223: "CUDA_ERROR_JIT_COMPILATION_DISABLED",
	224: "CUDA_ERROR_UNSUPPORTED_EXEC_AFFINITY",
	225: "CUDA_ERROR_UNSUPPORTED_DEVSIDE_SYNC",
	226: "CUDA_ERROR_CONTAINED",
	300: "CUDA_ERROR_INVALID_SOURCE",
	301: "CUDA_ERROR_FILE_NOT_FOUND",
	302: "CUDA_ERROR_SHARED_OBJECT_SYMBOL_NOT_FOUND",
	303: "CUDA_ERROR_SHARED_OBJECT_INIT_FAILED",
	304: "CUDA_ERROR_OPERATING_SYSTEM",
	400: "CUDA_ERROR_INVALID_HANDLE",
	401: "CUDA_ERROR_ILLEGAL_STATE",
	402: "CUDA_ERROR_LOSSY_QUERY",
	500: "CUDA_ERROR_NOT_FOUND",
	600: "CUDA_ERROR_NOT_READY",
	700: "CUDA_ERROR_ILLEGAL_ADDRESS",
	701: "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES",
	702: "CUDA_ERROR_LAUNCH_TIMEOUT",
	703: "CUDA_ERROR_LAUNCH_INCOMPATIBLE_TEXTURING",
	704: "CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED",
	705: "CUDA_ERROR_PEER_ACCESS_NOT_ENABLED",
	708: "CUDA_ERROR_PRIMARY_CONTEXT_ACTIVE",
	709: "CUDA_ERROR_CONTEXT_IS_DESTROYED",
	710: "CUDA_ERROR_ASSERT",
	711: "CUDA_ERROR_TOO_MANY_PEERS",
	712: "CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED",
	713: "CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED",
	714: "CUDA_ERROR_HARDWARE_STACK_ERROR",
	715: "CUDA_ERROR_ILLEGAL_INSTRUCTION",
	716: "CUDA_ERROR_MISALIGNED_ADDRESS",
	717: "CUDA_ERROR_INVALID_ADDRESS_SPACE",
	718: "CUDA_ERROR_INVALID_PC",
	719: "CUDA_ERROR_LAUNCH_FAILED",
	720: "CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE",
	721: "CUDA_ERROR_TENSOR_MEMORY_LEAK",
	800: "CUDA_ERROR_NOT_PERMITTED",
	801: "CUDA_ERROR_NOT_SUPPORTED",
	802: "CUDA_ERROR_SYSTEM_NOT_READY",
	803: "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH",
	804: "CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE",
	805: "CUDA_ERROR_MPS_CONNECTION_FAILED",
	806: "CUDA_ERROR_MPS_RPC_FAILURE",
	807: "CUDA_ERROR_MPS_SERVER_NOT_READY",
	808: "CUDA_ERROR_MPS_MAX_CLIENTS_REACHED",
	809: "CUDA_ERROR_MPS_MAX_CONNECTIONS_REACHED",
	810: "CUDA_ERROR_MPS_CLIENT_TERMINATED",
	811: "CUDA_ERROR_CDP_NOT_SUPPORTED",
	812: "CUDA_ERROR_CDP_VERSION_MISMATCH",
	900: "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED",
	901: "CUDA_ERROR_STREAM_CAPTURE_INVALIDATED",
	902: "CUDA_ERROR_STREAM_CAPTURE_MERGE",
	903: "CUDA_ERROR_STREAM_CAPTURE_UNMATCHED",
	904: "CUDA_ERROR_STREAM_CAPTURE_UNJOINED",
	905: "CUDA_ERROR_STREAM_CAPTURE_ISOLATION",
	906: "CUDA_ERROR_STREAM_CAPTURE_IMPLICIT",
	907: "CUDA_ERROR_CAPTURED_EVENT",
	908: "CUDA_ERROR_STREAM_CAPTURE_WRONG_THREAD",
	909: "CUDA_ERROR_TIMEOUT",
	910: "CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE",
	911: "CUDA_ERROR_EXTERNAL_DEVICE",
	912: "CUDA_ERROR_INVALID_CLUSTER_SIZE",
	913: "CUDA_ERROR_FUNCTION_NOT_LOADED",
	914: "CUDA_ERROR_INVALID_RESOURCE_TYPE",
	915: "CUDA_ERROR_INVALID_RESOURCE_CONFIGURATION",
	916: "CUDA_ERROR_KEY_ROTATION",
	999: "CUDA_ERROR_UNKNOWN",
}

// Sentinels matched by errors.Is against an *Error with the same code.
var (
	// ErrNoDevice is CUDA_ERROR_NO_DEVICE: the driver found no CUDA GPU,
	// which is what cuInit returns on a machine without one.
	ErrNoDevice error = Result(100)
	// ErrOutOfMemory is CUDA_ERROR_OUT_OF_MEMORY. An *Error with this code
	// also matches runtime.ErrOutOfMemory.
	ErrOutOfMemory error = Result(2)
	// ErrIllegalAddress is CUDA_ERROR_ILLEGAL_ADDRESS: a kernel loaded or
	// stored outside any allocation. It is sticky.
	ErrIllegalAddress error = Result(700)
	// ErrLaunchFailed is CUDA_ERROR_LAUNCH_FAILED: a kernel raised an
	// exception on the device. It is sticky.
	ErrLaunchFailed error = Result(719)
	// ErrNoBinaryForGPU is CUDA_ERROR_NO_BINARY_FOR_GPU: a module has no
	// code for the device's architecture.
	ErrNoBinaryForGPU error = Result(209)
	// ErrInvalidPTX is CUDA_ERROR_INVALID_PTX: the PTX JIT compilation of a
	// module failed; the *Error's Log says why.
	ErrInvalidPTX error = Result(218)
	// ErrUnsupportedPTXVersion is CUDA_ERROR_UNSUPPORTED_PTX_VERSION: the
	// PTX was made by a toolkit newer than the driver.
	ErrUnsupportedPTXVersion error = Result(222)
	// ErrInvalidImage is CUDA_ERROR_INVALID_IMAGE: a module image is
	// neither valid CUBIN nor PTX.
	ErrInvalidImage error = Result(200)
	// ErrNotInitialized is CUDA_ERROR_NOT_INITIALIZED: a call before a
	// successful cuInit.
	ErrNotInitialized error = Result(3)
)

// Error is a failed CUDA driver API call.
type Error struct {
	Call string // the driver function, e.g. "cuLaunchKernel"
	Code Result // the status it returned
	// Detail says what the call was doing, e.g. "kernel Saxpy"; it may be
	// empty. For a code newer than this package's table it starts with the
	// driver's own name for the code.
	Detail string
	Log    string // the JIT error log of a module load; may be empty
}

// Error formats the error as "cuda: cuLaunchKernel:
// CUDA_ERROR_INVALID_VALUE", followed by ": Detail" when there is a
// detail and by the log on the next lines when there is one.
func (e *Error) Error() string {
	s := "cuda: " + e.Call + ": " + e.Code.String()
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Log != "" {
		s += "\n" + e.Log
	}
	return s
}

// Is reports whether target is the Result sentinel (such as ErrNoDevice)
// for e's code, or runtime.ErrOutOfMemory when e's code is
// CUDA_ERROR_OUT_OF_MEMORY.
func (e *Error) Is(target error) bool {
	if target == runtime.ErrOutOfMemory {
		return e.Code == 2
	}
	r, ok := target.(Result)
	return ok && r == e.Code
}
