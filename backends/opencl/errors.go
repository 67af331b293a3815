package opencl

import (
	"strconv"
	"strings"

	"github.com/dotcompute/dc/runtime"
)

// Error is a failed OpenCL call: the function and the cl_int status code
// it returned.
type Error struct {
	Call   string // the OpenCL function, e.g. "clEnqueueNDRangeKernel"
	Code   int32  // the status code, e.g. -54
	Detail string // what was being done, when the call and code do not say; may be empty
}

// Error formats the error as "opencl: clEnqueueNDRangeKernel:
// CL_INVALID_WORK_GROUP_SIZE", followed by " (Detail)" when there is one.
func (e *Error) Error() string {
	s := "opencl: " + e.Call + ": " + CodeName(e.Code)
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

// Is reports whether target is an *Error with e's code and either no call
// or e's call, so errors.Is(err, &opencl.Error{Code: -54}) matches any
// CL_INVALID_WORK_GROUP_SIZE. The codes that say memory ran out
// (CL_MEM_OBJECT_ALLOCATION_FAILURE, CL_OUT_OF_RESOURCES,
// CL_OUT_OF_HOST_MEMORY) also match runtime.ErrOutOfMemory.
func (e *Error) Is(target error) bool {
	if target == runtime.ErrOutOfMemory {
		return e.Code == clMemObjectAllocFailure || e.Code == clOutOfResources || e.Code == clOutOfHostMemory
	}
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Call == "" || t.Call == e.Call)
}

// BuildError is a failed clBuildProgram: the OpenCL C of a module does not
// compile for a device. The generated source carries #line directives, so
// Log names the Go files and lines of the kernels.
type BuildError struct {
	Package string // the Go import path of the module
	Device  string // the device the build was for
	Code    int32  // clBuildProgram's status, usually CL_BUILD_PROGRAM_FAILURE (-11)
	Log     string // the build log, trailing white space removed
}

// Error formats the error as "opencl: clBuildProgram:
// CL_BUILD_PROGRAM_FAILURE: <log>".
func (e *BuildError) Error() string {
	s := "opencl: clBuildProgram: " + CodeName(e.Code)
	if e.Log != "" {
		s += ": " + e.Log
	}
	return s
}

// Unwrap returns the failed call as an *Error, for errors.As and errors.Is.
func (e *BuildError) Unwrap() error { return &Error{Call: "clBuildProgram", Code: e.Code} }

// CodeName returns the C name of an OpenCL status code, e.g.
// "CL_INVALID_WORK_GROUP_SIZE" for -54, or "CL_ERROR(-123)" for a code it
// does not know.
func CodeName(code int32) string {
	if name, ok := codeNames[code]; ok {
		return name
	}
	return "CL_ERROR(" + strconv.Itoa(int(code)) + ")"
}

