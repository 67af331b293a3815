package opencl

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"unsafe"

	"github.com/dotcompute/dc/internal/dl"
	"github.com/ebitengine/purego"
)

// EnvLibrary is the environment variable naming the OpenCL library (a
// path) to load instead of the system's ICD loader.
const EnvLibrary = "DC_OPENCL_LIBRARY"

// ErrUnavailable is matched by errors.Is against the error Open and Devices
// return when OpenCL cannot be used on this machine: its library cannot be
// loaded, or there is no platform or no device.
var ErrUnavailable = errors.New("opencl: unavailable")

// unavailableError is an error matching ErrUnavailable.
type unavailableError struct {
	msg string
	err error // the failed OpenCL call, if any
}

func (e *unavailableError) Error() string        { return e.msg }
func (e *unavailableError) Is(target error) bool { return target == ErrUnavailable }
func (e *unavailableError) Unwrap() error        { return e.err }

// OpenCL constants, from CL/cl.h.
//
// Reference: https://github.com/KhronosGroup/OpenCL-Headers/blob/main/CL/cl.h
const (
	clSuccess                = 0
	clDeviceNotFound         = -1
	clMemObjectAllocFailure  = -4
	clOutOfResources         = -5
	clOutOfHostMemory        = -6
	clBuildProgramFailure    = -11
	clInvalidWorkGroupSize   = -54
	clInvalidBufferSize      = -61
	clInvalidGlobalWorkSize  = -63
	clPlatformNotFoundKHR    = -1001
	clTrue                   = 1
	clPlatformName           = 0x0902
	clDeviceTypeCPU          = 1 << 1
	clDeviceTypeGPU          = 1 << 2
	clDeviceTypeAccelerator  = 1 << 3
	clDeviceTypeAll          = 0xFFFFFFFF
	clDeviceType             = 0x1000
	clDeviceMaxWorkItemDims  = 0x1003
	clDeviceMaxWorkGroupSize = 0x1004
	clDeviceMaxWorkItemSizes = 0x1005
	clDeviceMaxMemAllocSize  = 0x1010
	clDeviceGlobalMemSize    = 0x101F
	clDeviceSingleFPConfig   = 0x101B
	clDeviceLocalMemSize     = 0x1023
	clDeviceName             = 0x102B
	clDeviceExtensions       = 0x1030
	clDeviceDoubleFPConfig   = 0x1032
	clDeviceOpenCLCVersion   = 0x103D
	clFPCorrectlyRoundedDiv  = 1 << 7 // CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT
	clMemReadWrite           = 1 << 0
	clDeviceMemBaseAddrAlign = 0x1019
	clBufferCreateTypeRegion = 0x1220
	clProgramBuildLog        = 0x1183
	clKernelWorkGroupSize    = 0x11B0
	clKernelLocalMemSize     = 0x11B2
	clEventExecutionStatus   = 0x11D3 // CL_EVENT_COMMAND_EXECUTION_STATUS
	clComplete               = 0x0
	clDeviceMaxComputeUnits  = 0x1002
	clDriverVersion          = 0x102D
	clDeviceVersion          = 0x102F
	clQueueProfilingEnable   = 1 << 1
	clProfilingQueued        = 0x1280 // CL_PROFILING_COMMAND_QUEUED
	clProfilingStart         = 0x1282 // CL_PROFILING_COMMAND_START
	clProfilingEnd           = 0x1283 // CL_PROFILING_COMMAND_END
)

