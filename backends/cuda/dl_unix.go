//go:build darwin || freebsd || linux || netbsd

package cuda

import "github.com/ebitengine/purego"

const (
	rtldNow    = purego.RTLD_NOW
	rtldGlobal = purego.RTLD_GLOBAL
	rtldLocal  = purego.RTLD_LOCAL
)

// dlopen loads the shared library at path (a file or a soname for the system
// loader) and returns its handle.
func dlopen(path string, mode int) (uintptr, error) {
	return purego.Dlopen(path, mode)
}

// dlsym returns the address of symbol name in the library handle.
func dlsym(handle uintptr, name string) (uintptr, error) {
	return purego.Dlsym(handle, name)
}
