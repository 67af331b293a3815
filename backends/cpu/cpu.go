// Package cpu is dc's CPU backend: kernels run as the Go code dckgen
// generates for them, over host memory, with the groups of a grid spread
// over GOMAXPROCS goroutines. It registers itself as "cpu" with the lowest
// priority, so Open picks it when no GPU backend opens:
//
//	import _ "github.com/dotcompute/dc/backends/cpu"
//
// Launches are asynchronous, as on the GPU backends: each open device has a
// worker goroutine (started by a launch, gone when the device is idle) that
// runs the launched kernels one after another, in launch order. A failing
// kernel is reported by runtime.Device.Sync, SyncContext or the next
// Buffer.Read as a *runtime.KernelError naming it, wrapping a *PanicError
// or an *Error. SyncContext stops waiting when its context ends; the kernel
// keeps running until its Go body returns, and Sync, Read and Close wait
// for it.
//
// Run and RunGroups are the helpers generated CPU kernel bodies call.
package cpu

import (
	"context"
	"errors"
	"fmt"
	goruntime "runtime"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/runtime"
)

func init() {
	runtime.Register("cpu", runtime.PriorityCPU, driver{})
}

type driver struct{}

// Open opens the CPU; it never fails.
func (driver) Open() (runtime.Backend, error) { return &backend{}, nil }

// backend is the CPU device. Its memory is host memory, so the runtime
// never asks it to allocate or copy.
//
// Launches are asynchronous, as on a GPU queue: Launch queues the kernel's
// Go body for the device's worker goroutine, which runs queued kernels one
// after another, in launch order, and exits when the queue is empty (the
// next Launch starts a new one). Sync waits for the queue to drain.
type backend struct {
	mu      sync.Mutex
	queue   []*runtime.Call
	running bool          // a worker goroutine is draining queue
	idle    chan struct{} // closed by the worker when it exits
	err     error         // the first failure since the last Sync
	closed  bool
}

// Idle reports, without waiting, whether every launched kernel has run.
func (b *backend) Idle() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !b.running && len(b.queue) == 0
}

func (*backend) Info() runtime.DeviceInfo {
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

// Launch queues the kernel's generated Go body for the device's worker
// goroutine and returns; Sync waits for it and reports its failure.
func (b *backend) Launch(c *runtime.Call) error {
	if c.CPU == nil {
		return errors.New("cpu: kernel has no CPU body")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errors.New("cpu: Launch: device is closed")
	}
	b.queue = append(b.queue, c)
	if !b.running {
		b.running = true
		b.idle = make(chan struct{})
		go b.work(b.idle)
	}
	return nil
}

// work runs queued kernels in order until the queue is empty, then closes
// idle.
func (b *backend) work(idle chan struct{}) {
	for {
		b.mu.Lock()
		if len(b.queue) == 0 {
			b.running = false
			close(idle)
			b.mu.Unlock()
			return
		}
		c := b.queue[0]
		b.queue[0] = nil
		b.queue = b.queue[1:]
		b.mu.Unlock()

		err := run(c)
		if err != nil {
			b.mu.Lock()
			if b.err == nil {
				b.err = err
			}
			b.mu.Unlock()
		}
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
// ctx.Err(), and the kernels keep running on the worker goroutine (a Go
// function cannot be stopped); the next Sync waits for them.
func (b *backend) SyncContext(ctx context.Context) error {
	b.mu.Lock()
	idle := b.idle
	running := b.running
	b.mu.Unlock()
	if running {
		select {
		case <-idle:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	err := b.err
	b.err = nil
	return err
}

// Close waits for the queued kernels; the runtime has reported their
// failures with Sync before.
func (b *backend) Close() error {
	b.mu.Lock()
	idle, running := b.idle, b.running
	b.closed = true
	b.mu.Unlock()
	if running {
		<-idle
	}
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

// inlineThreads is the size of a grid, in threads, below which Run runs
// every group on the calling goroutine: starting goroutines costs more
// than such a grid's work.
const inlineThreads = 1 << 12

// Run runs the groups of g: it splits the linear group range
// [0, Groups.X*Groups.Y*Groups.Z), where group (gx, gy, gz) has index
// gx + Groups.X*(gy + Groups.Y*gz), into contiguous chunks of nearly equal
// size, one per worker goroutine (min(GOMAXPROCS, groups) of them; small
// grids run on the calling goroutine), and calls body(g0, g1) for each chunk
// [g0, g1). It returns after every worker has finished. A panic in body is
// recovered and returned as a *PanicError ("cpu: kernel Saxpy: runtime
// error: index out of range [4] with length 4"); if several workers panic,
// the one with the lowest groups wins.
func Run(kernel string, g dc.Grid, body func(g0, g1 int)) error {
	n, err := groupCount(kernel, g)
	if err != nil {
		return err
	}
	workers := min(goruntime.GOMAXPROCS(0), n)
	if workers <= 1 || threads(g, n) < inlineThreads {
		return runChunk(kernel, body, 0, n)
	}
	errs := make([]error, workers)
	var wg sync.WaitGroup
	q, r := n/workers, n%workers
	for w := range workers {
		// Worker w runs q groups, plus one if w < r.
		g0 := w*q + min(w, r)
		g1 := g0 + q
		if w < r {
			g1++
		}
		wg.Go(func() { errs[w] = runChunk(kernel, body, g0, g1) })
	}
	wg.Wait()
	return firstError(errs)
}

func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
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

// threads returns the number of threads of the n groups of g, or a number
// above inlineThreads.
func threads(g dc.Grid, n int) int {
	t := n
	for _, s := range []int{g.GroupSize.X, g.GroupSize.Y, g.GroupSize.Z} {
		if t > inlineThreads {
			return t
		}
		t *= s
	}
	return t
}

// RunGroups runs g with full group semantics — barriers and group-shared
// memory — for kernels that use them, by running body once per thread with
// dc.EmulateKernel. Its errors (an invalid grid, a divergent barrier, a
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
