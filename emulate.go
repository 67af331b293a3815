package dc

import (
	"fmt"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
)

// Emulate runs body, a kernel, for every thread of grid g as plain Go, with
// real barrier and shared-memory semantics, and returns the first error. It
// is the reference every backend is compared with.
//
// The threads of a group run as goroutines that meet at each Barrier; groups
// run concurrently on up to GOMAXPROCS goroutines. Threads run in no
// particular order between barriers. A thread of a group can not rely on
// another thread of its group making progress except through barriers.
//
// Emulate returns an error, naming the kernel, for an invalid grid, for a Go
// run-time panic in a thread, and for divergent barriers: a thread that
// returned while others of its group wait at a barrier, or threads of a
// group waiting at different barriers. It never hangs on divergence, and
// returns only when every thread it started has stopped. The kernel name is
// the function that body calls (when body is a closure that calls a kernel)
// or body's own name; use EmulateKernel to give it explicitly.
func Emulate(g Grid, body func(t Thread)) error {
	return emulate("", g, body)
}

// EmulateKernel is Emulate with an explicit kernel name for error messages.
func EmulateKernel(name string, g Grid, body func(t Thread)) error {
	if name == "" {
		name = "?"
	}
	return emulate(name, g, body)
}

func emulate(name string, g Grid, body func(t Thread)) error {
	if body == nil {
		if name == "" {
			name = "?"
		}
		return fmt.Errorf("dc: kernel %s: nil kernel function", name)
	}
	l := &launch{
		grid:     g,
		body:     body,
		name:     name,
		explicit: name != "",
		abort:    make(chan struct{}),
	}
	if f := runtime.FuncForPC(reflect.ValueOf(body).Pointer()); f != nil {
		l.bodyFunc = f.Name()
	}
	if !l.explicit {
		l.name = trimFuncName(l.bodyFunc)
	}
	if msg := g.check(); msg != "" {
		return fmt.Errorf("dc: kernel %s: %s", l.name, msg)
	}
	total := g.Groups.Size()
	workers := min(runtime.GOMAXPROCS(0), total)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			gr := newGroup(l)
			for !l.aborted.Load() {
				i := int(next.Add(1) - 1)
				if i >= total {
					return
				}
				gr.run(i)
			}
		})
	}
	wg.Wait()
	return l.err
}

// launch is the state of one Emulate call.
type launch struct {
	grid     Grid
	body     func(t Thread)
	bodyFunc string // full name of body's function
	name     string // kernel name for errors
	explicit bool   // name was given to EmulateKernel

	failOnce sync.Once
	err      error
	aborted  atomic.Bool
	abort    chan struct{} // closed on the first error
}

// fail records err as the launch's error if it is the first, and stops the
// launch: waiting threads are released and no more groups start.
func (l *launch) fail(err error) {
	l.failOnce.Do(func() {
		l.err = err
		l.aborted.Store(true)
		close(l.abort)
	})
}

// errorf returns an error naming the kernel. pcs is the stack of the thread
// that found the error, to name the kernel that body called.
func (l *launch) errorf(pcs []uintptr, format string, args ...any) error {
	return fmt.Errorf("dc: kernel %s: "+format, append([]any{l.kernelName(pcs)}, args...)...)
}

// kernelName returns the kernel name for an error found on the stack pcs:
// the explicit name, else the function a closure body called, else body's
// own name.
func (l *launch) kernelName(pcs []uintptr) string {
	if l.explicit || !isClosure(l.bodyFunc) {
		return l.name
	}
	frames := runtime.CallersFrames(pcs)
	var callee string
	for {
		f, more := frames.Next()
		if f.Function == l.bodyFunc {
			if callee != "" && !isClosure(callee) &&
				!strings.HasPrefix(callee, "runtime.") && !strings.HasPrefix(callee, dcPrefix) {
				return trimFuncName(callee)
			}
			break
		}
		callee = f.Function
		if !more {
			break
		}
	}
	return l.name
}

// dcPrefix starts the names of this package's functions.
var dcPrefix = reflect.TypeFor[Dim3]().PkgPath() + "."

// abortSignal is the panic that unwinds a thread when the launch has failed.
// The thread wrapper recovers it.
var abortSignal = new(int)

// Thread states in a group.
const (
	running uint8 = iota // running or not started
	waiting              // waiting at a barrier
	exited               // returned
)

// group runs the threads of one group at a time; a worker reuses it.
type group struct {
	l      *launch
	id     Dim3
	n      int    // threads per group
	thread Thread // template: geometry and group index, local index 0
	wg     sync.WaitGroup

	// handedOff[j] reports whether thread j has started the runner of
	// threads j+1...; only thread j's goroutine touches it.
	handedOff []bool

	mu       sync.Mutex
	state    []uint8   // per thread
	site     []uintptr // per thread: the barrier it waits at
	waiting  int
	exited   int
	release  chan struct{} // closed when the current barrier completes
	diverged string        // set, with reporter, when the barrier can never complete
	reporter int           // the thread that reports diverged
	arrays   map[*sharedSite]any
}

