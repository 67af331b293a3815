package cuda

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// loadOrSkip returns the NVRTC library, skipping the test when it is missing,
// or failing it when DC_REQUIRE_NVRTC=1.
func loadOrSkip(t testing.TB) *NVRTC {
	t.Helper()
	n, err := LoadNVRTC()
	if err != nil {
		if os.Getenv("DC_REQUIRE_NVRTC") == "1" {
			t.Fatalf("DC_REQUIRE_NVRTC=1 but NVRTC cannot be loaded: %v", err)
		}
		t.Skipf("NVRTC not installed: run scripts/install-deps.sh (needs Debian non-free libnvrtc11.2) or set DC_NVRTC_DIR: %v", err)
	}
	return n
}

const saxpySrc = `extern "C" __global__ void saxpy(float a, const float *x, float *y, long long n) {
	long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
	if (i < n) {
		y[i] = a * x[i] + y[i];
	}
}
`

func TestVersion(t *testing.T) {
	n := loadOrSkip(t)
	major, minor, err := n.Version()
	if err != nil {
		t.Fatal(err)
	}
	if major < 11 || minor < 0 {
		t.Errorf("Version() = %d.%d, want 11.0 or later", major, minor)
	}
	t.Logf("NVRTC %d.%d from %s", major, minor, n.Path())
}

func TestSupportedArchs(t *testing.T) {
	n := loadOrSkip(t)
	archs, err := n.SupportedArchs()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.IsSorted(archs) {
		t.Errorf("SupportedArchs() = %v, not sorted", archs)
	}
	for _, want := range []int{80, 90} {
		if !slices.Contains(archs, want) {
			t.Errorf("SupportedArchs() = %v, missing %d", archs, want)
		}
	}
	t.Logf("supported: %v", archs)
}

// elfMachineCUDA is EM_CUDA, the ELF e_machine of a CUBIN.
const elfMachineCUDA = 190

func TestCompileSaxpy(t *testing.T) {
	n := loadOrSkip(t)
	archs, err := n.SupportedArchs()
	if err != nil {
		t.Fatal(err)
	}
	for _, arch := range []int{70, 80, 90} {
		t.Run(fmt.Sprintf("sm_%d", arch), func(t *testing.T) {
			if !slices.Contains(archs, arch) {
				t.Skipf("this NVRTC does not support sm_%d (supports %v)", arch, archs)
			}
			start := time.Now()
			c, err := n.Compile(saxpySrc, "saxpy.cu", fmt.Sprintf("-arch=sm_%d", arch))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("compiled in %v: %d bytes PTX, %d bytes CUBIN", time.Since(start), len(c.PTX), len(c.CUBIN))
			for _, want := range []string{".entry saxpy(", fmt.Sprintf(".target sm_%d", arch), ".address_size 64"} {
				if !bytes.Contains(c.PTX, []byte(want)) {
					t.Errorf("PTX lacks %q:\n%s", want, c.PTX)
				}
			}
			if bytes.IndexByte(c.PTX, 0) >= 0 {
				t.Errorf("PTX contains a NUL byte")
			}
			if c.Log != "" {
				t.Errorf("Log = %q, want empty", c.Log)
			}
			if len(c.CUBIN) < 20 || !bytes.Equal(c.CUBIN[:4], []byte("\x7fELF")) {
				t.Fatalf("CUBIN does not start with the ELF magic: % x", c.CUBIN[:min(len(c.CUBIN), 16)])
			}
			if m := binary.LittleEndian.Uint16(c.CUBIN[18:]); m != elfMachineCUDA {
				t.Errorf("CUBIN e_machine = %d, want %d (EM_CUDA)", m, elfMachineCUDA)
			}
			if !bytes.Contains(c.CUBIN, []byte("saxpy")) {
				t.Errorf("CUBIN has no symbol saxpy")
			}
		})
	}
}

func TestCompileVirtualArch(t *testing.T) {
	n := loadOrSkip(t)
	for _, opts := range [][]string{
		{"--gpu-architecture=compute_80"},
		{"-arch", "compute_80"},
	} {
		c, err := n.Compile(saxpySrc, "saxpy.cu", opts...)
		if err != nil {
			t.Fatalf("%q: %v", opts, err)
		}
		if !bytes.Contains(c.PTX, []byte(".target sm_80")) {
			t.Errorf("%q: PTX lacks .target sm_80:\n%s", opts, c.PTX)
		}
		if c.CUBIN != nil {
			t.Errorf("%q: got %d bytes of CUBIN for a virtual architecture, want none", opts, len(c.CUBIN))
		}
	}
}

