package cuda

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/dotcompute/dc/runtime"
	"github.com/google/go-cmp/cmp"
)

// driverOrSkip returns the CUDA driver library, skipping the test when it
// is missing, or failing it when DC_REQUIRE_CUDA_DRIVER=1.
func driverOrSkip(t testing.TB) *driverAPI {
	t.Helper()
	a, err := loadDriver()
	if err != nil {
		if os.Getenv("DC_REQUIRE_CUDA_DRIVER") == "1" {
			t.Fatalf("DC_REQUIRE_CUDA_DRIVER=1 but the CUDA driver library cannot be loaded: %v", err)
		}
		t.Skipf("CUDA driver library not installed: install the NVIDIA driver, or run scripts/install-deps.sh (Debian non-free libcuda1), or set DC_CUDA_LIBRARY: %v", err)
	}
	return a
}

// depsDriverPath returns where scripts/install-deps.sh unpacks Debian's
// libcuda1, skipping the test (failing it under DC_REQUIRE_CUDA_DRIVER=1)
// when nothing is there.
func depsDriverPath(t *testing.T) string {
	t.Helper()
	deps := depsDir()
	if deps == "" {
		t.Skip("neither DC_DEPS_DIR nor HOME is set, so there is no dependency folder")
	}
	p := filepath.Join(deps, "cuda", debianLibDir(), "nvidia", "current", driverLibrary)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("DC_REQUIRE_CUDA_DRIVER") == "1" {
			t.Fatalf("DC_REQUIRE_CUDA_DRIVER=1 but %s is missing: run scripts/install-deps.sh", p)
		}
		t.Skipf("Debian's libcuda1 is not unpacked in %s: run scripts/install-deps.sh", p)
	}
	return p
}

// debianDriverVersion is what cuDriverGetVersion returns for Debian
// bookworm's libcuda1 535: the driver supports CUDA 12.2.
const debianDriverVersion = 12020

func TestDriverLoadsFromDepsFolder(t *testing.T) {
	p := depsDriverPath(t)
	a, err := openDriver([]driverCandidate{{path: p}})
	if err != nil {
		t.Fatal(err)
	}
	if a.path != p {
		t.Errorf("loaded %s, want %s", a.path, p)
	}
	if a.version != debianDriverVersion {
		t.Errorf("version = %d, want %d (Debian's libcuda1 535 supports CUDA 12.2)", a.version, debianDriverVersion)
	}
	if a.cuDeviceGetUuidName != "cuDeviceGetUuid_v2" {
		t.Errorf("UUID call = %s, want cuDeviceGetUuid_v2, which libcuda 535 exports", a.cuDeviceGetUuidName)
	}
	// libcuda's PTX JIT compiler, which it dlopens by soname, was loaded
	// from the same folder.
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Skipf("cannot check which PTX JIT compiler is loaded: %v", err)
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(p))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "libnvidia-ptxjitcompiler.so."); !strings.Contains(string(maps), want) {
		t.Errorf("no %s* is mapped into the process", want)
	}
}

func TestDriverVersion(t *testing.T) {
	a := driverOrSkip(t)
	v, err := a.driverVersion()
	if err != nil {
		t.Fatal(err)
	}
	if v <= 0 || v != a.version {
		t.Errorf("driverVersion() = %d, want a positive version equal to the one read at load, %d", v, a.version)
	}
	files := driverMappedFiles(t)
	t.Logf("CUDA driver %s (%s) supports CUDA %d.%d", a.path, strings.Join(files, ", "), v/1000, v%1000/10)
	deps := depsDir()
	if deps == "" {
		return
	}
	// The system loader may have resolved libcuda.so.1 to a library already
	// loaded from the dependency folder, so look at the file itself.
	if debian, err := filepath.EvalSymlinks(filepath.Join(deps, "cuda")); err == nil {
		for _, f := range files {
			if strings.HasPrefix(f, debian+string(filepath.Separator)) && v != debianDriverVersion {
				t.Errorf("driverVersion() = %d for Debian's libcuda1 535 (%s), want %d", v, f, debianDriverVersion)
			}
		}
	}
}

