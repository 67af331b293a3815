package metal

// The Objective-C side of Metal and Foundation that the backend uses,
// through purego and purego/objc (no cgo). Selectors are registered once,
// at package initialization; classes and C functions when Metal is
// loaded. Objects that Metal returns autoreleased are only used inside
// withPool.

import (
	"errors"
	"fmt"
	goruntime "runtime"
	"sync"
	"unsafe"

	"github.com/ebitengine/purego"
	"github.com/ebitengine/purego/objc"

	"github.com/dotcompute/dc/internal/dl"
)

// The libraries Metal needs. Foundation provides NSString, NSArray and
// NSAutoreleasePool.
const (
	metalPath      = "/System/Library/Frameworks/Metal.framework/Metal"
	foundationPath = "/System/Library/Frameworks/Foundation.framework/Foundation"
	objcPath       = "/usr/lib/libobjc.A.dylib"
)

// Selectors, registered once.
var (
	selAlloc   = objc.RegisterName("alloc")
	selNew     = objc.RegisterName("new")
	selRetain  = objc.RegisterName("retain")
	selRelease = objc.RegisterName("release")
	selDrain   = objc.RegisterName("drain")

	selInitWithBytesLengthEncoding = objc.RegisterName("initWithBytes:length:encoding:")
	selUTF8String                  = objc.RegisterName("UTF8String")
	selCount                       = objc.RegisterName("count")
	selObjectAtIndex               = objc.RegisterName("objectAtIndex:")
	selDomain                      = objc.RegisterName("domain")
	selCode                        = objc.RegisterName("code")
	selLocalizedDescription        = objc.RegisterName("localizedDescription")
	selRespondsToSelector          = objc.RegisterName("respondsToSelector:")

	selName                       = objc.RegisterName("name")
	selRegistryID                 = objc.RegisterName("registryID")
	selMaxThreadsPerThreadgroup   = objc.RegisterName("maxThreadsPerThreadgroup")
	selMaxThreadgroupMemoryLength = objc.RegisterName("maxThreadgroupMemoryLength")
	selMaxBufferLength            = objc.RegisterName("maxBufferLength")
	selNewCommandQueue            = objc.RegisterName("newCommandQueue")
	selNewLibraryWithSource       = objc.RegisterName("newLibraryWithSource:options:error:")
	selNewComputePipelineState    = objc.RegisterName("newComputePipelineStateWithFunction:error:")
	selNewBufferWithLength        = objc.RegisterName("newBufferWithLength:options:")
	selNewBufferWithBytes         = objc.RegisterName("newBufferWithBytes:length:options:")

	selSetLanguageVersion            = objc.RegisterName("setLanguageVersion:")
	selSetFastMathEnabled            = objc.RegisterName("setFastMathEnabled:")
	selSetMathMode                   = objc.RegisterName("setMathMode:")
	selSetMathFloatingPointFunctions = objc.RegisterName("setMathFloatingPointFunctions:")

	selNewFunctionWithName           = objc.RegisterName("newFunctionWithName:")
	selFunctionNames                 = objc.RegisterName("functionNames")
	selMaxTotalThreadsPerThreadgroup = objc.RegisterName("maxTotalThreadsPerThreadgroup")
	selStaticThreadgroupMemoryLength = objc.RegisterName("staticThreadgroupMemoryLength")
	selCommandBuffer                 = objc.RegisterName("commandBuffer")
	selComputeCommandEncoder         = objc.RegisterName("computeCommandEncoder")
	selBlitCommandEncoder            = objc.RegisterName("blitCommandEncoder")
	selCommit                        = objc.RegisterName("commit")
	selWaitUntilCompleted            = objc.RegisterName("waitUntilCompleted")
	selStatus                        = objc.RegisterName("status")
	selError                         = objc.RegisterName("error")
	selSetComputePipelineState       = objc.RegisterName("setComputePipelineState:")
	selSetBufferOffsetAtIndex        = objc.RegisterName("setBuffer:offset:atIndex:")
	selSetBytesLengthAtIndex         = objc.RegisterName("setBytes:length:atIndex:")
	selDispatchThreadgroups          = objc.RegisterName("dispatchThreadgroups:threadsPerThreadgroup:")
	selEndEncoding                   = objc.RegisterName("endEncoding")
	selCopyFromBuffer                = objc.RegisterName("copyFromBuffer:sourceOffset:toBuffer:destinationOffset:size:")
	selContents                      = objc.RegisterName("contents")
)

