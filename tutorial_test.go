package dc_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"testing"

	_ "github.com/dotcompute/dc/backends/all"
	"github.com/dotcompute/dc/runtime"
)

// TestTutorial follows the README's tutorial as written: in a temporary
// folder next to a link named dc to this checkout, it runs the go commands
// of the tutorial's shell blocks and writes the files of its Go blocks (a
// block preceded by a line ending in "`path.go`:"), in the order they
// appear. The program must print the backend that runtime.Open picks in
// this process with every backend registered, and the scaled values.
//
// It needs the go command and a GPU-class backend to prove anything: on a
// machine where only the cpu backend opens it skips, naming PoCL (CI sets
// DC_REQUIRE_OPENCL=1 to make that a failure).
func TestTutorial(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module with the go command; skipped with -short")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		goCmd = filepath.Join(goruntime.GOROOT(), "bin", "go")
		if _, err := os.Stat(goCmd); err != nil {
			t.Skipf("no go command: %v", err)
		}
	}
	os.Unsetenv(runtime.EnvBackend) // the tutorial shows the default choice
	dev, err := runtime.Open()
	if err != nil {
		t.Fatal(err)
	}
	want := dev.Backend()
	dev.Close()
	if want == "cpu" {
		msg := "only the cpu backend opens here, so the tutorial cannot show runtime.Open choosing a GPU backend: install PoCL (apt-get install pocl-opencl-icd ocl-icd-libopencl1) or run on a GPU"
		if os.Getenv("DC_REQUIRE_OPENCL") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}

	checkout, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	if err := os.Symlink(checkout, filepath.Join(root, "dc")); err != nil {
		t.Fatal(err)
	}
	steps := tutorialSteps(t, filepath.Join(checkout, "README.md"))
	dir := root
	var printed string
	for _, s := range steps {
		switch {
		case s.file != "":
			path := filepath.Join(dir, filepath.FromSlash(s.file))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(s.text), 0o644); err != nil {
				t.Fatal(err)
			}
		case strings.HasPrefix(s.text, "git clone "):
			// The checkout is this one, linked as ../dc.
		case s.text == "mkdir hello && cd hello":
			dir = filepath.Join(root, "hello")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
		case strings.HasPrefix(s.text, "go "):
			args := strings.Fields(s.text)[1:]
			cmd := exec.Command(goCmd, args...)
			cmd.Dir = dir
			// No network in tests: dc's dependencies come from the module
			// cache, and their checksums from dc's go.sum.
			cmd.Env = append(os.Environ(), "GOWORK=off", "GOPROXY=off", "GOFLAGS=")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", s.text, err, out)
			}
			t.Logf("%s\n%s", s.text, out)
			if s.text == "go run ." {
				printed = strings.TrimSpace(string(out))
			}
			if args[0] == "mod" && args[1] == "init" {
				sum, err := os.ReadFile(filepath.Join(checkout, "go.sum"))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		default:
			t.Fatalf("README tutorial: the test does not know how to run %q", s.text)
		}
	}
	if got := want + " [10 20 30]"; printed != got {
		t.Errorf("the tutorial's program printed %q, want %q", printed, got)
	}
}

// A step of the tutorial: a shell command (text), or a file to write.
type step struct {
	file, text string
}

// tutorialSteps returns the steps of the "## Tutorial" section of the
// README at path: each command line of its sh blocks (comments removed)
// and each Go block announced by a line ending in "`name.go`:".
func tutorialSteps(t *testing.T, path string) []step {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var steps []step
	in, prev := false, ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			in = line == "## Tutorial"
			continue
		}
		if !in {
			continue
		}
		if line == "```sh" || line == "```go" {
			var block []string
			for sc.Scan() && sc.Text() != "```" {
				block = append(block, sc.Text())
			}
			if line == "```sh" {
				for _, cmd := range block {
					if i := strings.Index(cmd, "#"); i >= 0 {
						cmd = cmd[:i]
					}
					if cmd = strings.TrimSpace(cmd); cmd != "" {
						steps = append(steps, step{text: cmd})
					}
				}
			} else if name, ok := strings.CutSuffix(prev, "`:"); ok {
				if i := strings.LastIndex(name, "`"); i >= 0 && strings.HasSuffix(name, ".go") {
					steps = append(steps, step{file: name[i+1:], text: strings.Join(block, "\n") + "\n"})
				}
			}
			prev = ""
			continue
		}
		if strings.TrimSpace(line) != "" {
			prev = strings.TrimSpace(line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	var files, runs int
	for _, s := range steps {
		if s.file != "" {
			files++
		} else if s.text == "go run ." {
			runs++
		}
	}
	if files == 0 || runs != 1 {
		t.Fatalf("%s: the tutorial has %d files and %d `go run .` commands; want some files and one run", path, files, runs)
	}
	return steps
}
