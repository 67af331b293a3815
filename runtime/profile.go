package runtime

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"runtime/trace"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// EnvProfile is the environment variable that times the launches of every
// Device Open opens, as WithProfiling does, when it is "1".
const EnvProfile = "DC_PROFILE"

// WithProfiling makes the Device time every launch: how long it ran on
// the device and waited in the device's queue, as the backend measures
// them (see LaunchTimer), and how long the Launch call took on the host.
// Device.Profile reports the times per kernel. Without it (and without
// DC_PROFILE=1) the profile counts launches and times builds and
// transfers only, and a launch costs no more than without a profile.
func WithProfiling() Option {
	return func(o *options) { o.profile = true }
}

// profileFromEnv reports whether DC_PROFILE asks for profiling.
func profileFromEnv() bool { return os.Getenv(EnvProfile) == "1" }

// LaunchTimer is implemented by a Backend that can time its launches. On a
// Device opened WithProfiling the runtime calls StartTiming once, right
// after Open, before any launch; from then on the backend times every
// launch: CUDA with events, OpenCL with the profiling info of a queue
// created with CL_QUEUE_PROFILING_ENABLE, the CPU with the wall clock.
type LaunchTimer interface {
	StartTiming() error
	// Timings appends to dst the timings of the launches that finished
	// since the last call, in launch order, and returns the result. The
	// runtime calls it after Sync, when every launch has finished, and
	// from Device.Profile, when some may still run: those are reported
	// by a later call. A launch whose Launch returned an error has none.
	Timings(dst []LaunchTiming) []LaunchTiming
}

// LaunchTiming is the timing of one launch, as a LaunchTimer measures it.
type LaunchTiming struct {
	Kernel *Kernel       // the launch's Call.Kernel
	Run    time.Duration // on the device, from the start of the kernel to its end
	Wait   time.Duration // in the queue: from the Launch call to the start (0 if unknown)
}

// Profile is what a Device did and where the time went, per kernel and in
// total, as Device.Profile reports it. Its String method formats it as a
// table.
type Profile struct {
	Backend string // the device's backend, e.g. "opencl"
	Device  string // the device's name
	// Timed says the launches were timed (WithProfiling or DC_PROFILE=1),
	// and TimedBy how: "device events", "device profiling info", "wall
	// clock" or "" when the backend cannot time them (the kernels' Run and
	// Wait are then 0).
	Timed   bool
	TimedBy string

	Launches int64
	// Kernels has one entry per kernel launched, the longest first (by
	// Run, then by Launches).
	Kernels []KernelProfile
	// Builds has one entry per Module built (compiled or taken from the
	// backend's kernel cache) for the device, in build order: by the first
	// launch of one of its kernels, or by Device.Precompile.
	Builds []BuildProfile

	HostToDevice   Transfers // copies of buffers from the host to the device
	DeviceToHost   Transfers // copies back to the host
	DeviceToDevice Transfers // Copy between buffers of the device (Time is not measured)
	// SyncWait is how long the host waited for launched work in Sync,
	// Read and Close (measured when Timed).
	SyncWait time.Duration
	// Pool is the device memory pool's state (Device.PoolStats).
	Pool PoolStats
}

// KernelProfile is what one kernel did on a Device.
type KernelProfile struct {
	Name     string // the kernel's entry point, e.g. "Saxpy" or "Reduce_float32"
	Module   string // its Module's package
	Launches int64
	// Fast counts the launches that ran the fast entry point (see
	// Kernel.FastIf).
	Fast int64
	// Run is the time its launches ran on the device, Wait the time they
	// waited in the device's queue, Launch the host time of the Launch
	// calls (the backend's part: setting arguments, enqueuing); each is
	// the sum over the timed launches, which Timed counts.
	Run, Wait, Launch time.Duration
	Timed             int64
	// HostToDevice are the copies that its launches made current on the
	// device before running.
	HostToDevice Transfers
}

// BuildProfile is the build of one Module for a Device.
type BuildProfile struct {
	Module string        // the Module's package
	Time   time.Duration // compile or kernel-cache lookup, loading included
	Err    error         // the build's failure, nil if it succeeded
}

