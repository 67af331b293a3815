package metal

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/dotcompute/dc/runtime"
)

// Code is the code of an NSError that Metal reported. In the command
// buffer error domain it is an MTLCommandBufferError, and the constants
// below name those codes.
type Code int64

// The MTLCommandBufferError codes: why a command buffer failed.
//
// Reference: https://developer.apple.com/documentation/metal/mtlcommandbuffererror/code
const (
	CommandBufferErrorNone            Code = 0
	CommandBufferErrorInternal        Code = 1
	CommandBufferErrorTimeout         Code = 2
	CommandBufferErrorPageFault       Code = 3
	CommandBufferErrorAccessRevoked   Code = 4
	CommandBufferErrorNotPermitted    Code = 7
	CommandBufferErrorOutOfMemory     Code = 8
	CommandBufferErrorInvalidResource Code = 9
	CommandBufferErrorMemoryless      Code = 10
	CommandBufferErrorDeviceRemoved   Code = 11
	CommandBufferErrorStackOverflow   Code = 12
)

// CommandBufferErrorDomain is the NSError domain of a failed command
// buffer's error.
const CommandBufferErrorDomain = "MTLCommandBufferErrorDomain"

var commandBufferCodeNames = map[Code]string{
	CommandBufferErrorNone:            "MTLCommandBufferErrorNone",
	CommandBufferErrorInternal:        "MTLCommandBufferErrorInternal",
	CommandBufferErrorTimeout:         "MTLCommandBufferErrorTimeout",
	CommandBufferErrorPageFault:       "MTLCommandBufferErrorPageFault",
	CommandBufferErrorAccessRevoked:   "MTLCommandBufferErrorAccessRevoked",
	CommandBufferErrorNotPermitted:    "MTLCommandBufferErrorNotPermitted",
	CommandBufferErrorOutOfMemory:     "MTLCommandBufferErrorOutOfMemory",
	CommandBufferErrorInvalidResource: "MTLCommandBufferErrorInvalidResource",
	CommandBufferErrorMemoryless:      "MTLCommandBufferErrorMemoryless",
	CommandBufferErrorDeviceRemoved:   "MTLCommandBufferErrorDeviceRemoved",
	CommandBufferErrorStackOverflow:   "MTLCommandBufferErrorStackOverflow",
}

// CodeName returns the name of code in domain: the MTLCommandBufferError
// constant's name in the command buffer domain ("MTLCommandBufferErrorPageFault"),
// otherwise "<domain> error <code>".
func CodeName(domain string, code Code) string {
	if domain == CommandBufferErrorDomain {
		if name, ok := commandBufferCodeNames[code]; ok {
			return name
		}
	}
	if domain == "" {
		domain = "Metal"
	}
	return domain + " error " + strconv.FormatInt(int64(code), 10)
}

// Error is a failed Metal call or command buffer: what failed, and the
// NSError Metal reported, if any.
type Error struct {
	Call   string // what failed, e.g. "MTLCommandBuffer" or "newComputePipelineStateWithFunction:error:"
	Domain string // the NSError's domain; empty without an NSError
	Code   Code   // the NSError's code
	Detail string // the NSError's localizedDescription, or what was being done
}

