package all_test

import (
	"go/build"
	"os"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"

	_ "github.com/dotcompute/dc/backends/all"
	"github.com/dotcompute/dc/runtime"
)

// onlyOn names the backends that the package imports on one GOOS only,
// from a file named for it, although they build everywhere.
var onlyOn = map[string]string{"metal": "darwin"}

// TestEveryBackend checks that importing the package registers every
// backend of this module that builds here: each folder next to this one
// whose Go files (for this GOOS and GOARCH) call runtime.Register is a
// backend, registered under the folder's name, unless onlyOn names
// another GOOS for it.
func TestEveryBackend(t *testing.T) {
	entries, err := os.ReadDir("..")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range entries {
		if !e.IsDir() || e.Name() == "all" {
			continue
		}
		if goos, ok := onlyOn[e.Name()]; ok && goos != goruntime.GOOS {
			continue
		}
		dir := filepath.Join("..", e.Name())
		pkg, err := build.ImportDir(dir, 0)
		if err != nil {
			if _, ok := err.(*build.NoGoError); ok {
				continue // nothing builds on this platform
			}
			t.Fatalf("%s: %v", dir, err)
		}
		registers := false
		for _, f := range pkg.GoFiles {
			src, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(src), "runtime.Register(") {
				registers = true
			}
		}
		if registers {
			want = append(want, e.Name())
		}
	}
	if len(want) == 0 {
		t.Fatal("found no backend packages next to backends/all")
	}
	got := runtime.Backends()
	for _, name := range want {
		if !slices.Contains(got, name) {
			t.Errorf("backends/%s builds here but is not registered by backends/all (registered: %v)", name, got)
		}
	}
	t.Logf("registered: %v", got)
}
