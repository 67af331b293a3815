// Package opencl is dc's OpenCL backend: it runs the OpenCL C that dckgen
// generates (runtime.Module.OpenCL) on any OpenCL 1.2 or later device,
// through the system's OpenCL ICD loader, loaded with purego (no cgo).
//
// It is a plugin like any third-party backend: it uses only the public
// API of package runtime, and registers itself from init as "opencl" with
// runtime.PriorityOpenCL, as database/sql drivers do. Importing it for its
// side effect makes it available to runtime.Open:
//
//	import _ "github.com/dotcompute/dc/backends/opencl"
//
// runtime.Open tries it after CUDA and Metal; when OpenCL cannot be used
// (no library, no platform, no device) it returns an error, never panics,
// and Open falls back to the next backend.
//
// Selection:
//
//   - DC_OPENCL_LIBRARY names the OpenCL library to load (a path); by
//     default libOpenCL.so.1, then libOpenCL.so (on macOS the OpenCL
//     framework).
//   - DC_OPENCL_DEVICE picks the device: an index N over the devices of
//     every platform in enumeration order, "P:D" for device D of platform P,
//     or a case-insensitive substring of "<platform name> <device name>".
//     A value that matches nothing is an error listing every device. By
//     default Open picks the first GPU, else the first device. Devices lists
//     them.
//
// Each device gets one OpenCL context for the life of the process, and
// each runtime.Module is built once per device, on its first launch, with
// "-cl-std=CL1.2" and, where the device supports it,
// "-cl-fp32-correctly-rounded-divide-sqrt" (Go rounds float32 division and
// square roots correctly); the built program is shared by every Open of
// the device. A build that fails is a *BuildError carrying the compiler
// log, which names Go files and lines through the #line directives of the
// generated source. Failed OpenCL calls are *Error values naming the call
// and the status code ("opencl: clEnqueueNDRangeKernel:
// CL_INVALID_WORK_GROUP_SIZE").
//
// Launches are asynchronous. runtime.Device.SyncContext waits by polling a
// marker event; when its context ends first the queue stays busy with the
// running kernel (OpenCL cannot cancel one), and later Syncs wait for it.
// Buffers larger than CL_DEVICE_MAX_MEM_ALLOC_SIZE or
// CL_DEVICE_GLOBAL_MEM_SIZE, and OpenCL's out-of-memory codes, are errors
// matching runtime.ErrOutOfMemory. Device memory copies on the device
// (clEnqueueCopyBuffer), fills on it (clEnqueueFillBuffer, patterns of 1 to
// 128 bytes) and makes the views of runtime.Buffer.Slice as sub-buffers,
// which must start at a multiple of CL_DEVICE_MEM_BASE_ADDR_ALIGN.
//
// Kernel ABI: the kernel's arguments are its runtime.Params in order; a
// buffer is two arguments, its cl_mem and its length in elements as an
// OpenCL long, and a scalar is one argument holding its bytes (structs in
// C layout, bool as one byte). The NDRange has 3 dimensions: the global
// size is Groups*GroupSize and the local size GroupSize.
package opencl

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/runtime"
)

func init() {
	runtime.Register("opencl", runtime.PriorityOpenCL, driver{})
}

// driver opens the OpenCL device DC_OPENCL_DEVICE selects.
type driver struct{}

// Open opens the selected device with a command queue of its own.
func (driver) Open() (runtime.Backend, error) {
	b, err := open()
	if err != nil {
		return nil, absent(err)
	}
	return b, nil
}

// open loads OpenCL, picks the device DC_OPENCL_DEVICE selects (index
// -1), or device index, and creates a command queue on it.
func open() (*backend, error) { return openIndex(-1) }