// api is a loaded OpenCL library: the ICD loader, or a driver named by
// DC_OPENCL_LIBRARY.
type api struct {
	path string

	// The platforms' devices, enumerated once: the ICD loader and drivers
	// such as PoCL initialise themselves lazily and unsafely on the first
	// clGetPlatformIDs and clGetDeviceIDs calls of the process, so
	// concurrent first calls crash or see no device.
	enumOnce sync.Once
	descs    []DeviceDesc
	ids      []uintptr // cl_device_id of descs[i]
	enumErr  error

	getPlatformIDs          uintptr
	getPlatformInfo         uintptr
	getDeviceIDs            uintptr
	getDeviceInfo           uintptr
	createContext           uintptr
	createCommandQueue      uintptr
	createProgramWithSource uintptr
	buildProgram            uintptr
	getProgramBuildInfo     uintptr
	createKernel            uintptr
	setKernelArg            uintptr
	getKernelWorkGroupInfo  uintptr
	enqueueNDRangeKernel    uintptr
	createBuffer            uintptr
	createSubBuffer         uintptr // optional: OpenCL 1.1
	enqueueWriteBuffer      uintptr
	enqueueCopyBuffer       uintptr
	enqueueReadBuffer       uintptr
	enqueueFillBuffer       uintptr // optional: OpenCL 1.2
	finish                  uintptr
	flush                   uintptr
	enqueueMarkerWaitList   uintptr // optional: OpenCL 1.2
	enqueueMarker           uintptr // optional: deprecated in OpenCL 1.2
	getEventInfo            uintptr
	getEventProfilingInfo   uintptr
	releaseEvent            uintptr
	releaseMemObject        uintptr
	releaseKernel           uintptr
	releaseProgram          uintptr
	releaseCommandQueue     uintptr
	releaseContext          uintptr
}

var (
	apiMu sync.Mutex
	apis  = map[string]*api{} // by the list of paths tried
)

// loadAPI loads the OpenCL library named by DC_OPENCL_LIBRARY, or else the
// system's. It is safe for concurrent use: loading is serialized, and a
// success is cached. A failure is not, so a later call sees a library
// installed meanwhile; callers that race all try in turn and get the same
// error.
func loadAPI() (*api, error) {
	paths := defaultLibraries
	hint := installHint
	if p := os.Getenv(EnvLibrary); p != "" {
		paths = []string{p}
		hint = "named by " + EnvLibrary
	}
	if unsafe.Sizeof(uintptr(0)) < 8 {
		// cl_bitfield arguments are 64-bit: they would need two words each.
		return nil, &unavailableError{msg: "opencl: 32-bit platforms are not supported"}
	}
	key := strings.Join(paths, "\x00")
	apiMu.Lock()
	defer apiMu.Unlock()
	if a := apis[key]; a != nil {
		return a, nil
	}
	lib, err := dl.Open(paths...)
	if err != nil {
		return nil, &unavailableError{msg: fmt.Sprintf("opencl: cannot load %s (%s): %v", paths[0], hint, err)}
	}
	a, err := bind(lib)
	if err != nil {
		return nil, err
	}
	apis[key] = a
	return a, nil
}

