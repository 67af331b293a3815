package runtime

import (
	"errors"
	"fmt"
	"math/bits"
	"os"
	"strings"
)

// EnvPool is the environment variable that turns the device memory pool
// off: DC_POOL=off (or 0, false, no). Open reads it; WithPool overrides it.
const EnvPool = "DC_POOL"

// WithPool turns the device memory pool of the opened Device on or off,
// overriding DC_POOL. The pool is on by default.
func WithPool(on bool) Option {
	return func(o *options) { o.mem.pool = &on }
}

// Filler is implemented by a Memory that can fill a byte range on the
// device without a transfer (OpenCL's clEnqueueFillBuffer, CUDA's
// cuMemsetD8Async): Fill sets size bytes at offset to copies of pattern,
// in order with launched work, and may return before it is done. offset
// and size are multiples of len(pattern), within the allocation. A
// pattern the device cannot fill with (its length, or for CUDA bytes that
// differ) is an error wrapping errors.ErrUnsupported; the runtime then
// writes the bytes from the host instead.
type Filler interface {
	Fill(offset, size int64, pattern []byte) error
}

// PoolStats describes a Device's memory pool: how often it served an
// allocation and what it holds.
type PoolStats struct {
	Enabled bool  // the pool is on (DC_POOL, WithPool)
	Hits    int64 // device allocations served with a freed block
	// Misses counts device allocations the backend made (every one when
	// the pool is off).
	Misses    int64
	Blocks    int   // freed blocks held for reuse
	BytesHeld int64 // their bytes
	// Trims counts the times the pool released its blocks: Trim, and an
	// allocation that ran out of device memory.
	Trims int64
	// BytesTrimmed is the bytes those releases gave back to the device.
	BytesTrimmed int64
}

// String formats the stats on one line: "pool: 120 hits, 3 misses, 2
// blocks (1.0 MiB) held".
func (s PoolStats) String() string {
	if !s.Enabled {
		return fmt.Sprintf("pool: off, %d allocations", s.Misses)
	}
	return fmt.Sprintf("pool: %d hits, %d misses, %d blocks (%s) held, %d trims", s.Hits, s.Misses, s.Blocks, byteSize(s.BytesHeld), s.Trims)
}

// byteSize formats n bytes with a binary unit.
func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// memOptions are the options of Open that the memory pool, validation and
// fallback read.
type memOptions struct {
	pool     *bool // nil: DC_POOL decides
	validate *bool // nil: DC_VALIDATE decides
	fallback bool
}

// memState is what a Device keeps for its memory pool, validation and
// fallback.
type memState struct {
	pool     bool
	free     map[int64][]Memory // freed blocks by size
	stats    PoolStats
	validate bool
	fallback bool
	vstats   ValidationStats
	scratch  [][]byte // host memory validated launches reuse (validate.go)
}

// setup reads the options and environment variables of the memory
// features into d.mem.
func (s *memState) setup(o *memOptions) {
	s.pool = envOn(EnvPool, true)
	if o.pool != nil {
		s.pool = *o.pool
	}
	s.validate = envOn(EnvValidate, false)
	if o.validate != nil {
		s.validate = *o.validate
	}
	s.fallback = o.fallback
	s.stats.Enabled = s.pool
}

// envOn reads a boolean environment variable: "1", "on", "true", "yes"
// are on, "0", "off", "false", "no" off, anything else (or unset) def.
func envOn(name string, def bool) bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv(name))) {
	case "1", "on", "true", "yes":
		return true
	case "0", "off", "false", "no":
		return false
	}
	return def
}

// minBlock is the smallest block the pool allocates.
const minBlock = 256

// sizeClass returns the block size the pool allocates for size bytes:
// size rounded up to one of four sizes per power of two (256, 320, 384,
// 448, 512, 640, ...), so a block wastes at most a quarter of itself and
// a freed block serves the requests of its class. It returns size itself
// when rounding would overflow.
func sizeClass(size int64) int64 {
	if size <= minBlock {
		return minBlock
	}
	step := int64(1) << (bits.Len64(uint64(size-1)) - 3)
	c := (size + step - 1) &^ (step - 1)
	if c < size {
		return size
	}
	return c
}