// driverMappedFiles returns the libcuda files mapped into this process, as
// /proc/self/maps lists them, or nil where there is no /proc.
func driverMappedFiles(t *testing.T) []string {
	t.Helper()
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Logf("cannot tell which libcuda file is loaded: %v", err)
		return nil
	}
	var files []string
	for line := range strings.Lines(string(maps)) {
		fields := strings.Fields(line)
		if len(fields) < 6 {
			continue
		}
		f := fields[len(fields)-1]
		if strings.HasPrefix(filepath.Base(f), "libcuda.so") && !slices.Contains(files, f) {
			files = append(files, f)
		}
	}
	return files
}

// hasGPU reports whether cuInit succeeds, that is whether the machine has a
// CUDA GPU the driver can use.
func hasGPU(a *driverAPI) bool { return a.init() == nil }

func TestDriverInitNoDevice(t *testing.T) {
	a := driverOrSkip(t)
	err := a.init()
	if err == nil {
		t.Skip("cuInit succeeded: this machine has a CUDA GPU, so the no-device path cannot be tested")
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("cuInit error is %T (%v), want *Error", err, err)
	}
	if diff := cmp.Diff(Error{Call: "cuInit", Code: 100}, *e); diff != "" {
		t.Errorf("cuInit error mismatch (-want +got):\n%s", diff)
	}
	if !errors.Is(err, ErrNoDevice) {
		t.Errorf("errors.Is(%v, ErrNoDevice) = false", err)
	}
	if errors.Is(err, ErrNotInitialized) || errors.Is(err, runtime.ErrOutOfMemory) {
		t.Errorf("%v matches ErrNotInitialized or runtime.ErrOutOfMemory", err)
	}
	if got, want := err.Error(), "cuda: cuInit: CUDA_ERROR_NO_DEVICE"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if e.Code.Sticky() {
		t.Errorf("CUDA_ERROR_NO_DEVICE is reported sticky")
	}
}

