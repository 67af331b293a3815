package runtime

import (
	"errors"
	"fmt"
	"reflect"
	"unsafe"
)

// BufferState says where the current contents of a Buffer live. Buffers on a
// host-memory device (the CPU) are always HostOnly.
type BufferState int

// The states of a buffer's host and device copies.
const (
	HostOnly     BufferState = iota // only the host copy exists
	DeviceOnly                      // only the device copy exists
	Synchronized                    // both exist and are equal
	HostDirty                       // both exist; the host copy is newer
	DeviceDirty                     // both exist; the device copy is newer
)

var stateNames = [...]string{
	HostOnly:     "host-only",
	DeviceOnly:   "device-only",
	Synchronized: "synchronized",
	HostDirty:    "host-dirty",
	DeviceDirty:  "device-dirty",
}

// String returns the state's name, e.g. "device-dirty".
func (s BufferState) String() string {
	if s >= 0 && int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("BufferState(%d)", int(s))
}

// buffer is the element-type independent part of a Buffer.
type buffer struct {
	dev    *Device
	n      int    // elements
	elem   int64  // element size in bytes
	host   []byte // the host copy viewed as bytes; nil while there is none
	mem    Memory // the device copy; nil while there is none (always on host-memory devices)
	state  BufferState
	closed bool

	block int64        // the size of mem's allocation, which the pool takes back
	typ   reflect.Type // the element type, for validation
	// newHost makes the typed host copy (Buffer.ensureHost) where only
	// the element type knows how.
	newHost func() error
	view    // set for a view of another buffer (bufops.go)
}

func (b *buffer) bytes() int64 { return int64(b.n) * b.elem }

// checkLocked reports why b cannot be used, or nil. d.mu must be held.
func (b *buffer) checkLocked() error {
	if b.dev.closed {
		return ErrDeviceClosed
	}
	if b.closed || b.root != nil && b.root.closed {
		return ErrBufferClosed
	}
	return nil
}

// toDevice makes the device copy current: allocating it and copying the
// host copy over if needed.
func (b *buffer) toDevice() error {
	d := b.dev
	if d.info.HostMemory {
		return nil
	}
	switch b.state {
	case HostOnly:
		if b.mem == nil {
			// The host copy overwrites the first len(b.host) bytes.
			m, block, err := d.allocLocked(b.allocBytes(), int64(len(b.host)))
			if err != nil {
				return err
			}
			b.mem, b.block = m, block
		}
		fallthrough
	case HostDirty:
		if len(b.host) > 0 {
			if err := d.writeMemory(b.mem, 0, b.host); err != nil {
				return err
			}
		}
		b.state = Synchronized
	}
	return nil
}

// toHost makes the host copy current. The host copy must exist (it may be
// stale).
func (b *buffer) toHost() error {
	d := b.dev
	if b.state != DeviceOnly && b.state != DeviceDirty {
		return nil
	}
	if err := d.syncLocked(); err != nil {
		return err
	}
	if len(b.host) > 0 {
		if err := d.readMemory(b.mem, 0, b.host); err != nil {
			return fmt.Errorf("runtime: copy to host: %w", err)
		}
	}
	b.state = Synchronized
	return nil
}

// written records that the host copy was overwritten.
func (b *buffer) written() {
	switch b.state {
	case DeviceOnly, Synchronized, DeviceDirty:
		b.state = HostDirty
	}
}

// launched records that a kernel may have written the device copy.
func (b *buffer) launched() {
	b = b.base()
	if b.state == Synchronized {
		b.state = DeviceDirty
	}
}

// free releases the device copy, and the device memory of views of it,
// waiting for launched work first. The memory goes back to the pool.
func (b *buffer) free() error {
	verr := b.freeViews()
	if b.mem == nil {
		return verr
	}
	var err error
	if b.dev.pending {
		err = b.dev.syncLocked()
	}
	if ferr := b.dev.releaseLocked(b.mem, b.block); ferr != nil && err == nil {
		err = fmt.Errorf("runtime: free: %w", ferr)
	}
	b.mem = nil
	return errors.Join(verr, err)
}

// Buffer is an array of n elements of type T on a device, with a host copy
// kept lazily in sync: data moves between host and device only when a
// launch or a Read needs it (see State). T is any element type kernels
// accept: numbers, bools, and structs and arrays of them; never pointers.
//
// A Buffer is safe for concurrent use. Every method accepts a nil *Buffer
// and a zero Buffer (one not made by NewBuffer or BufferOf): it returns an
// error, or a zero value where it has no error result, and never panics.
type Buffer[T any] struct {
	b    buffer
	host []T
	root *Buffer[T] // the buffer a view (Slice) was made from; nil for others
}

