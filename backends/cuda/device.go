package cuda

import (
	"errors"
	"fmt"
	"os"
	"path"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dotcompute/dc/runtime"
)

// EnvDevice is the environment variable that picks the CUDA device Open
// uses: an index (0, 1, ...) in the driver's enumeration order, or a
// case-insensitive substring of the device name ("H100", "a100").
const EnvDevice = "DC_CUDA_DEVICE"

// DeviceDesc describes one CUDA device, as Devices lists them.
type DeviceDesc struct {
	Index        int    // ordinal in the driver's enumeration (what DC_CUDA_DEVICE=N picks)
	Name         string // e.g. "NVIDIA H100 80GB HBM3"
	UUID         string // "GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", as nvidia-smi prints it
	Major, Minor int    // compute capability, e.g. 9 and 0
	SMs          int    // streaming multiprocessors
	WarpSize     int
	// MaxThreadsPerBlock is the most threads one group may have.
	MaxThreadsPerBlock int
	// SharedMemoryPerBlock is the static shared memory one group may use
	// (what dc kernels' shared arrays are); SharedMemoryPerBlockOptin is the
	// larger amount a kernel may use when it opts in to dynamic shared memory.
	SharedMemoryPerBlock      int
	SharedMemoryPerBlockOptin int
	TotalMemory               uint64 // bytes of device memory
}

// CC returns the compute capability as one number, e.g. 90 for 9.0.
func (d DeviceDesc) CC() int { return d.Major*10 + d.Minor }

// String returns "N: name (sm_XY, M MiB)".
func (d DeviceDesc) String() string {
	return fmt.Sprintf("%d: %s (sm_%d, %d SMs, %d MiB)", d.Index, d.Name, d.CC(), d.SMs, d.TotalMemory>>20)
}

// initDriver loads the driver library and initializes it. A failure names
// the library and its CUDA version, so "no device" and "no driver" read
// differently.
func initDriver() (*driverAPI, error) {
	a, err := loadDriver()
	if err != nil {
		return nil, err
	}
	if err := a.init(); err != nil {
		var e *Error
		if errors.As(err, &e) && e.Detail == "" {
			e.Detail = fmt.Sprintf("%s (driver %s, CUDA %d.%d)", a.errorString(e.Code), a.path, a.version/1000, a.version%1000/10)
		}
		return nil, err
	}
	return a, nil
}

// Devices lists the CUDA devices of this machine. It returns an error
// (matching ErrDriverNotFound or ErrNoDevice) when there is no driver or
// no device.
func Devices() ([]DeviceDesc, error) {
	a, err := initDriver()
	if err != nil {
		return nil, err
	}
	return enumerate(a)
}

// enumerate describes every device the driver sees.
func enumerate(a *driverAPI) ([]DeviceDesc, error) {
	n, err := a.deviceCount()
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, &Error{Call: "cuDeviceGetCount", Code: Result(100), Detail: "the driver sees no device"}
	}
	descs := make([]DeviceDesc, n)
	for i := range descs {
		d, err := a.device(i)
		if err != nil {
			return nil, err
		}
		if descs[i], err = describe(a, i, d); err != nil {
			return nil, err
		}
	}
	return descs, nil
}

// describe queries device d, ordinal i.
func describe(a *driverAPI, i int, d cuDevice) (DeviceDesc, error) {
	desc := DeviceDesc{Index: i}
	var err error
	if desc.Name, err = a.deviceName(d); err != nil {
		return desc, err
	}
	uuid, err := a.deviceUUID(d)
	if err != nil {
		return desc, err
	}
	desc.UUID = formatUUID(uuid)
	for _, q := range []struct {
		attr deviceAttr
		dst  *int
	}{
		{attrComputeCapabilityMajor, &desc.Major},
		{attrComputeCapabilityMinor, &desc.Minor},
		{attrMultiprocessorCount, &desc.SMs},
		{attrWarpSize, &desc.WarpSize},
		{attrMaxThreadsPerBlock, &desc.MaxThreadsPerBlock},
		{attrMaxSharedMemoryPerBlock, &desc.SharedMemoryPerBlock},
		{attrMaxSharedMemoryPerBlockOptin, &desc.SharedMemoryPerBlockOptin},
	} {
		if *q.dst, err = a.deviceAttr(d, q.attr); err != nil {
			return desc, err
		}
	}
	if desc.TotalMemory, err = a.deviceTotalMem(d); err != nil {
		return desc, err
	}
	return desc, nil
}

