package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
)

// WithFallback makes the opened Device fall back to the CPU when it runs
// out of device memory, instead of failing:
//
//   - NewBuffer that cannot get device memory, even after releasing the
//     pool (Trim), makes a host-only buffer: zeroed host memory that moves
//     to the device at the first launch that uses it, if memory is free by
//     then.
//   - A launch whose buffers cannot get device memory runs on the CPU
//     instead: the kernel's generated Go body, on the calling goroutine,
//     over the host copies of its buffers (made current first), exactly as
//     the cpu backend runs it. Its written buffers become host-dirty, so
//     the next launch on the device uploads them. A checked kernel's fault
//     is returned by the launch.
//
// Each fallback is logged with log/slog's default logger at level Warn
// ("runtime: out of device memory, ran on the CPU"), naming the backend,
// the kernel and the error. Launches of kernels without a Go body, and
// failures other than out-of-memory, are errors as without WithFallback.
func WithFallback() Option {
	return func(o *options) { o.mem.fallback = true }
}

// logFallback logs that op (NewBuffer, or the launch of kernel) fell back
// to the CPU because of err.
func (d *Device) logFallback(op, kernel string, err error) {
	attrs := []slog.Attr{slog.String("backend", d.name), slog.String("op", op)}
	if kernel != "" {
		attrs = append(attrs, slog.String("kernel", kernel))
	}
	attrs = append(attrs, slog.String("error", err.Error()))
	msg := "runtime: out of device memory, ran on the CPU"
	if op == "NewBuffer" {
		msg = "runtime: out of device memory, buffer kept on the host"
	}
	slog.Default().LogAttrs(context.Background(), slog.LevelWarn, msg, attrs...)
}

// launchOnHost runs call, whose buffers bufs could not all get device
// memory (cause), on the CPU over their host copies. d.mu must be held.
func (d *Device) launchOnHost(call *Call, bufs []*buffer, cause error) error {
	k := call.Kernel
	fail := func(err error) error { return &KernelError{Kernel: k.Name, Err: err} }
	for _, b := range bufs {
		if b == nil {
			continue
		}
		r := b.base()
		if r.host == nil {
			if err := r.newHost(); err != nil {
				return fail(errors.Join(cause, err))
			}
		}
		if err := r.toHost(); err != nil {
			return fail(err)
		}
	}
	c := *call
	c.Args = append([]CallArg(nil), call.Args...)
	for i, b := range bufs {
		c.Args[i].Memory = nil
		if b != nil {
			lo := b.off * b.elem
			c.Args[i].Host = b.base().host[lo : lo+b.bytes() : lo+b.bytes()]
		}
	}
	c.Entry, c.Fast = k.Name, fast(k, call.Grid, c.Args)
	var rec []byte
	if k.Checked {
		rec = make([]byte, FaultRecordBytes)
		c.Kernel = d.checkedKernel(k)
		c.Args = append(c.Args, CallArg{Host: rec, Len: FaultRecordBytes / 4}, CallArg{Scalar: []byte{1, 0, 0, 0}})
	}
	d.logFallback("launch", k.Name, cause)
	err := runHost(&c)
	for i, b := range bufs {
		if b != nil && k.Params[i].Written {
			b.base().written()
		}
	}
	if err != nil {
		return fail(fmt.Errorf("ran on the CPU (%v): %w", cause, err))
	}
	if rec != nil {
		if f := decodeFault(k.Module, rec); f != nil {
			return fail(f)
		}
	}
	return nil
}
