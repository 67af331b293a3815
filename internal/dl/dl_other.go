//go:build !(darwin || freebsd || linux || netbsd)

package dl

import (
	"fmt"
	"runtime"
)

// The dlopen modes, for Dlopen. They have no meaning on this platform.
const (
	RTLDNow    = 0
	RTLDGlobal = 0
	RTLDLocal  = 0
)

// Dlopen reports that shared libraries cannot be loaded on this platform.
func Dlopen(path string, mode int) (uintptr, error) {
	return 0, fmt.Errorf("loading %s is not supported on %s", path, runtime.GOOS)
}

// Dlsym reports that shared libraries cannot be loaded on this platform.
func Dlsym(handle uintptr, name string) (uintptr, error) {
	return 0, fmt.Errorf("looking up %s is not supported on %s", name, runtime.GOOS)
}