func newGroup(l *launch) *group {
	g := l.grid
	n := g.GroupSize.Size()
	gr := &group{
		l:         l,
		n:         n,
		thread:    ThreadAt(g, Dim3{}, Dim3{}),
		handedOff: make([]bool, n),
		state:     make([]uint8, n),
		site:      make([]uintptr, n),
		arrays:    make(map[*sharedSite]any),
	}
	gr.thread.g = gr
	return gr
}

// run runs group number i (X fastest) to completion.
func (gr *group) run(i int) {
	g := gr.l.grid.Groups
	gr.id = Dim3{i % g.X, i / g.X % g.Y, i / (g.X * g.Y)}
	gr.thread.group = [3]int32{int32(gr.id.X), int32(gr.id.Y), int32(gr.id.Z)}
	clear(gr.handedOff)
	clear(gr.state)
	clear(gr.site)
	clear(gr.arrays)
	gr.waiting, gr.exited = 0, 0
	gr.release = make(chan struct{})
	gr.diverged, gr.reporter = "", 0

	gr.wg.Add(1)
	gr.runFrom(0)
	gr.wg.Wait()
}

// runFrom runs threads j, j+1, ... one after the other on this goroutine
// until one of them waits at a barrier: that thread starts a new runner for
// the next threads (see barrier), so a group needs goroutines only for its
// threads that wait.
func (gr *group) runFrom(j int) {
	defer gr.wg.Done()
	for ; j < gr.n; j++ {
		if gr.l.aborted.Load() {
			return
		}
		gr.runThread(j)
		if gr.handedOff[j] {
			return
		}
	}
}

// local returns the local index of thread j.
func (gr *group) local(j int) Dim3 {
	s := gr.l.grid.GroupSize
	return Dim3{j % s.X, j / s.X % s.Y, j / (s.X * s.Y)}
}

// runThread runs thread j of the group and turns its panic into the launch's
// error.
func (gr *group) runThread(j int) {
	t := gr.thread
	loc := gr.local(j)
	t.local = [3]int32{int32(loc.X), int32(loc.Y), int32(loc.Z)}
	defer func() {
		r := recover()
		if r == nil || r == abortSignal {
			return
		}
		var pcs [64]uintptr
		n := runtime.Callers(1, pcs[:])
		if err, ok := r.(error); ok {
			gr.l.fail(gr.l.errorf(pcs[:n], "thread %v of group %v: %w", loc, gr.id, err))
		} else {
			gr.l.fail(gr.l.errorf(pcs[:n], "thread %v of group %v: %v", loc, gr.id, r))
		}
	}()
	gr.l.body(t)
	gr.exit(j)
}

// exit records that thread j returned.
func (gr *group) exit(j int) {
	gr.mu.Lock()
	gr.state[j] = exited
	gr.exited++
	if gr.waiting > 0 && gr.waiting+gr.exited == gr.n {
		gr.settle()
	}
	gr.mu.Unlock()
}

// barrier makes thread j wait at the barrier called from pc until every
// thread of the group is there.
func (gr *group) barrier(j int, pc uintptr) {
	if !gr.handedOff[j] {
		// This goroutine blocks from now on until the group meets: run
		// the threads after j on a new one.
		gr.handedOff[j] = true
		if j+1 < gr.n {
			gr.wg.Add(1)
			go gr.runFrom(j + 1)
		}
	}
	gr.mu.Lock()
	if gr.l.aborted.Load() {
		gr.mu.Unlock()
		panic(abortSignal)
	}
	gr.state[j] = waiting
	gr.site[j] = pc
	gr.waiting++
	release := gr.release
	if gr.waiting+gr.exited == gr.n {
		gr.settle()
	}
	gr.mu.Unlock()

	select {
	case <-release:
	case <-gr.l.abort:
		panic(abortSignal)
	}
	// diverged and reporter were written before release was closed.
	if gr.diverged != "" {
		if j == gr.reporter {
			var pcs [64]uintptr
			n := runtime.Callers(1, pcs[:])
			gr.l.fail(gr.l.errorf(pcs[:n], "divergent barrier: %s", gr.diverged))
		}
		panic(abortSignal)
	}
}

// settle is called, with mu held, when every thread of the group waits at a
// barrier or has returned, and some wait: it releases them, or records why
// they can never be released.
func (gr *group) settle() {
	first := -1 // the first waiting thread
	odd := -1   // the first thread waiting at another barrier than first
	ret := -1   // the first thread that returned
	atFirst := 0
	for j, s := range gr.state {
		switch s {
		case waiting:
			if first < 0 {
				first = j
			}
			if gr.site[j] == gr.site[first] {
				atFirst++
			} else if odd < 0 {
				odd = j
			}
		case exited:
			if ret < 0 {
				ret = j
			}
		}
	}
	switch {
	case ret >= 0:
		gr.diverged = fmt.Sprintf("thread %v of group %v returned while %d threads wait at barrier (%s)",
			gr.local(ret), gr.id, gr.waiting, siteName(gr.site[first]))
	case odd >= 0:
		gr.diverged = fmt.Sprintf("thread %v of group %v waits at barrier (%s) while %d threads wait at barrier (%s)",
			gr.local(odd), gr.id, siteName(gr.site[odd]), atFirst, siteName(gr.site[first]))
	default:
		for j := range gr.state {
			gr.state[j] = running
		}
		gr.waiting = 0
		close(gr.release)
		gr.release = make(chan struct{})
		return
	}
	gr.reporter = first
	close(gr.release)
}