// bind resolves the OpenCL functions of lib.
func bind(lib *dl.Library) (*api, error) {
	lib.Prefix = "opencl"
	a := &api{
		path:                    lib.Path(),
		getPlatformIDs:          lib.Sym("clGetPlatformIDs"),
		getPlatformInfo:         lib.Sym("clGetPlatformInfo"),
		getDeviceIDs:            lib.Sym("clGetDeviceIDs"),
		getDeviceInfo:           lib.Sym("clGetDeviceInfo"),
		createContext:           lib.Sym("clCreateContext"),
		createCommandQueue:      lib.Sym("clCreateCommandQueue"),
		createProgramWithSource: lib.Sym("clCreateProgramWithSource"),
		buildProgram:            lib.Sym("clBuildProgram"),
		getProgramBuildInfo:     lib.Sym("clGetProgramBuildInfo"),
		createKernel:            lib.Sym("clCreateKernel"),
		setKernelArg:            lib.Sym("clSetKernelArg"),
		getKernelWorkGroupInfo:  lib.Sym("clGetKernelWorkGroupInfo"),
		enqueueNDRangeKernel:    lib.Sym("clEnqueueNDRangeKernel"),
		createBuffer:            lib.Sym("clCreateBuffer"),
		createSubBuffer:         lib.OptSym("clCreateSubBuffer"),
		enqueueWriteBuffer:      lib.Sym("clEnqueueWriteBuffer"),
		enqueueCopyBuffer:       lib.Sym("clEnqueueCopyBuffer"),
		enqueueReadBuffer:       lib.Sym("clEnqueueReadBuffer"),
		enqueueFillBuffer:       lib.OptSym("clEnqueueFillBuffer"),
		finish:                  lib.Sym("clFinish"),
		flush:                   lib.Sym("clFlush"),
		enqueueMarkerWaitList:   lib.OptSym("clEnqueueMarkerWithWaitList"),
		enqueueMarker:           lib.OptSym("clEnqueueMarker"),
		getEventInfo:            lib.Sym("clGetEventInfo"),
		getEventProfilingInfo:   lib.Sym("clGetEventProfilingInfo"),
		releaseEvent:            lib.Sym("clReleaseEvent"),
		releaseMemObject:        lib.Sym("clReleaseMemObject"),
		releaseKernel:           lib.Sym("clReleaseKernel"),
		releaseProgram:          lib.Sym("clReleaseProgram"),
		releaseCommandQueue:     lib.Sym("clReleaseCommandQueue"),
		releaseContext:          lib.Sym("clReleaseContext"),
	}
	if err := lib.Err(); err != nil {
		return nil, err
	}
	return a, nil
}

// check turns the cl_int status r that function call returned into an
// error. The status is the low 32 bits of r, sign-extended.
func check(call string, r uintptr) error {
	if code := int32(r); code != clSuccess {
		return &Error{Call: call, Code: code}
	}
	return nil
}

// platformIDs returns the platforms. No platform is an error matching
// ErrUnavailable.
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clGetPlatformIDs.html
func (a *api) platformIDs() ([]uintptr, error) {
	var n uint32
	r, _, _ := purego.SyscallN(a.getPlatformIDs, 0, 0, uintptr(unsafe.Pointer(&n)))
	if code := int32(r); code == clPlatformNotFoundKHR || (code == clSuccess && n == 0) {
		return nil, &unavailableError{
			msg: fmt.Sprintf("opencl: no OpenCL platform (clGetPlatformIDs: %s, %d platforms): install an OpenCL driver such as pocl-opencl-icd", CodeName(code), n),
			err: check("clGetPlatformIDs", r),
		}
	}
	if err := check("clGetPlatformIDs", r); err != nil {
		return nil, err
	}
	ids := make([]uintptr, n)
	r, _, _ = purego.SyscallN(a.getPlatformIDs, uintptr(n), uintptr(unsafe.Pointer(&ids[0])), uintptr(unsafe.Pointer(&n)))
	if err := check("clGetPlatformIDs", r); err != nil {
		return nil, err
	}
	return ids[:min(int(n), len(ids))], nil
}

// platformName returns the name of platform p.
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clGetPlatformInfo.html
func (a *api) platformName(p uintptr) (string, error) {
	var size uintptr
	r, _, _ := purego.SyscallN(a.getPlatformInfo, p, clPlatformName, 0, 0, uintptr(unsafe.Pointer(&size)))
	if err := check("clGetPlatformInfo", r); err != nil {
		return "", err
	}
	if size == 0 {
		return "", nil
	}
	buf := make([]byte, size)
	r, _, _ = purego.SyscallN(a.getPlatformInfo, p, clPlatformName, size, uintptr(unsafe.Pointer(&buf[0])), 0)
	if err := check("clGetPlatformInfo", r); err != nil {
		return "", err
	}
	return strings.TrimSpace(dl.GoStringN(buf)), nil
}