// TestDriverCallsWithoutDevice calls every binding on a machine where cuInit
// failed: each must return an *Error with the driver's code, and no
// garbage values, instead of crashing.
func TestDriverCallsWithoutDevice(t *testing.T) {
	a := driverOrSkip(t)
	if hasGPU(a) {
		t.Skip("cuInit succeeded: this machine has a CUDA GPU, so the no-device path cannot be tested")
	}
	buf := make([]byte, 64)
	host := unsafe.Pointer(&buf[0])
	ptx := []byte(".version 7.0\n.target sm_70\n.address_size 64\n")
	checks := []struct {
		call string
		err  func() error
	}{
		{"cuDeviceGetCount", func() error {
			n, err := a.deviceCount()
			return zeroOr(n, err)
		}},
		{"cuDeviceGet", func() error {
			d, err := a.device(0)
			return zeroOr(d, err)
		}},
		{"cuDeviceGetName", func() error {
			s, err := a.deviceName(0)
			return zeroOr(s, err)
		}},
		{a.cuDeviceGetUuidName, func() error {
			u, err := a.deviceUUID(0)
			return zeroOr(u, err)
		}},
		{"cuDeviceGetAttribute", func() error {
			v, err := a.deviceAttr(0, attrComputeCapabilityMajor)
			return zeroOr(v, err)
		}},
		{"cuDeviceTotalMem_v2", func() error {
			n, err := a.deviceTotalMem(0)
			return zeroOr(n, err)
		}},
		{"cuDevicePrimaryCtxRetain", func() error {
			c, err := a.primaryCtxRetain(0)
			return zeroOr(c, err)
		}},
		{"cuDevicePrimaryCtxRelease_v2", func() error { return a.primaryCtxRelease(0) }},
		{"cuCtxSetCurrent", func() error { return a.ctxSetCurrent(0) }},
		{"cuCtxGetCurrent", func() error {
			c, err := a.ctxGetCurrent(nil)
			return zeroOr(c, err)
		}},
		{"cuCtxSynchronize", a.ctxSynchronize},
		{"cuModuleLoadDataEx", func() error {
			m, _, err := a.moduleLoad(ptx, true)
			return zeroOr(m, err)
		}},
		{"cuModuleUnload", func() error { return a.moduleUnload(0) }},
		{"cuModuleGetFunction", func() error {
			f, err := a.moduleFunction(0, "Saxpy")
			return zeroOr(f, err)
		}},
		{"cuFuncGetAttribute", func() error {
			v, err := a.funcAttr(0, funcNumRegs)
			return zeroOr(v, err)
		}},
		{"cuMemAlloc_v2", func() error {
			p, err := a.memAlloc(64)
			return zeroOr(p, err)
		}},
		{"cuMemFree_v2", func() error { return a.memFree(0) }},
		{"cuMemGetInfo_v2", func() error {
			f, total, err := a.memGetInfo()
			return zeroOr(f+total, err)
		}},
		{"cuMemsetD8Async", func() error { return a.memsetD8Async(0, 7, 64, 0) }},
		{"cuMemcpyHtoD_v2", func() error { return a.memcpyHtoD(0, host, 64) }},
		{"cuMemcpyDtoH_v2", func() error { return a.memcpyDtoH(host, 0, 64) }},
		{"cuMemcpyDtoD_v2", func() error { return a.memcpyDtoD(0, 0, 64) }},
		{"cuMemcpyHtoDAsync_v2", func() error { return a.memcpyHtoDAsync(0, host, 64, 0) }},
		{"cuMemcpyDtoHAsync_v2", func() error { return a.memcpyDtoHAsync(host, 0, 64, 0) }},
		{"cuMemcpyDtoDAsync_v2", func() error { return a.memcpyDtoDAsync(0, 0, 64, 0) }},
		{"cuStreamCreate", func() error {
			s, err := a.streamCreate(true)
			return zeroOr(s, err)
		}},
		{"cuStreamDestroy_v2", func() error { return a.streamDestroy(0) }},
		{"cuStreamSynchronize", func() error { return a.streamSynchronize(0) }},
		{"cuStreamQuery", func() error {
			done, err := a.streamQuery(0)
			return zeroOr(done, err)
		}},
		{"cuEventCreate", func() error {
			e, err := a.eventCreate(false)
			return zeroOr(e, err)
		}},
		{"cuEventDestroy_v2", func() error { return a.eventDestroy(0) }},
		{"cuEventRecord", func() error { return a.eventRecord(0, 0) }},
		{"cuEventSynchronize", func() error { return a.eventSynchronize(0) }},
		{"cuEventQuery", func() error {
			done, err := a.eventQuery(0)
			return zeroOr(done, err)
		}},
		{"cuEventElapsedTime", func() error {
			ms, err := a.eventElapsed(0, 0)
			return zeroOr(ms, err)
		}},
		{"cuLaunchKernel", func() error {
			return a.launchKernel(nil, 0, [3]uint32{1, 1, 1}, [3]uint32{32, 1, 1}, 0, 0, nil)
		}},
	}
	for _, c := range checks {
		err := c.err()
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s without a device: got %T (%v), want *Error", c.call, err, err)
			continue
		}
		if e.Call != c.call {
			t.Errorf("%s without a device: Call = %q", c.call, e.Call)
		}
		// Most calls report the failed cuInit; calls given a null handle
		// (cuLaunchKernel, cuEventElapsedTime) check it first.
		if _, known := resultNames[e.Code]; !known || e.Code == 0 {
			t.Errorf("%s without a device: code %d is not a CUDA 12 error", c.call, e.Code)
		}
		t.Logf("%v", err)
	}
	// After a failed cuInit, calls that take no handle report that the
	// driver is not initialized, not a code left over from cuInit.
	if _, err := a.deviceCount(); !errors.Is(err, ErrNotInitialized) {
		t.Errorf("deviceCount after a failed cuInit: %v, want ErrNotInitialized", err)
	}
	if _, err := a.moduleFunction(0, "Saxpy"); !strings.HasSuffix(fmt.Sprint(err), ": kernel Saxpy") {
		t.Errorf("moduleFunction error %q does not end with the kernel name", err)
	}
}

// zeroOr returns err, or an error saying v is not the zero value although
// the call failed.
func zeroOr[T comparable](v T, err error) error {
	var zero T
	if err != nil && v != zero {
		return fmt.Errorf("failed call returned %v besides %w", v, err)
	}
	return err
}

