// Package dc is the kernel dialect: the device-side API of GPU compute
// kernels written in plain Go. Everything here also runs as ordinary Go, so a
// kernel can be unit-tested with Emulate without generating anything.
//
// # Kernels
//
// A kernel is a function marked with the directive //dc:kernel whose first
// parameter is a Thread and which has no results:
//
//	//dc:kernel
//	func Saxpy(t dc.Thread, a float32, x, y []float32) {
//		if i := t.GlobalX(); i < len(y) {
//			y[i] = a*x[i] + y[i]
//		}
//	}
//
// The directive may carry options: types=float32,float64 instantiates a
// generic kernel for those type arguments, fastmath allows fast math. The
// other parameters are scalars (bool, the sized and unsized integer types,
// float32, float64, and structs and fixed-size arrays of these) and slices of
// them. dckgen (go generate) translates kernels to CUDA C, Metal, OpenCL C and
// a Go CPU fallback, and writes a typed launcher LaunchSaxpy per kernel.
//
// # Threads, groups, grids
//
// A launch runs the kernel once per thread of a Grid: Grid.Groups groups of
// Grid.GroupSize threads each, in up to three dimensions. Thread tells a
// thread where it is: GlobalX (GroupX*GroupSizeX+LocalX), LocalX, GroupX,
// GroupSizeX, NumGroupsX, GridSizeX and the same for Y and Z. Grid1D, Grid2D
// and Grid3D cover at least a given number of threads, so a grid usually has
// a few threads too many and kernels test their index against the data's
// length.
//
// # Groups: barriers and shared memory
//
// The threads of one group can cooperate. Shared returns an array shared by
// the group (one per Shared call in the source, zeroed at the start);
// Thread.Barrier waits until every thread of the group arrives, and makes the
// writes before it visible after it. Every thread of a group must reach the
// same sequence of barriers: a barrier under a condition that differs between
// the threads of a group, or a thread that returns while others wait at a
// barrier, is divergence, undefined on GPUs and an error in Emulate.
//
// Atomics (AtomicAdd, AtomicExchange, AtomicMin, AtomicMax, AtomicCAS) work
// on elements of slices and shared arrays (&x[i]) and return the old value.
// Threads of different groups can only cooperate through atomics; they may
// run in any order.
//
// # Device functions and the subset
//
// Functions of the kernel's package that a kernel calls become device
// functions, generic ones too. They may take the Thread, scalars, structs,
// slices and pointers to fixed-size arrays (such as Shared's result), and
// return several results. Kernels may use the math functions of this package
// (generic over Float) and package math on float64, len, min, max,
// conversions and constants. Everything else is rejected by dckgen with a
// positioned diagnostic: goroutines, channels, select, defer, closures, maps,
// interfaces, strings, append, make, new, pointers other than to atomics'
// targets and Shared arrays, recursion, panic, goto, package-level variables
// and calls into other packages.
//
// # Semantics
//
// Semantics are Go's on every target: int is 64 bits, signed overflow wraps,
// shifts by the width or more give 0 (or the sign), float32 arithmetic stays
// float32, min and max follow Go's NaN rules. x*y+z may be contracted into one
// FMA, as Go's specification permits. A Go run-time panic in a CPU or emulated
// kernel (index out of range, division by zero) is returned as an error naming
// the kernel.
package dc
