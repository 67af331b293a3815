package cpu

import (
	"runtime/debug"
	"unsafe"

	"github.com/dotcompute/dc/runtime"
)

// RunCall is Run for generated launchers that take their arguments from
// the Call: it runs the groups of c.Grid in chunks, calling body(c, g0, g1)
// for each chunk [g0, g1) on the calling goroutine and on the pool's
// workers. body is a package-level function, so a launch allocates no
// closure. A panic in body is recovered as Run's are, into a *PanicError
// naming c.Kernel.
func RunCall(c *runtime.Call, body func(c *runtime.Call, g0, g1 int)) error {
	return runGroups(chunkBody{kernel: c.Kernel.Name, call: c, withCall: body}, c.Grid)
}

// runCallChunk calls body(c, g0, g1), recovering a panic.
func runCallChunk(c *runtime.Call, body func(c *runtime.Call, g0, g1 int), g0, g1 int) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Kernel: c.Kernel.Name, Value: v, Stack: debug.Stack()}
		}
	}()
	body(c, g0, g1)
	return nil
}

// SliceArg returns argument i of c, a buffer on the CPU backend, as the
// kernel's slice: its host memory as c.Args[i].Len elements of type T.
func SliceArg[T any](c *runtime.Call, i int) []T {
	a := &c.Args[i]
	if a.Len == 0 || len(a.Host) == 0 {
		return []T{}
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(a.Host))), a.Len)
}

// ScalarArg returns argument i of c, a scalar of type T.
func ScalarArg[T any](c *runtime.Call, i int) T {
	var v T
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&v)), unsafe.Sizeof(v)), c.Args[i].Scalar)
	return v
}
