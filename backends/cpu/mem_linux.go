package cpu

import "syscall"

// hostMemoryTotal returns the bytes of RAM the machine has, 0 if unknown.
func hostMemoryTotal() uint64 {
	var si syscall.Sysinfo_t
	if err := syscall.Sysinfo(&si); err != nil {
		return 0
	}
	return uint64(si.Totalram) * uint64(si.Unit)
}