// openIndex loads OpenCL and creates a command queue on device index of
// the devices of every platform, or, when index is -1, on the device
// DC_OPENCL_DEVICE selects.
func openIndex(index int) (*backend, error) {
	a, err := loadAPI()
	if err != nil {
		return nil, err
	}
	descs, ids, err := enumerate(a)
	if err != nil {
		return nil, err
	}
	i := index
	if i == -1 {
		if i, err = choose(descs); err != nil {
			return nil, err
		}
	} else if i < 0 || i >= len(descs) {
		return nil, fmt.Errorf("opencl: there is no device %d: there are %d (Devices lists them)", index, len(descs))
	}
	dev, err := deviceFor(a, ids[i], descs[i])
	if err != nil {
		return nil, err
	}
	q, err := a.newQueue(dev.ctx, dev.id)
	if err != nil {
		return nil, err
	}
	return &backend{dev: dev, queue: q, kernels: map[kernelKey]*kernel{}}, nil
}

// EnvBuildOptions is the environment variable whose value is appended to
// the clBuildProgram options of every program (for instance
// "-cl-opt-disable" to tell a compiler problem from a kernel's).
const EnvBuildOptions = "DC_OPENCL_BUILD_OPTIONS"

// device is one OpenCL device with its context and built programs, shared
// by every Open of the device in the process, like CUDA's primary context.
type device struct {
	api      *api
	id       uintptr // cl_device_id
	ctx      uintptr // cl_context, never released
	info     runtime.DeviceInfo
	localMem uint64 // CL_DEVICE_LOCAL_MEM_SIZE
	maxAlloc uint64 // CL_DEVICE_MAX_MEM_ALLOC_SIZE: the largest buffer
	global   uint64 // CL_DEVICE_GLOBAL_MEM_SIZE
	align    uint64 // CL_DEVICE_MEM_BASE_ADDR_ALIGN in bytes: where sub-buffers may start
	options  string // clBuildProgram options

	mu       sync.Mutex
	programs map[*runtime.Module]*program
}

// program is the result of building one module for one device.
type program struct {
	id  uintptr // cl_program; 0 when the build failed
	err error
}

type deviceKey struct {
	api *api
	id  uintptr
}

// deviceEntry is the outcome of the first deviceFor of one device: its
// shared state, or the error every later call returns too.
type deviceEntry struct {
	dev *device
	err error
}

var (
	devicesMu sync.Mutex
	devices   = map[deviceKey]*deviceEntry{}

	// builds counts clBuildProgram calls, for tests.
	builds atomic.Int64
)

// deviceFor returns the shared state of device id, querying it and
// creating its context on first use. Concurrent first calls are
// serialized; a failure is remembered and returned to every later caller.
func deviceFor(a *api, id uintptr, desc DeviceDesc) (*device, error) {
	devicesMu.Lock()
	defer devicesMu.Unlock()
	key := deviceKey{a, id}
	if e := devices[key]; e != nil {
		return e.dev, e.err
	}
	d, err := newDevice(a, id, desc)
	devices[key] = &deviceEntry{dev: d, err: err}
	return d, err
}

// newDevice queries device id and creates its context.
func newDevice(a *api, id uintptr, desc DeviceDesc) (*device, error) {
	d := &device{api: a, id: id, programs: map[*runtime.Module]*program{}}
	if err := d.query(desc); err != nil {
		return nil, err
	}
	ctx, err := a.newContext(id)
	if err != nil {
		return nil, err
	}
	d.ctx = ctx
	return d, nil
}

