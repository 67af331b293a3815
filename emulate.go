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
// Emulate returns an error, naming the kernel, for an invalid grid or one
// whose groups have more than 65536 threads (GPUs allow at most a few
// thousand), for a Go run-time panic in a thread (a Shared array of more
// than 64 MiB is one too), and for divergent barriers: a thread that
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
	if n := g.GroupSize.Size(); n > maxGroupThreads {
		return fmt.Errorf("dc: kernel %s: grid group size %v has %d threads, more than Emulate runs (%d)", l.name, g.GroupSize, n, maxGroupThreads)
	}
	total := g.Groups.Size()
	workers := min(runtime.GOMAXPROCS(0), total)
	l.groups = make([]*group, workers)
	for w := range l.groups {
		l.groups[w] = newGroup(l)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, gr := range l.groups {
		wg.Go(func() {
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
	for _, gr := range l.groups {
		close(gr.jobs)
		gr.pool.Wait()
	}
	return l.err
}

// Limits of Emulate, far above any GPU's, so that an absurd group size or
// Shared array is an error instead of exhausting memory.
const (
	maxGroupThreads = 1 << 16 // threads per group
	maxSharedBytes  = 1 << 26 // bytes of one Shared array
)

// launch is the state of one Emulate call.
type launch struct {
	grid     Grid
	body     func(t Thread)
	bodyFunc string // full name of body's function
	name     string // kernel name for errors
	explicit bool   // name was given to EmulateKernel

	groups []*group // one per worker

	failOnce sync.Once
	err      error
	aborted  atomic.Bool // set on the first error
}

// fail records err as the launch's error if it is the first, and stops the
// launch: waiting threads are released and no more groups start.
func (l *launch) fail(err error) {
	l.failOnce.Do(func() {
		l.err = err
		l.aborted.Store(true)
		for _, gr := range l.groups {
			gr.mu.Lock()
			gr.wake()
			gr.mu.Unlock()
		}
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

// group runs the threads of one group at a time; a worker reuses it.
type group struct {
	l      *launch
	id     Dim3
	n      int            // threads per group
	thread Thread         // template: geometry and group index, local index 0
	wg     sync.WaitGroup // runFrom calls running this group
	jobs   chan int       // idle runners receive the first thread to run
	pool   sync.WaitGroup // runner goroutines

	// handedOff[j] reports whether thread j has started the runner of
	// threads j+1...; only thread j's goroutine touches it.
	handedOff []bool

	mu       sync.Mutex
	exited   []bool        // per thread: it returned
	site     []uintptr     // per thread: the barrier it waits at, if it waits
	waiting  int           // threads waiting at the barrier
	nexited  int           // threads that returned
	first    uintptr       // the barrier the first waiting thread waits at
	mixed    bool          // threads wait at different barriers
	release  chan struct{} // closed to release the threads waiting at the barrier
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
		exited:    make([]bool, n),
		site:      make([]uintptr, n),
		release:   make(chan struct{}),
		jobs:      make(chan int),
		arrays:    make(map[*sharedSite]any),
	}
	gr.thread.g = gr
	return gr
}

// run runs group number i (X fastest) to completion.
func (gr *group) run(i int) {
	g := gr.l.grid.Groups
	gr.mu.Lock()
	gr.id = Dim3{i % g.X, i / g.X % g.Y, i / (g.X * g.Y)}
	gr.thread.group = [3]int32{int32(gr.id.X), int32(gr.id.Y), int32(gr.id.Z)}
	clear(gr.handedOff)
	clear(gr.exited)
	clear(gr.site)
	clear(gr.arrays)
	gr.waiting, gr.nexited = 0, 0
	gr.diverged, gr.reporter = "", 0
	gr.mu.Unlock()

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

// startRunner runs threads j, j+1, ... on an idle runner goroutine of the
// pool, or on a new one. Reusing goroutines across groups saves creating
// them and growing their stacks.
func (gr *group) startRunner(j int) {
	gr.wg.Add(1)
	select {
	case gr.jobs <- j:
	default:
		gr.pool.Go(func() { gr.runner(j) })
	}
}

// runner runs threads from j, then more jobs until jobs is closed.
func (gr *group) runner(j int) {
	for ok := true; ok; j, ok = <-gr.jobs {
		gr.runFrom(j)
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
	returned := false
	defer func() {
		r := recover()
		if returned || r == abortSignal {
			return
		}
		var pcs [64]uintptr
		n := runtime.Callers(1, pcs[:])
		switch r := r.(type) {
		case nil: // runtime.Goexit, as from t.FailNow
			gr.l.fail(gr.l.errorf(pcs[:n], "thread %v of group %v: runtime.Goexit called", loc, gr.id))
		case error:
			gr.l.fail(gr.l.errorf(pcs[:n], "thread %v of group %v: %w", loc, gr.id, r))
		default:
			gr.l.fail(gr.l.errorf(pcs[:n], "thread %v of group %v: %v", loc, gr.id, r))
		}
	}()
	gr.l.body(t)
	returned = true
	gr.exit(j)
}

// exit records that thread j returned.
func (gr *group) exit(j int) {
	gr.mu.Lock()
	gr.exited[j] = true
	gr.nexited++
	if gr.waiting > 0 && gr.waiting+gr.nexited == gr.n {
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
			gr.startRunner(j + 1)
		}
	}
	gr.mu.Lock()
	if gr.l.aborted.Load() {
		gr.mu.Unlock()
		panic(abortSignal)
	}
	gr.site[j] = pc
	if gr.waiting == 0 {
		gr.first, gr.mixed = pc, false
	} else if pc != gr.first {
		gr.mixed = true
	}
	gr.waiting++
	release := gr.release
	if gr.waiting+gr.nexited == gr.n {
		gr.settle()
	}
	gr.mu.Unlock()

	<-release
	if gr.l.aborted.Load() {
		panic(abortSignal)
	}
	// diverged and reporter were written before release was closed.
	if gr.diverged != "" {
		if j == gr.reporter {
			gr.reportDivergence()
		}
		panic(abortSignal)
	}
}

// reportDivergence fails the launch with the divergence settle found; the
// reporting thread calls it, so that its stack names the kernel.
//
//go:noinline
func (gr *group) reportDivergence() {
	var pcs [64]uintptr
	n := runtime.Callers(2, pcs[:])
	gr.l.fail(gr.l.errorf(pcs[:n], "divergent barrier: %s", gr.diverged))
}

// settle is called, with mu held, when every thread of the group waits at a
// barrier or has returned, and some wait: it releases them, or records why
// they can never be released.
func (gr *group) settle() {
	if gr.nexited == 0 && !gr.mixed {
		gr.waiting = 0
		gr.wake()
		return
	}
	// Every thread that has not returned waits. Describe the divergence by
	// the first threads in index order, so the message does not depend on
	// timing.
	first := -1 // the first waiting thread
	odd := -1   // the first thread waiting at another barrier than first
	ret := -1   // the first thread that returned
	atFirst := 0
	for j, ex := range gr.exited {
		switch {
		case ex:
			if ret < 0 {
				ret = j
			}
		case first < 0:
			first = j
			atFirst++
		case gr.site[j] == gr.site[first]:
			atFirst++
		case odd < 0:
			odd = j
		}
	}
	if ret >= 0 {
		gr.diverged = fmt.Sprintf("thread %v of group %v returned while %s at barrier (%s)",
			gr.local(ret), gr.id, threadsWait(gr.waiting), siteName(gr.site[first]))
	} else {
		gr.diverged = fmt.Sprintf("thread %v of group %v waits at barrier (%s) while %s at barrier (%s)",
			gr.local(odd), gr.id, siteName(gr.site[odd]), threadsWait(atFirst), siteName(gr.site[first]))
	}
	gr.reporter = first
	gr.wake()
}

// wake, called with mu held, releases the threads waiting at the barrier.
func (gr *group) wake() {
	close(gr.release)
	gr.release = make(chan struct{})
}

// threadsWait returns "n threads wait", or "1 thread waits".
func threadsWait(n int) string {
	if n == 1 {
		return "1 thread waits"
	}
	return fmt.Sprintf("%d threads wait", n)
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
	return resolveSite(pc, typ)
}

// resolveSite is lookupSite for a pc not seen before.
//
//go:noinline
func resolveSite(pc uintptr, typ reflect.Type) *sharedSite {
	f, _ := runtime.CallersFrames([]uintptr{pc}).Next()
	where := fmt.Sprintf("%s:%d", filepath.Base(f.File), f.Line)
	if typ.Kind() != reflect.Array {
		panic(fmt.Sprintf("dc: Shared[%v] at %s: the type argument must be a fixed-size array type", typ, where))
	}
	if typ.Size() > maxSharedBytes {
		panic(fmt.Sprintf("dc: Shared[%v] at %s: the array has %d bytes, more than Emulate allows (%d)", typ, where, typ.Size(), maxSharedBytes))
	}
	key := siteKey{f.File, f.Line, typ}
	sitesMu.Lock()
	defer sitesMu.Unlock()
	s := sites[key]
	switch {
	case s == nil:
		s = &sharedSite{pc: pc, entry: f.Entry, inlined: f.Func == nil}
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