// resourceStorageModeShared is MTLResourceStorageModeShared with the
// default CPU cache mode and hazard tracking: memory that the CPU and the
// GPU both address.
//
// Reference: https://developer.apple.com/documentation/metal/mtlresourceoptions
const resourceStorageModeShared = 0

// utf8Encoding is NSUTF8StringEncoding.
const utf8Encoding = 4

// mtlSize is MTLSize: three NSUIntegers.
//
// Reference: https://developer.apple.com/documentation/metal/mtlsize
type mtlSize struct {
	Width, Height, Depth uint
}

// api is Metal, loaded: its C functions, the classes it uses and typed
// message sends for the calls of every launch.
type api struct {
	// Reference: https://developer.apple.com/documentation/metal/mtlcreatesystemdefaultdevice()
	createSystemDefaultDevice uintptr
	// Reference: https://developer.apple.com/documentation/metal/mtlcopyalldevices() (macOS only; 0 elsewhere)
	copyAllDevices uintptr

	classNSString          objc.Class
	classNSAutoreleasePool objc.Class
	classMTLCompileOptions objc.Class

	// Reference: https://developer.apple.com/documentation/metal/mtlcomputecommandencoder/setbuffer(_:offset:index:)
	setBuffer func(enc objc.ID, sel objc.SEL, buf objc.ID, offset, index uint)
	// Reference: https://developer.apple.com/documentation/metal/mtlcomputecommandencoder/setbytes(_:length:index:)
	setBytes func(enc objc.ID, sel objc.SEL, p unsafe.Pointer, length, index uint)
	// Reference: https://developer.apple.com/documentation/metal/mtlcomputecommandencoder/dispatchthreadgroups(_:threadsperthreadgroup:)
	dispatch func(enc objc.ID, sel objc.SEL, groups, threads mtlSize)
	// pointer sends a message whose result is a C pointer (MTLBuffer's contents).
	pointer func(obj objc.ID, sel objc.SEL) unsafe.Pointer
}

var (
	apiOnce sync.Once
	apiVal  *api
	apiErr  error
)

// loadAPI loads Metal once; every later call returns the same result.
func loadAPI() (*api, error) {
	apiOnce.Do(func() { apiVal, apiErr = newAPI() })
	return apiVal, apiErr
}

func newAPI() (*api, error) {
	lib, err := dl.OpenGlobal(metalPath)
	if err != nil {
		return nil, fmt.Errorf("metal: %w", err)
	}
	lib.Prefix = "metal"
	if _, err := dl.OpenGlobal(foundationPath); err != nil {
		return nil, fmt.Errorf("metal: %w", err)
	}
	objcLib, err := dl.Open(objcPath)
	if err != nil {
		return nil, fmt.Errorf("metal: %w", err)
	}
	objcLib.Prefix = "metal"
	a := &api{
		createSystemDefaultDevice: lib.Sym("MTLCreateSystemDefaultDevice"),
		copyAllDevices:            lib.OptSym("MTLCopyAllDevices"),
	}
	msgSend := objcLib.Sym("objc_msgSend")
	for _, l := range []*dl.Library{lib, objcLib} {
		if err := l.Err(); err != nil {
			return nil, err
		}
	}
	for _, c := range []struct {
		class *objc.Class
		name  string
	}{
		{&a.classNSString, "NSString"},
		{&a.classNSAutoreleasePool, "NSAutoreleasePool"},
		{&a.classMTLCompileOptions, "MTLCompileOptions"},
	} {
		if *c.class = objc.GetClass(c.name); *c.class == 0 {
			return nil, fmt.Errorf("metal: class %s is missing", c.name)
		}
	}
	purego.RegisterFunc(&a.setBuffer, msgSend)
	purego.RegisterFunc(&a.setBytes, msgSend)
	purego.RegisterFunc(&a.dispatch, msgSend)
	purego.RegisterFunc(&a.pointer, msgSend)
	return a, nil
}

// withPool runs f on one OS thread inside an autorelease pool, which
// releases the autoreleased objects f receives when f returns.
//
// Reference: https://developer.apple.com/documentation/foundation/nsautoreleasepool
func (a *api) withPool(f func()) {
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	pool := objc.ID(a.classNSAutoreleasePool).Send(selNew)
	defer pool.Send(selDrain)
	f()
}