// NewBuffer allocates a buffer of n zeroed elements on dev. On a device with
// separate memory only the device copy exists until it is needed on the
// host.
//
// A negative n is an error. A buffer larger than the device can hold is an
// error wrapping ErrOutOfMemory, never a crash: on a host-memory device (the
// CPU) when its bytes overflow or exceed the memory the operating system
// reports available (on Linux MemAvailable plus free swap; on macOS the
// physical memory), on other devices when the backend's allocation fails
// (OpenCL checks CL_DEVICE_MAX_MEM_ALLOC_SIZE and CL_DEVICE_GLOBAL_MEM_SIZE
// first). The host copy that Read or Write later makes on such a device is
// checked the same way.
func NewBuffer[T any](dev *Device, n int) (*Buffer[T], error) {
	buf, err := newBuffer[T](dev, n, "NewBuffer")
	if err != nil {
		return nil, err
	}
	d := dev
	var host []T
	if d.info.HostMemory {
		// Allocated before taking the lock: zeroing gigabytes takes time.
		if host, err = makeHost[T]("NewBuffer", n); err != nil {
			return nil, err
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil, fmt.Errorf("runtime: NewBuffer: %w", ErrDeviceClosed)
	}
	if d.info.HostMemory {
		buf.setHost(host)
		buf.b.state = HostOnly
	} else {
		m, block, err := d.allocLocked(buf.b.allocBytes(), 0)
		switch {
		case err == nil:
			buf.b.mem, buf.b.block = m, block
			buf.b.state = DeviceOnly
		case d.mem.fallback && errors.Is(err, ErrOutOfMemory):
			// WithFallback: the buffer lives on the host until a launch
			// finds device memory for it (see fallback.go).
			host, herr := makeHost[T]("NewBuffer", n)
			if herr != nil {
				return nil, errors.Join(fmt.Errorf("runtime: NewBuffer: %w", err), herr)
			}
			buf.setHost(host)
			buf.b.state = HostOnly
			d.logFallback("NewBuffer", "", err)
		default:
			return nil, fmt.Errorf("runtime: NewBuffer: %w", err)
		}
	}
	d.buffers[&buf.b] = struct{}{}
	return buf, nil
}

// BufferOf allocates a buffer on dev holding a copy of src. The copy to
// device memory happens at the first launch that uses the buffer. The host
// copy of src is checked like NewBuffer's allocation: when the host cannot
// hold it the error wraps ErrOutOfMemory.
func BufferOf[T any](dev *Device, src []T) (*Buffer[T], error) {
	buf, err := newBuffer[T](dev, len(src), "BufferOf")
	if err != nil {
		return nil, err
	}
	host, err := makeHost[T]("BufferOf", len(src))
	if err != nil {
		return nil, err
	}
	copy(host, src)
	d := dev
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil, fmt.Errorf("runtime: BufferOf: %w", ErrDeviceClosed)
	}
	buf.setHost(host)
	buf.b.state = HostOnly
	d.buffers[&buf.b] = struct{}{}
	return buf, nil
}

// newBuffer checks the arguments of NewBuffer and BufferOf.
func newBuffer[T any](dev *Device, n int, op string) (*Buffer[T], error) {
	if err := dev.usable(); err != nil {
		return nil, fmt.Errorf("runtime: %s: %w", op, err)
	}
	var zero T
	t := reflect.TypeOf(&zero).Elem()
	if err := plainData(t); err != nil {
		return nil, fmt.Errorf("runtime: %s: element type %v %v", op, t, err)
	}
	if n < 0 {
		return nil, fmt.Errorf("runtime: %s: negative length %d", op, n)
	}
	elem := int64(unsafe.Sizeof(zero))
	if _, err := checkedSize(op, n, elem); err != nil {
		return nil, err
	}
	buf := &Buffer[T]{b: buffer{dev: dev, n: n, elem: elem, typ: t}}
	buf.b.newHost = func() error { return buf.ensureHost("launch") }
	return buf, nil
}

// plainData reports why values of t cannot be copied to a device as bytes,
// or nil.
func plainData(t reflect.Type) error {
	switch t.Kind() {
	case reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return nil
	case reflect.Array:
		return plainData(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if err := plainData(t.Field(i).Type); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("cannot live in device memory: it holds a %v", t.Kind())
}

func (buf *Buffer[T]) setHost(host []T) {
	buf.host = host
	buf.b.host = nil
	if size := buf.b.bytes(); size > 0 {
		buf.b.host = unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(host))), size)
	}
	if buf.b.host == nil {
		buf.b.host = []byte{} // an empty host copy exists
	}
}

// Len returns the number of elements.
func (buf *Buffer[T]) Len() int {
	if buf == nil {
		return 0
	}
	return buf.b.n
}

// Device returns the device the buffer lives on.
func (buf *Buffer[T]) Device() *Device {
	if buf == nil {
		return nil
	}
	return buf.b.dev
}

// State returns where the buffer's current contents live; HostOnly for a
// nil or zero Buffer.
func (buf *Buffer[T]) State() BufferState {
	if buf == nil || buf.b.dev == nil {
		return HostOnly
	}
	d := buf.b.dev
	d.mu.Lock()
	defer d.mu.Unlock()
	return buf.b.base().state
}

