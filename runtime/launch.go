package runtime

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unsafe"

	"github.com/dotcompute/dc"
)

// Module holds the device sources of the kernels of one Go package, as
// dckgen generated them. Each backend compiles the source it needs once per
// device and caches the result by the *Module pointer, so generated code
// declares one Module variable per package.
type Module struct {
	Package string // Go import path of the package
	CUDA    string // CUDA C, compiled with NVRTC
	MSL     string // Metal Shading Language
	OpenCL  string // OpenCL C
	// Checks lists the run-time checks of the module's checked kernels; a
	// fault record names one by its index.
	Checks []CheckSite
}

// Kernel describes one kernel entry point of a Module. Generated launchers
// declare one per kernel (and per instantiation of a generic kernel).
type Kernel struct {
	Module      *Module
	Name        string  // device entry-point name, e.g. "Saxpy" or "Reduce_float32"
	Params      []Param // the kernel's parameters after the dc.Thread, in order
	SharedBytes int64   // group-shared memory one group uses
	Barrier     bool    // the kernel calls Thread.Barrier (directly or not)
	FastMath    bool    // compiled with fast-math (//dc:kernel fastmath)
	// Float64 says the kernel computes with float64; Launch refuses it on a
	// device whose DeviceInfo.Float64 is false.
	Float64 bool
	// NotOnMetal says why Metal cannot run the kernel ("Metal has no
	// float64 (k.go:12:3)"), "" if it can: Module.MSL leaves the kernel
	// out, and a launch on a device whose DeviceInfo.MSL is set fails with
	// ErrNotOnMetal before anything runs.
	NotOnMetal string
	// Aliased is the entry point to launch instead of Name when one buffer
	// is passed both to a parameter the kernel only reads and to one it
	// writes: Name declares read-only slices restrict (no aliasing), which
	// such a launch would break. "" if the device code has no restrict
	// pointers.
	Aliased string
	// Checked says the kernel takes a fault record (see Fault): the
	// runtime passes the Device's record and the launch's tag after the
	// kernel's own arguments, as a buffer of int32 and an int32 scalar,
	// and reports the first fault at the next Sync.
	Checked bool
	// FastIf lists the launch conditions of the kernel's fast entry
	// points (see FastSuffix): a launch where every one holds runs the
	// entry point without the checks they prove. Nil if the device code
	// has no fast entry points.
	FastIf []LaunchExpr
	// FastChecked says the fast entry points still carry checks (device
	// functions', or ones without launch conditions), so a fast launch
	// still records faults.
	FastChecked bool
}

// Param describes one kernel parameter.
type Param struct {
	Name    string    // Go parameter name, used in error messages
	Kind    ParamKind // scalar or slice (buffer)
	Written bool      // the kernel may write the buffer
	Size    int64     // size in bytes of the scalar, or of one buffer element
}

// ParamKind says whether a parameter is a scalar or a buffer.
type ParamKind int

// The kinds of parameters. The zero ParamKind is invalid.
const (
	ScalarParam ParamKind = iota + 1 // a value passed by copy: Scalar(v)
	BufferParam                      // a slice parameter: a *Buffer[T]
)

// String returns "scalar" or "buffer".
func (k ParamKind) String() string {
	switch k {
	case ScalarParam:
		return "scalar"
	case BufferParam:
		return "buffer"
	}
	return fmt.Sprintf("ParamKind(%d)", int(k))
}

// Arg is a kernel argument: a *Buffer[T], or a scalar made with Scalar.
type Arg interface {
	arg() argValue
}

type argValue struct {
	isBuffer bool
	buf      *buffer // nil for a nil *Buffer[T]
	scalar   []byte  // a scalar's bytes, unless inline
	inline   bool    // the scalar's bytes are small[:size]
	size     uint8
	small    [16]byte
	err      error // why the scalar cannot be passed
}

// bytes returns the bytes of a scalar argument.
func (v *argValue) bytes() []byte {
	if v.inline {
		return v.small[:v.size]
	}
	return v.scalar
}