// TestDriverBeforeInit checks, in a fresh process where nothing has called
// cuInit, that the version and error-name calls work before cuInit and
// that the other calls report CUDA_ERROR_NOT_INITIALIZED.
func TestDriverBeforeInit(t *testing.T) {
	if os.Getenv("DC_TEST_DRIVER_BEFORE_INIT") != "1" {
		driverOrSkip(t)
		cmd := exec.Command(os.Args[0], "-test.run=^TestDriverBeforeInit$", "-test.v")
		cmd.Env = append(os.Environ(), "DC_TEST_DRIVER_BEFORE_INIT=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestDriverBeforeInit") {
			t.Fatalf("the test in a fresh process failed (%v):\n%s", err, out)
		}
		t.Logf("fresh process:\n%s", out)
		return
	}
	a := driverOrSkip(t)
	if v, err := a.driverVersion(); err != nil || v <= 0 {
		t.Errorf("driverVersion before cuInit = %d, %v; want a version", v, err)
	}
	for _, r := range []Result{0, 3, 100, 700, 999} {
		if got, want := a.errorName(r), r.String(); got != want {
			t.Errorf("errorName(%d) before cuInit = %q, want %q", r, got, want)
		}
		if a.errorString(r) == "" {
			t.Errorf("errorString(%d) before cuInit is empty", r)
		}
	}
	if _, err := a.deviceCount(); !errors.Is(err, ErrNotInitialized) {
		t.Errorf("deviceCount before cuInit: %v, want ErrNotInitialized", err)
	}
	if _, err := a.memAlloc(64); !errors.Is(err, ErrNotInitialized) {
		t.Errorf("memAlloc before cuInit: %v, want ErrNotInitialized", err)
	}
}

func TestDriverErrorNames(t *testing.T) {
	a := driverOrSkip(t)
	known := 0
	for r, name := range resultNames {
		got := a.errorName(r)
		if got == "" {
			// The driver predates the code (libcuda 535 knows CUDA 12.2's).
			t.Logf("the driver does not know %d (%s)", r, name)
			continue
		}
		known++
		if got != name {
			t.Errorf("driver names %d %q, the table %q", r, got, name)
		}
		if a.errorString(r) == "" {
			t.Errorf("errorString(%d) is empty although the driver names it %s", r, got)
		}
	}
	if known < len(resultNames)*3/4 {
		t.Errorf("the driver knows only %d of the table's %d codes", known, len(resultNames))
	}
	for _, tc := range []struct {
		r    Result
		want string
	}{
		{100, "no CUDA-capable device is detected"},
		{2, "out of memory"},
	} {
		if got := a.errorString(tc.r); got != tc.want {
			t.Errorf("errorString(%d) = %q, want %q", tc.r, got, tc.want)
		}
	}
	for _, r := range []Result{12345, -1} {
		if n, s := a.errorName(r), a.errorString(r); n != "" || s != "" {
			t.Errorf("errorName, errorString(%d) = %q, %q; want empty for an unknown code", r, n, s)
		}
	}
	// An unknown code gets the driver's name, when it has one, as Detail.
	if e := a.check("cuTest", uintptr(uint32(12345))); fmt.Sprint(e) != "cuda: cuTest: CUresult(12345)" {
		t.Errorf("check(12345) = %v", e)
	}
	if e := a.check("cuTest", uintptr(uint32(0))); e != nil {
		t.Errorf("check(0) = %v, want nil", e)
	}
}