// formatUUID formats a device UUID as nvidia-smi does.
func formatUUID(u [16]byte) string {
	h := fmt.Sprintf("%x", u[:])
	return "GPU-" + h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// choose returns the index into descs of the device that sel (the value
// of DC_CUDA_DEVICE) picks, or 0 when sel is empty.
func choose(descs []DeviceDesc, sel string) (int, error) {
	sel = strings.TrimSpace(sel)
	if sel == "" {
		return 0, nil
	}
	if n, err := strconv.Atoi(sel); err == nil {
		if n >= 0 && n < len(descs) {
			return n, nil
		}
	} else {
		for i, d := range descs {
			if strings.Contains(strings.ToLower(d.Name), strings.ToLower(sel)) {
				return i, nil
			}
		}
	}
	list := make([]string, len(descs))
	for i, d := range descs {
		list[i] = d.String()
	}
	return 0, fmt.Errorf("cuda: %s=%q matches no device; the devices are: %s", EnvDevice, sel, strings.Join(list, "; "))
}

// device is one CUDA device, shared by every Open of it in the process:
// like the driver's primary context, which every Open retains, it holds
// the modules loaded into that context.
type device struct {
	api  *driverAPI
	dev  cuDevice
	desc DeviceDesc
	info runtime.DeviceInfo

	mu      sync.Mutex
	refs    int     // Opens holding the primary context
	ctx     uintptr // the primary context while refs > 0
	modules map[*runtime.Module]*module

	// failed is the sticky error that made the context unusable, nil
	// while it works. It is cleared when the last Open closes, which
	// destroys the context.
	failed atomic.Pointer[failure]
}

// failure wraps a sticky error.
type failure struct{ err error }

// module is one runtime.Module loaded into a device's context.
type module struct {
	mod   uintptr // CUmodule, 0 if loading failed
	image *Image
	err   error
}

var (
	devicesMu sync.Mutex
	devices   = map[int]*device{}
)

// deviceFor returns the shared state of the device with ordinal desc.Index.
func deviceFor(a *driverAPI, desc DeviceDesc) (*device, error) {
	devicesMu.Lock()
	defer devicesMu.Unlock()
	if d := devices[desc.Index]; d != nil {
		return d, nil
	}
	cd, err := a.device(desc.Index)
	if err != nil {
		return nil, err
	}
	d := &device{api: a, dev: cd, desc: desc, modules: map[*runtime.Module]*module{}}
	d.info = runtime.DeviceInfo{
		Name:              desc.Name,
		Backend:           "cuda",
		Float64:           true,
		MaxGroupSize:      desc.MaxThreadsPerBlock,
		SharedMemoryBytes: desc.SharedMemoryPerBlock,
		Index:             desc.Index,
		MemoryBytes:       int64(min(desc.TotalMemory, 1<<63-1)),
		ComputeUnits:      desc.SMs,
		Driver:            driverString(a),
	}
	for _, q := range []struct {
		attr deviceAttr
		dst  *int
	}{
		{attrMaxGridDimX, &d.info.MaxGroups.X},
		{attrMaxGridDimY, &d.info.MaxGroups.Y},
		{attrMaxGridDimZ, &d.info.MaxGroups.Z},
		{attrMaxBlockDimX, &d.info.MaxGroupDims.X},
		{attrMaxBlockDimY, &d.info.MaxGroupDims.Y},
		{attrMaxBlockDimZ, &d.info.MaxGroupDims.Z},
	} {
		var err error
		if *q.dst, err = a.deviceAttr(cd, q.attr); err != nil {
			return nil, err
		}
	}
	devices[desc.Index] = d
	return d, nil
}

// retain makes the device's primary context live for one more Open.
func (d *device) retain() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.refs == 0 {
		ctx, err := d.api.primaryCtxRetain(d.dev)
		if err != nil {
			return err
		}
		d.ctx = ctx
	}
	d.refs++
	return nil
}

// release ends one Open's use of the device. The last one unloads the
// modules and releases the primary context, which the driver then
// destroys, together with a sticky failure.
func (d *device) release() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.refs--
	if d.refs > 0 {
		return nil
	}
	var errs []error
	failed := d.failed.Load() != nil
	if !failed {
		if err := d.enter(nil); err != nil {
			errs = append(errs, err)
		} else {
			for m, mod := range d.modules {
				if mod.mod != 0 {
					errs = append(errs, d.api.moduleUnload(mod.mod))
				}
				delete(d.modules, m)
			}
			leave()
		}
	}
	clear(d.modules)
	errs = append(errs, d.api.primaryCtxRelease(d.dev))
	d.ctx = 0
	d.failed.Store(nil)
	return errors.Join(errs...)
}

