package runtime_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/runtime"
)

// The fake backend has device memory separate from host memory, and runs
// launches only at Sync, like an asynchronous GPU queue, so tests can see
// every transfer and check the runtime syncs before copying back.
//
// Its kernels work on float32 buffers:
//
//	Scale(a float32, x, y []float32): y[i] = a*x[i]
//	Add(x, y []float32):              y[i] += x[i]
const (
	fakeName     = "fake-test"
	failName     = "fail-test"
	noCopyName   = "fake-nocopy-test"
	fakePriority = runtime.PriorityCUDA + 1000 // above every real backend
)

var errFakeMissing = errors.New("fail-test: libfake.so: not found")

func init() {
	runtime.Register(fakeName, fakePriority, fakeDriver{})
	runtime.Register(failName, fakePriority+1, failDriver{})
	runtime.Register(noCopyName, fakePriority-1, noCopyDriver{})
}

type failDriver struct{}

func (failDriver) Open() (runtime.Backend, error) {
	if e := failErr.Load(); e != nil {
		return nil, e.err
	}
	return nil, errFakeMissing
}

// failErr, when set, is the error the fail-test driver returns instead of
// errFakeMissing.
var failErr atomic.Pointer[errorValue]

type errorValue struct{ err error }

type fakeDriver struct{}

func (fakeDriver) Open() (runtime.Backend, error) {
	f := &fakeBackend{}
	lastFake.Store(f)
	return f, nil
}

// lastFake is the fake backend opened last, for tests that look inside.
var lastFake atomic.Pointer[fakeBackend]

// noCopyDriver opens a fake backend whose memory cannot copy on the
// device (no runtime.Copier), like OpenCL's.
type noCopyDriver struct{}

func (noCopyDriver) Open() (runtime.Backend, error) { return noCopyBackend{&fakeBackend{}}, nil }

type noCopyBackend struct{ *fakeBackend }

func (b noCopyBackend) Alloc(size int64) (runtime.Memory, error) {
	m, err := b.fakeBackend.Alloc(size)
	return plainMemory{m}, err
}

// plainMemory hides every method of a fake memory but runtime.Memory's.
type plainMemory struct{ runtime.Memory }

// fakeData returns the bytes of a fake memory.
func fakeData(m runtime.Memory) []byte {
	if p, ok := m.(plainMemory); ok {
		m = p.Memory
	}
	return m.(*fakeMemory).data
}

type fakeBackend struct {
	mu      sync.Mutex
	queue   []*runtime.Call
	mems    []*fakeMemory
	closed  bool
	syncErr error // returned by the next Sync

	copies      int      // Copy calls
	precompiled []string // packages of the modules Precompile saw
	discard     bool     // Launch accepts calls and runs nothing
	limit       int64    // when > 0, the bytes Alloc may hand out in all (out of memory beyond)
}

var fakeInfo = runtime.DeviceInfo{
	Name:              "fake device",
	Backend:           "wrong", // the runtime must replace it
	Float64:           false,
	MaxGroupSize:      256,
	MaxGroupDims:      dc.Dim3{X: 256, Y: 256, Z: 16},
	MaxGroups:         dc.Dim3{X: 1 << 20, Y: 100, Z: 100},
	SharedMemoryBytes: 1024,
}

func (f *fakeBackend) Info() runtime.DeviceInfo { return fakeInfo }

func (f *fakeBackend) Alloc(size int64) (runtime.Memory, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.limit > 0 {
		used := int64(0)
		for _, m := range f.mems {
			if !m.freed {
				used += int64(len(m.data))
			}
		}
		if used+size > f.limit {
			return nil, fmt.Errorf("fake: Alloc: %w: %d bytes requested, %d of %d in use", runtime.ErrOutOfMemory, size, used, f.limit)
		}
	}
	m := &fakeMemory{f: f, data: make([]byte, size)}
	f.mems = append(f.mems, m)
	return m, nil
}

func (f *fakeBackend) Launch(c *runtime.Call) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, a := range c.Args {
		if c.Kernel.Params[i].Kind == runtime.BufferParam && (a.Memory == nil || a.Host != nil) {
			return fmt.Errorf("fake: argument %d: want device memory only", i)
		}
	}
	switch c.Kernel.Name {
	case "Scale", "Add":
	default:
		return fmt.Errorf("fake: no kernel %s", c.Kernel.Name)
	}
	if f.discard {
		return nil
	}
	// The runtime reuses c once Launch returns (the Backend contract for
	// device memory): queue a copy.
	q := *c
	q.Args = slices.Clone(c.Args)
	for i := range q.Args {
		q.Args[i].Scalar = slices.Clone(q.Args[i].Scalar)
	}
	f.queue = append(f.queue, &q)
	return nil
}

