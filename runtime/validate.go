package runtime

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"sync"
	"unsafe"
)

// EnvValidate is the environment variable that turns validation on for
// every Device Open opens: DC_VALIDATE=1 (or on, true, yes).
const EnvValidate = "DC_VALIDATE"

// WithValidation makes every launch on the opened Device also run on the
// CPU reference, the kernel's generated Go body, and compare the results
// (see ValidationError), as DC_VALIDATE=1 does for every Device.
//
// A validated launch copies the current contents of its buffers to the
// host before it runs, waits for the device after it, runs the Go body on
// the copies and reads every written buffer back to compare: it is
// synchronous and costs at least a CPU launch and two transfers per
// buffer. Being synchronous, it returns a checked kernel's fault itself,
// where without validation the next Sync or Read would. Validation is off by default, and costs nothing then. On a
// host-memory device (the CPU backend, which runs the reference itself)
// and for kernels without a Go body (hand-written Kernels launched with a
// nil body) launches are not compared; ValidationStats counts them.
//
// Results compare element by element, struct fields and array elements
// one by one (padding is ignored): integers and bools exactly, floats
// within a tolerance (Tolerance32, Tolerance64).
func WithValidation() Option {
	return func(o *options) {
		on := true
		o.mem.validate = &on
	}
}

// Tolerance is how far a float result of a validated launch may be from
// the CPU reference: two values are equal when they are the same, both
// NaN, at most ULPs units in the last place apart, or at most
// Abs*max(1, M) apart, where M is the largest finite magnitude the CPU
// reference wrote to the buffer of that type.
type Tolerance struct {
	ULPs uint64
	Abs  float64
}

// The tolerances of validation. Results are rarely bit for bit equal to
// the Go reference, for reasons that are no bugs: a device compiler may
// contract x*y+z into one fused multiply-add (Go's specification allows
// it too, and Go does it on arm64 but not on amd64), which rounds once
// instead of twice; the device's exp, sin or pow may differ from Go's
// math package by an ulp or two; and a reduction may add in another
// order. Each such difference is a few ulps of the result, or, where
// terms cancel (a*x+y near zero), a few ulps of the terms: hence a
// relative bound in ulps, and an absolute one scaled by the largest value
// in the buffer, which stands for the size of the terms (the bound a
// BLAS test suite uses, relative to the vector's norm). A kernel whose
// terms are far larger than its results can still differ by more: a
// false mismatch, not a missed one. A fastmath kernel
// (//dc:kernel fastmath) may use approximations (OpenCL's native_
// functions, CUDA's __expf) with relative errors near 2^-11 for float32,
// and reassociates: its bounds are far wider.
var (
	Tolerance32         = Tolerance{ULPs: 16, Abs: 0x1p-20} // float32: 16 ulps, or 8 ulps of the largest value
	Tolerance64         = Tolerance{ULPs: 16, Abs: 0x1p-49} // float64: 16 ulps, or 8 ulps of the largest value
	Tolerance32FastMath = Tolerance{ULPs: 1 << 13, Abs: 0x1p-12}
	Tolerance64FastMath = Tolerance{ULPs: 1 << 31, Abs: 0x1p-30}
)

// ValidationError is a validated launch whose result differs from the CPU
// reference's: the device wrote Got where the kernel's Go body wrote Want.
type ValidationError struct {
	Kernel  string // the kernel's name
	Backend string // the device's backend
	Param   string // the written buffer parameter
	Index   int    // the first element that differs, in the buffer passed
	// Field is the part of the element that differs, as a Go selector
	// (".X", "[2]", ".real"), or "" when the element is a number or bool.
	Field string
	Got   any // the device's value (a float32, an int32, ...)
	Want  any // the CPU reference's value
	// Differ counts the elements of the buffer that differ.
	Differ int
	// Tolerance is the bound float values were compared with.
	Tolerance Tolerance
}