// Error formats the error as "metal: MTLCommandBuffer:
// MTLCommandBufferErrorPageFault: <detail>".
func (e *Error) Error() string {
	s := "metal: " + e.Call
	if e.Domain != "" {
		s += ": " + CodeName(e.Domain, e.Code)
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Is reports whether target is an *Error with e's domain and code and
// either no call or e's call, so errors.Is(err, &metal.Error{Domain:
// metal.CommandBufferErrorDomain, Code: metal.CommandBufferErrorPageFault})
// matches any page fault. A command buffer that ran out of memory also
// matches runtime.ErrOutOfMemory.
func (e *Error) Is(target error) bool {
	if target == runtime.ErrOutOfMemory {
		return e.Domain == CommandBufferErrorDomain && e.Code == CommandBufferErrorOutOfMemory
	}
	t, ok := target.(*Error)
	return ok && t.Domain == e.Domain && t.Code == e.Code && (t.Call == "" || t.Call == e.Call)
}

// commandBufferStatus is an MTLCommandBufferStatus.
//
// Reference: https://developer.apple.com/documentation/metal/mtlcommandbufferstatus
type commandBufferStatus uint64

const (
	statusNotEnqueued commandBufferStatus = 0
	statusEnqueued    commandBufferStatus = 1
	statusCommitted   commandBufferStatus = 2
	statusScheduled   commandBufferStatus = 3
	statusCompleted   commandBufferStatus = 4
	statusError       commandBufferStatus = 5
)

// done reports whether a command buffer in status s has finished,
// successfully or not.
func (s commandBufferStatus) done() bool { return s == statusCompleted || s == statusError }

// String returns the status's Metal name, e.g. "MTLCommandBufferStatusError".
func (s commandBufferStatus) String() string {
	names := [...]string{"NotEnqueued", "Enqueued", "Committed", "Scheduled", "Completed", "Error"}
	if int(s) < len(names) {
		return "MTLCommandBufferStatus" + names[s]
	}
	return "MTLCommandBufferStatus(" + strconv.FormatUint(uint64(s), 10) + ")"
}

// commandBufferError returns the error of a command buffer that finished
// in status s with the NSError (domain, code, description), nil if it
// completed.
func commandBufferError(s commandBufferStatus, domain string, code Code, desc string) error {
	if s == statusCompleted {
		return nil
	}
	if s == statusError && domain == "" {
		desc = strings.TrimSpace(desc + " (" + s.String() + " without an error)")
	} else if s != statusError {
		desc = strings.TrimSpace(desc + " (waited, still " + s.String() + ")")
	}
	return &Error{Call: "MTLCommandBuffer", Domain: domain, Code: code, Detail: desc}
}

// CompileError is a failed compile of a module's MSL for a device
// (newLibraryWithSource:options:error:) or of one of its entry points into
// a compute pipeline state.
type CompileError struct {
	Package string // the Go import path of the module
	Device  string // the device it was compiled for
	Entry   string // the entry point whose pipeline failed; empty for the library
	// Log is the compiler's output with positions mapped to Go's: the
	// generated source's #line directives make the compiler name Go files
	// and lines ("k.go:12:7: error: ..."), shown as "k.go:12: error: ..."
	// since the column is the MSL's; positions in code without a #line
	// (helpers) name the generated file, dc_kernels.metal.
	Log string
	Err *Error // the NSError as an *Error
}

// Error formats the error as "metal: compile <package> for <device>:
// <first line of the log>" followed by the rest of the log.
func (e *CompileError) Error() string {
	s := "metal: compile " + e.Package
	if e.Entry != "" {
		s += " entry point " + e.Entry
	}
	s += " for " + e.Device
	if e.Log != "" {
		s += ":\n" + e.Log
	} else if e.Err != nil {
		s += ": " + strings.TrimPrefix(e.Err.Error(), "metal: ")
	}
	return s
}

// Unwrap returns Err.
func (e *CompileError) Unwrap() error {
	if e.Err == nil {
		return nil
	}
	return e.Err
}

// GeneratedFile is the name of the MSL file dckgen -emit=metal writes
// beside the generated Go; compiler positions outside #line directives
// name it.
const GeneratedFile = "dc_kernels.metal"

// logGoPos matches a compiler position in a Go file, "k.go:12:7: ".
var logGoPos = regexp.MustCompile(`(?m)^([^\s:]+\.go):(\d+):\d+: `)

// logSourcePos matches a position in the source string itself, which
// Metal's compiler calls program_source.
var logSourcePos = regexp.MustCompile(`(?m)^program_source:(\d+):(\d+): `)

// mapLog rewrites the positions of a Metal compiler log: "k.go:12:7: "
// becomes "k.go:12: " (the column counts MSL characters, not Go's), and
// "program_source:40:3: " becomes "dc_kernels.metal:40:3: ". Trailing
// white space is removed.
func mapLog(log string) string {
	log = strings.TrimRight(log, " \t\r\n\x00")
	log = logGoPos.ReplaceAllString(log, "$1:$2: ")
	return logSourcePos.ReplaceAllString(log, GeneratedFile+":$1:$2: ")
}

var errClosed = errors.New("device is closed")

var errFreed = errors.New("memory was freed")