// allocLocked returns device memory for at least size bytes, zeroed from
// byte zeroFrom to size: a freed block of size's class from the pool when
// there is one, else a new allocation. When the backend runs out of
// memory, the pool is released and the allocation tried again. It returns
// the block's size, which releaseLocked takes back. d.mu must be held.
func (d *Device) allocLocked(size, zeroFrom int64) (Memory, int64, error) {
	s := &d.mem
	block := size
	if s.pool {
		block = sizeClass(size)
		if free := s.free[block]; len(free) > 0 {
			m := free[len(free)-1]
			free[len(free)-1] = nil
			s.free[block] = free[:len(free)-1]
			s.stats.Blocks--
			s.stats.BytesHeld -= block
			if zeroFrom < size {
				// NewBuffer promises zeros: a reused block is cleared,
				// on the device when the backend can fill. One zero
				// byte is the pattern backends clear fastest (a
				// memset; PoCL fills 4-byte patterns 3.5 times slower).
				if err := d.fillLocked(m, zeroFrom, size-zeroFrom, []byte{0}); err != nil {
					return nil, 0, errors.Join(fmt.Errorf("zero reused memory: %w", err), m.Free())
				}
			}
			s.stats.Hits++
			return m, block, nil
		}
	}
	m, err := d.backend.Alloc(block)
	if err != nil && errors.Is(err, ErrOutOfMemory) {
		if s.stats.Blocks > 0 {
			if terr := d.trimLocked(); terr != nil {
				return nil, 0, errors.Join(err, terr)
			}
			m, err = d.backend.Alloc(block)
		}
		if err != nil && block != size {
			// The rounded size may be what does not fit.
			block = size
			m, err = d.backend.Alloc(block)
		}
	}
	if err != nil {
		return nil, 0, err
	}
	s.stats.Misses++
	d.stats.Allocs++
	return m, block, nil
}

// releaseLocked gives back memory that allocLocked returned with a block
// of size bytes: to the pool, or to the backend when the pool is off or
// the block is not of a size class. The caller has waited for the launched
// work that uses it. d.mu must be held.
func (d *Device) releaseLocked(m Memory, block int64) error {
	s := &d.mem
	if !s.pool || d.closed || block != sizeClass(block) {
		return m.Free()
	}
	if s.free == nil {
		s.free = map[int64][]Memory{}
	}
	s.free[block] = append(s.free[block], m)
	s.stats.Blocks++
	s.stats.BytesHeld += block
	return nil
}

// trimLocked frees every block of the pool. d.mu must be held.
func (d *Device) trimLocked() error {
	s := &d.mem
	var errs []error
	for size, free := range s.free {
		for _, m := range free {
			if err := m.Free(); err != nil {
				errs = append(errs, fmt.Errorf("runtime: free pooled memory: %w", err))
			}
		}
		delete(s.free, size)
	}
	if s.stats.Blocks > 0 {
		s.stats.Trims++
		s.stats.BytesTrimmed += s.stats.BytesHeld
	}
	s.stats.Blocks, s.stats.BytesHeld = 0, 0
	s.scratch = nil
	return errors.Join(errs...)
}

// Trim frees the device memory the pool holds for reuse: the blocks of
// closed buffers (and the host memory validation keeps for its copies).
// Buffers in use keep theirs. An allocation that runs out
// of device memory trims the pool itself before it fails.
func (d *Device) Trim() error {
	if err := d.usable(); err != nil {
		return fmt.Errorf("runtime: Trim: %w", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return fmt.Errorf("runtime: Trim: %w", ErrDeviceClosed)
	}
	return d.trimLocked()
}

// PoolStats returns the counters of the device's memory pool. The zero
// PoolStats for a nil or zero Device; a host-memory device (the CPU) makes
// no device allocations, so its counters stay 0.
func (d *Device) PoolStats() PoolStats {
	if d.usable() != nil {
		return PoolStats{}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.mem.stats
}

// fillLocked sets size bytes of m at offset to copies of pattern: on the
// device when m is a Filler that takes the pattern, else with writes from
// the host. d.mu must be held.
func (d *Device) fillLocked(m Memory, offset, size int64, pattern []byte) error {
	if size == 0 {
		return nil
	}
	if f, ok := m.(Filler); ok {
		err := f.Fill(offset, size, pattern)
		if err == nil {
			d.pending = true
			return nil
		}
		if !errors.Is(err, errors.ErrUnsupported) {
			return err
		}
	}
	chunk := make([]byte, min(size, max(1<<20/int64(len(pattern)), 1)*int64(len(pattern))))
	fillBytes(chunk, pattern)
	for off := int64(0); off < size; off += int64(len(chunk)) {
		n := min(int64(len(chunk)), size-off)
		if err := d.writeMemory(m, offset+off, chunk[:n]); err != nil {
			return err
		}
	}
	return nil
}

// fillBytes fills b with copies of pattern; len(b) is a multiple of
// len(pattern).
func fillBytes(b, pattern []byte) {
	if len(b) == 0 {
		return
	}
	n := copy(b, pattern)
	for n < len(b) {
		n += copy(b[n:], b[:n])
	}
}