// query fills in d's info, local memory size and build options.
func (d *device) query(desc DeviceDesc) error {
	a := d.api
	maxGroup, err := a.deviceSize(d.id, clDeviceMaxWorkGroupSize)
	if err != nil {
		return err
	}
	ndims, err := a.deviceUint32(d.id, clDeviceMaxWorkItemDims)
	if err != nil {
		return err
	}
	sizes, err := a.deviceSizes(d.id, clDeviceMaxWorkItemSizes, max(int(ndims), 3))
	if err != nil {
		return err
	}
	local, err := a.deviceUint64(d.id, clDeviceLocalMemSize)
	if err != nil {
		return err
	}
	maxAlloc, err := a.deviceUint64(d.id, clDeviceMaxMemAllocSize)
	if err != nil {
		return err
	}
	global, err := a.deviceUint64(d.id, clDeviceGlobalMemSize)
	if err != nil {
		return err
	}
	single, err := a.deviceUint64(d.id, clDeviceSingleFPConfig)
	if err != nil {
		return err
	}
	// CL_DEVICE_DOUBLE_FP_CONFIG is OpenCL 1.2; older devices report
	// double support through cl_khr_fp64 only.
	double, _ := a.deviceUint64(d.id, clDeviceDoubleFPConfig)
	ext, err := a.deviceString(d.id, clDeviceExtensions)
	if err != nil {
		return err
	}
	cVersion, err := a.deviceString(d.id, clDeviceOpenCLCVersion)
	if err != nil {
		return err
	}
	units, err := a.deviceUint32(d.id, clDeviceMaxComputeUnits)
	if err != nil {
		return err
	}
	alignBits, err := a.deviceUint32(d.id, clDeviceMemBaseAddrAlign)
	if err != nil {
		return err
	}
	d.align = max(uint64(alignBits)/8, 1)
	d.localMem = local
	d.maxAlloc, d.global = maxAlloc, global
	d.info = runtime.DeviceInfo{
		Name:              desc.Name + " (" + desc.PlatformName + ")",
		Backend:           "opencl",
		Float64:           double != 0 || hasExtension(ext, "cl_khr_fp64"),
		MaxGroupSize:      clampInt(uint64(maxGroup)),
		MaxGroupDims:      dc.Dim3{X: clampInt(uint64(sizes[0])), Y: clampInt(uint64(sizes[1])), Z: clampInt(uint64(sizes[2]))},
		SharedMemoryBytes: clampInt(local),
		Index:             desc.Index,
		MemoryBytes:       int64(min(global, 1<<63-1)),
		ComputeUnits:      int(units),
		Driver:            driverString(a, d.id),
	}
	d.options = buildOptions(cVersion, single)
	if extra := strings.TrimSpace(os.Getenv(EnvBuildOptions)); extra != "" {
		d.options = strings.TrimSpace(d.options + " " + extra)
	}
	return nil
}

// buildOptions returns the clBuildProgram options for a device with
// CL_DEVICE_OPENCL_C_VERSION cVersion ("OpenCL C 1.2 ...") and
// CL_DEVICE_SINGLE_FP_CONFIG single.
func buildOptions(cVersion string, single uint64) string {
	var opts []string
	var major, minor int
	if _, err := fmt.Sscanf(cVersion, "OpenCL C %d.%d", &major, &minor); err == nil && (major > 1 || major == 1 && minor >= 2) {
		opts = append(opts, "-cl-std=CL1.2")
	}
	if single&clFPCorrectlyRoundedDiv != 0 {
		opts = append(opts, "-cl-fp32-correctly-rounded-divide-sqrt")
	}
	return strings.Join(opts, " ")
}

// hasExtension reports whether the space-separated extension list exts
// has ext.
func hasExtension(exts, ext string) bool {
	return slices.Contains(strings.Fields(exts), ext)
}

// clampInt converts v to an int, saturating.
func clampInt(v uint64) int {
	if v > uint64(^uint(0)>>1) {
		return int(^uint(0) >> 1)
	}
	return int(v)
}

// program returns module m built for d, building it on first use. A failed
// build is remembered and reported again.
func (d *device) program(m *runtime.Module) (uintptr, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	p := d.programs[m]
	if p == nil {
		p = d.build(m)
		d.programs[m] = p
	}
	return p.id, p.err
}

