package cuda

import (
	"fmt"
	"unsafe"
)

// library is a loaded shared library whose symbols are resolved through a
// sticky error: the first missing required symbol is remembered in err and
// every later lookup returns 0, so a binding can resolve all of its symbols
// and check err once.
type library struct {
	path   string
	handle uintptr
	err    error
}

// sym returns the address of the required symbol name, or 0 after recording
// "cuda: name is missing" as the library's error.
func (l *library) sym(name string) uintptr {
	if l.err != nil {
		return 0
	}
	p, err := dlsym(l.handle, name)
	if err != nil || p == 0 {
		l.err = fmt.Errorf("cuda: %s is missing in %s", name, l.path)
		return 0
	}
	return p
}

// optSym returns the address of the optional symbol name, or 0 when the
// library does not have it. It never records an error.
func (l *library) optSym(name string) uintptr {
	p, err := dlsym(l.handle, name)
	if err != nil {
		return 0
	}
	return p
}

// cString returns s as a NUL-terminated byte slice in Go memory.
func cString(s string) []byte {
	b := make([]byte, len(s)+1)
	copy(b, s)
	return b
}

// goString copies the NUL-terminated C string at p into Go memory.
func goString(p uintptr) string {
	if p == 0 {
		return ""
	}
	ptr := *(*unsafe.Pointer)(unsafe.Pointer(&p))
	n := 0
	for *(*byte)(unsafe.Add(ptr, n)) != 0 {
		n++
	}
	return string(unsafe.Slice((*byte)(ptr), n))
}