// Transfers counts copies of one direction and how long they took on the
// host.
type Transfers struct {
	Count int64
	Bytes int64
	Time  time.Duration
}

// Rate returns the bytes copied per second, 0 when no time was measured.
func (t Transfers) Rate() float64 {
	if t.Time <= 0 {
		return 0
	}
	return float64(t.Bytes) / t.Time.Seconds()
}

func (t *Transfers) add(n int64, d time.Duration) {
	t.Count++
	t.Bytes += n
	t.Time += d
}

// profiler is a Device's profile while it runs. d.mu guards it.
type profiler struct {
	timer    LaunchTimer // the backend, when launches are timed
	timed    bool        // WithProfiling asked for timing
	timedBy  string
	kernels  map[*Kernel]*KernelProfile // by the launched *Kernel and the checked copy the backend sees
	order    []*KernelProfile           // in first-launch order
	last     *Kernel                    // the kernel of the last launch, and its profile
	lastKS   *KernelProfile
	current  *KernelProfile // the kernel being launched, whose copies count for it; nil otherwise
	builds   []BuildProfile
	built    map[*Module]error // the Modules built, and how
	lastMod  *Module           // the Module of the last launch, built already
	h2d, d2h Transfers
	syncWait time.Duration
	timings  []LaunchTiming // reused by collectTimings
	// uncollected counts the timed launches since the last
	// collectTimings.
	uncollected int
	start       time.Time     // of the launch in flight, when timed
	region      *trace.Region // of the launch in flight, when tracing
	traceCtx    context.Context
	task        *trace.Task
}

// startProfile sets up d's profile; with timed, it asks the backend to
// time launches.
func (d *Device) startProfile(timed bool) {
	d.prof.kernels = map[*Kernel]*KernelProfile{}
	d.prof.built = map[*Module]error{}
	if !timed {
		return
	}
	d.prof.timed = true
	lt, ok := d.backend.(LaunchTimer)
	if !ok {
		logger().Debug("runtime: the backend cannot time launches", "backend", d.name)
		return
	}
	if err := lt.StartTiming(); err != nil {
		logger().Warn("runtime: the backend cannot time launches", "backend", d.name, "err", err.Error())
		return
	}
	d.prof.timer = lt
	d.prof.timedBy = timedBy(d.name)
}

// timedBy says how the backends this module ships time launches.
func timedBy(backend string) string {
	switch backend {
	case "cuda":
		return "device events"
	case "opencl":
		return "device profiling info"
	case "cpu":
		return "wall clock"
	}
	return "backend"
}

// beginLaunch counts a launch of k and builds k's module for the device if
// it was not built yet. The copies that follow, until endLaunch, count for
// k. d.mu must be held.
func (d *Device) beginLaunch(k *Kernel) error {
	p := &d.prof
	if m := k.Module; m != nil && m != p.lastMod {
		if err := d.buildLocked(m); err != nil {
			return err
		}
		p.lastMod = m
	}
	ks := p.lastKS
	if k != p.last {
		ks = p.kernels[k]
		if ks == nil {
			ks = &KernelProfile{Name: k.Name}
			if k.Module != nil {
				ks.Module = k.Module.Package
			}
			p.kernels[k] = ks
			p.order = append(p.order, ks)
		}
		p.last, p.lastKS = k, ks
	}
	p.current = ks
	return nil
}

// endLaunch ends what beginLaunch began. d.mu must be held.
func (d *Device) endLaunch() { d.prof.current = nil }

// startBackendLaunch is called right before the backend's Launch of c,
// after beginLaunch. d.mu must be held.
func (d *Device) startBackendLaunch(c *Call) {
	p := &d.prof
	p.current.Launches++
	if c.Fast {
		p.current.Fast++
	}
	if p.timed {
		p.start = time.Now()
	}
	if trace.IsEnabled() {
		p.region = trace.StartRegion(d.traceContext(), "dc.launch")
		trace.Log(d.traceContext(), "kernel", c.Entry)
	}
}

