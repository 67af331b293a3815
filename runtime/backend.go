package runtime

import (
	"fmt"
	"sort"
	"sync"

	"github.com/dotcompute/dc"
)

// Priorities of the backends this module ships. Open tries registered
// backends from the highest priority to the lowest; a third-party backend
// picks a number relative to these.
const (
	PriorityCPU    = 0
	PriorityOpenCL = 100
	PriorityMetal  = 200
	PriorityCUDA   = 300
)

// Driver opens a Backend. A backend package registers one Driver in its init
// function with Register, as database/sql drivers do.
type Driver interface {
	// Open opens the backend's default device. It returns an error, never
	// panics, when the native library or a device is missing; Open then
	// tries the next backend.
	Open() (Backend, error)
}

// Backend is one open device of one compute API: the plugin interface that
// the cuda, metal, opencl and cpu backends implement, and that third parties
// implement to add a backend.
//
// The runtime serializes every call into a Backend and its Memory: at most
// one method runs at a time for one Backend. It validates every launch before
// calling Launch (arguments match the kernel's parameters, buffers belong to
// this device and are open, the grid fits Info's limits), so a backend only
// reports what its native API reports.
//
// Errors are values prefixed with the backend name and name the failing
// native call and code ("cuda: cuLaunchKernel: CUDA_ERROR_INVALID_VALUE").
// The runtime wraps them in a *KernelError or a plain "runtime: ..." error,
// keeping them reachable with errors.Is and errors.As.
type Backend interface {
	// Info describes the device. It is called once, right after Open; the
	// runtime sets DeviceInfo.Backend to the registered name itself.
	Info() DeviceInfo

	// Alloc allocates size bytes of device memory, zeroed. size may be 0;
	// the returned Memory must still be usable (and transfers of it are
	// never requested). Alloc is never called on a backend whose
	// DeviceInfo.HostMemory is true.
	Alloc(size int64) (Memory, error)

	// Launch runs one kernel, described by c. It may return before the
	// kernel finishes (work queued in order, as on a CUDA stream); Sync
	// waits for it. Kernels launched in order execute in order, and a
	// Memory transfer requested after a Launch observes that kernel's
	// effects once Sync has returned: the runtime calls Sync before copying
	// device memory back, and relies on in-order execution for copies to
	// the device.
	//
	// Device backends compile c.Kernel.Module once per device and cache
	// the result keyed by the *Module pointer (one Module holds every
	// kernel of one Go package), then look up the entry point
	// c.Kernel.Name. A compile error carries the compiler log.
	//
	// A host-memory backend (the CPU) runs c.CPU, the generated Go body,
	// possibly after Launch returned: the runtime calls Sync before the
	// host copies of buffers are read, written or freed. Every backend
	// must be done with c, its Args and their Scalar bytes when Launch
	// returns: pass the values to the native API (cuLaunchKernel and
	// clSetKernelArg copy them), or copy them to run the kernel later, as
	// the CPU backend does. The runtime reuses them for the next launch,
	// so that launches allocate nothing.
	Launch(c *Call) error

	// Sync waits until all launched work has finished and reports any
	// error it produced. A backend that knows which kernel failed may
	// return a *KernelError naming it; the runtime returns that as is.
	Sync() error

	// Close releases the device. The runtime frees every Memory it
	// allocated before calling Close, and calls it once.
	Close() error
}

// Memory is one device allocation made by Backend.Alloc. Offsets and
// lengths are in bytes; the runtime keeps them within the allocation.
type Memory interface {
	// Write copies src to the device memory at offset.
	Write(offset int64, src []byte) error
	// Read copies device memory at offset into dst. The runtime calls
	// Backend.Sync first when kernels may still be writing it.
	Read(offset int64, dst []byte) error
	// Free releases the memory. The runtime calls it once, after Sync when
	// kernels may still use it.
	Free() error
}