func TestCompileGPUArchitectureOption(t *testing.T) {
	n := loadOrSkip(t)
	c, err := n.Compile(saxpySrc, "saxpy.cu", "--gpu-architecture=sm_80", "--std=c++17")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(c.PTX, []byte(".target sm_80")) || !bytes.HasPrefix(c.CUBIN, []byte("\x7fELF")) {
		t.Errorf("want sm_80 PTX and an ELF CUBIN, got PTX %.200q and CUBIN % x", c.PTX, c.CUBIN[:min(len(c.CUBIN), 4)])
	}
}

func TestCompileError(t *testing.T) {
	n := loadOrSkip(t)
	src := "extern \"C\" __global__ void bad(float *x) {\n\tx[0] = undeclared;\n}\n"
	c, err := n.Compile(src, "bad.cu", "-arch=sm_80")
	if c != nil {
		t.Errorf("Compile returned output %+v with the error", c)
	}
	if !errors.Is(err, ErrCompilation) {
		t.Fatalf("err = %v, want ErrCompilation", err)
	}
	if errors.Is(err, ErrInvalidOption) {
		t.Errorf("err matches ErrInvalidOption too")
	}
	var ne *NVRTCError
	if !errors.As(err, &ne) {
		t.Fatalf("err is %T, want *NVRTCError", err)
	}
	got := NVRTCError{Func: ne.Func, Code: ne.Code, Name: ne.Name}
	want := NVRTCError{Func: "nvrtcCompileProgram", Code: 6, Name: "NVRTC_ERROR_COMPILATION"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s", diff)
	}
	wantLog := `bad.cu(2): error: identifier "undeclared" is undefined`
	if !strings.Contains(ne.Log, wantLog) {
		t.Errorf("Log = %q, want it to contain %q", ne.Log, wantLog)
	}
	wantMsg := "cuda: nvrtcCompileProgram: NVRTC_ERROR_COMPILATION\n" + ne.Log
	if diff := cmp.Diff(wantMsg, err.Error()); diff != "" {
		t.Errorf("Error() mismatch (-want +got):\n%s", diff)
	}
}

func TestCompileLineDirective(t *testing.T) {
	n := loadOrSkip(t)
	src := `extern "C" __global__ void saxpy(float a, const float *x, float *y) {
#line 42 "saxpy.go"
	float *p = a;
	y[0] = *p + x[0];
}
`
	_, err := n.Compile(src, "saxpy.cu", "-arch=sm_80")
	var ne *NVRTCError
	if !errors.As(err, &ne) || ne.Code != 6 {
		t.Fatalf("err = %v, want an NVRTC_ERROR_COMPILATION *NVRTCError", err)
	}
	want := `saxpy.go(42): error: a value of type "float" cannot be used to initialize an entity of type "float *"`
	if !strings.Contains(ne.Log, want) {
		t.Errorf("Log = %q, want it to contain %q", ne.Log, want)
	}
	if strings.Contains(ne.Log, "saxpy.cu(") {
		t.Errorf("Log names saxpy.cu instead of the #line file: %q", ne.Log)
	}
}

func TestCompileInvalidOption(t *testing.T) {
	n := loadOrSkip(t)
	_, err := n.Compile(saxpySrc, "saxpy.cu", "--no-such-option")
	if !errors.Is(err, ErrInvalidOption) {
		t.Fatalf("err = %v, want ErrInvalidOption", err)
	}
	if got, want := strings.SplitN(err.Error(), "\n", 2)[0], "cuda: nvrtcCompileProgram: NVRTC_ERROR_INVALID_OPTION"; got != want {
		t.Errorf("Error() first line = %q, want %q", got, want)
	}
}

func TestCompileWarningLog(t *testing.T) {
	n := loadOrSkip(t)
	src := "extern \"C\" __global__ void k(float *x) {\n\tint unused;\n\tx[0] = 1.0f;\n}\n"
	c, err := n.Compile(src, "warn.cu", "-arch=sm_80")
	if err != nil {
		t.Fatal(err)
	}
	want := `warn.cu(2): warning #177-D: variable "unused" was declared but never referenced`
	if !strings.Contains(c.Log, want) {
		t.Errorf("Log = %q, want it to contain %q", c.Log, want)
	}
}

func TestLoadNVRTCConcurrent(t *testing.T) {
	first := loadOrSkip(t)
	var wg sync.WaitGroup
	got := make([]*NVRTC, 8)
	errs := make([]error, 8)
	for i := range got {
		wg.Go(func() { got[i], errs[i] = LoadNVRTC() })
	}
	wg.Wait()
	for i := range got {
		if errs[i] != nil || got[i] != first {
			t.Errorf("call %d: LoadNVRTC() = %p, %v; want the cached %p", i, got[i], errs[i], first)
		}
	}
}

