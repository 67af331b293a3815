package runtime

import (
	"context"
	"errors"
	"fmt"
	"unsafe"
)

// Viewer is implemented by a Memory that can stand for a byte range of
// itself: View returns a Memory for size bytes at offset, sharing the
// memory (CUDA: the pointer plus the offset; OpenCL: a sub-buffer). The
// runtime passes it to kernels for a Buffer view (Buffer.Slice) and frees
// it, with Free, before the Memory it came from. A backend may refuse an
// offset it cannot view (OpenCL requires CL_DEVICE_MEM_BASE_ADDR_ALIGN);
// the error says why.
type Viewer interface {
	View(offset, size int64) (Memory, error)
}

// ErrNoViews is the cause of a launch with a Buffer view on a backend whose
// memory is no Viewer.
var ErrNoViews = errors.New("backend cannot pass a view of a buffer to a kernel")

// view is what a buffer made by Slice keeps: the buffer whose memory it
// shares and where in it the view starts. Views of views refer to the
// first buffer, so root is never a view itself. A buffer that views refer
// to keeps them in views, to release their device memory with its own.
type view struct {
	root  *buffer          // nil unless a view
	off   int64            // the first element's index in root
	sub   Memory           // the device memory of a view, made by Viewer.View at its first launch
	views map[*buffer]bool // the open views of a root
}

// base returns the buffer whose memory and state b uses: b's root for a
// view, else b.
func (b *buffer) base() *buffer {
	if b.root != nil {
		return b.root
	}
	return b
}

// freeViews frees the device memory of b's views.
func (b *buffer) freeViews() error {
	var errs []error
	for v := range b.views {
		if v.sub != nil {
			if err := v.sub.Free(); err != nil {
				errs = append(errs, fmt.Errorf("runtime: free view: %w", err))
			}
			v.sub = nil
		}
	}
	return errors.Join(errs...)
}

// overlaps reports whether buffers a and b share memory.
func overlaps(a, b *buffer) bool {
	if a == b {
		return true
	}
	if a.base() != b.base() {
		return false
	}
	return a.off < b.off+int64(b.n) && b.off < a.off+int64(a.n) || a.n == 0 && b.n == 0 && a.off == b.off
}

// launchArg makes the device copy of b current and returns what a launch
// passes for it: device memory, or on a host-memory device the host bytes.
// d.mu must be held.
func (b *buffer) launchArg() (Memory, []byte, error) {
	r := b.base()
	if err := r.toDevice(); err != nil {
		return nil, nil, err
	}
	if b.root == nil {
		if b.dev.info.HostMemory {
			return nil, b.host, nil
		}
		return b.mem, nil, nil
	}
	lo := b.off * b.elem
	if b.dev.info.HostMemory {
		return nil, r.host[lo : lo+b.bytes() : lo+b.bytes()], nil
	}
	if b.sub == nil {
		v, ok := r.mem.(Viewer)
		if !ok {
			return nil, nil, fmt.Errorf("%w: %s memory (%T) is no runtime.Viewer", ErrNoViews, b.dev.name, r.mem)
		}
		// One element past the view, as for every buffer (allocBytes):
		// inside the root's allocation, which has one past its end.
		m, err := v.View(lo, b.allocBytes())
		if err != nil {
			return nil, nil, fmt.Errorf("view of elements [%d:%d]: %w", b.off, b.off+int64(b.n), err)
		}
		b.sub = m
	}
	return b.sub, nil, nil
}

// bytesOf returns the memory of s as bytes.
func bytesOf[T any](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	var zero T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(zero)))
}

// rangeOf returns the buffer whose memory buf uses and the index of buf's
// first element in it.
func (buf *Buffer[T]) rangeOf() (*Buffer[T], int) {
	if buf.root != nil {
		return buf.root, int(buf.b.off)
	}
	return buf, 0
}

// ensureHost makes the host copy of buf (a buffer that is not a view)
// exist; it may be stale.
func (buf *Buffer[T]) ensureHost(op string) error {
	if buf.host != nil {
		return nil
	}
	host, err := makeHost[T](op, buf.b.n)
	if err != nil {
		return err
	}
	buf.setHost(host)
	return nil
}

