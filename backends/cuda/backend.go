package cuda

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/runtime"
)

// backend is one Open of a device: a stream of its own over the device's
// shared primary context and modules.
type backend struct {
	dev *device

	mu     sync.Mutex
	stream uintptr // CUstream; 0 once closed
	funcs  map[funcKey]*function
	params params
	hot    driverScratch // for the launch path's native calls
	live   int           // allocations not yet freed

	timing     bool                   // launches are timed (StartTiming)
	timed      []timedLaunch          // timed launches not yet in Timings
	finished   []runtime.LaunchTiming // timings of launches whose events were reused before Timings asked
	freeEvents []uintptr              // timing events to reuse
}

// liveAllocs counts device allocations not yet freed, over every backend
// of the process, for tests.
var liveAllocs atomic.Int64

type funcKey struct {
	module *runtime.Module
	entry  string
}

// function is a kernel entry point and the limits the compiled code has.
type function struct {
	fn         uintptr // CUfunction
	maxThreads int     // CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK
	shared     int     // CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES (static)
	regs       int     // CU_FUNC_ATTRIBUTE_NUM_REGS
}

var errClosed = errors.New("cuda: device is closed")

// usable returns why b cannot be used, or nil. b.mu must be held.
func (b *backend) usable(op string) error {
	if b.stream == 0 {
		return fmt.Errorf("cuda: %s: %w", op, errClosed)
	}
	return b.dev.check()
}

// Info describes the device.
func (b *backend) Info() runtime.DeviceInfo { return b.dev.info }

// Launch launches the kernel c describes on the backend's stream. It
// returns once the launch is queued.
func (b *backend) Launch(c *runtime.Call) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.usable("Launch"); err != nil {
		return err
	}
	if c.Kernel == nil || c.Kernel.Module == nil {
		return errors.New("cuda: launch of a kernel without a module")
	}
	d := b.dev
	if err := d.enter(&b.hot); err != nil {
		return d.fail(err)
	}
	defer leave()
	f, err := b.function(c.Kernel.Module, c.Entry)
	if err != nil {
		return err
	}
	grid, block, err := b.geometry(c.Entry, c.Grid, f)
	if err != nil {
		return err
	}
	if err := b.params.pack(c); err != nil {
		return err
	}
	var t timedLaunch
	if b.timing {
		if t, err = b.recordStart(c.Kernel); err != nil {
			return d.fail(err)
		}
	}
	err = d.api.launchKernel(&b.hot, f.fn, grid, block, 0, b.stream, b.params.pointers())
	if b.timing {
		if terr := b.recordEnd(t, err == nil); terr != nil && err == nil {
			return d.fail(terr)
		}
	}
	if err != nil {
		if e, ok := err.(*Error); ok {
			e.Detail = "kernel " + c.Entry
		}
		return d.fail(err)
	}
	return nil
}

// function returns entry point entry of module m, loading m first if
// needed. The caller must have entered the context.
func (b *backend) function(m *runtime.Module, entry string) (*function, error) {
	key := funcKey{m, entry}
	if f := b.funcs[key]; f != nil {
		return f, nil
	}
	mod, err := b.dev.module(m)
	if err != nil {
		return nil, err
	}
	a := b.dev.api
	fn, err := a.moduleFunction(mod.mod, entry)
	if err != nil {
		return nil, err
	}
	f := &function{fn: fn}
	for _, q := range []struct {
		attr funcAttr
		dst  *int
	}{
		{funcMaxThreadsPerBlock, &f.maxThreads},
		{funcSharedSizeBytes, &f.shared},
		{funcNumRegs, &f.regs},
	} {
		if *q.dst, err = a.funcAttr(fn, q.attr); err != nil {
			return nil, err
		}
	}
	b.funcs[key] = f
	return f, nil
}

// geometry returns the grid and block of g for cuLaunchKernel, after
// checking them against what function f allows. The runtime has checked
// g against the device's limits already.
func (b *backend) geometry(entry string, g dc.Grid, f *function) (grid, block [3]uint32, err error) {
	groups := [3]int{g.Groups.X, g.Groups.Y, g.Groups.Z}
	sizes := [3]int{g.GroupSize.X, g.GroupSize.Y, g.GroupSize.Z}
	for i := range groups {
		if groups[i] < 1 || sizes[i] < 1 || groups[i] > 1<<32-1 || sizes[i] > 1<<32-1 {
			return grid, block, fmt.Errorf("cuda: kernel %s: grid of %s groups of %s threads is out of range", entry, dims(g.Groups), dims(g.GroupSize))
		}
		grid[i], block[i] = uint32(groups[i]), uint32(sizes[i])
	}
	if n := sizes[0] * sizes[1] * sizes[2]; n > f.maxThreads {
		return grid, block, fmt.Errorf("cuda: kernel %s: group size %s has %d threads; compiled for %s it allows at most %d (it uses %d registers per thread)",
			entry, dims(g.GroupSize), n, b.dev.desc.Name, f.maxThreads, f.regs)
	}
	if limit := b.dev.desc.SharedMemoryPerBlock; f.shared > limit {
		return grid, block, fmt.Errorf("cuda: kernel %s uses %d bytes of shared memory, %s allows %d per group", entry, f.shared, b.dev.desc.Name, limit)
	}
	return grid, block, nil
}

