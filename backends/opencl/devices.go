package opencl

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/dotcompute/dc/runtime"
)

// Devices describes the devices of every platform, in the order
// DC_OPENCL_DEVICE indexes them, without creating contexts for them.
func (driver) Devices() ([]runtime.DeviceInfo, error) {
	a, err := loadAPI()
	if err != nil {
		return nil, absent(err)
	}
	descs, ids, err := enumerate(a)
	if err != nil {
		return nil, absent(err)
	}
	infos := make([]runtime.DeviceInfo, len(descs))
	for i, desc := range descs {
		d := &device{api: a, id: ids[i]}
		if err := d.query(desc); err != nil {
			return nil, fmt.Errorf("opencl: device %s: %w", desc, err)
		}
		infos[i] = d.info
	}
	return infos, nil
}

// OpenDevice opens device index of Devices' list, whatever
// DC_OPENCL_DEVICE says.
func (driver) OpenDevice(index int) (runtime.Backend, error) {
	b, err := openIndex(index)
	if err != nil {
		return nil, absent(err)
	}
	return b, nil
}

// absent returns err, made to match runtime.ErrUnavailable when it says
// OpenCL is missing (ErrUnavailable) and no DC_OPENCL_LIBRARY named a
// library: then runtime.Open passes OpenCL over quietly. A library that
// DC_OPENCL_LIBRARY names and that does not load, or a DC_OPENCL_DEVICE
// that matches nothing, is a misconfiguration it warns about.
func absent(err error) error {
	if errors.Is(err, ErrUnavailable) && os.Getenv(EnvLibrary) == "" {
		return runtime.Unavailable(err)
	}
	return err
}

// driverString returns the OpenCL version of device id and the version of
// its driver, "OpenCL 3.0, driver 5.0+debian"; "" if they cannot be read.
func driverString(a *api, id uintptr) string {
	version, err := a.deviceString(id, clDeviceVersion)
	if err != nil {
		return ""
	}
	// "OpenCL 3.0 PoCL HSTR: ...": the version is the first two words.
	if f := strings.Fields(version); len(f) >= 2 {
		version = f[0] + " " + f[1]
	}
	if drv, err := a.deviceString(id, clDriverVersion); err == nil && drv != "" {
		version += ", driver " + drv
	}
	return version
}

// Precompile builds module m for the device (once per device and process:
// every Open of the device shares the program), so that the first launch
// of its kernels does not wait for clBuildProgram. A failed build is a
// *BuildError, as at a launch.
func (b *backend) Precompile(m *runtime.Module) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.queue == 0 {
		return fmt.Errorf("opencl: Precompile: %w", errClosed)
	}
	_, err := b.dev.program(m)
	return err
}

// timedEvent is the event of a timed launch.
type timedEvent struct {
	kernel *runtime.Kernel
	ev     uintptr
}

// StartTiming replaces the backend's command queue, which must be empty,
// by one created with CL_QUEUE_PROFILING_ENABLE, and keeps the event of
// every launch for Timings, which reads its profiling info.
func (b *backend) StartTiming() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.queue == 0 {
		return fmt.Errorf("opencl: StartTiming: %w", errClosed)
	}
	if b.timing {
		return nil
	}
	a := b.dev.api
	q, err := a.newQueueProps(b.dev.ctx, b.dev.id, clQueueProfilingEnable)
	if err != nil {
		return err
	}
	errs := []error{a.finishQueue(b.queue)}
	b.releaseLast()
	errs = append(errs, a.release("clReleaseCommandQueue", a.releaseCommandQueue, b.queue))
	b.queue = q
	b.timing = true
	return errors.Join(errs...)
}

// maxPendingEvents is how many events of timed launches the backend keeps
// before it reads and releases those of the launches that finished, so
// that a program that launches without ever syncing does not pile them up.
const maxPendingEvents = 1024

// Timings appends to dst the timings of the launches that have finished
// since the last call, from their events' profiling info: the run from
// CL_PROFILING_COMMAND_START to _END, the wait from _QUEUED to _START.
func (b *backend) Timings(dst []runtime.LaunchTiming) []runtime.LaunchTiming {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.reapEvents()
	dst = append(dst, b.finished...)
	clear(b.finished)
	b.finished = b.finished[:0]
	return dst
}

// reapEvents moves the timings of the finished launches from b.events to
// b.finished, releasing their events. b.mu must be held.
func (b *backend) reapEvents() {
	a := b.dev.api
	done := 0
	for _, e := range b.events {
		status, err := a.eventStatus(e.ev)
		if err == nil && status > clComplete {
			break // still queued or running, and so are those after it
		}
		if err == nil && status == clComplete {
			queued, err1 := a.eventTime(e.ev, clProfilingQueued)
			start, err2 := a.eventTime(e.ev, clProfilingStart)
			end, err3 := a.eventTime(e.ev, clProfilingEnd)
			if err1 == nil && err2 == nil && err3 == nil && start >= queued && end >= start {
				b.finished = append(b.finished, runtime.LaunchTiming{Kernel: e.kernel,
					Run: time.Duration(end - start), Wait: time.Duration(start - queued)})
			}
		}
		a.release("clReleaseEvent", a.releaseEvent, e.ev)
		done++
	}
	n := copy(b.events, b.events[done:])
	clear(b.events[n:])
	b.events = b.events[:n]
}

// lastEvent returns the event of the last launch, 0 if none. b.mu must be
// held.
func (b *backend) lastEvent() uintptr {
	if n := len(b.events); n > 0 {
		return b.events[n-1].ev
	}
	return b.last
}

// releaseEvents releases the events kept for Timings. b.mu must be held.
func (b *backend) releaseEvents() {
	a := b.dev.api
	for _, e := range b.events {
		a.release("clReleaseEvent", a.releaseEvent, e.ev)
	}
	b.events = nil
}