// deviceIDs returns the devices of every type of platform p; none is not
// an error.
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clGetDeviceIDs.html
func (a *api) deviceIDs(p uintptr) ([]uintptr, error) {
	var n uint32
	r, _, _ := purego.SyscallN(a.getDeviceIDs, p, clDeviceTypeAll, 0, 0, uintptr(unsafe.Pointer(&n)))
	if int32(r) == clDeviceNotFound || (int32(r) == clSuccess && n == 0) {
		return nil, nil
	}
	if err := check("clGetDeviceIDs", r); err != nil {
		return nil, err
	}
	ids := make([]uintptr, n)
	r, _, _ = purego.SyscallN(a.getDeviceIDs, p, clDeviceTypeAll, uintptr(n), uintptr(unsafe.Pointer(&ids[0])), uintptr(unsafe.Pointer(&n)))
	if err := check("clGetDeviceIDs", r); err != nil {
		return nil, err
	}
	return ids[:min(int(n), len(ids))], nil
}

// deviceInfo copies size bytes of the device property param into dst.
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clGetDeviceInfo.html
func (a *api) deviceInfo(d uintptr, param uint32, dst unsafe.Pointer, size uintptr) error {
	r, _, _ := purego.SyscallN(a.getDeviceInfo, d, uintptr(param), size, uintptr(dst), 0)
	return check("clGetDeviceInfo", r)
}

// deviceUint64 returns a cl_ulong (or cl_bitfield) device property.
func (a *api) deviceUint64(d uintptr, param uint32) (uint64, error) {
	var v uint64
	err := a.deviceInfo(d, param, unsafe.Pointer(&v), unsafe.Sizeof(v))
	return v, err
}

// deviceUint32 returns a cl_uint device property.
func (a *api) deviceUint32(d uintptr, param uint32) (uint32, error) {
	var v uint32
	err := a.deviceInfo(d, param, unsafe.Pointer(&v), unsafe.Sizeof(v))
	return v, err
}

// deviceSize returns a size_t device property.
func (a *api) deviceSize(d uintptr, param uint32) (uintptr, error) {
	var v uintptr
	err := a.deviceInfo(d, param, unsafe.Pointer(&v), unsafe.Sizeof(v))
	return v, err
}

// deviceSizes returns a size_t[] device property of n elements.
func (a *api) deviceSizes(d uintptr, param uint32, n int) ([]uintptr, error) {
	v := make([]uintptr, n)
	err := a.deviceInfo(d, param, unsafe.Pointer(&v[0]), uintptr(n)*unsafe.Sizeof(v[0]))
	return v, err
}

// deviceString returns a char[] device property.
func (a *api) deviceString(d uintptr, param uint32) (string, error) {
	var size uintptr
	r, _, _ := purego.SyscallN(a.getDeviceInfo, d, uintptr(param), 0, 0, uintptr(unsafe.Pointer(&size)))
	if err := check("clGetDeviceInfo", r); err != nil {
		return "", err
	}
	if size == 0 {
		return "", nil
	}
	buf := make([]byte, size)
	if err := a.deviceInfo(d, param, unsafe.Pointer(&buf[0]), size); err != nil {
		return "", err
	}
	return strings.TrimSpace(dl.GoStringN(buf)), nil
}

// newContext creates a context holding the one device d.
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clCreateContext.html
func (a *api) newContext(d uintptr) (uintptr, error) {
	devs := [1]uintptr{d}
	var code int32
	ctx, _, _ := purego.SyscallN(a.createContext, 0, 1, uintptr(unsafe.Pointer(&devs[0])), 0, 0, uintptr(unsafe.Pointer(&code)))
	if err := check("clCreateContext", uintptr(code)); err != nil {
		return 0, err
	}
	return ctx, nil
}

// newQueue creates an in-order command queue for device d.
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clCreateCommandQueue.html
func (a *api) newQueue(ctx, d uintptr) (uintptr, error) { return a.newQueueProps(ctx, d, 0) }