// setScalar makes v the scalar argument holding the bytes of x.
func setScalar[T any](v *argValue, x T) {
	size := unsafe.Sizeof(x)
	if t := reflect.TypeFor[T](); t.Kind() > reflect.Complex128 || t.Kind() == reflect.Invalid {
		// Not a number or bool: check arrays and structs field by field.
		if err := plainData(t); err != nil {
			v.err = fmt.Errorf("scalar of type %v %v", t, err)
			return
		}
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(&x)), size)
	if size <= uintptr(len(v.small)) {
		v.inline, v.size = true, uint8(size)
		copy(v.small[:], b)
		return
	}
	v.scalar = append([]byte(nil), b...)
}

func (buf *Buffer[T]) arg() argValue {
	if buf == nil {
		return argValue{isBuffer: true}
	}
	return argValue{isBuffer: true, buf: &buf.b}
}

// scalarArg is the Arg Scalar returns.
type scalarArg struct {
	argValue
}

func (s *scalarArg) arg() argValue { return s.argValue }

// Scalar returns a scalar kernel argument holding the bytes of v
// (unsafe.Sizeof(v) of them, in Go's memory layout). It allocates the
// Arg; generated launchers use Args, which does not.
func Scalar[T any](v T) Arg {
	s := &scalarArg{}
	setScalar(&s.argValue, v)
	return s
}

// Args is the argument list of a launch, built in place with AddScalar
// and AddBuffer, one per kernel parameter in order, and launched with
// Device.LaunchArgs: generated launchers use it so that a launch
// allocates nothing. The zero Args is empty.
type Args struct {
	n    int
	vals [8]argValue
	more []argValue // arguments past the eighth
}

// add returns the next argument slot of a.
func (a *Args) add() *argValue {
	a.n++
	if a.n <= len(a.vals) {
		return &a.vals[a.n-1]
	}
	a.more = append(a.more, argValue{})
	return &a.more[len(a.more)-1]
}

// list returns the arguments of a in order.
func (a *Args) list(buf []argValue) []argValue {
	if a.n <= len(a.vals) {
		return a.vals[:a.n]
	}
	return append(append(buf[:0], a.vals[:]...), a.more...)
}

// AddScalar appends the scalar argument v to a (see Scalar).
func AddScalar[T any](a *Args, v T) { setScalar(a.add(), v) }

// AddBuffer appends the buffer argument b to a.
func AddBuffer[T any](a *Args, b *Buffer[T]) { *a.add() = b.arg() }

// Launch runs kernel k over grid g with args, one per k.Params element.
// It is what generated launchers call; cpu is the kernel's generated Go
// body, which only host-memory backends run, passing it the Call.
//
// Before anything runs, Launch checks the device is non-nil and open, the
// arguments match k.Params (count, kind, scalar and element sizes; buffers
// non-nil, open and of this device), every dimension of g is at least 1 and the
// group size and shared memory fit the device; each failure is a
// *KernelError naming the kernel and, if any, the argument. It then makes
// the device copy of every buffer argument current, hands the launch to
// the backend, and marks the buffers of written parameters device-dirty.
// The kernel may still be running when Launch returns; Sync and
// Buffer.Read wait for it. When an earlier checked launch has finished
// with a fault (on a backend that can tell without waiting, an Idler),
// Launch returns that fault, a *KernelError naming the earlier kernel,
// and launches nothing.
//
// With validation on (WithValidation, DC_VALIDATE) Launch also runs cpu
// on host copies of the arguments, waits for the device and returns a
// *ValidationError when the results differ. With WithFallback, a launch
// whose buffers cannot get device memory runs cpu on the host copies
// instead.
func (d *Device) Launch(k *Kernel, g dc.Grid, args []Arg, cpu func(c *Call) error) error {
	var arr [8]argValue
	vals := arr[:0]
	for _, a := range args {
		if a == nil {
			vals = append(vals, argValue{err: errNilArg})
			continue
		}
		vals = append(vals, a.arg())
	}
	return d.launch(k, g, vals, cpu)
}

// LaunchArgs is Launch with the arguments in args, which it does not
// keep: a launch that allocates nothing.
func (d *Device) LaunchArgs(k *Kernel, g dc.Grid, args *Args, cpu func(c *Call) error) error {
	var arr [16]argValue
	return d.launch(k, g, args.list(arr[:0]), cpu)
}

// errNilArg is the error of a nil Arg.
var errNilArg = errors.New("missing (nil Arg)")

