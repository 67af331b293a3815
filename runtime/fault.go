package runtime

import (
	"encoding/binary"
	"fmt"

	"github.com/dotcompute/dc"
)

// FaultKind says which check of a checked kernel failed.
type FaultKind int

// The kinds of faults, each a run-time panic in Go.
const (
	IndexOutOfRange FaultKind = iota + 1 // an index outside [0, len)
	SliceOutOfRange                      // slice bounds outside 0 <= lo <= hi <= len
	DivideByZero                         // an integer division or remainder by zero
	NegativeShift                        // a shift by a negative count
)

// String returns the kind's name, as in "index out of range".
func (k FaultKind) String() string {
	switch k {
	case IndexOutOfRange:
		return "index out of range"
	case SliceOutOfRange:
		return "slice bounds out of range"
	case DivideByZero:
		return "integer divide by zero"
	case NegativeShift:
		return "negative shift amount"
	}
	return fmt.Sprintf("FaultKind(%d)", int(k))
}

// CheckSite is one run-time check of a module's kernels: what it tests and
// where it is in the Go source. Generated code lists them in Module.Checks;
// a fault record names its check by index.
type CheckSite struct {
	Kind FaultKind
	File string // base name of the Go file
	Line int
	Col  int
}

// Fault is a failed run-time check of a checked kernel: what Go would have
// panicked with. A launch records its first fault; the operation that
// failed did not happen (a read gave the zero value, a write was dropped,
// a division or shift gave 0, a slice expression gave an empty slice) and the
// kernel ran on, so its other results may be wrong. The fault comes back,
// wrapped in a *KernelError, from the first Sync, Read or Close after the
// launch completed (on the CPU, from the launch itself).
type Fault struct {
	Kind FaultKind
	File string // base name of the Go file of the failed check
	Line int
	Col  int
	// Index and Len are the index and the length for IndexOutOfRange;
	// Lo, Hi and Len the bounds and the length for SliceOutOfRange.
	Index, Lo, Hi, Len int64
	Thread             dc.Dim3 // the faulting thread's index in its group (LocalX, LocalY, LocalZ)
	Group              dc.Dim3 // its group's index (GroupX, GroupY, GroupZ)
}

// Error formats the fault as Go reports the same panic, with the Go
// position and the thread: "reduce.go:27:3: index out of range [391] with
// length 391 (thread (7,0,0) of group (3,0,0))".
func (f *Fault) Error() string {
	var what string
	switch f.Kind {
	case IndexOutOfRange:
		if f.Index < 0 {
			what = fmt.Sprintf("index out of range [%d]", f.Index)
		} else {
			what = fmt.Sprintf("index out of range [%d] with length %d", f.Index, f.Len)
		}
	case SliceOutOfRange:
		switch {
		case f.Hi < 0 || f.Hi > f.Len:
			what = fmt.Sprintf("slice bounds out of range [:%d] with capacity %d", f.Hi, f.Len)
		default:
			what = fmt.Sprintf("slice bounds out of range [%d:%d]", f.Lo, f.Hi)
		}
	default:
		what = f.Kind.String()
	}
	return fmt.Sprintf("%s:%d:%d: %s (thread (%d,%d,%d) of group (%d,%d,%d))", f.File, f.Line, f.Col, what,
		f.Thread.X, f.Thread.Y, f.Thread.Z, f.Group.X, f.Group.Y, f.Group.Z)
}

// FaultRecordBytes is the size of the fault record a checked kernel takes:
// 16 little-endian 32-bit words. Word 0 holds the tag of the first launch
// that faulted (set by compare-and-swap from 0, so only the first fault is
// kept), word 1 the index of its check in Module.Checks, words 2-7 three
// 64-bit operands (index and length; lo, hi and length; nothing for a
// division), words 8-10 the thread's local ids and 11-13 its group ids.
const FaultRecordBytes = 64

// Idler is implemented by a Backend that can tell, without waiting,
// whether all launched work has finished. Launch then reports a fault
// of earlier work that has finished before it launches more.
type Idler interface {
	Idle() bool
}

// earlierFault returns the fault of a finished checked launch, if the
// backend can tell without waiting that launched work has finished; nil
// otherwise. d.mu must be held.
func (d *Device) earlierFault() error {
	if len(d.faults.launched) == 0 {
		return nil
	}
	if b, ok := d.backend.(Idler); !ok || !b.Idle() {
		return nil
	}
	return d.syncLocked()
}

// faultState is what a Device keeps for checked kernels.
type faultState struct {
	checked  map[*Kernel]*Kernel // kernels with the fault parameters appended
	host     []byte              // the fault record on a host-memory device
	mem      Memory              // the fault record in device memory
	tag      int32               // tag of the last checked launch
	launched map[int32]*Kernel   // checked launches since the record was last read, by tag
	read     []byte              // the device record's host copy, made once
	tagBytes [4]byte             // the tag argument of launches on device-memory backends
}

