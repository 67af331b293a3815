package metal

import (
	"context"
	"errors"
	"fmt"
	"os"
	goruntime "runtime"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/ebitengine/purego/objc"

	"github.com/dotcompute/dc/runtime"
)

// open loads Metal, picks the device DC_METAL_DEVICE names (else the
// system default) and creates a command queue on it.
func open() (runtime.Backend, error) {
	a, err := loadAPI()
	if err != nil {
		return nil, err
	}
	var dev *device
	a.withPool(func() { dev, err = chosenDevice(a) })
	if err != nil {
		return nil, err
	}
	q := dev.mtl.newQueue()
	if q == 0 {
		return nil, &Error{Call: "newCommandQueue", Detail: "Metal returned no queue for " + dev.info.Name}
	}
	return &backend{api: a, dev: dev, queue: q}, nil
}

// chosenDevice returns the shared state of the device DC_METAL_DEVICE
// names, or of the system default device.
func chosenDevice(a *api) (*device, error) {
	sel := strings.TrimSpace(os.Getenv(EnvDevice))
	if sel == "" {
		d := a.defaultDevice()
		if d.id == 0 {
			// A Mac without a display may have no default device
			// but still list one.
			devs := a.allDevices()
			if len(devs) == 0 {
				return nil, runtime.Unavailable(fmt.Errorf("%w (MTLCreateSystemDefaultDevice returned nil)", ErrNoDevice))
			}
			for _, o := range devs[1:] {
				o.release()
			}
			d = devs[0]
		}
		return deviceFor(a, d), nil
	}
	devs := a.allDevices()
	names := make([]string, len(devs))
	for i, d := range devs {
		names[i] = goString(d.id.Send(selName))
	}
	i, err := chooseDevice(names, sel)
	for j, d := range devs {
		if err != nil || j != i {
			d.release()
		}
	}
	if err != nil {
		return nil, err
	}
	return deviceFor(a, devs[i]), nil
}

// device is one Metal device with its compiled libraries and pipeline
// states, shared by every Open of the device in the process: Metal
// objects that live as long as the process, never released.
type device struct {
	mtl    mtlDevice
	limits deviceLimits
	info   runtime.DeviceInfo

	mu        sync.Mutex
	libraries map[*runtime.Module]*library
}

// library is the result of compiling one module for one device.
type library struct {
	id        objc.ID // id<MTLLibrary>; 0 when the compile failed
	err       error
	pipelines map[string]*pipelineEntry
}

// pipelineEntry is the outcome of making the pipeline of one entry point.
type pipelineEntry struct {
	p   *pipeline
	err error
}

// pipeline is a compute pipeline state and its limits.
type pipeline struct {
	id         objc.ID // id<MTLComputePipelineState>
	maxThreads uint64  // maxTotalThreadsPerThreadgroup
	static     uint64  // staticThreadgroupMemoryLength
}

var (
	devicesMu sync.Mutex
	devices   = map[uint64]*device{} // by registryID
)

// deviceFor returns the shared state of d, which the caller retained:
// the state keeps that reference, or releases it when the device already
// has one. Call it inside withPool.
func deviceFor(a *api, d mtlDevice) *device {
	devicesMu.Lock()
	defer devicesMu.Unlock()
	key := d.registryID()
	if dev := devices[key]; dev != nil {
		d.release()
		return dev
	}
	l := d.limits()
	dev := &device{mtl: d, limits: l, info: l.info(), libraries: map[*runtime.Module]*library{}}
	devices[key] = dev
	return dev
}

// library returns module m compiled for d, compiling it on first use. A
// failed compile is remembered and reported again. d.mu must be held;
// call it inside withPool.
func (d *device) library(a *api, m *runtime.Module) *library {
	if lib := d.libraries[m]; lib != nil {
		return lib
	}
	lib := &library{pipelines: map[string]*pipelineEntry{}}
	d.libraries[m] = lib
	if m.MSL == "" {
		lib.err = fmt.Errorf("metal: module %s has no MSL source: regenerate it with dckgen", m.Package)
		return lib
	}
	id, domain, code, desc := a.newLibrary(d.mtl, m.MSL, moduleOptions())
	if id == 0 {
		lib.err = &CompileError{Package: m.Package, Device: d.info.Name, Log: mapLog(desc),
			Err: &Error{Call: "newLibraryWithSource:options:error:", Domain: domain, Code: code}}
		return lib
	}
	lib.id = id
	return lib
}

// pipeline returns the pipeline state of entry point entry of module m,
// compiling m and making the pipeline on first use.
func (d *device) pipeline(a *api, m *runtime.Module, entry string) (*pipeline, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var p *pipeline
	var err error
	a.withPool(func() { p, err = d.pipelineLocked(a, m, entry) })
	return p, err
}