// endBackendLaunch is called once the backend's Launch of c returned.
// d.mu must be held.
func (d *Device) endBackendLaunch(c *Call) {
	p := &d.prof
	if p.region != nil {
		p.region.End()
		p.region = nil
	}
	if p.timed {
		p.current.Launch += time.Since(p.start)
		if _, ok := p.kernels[c.Kernel]; !ok {
			// A checked kernel's copy: the backend's timings name it.
			p.kernels[c.Kernel] = p.current
		}
		// A program that never syncs still gets its timings, and the
		// backend keeps a bounded number.
		if p.uncollected++; p.uncollected >= collectEvery {
			d.collectTimings()
		}
	}
}

// collectEvery is how many timed launches may pass without a Sync before
// the runtime collects the timings of those that finished.
const collectEvery = 1024

// buildLocked builds module m for the device through the backend's
// Precompiler, once per Device, timing it; a failed build is remembered
// and returned again. d.mu must be held.
func (d *Device) buildLocked(m *Module) error {
	p := &d.prof
	if err, ok := p.built[m]; ok {
		return err
	}
	pc, ok := d.backend.(Precompiler)
	if !ok {
		p.built[m] = nil
		return nil
	}
	var region *trace.Region
	if trace.IsEnabled() {
		region = trace.StartRegion(d.traceContext(), "dc.build")
		trace.Log(d.traceContext(), "module", m.Package)
	}
	start := time.Now()
	err := pc.Precompile(m)
	took := time.Since(start)
	if region != nil {
		region.End()
	}
	p.built[m] = err
	p.builds = append(p.builds, BuildProfile{Module: m.Package, Time: took, Err: err})
	logBuilt(d, m, took, err)
	return err
}

// writeMemory copies src to device memory m at offset, counting it in the
// Stats and the profile. d.mu must be held.
func (d *Device) writeMemory(m Memory, offset int64, src []byte) error {
	took, err := d.transfer("dc.host-to-device", len(src), func() error { return m.Write(offset, src) })
	if err != nil {
		return err
	}
	n := int64(len(src))
	d.stats.HostToDevice++
	d.stats.BytesHostToDevice += n
	d.prof.h2d.add(n, took)
	if ks := d.prof.current; ks != nil {
		ks.HostToDevice.add(n, took)
	}
	return nil
}

// readMemory copies device memory m at offset into dst, counting it in the
// Stats and the profile. d.mu must be held.
func (d *Device) readMemory(m Memory, offset int64, dst []byte) error {
	took, err := d.transfer("dc.device-to-host", len(dst), func() error { return m.Read(offset, dst) })
	if err != nil {
		return err
	}
	n := int64(len(dst))
	d.stats.DeviceToHost++
	d.stats.BytesDeviceToHost += n
	d.prof.d2h.add(n, took)
	return nil
}

// transfer runs copy, a transfer of n bytes, as a trace region named
// region, and returns how long it took.
func (d *Device) transfer(region string, n int, copy func() error) (time.Duration, error) {
	r := d.transferRegion(region, n)
	start := time.Now()
	err := copy()
	took := time.Since(start)
	if r != nil {
		r.End()
	}
	return took, err
}

// transferRegion starts a trace region for a copy of n bytes when tracing,
// else returns nil.
func (d *Device) transferRegion(name string, n int) *trace.Region {
	if !trace.IsEnabled() {
		return nil
	}
	r := trace.StartRegion(d.traceContext(), name)
	trace.Logf(d.traceContext(), "bytes", "%d", n)
	return r
}

// traceContext returns the context of the Device's trace task, starting
// the task on first use while tracing. d.mu must be held.
func (d *Device) traceContext() context.Context {
	p := &d.prof
	if p.traceCtx == nil {
		p.traceCtx, p.task = trace.NewTask(context.Background(), "dc.Device "+d.name+": "+d.info.Name)
	}
	return p.traceCtx
}

// backendSync calls the backend's Sync, timing the wait when launches are
// timed and collecting their timings. d.mu must be held.
func (d *Device) backendSync() error {
	p := &d.prof
	if !p.timed && !trace.IsEnabled() {
		return d.backend.Sync()
	}
	var region *trace.Region
	if trace.IsEnabled() {
		region = trace.StartRegion(d.traceContext(), "dc.sync")
	}
	start := time.Now()
	err := d.backend.Sync()
	p.syncWait += time.Since(start)
	if region != nil {
		region.End()
	}
	d.collectTimings()
	return err
}