func dims(d dc.Dim3) string { return fmt.Sprintf("%dx%dx%d", d.X, d.Y, d.Z) }

// Precompile loads module m into the device's context, compiling it or
// taking it from the kernel cache, so that the first launch of its kernels
// does not pay for it.
func (b *backend) Precompile(m *runtime.Module) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.usable("Precompile"); err != nil {
		return err
	}
	if err := b.dev.enter(&b.hot); err != nil {
		return b.dev.fail(err)
	}
	defer leave()
	_, err := b.dev.module(m)
	return err
}

// Sync waits until the stream's work has finished.
func (b *backend) Sync() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.usable("Sync"); err != nil {
		return err
	}
	return b.syncLocked()
}

// syncLocked waits for the stream. b.mu must be held.
func (b *backend) syncLocked() error {
	d := b.dev
	if err := d.enter(&b.hot); err != nil {
		return d.fail(err)
	}
	defer leave()
	return d.fail(d.api.streamSynchronize(b.stream))
}

// SyncContext is Sync with cancellation: it polls the stream (every 20µs
// at first, backing off to every 2ms) until its work is done or ctx ends.
// When ctx ends first it returns ctx.Err(); the work keeps running and a
// later Sync waits for it.
func (b *backend) SyncContext(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.usable("Sync"); err != nil {
		return err
	}
	wait := 20 * time.Microsecond
	for {
		done, err := b.query()
		if err != nil {
			return err
		}
		if done {
			return b.syncLocked()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Millisecond)
	}
}

// query reports whether the stream's work has finished, without waiting.
// b.mu must be held.
func (b *backend) query() (bool, error) {
	d := b.dev
	if err := d.enter(&b.hot); err != nil {
		return false, d.fail(err)
	}
	defer leave()
	done, err := d.api.streamQuery(b.stream)
	return done, d.fail(err)
}

// Idle reports, without waiting, whether the launched work has finished
// (or failed: Sync reports how).
func (b *backend) Idle() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.usable("Idle") != nil {
		return true
	}
	done, err := b.query()
	return done || err != nil
}

// Close waits for the stream, destroys it and ends this Open's use of the
// device's context. The runtime has freed every allocation before.
func (b *backend) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stream == 0 {
		return nil
	}
	d := b.dev
	var errs []error
	if d.check() == nil {
		if err := d.enter(&b.hot); err != nil {
			errs = append(errs, err)
		} else {
			errs = append(errs, d.fail(d.api.streamSynchronize(b.stream)))
			errs = append(errs, b.destroyEvents())
			errs = append(errs, d.api.streamDestroy(b.stream))
			leave()
		}
	}
	b.stream = 0
	clear(b.funcs)
	errs = append(errs, d.release())
	return errors.Join(errs...)
}

// Alloc allocates size bytes of device memory and zeroes them on the
// stream, so the zeroing comes before every later use of the memory. A
// size above the device's memory, and CUDA_ERROR_OUT_OF_MEMORY, are errors
// matching runtime.ErrOutOfMemory.
func (b *backend) Alloc(size int64) (runtime.Memory, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.usable("Alloc"); err != nil {
		return nil, err
	}
	if size < 0 {
		return nil, fmt.Errorf("cuda: Alloc: invalid size %d", size)
	}
	d := b.dev
	if uint64(size) > d.desc.TotalMemory {
		return nil, fmt.Errorf("cuda: Alloc: %w: %d bytes requested, %s has %d", runtime.ErrOutOfMemory, size, d.desc.Name, d.desc.TotalMemory)
	}
	if err := d.enter(&b.hot); err != nil {
		return nil, d.fail(err)
	}
	defer leave()
	n := uint64(max(size, 1))
	p, err := d.api.memAlloc(n)
	if err != nil {
		if e, ok := err.(*Error); ok {
			e.Detail = fmt.Sprintf("%d bytes", size)
		}
		return nil, d.fail(err)
	}
	if err := d.api.memsetD8Async(p, 0, n, b.stream); err != nil {
		d.api.memFree(p)
		return nil, d.fail(err)
	}
	b.live++
	liveAllocs.Add(1)
	return &memory{b: b, ptr: p, size: size}, nil
}

var errFreed = errors.New("memory was freed")

// memory is one allocation made by Alloc, or a view of one made by View.
type memory struct {
	b     *backend
	ptr   uintptr // CUdeviceptr
	size  int64
	freed bool
	view  bool // made by View: Free releases nothing
}

// View returns size bytes of m at offset as a Memory of their own: the
// same device pointer plus the offset. It shares m's memory; its Free
// releases nothing, and it must not be used after m is freed.
func (m *memory) View(offset, size int64) (runtime.Memory, error) {
	b := m.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := m.check("View", offset, int(size)); err != nil {
		return nil, err
	}
	return &memory{b: b, ptr: m.ptr + uintptr(offset), size: size, view: true}, nil
}