// build builds the OpenCL C of module m.
func (d *device) build(m *runtime.Module) *program {
	if m.OpenCL == "" {
		return &program{err: fmt.Errorf("opencl: module %s has no OpenCL source: regenerate it with dckgen", m.Package)}
	}
	a := d.api
	id, err := a.newProgram(d.ctx, m.OpenCL)
	if err != nil {
		return &program{err: err}
	}
	builds.Add(1)
	if code := a.build(id, d.id, d.options); code != clSuccess {
		log, err := a.buildLog(id, d.id)
		if err != nil {
			log = "(no build log: " + err.Error() + ")"
		}
		a.release("clReleaseProgram", a.releaseProgram, id)
		return &program{err: &BuildError{Package: m.Package, Device: d.info.Name, Code: code, Log: log}}
	}
	return &program{id: id}
}

// backend is one Open of a device: a command queue and kernel objects of
// its own (clSetKernelArg is not safe for concurrent use of one kernel
// object) over the device's shared context and programs.
type backend struct {
	dev *device

	mu      sync.Mutex
	queue   uintptr // 0 once closed
	kernels map[kernelKey]*kernel
	last    uintptr      // event of the last launch, 0 if none or timing
	timing  bool         // launches are timed (StartTiming): the queue profiles
	events  []timedEvent // with timing, the events of the launches not yet in Timings
	// finished are the timings of launches whose events were released
	// before Timings asked for them.
	finished []runtime.LaunchTiming
}

type kernelKey struct {
	module *runtime.Module
	entry  string
}

// kernel is a kernel object and the limits the device reports for it.
type kernel struct {
	id        uintptr
	groupSize uint64 // CL_KERNEL_WORK_GROUP_SIZE
	localMem  uint64 // CL_KERNEL_LOCAL_MEM_SIZE
}

var errClosed = errors.New("device is closed")

// Info describes the device.
func (b *backend) Info() runtime.DeviceInfo { return b.dev.info }

// Alloc allocates size bytes of zeroed device memory. A size above
// CL_DEVICE_MAX_MEM_ALLOC_SIZE or CL_DEVICE_GLOBAL_MEM_SIZE is refused
// before clCreateBuffer, with an error matching runtime.ErrOutOfMemory, as
// are the OpenCL errors that say memory ran out.
func (b *backend) Alloc(size int64) (runtime.Memory, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.queue == 0 {
		return nil, fmt.Errorf("opencl: Alloc: %w", errClosed)
	}
	if size < 0 || uint64(size) > uint64(^uintptr(0)) {
		return nil, fmt.Errorf("opencl: Alloc: invalid size %d", size)
	}
	if err := b.dev.checkAlloc(uint64(size)); err != nil {
		return nil, err
	}
	a := b.dev.api
	id, err := a.newBuffer(b.dev.ctx, uintptr(max(size, 1)))
	if err != nil {
		return nil, err
	}
	m := &memory{b: b, id: id, size: size}
	if size > 0 {
		if err := a.fillZero(b.queue, id, uintptr(size)); err != nil {
			// Without clEnqueueFillBuffer, write zeros.
			if err := m.writeZeros(); err != nil {
				a.release("clReleaseMemObject", a.releaseMemObject, id)
				return nil, err
			}
		}
	}
	return m, nil
}

// checkAlloc reports, as an error wrapping runtime.ErrOutOfMemory, whether
// a buffer of size bytes exceeds what the device allows.
func (d *device) checkAlloc(size uint64) error {
	switch {
	case d.maxAlloc > 0 && size > d.maxAlloc:
		return fmt.Errorf("opencl: Alloc: %w: %d bytes requested, CL_DEVICE_MAX_MEM_ALLOC_SIZE of %s is %d", runtime.ErrOutOfMemory, size, d.info.Name, d.maxAlloc)
	case d.global > 0 && size > d.global:
		return fmt.Errorf("opencl: Alloc: %w: %d bytes requested, CL_DEVICE_GLOBAL_MEM_SIZE of %s is %d", runtime.ErrOutOfMemory, size, d.info.Name, d.global)
	}
	return nil
}