// Error formats the error as "runtime: kernel Saxpy: validation: opencl
// wrote y[3] = 7.0001, the CPU reference 7 (2 elements differ)".
func (e *ValidationError) Error() string {
	differ := fmt.Sprintf("%d elements differ", e.Differ)
	if e.Differ == 1 {
		differ = "1 element differs"
	}
	return fmt.Sprintf("runtime: kernel %s: validation: %s wrote %s[%d]%s = %v, the CPU reference %v (%s)",
		e.Kernel, e.Backend, e.Param, e.Index, e.Field, e.Got, e.Want, differ)
}

// ValidationStats counts what validation did on a Device.
type ValidationStats struct {
	Launches   int64 // launches compared with the CPU reference
	Mismatches int64 // of those, launches whose results differed
	Skipped    int64 // launches not compared: kernels without a Go body
}

// ValidationStats returns the device's validation counters; all zero when
// validation is off.
func (d *Device) ValidationStats() ValidationStats {
	if d.usable() != nil {
		return ValidationStats{}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.mem.vstats
}

// Validating reports whether launches on the device are validated
// (DC_VALIDATE, WithValidation).
func (d *Device) Validating() bool {
	return d.usable() == nil && d.mem.validate
}

// reference is the CPU reference run of one launch.
type reference struct {
	call  Call      // the launch, on host copies
	bufs  []*buffer // the buffer of each of the kernel's own parameters, nil for scalars
	snaps map[*buffer][]byte
}

// newReference copies the current contents of the launch's buffers to
// the host, for the CPU reference to run on once the device has run.
// d.mu must be held.
func (d *Device) newReference(call *Call, bufs []*buffer) (*reference, error) {
	ref := &reference{bufs: append([]*buffer(nil), bufs...), snaps: map[*buffer][]byte{}}
	for _, b := range bufs {
		if b == nil {
			continue
		}
		r := b.base()
		if _, ok := ref.snaps[r]; ok {
			continue
		}
		snap := d.mem.scratchBytes(r.bytes())
		switch r.state {
		case DeviceOnly, DeviceDirty:
			// Wait for the work that writes it, keeping its failures
			// (and faults, this launch's record included) for the
			// sync after the launch.
			d.waitLocked()
			if len(snap) > 0 {
				if err := d.readMemory(r.mem, 0, snap); err != nil {
					return nil, fmt.Errorf("validation: copy to host: %w", err)
				}
			}
		default:
			copy(snap, r.host)
		}
		ref.snaps[r] = snap
	}
	ref.call = *call
	ref.call.Args = append([]CallArg(nil), call.Args...)
	for i := range ref.call.Args {
		a := &ref.call.Args[i]
		a.Memory = nil
		a.Scalar = append([]byte(nil), a.Scalar...)
		switch {
		case i < len(bufs) && bufs[i] != nil:
			b := bufs[i]
			lo := b.off * b.elem
			a.Host = ref.snaps[b.base()][lo : lo+b.bytes() : lo+b.bytes()]
		case i == len(bufs) && call.Kernel.Checked:
			a.Host = make([]byte, FaultRecordBytes)
			a.Scalar = nil
		}
	}
	return ref, nil
}

// checkReference waits for the launch, runs the CPU reference and
// compares every written buffer. d.mu must be held.
func (d *Device) checkReference(ref *reference) error {
	if err := d.syncLocked(); err != nil {
		return err
	}
	c := &ref.call
	name := c.Kernel.Name
	d.mem.vstats.Launches++
	if err := runHost(c); err != nil {
		return &KernelError{Kernel: name, Err: fmt.Errorf("validation: CPU reference: %w", err)}
	}
	if c.Kernel.Checked {
		if f := decodeFault(c.Kernel.Module, c.Args[len(ref.bufs)].Host); f != nil {
			return &KernelError{Kernel: name, Err: fmt.Errorf("validation: the CPU reference faulted, %s did not: %w", d.name, f)}
		}
	}
	defer d.mem.keepScratch(ref)
	for i, b := range ref.bufs {
		p := c.Kernel.Params[i]
		if b == nil || !p.Written || b.n == 0 {
			continue
		}
		got := d.mem.scratchBytes(b.bytes())
		defer d.mem.keepScratchBytes(got)
		if err := d.readMemory(b.base().mem, b.off*b.elem, got); err != nil {
			return &KernelError{Kernel: name, Arg: p.Name, Err: fmt.Errorf("validation: copy to host: %w", err)}
		}
		tol32, tol64 := Tolerance32, Tolerance64
		if c.Kernel.FastMath {
			tol32, tol64 = Tolerance32FastMath, Tolerance64FastMath
		}
		if e := compareElems(b.typ, got, c.Args[i].Host, tol32, tol64); e != nil {
			d.mem.vstats.Mismatches++
			e.Kernel, e.Backend, e.Param = name, d.name, p.Name
			return e
		}
	}
	return nil
}

// maxScratch is how many byte slices a Device keeps for the host copies
// of validated launches.
const maxScratch = 8

// scratchBytes returns n bytes, with any contents, for a validated
// launch's host copies: a slice an earlier one used, or a new one.
func (s *memState) scratchBytes(n int64) []byte {
	for i, b := range s.scratch {
		if int64(cap(b)) >= n {
			s.scratch = append(s.scratch[:i], s.scratch[i+1:]...)
			return b[:n]
		}
	}
	return make([]byte, n)
}

// keepScratchBytes keeps b for a later scratchBytes.
func (s *memState) keepScratchBytes(b []byte) {
	if len(s.scratch) < maxScratch && cap(b) > 0 {
		s.scratch = append(s.scratch, b)
	}
}

// keepScratch keeps the host copies of ref for later validated launches.
func (s *memState) keepScratch(ref *reference) {
	for _, b := range ref.snaps {
		s.keepScratchBytes(b)
	}
}

// runHost runs the Go body of c, turning a panic outside the body's own
// recovery into an error.
func runHost(c *Call) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return c.CPU(c)
}

