package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// EnvBackend is the environment variable Open reads to pick a backend by
// name when no WithBackend option is given.
const EnvBackend = "DC_BACKEND"

// Option configures Open.
type Option func(*options)

type options struct {
	backend   string
	device    int        // with hasDevice: the index WithDevice asks for
	hasDevice bool       // WithDevice was given
	profile   bool       // WithProfiling was given
	mem       memOptions // the memory pool, validation and fallback (pool.go)
}

// WithBackend makes Open use the backend registered under name, and nothing
// else: it overrides DC_BACKEND, and a failure to open it is an error rather
// than a fallback.
func WithBackend(name string) Option {
	return func(o *options) { o.backend = name }
}

// Device is an open compute device of one backend. Its methods and those of
// its buffers are safe for concurrent use; launches on one Device run one at
// a time. Every method accepts a nil *Device and a zero Device (one not made
// by Open): it returns an error, or a zero value where it has no error
// result, and never panics.
type Device struct {
	name    string
	backend Backend
	info    DeviceInfo

	mu      sync.Mutex
	closed  bool
	pending bool  // launched work may not have finished (on host-memory devices the backend is always asked)
	syncErr error // the failure of launched work that was waited for but not yet reported
	stats   Stats
	buffers map[*buffer]struct{}
	faults  faultState
	mem     memState // the memory pool, validation and fallback (pool.go)

	prof      profiler
	call      Call              // reused by every launch
	scalars   []byte            // the scalar arguments' bytes of the launch in d.call
	fastNames map[string]string // entry point -> its fast variant's name
}

// Stats counts what a Device did: launches and host/device transfers. Tests
// use it to check that transfers happen only when needed.
type Stats struct {
	Launches          int64 // kernels handed to the backend
	FastLaunches      int64 // launches whose launch conditions let them run without some checks (Kernel.FastIf)
	HostToDevice      int64 // copies from host to device memory
	DeviceToHost      int64 // copies from device to host memory
	BytesHostToDevice int64
	BytesDeviceToHost int64
	// DeviceToDevice counts Copy calls that stayed on the device.
	DeviceToDevice      int64
	BytesDeviceToDevice int64
	Allocs              int64 // device allocations (buffers on host-memory devices need none)
}