// newString returns a new NSString holding s; the caller releases it.
//
// Reference: https://developer.apple.com/documentation/foundation/nsstring/init(bytes:length:encoding:)
func (a *api) newString(s string) objc.ID {
	b := []byte(s)
	var p unsafe.Pointer
	if len(b) > 0 {
		p = unsafe.Pointer(&b[0])
	}
	str := objc.ID(a.classNSString).Send(selAlloc).Send(selInitWithBytesLengthEncoding, p, uint(len(b)), uint(utf8Encoding))
	goruntime.KeepAlive(b)
	return str
}

// goString copies the NSString str into a Go string; "" for nil.
func goString(str objc.ID) string {
	if str == 0 {
		return ""
	}
	return dl.GoString(uintptr(str.Send(selUTF8String)))
}

// nsError returns the domain, code and localizedDescription of the
// NSError e; all zero for nil. Call it inside withPool.
//
// Reference: https://developer.apple.com/documentation/foundation/nserror
func nsError(e objc.ID) (domain string, code Code, desc string) {
	if e == 0 {
		return "", 0, ""
	}
	return goString(e.Send(selDomain)), Code(int64(e.Send(selCode))), goString(e.Send(selLocalizedDescription))
}

// respondsTo reports whether obj implements sel.
func respondsTo(obj objc.ID, sel objc.SEL) bool {
	return objc.Send[bool](obj, selRespondsToSelector, sel)
}

// mtlDevice is an id<MTLDevice>.
//
// Reference: https://developer.apple.com/documentation/metal/mtldevice
type mtlDevice struct{ id objc.ID }

// defaultDevice returns the system default device, retained, or a nil
// device when there is none.
func (a *api) defaultDevice() mtlDevice {
	d, _, _ := purego.SyscallN(a.createSystemDefaultDevice)
	return mtlDevice{objc.ID(d)}
}

// allDevices returns every device, each retained; the caller releases
// those it does not keep.
func (a *api) allDevices() []mtlDevice {
	if a.copyAllDevices == 0 {
		if d := a.defaultDevice(); d.id != 0 {
			return []mtlDevice{d}
		}
		return nil
	}
	p, _, _ := purego.SyscallN(a.copyAllDevices)
	arr := objc.ID(p)
	if arr == 0 {
		return nil
	}
	defer arr.Send(selRelease)
	n := uint(arr.Send(selCount))
	devs := make([]mtlDevice, 0, n)
	for i := range n {
		d := arr.Send(selObjectAtIndex, i)
		d.Send(selRetain)
		devs = append(devs, mtlDevice{d})
	}
	return devs
}

func (d mtlDevice) release() { d.id.Send(selRelease) }

// limits queries what the runtime needs to know of d. Call it inside
// withPool (the name is autoreleased).
func (d mtlDevice) limits() deviceLimits {
	s := objc.Send[mtlSize](d.id, selMaxThreadsPerThreadgroup)
	return deviceLimits{
		Name:        goString(d.id.Send(selName)),
		MaxThreads:  [3]uint64{uint64(s.Width), uint64(s.Height), uint64(s.Depth)},
		SharedBytes: uint64(d.id.Send(selMaxThreadgroupMemoryLength)),
		MaxBuffer:   uint64(d.id.Send(selMaxBufferLength)),
	}
}

// registryID returns the identifier the OS gives the GPU, the same for
// every object that stands for it.
func (d mtlDevice) registryID() uint64 { return uint64(d.id.Send(selRegistryID)) }

// newQueue returns a new command queue; 0 when Metal has no more.
func (d mtlDevice) newQueue() objc.ID { return d.id.Send(selNewCommandQueue) }

