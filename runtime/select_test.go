package runtime_test

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/dotcompute/dc/runtime"
)

// captureLog sends slog.Default() to a buffer at debug level until the
// test ends. It skips the test when DC_LOG is set: the runtime then logs
// to standard error.
func captureLog(t *testing.T) *bytes.Buffer {
	t.Helper()
	if os.Getenv(runtime.EnvLog) != "" {
		t.Skipf("%s is set: the runtime logs to standard error", runtime.EnvLog)
	}
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "took" {
				return slog.Attr{}
			}
			return a
		},
	})))
	t.Cleanup(func() { slog.SetDefault(old) })
	return &buf
}

// TestOpenLogsSelection checks Open logs each backend it tries, why it
// skipped one (a warning: the failure is not ErrUnavailable), and what it
// chose.
func TestOpenLogsSelection(t *testing.T) {
	buf := captureLog(t)
	t.Setenv(runtime.EnvBackend, "")
	dev, err := runtime.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	want := []string{
		`level=DEBUG msg="runtime: trying backend" backend=fail-test why=priority`,
		`level=WARN msg="runtime: skipped backend" backend=fail-test reason="fail-test: libfake.so: not found"`,
		`level=DEBUG msg="runtime: trying backend" backend=fake-test why=priority`,
		`level=DEBUG msg="runtime: opened device" backend=fake-test device="fake device" index=0 why=priority`,
	}
	if got := strings.Split(strings.TrimSpace(buf.String()), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("log:\n%s\nwant:\n%s", buf, strings.Join(want, "\n"))
	}

	// Named explicitly, a failing backend is an error, logged as tried.
	buf.Reset()
	t.Setenv(runtime.EnvBackend, failName)
	if _, err := runtime.Open(); !errors.Is(err, errFakeMissing) {
		t.Errorf("DC_BACKEND=%s: Open error = %v, want errFakeMissing, not a fallback", failName, err)
	}
	if want := `level=DEBUG msg="runtime: trying backend" backend=fail-test why=DC_BACKEND`; strings.TrimSpace(buf.String()) != want {
		t.Errorf("DC_BACKEND=%s: log:\n%s\nwant:\n%s", failName, buf, want)
	}
}

// TestOpenSkipUnavailable checks that a backend whose failure matches
// ErrUnavailable (absent, not misconfigured) is skipped at debug level.
func TestOpenSkipUnavailable(t *testing.T) {
	buf := captureLog(t)
	t.Setenv(runtime.EnvBackend, "")
	failErr.Store(&errorValue{err: errors.Join(runtime.ErrUnavailable, errors.New("fail-test: no device"))})
	defer failErr.Store(nil)
	dev, err := runtime.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	want := `level=DEBUG msg="runtime: skipped backend" backend=fail-test reason="backend unavailable\nfail-test: no device"`
	if !strings.Contains(buf.String(), want) {
		t.Errorf("log:\n%s\nwant a line %s", buf, want)
	}
}

// TestDCLog runs Open in a child process with DC_LOG set: the runtime
// then logs to standard error, from the level DC_LOG names.
func TestDCLog(t *testing.T) {
	if os.Getenv("DC_TEST_OPEN_CHILD") == "1" {
		dev, err := runtime.Open()
		if err != nil {
			t.Fatal(err)
		}
		dev.Close()
		return
	}
	for _, tc := range []struct {
		level     string
		want, not []string
	}{
		{"debug", []string{`level=DEBUG msg="runtime: trying backend" backend=fail-test`, `level=WARN msg="runtime: skipped backend" backend=fail-test`, `msg="runtime: opened device" backend=fake-test`}, nil},
		{"WARN", []string{`level=WARN msg="runtime: skipped backend" backend=fail-test`}, []string{"DEBUG"}},
		{"off", nil, []string{"runtime:"}},
		{"loud", []string{`level=WARN msg="runtime: DC_LOG is not a level (debug, info, warn, error or off); logging from info up" value=loud`, `level=WARN msg="runtime: skipped backend"`}, []string{"DEBUG"}},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestDCLog$", "-test.count=1")
		cmd.Env = append(os.Environ(), "DC_TEST_OPEN_CHILD=1", runtime.EnvLog+"="+tc.level, runtime.EnvBackend+"=")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("DC_LOG=%s: %v\n%s", tc.level, err, stderr.String())
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr.String(), w) {
				t.Errorf("DC_LOG=%s: standard error has no %s:\n%s", tc.level, w, stderr.String())
			}
		}
		for _, n := range tc.not {
			if strings.Contains(stderr.String(), n) {
				t.Errorf("DC_LOG=%s: standard error has %s:\n%s", tc.level, n, stderr.String())
			}
		}
	}
}
