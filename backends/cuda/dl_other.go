//go:build !(darwin || freebsd || linux || netbsd)

package cuda

import (
	"fmt"
	"runtime"
)

const (
	rtldNow    = 0
	rtldGlobal = 0
	rtldLocal  = 0
)

// dlopen reports that shared libraries cannot be loaded on this platform.
func dlopen(path string, mode int) (uintptr, error) {
	return 0, fmt.Errorf("loading %s is not supported on %s", path, runtime.GOOS)
}

// dlsym reports that shared libraries cannot be loaded on this platform.
func dlsym(handle uintptr, name string) (uintptr, error) {
	return 0, fmt.Errorf("looking up %s is not supported on %s", name, runtime.GOOS)
}
