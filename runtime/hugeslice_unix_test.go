//go:build linux || darwin

package runtime_test

import (
	"syscall"
	"testing"
	"unsafe"
)

// hugeSlice returns a []byte of length 1<<62 over one page of memory
// mapped outside Go's heap (so that -race's checkptr accepts it): a
// BufferOf source that the runtime must refuse after looking at its length
// only.
func hugeSlice(t *testing.T) []byte {
	page, err := syscall.Mmap(-1, 0, 4096, syscall.PROT_READ, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Logf("mmap: %v: BufferOf of a huge slice not checked", err)
		return nil
	}
	t.Cleanup(func() { syscall.Munmap(page) })
	return unsafe.Slice(&page[0], 1<<62)
}
