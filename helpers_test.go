package dc_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dotcompute/dc"
)

// emulate runs dc.Emulate and fails the test if it does not return within
// a few seconds: divergence must be an error, never a hang.
func emulate(t *testing.T, g dc.Grid, body func(dc.Thread)) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- dc.Emulate(g, body) }()
	select {
	case err := <-done:
		return err
	case <-time.After(20 * time.Second):
		t.Fatalf("dc.Emulate did not return within 20s")
		return nil
	}
}

// errText returns err's text, or "<nil>".
func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// site returns "file.go:line" of the line of the calling test file that
// ends with the comment "// site: "+marker.
func site(t *testing.T, marker string) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(1)
	if !ok {
		t.Fatal("runtime.Caller failed")
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var found []int
	for n := 1; sc.Scan(); n++ {
		if strings.HasSuffix(sc.Text(), "// site: "+marker) {
			found = append(found, n)
		}
	}
	if len(found) != 1 {
		t.Fatalf("marker %q found on lines %v of %s, want exactly one", marker, found, file)
	}
	return fmt.Sprintf("%s:%d", filepath.Base(file), found[0])
}

// grid returns a grid of groups groups of size threads.
func grid(groups, size dc.Dim3) dc.Grid { return dc.Grid{Groups: groups, GroupSize: size} }