// newQueueProps creates an in-order command queue for device d with the
// cl_command_queue_properties props (CL_QUEUE_PROFILING_ENABLE).
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clCreateCommandQueue.html
func (a *api) newQueueProps(ctx, d uintptr, props uint64) (uintptr, error) {
	var code int32
	q, _, _ := purego.SyscallN(a.createCommandQueue, ctx, d, uintptr(props), uintptr(unsafe.Pointer(&code)))
	if err := check("clCreateCommandQueue", uintptr(code)); err != nil {
		return 0, err
	}
	return q, nil
}

// newProgram creates a program from OpenCL C source.
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clCreateProgramWithSource.html
func (a *api) newProgram(ctx uintptr, src string) (uintptr, error) {
	if src == "" {
		return 0, errors.New("opencl: empty program source")
	}
	text := []byte(src)
	strs := [1]*byte{&text[0]}
	lens := [1]uintptr{uintptr(len(text))}
	var code int32
	p, _, _ := purego.SyscallN(a.createProgramWithSource, ctx, 1, uintptr(unsafe.Pointer(&strs[0])), uintptr(unsafe.Pointer(&lens[0])), uintptr(unsafe.Pointer(&code)))
	runtime.KeepAlive(text)
	if err := check("clCreateProgramWithSource", uintptr(code)); err != nil {
		return 0, err
	}
	return p, nil
}

// build builds program p for device d with options and returns the
// status code of clBuildProgram.
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clBuildProgram.html
func (a *api) build(p, d uintptr, options string) int32 {
	devs := [1]uintptr{d}
	opts := dl.CString(options)
	r, _, _ := purego.SyscallN(a.buildProgram, p, 1, uintptr(unsafe.Pointer(&devs[0])), uintptr(unsafe.Pointer(&opts[0])), 0, 0)
	runtime.KeepAlive(opts)
	return int32(r)
}

// buildLog returns the build log of program p for device d, its trailing
// white space removed.
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clGetProgramBuildInfo.html
func (a *api) buildLog(p, d uintptr) (string, error) {
	var size uintptr
	r, _, _ := purego.SyscallN(a.getProgramBuildInfo, p, d, clProgramBuildLog, 0, 0, uintptr(unsafe.Pointer(&size)))
	if err := check("clGetProgramBuildInfo", r); err != nil {
		return "", err
	}
	if size == 0 {
		return "", nil
	}
	buf := make([]byte, size)
	r, _, _ = purego.SyscallN(a.getProgramBuildInfo, p, d, clProgramBuildLog, size, uintptr(unsafe.Pointer(&buf[0])), 0)
	if err := check("clGetProgramBuildInfo", r); err != nil {
		return "", err
	}
	return trimLog(dl.GoStringN(buf)), nil
}

// newKernel creates the kernel object of the entry point name of program p.
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clCreateKernel.html
func (a *api) newKernel(p uintptr, name string) (uintptr, error) {
	cname := dl.CString(name)
	var code int32
	k, _, _ := purego.SyscallN(a.createKernel, p, uintptr(unsafe.Pointer(&cname[0])), uintptr(unsafe.Pointer(&code)))
	runtime.KeepAlive(cname)
	if code != clSuccess {
		return 0, &Error{Call: "clCreateKernel", Code: code, Detail: "entry point " + name}
	}
	return k, nil
}

// kernelWorkGroupInfo returns a size_t (or, with size 8, cl_ulong)
// property of kernel k on device d.
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clGetKernelWorkGroupInfo.html
func (a *api) kernelWorkGroupInfo(k, d uintptr, param uint32, size uintptr) (uint64, error) {
	var v uint64 // large enough for size_t and cl_ulong; little-endian
	r, _, _ := purego.SyscallN(a.getKernelWorkGroupInfo, k, d, uintptr(param), size, uintptr(unsafe.Pointer(&v)), 0)
	if err := check("clGetKernelWorkGroupInfo", r); err != nil {
		return 0, err
	}
	return v, nil
}