func TestCompileConcurrent(t *testing.T) {
	n := loadOrSkip(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			arch := []int{70, 80, 90, 80}[i]
			c, err := n.Compile(saxpySrc, "saxpy.cu", fmt.Sprintf("-arch=sm_%d", arch))
			if err == nil && !bytes.Contains(c.PTX, fmt.Appendf(nil, ".target sm_%d", arch)) {
				err = fmt.Errorf("PTX for sm_%d lacks its .target", arch)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: %v", i, err)
		}
	}
}

// TestOpenDpkgRoot loads NVRTC from the root of a dpkg -x, the layout
// scripts/install-deps.sh leaves and DC_NVRTC_DIR may name.
func TestOpenDpkgRoot(t *testing.T) {
	n := loadOrSkip(t)
	libDir := filepath.Dir(n.Path())
	root, ok := strings.CutSuffix(libDir, string(filepath.Separator)+debianLibDir())
	if !ok {
		t.Skipf("NVRTC was loaded from %s, not from a dpkg -x tree", n.Path())
	}
	for _, dir := range []string{root, libDir} {
		m, err := openNVRTC([]string{dir}, false)
		if err != nil {
			t.Fatalf("openNVRTC(%s): %v", dir, err)
		}
		if m.Path() != n.Path() {
			t.Errorf("openNVRTC(%s) loaded %s, want %s", dir, m.Path(), n.Path())
		}
	}
}

func TestOpenNotFound(t *testing.T) {
	dir := t.TempDir()
	n, err := openNVRTC([]string{dir}, false)
	if n != nil {
		t.Errorf("openNVRTC returned a library from an empty folder: %s", n.Path())
	}
	if !errors.Is(err, ErrNVRTCNotFound) {
		t.Fatalf("err = %v, want ErrNVRTCNotFound", err)
	}
	want := "cuda: nvrtc not found: searched " + dir + "; run scripts/install-deps.sh or set DC_NVRTC_DIR"
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s", diff)
	}
}

func TestOpenNotALibrary(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "libnvrtc.so.12"), []byte("not an ELF file"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := openNVRTC([]string{dir}, false)
	if !errors.Is(err, ErrNVRTCNotFound) {
		t.Fatalf("err = %v, want ErrNVRTCNotFound", err)
	}
	if !strings.Contains(err.Error(), filepath.Join(dir, "libnvrtc.so.12")) {
		t.Errorf("error %q does not name the file that failed to load", err)
	}
}

func TestArchOption(t *testing.T) {
	for _, tc := range []struct {
		opts []string
		want string
	}{
		{nil, ""},
		{[]string{"-arch=sm_80"}, "sm_80"},
		{[]string{"--gpu-architecture=sm_90", "-lineinfo"}, "sm_90"},
		{[]string{"-arch", "compute_70"}, "compute_70"},
		{[]string{"-arch=compute_70", "-arch=sm_75"}, "sm_75"},
		{[]string{"-arch"}, ""},
		{[]string{"-architecture=sm_80"}, ""},
	} {
		if got := archOption(tc.opts); got != tc.want {
			t.Errorf("archOption(%q) = %q, want %q", tc.opts, got, tc.want)
		}
	}
}

func TestNVRTCErrorName(t *testing.T) {
	for _, tc := range []struct {
		r    nvrtcResult
		want string
	}{
		{0, "NVRTC_SUCCESS"},
		{6, "NVRTC_ERROR_COMPILATION"},
		{11, "NVRTC_ERROR_INTERNAL_ERROR"},
		{99, "nvrtcResult(99)"},
	} {
		if got := tc.r.String(); got != tc.want {
			t.Errorf("nvrtcResult(%d).String() = %q, want %q", tc.r, got, tc.want)
		}
	}
	e := &NVRTCError{Func: "nvrtcGetPTX", Code: 3, Name: "NVRTC_ERROR_INVALID_INPUT"}
	if got, want := e.Error(), "cuda: nvrtcGetPTX: NVRTC_ERROR_INVALID_INPUT"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(e, ErrNVRTCInvalidInput) || errors.Is(e, ErrCompilation) {
		t.Errorf("errors.Is matches the wrong sentinels for code 3")
	}
}

func BenchmarkCompileSaxpy(b *testing.B) {
	n := loadOrSkip(b)
	for _, arch := range []string{"compute_80", "sm_80"} {
		b.Run(arch, func(b *testing.B) {
			for b.Loop() {
				if _, err := n.Compile(saxpySrc, "saxpy.cu", "-arch="+arch); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