// launch is Launch with the arguments' values.
func (d *Device) launch(k *Kernel, g dc.Grid, args []argValue, cpu func(c *Call) error) error {
	if k == nil {
		return errors.New("runtime: Launch: nil kernel")
	}
	if err := d.usable(); err != nil {
		return &KernelError{Kernel: k.Name, Err: err}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	fail := func(arg string, err error) error {
		return &KernelError{Kernel: k.Name, Arg: arg, Err: err}
	}
	if d.closed {
		return fail("", ErrDeviceClosed)
	}
	if err := d.earlierFault(); err != nil {
		// The fault of an earlier launch that has finished: reported
		// before more work is queued, and this launch does not run.
		return err
	}
	if len(args) != len(k.Params) {
		return fail("", fmt.Errorf("got %d arguments, want %d", len(args), len(k.Params)))
	}
	call := d.newCall(k, g, len(args), cpu)
	var bufArr [16]*buffer
	bufs := bufArr[:0]
	if len(args) > len(bufArr) {
		bufs = make([]*buffer, 0, len(args))
	}
	bufs = bufs[:len(args)]
	scalars := d.scalars[:0]
	for i, p := range k.Params {
		v := &args[i]
		if v.err == errNilArg {
			return fail(p.Name, errNilArg)
		}
		switch p.Kind {
		case BufferParam:
			if !v.isBuffer {
				return fail(p.Name, errors.New("got a scalar, want a buffer"))
			}
			b := v.buf
			switch {
			case b == nil:
				return fail(p.Name, errors.New("nil buffer"))
			case b.dev == nil:
				return fail(p.Name, errZeroBuffer)
			case b.dev != d:
				return fail(p.Name, ErrOtherDevice)
			case b.closed || b.root != nil && b.root.closed:
				return fail(p.Name, ErrBufferClosed)
			case b.elem != p.Size:
				return fail(p.Name, fmt.Errorf("buffer elements have %d bytes, want %d", b.elem, p.Size))
			}
			bufs[i] = b
			call.Args[i].Len = b.n
		case ScalarParam:
			switch {
			case v.isBuffer:
				return fail(p.Name, errors.New("got a buffer, want a scalar"))
			case v.err != nil:
				return fail(p.Name, v.err)
			case int64(len(v.bytes())) != p.Size:
				return fail(p.Name, fmt.Errorf("scalar has %d bytes, want %d", len(v.bytes()), p.Size))
			}
			// The bytes are copied into the Device's reused buffer; the
			// Args slices are set once every scalar is in, below.
			scalars = append(scalars, v.bytes()...)
		default:
			return fail(p.Name, fmt.Errorf("parameter has invalid kind %v", p.Kind))
		}
	}
	d.scalars = scalars
	off := 0
	for i, p := range k.Params {
		if p.Kind == ScalarParam {
			call.Args[i].Scalar = scalars[off : off+int(p.Size) : off+int(p.Size)]
			off += int(p.Size)
		}
	}
	if err := checkGrid(g, &d.info); err != nil {
		return fail("", err)
	}
	if k.Float64 && !d.info.Float64 {
		return fail("", fmt.Errorf("%w: the kernel uses float64 and %s has none", ErrNoFloat64, d.info.Name))
	}
	if k.NotOnMetal != "" && d.info.MSL {
		return fail("", fmt.Errorf("%w: %s", ErrNotOnMetal, k.NotOnMetal))
	}
	switch {
	case k.SharedBytes < 0:
		return fail("", fmt.Errorf("negative shared memory size %d", k.SharedBytes))
	case k.SharedBytes > int64(d.info.SharedMemoryBytes):
		return fail("", fmt.Errorf("needs %d bytes of shared memory, the device has %d", k.SharedBytes, d.info.SharedMemoryBytes))
	}

	if err := d.beginLaunch(k); err != nil {
		return fail("", err)
	}
	defer d.endLaunch()
	for i, b := range bufs {
		if b == nil {
			continue
		}
		m, host, err := b.launchArg()
		if err != nil {
			if d.mem.fallback && cpu != nil && errors.Is(err, ErrOutOfMemory) {
				return d.launchOnHost(call, bufs, err) // WithFallback (fallback.go)
			}
			return fail(k.Params[i].Name, err)
		}
		call.Args[i].Memory, call.Args[i].Host = m, host
	}
	call.Entry = entry(k, bufs)
	if fast(k, g, call.Args) {
		call.Entry = d.fastName(call.Entry)
		call.Fast = true
		d.stats.FastLaunches++
	}
	if k.Checked {
		rec, tag, err := d.faultArgs(k, !call.Fast || k.FastChecked)
		if err != nil {
			return fail("", err)
		}
		call.Kernel = d.checkedKernel(k)
		call.Args = append(call.Args, rec, tag)
	}
	var ref *reference
	if d.mem.validate && !d.info.HostMemory {
		// DC_VALIDATE, WithValidation (validate.go).
		if cpu == nil {
			d.mem.vstats.Skipped++
		} else {
			var rerr error
			if ref, rerr = d.newReference(call, bufs); rerr != nil {
				return fail("", rerr)
			}
		}
	}
	d.stats.Launches++
	d.startBackendLaunch(call)
	err := d.backend.Launch(call)
	d.endBackendLaunch(call)
	if !d.info.HostMemory {
		// Even a failed launch may have written some of the memory.
		d.pending = true
		for i, b := range bufs {
			if b != nil && k.Params[i].Written {
				b.launched()
			}
		}
	}
	if err != nil {
		return fail("", err)
	}
	if ref != nil {
		return d.checkReference(ref)
	}
	return nil
}

// checkGrid reports why g cannot run on a device described by info, or nil.
func checkGrid(g dc.Grid, info *DeviceInfo) error {
	if err := g.Validate(); err != nil {
		// "dc: grid has 0 groups in Y": KernelError adds its own prefix.
		return errors.New(strings.TrimPrefix(err.Error(), "dc: "))
	}
	if err := checkDims("group size", g.GroupSize, info.MaxGroupDims); err != nil {
		return err
	}
	if err := checkDims("groups", g.Groups, info.MaxGroups); err != nil {
		return err
	}
	// Validate made sure the products fit an int.
	if n := g.GroupSize.X * g.GroupSize.Y * g.GroupSize.Z; info.MaxGroupSize > 0 && n > info.MaxGroupSize {
		return fmt.Errorf("grid group size %s has %d threads, the device allows at most %d", dims(g.GroupSize), n, info.MaxGroupSize)
	}
	return nil
}

// checkDims checks each dimension of d against max; a 0 in max means no
// limit.
func checkDims(what string, d, max dc.Dim3) error {
	for _, c := range []struct {
		axis   string
		v, max int
	}{{"X", d.X, max.X}, {"Y", d.Y, max.Y}, {"Z", d.Z, max.Z}} {
		if c.max > 0 && c.v > c.max {
			return fmt.Errorf("grid %s %s has %d in %s, the device allows at most %d", what, dims(d), c.v, c.axis, c.max)
		}
	}
	return nil
}

func dims(d dc.Dim3) string { return fmt.Sprintf("%dx%dx%d", d.X, d.Y, d.Z) }

// entry returns the device entry point for a launch of k with these
// buffers (nil for scalars): k.Aliased if a buffer passed to a read-only
// parameter shares memory with one passed to a written one (the same
// buffer, or overlapping views), else k.Name.
func entry(k *Kernel, bufs []*buffer) string {
	if k.Aliased == "" {
		return k.Name
	}
	for i, b := range bufs {
		if b == nil || k.Params[i].Written {
			continue
		}
		for j, c := range bufs {
			if c != nil && k.Params[j].Written && overlaps(c, b) {
				return k.Aliased
			}
		}
	}
	return k.Name
}

// newCall returns the Call of a launch of k with n arguments. A backend
// is done with a Call when its Launch returns (the CPU backend copies what
// it queues), so the Device reuses one. d.mu must be held.
func (d *Device) newCall(k *Kernel, g dc.Grid, n int, cpu func(c *Call) error) *Call {
	args := d.call.Args[:0]
	if cap(args) < n+len(faultParams) {
		args = make([]CallArg, 0, n+len(faultParams))
	}
	args = args[:n]
	clear(args)
	d.call = Call{Kernel: k, Grid: g, Args: args, CPU: cpu}
	return &d.call
}

// fastName returns entry + FastSuffix, allocated once per entry point.
// d.mu must be held.
func (d *Device) fastName(entry string) string {
	if s, ok := d.fastNames[entry]; ok {
		return s
	}
	if d.fastNames == nil {
		d.fastNames = map[string]string{}
	}
	s := entry + FastSuffix
	d.fastNames[entry] = s
	return s
}