// free releases the fault record's device memory.
func (s *faultState) free() error {
	if s.mem == nil {
		return nil
	}
	err := s.mem.Free()
	s.mem = nil
	return err
}

// faultParams are the parameters a checked kernel takes after its own:
// the fault record (a buffer of int32) and the launch's tag.
var faultParams = []Param{
	{Name: "dc_fault", Kind: BufferParam, Written: true, Size: 4},
	{Name: "dc_tag", Kind: ScalarParam, Size: 4},
}

// decodeFault returns the fault in record rec, or nil if there is none;
// m holds the check sites.
func decodeFault(m *Module, rec []byte) *Fault {
	w := func(i int) int32 { return int32(binary.LittleEndian.Uint32(rec[4*i:])) }
	if w(0) == 0 {
		return nil
	}
	wide := func(i int) int64 { return int64(uint32(w(i))) | int64(w(i+1))<<32 }
	f := &Fault{
		Thread: dc.Dim3{X: int(w(8)), Y: int(w(9)), Z: int(w(10))},
		Group:  dc.Dim3{X: int(w(11)), Y: int(w(12)), Z: int(w(13))},
	}
	site := int(w(1))
	if m != nil && site >= 0 && site < len(m.Checks) {
		s := m.Checks[site]
		f.Kind, f.File, f.Line, f.Col = s.Kind, s.File, s.Line, s.Col
	} else {
		f.Kind, f.File = IndexOutOfRange, "?"
	}
	switch f.Kind {
	case IndexOutOfRange:
		f.Index, f.Len = wide(2), wide(4)
	case SliceOutOfRange:
		f.Lo, f.Hi, f.Len = wide(2), wide(4), wide(6)
	}
	return f
}

// checkedKernel returns k with the fault parameters appended, made once
// per kernel.
func (d *Device) checkedKernel(k *Kernel) *Kernel {
	if ck, ok := d.faults.checked[k]; ok {
		return ck
	}
	ck := *k
	ck.Params = append(append([]Param(nil), k.Params...), faultParams...)
	if d.faults.checked == nil {
		d.faults.checked = map[*Kernel]*Kernel{}
	}
	d.faults.checked[k] = &ck
	return &ck
}

// faultArgs returns the fault record and tag arguments of the next
// checked launch of kernel k, allocating the record on first use. A launch
// that runs no checks (a fast entry point without any left) does not
// record: the next sync then need not read the record.
func (d *Device) faultArgs(k *Kernel, records bool) (rec, tag CallArg, err error) {
	if d.faults.host == nil && d.faults.mem == nil {
		if d.info.HostMemory {
			d.faults.host = make([]byte, FaultRecordBytes)
		} else {
			mem, err := d.backend.Alloc(FaultRecordBytes)
			if err != nil {
				return rec, tag, fmt.Errorf("fault record: %w", err)
			}
			d.faults.mem = mem
		}
	}
	d.faults.tag++
	if d.faults.tag <= 0 {
		d.faults.tag = 1
	}
	if d.faults.launched == nil {
		d.faults.launched = map[int32]*Kernel{}
	}
	if records {
		d.faults.launched[d.faults.tag] = k
	}
	// Every backend is done with the tag when Launch returns (the CPU
	// backend copies it), so one buffer serves every launch.
	b := d.faults.tagBytes[:]
	binary.LittleEndian.PutUint32(b, uint32(d.faults.tag))
	rec = CallArg{Memory: d.faults.mem, Host: d.faults.host, Len: FaultRecordBytes / 4}
	return rec, CallArg{Scalar: b}, nil
}

// takeFault reads the fault record after the device's work has finished
// and returns the first recorded fault as a *KernelError, clearing the
// record; nil if no checked launch faulted.
func (d *Device) takeFault() error {
	if len(d.faults.launched) == 0 {
		return nil
	}
	// The map is cleared, not dropped, so that launches allocate nothing.
	defer clear(d.faults.launched)
	rec := d.faults.host
	if d.faults.mem != nil {
		if d.faults.read == nil {
			d.faults.read = make([]byte, FaultRecordBytes)
		}
		rec = d.faults.read
		if err := d.faults.mem.Read(0, rec); err != nil {
			return fmt.Errorf("runtime: read fault record: %w", err)
		}
	}
	k := d.faults.launched[int32(binary.LittleEndian.Uint32(rec))]
	var m *Module
	name := "?"
	if k != nil {
		m, name = k.Module, k.Name
	}
	f := decodeFault(m, rec)
	if f == nil {
		return nil
	}
	clear(rec)
	if d.faults.mem != nil {
		if err := d.faults.mem.Write(0, rec); err != nil {
			return fmt.Errorf("runtime: clear fault record: %w", err)
		}
	}
	return &KernelError{Kernel: name, Err: f}
}