// pipelineLocked is pipeline with d.mu held, inside withPool.
func (d *device) pipelineLocked(a *api, m *runtime.Module, entry string) (*pipeline, error) {
	lib := d.library(a, m)
	if lib.err != nil {
		return nil, lib.err
	}
	if e := lib.pipelines[entry]; e != nil {
		return e.p, e.err
	}
	p, err := a.newPipeline(d.mtl, lib.id, entry)
	if err != nil {
		var me *Error
		if errors.As(err, &me) && me.Domain != "" {
			err = &CompileError{Package: m.Package, Device: d.info.Name, Entry: entry, Log: mapLog(me.Detail), Err: me}
		}
	}
	lib.pipelines[entry] = &pipelineEntry{p: p, err: err}
	return p, err
}

// backend is one Open of a device: a command queue of its own over the
// device's shared libraries and pipelines.
type backend struct {
	api *api
	dev *device

	mu      sync.Mutex
	queue   objc.ID  // id<MTLCommandQueue>; 0 once closed
	flights []flight // committed command buffers not yet waited for, in commit order
	seq     uint64   // the sequence number of the last committed command buffer
	failed  error    // the first failure of a command buffer reaped before a Sync
	binds   []binding
	lens    []byte
}

// flight is one committed command buffer.
type flight struct {
	cb     objc.ID // retained
	seq    uint64
	kernel string // the kernel's Name, or "" for a copy
}

// reapAt is the number of command buffers in flight from which Launch
// releases those that have finished, so that a long run of launches
// without a Sync holds a bounded number of them.
const reapAt = 64

// Info describes the device.
func (b *backend) Info() runtime.DeviceInfo { return b.dev.info }

// Alloc allocates size bytes of zeroed shared-storage memory, which the
// CPU and the GPU both address.
func (b *backend) Alloc(size int64) (runtime.Memory, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.queue == 0 {
		return nil, fmt.Errorf("metal: Alloc: %w", errClosed)
	}
	if err := checkAlloc(size, b.dev.limits.MaxBuffer, b.dev.info.Name); err != nil {
		return nil, err
	}
	buf, contents := b.api.newBuffer(b.dev.mtl, uint(max(size, 1)))
	if buf == 0 {
		return nil, fmt.Errorf("metal: Alloc: newBufferWithLength:options: returned nil: %w: %d bytes requested", runtime.ErrOutOfMemory, size)
	}
	return &memory{b: b, buf: buf, contents: contents, size: size}, nil
}

// Launch encodes the kernel c describes into a command buffer of its own
// and commits it.
func (b *backend) Launch(c *runtime.Call) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.queue == 0 {
		return fmt.Errorf("metal: Launch: %w", errClosed)
	}
	if c.Kernel == nil || c.Kernel.Module == nil {
		return errors.New("metal: launch of a kernel without a module")
	}
	p, err := b.dev.pipeline(b.api, c.Kernel.Module, c.Entry)
	if err != nil {
		return err
	}
	if err := checkGrid(c.Entry, c.Grid, p.maxThreads, p.static, b.dev.limits.SharedBytes); err != nil {
		return err
	}
	binds, lens, err := packArgs(b.binds, b.lens, c)
	b.binds, b.lens = binds, lens
	if err != nil {
		return err
	}
	for _, bd := range binds {
		if bd.Memory == nil {
			continue
		}
		m, ok := bd.Memory.(*memory)
		switch {
		case !ok || m == nil:
			return fmt.Errorf("metal: argument %s: memory %T is not Metal memory", bd.Param, bd.Memory)
		case m.freed:
			return fmt.Errorf("metal: argument %s: %w", bd.Param, errFreed)
		case m.b.dev != b.dev:
			return fmt.Errorf("metal: argument %s: memory belongs to another Metal device", bd.Param)
		}
	}
	seq := b.seq + 1
	a := b.api
	a.withPool(func() {
		cb := commandBuffer(b.queue)
		if cb == 0 {
			err = errNoCommandBuffer
			return
		}
		enc := cb.Send(selComputeCommandEncoder)
		enc.Send(selSetComputePipelineState, p.id)
		for _, bd := range binds {
			idx := uint(bd.Index)
			switch {
			case bd.Memory != nil:
				m := bd.Memory.(*memory)
				a.setBuffer(enc, selSetBufferOffsetAtIndex, m.buf, 0, idx)
				m.lastUse = seq
			case len(bd.Bytes) <= MaxSetBytes:
				a.setBytes(enc, selSetBytesLengthAtIndex, unsafe.Pointer(&bd.Bytes[0]), uint(len(bd.Bytes)), idx)
			default:
				// Too large for setBytes: a buffer of its own, which
				// the command buffer keeps until it completes.
				tmp := a.newBufferWithBytes(b.dev.mtl, bd.Bytes)
				if tmp == 0 {
					err = fmt.Errorf("metal: argument %s: newBufferWithBytes:length:options: returned nil: %w: %d bytes", bd.Param, runtime.ErrOutOfMemory, len(bd.Bytes))
					enc.Send(selEndEncoding)
					cb.Send(selRelease)
					return
				}
				a.setBuffer(enc, selSetBufferOffsetAtIndex, tmp, 0, idx)
				tmp.Send(selRelease)
			}
		}
		g := c.Grid
		a.dispatch(enc, selDispatchThreadgroups,
			mtlSize{uint(g.Groups.X), uint(g.Groups.Y), uint(g.Groups.Z)},
			mtlSize{uint(g.GroupSize.X), uint(g.GroupSize.Y), uint(g.GroupSize.Z)})
		enc.Send(selEndEncoding)
		cb.Send(selCommit)
		b.flights = append(b.flights, flight{cb: cb, seq: seq, kernel: c.Kernel.Name})
	})
	// setBytes copied the scalars and lengths; they are Go memory that
	// Metal read during the calls above.
	goruntime.KeepAlive(c)
	goruntime.KeepAlive(lens)
	if err != nil {
		return err
	}
	b.seq = seq
	if len(b.flights) >= reapAt {
		b.reap()
	}
	return nil
}

