// Package cpu is dc's CPU backend: kernels run as the Go code dckgen
// generates for them, over host memory, with the groups of a grid spread
// over a pool of GOMAXPROCS worker goroutines. It registers itself as
// "cpu" with the lowest priority, so Open picks it when no GPU backend
// opens:
//
//	import _ "github.com/dotcompute/dc/backends/cpu"
//
// Launches are asynchronous, as on the GPU backends: a worker of the pool
// runs the kernels launched on a device one after another, in launch order,
// while the device has any queued. A failing kernel is reported by
// runtime.Device.Sync, SyncContext or the next Buffer.Read as a
// *runtime.KernelError naming it, wrapping a *PanicError or an *Error.
// SyncContext stops waiting when its context ends; the kernel keeps
// running until its Go body returns, and Sync, Read and Close wait for it.
//
// Run, RunCall, RunGroups and the Scratch, argument and Group atomic
// helpers are what generated CPU kernel bodies call.
package cpu

import (
	"context"
	"errors"
	"fmt"
	goruntime "runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/runtime"
)

func init() {
	runtime.Register("cpu", runtime.PriorityCPU, driver{})
}

type driver struct{}

// Open opens the CPU; it never fails.
func (driver) Open() (runtime.Backend, error) { return newBackend(), nil }

// backend is the CPU device. Its memory is host memory, so the runtime
// never asks it to allocate or copy.
//
// Launches are asynchronous, as on a GPU queue: Launch appends the call to
// the device's queue and, if no worker is draining it, hands the device to
// the pool; the worker runs queued kernels one after another, in launch
// order, until the queue is empty. Sync waits for the queue to drain.
type backend struct {
	mu sync.Mutex
	// queue[head:] are the launches not yet started.
	queue   []*launch
	head    int
	free    []*launch // finished launches, for Launch to reuse
	running bool      // the device is scheduled on the pool or being drained
	// drained counts the times the queue ran empty; waiters compare it
	// with the count when they started waiting.
	drained uint64
	idle    sync.Cond     // broadcast when the queue runs empty; L is &mu
	idleCh  chan struct{} // closed when the queue runs empty, for SyncContext; made on demand
	err     error         // the first failure since the last Sync
	closed  bool
	timing  bool                   // launches are timed (StartTiming)
	timings []runtime.LaunchTiming // of the launches run since the last Timings
}

func newBackend() *backend {
	b := &backend{}
	b.idle.L = &b.mu
	return b
}

// Idle reports, without waiting, whether every launched kernel has run.
func (b *backend) Idle() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !b.running
}

// Info describes the CPU.
func (*backend) Info() runtime.DeviceInfo { return info() }

// baseInfo is what Info reports besides the machine's size.
func baseInfo() runtime.DeviceInfo {
	return runtime.DeviceInfo{
		Name:              fmt.Sprintf("%s CPU, %d cores", goruntime.GOARCH, goruntime.NumCPU()),
		Backend:           "cpu",
		Float64:           true,
		MaxGroupSize:      1024,
		MaxGroupDims:      dc.Dim3{X: 1024, Y: 1024, Z: 64},
		SharedMemoryBytes: 65536,
		HostMemory:        true,
	}
}

func (*backend) Alloc(size int64) (runtime.Memory, error) {
	return nil, errors.New("cpu: Alloc: the CPU backend works on host memory")
}

// Launch queues the kernel's generated Go body for a pool worker and
// returns; Sync waits for it and reports its failure.
func (b *backend) Launch(c *runtime.Call) error {
	if c.CPU == nil {
		return errors.New("cpu: kernel has no CPU body")
	}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return errors.New("cpu: Launch: device is closed")
	}
	var l *launch
	if n := len(b.free); n > 0 {
		l, b.free = b.free[n-1], b.free[:n-1]
	} else {
		l = new(launch)
	}
	l.copyFrom(c)
	if b.timing {
		l.queued = time.Now()
	}
	b.queue = append(b.queue, l)
	start := !b.running
	b.running = true
	b.mu.Unlock()
	if start {
		pool.schedule(b)
	}
	return nil
}

// launch is a queued launch: a copy of the runtime's Call, which the
// runtime reuses once Launch returns, with its own argument storage.
type launch struct {
	call    runtime.Call
	scalars []byte    // the bytes of the scalar arguments, back to back
	queued  time.Time // when Launch queued it, if the backend times launches
}