// DeviceInfo describes a device: what callers and tests need to choose
// kernels, and the limits the runtime checks before every launch.
type DeviceInfo struct {
	Name              string  // human-readable device name, e.g. "NVIDIA H100" or "amd64 CPU, 16 cores"
	Backend           string  // registered backend name: "cuda", "metal", "opencl", "cpu"
	Float64           bool    // kernels may use float64
	MaxGroupSize      int     // most threads in one group (product of the group size)
	MaxGroupDims      dc.Dim3 // largest group size per dimension
	MaxGroups         dc.Dim3 // largest number of groups per dimension; 0 means no limit
	SharedMemoryBytes int     // group-shared memory available to one group
	// HostMemory reports that the device works on host memory directly
	// (the CPU backend). The runtime then keeps only the host copy of a
	// buffer, never calls Alloc, and passes buffers as CallArg.Host.
	HostMemory bool
	// MSL reports that the device runs Module.MSL (a Metal device): the
	// runtime refuses kernels whose Kernel.NotOnMetal is set before
	// anything runs.
	MSL bool

	// Index is the device's position in its backend's list (see
	// DeviceLister and Devices): what WithDevice opens.
	Index int
	// MemoryBytes is the device's memory (host memory on the CPU), 0 if
	// unknown.
	MemoryBytes int64
	// ComputeUnits is the number of units that run groups in parallel:
	// CUDA streaming multiprocessors, OpenCL compute units, CPU cores.
	// 0 if unknown.
	ComputeUnits int
	// Driver names the driver or platform and its version, e.g. "CUDA
	// 12.4" or "OpenCL 3.0 PoCL 5.0 (driver 5.0)"; "" if unknown.
	Driver string
}

// Call is one kernel launch, as the runtime hands it to Backend.Launch after
// validating it.
type Call struct {
	Kernel *Kernel
	// Entry is the device entry point to launch: Kernel.Name, or
	// Kernel.Aliased when buffers of this launch overlap, with FastSuffix
	// when Fast is set.
	Entry string
	// Fast says the launch runs the kernel's fast entry point: every one
	// of Kernel.FastIf holds, so the checks they prove are left out.
	Fast bool
	Grid dc.Grid
	// Args holds one entry per Kernel.Params element, in order.
	Args []CallArg
	// CPU is the generated Go body of the kernel, nil if it has none, to
	// be called with the Call itself. It reads and writes buffers through
	// the Host memory of Args (and a checked kernel its fault record), so
	// the runtime can run it on other memory than the buffers' own: the
	// host copies of a validated launch (WithValidation) or of a launch
	// that fell back to the CPU (WithFallback). Only host-memory backends
	// call it.
	CPU func(c *Call) error
}

// Aliased reports whether the launch runs the kernel's aliased entry point
// (Kernel.Aliased, with FastSuffix when Fast is set): one buffer is passed
// both to a parameter the kernel only reads and to one it writes.
func (c *Call) Aliased() bool {
	if c.Kernel == nil {
		return false
	}
	a := c.Kernel.Aliased
	if a == "" || len(c.Entry) < len(a) || c.Entry[:len(a)] != a {
		return false
	}
	rest := c.Entry[len(a):]
	return rest == "" || rest == FastSuffix
}

// CallArg is one argument of a Call.
type CallArg struct {
	// Memory is the device memory of a buffer argument, current for this
	// launch. It is nil for scalars and on host-memory backends.
	Memory Memory
	// Host is the host memory of a buffer argument on a host-memory
	// backend, nil otherwise.
	Host []byte
	// Len is the number of elements of a buffer argument (kernels see it as
	// len of the slice parameter); the element size is Param.Size.
	Len int
	// Scalar holds the bytes of a scalar argument in Go's memory layout
	// (little-endian on every supported platform), len(Scalar) == Param.Size.
	// It is nil for buffers.
	Scalar []byte
}

type registration struct {
	name     string
	priority int
	driver   Driver
}

var (
	registryMu sync.Mutex
	registry   = map[string]registration{}
)

// Register makes a backend available under name, tried by Open in
// decreasing priority. It is meant to be called from a backend package's
// init function. It panics if d is nil or name is already registered, as
// database/sql.Register does.
func Register(name string, priority int, d Driver) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if d == nil {
		panic("runtime: Register driver is nil")
	}
	if name == "" {
		panic("runtime: Register name is empty")
	}
	if _, dup := registry[name]; dup {
		panic(fmt.Sprintf("runtime: Register called twice for backend %s", name))
	}
	registry[name] = registration{name: name, priority: priority, driver: d}
}

// Backends returns the names of the registered backends, sorted.
func Backends() []string {
	registryMu.Lock()
	defer registryMu.Unlock()
	names := make([]string, 0, len(registry))
	for name := range registry {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// byPriority returns the registered backends, highest priority first, ties
// by name.
func byPriority() []registration {
	registryMu.Lock()
	defer registryMu.Unlock()
	regs := make([]registration, 0, len(registry))
	for _, r := range registry {
		regs = append(regs, r)
	}
	sort.Slice(regs, func(i, j int) bool {
		if regs[i].priority != regs[j].priority {
			return regs[i].priority > regs[j].priority
		}
		return regs[i].name < regs[j].name
	})
	return regs
}

func lookup(name string) (registration, bool) {
	registryMu.Lock()
	defer registryMu.Unlock()
	r, ok := registry[name]
	return r, ok
}
