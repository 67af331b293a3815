package translate_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dotcompute/dc/backends/cuda"
	"github.com/dotcompute/dc/gen"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden")

var (
	goldenOnce sync.Once
	goldenPkgs map[string]*gen.Package
	goldenErr  error
)

// goldenPackages loads every case of testdata/golden in one go/packages call.
func goldenPackages(t *testing.T) map[string]*gen.Package {
	t.Helper()
	goldenOnce.Do(func() {
		pkgs, err := gen.Load(gen.Config{Dir: "..", Patterns: []string{"./testdata/golden/..."}})
		if err != nil {
			goldenErr = err
			return
		}
		goldenPkgs = map[string]*gen.Package{}
		for _, p := range pkgs {
			goldenPkgs[filepath.Base(p.Dir)] = p
		}
	})
	if goldenErr != nil {
		t.Fatal(goldenErr)
	}
	return goldenPkgs
}

func goldenCases(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("../testdata/golden")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	if len(names) < 12 {
		t.Fatalf("found %d golden cases, want at least 12", len(names))
	}
	return names
}

// TestGolden generates every case of testdata/golden (its Go file and its
// CUDA, OpenCL and MSL sources) and compares the output with the files in the case's
// directory. Run with -update to rewrite them. The Go goldens are part of
// their packages, so `go vet ./testdata/golden/...` compiles them and the
// cases' own tests run them.
func TestGolden(t *testing.T) {
	pkgs := goldenPackages(t)
	for _, name := range goldenCases(t) {
		t.Run(name, func(t *testing.T) {
			p, ok := pkgs[name]
			if !ok {
				t.Fatalf("case %s did not load as a package", name)
			}
			files, err := gen.Generate(p, []string{"cuda", "opencl", "metal"})
			if err != nil {
				t.Fatal(err)
			}
			want := 4
			if hasSIMD(files) {
				want += 2
			} else {
				for _, name := range []string{gen.SIMDFile, gen.NoSIMDFile} {
					path := filepath.Join(p.Dir, name)
					if _, err := os.Stat(path); err != nil {
						continue
					}
					// No kernel has a SIMD body any more: the file must go.
					if !*update {
						t.Errorf("%s is stale: no kernel of the case has a SIMD body (run go test ./translate/... -update)", path)
					} else if err := os.Remove(path); err != nil {
						t.Fatal(err)
					}
				}
			}
			if len(files) != want {
				t.Fatalf("generated %d files, want the Go file, the CUDA, OpenCL and MSL source, and the SIMD file and its stubs where a kernel has a SIMD body", len(files))
			}
			again, err := gen.Generate(p, []string{"cuda", "opencl", "metal"})
			if err != nil {
				t.Fatal(err)
			}
			for i, f := range files {
				if !bytes.Equal(f.Content, again[i].Content) {
					t.Errorf("%s differs between two runs", filepath.Base(f.Path))
				}
				if *update {
					if _, err := gen.WriteIfChanged(f.Path, f.Content); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(f.Path)
				if err != nil {
					t.Fatalf("%v (run go test ./translate/... -update)", err)
				}
				if diff := cmp.Diff(string(want), string(f.Content)); diff != "" {
					t.Errorf("%s mismatch (-want +got):\n%s", filepath.Base(f.Path), diff)
				}
			}
		})
	}
}

// hasSIMD reports whether files include the file of SIMD bodies.
func hasSIMD(files []gen.File) bool {
	for _, f := range files {
		if filepath.Base(f.Path) == gen.SIMDFile {
			return true
		}
	}
	return false
}

// nvrtcOrSkip loads the real NVRTC, skipping (or failing where
// DC_REQUIRE_NVRTC=1, as in CI) when it is not installed.
func nvrtcOrSkip(t *testing.T) *cuda.NVRTC {
	t.Helper()
	n, err := cuda.LoadNVRTC()
	if err != nil {
		if os.Getenv("DC_REQUIRE_NVRTC") == "1" {
			t.Fatalf("DC_REQUIRE_NVRTC=1 but NVRTC cannot be loaded: %v", err)
		}
		t.Skipf("NVRTC not installed (run `make deps`, needs Debian non-free libnvrtc11.2): %v", err)
	}
	return n
}

// cudaArchs are the architectures every kernel is compiled for.
var cudaArchs = []string{"sm_70", "sm_80", "sm_90"}

// TestGoldenNVRTC compiles the CUDA golden of every case with the real
// NVRTC for every architecture, to PTX and CUBIN.
func TestGoldenNVRTC(t *testing.T) {
	n := nvrtcOrSkip(t)
	for _, name := range goldenCases(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join("..", "testdata", "golden", name, strings.TrimSuffix(gen.GoFile, ".go")+".cu")
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			CompileAll(t, n, string(src), name+".cu")
		})
	}
}

// TestKernelsNVRTC compiles the CUDA source of the standard kernel library
// (kernels/, as generated) with the real NVRTC for every architecture.
func TestKernelsNVRTC(t *testing.T) {
	n := nvrtcOrSkip(t)
	path := filepath.Join("..", "kernels", strings.TrimSuffix(gen.GoFile, ".go")+".cu")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	CompileAll(t, n, string(src), "kernels.cu")
}

// CompileAll compiles src for every architecture in cudaArchs and checks
// the PTX and CUBIN.
func CompileAll(t *testing.T, n *cuda.NVRTC, src, name string) {
	t.Helper()
	for _, arch := range cudaArchs {
		c, err := n.Compile(src, name, "-arch="+arch, "-std=c++17")
		if err != nil {
			t.Fatalf("%s: %v", arch, err)
		}
		if !bytes.Contains(c.PTX, []byte(".target "+arch)) {
			t.Errorf("%s: PTX does not target %s", arch, arch)
		}
		if !bytes.HasPrefix(c.CUBIN, []byte("\x7fELF")) {
			t.Errorf("%s: CUBIN is not an ELF image (%d bytes)", arch, len(c.CUBIN))
		}
		var entries []string
		for _, l := range strings.Split(string(c.PTX), "\n") {
			if strings.Contains(l, ".entry ") {
				entries = append(entries, strings.Fields(l)[len(strings.Fields(l))-1])
			}
		}
		sort.Strings(entries)
		if len(entries) == 0 {
			t.Errorf("%s: PTX has no kernel entry points", arch)
		}
	}
}