// usable reports why buf cannot be used by op, when it is nil or a zero
// Buffer, or nil.
func (buf *Buffer[T]) usable(op string) error {
	switch {
	case buf == nil:
		return fmt.Errorf("runtime: %s: nil buffer", op)
	case buf.b.dev == nil:
		return fmt.Errorf("runtime: %s: %w", op, errZeroBuffer)
	}
	return nil
}

// Read waits for launched work that may write the buffer, then copies the
// buffer into dst, transferring from the device only if the host copy is
// stale. len(dst) must equal Len. On a host-memory device (the CPU) it
// waits for every launched kernel and returns the first failure, a
// *KernelError naming the kernel, as Sync does. After a launch of a
// checked kernel it waits for all launched work, and returns the first
// fault a checked kernel recorded (a *KernelError wrapping a *Fault)
// instead of copying.
func (buf *Buffer[T]) Read(dst []T) error {
	if err := buf.usable("Read"); err != nil {
		return err
	}
	if buf.root != nil {
		return buf.readView(dst)
	}
	d := buf.b.dev
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := buf.b.checkLocked(); err != nil {
		return fmt.Errorf("runtime: Read: %w", err)
	}
	if len(dst) != buf.b.n {
		return fmt.Errorf("runtime: Read: destination has %d elements, buffer has %d", len(dst), buf.b.n)
	}
	if d.info.HostMemory {
		// CPU kernels run asynchronously on the host copy itself.
		if err := d.syncLocked(); err != nil {
			return err
		}
	}
	if buf.host == nil {
		host, err := makeHost[T]("Read", buf.b.n)
		if err != nil {
			return err
		}
		buf.setHost(host)
	}
	if len(d.faults.launched) > 0 {
		// A checked kernel ran: its fault, if any, comes back here.
		if err := d.syncLocked(); err != nil {
			return err
		}
	}
	if err := buf.b.toHost(); err != nil {
		return err
	}
	copy(dst, buf.host)
	return nil
}

// Write copies src into the buffer's host copy; the device copy is updated
// at the next launch that uses the buffer. len(src) must equal Len. On a
// host-memory device (the CPU) it first waits for launched kernels, which
// work on the host copy; their failures are left for Sync or Read.
func (buf *Buffer[T]) Write(src []T) error {
	if err := buf.usable("Write"); err != nil {
		return err
	}
	if buf.root != nil {
		return buf.writeView(src)
	}
	d := buf.b.dev
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := buf.b.checkLocked(); err != nil {
		return fmt.Errorf("runtime: Write: %w", err)
	}
	if len(src) != buf.b.n {
		return fmt.Errorf("runtime: Write: source has %d elements, buffer has %d", len(src), buf.b.n)
	}
	if d.info.HostMemory {
		// Launched CPU kernels may still use the host copy; their errors
		// are reported by the next Sync or Read.
		d.waitLocked()
	}
	if buf.host == nil {
		host, err := makeHost[T]("Write", buf.b.n)
		if err != nil {
			return err
		}
		buf.setHost(host)
	}
	copy(buf.host, src)
	buf.b.written()
	return nil
}

// HostSlice returns the host copy of the buffer's elements on a host-memory
// device (the CPU backend), and nil on any other device, after Close, or
// for a nil or zero Buffer: the memory CPU kernels work on, without a
// copy. Unlike Read, it does not wait for launched kernels, so callers
// call Device.Sync before using it, or use Read and Write.
func (buf *Buffer[T]) HostSlice() []T {
	if buf == nil || buf.b.dev == nil || !buf.b.dev.info.HostMemory || buf.b.closed {
		return nil
	}
	if buf.root != nil {
		return buf.viewHost()
	}
	return buf.host
}

// Close frees the buffer, waiting for launched work that may still use it.
// Closing again, after the device was closed, or a nil or zero Buffer,
// returns nil.
func (buf *Buffer[T]) Close() error {
	if buf == nil || buf.b.dev == nil {
		return nil
	}
	d := buf.b.dev
	d.mu.Lock()
	defer d.mu.Unlock()
	if buf.b.closed {
		return nil
	}
	if buf.root != nil {
		return buf.closeView()
	}
	if d.info.HostMemory && !d.closed {
		// Launched CPU kernels may still use the host copy; their
		// errors are left for Sync or Read.
		d.waitLocked()
	}
	buf.b.closed = true
	err := buf.b.free()
	buf.b.host = nil
	buf.host = nil
	delete(d.buffers, &buf.b)
	return err
}

// allocBytes is the size of the device allocation of b: one element more
// than b holds, so that a checked kernel's failed index, which it turns
// into index 0 of the slice (see Fault), names memory of the allocation
// even for an empty buffer or an empty slice at its end.
func (b *buffer) allocBytes() int64 { return b.bytes() + b.elem }