// Fill sets size bytes at offset to copies of pattern (cuMemsetD8Async),
// in stream order. It fills patterns whose bytes are all equal (zero, say);
// another is an error wrapping errors.ErrUnsupported, for the runtime to
// write the bytes instead.
func (m *memory) Fill(offset, size int64, pattern []byte) error {
	b := m.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := m.check("Fill", offset, int(size)); err != nil || size == 0 {
		return err
	}
	if len(pattern) == 0 {
		return fmt.Errorf("cuda: Fill: empty pattern: %w", errors.ErrUnsupported)
	}
	for _, c := range pattern {
		if c != pattern[0] {
			return fmt.Errorf("cuda: Fill: a pattern of unequal bytes: %w", errors.ErrUnsupported)
		}
	}
	d := b.dev
	if err := d.enter(&b.hot); err != nil {
		return d.fail(err)
	}
	defer leave()
	return d.fail(d.api.memsetD8Async(m.ptr+uintptr(offset), pattern[0], uint64(size), b.stream))
}

// check reports why op cannot use n bytes of m at offset, or nil. m.b.mu
// must be held.
func (m *memory) check(op string, offset int64, n int) error {
	switch {
	case m.freed:
		return fmt.Errorf("cuda: %s: %w", op, errFreed)
	case offset < 0 || offset > m.size || int64(n) > m.size-offset:
		return fmt.Errorf("cuda: %s: %d bytes at offset %d are outside the %d-byte buffer", op, n, offset, m.size)
	}
	return m.b.usable(op)
}

// Write copies src to the memory at offset, in stream order: after the
// kernels launched before it, before those launched after. It returns once
// src has been copied out (the driver stages pageable memory), so src may
// be reused at once.
func (m *memory) Write(offset int64, src []byte) error {
	b := m.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := m.check("Write", offset, len(src)); err != nil || len(src) == 0 {
		return err
	}
	d := b.dev
	if err := d.enter(&b.hot); err != nil {
		return d.fail(err)
	}
	defer leave()
	return d.fail(d.api.memcpyHtoDAsync(m.ptr+uintptr(offset), unsafe.Pointer(&src[0]), uint64(len(src)), b.stream))
}

// Read copies the memory at offset into dst, in stream order, and waits
// for the copy.
func (m *memory) Read(offset int64, dst []byte) error {
	b := m.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := m.check("Read", offset, len(dst)); err != nil || len(dst) == 0 {
		return err
	}
	d := b.dev
	if err := d.enter(&b.hot); err != nil {
		return d.fail(err)
	}
	defer leave()
	if err := d.api.memcpyDtoHAsync(unsafe.Pointer(&dst[0]), m.ptr+uintptr(offset), uint64(len(dst)), b.stream); err != nil {
		return d.fail(err)
	}
	return d.fail(d.api.streamSynchronize(b.stream))
}

// Copy copies n bytes from src at srcOff to m at dstOff on the device, in
// stream order.
func (m *memory) Copy(dstOff int64, src runtime.Memory, srcOff, n int64) error {
	b := m.b
	b.mu.Lock()
	defer b.mu.Unlock()
	s, ok := src.(*memory)
	switch {
	case !ok || s == nil:
		return fmt.Errorf("cuda: Copy: memory %T is not CUDA memory", src)
	case s.b.dev != b.dev:
		return errors.New("cuda: Copy: memory belongs to another CUDA device")
	case n < 0 || n > int64(^uint(0)>>1):
		return fmt.Errorf("cuda: Copy: invalid length %d", n)
	}
	if err := m.check("Copy", dstOff, int(n)); err != nil {
		return err
	}
	if err := s.check("Copy", srcOff, int(n)); err != nil || n == 0 {
		return err
	}
	if s == m && srcOff < dstOff+n && dstOff < srcOff+n {
		return errors.New("cuda: Copy: the regions overlap")
	}
	d := b.dev
	if err := d.enter(&b.hot); err != nil {
		return d.fail(err)
	}
	defer leave()
	return d.fail(d.api.memcpyDtoDAsync(m.ptr+uintptr(dstOff), s.ptr+uintptr(srcOff), uint64(n), b.stream))
}

// Free releases the memory. cuMemFree waits for the work that uses it.
func (m *memory) Free() error {
	b := m.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if m.freed {
		return fmt.Errorf("cuda: Free: %w", errFreed)
	}
	m.freed = true
	if m.view {
		return nil
	}
	b.live--
	liveAllocs.Add(-1)
	d := b.dev
	if d.check() != nil || b.stream == 0 {
		// The context is unusable (or gone): destroying it frees the
		// memory.
		return nil
	}
	if err := d.enter(&b.hot); err != nil {
		return d.fail(err)
	}
	defer leave()
	return d.fail(d.api.memFree(m.ptr))
}