// Launch enqueues the kernel c describes on the backend's queue.
func (b *backend) Launch(c *runtime.Call) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.queue == 0 {
		return fmt.Errorf("opencl: Launch: %w", errClosed)
	}
	if c.Kernel == nil || c.Kernel.Module == nil {
		return errors.New("opencl: launch of a kernel without a module")
	}
	if len(c.Args) != len(c.Kernel.Params) {
		return fmt.Errorf("opencl: %d arguments for %d parameters", len(c.Args), len(c.Kernel.Params))
	}
	k, err := b.kernel(c.Kernel.Module, c.Entry)
	if err != nil {
		return err
	}
	global, local, err := b.ndrange(c.Entry, c.Grid, k)
	if err != nil {
		return err
	}
	if err := b.setArgs(k, c); err != nil {
		return err
	}
	ev, err := b.dev.api.enqueueKernel(b.queue, k.id, &global, &local)
	if err != nil {
		return err
	}
	b.releaseLast()
	if b.timing {
		// The event stays for Timings, which releases it.
		if len(b.events) >= maxPendingEvents {
			b.reapEvents()
		}
		b.events = append(b.events, timedEvent{kernel: c.Kernel, ev: ev})
		return nil
	}
	b.last = ev
	return nil
}

// releaseLast releases the event of the last launch.
func (b *backend) releaseLast() {
	if b.last != 0 {
		a := b.dev.api
		a.release("clReleaseEvent", a.releaseEvent, b.last)
		b.last = 0
	}
}

// Idle reports, without waiting, whether the last launch has finished (or
// failed): the queue runs in order, and transfers are blocking.
func (b *backend) Idle() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	last := b.lastEvent()
	if b.queue == 0 || last == 0 {
		return true
	}
	a := b.dev.api
	if a.flushQueue(b.queue) != nil {
		return true // Sync reports it
	}
	status, err := a.eventStatus(last)
	return err != nil || status <= clComplete
}

// kernel returns the kernel object of entry point entry of module m,
// building m first if needed.
func (b *backend) kernel(m *runtime.Module, entry string) (*kernel, error) {
	key := kernelKey{m, entry}
	if k := b.kernels[key]; k != nil {
		return k, nil
	}
	prog, err := b.dev.program(m)
	if err != nil {
		return nil, err
	}
	a := b.dev.api
	id, err := a.newKernel(prog, entry)
	if err != nil {
		return nil, err
	}
	groupSize, err := a.kernelWorkGroupInfo(id, b.dev.id, clKernelWorkGroupSize, unsafe.Sizeof(uintptr(0)))
	if err == nil {
		var localMem uint64
		localMem, err = a.kernelWorkGroupInfo(id, b.dev.id, clKernelLocalMemSize, 8)
		if err == nil {
			k := &kernel{id: id, groupSize: groupSize, localMem: localMem}
			b.kernels[key] = k
			return k, nil
		}
	}
	a.release("clReleaseKernel", a.releaseKernel, id)
	return nil, err
}