// leaf is a number or bool inside an element type.
type leaf struct {
	off  uintptr
	typ  reflect.Type
	path string
}

var leavesCache sync.Map // reflect.Type -> []leaf

// leavesOf returns the numbers and bools of elements of type t, in
// memory order, padding left out.
func leavesOf(t reflect.Type) []leaf {
	if ls, ok := leavesCache.Load(t); ok {
		return ls.([]leaf)
	}
	ls := appendLeaves(nil, t, 0, "")
	leavesCache.Store(t, ls)
	return ls
}

func appendLeaves(ls []leaf, t reflect.Type, off uintptr, path string) []leaf {
	switch t.Kind() {
	case reflect.Array:
		for i := range t.Len() {
			ls = appendLeaves(ls, t.Elem(), off+uintptr(i)*t.Elem().Size(), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			ls = appendLeaves(ls, f.Type, off+f.Offset, path+"."+f.Name)
		}
	case reflect.Complex64:
		f := reflect.TypeFor[float32]()
		ls = append(ls, leaf{off, f, path + ".real"}, leaf{off + 4, f, path + ".imag"})
	case reflect.Complex128:
		f := reflect.TypeFor[float64]()
		ls = append(ls, leaf{off, f, path + ".real"}, leaf{off + 8, f, path + ".imag"})
	default:
		ls = append(ls, leaf{off, t, path})
	}
	return ls
}

// compareElems compares got and want, arrays of elements of type t, and
// returns the first difference, or nil.
func compareElems(t reflect.Type, got, want []byte, tol32, tol64 Tolerance) *ValidationError {
	size := int(t.Size())
	if size == 0 {
		return nil
	}
	if bytes.Equal(got, want) {
		return nil
	}
	ls := leavesOf(t)
	scaled := false
	var first *ValidationError
	differ := 0
	for e := 0; e+size <= len(got) && e+size <= len(want); e += size {
		if string(got[e:e+size]) == string(want[e:e+size]) {
			continue
		}
		if !scaled {
			tol32, tol64 = scaleTolerances(ls, size, want, tol32, tol64)
			scaled = true
		}
		for _, l := range ls {
			g, w := got[e+int(l.off):], want[e+int(l.off):]
			var tol Tolerance
			if !leafEqual(l.typ, g, w, tol32, tol64, &tol) {
				differ++
				if first == nil {
					first = &ValidationError{Index: e / size, Field: l.path,
						Got: leafValue(l.typ, g), Want: leafValue(l.typ, w), Tolerance: tol}
				}
				break
			}
		}
	}
	if first != nil {
		first.Differ = differ
	}
	return first
}

// scaleTolerances returns the tolerances with their absolute bounds
// scaled by the largest finite value of each float type in want, an array
// of elements of size bytes with leaves ls.
func scaleTolerances(ls []leaf, size int, want []byte, tol32, tol64 Tolerance) (Tolerance, Tolerance) {
	var max32, max64 float64
	for e := 0; e+size <= len(want); e += size {
		for _, l := range ls {
			w := want[e+int(l.off):]
			switch l.typ.Kind() {
			case reflect.Float32:
				if v := math.Abs(float64(math.Float32frombits(binary.LittleEndian.Uint32(w)))); v > max32 && !math.IsInf(v, 0) {
					max32 = v
				}
			case reflect.Float64:
				if v := math.Abs(math.Float64frombits(binary.LittleEndian.Uint64(w))); v > max64 && !math.IsInf(v, 0) {
					max64 = v
				}
			}
		}
	}
	tol32.Abs *= max(1, max32)
	tol64.Abs *= max(1, max64)
	return tol32, tol64
}

// leafEqual compares the values of type t at the start of g and w; a
// float comparison stores its tolerance in tol.
func leafEqual(t reflect.Type, g, w []byte, tol32, tol64 Tolerance, tol *Tolerance) bool {
	switch t.Kind() {
	case reflect.Float32:
		*tol = tol32
		a, b := math.Float32frombits(binary.LittleEndian.Uint32(g)), math.Float32frombits(binary.LittleEndian.Uint32(w))
		return floatsEqual(float64(a), float64(b), ulps32(a, b), tol32)
	case reflect.Float64:
		*tol = tol64
		a, b := math.Float64frombits(binary.LittleEndian.Uint64(g)), math.Float64frombits(binary.LittleEndian.Uint64(w))
		return floatsEqual(a, b, ulps64(a, b), tol64)
	case reflect.Bool:
		return (g[0] != 0) == (w[0] != 0)
	}
	n := int(t.Size())
	return string(g[:n]) == string(w[:n])
}

// floatsEqual reports whether a and b, ulps apart, are equal within tol.
func floatsEqual(a, b float64, ulps uint64, tol Tolerance) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		return a == b
	}
	return ulps <= tol.ULPs || math.Abs(a-b) <= tol.Abs
}

// ulps32 returns how many float32 values lie between a and b, plus one
// (0 for equal values, and for 0 and -0).
func ulps32(a, b float32) uint64 {
	x, y := ordered(int64(int32(math.Float32bits(a))), math.MinInt32), ordered(int64(int32(math.Float32bits(b))), math.MinInt32)
	return absDiff(x, y)
}

// ulps64 is ulps32 for float64.
func ulps64(a, b float64) uint64 {
	x, y := ordered(int64(math.Float64bits(a)), math.MinInt64), ordered(int64(math.Float64bits(b)), math.MinInt64)
	return absDiff(x, y)
}

// ordered maps the bits of a float, as a signed integer, to an integer
// that orders like the float: negative floats count down from zero.
func ordered(i, minInt int64) int64 {
	if i < 0 {
		return minInt - i
	}
	return i
}

func absDiff(x, y int64) uint64 {
	if x > y {
		return uint64(x) - uint64(y)
	}
	return uint64(y) - uint64(x)
}

// leafValue returns the value of type t at the start of b.
func leafValue(t reflect.Type, b []byte) any {
	v := reflect.New(t)
	copy(unsafe.Slice((*byte)(v.UnsafePointer()), t.Size()), b)
	return v.Elem().Interface()
}
