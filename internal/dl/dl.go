// Package dl loads shared libraries at run time without cgo, through
// purego, for dc's native backends (CUDA's NVRTC and driver, OpenCL, ...).
//
// Symbols are resolved through a sticky error: Library.Sym records the
// first required symbol that is missing and returns 0 from then on, so a
// binding resolves all of its functions and checks Library.Err once, never
// calling through a nil function pointer. On platforms where purego cannot
// load libraries, Open returns an error instead of failing to build.
package dl

import (
	"errors"
	"strings"
	"unsafe"
)

// Library is a loaded shared library. Its Sym and OptSym methods are not
// safe for concurrent use with each other; a binding resolves its symbols
// once, right after Open.
type Library struct {
	// Prefix starts the message of the error Sym records: "cuda" gives
	// "cuda: cuLaunchKernel is missing in libcuda.so.1". Empty means no
	// prefix.
	Prefix string

	path   string
	handle uintptr
	err    error
}

// Open loads the first of paths (files, or sonames for the system loader)
// that loads, with RTLD_NOW|RTLD_LOCAL. When none does, the error holds
// every failure, each of which names its path.
func Open(paths ...string) (*Library, error) {
	return open(RTLDNow|RTLDLocal, paths)
}

// OpenGlobal is Open with RTLD_NOW|RTLD_GLOBAL: the library's symbols are
// then visible to libraries loaded later, which lets a library that dlopens
// a companion by soname find one loaded here by full path.
func OpenGlobal(paths ...string) (*Library, error) {
	return open(RTLDNow|RTLDGlobal, paths)
}

func open(mode int, paths []string) (*Library, error) {
	if len(paths) == 0 {
		return nil, errors.New("dl: no library to open")
	}
	var msgs []string
	for _, p := range paths {
		h, err := Dlopen(p, mode)
		if err == nil {
			return &Library{path: p, handle: h}, nil
		}
		msgs = append(msgs, err.Error())
	}
	return nil, errors.New(strings.Join(msgs, "; "))
}

// FromHandle returns a Library for a handle that Dlopen returned for path.
func FromHandle(path string, handle uintptr) *Library {
	return &Library{path: path, handle: handle}
}

// Path returns the file or soname the library was loaded from.
func (l *Library) Path() string { return l.path }

// Handle returns the handle dlopen returned.
func (l *Library) Handle() uintptr { return l.handle }

// Sym returns the address of the required symbol name. When the library
// lacks it, or an earlier Sym failed, it returns 0; the first failure is
// recorded as Err, "<Prefix>: name is missing in <path>".
func (l *Library) Sym(name string) uintptr {
	if l.err != nil {
		return 0
	}
	p, err := Dlsym(l.handle, name)
	if err != nil || p == 0 {
		msg := name + " is missing in " + l.path
		if l.Prefix != "" {
			msg = l.Prefix + ": " + msg
		}
		l.err = errors.New(msg)
		return 0
	}
	return p
}

// OptSym returns the address of the optional symbol name, or 0 when the
// library lacks it. It never records an error.
func (l *Library) OptSym(name string) uintptr {
	p, err := Dlsym(l.handle, name)
	if err != nil {
		return 0
	}
	return p
}

// Err returns the error of the first required symbol Sym did not find, or
// nil.
func (l *Library) Err() error { return l.err }

// CString returns s as a NUL-terminated byte slice in Go memory, to pass
// as a C string (&b[0]) for the duration of a call.
func CString(s string) []byte {
	b := make([]byte, len(s)+1)
	copy(b, s)
	return b
}

// GoString copies the NUL-terminated C string at p into Go memory. It
// returns "" for a nil p.
func GoString(p uintptr) string {
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

// GoStringN returns the bytes of b up to its first NUL (all of b if it has
// none) as a string: the text a native call wrote into a Go buffer.
func GoStringN(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