// ndrange returns the global and local sizes of grid g, after checking
// them against what the device allows for kernel k.
func (b *backend) ndrange(entry string, g dc.Grid, k *kernel) (global, local [3]uintptr, err error) {
	groups := [3]int{g.Groups.X, g.Groups.Y, g.Groups.Z}
	sizes := [3]int{g.GroupSize.X, g.GroupSize.Y, g.GroupSize.Z}
	threads := uint64(1)
	for i, axis := range [3]string{"X", "Y", "Z"} {
		if groups[i] < 1 || sizes[i] < 1 {
			return global, local, fmt.Errorf("opencl: kernel %s: grid has %d groups of %d work-items in %s", entry, groups[i], sizes[i], axis)
		}
		n, ok := mulSize(uint64(groups[i]), uint64(sizes[i]), maxSize)
		if !ok {
			return global, local, &Error{Call: "clEnqueueNDRangeKernel", Code: clInvalidGlobalWorkSize,
				Detail: fmt.Sprintf("kernel %s: %d groups of %d work-items in %s overflow size_t", entry, groups[i], sizes[i], axis)}
		}
		global[i], local[i] = uintptr(n), uintptr(sizes[i])
		threads *= uint64(sizes[i]) // the runtime checked that the product fits an int
	}
	if threads > k.groupSize {
		return global, local, &Error{Call: "clEnqueueNDRangeKernel", Code: clInvalidWorkGroupSize,
			Detail: fmt.Sprintf("kernel %s: group size %dx%dx%d has %d work-items, CL_KERNEL_WORK_GROUP_SIZE is %d", entry, sizes[0], sizes[1], sizes[2], threads, k.groupSize)}
	}
	if k.localMem > b.dev.localMem {
		return global, local, &Error{Call: "clEnqueueNDRangeKernel", Code: clOutOfResources,
			Detail: fmt.Sprintf("kernel %s uses %d bytes of local memory, the device has %d", entry, k.localMem, b.dev.localMem)}
	}
	return global, local, nil
}

// maxSize is the largest size_t.
const maxSize = uint64(^uintptr(0))

// mulSize returns a*b and whether it is at most limit.
func mulSize(a, b, limit uint64) (uint64, bool) {
	hi, lo := bits.Mul64(a, b)
	return lo, hi == 0 && lo <= limit
}

// setArgs sets the kernel arguments of c: two per buffer (cl_mem, then the
// length as a long), one per scalar.
func (b *backend) setArgs(k *kernel, c *runtime.Call) error {
	a := b.dev.api
	idx := 0
	for i, p := range c.Kernel.Params {
		arg := c.Args[i]
		fail := func(err error) error {
			if e, ok := err.(*Error); ok {
				e.Detail = "argument " + p.Name
				return e
			}
			return fmt.Errorf("opencl: argument %s: %w", p.Name, err)
		}
		switch p.Kind {
		case runtime.BufferParam:
			m, ok := arg.Memory.(*memory)
			switch {
			case !ok || m == nil:
				return fail(fmt.Errorf("memory %T is not OpenCL memory", arg.Memory))
			case m.freed:
				return fail(errFreed)
			case m.b.dev != b.dev:
				return fail(errors.New("memory belongs to another OpenCL device"))
			}
			mem := m.id
			if err := a.setArg(k.id, idx, unsafe.Sizeof(mem), unsafe.Pointer(&mem)); err != nil {
				return fail(err)
			}
			n := int64(arg.Len)
			if err := a.setArg(k.id, idx+1, unsafe.Sizeof(n), unsafe.Pointer(&n)); err != nil {
				return fail(err)
			}
			idx += 2
		case runtime.ScalarParam:
			var ptr unsafe.Pointer
			if len(arg.Scalar) > 0 {
				ptr = unsafe.Pointer(&arg.Scalar[0])
			}
			if err := a.setArg(k.id, idx, uintptr(len(arg.Scalar)), ptr); err != nil {
				return fail(err)
			}
			idx++
		default:
			return fail(fmt.Errorf("invalid parameter kind %v", p.Kind))
		}
	}
	return nil
}

// Sync waits for the queue to drain.
func (b *backend) Sync() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.queue == 0 {
		return fmt.Errorf("opencl: Sync: %w", errClosed)
	}
	return b.dev.api.finishQueue(b.queue)
}

