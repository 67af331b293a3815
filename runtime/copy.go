package runtime

import (
	"errors"
	"fmt"
)

// Copier is implemented by a Memory that can copy from another Memory of
// the same Backend without a trip through host memory (CUDA's
// cuMemcpyDtoD). Copy copies n bytes of src at srcOffset to the receiver
// at dstOffset, in order with launched work: after the kernels launched
// before it, before those launched after. The runtime keeps offsets and
// lengths within both allocations.
type Copier interface {
	Copy(dstOffset int64, src Memory, srcOffset, n int64) error
}

// Precompiler is implemented by a Backend that compiles modules: Precompile
// compiles m (or takes it from a cache) and readies it for launches, so the
// first launch of its kernels does not pay for it. The runtime calls it
// once per Device and Module: from Device.Precompile, or right before the
// first launch of one of the module's kernels, timing the build for
// Device.Profile and the log; a failure is returned again by every later
// launch of the module's kernels.
type Precompiler interface {
	Precompile(m *Module) error
}

// Copy copies min(dst.Len(), src.Len()) elements from src to dst, two
// buffers of one Device, and returns how many it copied, as Go's copy
// does. Like a launch it is queued after the work launched before it and
// may finish after Copy returns; Read, Sync and later launches see its
// result. On a device with separate memory whose backend copies on the
// device (CUDA, OpenCL) the data never visits the host: both device copies
// are made current first if needed, and dst becomes device-dirty.
// Otherwise (the CPU, a backend without Copier, or two buffers that exist
// on the host only) the elements are copied through the host copies.
// Copying a buffer onto itself copies nothing. Either may be a view
// (Buffer.Slice); overlapping views of one buffer are copied through the
// host copy, as Go's copy does, with memmove semantics.
func Copy[T any](dst, src *Buffer[T]) (int, error) {
	if err := dst.usable("Copy"); err != nil {
		return 0, err
	}
	if err := src.usable("Copy"); err != nil {
		return 0, err
	}
	d := dst.b.dev
	if src.b.dev != d {
		return 0, fmt.Errorf("runtime: Copy: %w", ErrOtherDevice)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, b := range []*buffer{&dst.b, &src.b} {
		if err := b.checkLocked(); err != nil {
			return 0, fmt.Errorf("runtime: Copy: %w", err)
		}
	}
	if err := d.earlierFault(); err != nil {
		return 0, err
	}
	n := min(dst.b.n, src.b.n)
	dr, dlo := dst.rangeOf()
	sr, slo := src.rangeOf()
	if n == 0 || dr == sr && dlo == slo {
		return n, nil
	}
	bytes := int64(n) * dst.b.elem
	if d.info.HostMemory {
		// Launched CPU kernels work on the host copies; their errors are
		// left for Sync or Read.
		d.waitLocked()
		copy(dr.host[dlo:dlo+n], sr.host[slo:slo+n])
		return n, nil
	}
	// The backend copies on the device if its memory is a Copier. When
	// neither buffer has device memory yet, the data is on the host only
	// and is copied there, as are overlapping ranges of one buffer, which
	// device copies refuse.
	_, dstCopies := dr.b.mem.(Copier)
	_, srcCopies := sr.b.mem.(Copier)
	overlap := dr == sr && dlo < slo+n && slo < dlo+n
	if (dstCopies || srcCopies) && !overlap {
		if err := sr.b.toDevice(); err != nil {
			return 0, fmt.Errorf("runtime: Copy: %w", err)
		}
		if err := dr.b.toDevice(); err != nil {
			return 0, fmt.Errorf("runtime: Copy: %w", err)
		}
		c, ok := dr.b.mem.(Copier)
		if !ok {
			return 0, fmt.Errorf("runtime: Copy: device memory %T cannot copy", dr.b.mem)
		}
		err := c.Copy(int64(dlo)*dst.b.elem, sr.b.mem, int64(slo)*src.b.elem, bytes)
		d.pending = true
		if dr.b.host == nil {
			dr.b.state = DeviceOnly
		} else {
			dr.b.state = DeviceDirty
		}
		if err != nil {
			return 0, fmt.Errorf("runtime: Copy: %w", err)
		}
		d.stats.DeviceToDevice++
		d.stats.BytesDeviceToDevice += bytes
		return n, nil
	}
	for _, buf := range []*Buffer[T]{dr, sr} {
		if err := buf.ensureHost("Copy"); err != nil {
			return 0, err
		}
		if err := buf.b.toHost(); err != nil {
			return 0, err
		}
	}
	copy(dr.host[dlo:dlo+n], sr.host[slo:slo+n])
	dr.b.written()
	return n, nil
}

// Precompile compiles the given modules for the device (or takes them from
// the backend's kernel cache), so that the first launch of their kernels
// does not wait for a compiler. A Module is what a generated package's
// kernels share (Kernel.Module). Backends that compile nothing (the CPU)
// return nil at once; a compile error comes back as it would at the first
// launch.
func (d *Device) Precompile(modules ...*Module) error {
	if err := d.usable(); err != nil {
		return fmt.Errorf("runtime: Precompile: %w", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return fmt.Errorf("runtime: Precompile: %w", ErrDeviceClosed)
	}
	var errs []error
	for _, m := range modules {
		if m == nil {
			errs = append(errs, errors.New("runtime: Precompile: nil module"))
			continue
		}
		if err := d.buildLocked(m); err != nil {
			errs = append(errs, fmt.Errorf("runtime: Precompile %s: %w", m.Package, err))
		}
	}
	return errors.Join(errs...)
}