// setArg sets argument i of kernel k to the size bytes at value.
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clSetKernelArg.html
func (a *api) setArg(k uintptr, i int, size uintptr, value unsafe.Pointer) error {
	r, _, _ := purego.SyscallN(a.setKernelArg, k, uintptr(i), size, uintptr(value))
	return check("clSetKernelArg", r)
}

// enqueueKernel enqueues kernel k over a 3-dimensional range and returns
// the launch's event, which the caller releases.
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clEnqueueNDRangeKernel.html
func (a *api) enqueueKernel(q, k uintptr, global, local *[3]uintptr) (uintptr, error) {
	var ev uintptr
	r, _, _ := purego.SyscallN(a.enqueueNDRangeKernel, q, k, 3, 0, uintptr(unsafe.Pointer(global)), uintptr(unsafe.Pointer(local)), 0, 0, uintptr(unsafe.Pointer(&ev)))
	if err := check("clEnqueueNDRangeKernel", r); err != nil {
		return 0, err
	}
	return ev, nil
}

// newBuffer creates a read-write buffer of size bytes.
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clCreateBuffer.html
func (a *api) newBuffer(ctx uintptr, size uintptr) (uintptr, error) {
	var code int32
	m, _, _ := purego.SyscallN(a.createBuffer, ctx, clMemReadWrite, size, 0, uintptr(unsafe.Pointer(&code)))
	if err := check("clCreateBuffer", uintptr(code)); err != nil {
		return 0, err
	}
	return m, nil
}

// fillZero enqueues setting size bytes of buffer m to zero.
func (a *api) fillZero(q, m uintptr, size uintptr) error {
	return a.fill(q, m, []byte{0}, 0, size)
}

// fill enqueues setting size bytes of buffer m at offset to copies of
// pattern. The pattern is copied before clEnqueueFillBuffer returns.
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clEnqueueFillBuffer.html
func (a *api) fill(q, m uintptr, pattern []byte, offset, size uintptr) error {
	if a.enqueueFillBuffer == 0 {
		return fmt.Errorf("opencl: clEnqueueFillBuffer is missing in %s: %w", a.path, errors.ErrUnsupported)
	}
	r, _, _ := purego.SyscallN(a.enqueueFillBuffer, q, m, uintptr(unsafe.Pointer(&pattern[0])), uintptr(len(pattern)), offset, size, 0, 0, 0)
	runtime.KeepAlive(pattern)
	return check("clEnqueueFillBuffer", r)
}

// newSubBuffer creates a sub-buffer of buffer m: size bytes at origin.
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clCreateSubBuffer.html
func (a *api) newSubBuffer(m uintptr, origin, size uintptr) (uintptr, error) {
	if a.createSubBuffer == 0 {
		return 0, fmt.Errorf("opencl: clCreateSubBuffer is missing in %s: %w", a.path, errors.ErrUnsupported)
	}
	region := [2]uintptr{origin, size}
	var code int32
	sub, _, _ := purego.SyscallN(a.createSubBuffer, m, 0, clBufferCreateTypeRegion, uintptr(unsafe.Pointer(&region)), uintptr(unsafe.Pointer(&code)))
	runtime.KeepAlive(&region)
	if err := check("clCreateSubBuffer", uintptr(code)); err != nil {
		return 0, err
	}
	return sub, nil
}

// write copies src to buffer m at offset, blocking until the copy is done.
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clEnqueueWriteBuffer.html
func (a *api) write(q, m uintptr, offset int64, src []byte) error {
	r, _, _ := purego.SyscallN(a.enqueueWriteBuffer, q, m, clTrue, uintptr(offset), uintptr(len(src)), uintptr(unsafe.Pointer(&src[0])), 0, 0, 0)
	runtime.KeepAlive(src)
	return check("clEnqueueWriteBuffer", r)
}