// fakeSyncGate, when set, makes the fake backend's Sync wait until the
// channel is closed, like a device running a long kernel.
var fakeSyncGate atomic.Pointer[chan struct{}]

func (f *fakeBackend) Sync() error {
	if gate := fakeSyncGate.Load(); gate != nil {
		<-*gate
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.queue {
		run(c)
	}
	f.queue = nil
	err := f.syncErr
	f.syncErr = nil
	return err
}

func (f *fakeBackend) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, m := range f.mems {
		if !m.freed {
			return errors.New("fake: Close with live memory")
		}
	}
	f.closed = true
	return nil
}

func (f *fakeBackend) pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.queue)
}

// run executes a queued call on device memory.
func run(c *runtime.Call) {
	f32 := func(a runtime.CallArg) []byte { return fakeData(a.Memory) }
	get := func(b []byte, i int) float32 { return math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])) }
	set := func(b []byte, i int, v float32) { binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v)) }
	switch c.Kernel.Name {
	case "Scale":
		a := math.Float32frombits(binary.LittleEndian.Uint32(c.Args[0].Scalar))
		x, y := f32(c.Args[1]), f32(c.Args[2])
		for i := range c.Args[2].Len {
			set(y, i, a*get(x, i))
		}
	case "Add":
		x, y := f32(c.Args[0]), f32(c.Args[1])
		for i := range c.Args[1].Len {
			set(y, i, get(y, i)+get(x, i))
		}
	}
}

type fakeMemory struct {
	f     *fakeBackend
	data  []byte
	freed bool
}

func (m *fakeMemory) Write(off int64, src []byte) error {
	if m.freed {
		return errors.New("fake: write to freed memory")
	}
	copy(m.data[off:], src)
	return nil
}

func (m *fakeMemory) Read(off int64, dst []byte) error {
	if m.freed {
		return errors.New("fake: read of freed memory")
	}
	if m.f.pending() > 0 {
		return errors.New("fake: read while kernels are pending")
	}
	copy(dst, m.data[off:])
	return nil
}

// Copy copies on the "device", after the queued kernels, as a stream would.
func (m *fakeMemory) Copy(dstOff int64, src runtime.Memory, srcOff, n int64) error {
	s, ok := src.(*fakeMemory)
	if !ok || s.f != m.f {
		return errors.New("fake: Copy from foreign memory")
	}
	if m.freed || s.freed {
		return errors.New("fake: Copy of freed memory")
	}
	if err := m.f.Sync(); err != nil {
		return err
	}
	m.f.mu.Lock()
	defer m.f.mu.Unlock()
	m.f.copies++
	copy(m.data[dstOff:dstOff+n], s.data[srcOff:srcOff+n])
	return nil
}

// Precompile records m; a module of package "bad" does not compile.
func (f *fakeBackend) Precompile(m *runtime.Module) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if m.Package == "bad" {
		return errors.New("fake: bad does not compile")
	}
	f.precompiled = append(f.precompiled, m.Package)
	return nil
}

// View shares size bytes of m at off: a runtime.Viewer, as CUDA's and
// OpenCL's memories are.
func (m *fakeMemory) View(off, size int64) (runtime.Memory, error) {
	if m.freed {
		return nil, errors.New("fake: view of freed memory")
	}
	return &fakeMemory{f: m.f, data: m.data[off : off+size : off+size]}, nil
}

func (m *fakeMemory) Free() error {
	if m.f.pending() > 0 {
		return errors.New("fake: free while kernels are pending")
	}
	m.freed = true
	return nil
}

var (
	scaleKernel = &runtime.Kernel{
		Module: &runtime.Module{Package: "example.com/k"},
		Name:   "Scale",
		Params: []runtime.Param{
			{Name: "a", Kind: runtime.ScalarParam, Size: 4},
			{Name: "x", Kind: runtime.BufferParam, Size: 4},
			{Name: "y", Kind: runtime.BufferParam, Size: 4, Written: true},
		},
	}
	addKernel = &runtime.Kernel{
		Module: scaleKernel.Module,
		Name:   "Add",
		Params: []runtime.Param{
			{Name: "x", Kind: runtime.BufferParam, Size: 4},
			{Name: "y", Kind: runtime.BufferParam, Size: 4, Written: true},
		},
	}
)

// mslName is a fake backend that, like a Metal device, runs Module.MSL.
const mslName = "fake-msl-test"

func init() { runtime.Register(mslName, fakePriority-2, mslDriver{}) }

type mslDriver struct{}

func (mslDriver) Open() (runtime.Backend, error) { return mslBackend{&fakeBackend{}}, nil }

type mslBackend struct{ *fakeBackend }

func (mslBackend) Info() runtime.DeviceInfo {
	info := fakeInfo
	info.MSL = true
	return info
}
