package gen_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// repoRoot returns the root of this repository: the nearest directory above
// the test's working directory whose go.mod declares github.com/dotcompute/dc.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(mod, []byte("module github.com/dotcompute/dc\n")) {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod of github.com/dotcompute/dc above the working directory")
		}
		dir = parent
	}
}

// newModule creates the module tmpmod in a temporary directory, using this
// repository through a replace directive, with the given files (paths
// relative to the module root, slash-separated), and returns its root. The
// go command then works offline from the module cache.
func newModule(t *testing.T, files map[string]string) string {
	t.Helper()
	root := repoRoot(t)
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	// The go directive of this repository: a lower one would need go mod tidy.
	goLine := regexp.MustCompile(`(?m)^go [0-9.]+$`).FindString(readFile(t, filepath.Join(root, "go.mod")))
	if goLine == "" {
		t.Fatal("no go directive in this repository's go.mod")
	}
	all := map[string]string{
		"go.mod": "module tmpmod\n\n" + goLine + "\n\nrequire github.com/dotcompute/dc v0.0.0\n\nreplace github.com/dotcompute/dc => " + root + "\n",
		"go.sum": string(sum),
	}
	for name, src := range files {
		all[name] = src
	}
	for name, src := range all {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(name)), src)
	}
	return dir
}

func writeFile(t *testing.T, path, src string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// posOf returns "path:line:col" of the first occurrence of sub in the file
// at path, columns counted in bytes from 1 as go/token does.
func posOf(t *testing.T, path, sub string) string {
	t.Helper()
	src := readFile(t, path)
	i := strings.Index(src, sub)
	if i < 0 {
		t.Fatalf("%s does not contain %q", path, sub)
	}
	line := strings.Count(src[:i], "\n") + 1
	col := i - strings.LastIndex(src[:i], "\n")
	return fmt.Sprintf("%s:%d:%d", path, line, col)
}

// goCmd runs the go command in dir and returns its combined output and
// whether it succeeded.
func goCmd(t *testing.T, dir string, args ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err == nil
}