// copyBuffer enqueues a copy of size bytes from buffer src at srcOffset to
// buffer dst at dstOffset, in queue order.
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clEnqueueCopyBuffer.html
func (a *api) copyBuffer(q, src, dst uintptr, srcOffset, dstOffset int64, size uintptr) error {
	r, _, _ := purego.SyscallN(a.enqueueCopyBuffer, q, src, dst, uintptr(srcOffset), uintptr(dstOffset), size, 0, 0, 0)
	return check("clEnqueueCopyBuffer", r)
}

// read copies buffer m at offset into dst, blocking until the copy is
// done.
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clEnqueueReadBuffer.html
func (a *api) read(q, m uintptr, offset int64, dst []byte) error {
	r, _, _ := purego.SyscallN(a.enqueueReadBuffer, q, m, clTrue, uintptr(offset), uintptr(len(dst)), uintptr(unsafe.Pointer(&dst[0])), 0, 0, 0)
	runtime.KeepAlive(dst)
	return check("clEnqueueReadBuffer", r)
}

// finishQueue waits for the commands of queue q.
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clFinish.html
func (a *api) finishQueue(q uintptr) error {
	r, _, _ := purego.SyscallN(a.finish, q)
	return check("clFinish", r)
}

// flushQueue submits the commands of queue q to the device.
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clFlush.html
func (a *api) flushQueue(q uintptr) error {
	r, _, _ := purego.SyscallN(a.flush, q)
	return check("clFlush", r)
}

// marker enqueues a marker on queue q, an event that completes once every
// command enqueued before it has.
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clEnqueueMarkerWithWaitList.html
// Reference: https://registry.khronos.org/OpenCL/sdk/1.1/docs/man/xhtml/clEnqueueMarker.html
func (a *api) marker(q uintptr) (uintptr, error) {
	var ev uintptr
	switch {
	case a.enqueueMarkerWaitList != 0:
		r, _, _ := purego.SyscallN(a.enqueueMarkerWaitList, q, 0, 0, uintptr(unsafe.Pointer(&ev)))
		return ev, check("clEnqueueMarkerWithWaitList", r)
	case a.enqueueMarker != 0:
		r, _, _ := purego.SyscallN(a.enqueueMarker, q, uintptr(unsafe.Pointer(&ev)))
		return ev, check("clEnqueueMarker", r)
	}
	return 0, errors.New("opencl: neither clEnqueueMarkerWithWaitList nor clEnqueueMarker is in " + a.path)
}

// eventStatus returns the CL_EVENT_COMMAND_EXECUTION_STATUS of event e:
// CL_COMPLETE (0) once it has completed, a negative error code if it
// failed, a positive value while it is queued, submitted or running.
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clGetEventInfo.html
func (a *api) eventStatus(e uintptr) (int32, error) {
	var status int32
	r, _, _ := purego.SyscallN(a.getEventInfo, e, clEventExecutionStatus, unsafe.Sizeof(status), uintptr(unsafe.Pointer(&status)), 0)
	return status, check("clGetEventInfo", r)
}

// eventTime returns the device time in nanoseconds of the profiling
// point param (CL_PROFILING_COMMAND_QUEUED, _START or _END) of event e,
// which must come from a queue created with CL_QUEUE_PROFILING_ENABLE.
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clGetEventProfilingInfo.html
func (a *api) eventTime(e uintptr, param uint32) (uint64, error) {
	var t uint64
	r, _, _ := purego.SyscallN(a.getEventProfilingInfo, e, uintptr(param), unsafe.Sizeof(t), uintptr(unsafe.Pointer(&t)), 0)
	return t, check("clGetEventProfilingInfo", r)
}

// release calls the clRelease function fn (one of a's release fields),
// named call, on object o.
//
// Reference: https://registry.khronos.org/OpenCL/sdk/3.0/docs/man/html/clReleaseMemObject.html
func (a *api) release(call string, fn, o uintptr) error {
	r, _, _ := purego.SyscallN(fn, o)
	return check(call, r)
}
