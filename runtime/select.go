package runtime

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"
)

// EnvLog is the environment variable that shows the runtime's log without
// code: "debug", "info", "warn" or "error" sends it to standard error, as
// text, from that level up; "off" drops it. When it is not set the runtime
// logs through slog.Default().
const EnvLog = "DC_LOG"

// ErrUnavailable is matched (errors.Is) by the error of a Driver, or of a
// DeviceLister's Devices, whose backend is absent from the machine: no
// native library, no platform, no device. Open skips such a backend with a
// debug message; any other failure (a device variable that matches
// nothing, a library named by a variable that does not load, a driver
// error) is a warning, which slog.Default() prints, so that a
// misconfigured backend is never passed over silently.
var ErrUnavailable = errors.New("backend unavailable")

// Unavailable returns err made to match ErrUnavailable, with its message
// and its own chain kept: what a backend returns when it finds itself
// absent from the machine.
func Unavailable(err error) error { return &unavailableError{err} }

type unavailableError struct{ err error }

func (e *unavailableError) Error() string        { return e.err.Error() }
func (e *unavailableError) Unwrap() error        { return e.err }
func (e *unavailableError) Is(target error) bool { return target == ErrUnavailable }

// envLogger is the logger DC_LOG asks for, or nil when it is not set.
var envLogger = sync.OnceValue(func() *slog.Logger {
	v := strings.ToLower(strings.TrimSpace(os.Getenv(EnvLog)))
	if v == "" {
		return nil
	}
	if v == "off" {
		return slog.New(slog.DiscardHandler)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(v)); err != nil {
		l := slog.New(slog.NewTextHandler(os.Stderr, nil))
		l.Warn("runtime: "+EnvLog+" is not a level (debug, info, warn, error or off); logging from info up", "value", v)
		return l
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
})

// logger returns the logger the runtime writes to: the one DC_LOG asks
// for, else slog.Default().
func logger() *slog.Logger {
	if l := envLogger(); l != nil {
		return l
	}
	return slog.Default()
}

// logEnabled reports whether the runtime's logger writes messages of
// level.
func logEnabled(level slog.Level) bool {
	return logger().Enabled(context.Background(), level)
}

// logTry logs that Open tries backend name.
func logTry(name, why string) {
	if logEnabled(slog.LevelDebug) {
		logger().Debug("runtime: trying backend", "backend", name, "why", why)
	}
}

// logSkip logs that Open passed over backend name because of err: at
// debug level when the backend is absent (ErrUnavailable), else as a
// warning.
func logSkip(name string, err error) {
	level := slog.LevelWarn
	if errors.Is(err, ErrUnavailable) {
		level = slog.LevelDebug
	}
	logger().Log(context.Background(), level, "runtime: skipped backend", "backend", name, "reason", err.Error())
}

// logOpened logs the device Open chose.
func logOpened(d *Device, why string, elapsed time.Duration) {
	if logEnabled(slog.LevelDebug) {
		logger().Debug("runtime: opened device", "backend", d.name, "device", d.info.Name, "index", d.info.Index,
			"why", why, "took", elapsed)
	}
}

// logBuilt logs the build of module m on d: the compile (or kernel cache
// lookup) that the first launch of one of its kernels, or Precompile, did.
func logBuilt(d *Device, m *Module, elapsed time.Duration, err error) {
	if !logEnabled(slog.LevelDebug) {
		return
	}
	if err != nil {
		logger().Debug("runtime: module build failed", "backend", d.name, "module", m.Package, "took", elapsed, "err", err.Error())
		return
	}
	logger().Debug("runtime: built module", "backend", d.name, "device", d.info.Name, "module", m.Package, "took", elapsed)
}