// enter locks the calling goroutine to its OS thread and makes the
// device's context current on it; leave undoes the lock. Every native call
// that needs the context runs between the two, so the context never leaks
// to another goroutine's calls. s is the caller's scratch for the native
// calls (nil allocates one): the launch path passes its backend's, so
// entering allocates nothing.
func (d *device) enter(s *driverScratch) error {
	goruntime.LockOSThread()
	cur, err := d.api.ctxGetCurrent(s)
	if err == nil && cur != d.ctx {
		err = d.api.ctxSetCurrent(d.ctx)
	}
	if err != nil {
		goruntime.UnlockOSThread()
		return err
	}
	return nil
}

// leave ends what enter began.
func leave() { goruntime.UnlockOSThread() }

// check returns the device's sticky failure, if any.
func (d *device) check() error {
	if f := d.failed.Load(); f != nil {
		return f.err
	}
	return nil
}

// fail records err if it is a sticky error: the context is unusable, so
// every later call on the device returns it at once. It returns err.
func (d *device) fail(err error) error {
	var e *Error
	if err == nil || !errors.As(err, &e) || !e.Code.Sticky() {
		return err
	}
	f := &failure{err: &stickyError{device: d.desc.Name, err: err}}
	d.failed.CompareAndSwap(nil, f)
	return err
}

// stickyError is the error every call on a device returns after a sticky
// error made its context unusable.
type stickyError struct {
	device string
	err    error
}

func (e *stickyError) Error() string {
	return fmt.Sprintf("cuda: %s is unusable after an earlier error (%v): close every Device of it and open it again", e.device, e.err)
}

func (e *stickyError) Unwrap() error { return e.err }

// moduleName is the file name NVRTC gives m's source in messages that no
// #line directive covers.
func moduleName(m *runtime.Module) string {
	name := path.Base(m.Package)
	if name == "." || name == "/" || name == "" {
		name = "module"
	}
	return name + ".cu"
}

// module returns m loaded into the device's context, compiling it (or
// taking it from the kernel cache) on first use. A failure is remembered
// and returned again. The caller must have entered the context.
func (d *device) module(m *runtime.Module) (*module, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if mod := d.modules[m]; mod != nil {
		return mod, mod.err
	}
	mod := &module{}
	if m.CUDA == "" {
		mod.err = fmt.Errorf("cuda: module %s has no CUDA source: regenerate it with dckgen", m.Package)
	} else {
		mod.image, mod.err = DefaultCompiler().Load(m.CUDA, moduleName(m), d.desc.CC(), func(image []byte, ptx bool) (string, error) {
			h, _, err := d.api.moduleLoad(image, ptx)
			if err != nil {
				var e *Error
				if errors.As(err, &e) {
					return e.Log, d.fail(err)
				}
				return "", err
			}
			mod.mod = h
			return "", nil
		})
		if mod.err != nil {
			hint := ""
			if errors.Is(mod.err, ErrUnsupportedPTXVersion) || errors.Is(mod.err, ErrNoBinaryForGPU) {
				hint = fmt.Sprintf(" (the driver supports CUDA %d.%d: NVRTC may be newer than the driver; install a newer driver or point DC_NVRTC_DIR at an NVRTC no newer than it)",
					d.api.version/1000, d.api.version%1000/10)
			}
			mod.err = fmt.Errorf("cuda: module %s for %s%s: %w", m.Package, d.desc.Name, hint, mod.err)
		}
	}
	d.modules[m] = mod
	return mod, mod.err
}

// cudaDriver opens the CUDA device DC_CUDA_DEVICE selects.
type cudaDriver struct{}

func init() {
	runtime.Register("cuda", runtime.PriorityCUDA, cudaDriver{})
}

// Open opens the selected device with a stream of its own.
func (cudaDriver) Open() (runtime.Backend, error) {
	b, err := openIndex(-1)
	if err != nil {
		return nil, absent(err)
	}
	return b, nil
}

// openIndex opens device index in the driver's order, or, when index is
// -1, the device DC_CUDA_DEVICE selects, with a stream of its own.
func openIndex(index int) (*backend, error) {
	a, err := initDriver()
	if err != nil {
		return nil, err
	}
	descs, err := enumerate(a)
	if err != nil {
		return nil, err
	}
	i := index
	if i == -1 {
		if i, err = choose(descs, os.Getenv(EnvDevice)); err != nil {
			return nil, err
		}
	} else if i < 0 || i >= len(descs) {
		return nil, fmt.Errorf("cuda: there is no device %d: there are %d (Devices lists them)", index, len(descs))
	}
	d, err := deviceFor(a, descs[i])
	if err != nil {
		return nil, err
	}
	if err := d.retain(); err != nil {
		return nil, err
	}
	b := &backend{dev: d, funcs: map[funcKey]*function{}}
	if err := d.enter(&b.hot); err != nil {
		return nil, errors.Join(err, d.release())
	}
	b.stream, err = d.api.streamCreate(true)
	leave()
	if err != nil {
		return nil, errors.Join(err, d.release())
	}
	return b, nil
}
