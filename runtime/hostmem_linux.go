package runtime

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"syscall"
)

// hostMemory returns the bytes of memory the system can still give the
// process: MemAvailable plus SwapFree from /proc/meminfo, or, when that
// cannot be read (old kernels, sandboxes), free RAM, buffers and free swap
// from sysinfo(2). ok is false when neither works.
func hostMemory() (avail uint64, ok bool) {
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		var mem, swap uint64
		var haveMem bool
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			f := bytes.Fields(sc.Bytes())
			if len(f) < 2 {
				continue
			}
			v, err := strconv.ParseUint(string(f[1]), 10, 64)
			if err != nil {
				continue
			}
			if len(f) > 2 && string(f[2]) == "kB" {
				v *= 1024
			}
			switch string(f[0]) {
			case "MemAvailable:":
				mem, haveMem = v, true
			case "SwapFree:":
				swap = v
			}
		}
		if haveMem {
			return mem + swap, true
		}
	}
	var info syscall.Sysinfo_t
	if err := syscall.Sysinfo(&info); err != nil {
		return 0, false
	}
	unit := uint64(max(info.Unit, 1))
	return (uint64(info.Freeram) + uint64(info.Bufferram) + uint64(info.Freeswap)) * unit, true
}
