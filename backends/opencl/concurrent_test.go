package opencl

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dotcompute/dc/runtime"
)

// envFirstOpenChild makes TestConcurrentFirstOpen, re-executed in a fresh
// process, open the device from many goroutines at once instead of
// starting child processes. Its value says how: "explicit" opens with
// WithBackend("opencl"), "default" with Open().
const envFirstOpenChild = "DC_TEST_OPENCL_FIRST_OPEN"

// concurrentOpens is the number of goroutines that open at once.
const concurrentOpens = 64

// openConcurrently opens the device from concurrentOpens goroutines at
// once and reports every failure; each must open OpenCL.
func openConcurrently(t *testing.T, opts ...runtime.Option) {
	t.Helper()
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		devs  = make([]*runtime.Device, concurrentOpens)
		errs  = make([]error, concurrentOpens)
	)
	for i := range concurrentOpens {
		wg.Go(func() {
			<-start
			devs[i], errs[i] = runtime.Open(opts...)
		})
	}
	close(start)
	wg.Wait()
	for i, dev := range devs {
		switch {
		case errs[i] != nil:
			t.Errorf("goroutine %d: %v", i, errs[i])
		case dev.Backend() != "opencl":
			t.Errorf("goroutine %d: opened %s, want opencl", i, dev.Backend())
		}
		if err := dev.Close(); err != nil {
			t.Errorf("goroutine %d: Close: %v", i, err)
		}
	}
}

// TestConcurrentFirstOpen checks that many goroutines can make the
// process's first Open at once: each run is a fresh process (this test
// binary, re-executed), so library loading, platform discovery and context
// creation all race.
func TestConcurrentFirstOpen(t *testing.T) {
	switch mode := os.Getenv(envFirstOpenChild); mode {
	case "explicit":
		openConcurrently(t, runtime.WithBackend("opencl"))
		return
	case "default":
		t.Setenv(runtime.EnvBackend, "")
		openConcurrently(t)
		return
	}
	if _, err := Devices(); err != nil {
		skipUnavailable(t, err)
	}
	// 50 processes take about 6 s; under the race detector each takes
	// about 1.2 s, so the runs stop after budget once minRuns are done.
	const maxRuns, minRuns, budget = 50, 10, 20 * time.Second
	began := time.Now()
	runs := 0
	for i := range maxRuns {
		if i >= minRuns && (testing.Short() || time.Since(began) > budget) {
			break
		}
		runs++
		mode := "explicit"
		if i%2 == 1 {
			mode = "default"
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestConcurrentFirstOpen$", "-test.count=1")
		cmd.Env = append(os.Environ(), envFirstOpenChild+"="+mode)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("run %d (%s): %v\n%s", i, mode, err, firstLines(string(out), 30))
		}
	}
	t.Logf("%d processes of %d concurrent first opens in %v", runs, concurrentOpens, time.Since(began).Round(time.Millisecond))
}

// TestConcurrentOpen opens from many goroutines in this process, for the
// race detector.
func TestConcurrentOpen(t *testing.T) {
	if _, err := Devices(); err != nil {
		skipUnavailable(t, err)
	}
	openConcurrently(t, runtime.WithBackend("opencl"))
}

// firstLines returns the first n lines of s.
func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], fmt.Sprintf("... (%d more bytes)", len(lines[n])))
	}
	return strings.Join(lines, "\n")
}