// Slice returns a view of elements [lo, hi) of buf: a Buffer of hi-lo
// elements that shares buf's memory, as a Go slice expression does.
// Launches take it like any buffer, without a copy; Read, Write, ReadAt,
// WriteAt, Fill and Copy work on its range only. Its host and device
// copies are buf's, so its State is buf's. A view of a view is a view of
// the same memory. Closing a view frees nothing but the view; closing buf
// makes its views unusable.
//
// On OpenCL the view's first element must start at a multiple of the
// device's CL_DEVICE_MEM_BASE_ADDR_ALIGN (128 bytes on most devices, so
// lo a multiple of 32 for float32): a launch with a view that does not is
// an error, not a silent copy. CUDA and the CPU take any lo.
func (buf *Buffer[T]) Slice(lo, hi int) (*Buffer[T], error) {
	if err := buf.usable("Slice"); err != nil {
		return nil, err
	}
	d := buf.b.dev
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := buf.b.checkLocked(); err != nil {
		return nil, fmt.Errorf("runtime: Slice: %w", err)
	}
	if lo < 0 || hi < lo || hi > buf.b.n {
		return nil, fmt.Errorf("runtime: Slice: bounds [%d:%d] out of range with length %d", lo, hi, buf.b.n)
	}
	root, base := buf.rangeOf()
	v := &Buffer[T]{root: root}
	v.b = buffer{dev: d, n: hi - lo, elem: buf.b.elem, typ: buf.b.typ}
	v.b.root, v.b.off = &root.b, int64(base+lo)
	if root.b.views == nil {
		root.b.views = map[*buffer]bool{}
	}
	root.b.views[&v.b] = true
	return v, nil
}

// closeView closes buf, a view. d.mu must be held.
func (buf *Buffer[T]) closeView() error {
	buf.b.closed = true
	delete(buf.b.root.views, &buf.b)
	if buf.b.sub == nil {
		return nil
	}
	d := buf.b.dev
	var err error
	if d.pending {
		err = d.syncLocked()
	}
	if ferr := buf.b.sub.Free(); ferr != nil && err == nil {
		err = fmt.Errorf("runtime: free view: %w", ferr)
	}
	buf.b.sub = nil
	return err
}

// viewHost returns the host copy of buf's range on a host-memory device.
func (buf *Buffer[T]) viewHost() []T {
	r := buf.root
	if r.b.closed {
		return nil
	}
	lo := int(buf.b.off)
	return r.host[lo : lo+buf.b.n : lo+buf.b.n]
}

// readView is Read of a view.
func (buf *Buffer[T]) readView(dst []T) error {
	if len(dst) != buf.b.n {
		return fmt.Errorf("runtime: Read: destination has %d elements, buffer has %d", len(dst), buf.b.n)
	}
	return buf.readAt("Read", dst, 0)
}

// writeView is Write of a view.
func (buf *Buffer[T]) writeView(src []T) error {
	if len(src) != buf.b.n {
		return fmt.Errorf("runtime: Write: source has %d elements, buffer has %d", len(src), buf.b.n)
	}
	return buf.writeAt("Write", src, 0)
}

// lockRange locks the device and checks that op may use elements [off,
// off+n) of buf. It returns the buffer holding the memory and the index
// of element off in it; on success d.mu is held.
func (buf *Buffer[T]) lockRange(op string, off, n int) (*Buffer[T], int, error) {
	if err := buf.usable(op); err != nil {
		return nil, 0, err
	}
	d := buf.b.dev
	d.mu.Lock()
	if err := buf.b.checkLocked(); err != nil {
		d.mu.Unlock()
		return nil, 0, fmt.Errorf("runtime: %s: %w", op, err)
	}
	if off < 0 || off > buf.b.n || n > buf.b.n-off {
		d.mu.Unlock()
		return nil, 0, fmt.Errorf("runtime: %s: %d elements at offset %d are outside the %d-element buffer", op, n, off, buf.b.n)
	}
	root, lo := buf.rangeOf()
	return root, lo + off, nil
}

// ReadAt copies len(dst) elements of buf, from element off on, into dst,
// waiting for launched work that may write them first, as Read does. It
// transfers only that range from the device, and leaves the buffer's
// State as it was: a device-only or device-dirty buffer stays so.
func (buf *Buffer[T]) ReadAt(dst []T, off int) error {
	return buf.readAt("ReadAt", dst, off)
}