// copyFrom makes l a copy of c, reusing l's storage.
func (l *launch) copyFrom(c *runtime.Call) {
	args := append(l.call.Args[:0], c.Args...)
	l.call = *c
	l.call.Args = args
	l.scalars = l.scalars[:0]
	for _, a := range c.Args {
		l.scalars = append(l.scalars, a.Scalar...)
	}
	off := 0
	for i, a := range c.Args {
		if a.Scalar != nil {
			args[i].Scalar = l.scalars[off : off+len(a.Scalar) : off+len(a.Scalar)]
			off += len(a.Scalar)
		}
	}
}

// drain runs queued kernels in order until the queue is empty, then wakes
// the goroutines waiting for it. A pool worker calls it.
func (b *backend) drain() {
	for {
		b.mu.Lock()
		if b.head == len(b.queue) {
			b.queue, b.head = b.queue[:0], 0
			b.running = false
			b.drained++
			b.idle.Broadcast()
			if b.idleCh != nil {
				close(b.idleCh)
				b.idleCh = nil
			}
			b.mu.Unlock()
			return
		}
		l := b.queue[b.head]
		b.queue[b.head] = nil
		b.head++
		timing := b.timing
		b.mu.Unlock()

		err := b.timed(l, timing)
		b.mu.Lock()
		if err != nil && b.err == nil {
			b.err = err
		}
		l.call = runtime.Call{Args: l.call.Args[:0]}
		b.free = append(b.free, l)
		b.mu.Unlock()
	}
}

// run runs the Go body of c and returns its failure as a
// *runtime.KernelError naming the kernel.
func run(c *runtime.Call) (err error) {
	defer func() {
		// Generated bodies recover panics in Run and RunGroups; this
		// catches any outside them.
		if v := recover(); v != nil {
			err = &runtime.KernelError{Kernel: c.Kernel.Name,
				Err: &launchError{&PanicError{Kernel: c.Kernel.Name, Value: v, Stack: debug.Stack()}}}
		}
	}()
	if err := c.CPU(c); err != nil {
		var ke kernelError
		if errors.As(err, &ke) && ke.kernel() == c.Kernel.Name {
			// The KernelError names the kernel already.
			err = &launchError{ke}
		}
		return &runtime.KernelError{Kernel: c.Kernel.Name, Err: err}
	}
	return nil
}

// Sync waits until every queued kernel has run and returns the first
// failure since the last Sync, a *runtime.KernelError wrapping a *Error or
// a *PanicError, or the kernel body's own error.
func (b *backend) Sync() error {
	return b.SyncContext(context.Background())
}

// SyncContext is Sync with cancellation: when ctx ends first it returns
// ctx.Err(), and the kernels keep running on the pool (a Go function cannot
// be stopped); the next Sync waits for them.
func (b *backend) SyncContext(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if done := ctx.Done(); done != nil {
		if b.running {
			if b.idleCh == nil {
				b.idleCh = make(chan struct{})
			}
			idle := b.idleCh
			b.mu.Unlock()
			select {
			case <-idle:
				b.mu.Lock()
			case <-done:
				b.mu.Lock()
				return ctx.Err()
			}
		}
	} else {
		b.waitIdle()
	}
	err := b.err
	b.err = nil
	return err
}

// waitIdle waits until the kernels queued when it was called have run.
// b.mu must be held.
func (b *backend) waitIdle() {
	for n := b.drained; b.running && b.drained == n; {
		b.idle.Wait()
	}
}

// Close waits for the queued kernels; the runtime has reported their
// failures with Sync before.
func (b *backend) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	b.waitIdle()
	return nil
}

// kernelError is an error of Run or RunGroups, which names its kernel.
type kernelError interface {
	error
	kernel() string
	detail() string // the message after "cpu: kernel K: "
}

// launchError is a kernelError wrapped in a *runtime.KernelError, which
// already names the kernel.
type launchError struct{ err kernelError }

func (e *launchError) Error() string { return "cpu: " + e.err.detail() }
func (e *launchError) Unwrap() error { return e.err }

// PanicError is a Go run-time panic (index out of range, division by zero,
// ...) in a CPU kernel, recovered.
type PanicError struct {
	Kernel string // the kernel's name
	Value  any    // the value passed to panic
	Stack  []byte // the panicking goroutine's stack
}

// Error formats the error as "cpu: kernel Saxpy: <panic value>".
func (e *PanicError) Error() string { return "cpu: kernel " + e.Kernel + ": " + e.detail() }

