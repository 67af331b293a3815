package cpu

import (
	"sync/atomic"
	"unsafe"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/runtime"
)

// Faults is the fault record of one launch of a checked kernel, as its
// generated Go body sees it: the helpers below record the first failed
// check in it, exactly as device code does (see runtime.Fault), and make
// the failed operation harmless so the thread goes on.
type Faults struct {
	rec  *[runtime.FaultRecordBytes / 4]int32
	tag  int32
	grid dc.Grid
}

// NewFaults returns the fault record of launch c, or nil if the kernel is
// not checked.
func NewFaults(c *runtime.Call) *Faults {
	n := len(c.Args)
	if c.Kernel == nil || !c.Kernel.Checked || n < 2 {
		return nil
	}
	rec, tag := c.Args[n-2].Host, c.Args[n-1].Scalar
	if len(rec) < runtime.FaultRecordBytes || len(tag) != 4 {
		return nil
	}
	return &Faults{
		rec:  (*[runtime.FaultRecordBytes / 4]int32)(unsafe.Pointer(&rec[0])),
		tag:  *(*int32)(unsafe.Pointer(&tag[0])),
		grid: c.Grid,
	}
}

// record records a fault of check site at global thread (x, y, z) unless
// one was recorded already.
func (f *Faults) record(site int32, a, b, c int64, x, y, z int) {
	if f == nil || !atomic.CompareAndSwapInt32(&f.rec[0], 0, f.tag) {
		return
	}
	r := f.rec
	r[1] = site
	for i, v := range [3]int64{a, b, c} {
		r[2+2*i] = int32(v)
		r[3+2*i] = int32(v >> 32)
	}
	gs := f.grid.GroupSize
	for i, g := range [3][2]int{{x, gs.X}, {y, gs.Y}, {z, gs.Z}} {
		if g[1] > 0 {
			r[8+i] = int32(g[0] % g[1])
			r[11+i] = int32(g[0] / g[1])
		}
	}
}

// Index returns &s[i], or, when i is out of range, records the fault of
// check site by the thread at global index (x, y, z) and returns a pointer
// to a fresh zero value, so a read yields zero and a write is dropped.
func Index[T any](f *Faults, site int32, s []T, i, x, y, z int) *T {
	if uint(i) < uint(len(s)) {
		return &s[i]
	}
	return (*T)(f.index(site, i, len(s), x, y, z, unsafe.Sizeof(s[0])))
}

// index records an index fault and returns a fresh zeroed block of size
// bytes: out of line, so that Index inlines. The dialect's element types
// hold no pointers, so the block may be plain words.
//
//go:noinline
func (f *Faults) index(site int32, i, n, x, y, z int, size uintptr) unsafe.Pointer {
	f.record(site, int64(i), int64(n), 0, x, y, z)
	return unsafe.Pointer(&make([]uint64, size/8+1)[0])
}

// Integer is every integer kind of the dialect.
type Integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr
}

// Div returns a / b, or 0 after recording the fault of check site when b
// is 0.
func Div[T Integer](f *Faults, site int32, a, b T, x, y, z int) T {
	if b == 0 {
		f.record(site, 0, 0, 0, x, y, z)
		return 0
	}
	return a / b
}

// Rem returns a % b, or 0 after recording the fault of check site when b
// is 0.
func Rem[T Integer](f *Faults, site int32, a, b T, x, y, z int) T {
	if b == 0 {
		f.record(site, 0, 0, 0, x, y, z)
		return 0
	}
	return a % b
}

// Shl returns a << n, or 0 after recording the fault of check site when n
// is negative.
func Shl[T, N Integer](f *Faults, site int32, a T, n N, x, y, z int) T {
	if n < 0 {
		f.record(site, 0, 0, 0, x, y, z)
		return 0
	}
	return a << n
}

// Shr returns a >> n, or 0 after recording the fault of check site when n
// is negative.
func Shr[T, N Integer](f *Faults, site int32, a T, n N, x, y, z int) T {
	if n < 0 {
		f.record(site, 0, 0, 0, x, y, z)
		return 0
	}
	return a >> n
}

// Slice returns s[lo:hi], or s[:0] after recording the fault of check site
// when the bounds are not 0 <= lo <= hi <= len(s).
func Slice[T any](f *Faults, site int32, s []T, lo, hi, x, y, z int) []T {
	if uint(hi) <= uint(len(s)) && uint(lo) <= uint(hi) {
		return s[lo:hi]
	}
	f.record(site, int64(lo), int64(hi), int64(len(s)), x, y, z)
	return s[:0]
}