func TestResultString(t *testing.T) {
	for _, tc := range []struct {
		r    Result
		want string
	}{
		{0, "CUDA_SUCCESS"},
		{1, "CUDA_ERROR_INVALID_VALUE"},
		{2, "CUDA_ERROR_OUT_OF_MEMORY"},
		{100, "CUDA_ERROR_NO_DEVICE"},
		{209, "CUDA_ERROR_NO_BINARY_FOR_GPU"},
		{218, "CUDA_ERROR_INVALID_PTX"},
		{222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION"},
		{600, "CUDA_ERROR_NOT_READY"},
		{700, "CUDA_ERROR_ILLEGAL_ADDRESS"},
		{719, "CUDA_ERROR_LAUNCH_FAILED"},
		{916, "CUDA_ERROR_KEY_ROTATION"},
		{999, "CUDA_ERROR_UNKNOWN"},
		{9, "CUresult(9)"},
		{1000, "CUresult(1000)"},
		{-1, "CUresult(-1)"},
	} {
		if got := tc.r.String(); got != tc.want {
			t.Errorf("Result(%d).String() = %q, want %q", tc.r, got, tc.want)
		}
		if got, want := tc.r.Error(), "cuda: "+tc.want; got != want {
			t.Errorf("Result(%d).Error() = %q, want %q", tc.r, got, want)
		}
	}
	seen := map[string]Result{}
	for r, name := range resultNames {
		if r.String() != name {
			t.Errorf("Result(%d).String() = %q, want %q", r, r.String(), name)
		}
		if !strings.HasPrefix(name, "CUDA_ERROR_") && name != "CUDA_SUCCESS" {
			t.Errorf("Result(%d) is named %q, not a CUDA_ERROR_ name", r, name)
		}
		if other, dup := seen[name]; dup {
			t.Errorf("%s names both %d and %d", name, other, r)
		}
		seen[name] = r
	}
	if len(resultNames) != 100 {
		t.Errorf("the table has %d codes, want the 100 of CUDA 12.9's cuda.h", len(resultNames))
	}
}

func TestResultSticky(t *testing.T) {
	sticky := []Result{226, 700, 702, 710, 714, 715, 716, 717, 718, 719, 721, 810, 911}
	for r := range resultNames {
		want := false
		for _, s := range sticky {
			want = want || r == s
		}
		if r.Sticky() != want {
			t.Errorf("%s.Sticky() = %v, want %v", r, r.Sticky(), want)
		}
	}
	if Result(12345).Sticky() {
		t.Errorf("an unknown code is sticky")
	}
}

func TestErrorFormat(t *testing.T) {
	for _, tc := range []struct {
		err  *Error
		want string
	}{
		{&Error{Call: "cuLaunchKernel", Code: 1}, "cuda: cuLaunchKernel: CUDA_ERROR_INVALID_VALUE"},
		{&Error{Call: "cuModuleGetFunction", Code: 500, Detail: "kernel Saxpy"}, "cuda: cuModuleGetFunction: CUDA_ERROR_NOT_FOUND: kernel Saxpy"},
		{&Error{Call: "cuModuleLoadDataEx", Code: 218, Log: "ptxas fatal   : Unresolved extern function 'f'"},
			"cuda: cuModuleLoadDataEx: CUDA_ERROR_INVALID_PTX\nptxas fatal   : Unresolved extern function 'f'"},
		{&Error{Call: "cuModuleLoadDataEx", Code: 218, Detail: "module saxpy", Log: "line 1: error"},
			"cuda: cuModuleLoadDataEx: CUDA_ERROR_INVALID_PTX: module saxpy\nline 1: error"},
		{&Error{Call: "cuTest", Code: 917, Detail: "CUDA_ERROR_STREAM_DETACHED"}, "cuda: cuTest: CUresult(917): CUDA_ERROR_STREAM_DETACHED"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

func TestErrorIs(t *testing.T) {
	sentinels := map[string]error{
		"ErrNoDevice":              ErrNoDevice,
		"ErrOutOfMemory":           ErrOutOfMemory,
		"ErrIllegalAddress":        ErrIllegalAddress,
		"ErrLaunchFailed":          ErrLaunchFailed,
		"ErrNoBinaryForGPU":        ErrNoBinaryForGPU,
		"ErrInvalidPTX":            ErrInvalidPTX,
		"ErrUnsupportedPTXVersion": ErrUnsupportedPTXVersion,
		"ErrInvalidImage":          ErrInvalidImage,
		"ErrNotInitialized":        ErrNotInitialized,
		"runtime.ErrOutOfMemory":   runtime.ErrOutOfMemory,
	}
	for _, tc := range []struct {
		code Result
		want []string // the sentinels the error matches
	}{
		{100, []string{"ErrNoDevice"}},
		{2, []string{"ErrOutOfMemory", "runtime.ErrOutOfMemory"}},
		{700, []string{"ErrIllegalAddress"}},
		{719, []string{"ErrLaunchFailed"}},
		{209, []string{"ErrNoBinaryForGPU"}},
		{218, []string{"ErrInvalidPTX"}},
		{222, []string{"ErrUnsupportedPTXVersion"}},
		{200, []string{"ErrInvalidImage"}},
		{3, []string{"ErrNotInitialized"}},
		{1, nil},
	} {
		err := fmt.Errorf("runtime: kernel Saxpy: %w", &Error{Call: "cuTest", Code: tc.code})
		for name, s := range sentinels {
			want := false
			for _, w := range tc.want {
				want = want || w == name
			}
			if got := errors.Is(err, s); got != want {
				t.Errorf("errors.Is(%s error, %s) = %v, want %v", tc.code, name, got, want)
			}
		}
	}
	if errors.Is(&Error{Call: "cuTest", Code: 2}, ErrNVRTCOutOfMemory) {
		t.Errorf("a driver out-of-memory error matches NVRTC's sentinel")
	}
}

func TestDriverLibraryEnvMissing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "libcuda.so.1")
	t.Setenv("DC_CUDA_LIBRARY", missing)
	c := driverCandidates()
	if diff := cmp.Diff([]driverCandidate{{path: missing, env: "DC_CUDA_LIBRARY"}}, c, cmp.AllowUnexported(driverCandidate{})); diff != "" {
		t.Fatalf("driverCandidates() with DC_CUDA_LIBRARY set mismatch (-want +got):\n%s", diff)
	}
	// A working library after it is not tried either.
	if d := depsDir(); d != "" {
		c = append(c, driverCandidate{path: filepath.Join(d, "cuda", debianLibDir(), "nvidia", "current", driverLibrary)})
	}
	a, err := openDriver(c)
	if a != nil {
		t.Errorf("openDriver loaded %s although DC_CUDA_LIBRARY names a missing file", a.path)
	}
	if !errors.Is(err, ErrDriverNotFound) {
		t.Fatalf("err = %v, want ErrDriverNotFound", err)
	}
	want := "cuda: driver library not found: DC_CUDA_LIBRARY=" + missing + ": stat " + missing + ": no such file or directory; point DC_CUDA_LIBRARY to libcuda.so.1 or unset it"
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s", diff)
	}
}

// driverLinuxOnly skips a test that expects the messages of glibc's
// dlopen on other systems.
func driverLinuxOnly(t *testing.T) {
	t.Helper()
	if goruntime.GOOS != "linux" {
		t.Skipf("the test expects glibc's dlopen messages, which %s does not print", goruntime.GOOS)
	}
}

func TestDriverLibraryEnvNotALibrary(t *testing.T) {
	driverLinuxOnly(t)
	path := filepath.Join(t.TempDir(), "libcuda.so.1")
	if err := os.WriteFile(path, []byte(strings.Repeat("this is a text file, not a shared library\n", 64)), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DC_CUDA_LIBRARY", path)
	_, err := openDriver(driverCandidates())
	if !errors.Is(err, ErrDriverNotFound) {
		t.Fatalf("err = %v, want ErrDriverNotFound", err)
	}
	msg := err.Error()
	for _, want := range []string{"DC_CUDA_LIBRARY=" + path + ": ", "invalid ELF header", "point DC_CUDA_LIBRARY to libcuda.so.1"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not contain %q", msg, want)
		}
	}
}

func TestDriverCandidates(t *testing.T) {
	deps := t.TempDir()
	t.Setenv("DC_CUDA_LIBRARY", "")
	t.Setenv("DC_DEPS_DIR", deps)
	lib := debianLibDir()
	want := []driverCandidate{
		{path: "libcuda.so.1"},
		{path: filepath.Join("/", lib, "nvidia/current/libcuda.so.1")},
		{path: "/usr/local/nvidia/lib64/libcuda.so.1"},
		{path: filepath.Join(deps, "cuda", lib, "nvidia/current/libcuda.so.1")},
	}
	if diff := cmp.Diff(want, driverCandidates(), cmp.AllowUnexported(driverCandidate{})); diff != "" {
		t.Errorf("driverCandidates() mismatch (-want +got):\n%s", diff)
	}
}

func TestDriverNotFound(t *testing.T) {
	driverLinuxOnly(t)
	dir := t.TempDir()
	inFolder := filepath.Join(dir, "nvidia", "current", "libcuda.so.1")
	system := "libcuda-dc-test-absent.so.1"
	a, err := openDriver([]driverCandidate{{path: system}, {path: inFolder}})
	if a != nil {
		t.Errorf("openDriver loaded %s from places that have no library", a.path)
	}
	if !errors.Is(err, ErrDriverNotFound) {
		t.Fatalf("err = %v, want ErrDriverNotFound", err)
	}
	want := "cuda: driver library not found: searched " + system + " (system loader), " + inFolder +
		"; install the NVIDIA driver, or run scripts/install-deps.sh (Debian's libcuda1 loads without a GPU, for tests), or set DC_CUDA_LIBRARY"
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s", diff)
	}
}

