package runtime

import (
	"fmt"
	"unsafe"
)

// maxHostBytes is the largest host allocation the runtime attempts: Go's
// make panics ("len out of range") beyond its heap's address range (2^48
// bytes on 64-bit platforms), so larger requests are refused before make.
const maxHostBytes = int64(1) << 47

// hostCheckBytes is the size from which a host allocation is checked
// against the memory the machine can give: below it the check would cost
// more than it saves.
const hostCheckBytes = 16 << 20

// checkHostAlloc reports, as an error wrapping ErrOutOfMemory, whether
// size bytes cannot be allocated on the host: more than maxHostBytes, or
// more than the memory the system reports available (hostMemory). It is
// called before make, because Go ends the process ("fatal error: runtime:
// out of memory") when the operating system refuses an allocation.
func checkHostAlloc(op string, size int64) error {
	if size < hostCheckBytes {
		return nil
	}
	if size > maxHostBytes || uint64(size) > uint64(^uintptr(0)>>1) {
		return fmt.Errorf("runtime: %s: %w: %d bytes requested, more than a Go slice can hold", op, ErrOutOfMemory, size)
	}
	if avail, ok := hostMemory(); ok && uint64(size) > avail {
		return fmt.Errorf("runtime: %s: %w: %d bytes requested, %d bytes of host memory available", op, ErrOutOfMemory, size, avail)
	}
	return nil
}

// checkedSize returns n elements of elem bytes in bytes, or an error
// wrapping ErrOutOfMemory when the product overflows.
func checkedSize(op string, n int, elem int64) (int64, error) {
	if elem > 0 && uint64(n) > uint64(maxInt64/elem) {
		return 0, fmt.Errorf("runtime: %s: %w: %d elements of %d bytes overflow int64", op, ErrOutOfMemory, n, elem)
	}
	return int64(n) * elem, nil
}

const maxInt64 = int64(^uint64(0) >> 1)

// makeHost allocates n zeroed elements of T on the host, after
// checkHostAlloc.
func makeHost[T any](op string, n int) ([]T, error) {
	var zero T
	size, err := checkedSize(op, n, int64(unsafe.Sizeof(zero)))
	if err != nil {
		return nil, err
	}
	if err := checkHostAlloc(op, size); err != nil {
		return nil, err
	}
	return make([]T, n), nil
}
