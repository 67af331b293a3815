//go:build !linux

package cpu

// hostMemoryTotal returns the bytes of RAM the machine has, 0 if unknown.
func hostMemoryTotal() uint64 { return 0 }
