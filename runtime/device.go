package runtime

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
)

// EnvBackend is the environment variable Open reads to pick a backend by
// name when no WithBackend option is given.
const EnvBackend = "DC_BACKEND"

// Option configures Open.
type Option func(*options)

type options struct {
	backend string
}

// WithBackend makes Open use the backend registered under name, and nothing
// else: it overrides DC_BACKEND, and a failure to open it is an error rather
// than a fallback.
func WithBackend(name string) Option {
	return func(o *options) { o.backend = name }
}

// Device is an open compute device of one backend. Its methods and those of
// its buffers are safe for concurrent use; launches on one Device run one at
// a time.
type Device struct {
	name    string
	backend Backend
	info    DeviceInfo

	mu      sync.Mutex
	closed  bool
	pending bool // launched work may not have finished
	stats   Stats
	buffers map[*buffer]struct{}
	faults  faultState
}

// Stats counts what a Device did: launches and host/device transfers. Tests
// use it to check that transfers happen only when needed.
type Stats struct {
	Launches          int64 // kernels handed to the backend
	HostToDevice      int64 // copies from host to device memory
	DeviceToHost      int64 // copies from device to host memory
	BytesHostToDevice int64
	BytesDeviceToHost int64
	Allocs            int64 // device allocations (buffers on host-memory devices need none)
}

// Open opens a device. With WithBackend it opens that backend; otherwise,
// if the DC_BACKEND environment variable names a backend, that one; otherwise
// the registered backends are tried from the highest priority down
// (cuda > metal > opencl > cpu) and the first that opens is used. A backend
// is registered by importing its package, e.g.
//
//	import _ "github.com/dotcompute/dc/backends/cpu"
func Open(opts ...Option) (*Device, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	name := o.backend
	if name == "" {
		name = os.Getenv(EnvBackend)
	}
	if name != "" {
		r, ok := lookup(name)
		if !ok {
			return nil, fmt.Errorf("runtime: unknown backend %q (registered: %s)", name, registeredList())
		}
		b, err := openDriver(r.driver)
		if err != nil {
			return nil, fmt.Errorf("runtime: open backend %s: %w", name, err)
		}
		return newDevice(name, b), nil
	}
	regs := byPriority()
	if len(regs) == 0 {
		return nil, errors.New(`runtime: no backend registered (import _ "github.com/dotcompute/dc/backends/cpu")`)
	}
	var failed []error
	for _, r := range regs {
		b, err := openDriver(r.driver)
		if err == nil {
			return newDevice(r.name, b), nil
		}
		failed = append(failed, &backendError{name: r.name, err: err})
	}
	return nil, &openError{failed: failed}
}

// openDriver opens d, turning a driver that returns neither a backend nor
// an error into an error.
func openDriver(d Driver) (Backend, error) {
	b, err := d.Open()
	if err == nil && b == nil {
		err = errors.New("driver returned no backend and no error")
	}
	return b, err
}

func registeredList() string {
	names := Backends()
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// backendError is the failure of one backend's Driver.Open.
type backendError struct {
	name string
	err  error
}

func (e *backendError) Error() string {
	msg := e.err.Error()
	if strings.HasPrefix(msg, e.name+": ") {
		return msg
	}
	return e.name + ": " + msg
}

func (e *backendError) Unwrap() error { return e.err }

// openError reports that no registered backend could be opened.
type openError struct {
	failed []error
}

func (e *openError) Error() string {
	msgs := make([]string, len(e.failed))
	for i, err := range e.failed {
		msgs[i] = err.Error()
	}
	return "runtime: no backend could be opened: " + strings.Join(msgs, "; ")
}

func (e *openError) Unwrap() []error { return e.failed }

func newDevice(name string, b Backend) *Device {
	info := b.Info()
	info.Backend = name
	return &Device{name: name, backend: b, info: info, buffers: map[*buffer]struct{}{}}
}

// Backend returns the name of the device's backend ("cuda", "cpu", ...).
func (d *Device) Backend() string { return d.name }

// Info describes the device. It stays valid after Close.
func (d *Device) Info() DeviceInfo { return d.info }

// String returns the backend and device name.
func (d *Device) String() string { return d.name + ": " + d.info.Name }

// Stats returns the device's counters so far.
func (d *Device) Stats() Stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stats
}

// Sync waits until all work launched on the device has finished and returns
// the first error it produced.
func (d *Device) Sync() error {
	if d == nil {
		return fmt.Errorf("runtime: sync: %w", errNilDevice)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return fmt.Errorf("runtime: sync: %w", ErrDeviceClosed)
	}
	return d.syncLocked()
}

func (d *Device) syncLocked() error {
	if !d.pending {
		return d.takeFault()
	}
	d.pending = false
	if err := d.backend.Sync(); err != nil {
		return fmt.Errorf("runtime: sync: %w", err)
	}
	return d.takeFault()
}

// Close waits for launched work, frees every buffer of the device and
// releases it. The buffers and the device are unusable afterwards (their
// methods return errors); closing again, or a nil Device, returns nil.
func (d *Device) Close() error {
	if d == nil {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	var errs []error
	if err := d.syncLocked(); err != nil {
		errs = append(errs, err)
	}
	for b := range d.buffers {
		if err := b.free(); err != nil {
			errs = append(errs, err)
		}
		b.closed = true
	}
	d.buffers = nil
	if err := d.faults.free(); err != nil {
		errs = append(errs, err)
	}
	if err := d.backend.Close(); err != nil {
		errs = append(errs, fmt.Errorf("runtime: close %s: %w", d.name, err))
	}
	return errors.Join(errs...)
}
