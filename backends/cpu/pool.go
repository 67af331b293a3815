package cpu

import (
	goruntime "runtime"
	"sync"
	"sync/atomic"

	"github.com/dotcompute/dc"
)

// The CPU backend runs everything on one pool of worker goroutines shared
// by all devices: the queued launches of each device, and the chunks of
// every Run. The pool starts a worker per GOMAXPROCS the first time it
// needs them, and more if GOMAXPROCS grows or more devices have kernels
// running at once than there are workers, so that every device runs its
// kernels independently of the others, as it would with a goroutine of its
// own. Workers wait for work on a condition variable and never exit, so a
// launch creates no goroutine in the steady state.
//
// A Run hands out its groups in contiguous chunks: the goroutine calling
// Run lists the Run as a poolJob, wakes idle workers, and then runs chunks
// itself until none is left, so it never waits for a worker to become
// free; it then waits only for the chunks workers have already taken. A
// kernel body on a pool worker that calls Run therefore cannot deadlock
// the pool, however busy it is.

// pool is the CPU backend's worker pool.
var pool = newWorkerPool()

// workerPool is a set of worker goroutines running two kinds of work:
// chunks of listed Run jobs first, then the queues of devices with
// launches waiting.
type workerPool struct {
	mu      sync.Mutex
	wake    sync.Cond // signalled when a job or a device queue is added
	workers int       // worker goroutines started
	idle    int       // workers waiting on wake
	jobs    []*poolJob
	// devices are the devices whose queues wait for a worker, in the
	// order their first launch came; devHead is the next one.
	devices []*backend
	devHead int
	// busy counts the devices scheduled or being drained.
	busy int
	free []*poolJob // finished jobs, for the next Run to reuse
}

func newWorkerPool() *workerPool {
	p := &workerPool{}
	p.wake.L = &p.mu
	return p
}

// grow starts workers until there are procs of them. p.mu must be held.
func (p *workerPool) grow(procs int) {
	for ; p.workers < procs; p.workers++ {
		go p.work()
	}
}

// work is the loop of a worker goroutine.
func (p *workerPool) work() {
	p.mu.Lock()
	for {
		if j := p.openJob(); j != nil {
			j.helpers.Add(1)
			p.mu.Unlock()
			j.runChunks()
			j.helpers.Done()
			p.mu.Lock()
			continue
		}
		if p.devHead < len(p.devices) {
			b := p.devices[p.devHead]
			p.devices[p.devHead] = nil
			p.devHead++
			if p.devHead == len(p.devices) {
				p.devices, p.devHead = p.devices[:0], 0
			}
			p.mu.Unlock()
			b.drain()
			p.mu.Lock()
			p.busy--
			continue
		}
		p.idle++
		p.wake.Wait()
		p.idle--
	}
}

// openJob returns a listed job with chunks not yet taken, or nil. p.mu
// must be held.
func (p *workerPool) openJob() *poolJob {
	for _, j := range p.jobs {
		if j.next.Load() < int64(j.chunks) {
			return j
		}
	}
	return nil
}

// schedule queues device b for a worker, which drains b's launch queue.
func (p *workerPool) schedule(b *backend) {
	p.mu.Lock()
	p.busy++
	p.grow(max(goruntime.GOMAXPROCS(0), p.busy))
	p.devices = append(p.devices, b)
	if p.idle > 0 {
		p.wake.Signal()
	}
	p.mu.Unlock()
}

// poolJob is one parallel Run: n groups in chunks chunks, handed out in
// order by next.
type poolJob struct {
	body   chunkBody
	n      int
	chunks int
	next   atomic.Int64 // the next chunk to take

	// helpers counts the workers running chunks of the job; they join
	// while the job is listed in pool.jobs.
	helpers sync.WaitGroup

	errMu sync.Mutex
	err   error // the failure of the lowest failed chunk
	errG0 int   // that chunk's first group
}

// start lists a job running body over n groups in chunks chunks and wakes
// workers to help with it.
func (p *workerPool) start(body chunkBody, n, chunks, procs int) *poolJob {
	p.mu.Lock()
	p.grow(procs)
	var j *poolJob
	if k := len(p.free); k > 0 {
		j = p.free[k-1]
		p.free[k-1] = nil
		p.free = p.free[:k-1]
	} else {
		j = &poolJob{}
	}
	j.body, j.n, j.chunks = body, n, chunks
	j.next.Store(0)
	p.jobs = append(p.jobs, j)
	// The caller runs chunks too, so chunks-1 workers at most are useful.
	for range min(chunks-1, p.idle) {
		p.wake.Signal()
	}
	p.mu.Unlock()
	return j
}

// finish unlists j, whose chunks have all been taken, waits for the
// workers still running some, and returns the job's failure.
func (p *workerPool) finish(j *poolJob) error {
	p.mu.Lock()
	for i, lj := range p.jobs {
		if lj == j {
			last := len(p.jobs) - 1
			p.jobs[i] = p.jobs[last]
			p.jobs[last] = nil
			p.jobs = p.jobs[:last]
			break
		}
	}
	p.mu.Unlock()
	j.helpers.Wait()
	err := j.err
	j.body, j.err = chunkBody{}, nil
	p.mu.Lock()
	p.free = append(p.free, j)
	p.mu.Unlock()
	return err
}

// runChunks runs chunks of j until every chunk has been taken.
func (j *poolJob) runChunks() {
	for {
		c := int(j.next.Add(1) - 1)
		if c >= j.chunks {
			return
		}
		// Chunk c has q groups, plus one if c < r.
		q, r := j.n/j.chunks, j.n%j.chunks
		g0 := c*q + min(c, r)
		g1 := g0 + q
		if c < r {
			g1++
		}
		if err := j.body.run(g0, g1); err != nil {
			j.fail(g0, err)
		}
	}
}

// fail records err, the failure of the chunk starting at group g0, unless
// a chunk of lower groups failed too.
func (j *poolJob) fail(g0 int, err error) {
	j.errMu.Lock()
	if j.err == nil || g0 < j.errG0 {
		j.err, j.errG0 = err, g0
	}
	j.errMu.Unlock()
}

// Chunking of Run. A grid below inlineThreads threads runs on the calling
// goroutine: handing it to workers costs more than its work. A larger one
// is split into one chunk per chunkThreads threads, at least one per
// GOMAXPROCS and at most chunksPerProc per GOMAXPROCS: enough chunks for
// workers slowed by other work to even out, few enough that taking them
// costs nothing next to running them.
const (
	inlineThreads = 1 << 12
	chunkThreads  = 1 << 14
	chunksPerProc = 4
)

// chunkCount returns the number of chunks Run splits the n groups of g
// into, with procs workers.
func chunkCount(g dc.Grid, n, procs int) int {
	if procs <= 1 || n <= 1 {
		return 1
	}
	t := threads(g, n)
	if t < inlineThreads {
		return 1
	}
	return min(n, max(procs, min(t/chunkThreads, chunksPerProc*procs)))
}

// threads returns the number of threads of the n groups of g, or
// threadsLimit if there are more. g must be valid.
func threads(g dc.Grid, n int) int {
	t := n
	for _, s := range [3]int{g.GroupSize.X, g.GroupSize.Y, g.GroupSize.Z} {
		if t > threadsLimit/s {
			return threadsLimit
		}
		t *= s
	}
	return t
}

// threadsLimit is where threads stops counting, far above any chunking
// decision.
const threadsLimit = 1 << 40