// codeNames maps the status codes of OpenCL 3.0 and of the Khronos
// extensions an ICD loader reports to their C names.
//
// Reference: https://github.com/KhronosGroup/OpenCL-Headers/blob/main/CL/cl.h ("Error Codes")
// Reference: https://github.com/KhronosGroup/OpenCL-Headers/blob/main/CL/cl_ext.h (CL_PLATFORM_NOT_FOUND_KHR)
// Reference: https://registry.khronos.org/OpenCL/specs/3.0-unified/html/OpenCL_API.html#error_codes
var codeNames = map[int32]string{
	0:   "CL_SUCCESS",
	-1:  "CL_DEVICE_NOT_FOUND",
	-2:  "CL_DEVICE_NOT_AVAILABLE",
	-3:  "CL_COMPILER_NOT_AVAILABLE",
	-4:  "CL_MEM_OBJECT_ALLOCATION_FAILURE",
	-5:  "CL_OUT_OF_RESOURCES",
	-6:  "CL_OUT_OF_HOST_MEMORY",
	-7:  "CL_PROFILING_INFO_NOT_AVAILABLE",
	-8:  "CL_MEM_COPY_OVERLAP",
	-9:  "CL_IMAGE_FORMAT_MISMATCH",
	-10: "CL_IMAGE_FORMAT_NOT_SUPPORTED",
	-11: "CL_BUILD_PROGRAM_FAILURE",
	-12: "CL_MAP_FAILURE",
	-13: "CL_MISALIGNED_SUB_BUFFER_OFFSET",
	-14: "CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST",
	-15: "CL_COMPILE_PROGRAM_FAILURE",
	-16: "CL_LINKER_NOT_AVAILABLE",
	-17: "CL_LINK_PROGRAM_FAILURE",
	-18: "CL_DEVICE_PARTITION_FAILED",
	-19: "CL_KERNEL_ARG_INFO_NOT_AVAILABLE",
	-30: "CL_INVALID_VALUE",
	-31: "CL_INVALID_DEVICE_TYPE",
	-32: "CL_INVALID_PLATFORM",
	-33: "CL_INVALID_DEVICE",
	-34: "CL_INVALID_CONTEXT",
	-35: "CL_INVALID_QUEUE_PROPERTIES",
	-36: "CL_INVALID_COMMAND_QUEUE",
	-37: "CL_INVALID_HOST_PTR",
	-38: "CL_INVALID_MEM_OBJECT",
	-39: "CL_INVALID_IMAGE_FORMAT_DESCRIPTOR",
	-40: "CL_INVALID_IMAGE_SIZE",
	-41: "CL_INVALID_SAMPLER",
	-42: "CL_INVALID_BINARY",
	-43: "CL_INVALID_BUILD_OPTIONS",
	-44: "CL_INVALID_PROGRAM",
	-45: "CL_INVALID_PROGRAM_EXECUTABLE",
	-46: "CL_INVALID_KERNEL_NAME",
	-47: "CL_INVALID_KERNEL_DEFINITION",
	-48: "CL_INVALID_KERNEL",
	-49: "CL_INVALID_ARG_INDEX",
	-50: "CL_INVALID_ARG_VALUE",
	-51: "CL_INVALID_ARG_SIZE",
	-52: "CL_INVALID_KERNEL_ARGS",
	-53: "CL_INVALID_WORK_DIMENSION",
	-54: "CL_INVALID_WORK_GROUP_SIZE",
	-55: "CL_INVALID_WORK_ITEM_SIZE",
	-56: "CL_INVALID_GLOBAL_OFFSET",
	-57: "CL_INVALID_EVENT_WAIT_LIST",
	-58: "CL_INVALID_EVENT",
	-59: "CL_INVALID_OPERATION",
	-60: "CL_INVALID_GL_OBJECT",
	-61: "CL_INVALID_BUFFER_SIZE",
	-62: "CL_INVALID_MIP_LEVEL",
	-63: "CL_INVALID_GLOBAL_WORK_SIZE",
	-64: "CL_INVALID_PROPERTY",
	-65: "CL_INVALID_IMAGE_DESCRIPTOR",
	-66: "CL_INVALID_COMPILER_OPTIONS",
	-67: "CL_INVALID_LINKER_OPTIONS",
	-68: "CL_INVALID_DEVICE_PARTITION_COUNT",
	-69: "CL_INVALID_PIPE_SIZE",
	-70: "CL_INVALID_DEVICE_QUEUE",
	-71: "CL_INVALID_SPEC_ID",
	-72: "CL_MAX_SIZE_RESTRICTION_EXCEEDED",

	-1000: "CL_INVALID_GL_SHAREGROUP_REFERENCE_KHR",
	-1001: "CL_PLATFORM_NOT_FOUND_KHR",
	-1002: "CL_INVALID_D3D10_DEVICE_KHR",
	-1003: "CL_INVALID_D3D10_RESOURCE_KHR",
	-1004: "CL_D3D10_RESOURCE_ALREADY_ACQUIRED_KHR",
	-1005: "CL_D3D10_RESOURCE_NOT_ACQUIRED_KHR",
}

// trimLog removes the trailing white space and NULs of a build log.
func trimLog(s string) string {
	return strings.TrimRight(s, " \t\r\n\x00")
}