// SyncContext is Sync with cancellation. clFinish cannot be interrupted,
// so it enqueues a marker, flushes the queue and polls the marker's status
// (every 100µs at first, backing off to every 5ms) until it completes or
// ctx ends. When ctx ends first it returns ctx.Err(): the queue stays busy
// with the running kernel, commands enqueued later run after it, and the
// next Sync waits for it.
func (b *backend) SyncContext(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.queue == 0 {
		return fmt.Errorf("opencl: Sync: %w", errClosed)
	}
	a := b.dev.api
	ev, err := a.marker(b.queue)
	if err != nil {
		return err
	}
	defer a.release("clReleaseEvent", a.releaseEvent, ev)
	if err := a.flushQueue(b.queue); err != nil {
		return err
	}
	wait := 100 * time.Microsecond
	for {
		status, err := a.eventStatus(ev)
		switch {
		case err != nil:
			return err
		case status < clComplete:
			return &Error{Call: "clGetEventInfo", Code: status, Detail: "a queued command failed"}
		case status == clComplete:
			// clFinish reports what failed, if anything did; it
			// returns at once now.
			return a.finishQueue(b.queue)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Millisecond)
	}
}

// Close waits for the queue, then releases it and the backend's kernel
// objects. The device's context and programs stay for later Opens.
func (b *backend) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.queue == 0 {
		return nil
	}
	a := b.dev.api
	errs := []error{a.finishQueue(b.queue)}
	b.releaseLast()
	b.releaseEvents()
	for key, k := range b.kernels {
		errs = append(errs, a.release("clReleaseKernel", a.releaseKernel, k.id))
		delete(b.kernels, key)
	}
	errs = append(errs, a.release("clReleaseCommandQueue", a.releaseCommandQueue, b.queue))
	b.queue = 0
	return errors.Join(errs...)
}

var errFreed = errors.New("memory was freed")

// memory is one buffer made by Alloc, or a sub-buffer of one made by View.
type memory struct {
	b      *backend
	id     uintptr // cl_mem
	size   int64
	freed  bool
	parent *memory // the buffer a sub-buffer views; nil for others
	off    int64   // where a sub-buffer starts in parent
}

// View returns a sub-buffer of m (clCreateSubBuffer): size bytes at
// offset, sharing m's memory. OpenCL requires offset to be a multiple of
// the device's CL_DEVICE_MEM_BASE_ADDR_ALIGN; another offset is an error
// saying so, for the runtime to report (no copy is made behind the
// caller's back). Free releases the sub-buffer, not m.
func (m *memory) View(offset, size int64) (runtime.Memory, error) {
	m.b.mu.Lock()
	defer m.b.mu.Unlock()
	if err := m.check("View", offset, int(size)); err != nil {
		return nil, err
	}
	base := m
	if m.parent != nil {
		base, offset = m.parent, m.off+offset
	}
	if align := int64(m.b.dev.align); offset%align != 0 {
		return nil, &Error{Call: "clCreateSubBuffer", Code: -13, // CL_MISALIGNED_SUB_BUFFER_OFFSET
			Detail: fmt.Sprintf("offset %d bytes is not a multiple of CL_DEVICE_MEM_BASE_ADDR_ALIGN, %d bytes on %s", offset, align, m.b.dev.info.Name)}
	}
	id, err := m.b.dev.api.newSubBuffer(base.id, uintptr(offset), uintptr(max(size, 1)))
	if err != nil {
		return nil, err
	}
	return &memory{b: m.b, id: id, size: size, parent: base, off: offset}, nil
}

// Fill sets size bytes at offset to copies of pattern on the device
// (clEnqueueFillBuffer), in queue order. OpenCL fills patterns of 1, 2, 4,
// 8, 16, 32, 64 or 128 bytes; another length is an error wrapping
// errors.ErrUnsupported, as is a library without clEnqueueFillBuffer.
func (m *memory) Fill(offset, size int64, pattern []byte) error {
	m.b.mu.Lock()
	defer m.b.mu.Unlock()
	if err := m.check("Fill", offset, int(size)); err != nil || size == 0 {
		return err
	}
	switch n := len(pattern); {
	case n == 0 || n > 128 || n&(n-1) != 0:
		return fmt.Errorf("opencl: Fill: a %d-byte pattern: %w", n, errors.ErrUnsupported)
	case offset%int64(n) != 0 || size%int64(n) != 0:
		return fmt.Errorf("opencl: Fill: %d bytes at offset %d are not whole %d-byte patterns", size, offset, n)
	}
	return m.b.dev.api.fill(m.b.queue, m.id, pattern, uintptr(offset), uintptr(size))
}