// Open opens a device. With WithDevice it opens that device, with
// WithBackend that backend's default device; otherwise, if the DC_BACKEND
// environment variable names a backend, that one; otherwise the registered
// backends are tried from the highest priority down (cuda > metal > opencl
// > cpu) and the first that opens is used. A backend named explicitly
// never falls back: its failure is Open's error. A backend is registered
// by importing its package, e.g.
//
//	import _ "github.com/dotcompute/dc/backends/cpu"
//
// Open logs through log/slog (see EnvLog) each backend it tries, why it
// skipped one (a warning unless the backend is absent: ErrUnavailable) and
// what it chose.
func Open(opts ...Option) (*Device, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	name, why := o.backend, "WithBackend"
	if o.hasDevice {
		why = "WithDevice"
		if name == "" {
			return nil, errors.New("runtime: WithDevice: the DeviceInfo names no backend (use one that Devices returned)")
		}
	}
	if name == "" {
		name, why = os.Getenv(EnvBackend), EnvBackend
	}
	if name != "" {
		r, ok := lookup(name)
		if !ok {
			return nil, fmt.Errorf("runtime: unknown backend %q (registered: %s)", name, registeredList())
		}
		logTry(name, why)
		start := time.Now()
		var b Backend
		var err error
		if o.hasDevice {
			b, err = openIndex(r, o.device)
		} else {
			b, err = openDriver(r.driver)
		}
		if err != nil {
			// Named explicitly: an error, never a fallback.
			return nil, fmt.Errorf("runtime: open backend %s: %w", name, err)
		}
		d := newDevice(name, b, &o)
		logOpened(d, why, time.Since(start))
		return d, nil
	}
	regs := byPriority()
	if len(regs) == 0 {
		return nil, errors.New(`runtime: no backend registered (import _ "github.com/dotcompute/dc/backends/cpu")`)
	}
	var failed []error
	for _, r := range regs {
		logTry(r.name, "priority")
		start := time.Now()
		b, err := openDriver(r.driver)
		if err == nil {
			d := newDevice(r.name, b, &o)
			logOpened(d, "priority", time.Since(start))
			return d, nil
		}
		logSkip(r.name, err)
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

func newDevice(name string, b Backend, o *options) *Device {
	info := b.Info()
	info.Backend = name
	d := &Device{name: name, backend: b, info: info, buffers: map[*buffer]struct{}{}}
	d.startProfile(o.profile || profileFromEnv())
	d.mem.setup(&o.mem)
	return d
}

// usable reports why d cannot be used, when d is nil or a zero Device, or
// nil.
func (d *Device) usable() error {
	switch {
	case d == nil:
		return errNilDevice
	case d.backend == nil:
		return errZeroDevice
	}
	return nil
}

// Backend returns the name of the device's backend ("cuda", "cpu", ...),
// or "" for a nil or zero Device.
func (d *Device) Backend() string {
	if d == nil {
		return ""
	}
	return d.name
}

// Info describes the device. It stays valid after Close. It is the zero
// DeviceInfo for a nil or zero Device.
func (d *Device) Info() DeviceInfo {
	if d == nil {
		return DeviceInfo{}
	}
	return d.info
}

// String returns the backend and device name.
func (d *Device) String() string {
	if d.usable() != nil {
		return "<no device>"
	}
	return d.name + ": " + d.info.Name
}

// Stats returns the device's counters so far.
func (d *Device) Stats() Stats {
	if d == nil {
		return Stats{}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stats
}

// Sync waits until all work launched on the device has finished and returns
// the first error it produced. A kernel that failed on the CPU backend,
// whose launches run asynchronously too, is reported here (or by the next
// Buffer.Read) as a *KernelError naming the kernel.
func (d *Device) Sync() error {
	if err := d.usable(); err != nil {
		return fmt.Errorf("runtime: sync: %w", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return fmt.Errorf("runtime: sync: %w", ErrDeviceClosed)
	}
	return d.syncLocked()
}

// syncLocked waits for launched work and returns its first unreported
// error. d.mu must be held.
func (d *Device) syncLocked() error {
	d.waitLocked()
	err := d.syncErr
	d.syncErr = nil
	if err != nil {
		return err
	}
	return d.takeFault()
}

// waitLocked waits for launched work, keeping its error for the next
// syncLocked. Host-memory backends are always asked: the runtime does not
// track their launches as pending, and their kernels work on the host
// copies that the caller is about to use. d.mu must be held.
func (d *Device) waitLocked() {
	if !d.pending && !d.info.HostMemory {
		return
	}
	d.pending = false
	d.recordLocked(d.backendSync())
}

// recordLocked keeps err, the failure of launched work, for the next
// syncLocked, unless an earlier failure is still unreported. d.mu must be
// held.
func (d *Device) recordLocked(err error) {
	if err == nil || d.syncErr != nil {
		return
	}
	var ke *KernelError
	if errors.As(err, &ke) {
		// A backend that knows the failing kernel (the CPU) names it
		// itself: "runtime: kernel Saxpy: cpu: ...".
		d.syncErr = err
		return
	}
	d.syncErr = fmt.Errorf("runtime: sync: %w", err)
}

// ContextSyncer is implemented by a Backend that can wait for launched work
// with cancellation; Device.SyncContext uses it when present. SyncContext
// returns ctx.Err(), or an error wrapping it, when ctx ends first; the work
// keeps running, and a later Sync or SyncContext waits for it and reports
// its errors. Like every Backend method it is called with no other method
// of the backend running.
//
// A backend without it still supports Device.SyncContext: the runtime then
// runs Backend.Sync on a goroutine of its own and stops waiting for it when
// ctx ends, while the device stays busy (its other methods wait) until Sync
// returns.
type ContextSyncer interface {
	SyncContext(ctx context.Context) error
}

// SyncContext is Sync with cancellation: it waits until all work launched
// on the device has finished and returns its first error, or, when ctx
// ends first, an error wrapping ctx.Err() (errors.Is(err,
// context.DeadlineExceeded) reports a deadline). It also returns at the
// deadline when another goroutine holds the device, for instance in a Read
// waiting for a long kernel.
//
// Work that is still running when ctx ends is not cancelled: no backend
// can stop a running kernel. A later Sync, SyncContext or Buffer.Read
// waits for it and reports its errors; Close waits for it too.
//
//   - cpu: the kernel keeps running on the device's worker goroutine until
//     its Go body returns; launches queued behind it run after it, and new
//     launches are accepted.
//   - opencl: the command queue stays busy (clFinish cannot be cancelled);
//     new launches are queued behind the running kernel.
//   - a backend without ContextSyncer: the device stays busy until the
//     backend's Sync returns; its methods wait until then.
func (d *Device) SyncContext(ctx context.Context) error {
	if err := d.usable(); err != nil {
		return fmt.Errorf("runtime: sync: %w", err)
	}
	if ctx == nil {
		return errors.New("runtime: sync: nil Context")
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("runtime: sync: %w", err)
	}
	w := &syncWait{done: make(chan struct{})}
	go func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		w.finish(d, d.syncContextLocked(ctx))
	}()
	select {
	case <-w.done:
		return w.err
	case <-ctx.Done():
		return w.abandon(ctx)
	}
}

// syncContextLocked is SyncContext once d.mu is held.
func (d *Device) syncContextLocked(ctx context.Context) error {
	if d.closed {
		return fmt.Errorf("runtime: sync: %w", ErrDeviceClosed)
	}
	cs, ok := d.backend.(ContextSyncer)
	if !ok {
		return d.syncLocked()
	}
	if d.pending || d.info.HostMemory {
		err := cs.SyncContext(ctx)
		if cerr := ctx.Err(); cerr != nil && errors.Is(err, cerr) {
			// The work is still running: it stays pending.
			return fmt.Errorf("runtime: sync: %w", err)
		}
		d.pending = false
		d.recordLocked(err)
		d.collectTimings()
	}
	err := d.syncErr
	d.syncErr = nil
	return err
}

// syncWait is one SyncContext waiting for the goroutine that syncs.
type syncWait struct {
	mu        sync.Mutex
	done      chan struct{} // closed by finish
	err       error
	abandoned bool // the caller returned before finish
}

// finish reports the sync's result to the waiting caller or, if it has
// returned already, keeps a failure of the work for the next Sync. d.mu
// must be held.
func (w *syncWait) finish(d *Device, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case !w.abandoned:
		w.err = err
	case err != nil && d.syncErr == nil && !errors.Is(err, context.Canceled) &&
		!errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, ErrDeviceClosed):
		// The caller is gone: the next Sync reports the work's failure.
		d.syncErr = err
	}
	close(w.done)
}

// abandon returns the result of the sync if it finished meanwhile, or else
// marks w abandoned and returns ctx's error.
func (w *syncWait) abandon(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	select {
	case <-w.done:
		return w.err
	default:
	}
	w.abandoned = true
	return fmt.Errorf("runtime: sync: %w", ctx.Err())
}

// Close waits for launched work, frees every buffer of the device and
// releases it. The buffers and the device are unusable afterwards (their
// methods return errors); closing again, or a nil or zero Device, returns
// nil.
func (d *Device) Close() error {
	if d.usable() != nil {
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
	if err := d.trimLocked(); err != nil {
		errs = append(errs, err)
	}
	if err := d.faults.free(); err != nil {
		errs = append(errs, err)
	}
	d.endProfile()
	if err := d.backend.Close(); err != nil {
		errs = append(errs, fmt.Errorf("runtime: close %s: %w", d.name, err))
	}
	return errors.Join(errs...)
}
