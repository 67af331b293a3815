//go:build darwin || freebsd || linux || netbsd

package dl

import "github.com/ebitengine/purego"

// The dlopen modes, for Dlopen.
const (
	RTLDNow    = purego.RTLD_NOW
	RTLDGlobal = purego.RTLD_GLOBAL
	RTLDLocal  = purego.RTLD_LOCAL
)

// Dlopen loads the shared library at path (a file or a soname for the
// system loader) with mode and returns its handle. The error is dlerror's
// message, which names path.
func Dlopen(path string, mode int) (uintptr, error) {
	return purego.Dlopen(path, mode)
}

// Dlsym returns the address of symbol name in the library handle.
func Dlsym(handle uintptr, name string) (uintptr, error) {
	return purego.Dlsym(handle, name)
}