// check reports why op cannot use n bytes of m at offset, or nil.
func (m *memory) check(op string, offset int64, n int) error {
	switch {
	case m.freed:
		return fmt.Errorf("opencl: %s: %w", op, errFreed)
	case m.b.queue == 0:
		return fmt.Errorf("opencl: %s: %w", op, errClosed)
	case offset < 0 || offset > m.size || int64(n) > m.size-offset:
		return fmt.Errorf("opencl: %s: %d bytes at offset %d are outside the %d-byte buffer", op, n, offset, m.size)
	}
	return nil
}

// Write copies src to the buffer at offset; it returns once the copy is
// done.
func (m *memory) Write(offset int64, src []byte) error {
	m.b.mu.Lock()
	defer m.b.mu.Unlock()
	if err := m.check("Write", offset, len(src)); err != nil || len(src) == 0 {
		return err
	}
	return m.b.dev.api.write(m.b.queue, m.id, offset, src)
}

// Read copies the buffer at offset into dst; it returns once the copy is
// done.
func (m *memory) Read(offset int64, dst []byte) error {
	m.b.mu.Lock()
	defer m.b.mu.Unlock()
	if err := m.check("Read", offset, len(dst)); err != nil || len(dst) == 0 {
		return err
	}
	return m.b.dev.api.read(m.b.queue, m.id, offset, dst)
}

// Copy copies n bytes from src at srcOff to the buffer at dstOff on the
// device (clEnqueueCopyBuffer), in queue order after the launched kernels.
func (m *memory) Copy(dstOff int64, src runtime.Memory, srcOff, n int64) error {
	m.b.mu.Lock()
	defer m.b.mu.Unlock()
	s, ok := src.(*memory)
	switch {
	case !ok || s == nil:
		return fmt.Errorf("opencl: Copy: memory %T is not OpenCL memory", src)
	case s.b.dev != m.b.dev:
		return errors.New("opencl: Copy: memory belongs to another OpenCL device")
	case n < 0 || n > int64(^uint(0)>>1):
		return fmt.Errorf("opencl: Copy: invalid length %d", n)
	}
	if err := m.check("Copy", dstOff, int(n)); err != nil {
		return err
	}
	if err := s.check("Copy", srcOff, int(n)); err != nil || n == 0 {
		return err
	}
	if s == m && srcOff < dstOff+n && dstOff < srcOff+n {
		return errors.New("opencl: Copy: the regions overlap")
	}
	return m.b.dev.api.copyBuffer(m.b.queue, s.id, m.id, srcOff, dstOff, uintptr(n))
}

// writeZeros zeroes the whole buffer with blocking writes.
func (m *memory) writeZeros() error {
	zeros := make([]byte, min(m.size, 1<<20))
	for off := int64(0); off < m.size; off += int64(len(zeros)) {
		n := min(int64(len(zeros)), m.size-off)
		if err := m.b.dev.api.write(m.b.queue, m.id, off, zeros[:n]); err != nil {
			return err
		}
	}
	return nil
}

// Free releases the buffer. OpenCL keeps it until the kernels queued with
// it have finished.
func (m *memory) Free() error {
	m.b.mu.Lock()
	defer m.b.mu.Unlock()
	if m.freed {
		return fmt.Errorf("opencl: Free: %w", errFreed)
	}
	m.freed = true
	a := m.b.dev.api
	return a.release("clReleaseMemObject", a.releaseMemObject, m.id)
}