// shared returns the group's array for the dc.Shared[A] call at pc, where typ
// is A.
func (gr *group) shared(pc uintptr, typ reflect.Type) any {
	s := lookupSite(pc, typ)
	gr.mu.Lock()
	defer gr.mu.Unlock()
	a, ok := gr.arrays[s]
	if !ok {
		a = reflect.New(typ).Interface()
		gr.arrays[s] = a
	}
	return a
}

// sharedSite is one dc.Shared call in the source.
type sharedSite struct {
	key     siteKey
	pc      uintptr // the first pc seen
	entry   uintptr // entry of the compiled function holding pc
	inlined bool    // the call is in an inlined function
}

// siteKey identifies a dc.Shared call in the source. Go's line tables have
// no columns, so calls of one type on one line are not told apart; the
// compiled code of an inlined function has a pc per inlining, so the pc
// alone would split one call into several.
type siteKey struct {
	file string
	line int
	typ  reflect.Type
}

// pcType is the key of the pc cache.
type pcType struct {
	pc  uintptr
	typ reflect.Type
}

var (
	sitesByPC sync.Map // pcType -> *sharedSite
	sitesMu   sync.Mutex
	sites     = map[siteKey]*sharedSite{}
)

// lookupSite returns the call site of dc.Shared[A] at pc, where typ is A. It
// panics if typ is not an array type, or if two calls on one line would
// share an array.
func lookupSite(pc uintptr, typ reflect.Type) *sharedSite {
	if s, ok := sitesByPC.Load(pcType{pc, typ}); ok {
		return s.(*sharedSite)
	}
	f, _ := runtime.CallersFrames([]uintptr{pc}).Next()
	where := fmt.Sprintf("%s:%d", filepath.Base(f.File), f.Line)
	if typ.Kind() != reflect.Array {
		panic(fmt.Sprintf("dc: Shared[%v] at %s: the type argument must be a fixed-size array type", typ, where))
	}
	key := siteKey{f.File, f.Line, typ}
	sitesMu.Lock()
	defer sitesMu.Unlock()
	s := sites[key]
	switch {
	case s == nil:
		s = &sharedSite{key: key, pc: pc, entry: f.Entry, inlined: f.Func == nil}
		sites[key] = s
	case s.pc != pc && !s.inlined && f.Func != nil && s.entry == f.Entry:
		panic(fmt.Sprintf("dc: two dc.Shared[%v] calls on one line (%s) would share one array in Emulate; put them on separate lines", typ, where))
	}
	sitesByPC.Store(pcType{pc, typ}, s)
	return s
}

// siteName returns "file.go:line" for the call at pc.
func siteName(pc uintptr) string {
	f, _ := runtime.CallersFrames([]uintptr{pc}).Next()
	if f.File == "" {
		return "?"
	}
	return fmt.Sprintf("%s:%d", filepath.Base(f.File), f.Line)
}

// trimFuncName returns a readable kernel name for the full function name
// fn: without package path, type arguments, closure suffixes (".func1",
// ".2") and method-value wrappers ("-fm").
func trimFuncName(fn string) string {
	if fn == "" {
		return "?"
	}
	s := fn
	// Drop type arguments first: they may contain '/' and '.'.
	for {
		i := strings.IndexByte(s, '[')
		if i < 0 {
			break
		}
		depth, end := 0, -1
		for k := i; k < len(s); k++ {
			if s[k] == '[' {
				depth++
			} else if s[k] == ']' {
				if depth--; depth == 0 {
					end = k
					break
				}
			}
		}
		if end < 0 {
			break
		}
		s = s[:i] + s[end+1:]
	}
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s = s[i+1:] // package name
	}
	s = strings.TrimSuffix(s, "-fm")
	parts := strings.Split(s, ".")
	for len(parts) > 1 && isClosurePart(parts[len(parts)-1]) {
		parts = parts[:len(parts)-1]
	}
	s = strings.Join(parts, ".")
	s = strings.NewReplacer("(*", "", "(", "", ")", "").Replace(s)
	if s == "" || s == "glob" {
		return fn
	}
	return s
}

// isClosure reports whether the full function name fn is a closure.
func isClosure(fn string) bool {
	i := strings.LastIndexByte(fn, '.')
	return i >= 0 && isClosurePart(fn[i+1:])
}

// isClosurePart reports whether a part of a function name is a closure's
// ("func1", "1", "gowrap2") or empty.
func isClosurePart(p string) bool {
	p = strings.TrimPrefix(p, "func")
	p = strings.TrimPrefix(p, "gowrap")
	for _, c := range p {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