func TestDriverNotALibraryInFolder(t *testing.T) {
	driverLinuxOnly(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "libcuda.so.1")
	if err := os.WriteFile(bad, []byte(strings.Repeat("not a library\n", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := openDriver([]driverCandidate{{path: bad}})
	if !errors.Is(err, ErrDriverNotFound) {
		t.Fatalf("err = %v, want ErrDriverNotFound", err)
	}
	if want := "searched " + bad + " (" + bad + ": invalid ELF header)"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
}

func TestLoadDriverCached(t *testing.T) {
	first := driverOrSkip(t)
	again, err := loadDriver()
	if err != nil || again != first {
		t.Errorf("loadDriver() = %p, %v; want the cached %p", again, err, first)
	}
}

// TestDriverSaxpyOnGPU runs saxpy through every binding on a machine with a
// CUDA GPU: it compiles with NVRTC, JIT-loads the PTX, launches on a
// stream between two events and checks the result copied back.
func TestDriverSaxpyOnGPU(t *testing.T) {
	a := driverOrSkip(t)
	if err := a.init(); err != nil {
		t.Skipf("no CUDA GPU (%v): run this test on a machine with an NVIDIA GPU and driver", err)
	}
	nv := loadOrSkip(t)
	goruntime.LockOSThread() // a context is current to one OS thread
	defer goruntime.UnlockOSThread()

	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	d, err := a.device(0)
	must(err)
	name, err := a.deviceName(d)
	must(err)
	uuid, err := a.deviceUUID(d)
	must(err)
	major, err := a.deviceAttr(d, attrComputeCapabilityMajor)
	must(err)
	minor, err := a.deviceAttr(d, attrComputeCapabilityMinor)
	must(err)
	warp, err := a.deviceAttr(d, attrWarpSize)
	must(err)
	mem, err := a.deviceTotalMem(d)
	must(err)
	t.Logf("device 0: %s, UUID %x, compute capability %d.%d, %d MiB", name, uuid, major, minor, mem>>20)
	if name == "" || uuid == [16]byte{} || major < 3 || warp != 32 || mem == 0 {
		t.Errorf("implausible device: name %q, UUID %x, cc %d.%d, warp %d, %d bytes", name, uuid, major, minor, warp, mem)
	}

	ctx, err := a.primaryCtxRetain(d)
	must(err)
	defer func() { must(a.primaryCtxRelease(d)) }()
	must(a.ctxSetCurrent(ctx))
	defer a.ctxSetCurrent(0)
	if cur, err := a.ctxGetCurrent(nil); err != nil || cur != ctx {
		t.Fatalf("ctxGetCurrent() = %#x, %v; want %#x", cur, err, ctx)
	}
	free, total, err := a.memGetInfo()
	must(err)
	if free == 0 || free > total || total != mem {
		t.Errorf("memGetInfo() = %d free of %d, device has %d", free, total, mem)
	}

	// NVRTC 11.8 knows architectures up to sm_90; newer GPUs JIT that PTX.
	arch := min(major*10+minor, 90)
	c, err := nv.Compile(saxpySrc, "saxpy.cu", fmt.Sprintf("-arch=compute_%d", arch))
	must(err)
	mod, info, err := a.moduleLoad(c.PTX, true)
	must(err)
	defer func() { must(a.moduleUnload(mod)) }()
	t.Logf("JIT info log: %q", info)
	fn, err := a.moduleFunction(mod, "saxpy")
	must(err)
	regs, err := a.funcAttr(fn, funcNumRegs)
	must(err)
	maxThreads, err := a.funcAttr(fn, funcMaxThreadsPerBlock)
	must(err)
	if regs <= 0 || maxThreads < 256 {
		t.Errorf("saxpy uses %d registers and allows %d threads per block", regs, maxThreads)
	}
	if _, err := a.moduleFunction(mod, "nope"); !errors.Is(err, Result(500)) || !strings.HasSuffix(err.Error(), ": kernel nope") {
		t.Errorf("moduleFunction(nope) = %v, want CUDA_ERROR_NOT_FOUND naming the kernel", err)
	}
	_, _, err = a.moduleLoad([]byte(".version 7.0\n.target sm_70\n.address_size 64\n.visible .entry k() { bogus; }\n"), true)
	var le *Error
	if !errors.As(err, &le) || !errors.Is(err, ErrInvalidPTX) || le.Log == "" {
		t.Errorf("loading bad PTX: %v, want ErrInvalidPTX with the JIT error log", err)
	}

	const n = 1 << 20
	x, y, want := make([]float32, n), make([]float32, n), make([]float32, n)
	alpha := float32(2)
	for i := range x {
		x[i], y[i] = float32(i), float32(n-i)
		want[i] = alpha*x[i] + y[i]
	}
	bytes := uint64(4 * n)
	dx, err := a.memAlloc(bytes)
	must(err)
	defer func() { must(a.memFree(dx)) }()
	dy, err := a.memAlloc(bytes)
	must(err)
	defer func() { must(a.memFree(dy)) }()
	dz, err := a.memAlloc(bytes)
	must(err)
	defer func() { must(a.memFree(dz)) }()
	must(a.memcpyHtoD(dx, unsafe.Pointer(&x[0]), bytes))
	must(a.memcpyHtoD(dz, unsafe.Pointer(&y[0]), bytes))
	must(a.memcpyDtoD(dy, dz, bytes))

	s, err := a.streamCreate(true)
	must(err)
	defer func() { must(a.streamDestroy(s)) }()
	start, err := a.eventCreate(true)
	must(err)
	defer func() { must(a.eventDestroy(start)) }()
	end, err := a.eventCreate(true)
	must(err)
	defer func() { must(a.eventDestroy(end)) }()

	count := int64(n)
	params := []unsafe.Pointer{unsafe.Pointer(&alpha), unsafe.Pointer(&dx), unsafe.Pointer(&dy), unsafe.Pointer(&count)}
	must(a.eventRecord(start, s))
	must(a.launchKernel(nil, fn, [3]uint32{n / 256, 1, 1}, [3]uint32{256, 1, 1}, 0, s, unsafe.Pointer(&params[0])))
	must(a.eventRecord(end, s))
	got := make([]float32, n)
	must(a.memcpyDtoHAsync(unsafe.Pointer(&got[0]), dy, bytes, s))
	must(a.memsetD8Async(dz, 0xff, bytes, s))
	must(a.streamSynchronize(s))
	goruntime.KeepAlive(params)
	if done, err := a.streamQuery(s); !done || err != nil {
		t.Errorf("streamQuery after streamSynchronize = %v, %v", done, err)
	}
	must(a.eventSynchronize(end))
	if done, err := a.eventQuery(end); !done || err != nil {
		t.Errorf("eventQuery after eventSynchronize = %v, %v", done, err)
	}
	ms, err := a.eventElapsed(start, end)
	must(err)
	t.Logf("saxpy of %d floats: %.3f ms", n, ms)
	if ms <= 0 {
		t.Errorf("eventElapsed = %v ms", ms)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("saxpy result mismatch (-want +got):\n%s", diff)
	}
	set := make([]byte, 16)
	must(a.memcpyDtoH(unsafe.Pointer(&set[0]), dz, 16))
	if !slices.Equal(set, slices.Repeat([]byte{0xff}, 16)) {
		t.Errorf("bytes after memsetD8Async(0xff) = % x", set)
	}
	pattern, back := []byte("0123456789abcdef"), make([]byte, 16)
	must(a.memcpyHtoDAsync(dx, unsafe.Pointer(&pattern[0]), 16, s))
	must(a.streamSynchronize(s))
	must(a.memcpyDtoH(unsafe.Pointer(&back[0]), dx, 16))
	must(a.ctxSynchronize())
	if !slices.Equal(back, pattern) {
		t.Errorf("bytes after memcpyHtoDAsync = %q, want %q", back, pattern)
	}
}