// reap releases the command buffers at the front of the flights that
// have finished, keeping the first failure for the next Sync.
func (b *backend) reap() {
	n := 0
	for _, f := range b.flights {
		if !status(f.cb).done() {
			break
		}
		if err := b.finish(f); err != nil && b.failed == nil {
			b.failed = err
		}
		n++
	}
	b.flights = append(b.flights[:0], b.flights[n:]...)
}

// finish returns the error of the finished command buffer of f, nil if it
// completed, and releases it.
func (b *backend) finish(f flight) error {
	var err error
	b.api.withPool(func() {
		s := status(f.cb)
		var domain string
		var code Code
		var desc string
		if s != statusCompleted {
			domain, code, desc = nsError(f.cb.Send(selError))
		}
		err = commandBufferError(s, domain, code, desc)
		f.cb.Send(selRelease)
	})
	if err == nil {
		return nil
	}
	if f.kernel == "" {
		return fmt.Errorf("metal: Copy: %w", err)
	}
	return &runtime.KernelError{Kernel: f.kernel, Err: err}
}

// waitAll waits for every command buffer in flight, releases them and
// returns the first failure since the last waitAll.
func (b *backend) waitAll() error {
	err := b.failed
	b.failed = nil
	for _, f := range b.flights {
		f.cb.Send(selWaitUntilCompleted)
		if ferr := b.finish(f); ferr != nil && err == nil {
			err = ferr
		}
	}
	b.flights = b.flights[:0]
	return err
}

// waitFor waits until the command buffers up to sequence number seq have
// finished, leaving their errors for Sync.
func (b *backend) waitFor(seq uint64) {
	for _, f := range b.flights {
		if f.seq > seq {
			return
		}
		f.cb.Send(selWaitUntilCompleted)
	}
}

// Sync waits for every launched kernel and copy (waitUntilCompleted) and
// returns the first failure, a *runtime.KernelError naming the kernel
// around an *Error.
func (b *backend) Sync() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.queue == 0 {
		return fmt.Errorf("metal: Sync: %w", errClosed)
	}
	return b.waitAll()
}

// SyncContext is Sync with cancellation: it polls the status of the
// command buffers in flight (every 100µs at first, backing off to every
// 5ms) until they have all finished or ctx ends. When ctx ends first it
// returns ctx.Err(): the work goes on (Metal cannot stop a running
// command buffer), and the next Sync waits for it.
func (b *backend) SyncContext(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.queue == 0 {
		return fmt.Errorf("metal: Sync: %w", errClosed)
	}
	wait := 100 * time.Microsecond
	for !b.idleLocked() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Millisecond)
	}
	return b.waitAll()
}

// Idle reports, without waiting, whether every launched kernel and copy
// has finished.
func (b *backend) Idle() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.idleLocked()
}

func (b *backend) idleLocked() bool {
	for _, f := range b.flights {
		if !status(f.cb).done() {
			return false
		}
	}
	return true
}

// Precompile compiles module m and makes the pipeline state of each of
// its entry points, so that launches find them ready.
func (b *backend) Precompile(m *runtime.Module) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.queue == 0 {
		return fmt.Errorf("metal: Precompile: %w", errClosed)
	}
	d := b.dev
	d.mu.Lock()
	defer d.mu.Unlock()
	var err error
	b.api.withPool(func() {
		lib := d.library(b.api, m)
		if lib.err != nil {
			err = lib.err
			return
		}
		for _, name := range functionNames(lib.id) {
			if _, perr := d.pipelineLocked(b.api, m, name); perr != nil {
				err = perr
				return
			}
		}
	})
	return err
}