// collectTimings adds the backend's timings of finished launches to the
// profile. d.mu must be held.
func (d *Device) collectTimings() {
	p := &d.prof
	if p.timer == nil {
		return
	}
	p.uncollected = 0
	p.timings = p.timer.Timings(p.timings[:0])
	for _, t := range p.timings {
		ks := p.kernels[t.Kernel]
		if ks == nil {
			continue
		}
		ks.Run += t.Run
		ks.Wait += t.Wait
		ks.Timed++
	}
	clear(p.timings)
}

// endProfile ends the Device's trace task. d.mu must be held.
func (d *Device) endProfile() {
	if d.prof.task != nil {
		d.prof.task.End()
		d.prof.task = nil
	}
}

// Profile returns what the device did so far and where the time went:
// launches per kernel (and, on a Device opened WithProfiling or with
// DC_PROFILE=1, their time on the device, in the queue and in Launch),
// module builds, and transfers. Launches still running when it is called
// count, but their times are added once they finish: call Sync first for
// complete numbers. It is the zero Profile for a nil or zero Device, and
// stays available after Close.
func (d *Device) Profile() Profile {
	if d.usable() != nil {
		return Profile{}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.closed {
		d.collectTimings()
	}
	p := &d.prof
	out := Profile{
		Backend:        d.name,
		Device:         d.info.Name,
		Timed:          p.timed,
		TimedBy:        p.timedBy,
		Launches:       d.stats.Launches,
		Builds:         slices.Clone(p.builds),
		HostToDevice:   p.h2d,
		DeviceToHost:   p.d2h,
		DeviceToDevice: Transfers{Count: d.stats.DeviceToDevice, Bytes: d.stats.BytesDeviceToDevice},
		SyncWait:       p.syncWait,
		Pool:           d.mem.stats,
	}
	for _, ks := range p.order {
		out.Kernels = append(out.Kernels, *ks)
	}
	slices.SortStableFunc(out.Kernels, func(a, b KernelProfile) int {
		if c := cmp.Compare(b.Run, a.Run); c != 0 {
			return c
		}
		return cmp.Compare(b.Launches, a.Launches)
	})
	return out
}

// KernelTime returns the total time of the kernels on the device (the sum
// of their Run).
func (p Profile) KernelTime() time.Duration {
	var t time.Duration
	for _, k := range p.Kernels {
		t += k.Run
	}
	return t
}

// BuildTime returns the total time of the module builds.
func (p Profile) BuildTime() time.Duration {
	var t time.Duration
	for _, b := range p.Builds {
		t += b.Time
	}
	return t
}

// String formats the profile as a table, one row per module build, kernel
// and transfer direction, the longest first:
//
//	opencl: pthread-skylake (Portable Computing Language), launches timed by device profiling info
//	TIME      %     CALLS  AVG       WHAT
//	812ms     96.1  1      812ms     build github.com/dotcompute/dc/kernels
//	21.3ms    2.5   3      7.1ms     host-to-device 20 MiB, 0.98 GB/s
//	9.48ms    1.1   1      9.48ms    kernel Saxpy (queue 12µs, launch 31µs, copied in 32 MiB)
//
// A kernel's time is its time on the device; without timing it shows "-".
func (p Profile) String() string {
	type row struct {
		time  time.Duration
		known bool
		calls int64
		what  string
	}
	var rows []row
	for _, b := range p.Builds {
		what := "build " + b.Module
		if b.Err != nil {
			what += " (failed)"
		}
		rows = append(rows, row{b.Time, true, 1, what})
	}
	for _, k := range p.Kernels {
		var details []string
		if k.Timed > 0 {
			if k.Wait > 0 {
				details = append(details, "queue "+formatDuration(k.Wait))
			}
			details = append(details, "launch "+formatDuration(k.Launch))
		}
		if k.Fast > 0 {
			details = append(details, fmt.Sprintf("%d fast", k.Fast))
		}
		if k.HostToDevice.Count > 0 {
			details = append(details, "copied in "+formatBytes(k.HostToDevice.Bytes))
		}
		what := "kernel " + k.Name
		if len(details) > 0 {
			what += " (" + strings.Join(details, ", ") + ")"
		}
		rows = append(rows, row{k.Run, k.Timed > 0, k.Launches, what})
	}
	for _, t := range []struct {
		name string
		t    Transfers
	}{{"host-to-device", p.HostToDevice}, {"device-to-host", p.DeviceToHost}, {"device-to-device", p.DeviceToDevice}} {
		if t.t.Count == 0 {
			continue
		}
		what := t.name + " " + formatBytes(t.t.Bytes)
		if r := t.t.Rate(); r > 0 {
			what += fmt.Sprintf(", %.2f GB/s", r/1e9)
		}
		rows = append(rows, row{t.t.Time, t.t.Time > 0, t.t.Count, what})
	}
	if p.SyncWait > 0 {
		rows = append(rows, row{p.SyncWait, true, 0, "host waiting for the device (Sync, Read)"})
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		if a.known != b.known {
			if a.known {
				return -1
			}
			return 1
		}
		return cmp.Compare(b.time, a.time)
	})
	var total time.Duration
	for _, r := range rows {
		if r.what != "host waiting for the device (Sync, Read)" {
			total += r.time
		}
	}
	var sb strings.Builder
	timing := "launches not timed (WithProfiling or DC_PROFILE=1 times them)"
	switch {
	case p.Timed && p.TimedBy != "":
		timing = "launches timed by " + p.TimedBy
	case p.Timed:
		timing = "the backend cannot time launches"
	}
	fmt.Fprintf(&sb, "%s: %s, %d launches, %s\n", p.Backend, p.Device, p.Launches, timing)
	tw := tabwriter.NewWriter(&sb, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\t%\tCALLS\tAVG\tWHAT")
	for _, r := range rows {
		tm, pct, avg := "-", "-", "-"
		if r.known {
			tm = formatDuration(r.time)
			if total > 0 && r.what != "host waiting for the device (Sync, Read)" {
				pct = fmt.Sprintf("%.1f", 100*float64(r.time)/float64(total))
			}
			if r.calls > 0 {
				avg = formatDuration(r.time / time.Duration(r.calls))
			}
		}
		calls := "-"
		if r.calls > 0 {
			calls = fmt.Sprint(r.calls)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", tm, pct, calls, avg, r.what)
	}
	tw.Flush()
	if m := p.Pool; m.Hits+m.Misses > 0 {
		fmt.Fprintf(&sb, "memory pool: %d of %d allocations reused, %d blocks (%s) held", m.Hits, m.Hits+m.Misses, m.Blocks, formatBytes(m.BytesHeld))
		if !m.Enabled {
			sb.WriteString(" (pool off)")
		}
		sb.WriteString("\n")
	}
	return sb.String()
}

// formatDuration formats d with three significant digits: "1.28s",
// "12.1ms", "310µs", "850ns".
func formatDuration(d time.Duration) string {
	v, unit := float64(d), "ns"
	switch {
	case d >= time.Second:
		v, unit = d.Seconds(), "s"
	case d >= time.Millisecond:
		v, unit = v/1e6, "ms"
	case d >= time.Microsecond:
		v, unit = v/1e3, "µs"
	}
	switch {
	case v >= 100 || unit == "ns":
		return fmt.Sprintf("%.0f%s", v, unit)
	case v >= 10:
		return fmt.Sprintf("%.1f%s", v, unit)
	}
	return fmt.Sprintf("%.2f%s", v, unit)
}

// formatBytes formats n as "512 B", "1.5 KiB", "32 MiB" or "2.0 GiB".
func formatBytes(n int64) string {
	const k = 1024
	switch {
	case n < k:
		return fmt.Sprintf("%d B", n)
	case n < k*k:
		return trimZero(float64(n)/k) + " KiB"
	case n < k*k*k:
		return trimZero(float64(n)/(k*k)) + " MiB"
	}
	return trimZero(float64(n)/(k*k*k)) + " GiB"
}

// trimZero formats v with one decimal, dropping a ".0".
func trimZero(v float64) string {
	return strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0")
}