func (e *PanicError) kernel() string { return e.Kernel }
func (e *PanicError) detail() string { return fmt.Sprint(e.Value) }

// Unwrap returns the panic value if it is an error (a runtime.Error, say).
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// Run runs the groups of g: it splits the linear group range
// [0, Groups.X*Groups.Y*Groups.Z), where group (gx, gy, gz) has index
// gx + Groups.X*(gy + Groups.Y*gz), into contiguous chunks of nearly equal
// size and calls body(g0, g1) for each chunk [g0, g1), on the calling
// goroutine and on the workers of the CPU backend's pool. A small grid is
// one chunk, run on the calling goroutine; a large one has between
// GOMAXPROCS and 4×GOMAXPROCS chunks. Run returns after every chunk has
// run, and allocates nothing when body does not panic. Body may call Run
// itself.
//
// A panic in body is recovered and returned as a *PanicError ("cpu: kernel
// Saxpy: runtime error: index out of range [4] with length 4"); the other
// chunks still run, and if several panic, the one with the lowest groups
// wins.
func Run(kernel string, g dc.Grid, body func(g0, g1 int)) error {
	return runGroups(chunkBody{kernel: kernel, plain: body}, g)
}

// runGroups runs the groups of g in chunks of body (see Run).
func runGroups(body chunkBody, g dc.Grid) error {
	n, err := groupCount(body.kernel, g)
	if err != nil {
		return err
	}
	procs := goruntime.GOMAXPROCS(0)
	chunks := chunkCount(g, n, procs)
	if chunks == 1 {
		return body.run(0, n)
	}
	j := pool.start(body, n, chunks, procs)
	j.runChunks()
	return pool.finish(j)
}

// chunkBody is what a chunk of groups runs: Run's body, or RunCall's with
// its Call.
type chunkBody struct {
	kernel   string
	plain    func(g0, g1 int)
	call     *runtime.Call
	withCall func(c *runtime.Call, g0, g1 int)
}

// run runs groups [g0, g1) of the body, recovering a panic.
func (b chunkBody) run(g0, g1 int) error {
	if b.withCall != nil {
		return runCallChunk(b.call, b.withCall, g0, g1)
	}
	return runChunk(b.kernel, b.plain, g0, g1)
}

// runChunk calls body(g0, g1), recovering a panic.
func runChunk(kernel string, body func(g0, g1 int), g0, g1 int) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Kernel: kernel, Value: v, Stack: debug.Stack()}
		}
	}()
	body(g0, g1)
	return nil
}

// groupCount returns the number of groups of g, or an error naming the
// kernel if g is invalid (see dc.Grid.Validate).
func groupCount(kernel string, g dc.Grid) (int, error) {
	if err := g.Validate(); err != nil {
		return 0, &Error{Kernel: kernel, Err: err}
	}
	return g.Groups.X * g.Groups.Y * g.Groups.Z, nil
}

// RunGroups runs g with full group semantics — barriers and group-shared
// memory — by running body once per thread with dc.EmulateKernel, a
// goroutine per thread. Generated code calls it only for the kernels the
// group form (see RunCall and Scratches) cannot express; dckgen -v names
// them. Its errors (an invalid grid, a divergent barrier, a
// panic) are *Error values naming the kernel, like Run's: "cpu: kernel
// Reduce: ...".
func RunGroups(kernel string, g dc.Grid, body func(t dc.Thread)) error {
	if err := dc.EmulateKernel(kernel, g, body); err != nil {
		return &Error{Kernel: kernel, Err: err}
	}
	return nil
}

// Error is a failure of Run or RunGroups other than a panic in Run: an
// invalid grid, or an error dc.EmulateKernel reported.
type Error struct {
	Kernel string
	Err    error // the dc package's error
}

// Error formats the error as "cpu: kernel Reduce: <what went wrong>".
func (e *Error) Error() string { return "cpu: kernel " + e.Kernel + ": " + e.detail() }

// Unwrap returns the dc package's error.
func (e *Error) Unwrap() error { return e.Err }

func (e *Error) kernel() string { return e.Kernel }

// detail returns e.Err's message without its "dc: " and "kernel K: "
// prefixes.
func (e *Error) detail() string {
	msg := strings.TrimPrefix(e.Err.Error(), "dc: ")
	return strings.TrimPrefix(msg, "kernel "+e.Kernel+": ")
}