// Close waits for the work in flight, then releases the command queue.
// The device's libraries and pipelines stay for later Opens.
func (b *backend) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.queue == 0 {
		return nil
	}
	err := b.waitAll()
	b.queue.Send(selRelease)
	b.queue = 0
	return err
}

// memory is one shared-storage buffer made by Alloc: the CPU reads and
// writes its contents directly, so Write and Read are one copy each.
type memory struct {
	b        *backend
	buf      objc.ID        // id<MTLBuffer>
	contents unsafe.Pointer // the buffer's contents, as the CPU addresses them
	size     int64
	freed    bool
	lastUse  uint64 // the sequence number of the last command buffer that uses it
}

// bytes returns the contents as a slice.
func (m *memory) bytes() []byte {
	if m.size == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(m.contents), m.size)
}

// check reports why op cannot use n bytes of m at offset, or nil.
func (m *memory) check(op string, offset, n int64) error {
	switch {
	case m.freed:
		return fmt.Errorf("metal: %s: %w", op, errFreed)
	case m.b.queue == 0:
		return fmt.Errorf("metal: %s: %w", op, errClosed)
	case offset < 0 || n < 0 || offset > m.size || n > m.size-offset:
		return fmt.Errorf("metal: %s: %d bytes at offset %d are outside the %d-byte buffer", op, n, offset, m.size)
	}
	return nil
}

// Write copies src into the buffer at offset, after the command buffers
// that use the buffer have finished.
func (m *memory) Write(offset int64, src []byte) error {
	m.b.mu.Lock()
	defer m.b.mu.Unlock()
	if err := m.check("Write", offset, int64(len(src))); err != nil || len(src) == 0 {
		return err
	}
	m.b.waitFor(m.lastUse)
	copy(m.bytes()[offset:], src)
	return nil
}

// Read copies the buffer at offset into dst, after the command buffers
// that use the buffer have finished.
func (m *memory) Read(offset int64, dst []byte) error {
	m.b.mu.Lock()
	defer m.b.mu.Unlock()
	if err := m.check("Read", offset, int64(len(dst))); err != nil || len(dst) == 0 {
		return err
	}
	m.b.waitFor(m.lastUse)
	copy(dst, m.bytes()[offset:])
	return nil
}

// Copy copies n bytes from src at srcOff to m at dstOff with a blit
// command buffer, in queue order after the launched kernels.
func (m *memory) Copy(dstOff int64, src runtime.Memory, srcOff, n int64) error {
	b := m.b
	b.mu.Lock()
	defer b.mu.Unlock()
	s, ok := src.(*memory)
	switch {
	case !ok || s == nil:
		return fmt.Errorf("metal: Copy: memory %T is not Metal memory", src)
	case s.b.dev != b.dev:
		return errors.New("metal: Copy: memory belongs to another Metal device")
	}
	if err := m.check("Copy", dstOff, n); err != nil {
		return err
	}
	if err := s.check("Copy", srcOff, n); err != nil || n == 0 {
		return err
	}
	if s == m && srcOff < dstOff+n && dstOff < srcOff+n {
		return errors.New("metal: Copy: the regions overlap")
	}
	seq := b.seq + 1
	var err error
	b.api.withPool(func() {
		cb := commandBuffer(b.queue)
		if cb == 0 {
			err = errNoCommandBuffer
			return
		}
		blit := cb.Send(selBlitCommandEncoder)
		blit.Send(selCopyFromBuffer, s.buf, uint(srcOff), m.buf, uint(dstOff), uint(n))
		blit.Send(selEndEncoding)
		cb.Send(selCommit)
		b.flights = append(b.flights, flight{cb: cb, seq: seq})
	})
	if err != nil {
		return err
	}
	b.seq = seq
	m.lastUse, s.lastUse = seq, seq
	return nil
}

// Free releases the buffer. Command buffers that use it keep it until
// they complete.
func (m *memory) Free() error {
	m.b.mu.Lock()
	defer m.b.mu.Unlock()
	if m.freed {
		return fmt.Errorf("metal: Free: %w", errFreed)
	}
	m.freed = true
	m.buf.Send(selRelease)
	m.buf, m.contents = 0, nil
	return nil
}

// Interfaces the backend implements beyond runtime.Backend.
var (
	_ runtime.Precompiler   = (*backend)(nil)
	_ runtime.ContextSyncer = (*backend)(nil)
	_ runtime.Idler         = (*backend)(nil)
	_ runtime.Copier        = (*memory)(nil)
)
