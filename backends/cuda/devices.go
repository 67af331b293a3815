package cuda

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/dotcompute/dc/runtime"
)

// Devices describes the CUDA devices of the machine, in the driver's
// order, without creating contexts on them. With no driver or no device
// the error says which (matching ErrDriverNotFound or ErrNoDevice, and
// runtime.ErrUnavailable unless DC_CUDA_LIBRARY named the library).
func (cudaDriver) Devices() ([]runtime.DeviceInfo, error) {
	a, err := initDriver()
	if err != nil {
		return nil, absent(err)
	}
	descs, err := enumerate(a)
	if err != nil {
		return nil, absent(err)
	}
	infos := make([]runtime.DeviceInfo, len(descs))
	for i, desc := range descs {
		d, err := deviceFor(a, desc)
		if err != nil {
			return nil, err
		}
		infos[i] = d.info
	}
	return infos, nil
}

// OpenDevice opens device index in the driver's order, whatever
// DC_CUDA_DEVICE says.
func (cudaDriver) OpenDevice(index int) (runtime.Backend, error) {
	b, err := openIndex(index)
	if err != nil {
		return nil, absent(err)
	}
	return b, nil
}

// absent returns err, made to match runtime.ErrUnavailable when it says
// there is no device, or no driver while DC_CUDA_LIBRARY names none: then
// runtime.Open passes CUDA over quietly. A library DC_CUDA_LIBRARY names
// that does not load, or another driver error, is one it warns about.
func absent(err error) error {
	if errors.Is(err, ErrNoDevice) || errors.Is(err, ErrDriverNotFound) && os.Getenv(driverLibraryEnv) == "" {
		return runtime.Unavailable(err)
	}
	return err
}

// driverString names the CUDA version the driver supports, "CUDA 12.4".
func driverString(a *driverAPI) string {
	return fmt.Sprintf("CUDA %d.%d", a.version/1000, a.version%1000/10)
}

// timedLaunch is a timed launch: events recorded on the stream before and
// after it.
type timedLaunch struct {
	kernel     *runtime.Kernel
	start, end uintptr // CUevent, with timing
}

// StartTiming makes the backend record a pair of events around every
// launch, whose elapsed time Timings reports.
func (b *backend) StartTiming() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.usable("StartTiming"); err != nil {
		return err
	}
	b.timing = true
	return nil
}

// event returns a timing event, reused or created. The caller has entered
// the context.
func (b *backend) event() (uintptr, error) {
	if n := len(b.freeEvents); n > 0 {
		e := b.freeEvents[n-1]
		b.freeEvents = b.freeEvents[:n-1]
		return e, nil
	}
	return b.dev.api.eventCreate(true)
}

// recordStart records the start event of a timed launch of k on the
// stream. The caller has entered the context.
func (b *backend) recordStart(k *runtime.Kernel) (timedLaunch, error) {
	t := timedLaunch{kernel: k}
	var err error
	if t.start, err = b.event(); err != nil {
		return t, err
	}
	if t.end, err = b.event(); err != nil {
		b.freeEvents = append(b.freeEvents, t.start)
		return t, err
	}
	if err := b.dev.api.eventRecord(t.start, b.stream); err != nil {
		b.freeEvents = append(b.freeEvents, t.start, t.end)
		return t, err
	}
	return t, nil
}

// recordEnd records the end event of the launch t, which was queued, and
// keeps t for Timings; if the launch failed (launched is false) the events
// go back to the pool. The caller has entered the context.
func (b *backend) recordEnd(t timedLaunch, launched bool) error {
	if !launched {
		b.freeEvents = append(b.freeEvents, t.start, t.end)
		return nil
	}
	if err := b.dev.api.eventRecord(t.end, b.stream); err != nil {
		b.freeEvents = append(b.freeEvents, t.start, t.end)
		return err
	}
	if len(b.timed) >= maxPendingLaunches {
		b.reap()
	}
	b.timed = append(b.timed, t)
	return nil
}

// maxPendingLaunches is how many timed launches the backend keeps the
// events of before it reads those of the launches that finished and reuses
// them, so that a program that launches without ever syncing does not pile
// them up.
const maxPendingLaunches = 1024

// Timings appends to dst the timings of the launches that finished since
// the last call: the time between their events (cuEventElapsedTime, about
// 0.5µs resolution). CUDA does not tell how long a launch waited in the
// stream, so Wait is 0.
func (b *backend) Timings(dst []runtime.LaunchTiming) []runtime.LaunchTiming {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.timed) > 0 && b.usable("Timings") == nil {
		if err := b.dev.enter(&b.hot); err == nil {
			b.reap()
			leave()
		}
	}
	dst = append(dst, b.finished...)
	clear(b.finished)
	b.finished = b.finished[:0]
	return dst
}

// reap moves the timings of the finished launches from b.timed to
// b.finished, keeping their events for reuse. The caller has entered the
// context.
func (b *backend) reap() {
	d := b.dev
	done := 0
	for _, t := range b.timed {
		if ok, err := d.api.eventQuery(t.end); err == nil && !ok {
			break // still running, and so are those after it
		}
		if ms, err := d.api.eventElapsed(t.start, t.end); err == nil {
			b.finished = append(b.finished, runtime.LaunchTiming{Kernel: t.kernel, Run: time.Duration(float64(ms) * float64(time.Millisecond))})
		}
		b.freeEvents = append(b.freeEvents, t.start, t.end)
		done++
	}
	n := copy(b.timed, b.timed[done:])
	clear(b.timed[n:])
	b.timed = b.timed[:n]
}

// destroyEvents destroys the backend's timing events. The caller has
// entered the context.
func (b *backend) destroyEvents() error {
	var errs []error
	for _, t := range b.timed {
		b.freeEvents = append(b.freeEvents, t.start, t.end)
	}
	b.timed = nil
	for _, e := range b.freeEvents {
		errs = append(errs, b.dev.api.eventDestroy(e))
	}
	b.freeEvents = nil
	return errors.Join(errs...)
}