func (buf *Buffer[T]) readAt(op string, dst []T, off int) error {
	root, lo, err := buf.lockRange(op, off, len(dst))
	if err != nil {
		return err
	}
	d := buf.b.dev
	defer d.mu.Unlock()
	if d.info.HostMemory || len(d.faults.launched) > 0 {
		// CPU kernels work on the host copy; a checked kernel's fault
		// comes back here, as from Read.
		if err := d.syncLocked(); err != nil {
			return err
		}
	}
	r := &root.b
	switch r.state {
	case DeviceOnly, DeviceDirty:
		if err := d.syncLocked(); err != nil {
			return err
		}
		if len(dst) > 0 {
			if err := d.readMemory(r.mem, int64(lo)*r.elem, bytesOf(dst)); err != nil {
				return fmt.Errorf("runtime: %s: copy to host: %w", op, err)
			}
		}
	default:
		copy(dst, root.host[lo:])
	}
	return nil
}

// WriteAt copies src into buf from element off on. It keeps the buffer's
// State: where the host copy is current (host-only, host-dirty) it writes
// the host copy; where the device copy is (device-only, device-dirty) it
// writes the device copy, in order after launched work; a synchronized
// buffer gets both written and stays synchronized. Only the range moves.
func (buf *Buffer[T]) WriteAt(src []T, off int) error {
	return buf.writeAt("WriteAt", src, off)
}

func (buf *Buffer[T]) writeAt(op string, src []T, off int) error {
	root, lo, err := buf.lockRange(op, off, len(src))
	if err != nil {
		return err
	}
	d := buf.b.dev
	defer d.mu.Unlock()
	if len(src) == 0 {
		return nil
	}
	if d.info.HostMemory {
		// Launched CPU kernels may still use the host copy; their errors
		// are left for Sync or Read.
		d.waitLocked()
		copy(root.host[lo:], src)
		return nil
	}
	r := &root.b
	if r.state != DeviceOnly && r.state != DeviceDirty {
		copy(root.host[lo:], src)
	}
	if r.state == HostOnly || r.state == HostDirty {
		return nil
	}
	if err := d.writeMemory(r.mem, int64(lo)*r.elem, bytesOf(src)); err != nil {
		return fmt.Errorf("runtime: %s: copy to device: %w", op, err)
	}
	return nil
}

// Fill sets every element of buf to v. Like WriteAt it keeps the
// buffer's State: a buffer whose current copy is on the device is filled
// there, without a transfer where the backend can fill (OpenCL: patterns
// of 1, 2, 4, 8, 16, 32, 64 or 128 bytes; CUDA: values whose bytes are all
// equal, such as 0), else with writes from the host; the fill is queued
// after launched work. A host-only or host-dirty buffer is filled on the
// host.
func (buf *Buffer[T]) Fill(v T) error {
	root, lo, err := buf.lockRange("Fill", 0, buf.Len())
	if err != nil {
		return err
	}
	d := buf.b.dev
	defer d.mu.Unlock()
	n := buf.b.n
	if n == 0 {
		return nil
	}
	if d.info.HostMemory {
		d.waitLocked()
		fillHost(root.host[lo:lo+n], v)
		return nil
	}
	r := &root.b
	if r.state != DeviceOnly && r.state != DeviceDirty {
		fillHost(root.host[lo:lo+n], v)
	}
	if r.state == HostOnly || r.state == HostDirty {
		return nil
	}
	pattern := bytesOf([]T{v})
	if err := d.fillLocked(r.mem, int64(lo)*r.elem, int64(n)*r.elem, pattern); err != nil {
		return fmt.Errorf("runtime: Fill: %w", err)
	}
	return nil
}

// fillHost sets every element of s to v.
func fillHost[T any](s []T, v T) {
	if len(s) == 0 {
		return
	}
	s[0] = v
	for i := 1; i < len(s); i *= 2 {
		copy(s[i:], s[:i])
	}
}

// ReadContext is Read with cancellation: it waits for the work launched
// on the device, as Device.SyncContext does, and returns an error wrapping
// ctx.Err() if ctx ends first (dst is then untouched); then it copies the
// buffer into dst as Read does. Work that others launch between the wait
// and the copy is waited for without cancellation.
func (buf *Buffer[T]) ReadContext(ctx context.Context, dst []T) error {
	if err := buf.usable("ReadContext"); err != nil {
		return err
	}
	if err := buf.b.dev.SyncContext(ctx); err != nil {
		return err
	}
	return buf.Read(dst)
}