// newLibrary compiles src with options o. On failure it returns the
// NSError's parts. Call it inside withPool.
//
// Reference: https://developer.apple.com/documentation/metal/mtldevice/makelibrary(source:options:)
func (a *api) newLibrary(d mtlDevice, src string, o compileOptions) (lib objc.ID, domain string, code Code, desc string) {
	opts := objc.ID(a.classMTLCompileOptions).Send(selNew)
	defer opts.Send(selRelease)
	opts.Send(selSetLanguageVersion, uint(o.LanguageVersion))
	opts.Send(selSetFastMathEnabled, o.FastMath)
	if respondsTo(opts, selSetMathMode) {
		opts.Send(selSetMathMode, uint(o.MathMode))
	}
	if respondsTo(opts, selSetMathFloatingPointFunctions) {
		opts.Send(selSetMathFloatingPointFunctions, uint(o.MathFunctions))
	}
	str := a.newString(src)
	defer str.Send(selRelease)
	var errObj objc.ID
	lib = d.id.Send(selNewLibraryWithSource, str, opts, unsafe.Pointer(&errObj))
	if lib == 0 {
		domain, code, desc = nsError(errObj)
	}
	return lib, domain, code, desc
}

// newPipeline makes the compute pipeline state of function entry of
// library lib. Call it inside withPool.
//
// Reference: https://developer.apple.com/documentation/metal/mtldevice/makecomputepipelinestate(function:)
func (a *api) newPipeline(d mtlDevice, lib objc.ID, entry string) (*pipeline, error) {
	name := a.newString(entry)
	fn := lib.Send(selNewFunctionWithName, name)
	name.Send(selRelease)
	if fn == 0 {
		return nil, &Error{Call: "newFunctionWithName:", Detail: "the library has no entry point " + entry + ": regenerate the package with dckgen"}
	}
	defer fn.Send(selRelease)
	var errObj objc.ID
	ps := d.id.Send(selNewComputePipelineState, fn, unsafe.Pointer(&errObj))
	if ps == 0 {
		domain, code, desc := nsError(errObj)
		return nil, &Error{Call: "newComputePipelineStateWithFunction:error:", Domain: domain, Code: code, Detail: desc}
	}
	return &pipeline{
		id:         ps,
		maxThreads: uint64(ps.Send(selMaxTotalThreadsPerThreadgroup)),
		static:     uint64(ps.Send(selStaticThreadgroupMemoryLength)),
	}, nil
}

// functionNames returns the names of the functions of library lib. Call
// it inside withPool.
func functionNames(lib objc.ID) []string {
	arr := lib.Send(selFunctionNames)
	if arr == 0 {
		return nil
	}
	n := uint(arr.Send(selCount))
	names := make([]string, 0, n)
	for i := range n {
		names = append(names, goString(arr.Send(selObjectAtIndex, i)))
	}
	return names
}

// newBuffer returns a new zero-filled shared-storage buffer of size bytes
// and its contents, or a nil buffer when Metal cannot allocate it.
//
// Reference: https://developer.apple.com/documentation/metal/mtldevice/makebuffer(length:options:)
func (a *api) newBuffer(d mtlDevice, size uint) (objc.ID, unsafe.Pointer) {
	buf := d.id.Send(selNewBufferWithLength, size, uint(resourceStorageModeShared))
	if buf == 0 {
		return 0, nil
	}
	return buf, a.pointer(buf, selContents)
}

// newBufferWithBytes returns a new shared-storage buffer holding a copy
// of b, or nil when Metal cannot allocate it.
//
// Reference: https://developer.apple.com/documentation/metal/mtldevice/makebuffer(bytes:length:options:)
func (a *api) newBufferWithBytes(d mtlDevice, b []byte) objc.ID {
	buf := d.id.Send(selNewBufferWithBytes, unsafe.Pointer(&b[0]), uint(len(b)), uint(resourceStorageModeShared))
	goruntime.KeepAlive(b)
	return buf
}

// commandBuffer returns a new command buffer of queue q, retained (it
// holds strong references to the resources its commands use), or 0. Call
// it inside withPool.
//
// Reference: https://developer.apple.com/documentation/metal/mtlcommandqueue/makecommandbuffer()
func commandBuffer(q objc.ID) objc.ID {
	cb := q.Send(selCommandBuffer)
	if cb != 0 {
		cb.Send(selRetain)
	}
	return cb
}

// status returns the status of command buffer cb.
//
// Reference: https://developer.apple.com/documentation/metal/mtlcommandbuffer/status
func status(cb objc.ID) commandBufferStatus { return commandBufferStatus(cb.Send(selStatus)) }

// errNoCommandBuffer is the failure of a queue to make a command buffer.
var errNoCommandBuffer = errors.New("metal: commandBuffer returned nil")
