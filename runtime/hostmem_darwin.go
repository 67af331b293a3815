package runtime

import (
	"encoding/binary"
	"syscall"
)

// hostMemory returns the machine's physical memory (sysctl hw.memsize):
// macOS compresses and swaps rather than report a smaller figure that an
// allocation could rely on, so a request above it is the one that is
// certain to fail. ok is false when sysctl fails.
func hostMemory() (avail uint64, ok bool) {
	s, err := syscall.Sysctl("hw.memsize")
	if err != nil {
		return 0, false
	}
	b := []byte(s)
	// Sysctl drops a trailing NUL byte of the 8-byte value.
	for len(b) < 8 {
		b = append(b, 0)
	}
	return binary.LittleEndian.Uint64(b[:8]), true
}
