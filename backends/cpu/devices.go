package cpu

import (
	"fmt"
	goruntime "runtime"
	"time"

	"github.com/dotcompute/dc/runtime"
)

// Devices lists the one CPU device: the machine's processors.
func (driver) Devices() ([]runtime.DeviceInfo, error) {
	return []runtime.DeviceInfo{info()}, nil
}

// OpenDevice opens the CPU, device 0.
func (d driver) OpenDevice(index int) (runtime.Backend, error) {
	if index != 0 {
		return nil, fmt.Errorf("cpu: device %d does not exist: the CPU backend has one device, 0", index)
	}
	return d.Open()
}

// StartTiming makes the backend time every launch with the wall clock: how
// long the kernel ran on the pool, and how long it waited in the device's
// queue for the kernels launched before it.
func (b *backend) StartTiming() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.timing = true
	return nil
}

// Timings appends the timings of the launches that finished since the
// last call to dst.
func (b *backend) Timings(dst []runtime.LaunchTiming) []runtime.LaunchTiming {
	b.mu.Lock()
	defer b.mu.Unlock()
	dst = append(dst, b.timings...)
	clear(b.timings)
	b.timings = b.timings[:0]
	return dst
}

// timed runs l, recording its timing when the backend times launches.
// b.mu must not be held.
func (b *backend) timed(l *launch, timing bool) error {
	if !timing {
		return run(&l.call)
	}
	start := time.Now()
	err := run(&l.call)
	end := time.Now()
	b.mu.Lock()
	b.timings = append(b.timings, runtime.LaunchTiming{Kernel: l.call.Kernel, Run: end.Sub(start), Wait: start.Sub(l.queued)})
	b.mu.Unlock()
	return err
}

// info describes the CPU.
func info() runtime.DeviceInfo {
	i := baseInfo()
	i.ComputeUnits = goruntime.NumCPU()
	i.MemoryBytes = int64(min(hostMemoryTotal(), 1<<63-1))
	i.Driver = "Go " + goruntime.Version() + " " + goruntime.GOOS + "/" + goruntime.GOARCH
	return i
}
