package dc

import (
	"reflect"
	"runtime"
)

// Thread is the position of one thread in a launch, the first parameter of
// every kernel. It is a small value: pass it by value, to device functions
// too. Its geometry methods are cheap and inline.
//
// A Thread from Emulate or a launch also carries its group, for Barrier and
// Shared; a Thread from ThreadAt (or the zero Thread) does not.
type Thread struct {
	group  [3]int32 // group index
	local  [3]int32 // index in the group
	size   [3]int32 // group size
	groups [3]int32 // number of groups
	g      *group   // nil outside Emulate
}

// ThreadAt returns the Thread at local index local of group group in grid g,
// for generated CPU code and for unit-testing device functions. g must be
// valid (see Grid.Validate) and the indexes inside it. Barrier and Shared
// panic on the result: they need Emulate or a launch.
func ThreadAt(g Grid, group, local Dim3) Thread {
	return Thread{
		group:  [3]int32{int32(group.X), int32(group.Y), int32(group.Z)},
		local:  [3]int32{int32(local.X), int32(local.Y), int32(local.Z)},
		size:   [3]int32{int32(g.GroupSize.X), int32(g.GroupSize.Y), int32(g.GroupSize.Z)},
		groups: [3]int32{int32(g.Groups.X), int32(g.Groups.Y), int32(g.Groups.Z)},
	}
}

// GlobalX returns the thread's global index in X: GroupX*GroupSizeX+LocalX.
func (t Thread) GlobalX() int { return int(t.group[0])*int(t.size[0]) + int(t.local[0]) }

// GlobalY returns the thread's global index in Y: GroupY*GroupSizeY+LocalY.
func (t Thread) GlobalY() int { return int(t.group[1])*int(t.size[1]) + int(t.local[1]) }

// GlobalZ returns the thread's global index in Z: GroupZ*GroupSizeZ+LocalZ.
func (t Thread) GlobalZ() int { return int(t.group[2])*int(t.size[2]) + int(t.local[2]) }

// LocalX returns the thread's index in its group in X.
func (t Thread) LocalX() int { return int(t.local[0]) }

// LocalY returns the thread's index in its group in Y.
func (t Thread) LocalY() int { return int(t.local[1]) }

// LocalZ returns the thread's index in its group in Z.
func (t Thread) LocalZ() int { return int(t.local[2]) }

// GroupX returns the index of the thread's group in X.
func (t Thread) GroupX() int { return int(t.group[0]) }

// GroupY returns the index of the thread's group in Y.
func (t Thread) GroupY() int { return int(t.group[1]) }

// GroupZ returns the index of the thread's group in Z.
func (t Thread) GroupZ() int { return int(t.group[2]) }

// GroupSizeX returns the number of threads per group in X.
func (t Thread) GroupSizeX() int { return int(t.size[0]) }

// GroupSizeY returns the number of threads per group in Y.
func (t Thread) GroupSizeY() int { return int(t.size[1]) }

// GroupSizeZ returns the number of threads per group in Z.
func (t Thread) GroupSizeZ() int { return int(t.size[2]) }

// NumGroupsX returns the number of groups in X.
func (t Thread) NumGroupsX() int { return int(t.groups[0]) }

// NumGroupsY returns the number of groups in Y.
func (t Thread) NumGroupsY() int { return int(t.groups[1]) }

// NumGroupsZ returns the number of groups in Z.
func (t Thread) NumGroupsZ() int { return int(t.groups[2]) }

// GridSizeX returns the number of threads in X: NumGroupsX*GroupSizeX.
func (t Thread) GridSizeX() int { return int(t.groups[0]) * int(t.size[0]) }

// GridSizeY returns the number of threads in Y: NumGroupsY*GroupSizeY.
func (t Thread) GridSizeY() int { return int(t.groups[1]) * int(t.size[1]) }

// GridSizeZ returns the number of threads in Z: NumGroupsZ*GroupSizeZ.
func (t Thread) GridSizeZ() int { return int(t.groups[2]) * int(t.size[2]) }

// localIndex returns the thread's linear index in its group, X fastest.
func (t Thread) localIndex() int {
	return int(t.local[0]) + int(t.size[0])*(int(t.local[1])+int(t.size[1])*int(t.local[2]))
}

// Barrier waits until every thread of the group has reached this barrier,
// and makes the group's memory writes before it visible to the group after
// it (CUDA's __syncthreads, Metal's threadgroup_barrier with
// mem_threadgroup, OpenCL's barrier(CLK_LOCAL_MEM_FENCE)). Every thread of a
// group must reach the same sequence of barriers; see the package
// documentation.
//
// Barrier panics on a Thread from ThreadAt.
//
//go:noinline
func (t Thread) Barrier() {
	if t.g == nil {
		panic("dc: Barrier needs dc.Emulate or a launch; this Thread has no group (it was made by ThreadAt)")
	}
	var pc [1]uintptr
	runtime.Callers(2, pc[:])
	t.g.barrier(t.localIndex(), pc[0])
}

// Shared returns the calling group's shared-memory array of type A, which
// must be a fixed-size array type such as [256]float32 or [16][16]float32
// (elements may be structs). Each call of Shared in the source is one array
// per group, like a __shared__ declaration in CUDA: every thread of a group
// that runs the call, however often and from wherever, gets the same array,
// and other groups and other call sites get other arrays. Arrays start
// zeroed here and on the CPU backend; on GPUs they hold whatever the last
// group left, so a kernel should write an element before any thread
// reads it. Use Barrier to order writes and reads of different threads.
//
// Emulate tells call sites apart by source file and line (and A), so keep
// two Shared calls of one array type on separate lines.
//
// Shared panics if A is not an array type or has more than 64 MiB (Emulate's
// limit), and on a Thread from ThreadAt.
//
//go:noinline
func Shared[A any](t Thread) *A {
	if t.g == nil {
		panic("dc: Shared needs dc.Emulate or a launch; this Thread has no group (it was made by ThreadAt)")
	}
	var pc [1]uintptr
	runtime.Callers(2, pc[:])
	return t.g.shared(pc[0], reflect.TypeFor[A]()).(*A)
}
