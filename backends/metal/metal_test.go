package metal

import (
	"encoding/binary"
	"errors"
	"fmt"
	goruntime "runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/runtime"
)

// testMemory is a runtime.Memory that is not Metal memory: packArgs only
// passes it on.
type testMemory struct{ name string }

func (*testMemory) Write(int64, []byte) error { return nil }
func (*testMemory) Read(int64, []byte) error  { return nil }
func (*testMemory) Free() error               { return nil }

func TestPackArgs(t *testing.T) {
	x, y, rec := &testMemory{"x"}, &testMemory{"y"}, &testMemory{"rec"}
	k := &runtime.Kernel{Name: "Saxpy", Params: []runtime.Param{
		{Name: "a", Kind: runtime.ScalarParam, Size: 4},
		{Name: "x", Kind: runtime.BufferParam, Size: 4},
		{Name: "y", Kind: runtime.BufferParam, Size: 4, Written: true},
		{Name: "empty", Kind: runtime.ScalarParam, Size: 0},
		{Name: "dc_fault", Kind: runtime.BufferParam, Size: 4, Written: true},
		{Name: "dc_tag", Kind: runtime.ScalarParam, Size: 4},
	}}
	c := &runtime.Call{Kernel: k, Args: []runtime.CallArg{
		{Scalar: []byte{0, 0, 0x80, 0x3f}},
		{Memory: x, Len: 3},
		{Memory: y, Len: 1 << 40},
		{Scalar: []byte{}},
		{Memory: rec, Len: 16},
		{Scalar: []byte{7, 0, 0, 0}},
	}}
	binds, lens, err := packArgs(nil, nil, c)
	if err != nil {
		t.Fatal(err)
	}
	le := func(v int64) []byte { return binary.LittleEndian.AppendUint64(nil, uint64(v)) }
	want := []binding{
		{Index: 0, Param: "a", Bytes: []byte{0, 0, 0x80, 0x3f}},
		{Index: 1, Param: "x", Memory: x},
		{Index: 2, Param: "x", Bytes: le(3)},
		{Index: 3, Param: "y", Memory: y},
		{Index: 4, Param: "y", Bytes: le(1 << 40)},
		{Index: 5, Param: "empty", Bytes: []byte{0}},
		{Index: 6, Param: "dc_fault", Memory: rec},
		{Index: 7, Param: "dc_fault", Bytes: le(16)},
		{Index: 8, Param: "dc_tag", Bytes: []byte{7, 0, 0, 0}},
	}
	if diff := cmp.Diff(want, binds, cmp.Comparer(func(a, b runtime.Memory) bool { return a == b })); diff != "" {
		t.Errorf("bindings mismatch (-want +got):\n%s", diff)
	}
	if len(lens) != 24 {
		t.Errorf("lens has %d bytes, want 8 per buffer (24)", len(lens))
	}

	// A second launch reuses both slices and must not allocate.
	allocs := testing.AllocsPerRun(10, func() {
		binds, lens, err = packArgs(binds, lens, c)
	})
	if err != nil || allocs != 0 {
		t.Errorf("reused packArgs: %v allocations, error %v; want 0, nil", allocs, err)
	}
}

func TestPackArgsErrors(t *testing.T) {
	many := &runtime.Kernel{Name: "Many"}
	var args []runtime.CallArg
	for i := range 16 {
		many.Params = append(many.Params, runtime.Param{Name: fmt.Sprintf("s%d", i), Kind: runtime.BufferParam, Size: 4})
		args = append(args, runtime.CallArg{Memory: &testMemory{}, Len: 1})
	}
	for _, tt := range []struct {
		name string
		c    *runtime.Call
		want string
	}{
		{"nil kernel", &runtime.Call{}, "metal: launch of a nil kernel"},
		{"count", &runtime.Call{Kernel: &runtime.Kernel{Params: []runtime.Param{{Name: "a", Kind: runtime.ScalarParam}}}},
			"metal: 0 arguments for 1 parameters"},
		{"no memory", &runtime.Call{Kernel: &runtime.Kernel{Params: []runtime.Param{{Name: "x", Kind: runtime.BufferParam}}}, Args: []runtime.CallArg{{Len: 1}}},
			"metal: argument x: no device memory"},
		{"kind", &runtime.Call{Kernel: &runtime.Kernel{Params: []runtime.Param{{Name: "x"}}}, Args: []runtime.CallArg{{}}},
			"metal: argument x: invalid parameter kind ParamKind(0)"},
		{"table", &runtime.Call{Kernel: many, Args: args},
			"metal: kernel Many takes 32 buffer bindings, Metal's argument table holds 31"},
	} {
		_, _, err := packArgs(nil, nil, tt.c)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: got error %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestChooseDevice(t *testing.T) {
	names := []string{"Apple M2 Max", "AMD Radeon Pro 5500M"}
	for _, tt := range []struct {
		sel  string
		want int
		err  string
	}{
		{"0", 0, ""},
		{" 1 ", 1, ""},
		{"radeon", 1, ""},
		{"APPLE", 0, ""},
		{"2", 0, `metal: DC_METAL_DEVICE="2": no device 2; the devices are 0: Apple M2 Max, 1: AMD Radeon Pro 5500M`},
		{"-1", 0, `metal: DC_METAL_DEVICE="-1": no device -1; the devices are 0: Apple M2 Max, 1: AMD Radeon Pro 5500M`},
		{"intel", 0, `metal: DC_METAL_DEVICE="intel" matches no device; the devices are 0: Apple M2 Max, 1: AMD Radeon Pro 5500M`},
	} {
		got, err := chooseDevice(names, tt.sel)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("chooseDevice(%q): got %d, %v; want error %q", tt.sel, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("chooseDevice(%q) = %d, %v; want %d", tt.sel, got, err, tt.want)
		}
	}
	if _, err := chooseDevice(nil, "0"); err == nil || !strings.Contains(err.Error(), "lists no device") {
		t.Errorf("no devices: got %v", err)
	}
}

func TestInfo(t *testing.T) {
	got := deviceLimits{Name: "Apple M1", MaxThreads: [3]uint64{1024, 1024, 1024}, SharedBytes: 32 << 10, MaxBuffer: 1 << 34}.info()
	want := runtime.DeviceInfo{
		Name: "Apple M1", Backend: "metal", MaxGroupSize: 1024,
		MaxGroupDims:      dc.Dim3{X: 1024, Y: 1024, Z: 1024},
		SharedMemoryBytes: 32 << 10, MSL: true,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("info mismatch (-want +got):\n%s", diff)
	}
	// A device that reports less than 1024 threads in all.
	if got := (deviceLimits{MaxThreads: [3]uint64{512, 1, 1}}).info(); got.MaxGroupSize != 512 {
		t.Errorf("MaxGroupSize = %d, want 512", got.MaxGroupSize)
	}
}

func TestModuleOptions(t *testing.T) {
	o := moduleOptions()
	// MTLLanguageVersion3_0 is 0x30000; Safe and Precise keep IEEE
	// semantics on macOS 15, where they replace fastMathEnabled.
	want := compileOptions{LanguageVersion: 0x30000, FastMath: false, MathMode: 0, MathFunctions: 1}
	if o != want {
		t.Errorf("moduleOptions() = %+v, want %+v", o, want)
	}
}

func TestCheckGrid(t *testing.T) {
	g := dc.Grid{Groups: dc.Dim3{X: 4, Y: 1, Z: 1}, GroupSize: dc.Dim3{X: 256, Y: 1, Z: 1}}
	if err := checkGrid("K", g, 1024, 0, 32768); err != nil {
		t.Errorf("valid grid: %v", err)
	}
	for _, tt := range []struct {
		g                   dc.Grid
		max, static, shared uint64
		want                string
	}{
		{dc.Grid{Groups: dc.Dim3{X: 1, Y: 1, Z: 1}, GroupSize: dc.Dim3{X: 32, Y: 32, Z: 2}}, 1024, 0, 0,
			"metal: kernel K: group size 32x32x2 has 2048 threads, the pipeline's maxTotalThreadsPerThreadgroup is 1024"},
		{g, 1024, 40000, 32768, "metal: kernel K uses 40000 bytes of threadgroup memory, the device has 32768"},
		{dc.Grid{Groups: dc.Dim3{X: 1 << 24, Y: 1, Z: 1}, GroupSize: dc.Dim3{X: 512, Y: 1, Z: 1}}, 1024, 0, 0,
			"metal: kernel K: 16777216 groups of 512 threads in X exceed the 2^32-1 threads a Metal grid dimension holds"},
		{dc.Grid{Groups: dc.Dim3{X: 1, Y: 0, Z: 1}, GroupSize: dc.Dim3{X: 1, Y: 1, Z: 1}}, 1024, 0, 0,
			"metal: kernel K: grid has 0 groups of 1 threads in Y"},
	} {
		if err := checkGrid("K", tt.g, tt.max, tt.static, tt.shared); err == nil || err.Error() != tt.want {
			t.Errorf("checkGrid(%+v): got %v, want %q", tt.g, err, tt.want)
		}
	}
}

func TestCheckAlloc(t *testing.T) {
	if err := checkAlloc(1<<20, 1<<30, "Apple M1"); err != nil {
		t.Errorf("small buffer: %v", err)
	}
	err := checkAlloc(1<<31, 1<<30, "Apple M1")
	if !errors.Is(err, runtime.ErrOutOfMemory) || !strings.Contains(err.Error(), "maxBufferLength of Apple M1 is 1073741824") {
		t.Errorf("large buffer: got %v, want ErrOutOfMemory naming maxBufferLength", err)
	}
	if err := checkAlloc(-1, 0, "x"); err == nil {
		t.Error("negative size: no error")
	}
}

func TestError(t *testing.T) {
	e := &Error{Call: "MTLCommandBuffer", Domain: CommandBufferErrorDomain, Code: CommandBufferErrorPageFault,
		Detail: "Caused GPU Address Fault Error (0000000b:kIOGPUCommandBufferCallbackErrorPageFault)"}
	want := "metal: MTLCommandBuffer: MTLCommandBufferErrorPageFault: Caused GPU Address Fault Error (0000000b:kIOGPUCommandBufferCallbackErrorPageFault)"
	if e.Error() != want {
		t.Errorf("Error() = %q, want %q", e.Error(), want)
	}
	wrapped := &runtime.KernelError{Kernel: "Saxpy", Err: e}
	if !errors.Is(wrapped, &Error{Domain: CommandBufferErrorDomain, Code: CommandBufferErrorPageFault}) {
		t.Error("errors.Is does not match a page fault by domain and code")
	}
	if errors.Is(wrapped, &Error{Domain: CommandBufferErrorDomain, Code: CommandBufferErrorTimeout}) {
		t.Error("errors.Is matches another code")
	}
	if errors.Is(wrapped, runtime.ErrOutOfMemory) {
		t.Error("a page fault matches ErrOutOfMemory")
	}
	oom := &Error{Call: "MTLCommandBuffer", Domain: CommandBufferErrorDomain, Code: CommandBufferErrorOutOfMemory}
	if !errors.Is(oom, runtime.ErrOutOfMemory) {
		t.Error("MTLCommandBufferErrorOutOfMemory does not match runtime.ErrOutOfMemory")
	}
	if got := CodeName("NSCocoaErrorDomain", 4); got != "NSCocoaErrorDomain error 4" {
		t.Errorf("CodeName of another domain = %q", got)
	}
	if got := CodeName(CommandBufferErrorDomain, 99); got != "MTLCommandBufferErrorDomain error 99" {
		t.Errorf("CodeName of an unknown code = %q", got)
	}
}

func TestCommandBufferError(t *testing.T) {
	if err := commandBufferError(statusCompleted, "", 0, ""); err != nil {
		t.Errorf("completed: %v", err)
	}
	err := commandBufferError(statusError, CommandBufferErrorDomain, CommandBufferErrorTimeout, "Discarded (victim of GPU error/recovery)")
	var e *Error
	if !errors.As(err, &e) || e.Code != CommandBufferErrorTimeout || e.Call != "MTLCommandBuffer" {
		t.Errorf("error status: got %#v", err)
	}
	if got := commandBufferError(statusError, "", 0, "").Error(); got != "metal: MTLCommandBuffer: (MTLCommandBufferStatusError without an error)" {
		t.Errorf("error without NSError: %q", got)
	}
	if got := commandBufferError(statusScheduled, "", 0, "").Error(); got != "metal: MTLCommandBuffer: (waited, still MTLCommandBufferStatusScheduled)" {
		t.Errorf("unfinished: %q", got)
	}
	for s, done := range map[commandBufferStatus]bool{statusNotEnqueued: false, statusEnqueued: false, statusCommitted: false, statusScheduled: false, statusCompleted: true, statusError: true} {
		if s.done() != done {
			t.Errorf("%v.done() = %v", s, !done)
		}
	}
}

func TestMapLog(t *testing.T) {
	// The shape of Metal's compile log: the NSError's description, then
	// clang's messages, with #line positions and positions in the source
	// string itself.
	log := "Compilation failed: \n\n" +
		"saxpy.go:12:35: error: use of undeclared identifier 'z'\n" +
		"\t\t\ty[i] = a * x[i] + z;\n" +
		"\t\t\t                  ^\n" +
		"program_source:7:2: warning: unused variable 'seen'\n" +
		"dir/k.go:3:1: note: here\n\x00\n"
	want := "Compilation failed: \n\n" +
		"saxpy.go:12: error: use of undeclared identifier 'z'\n" +
		"\t\t\ty[i] = a * x[i] + z;\n" +
		"\t\t\t                  ^\n" +
		"dc_kernels.metal:7:2: warning: unused variable 'seen'\n" +
		"dir/k.go:3: note: here"
	if got := mapLog(log); got != want {
		t.Errorf("mapLog mismatch (-want +got):\n%s", cmp.Diff(want, got))
	}
	ce := &CompileError{Package: "example.com/k", Device: "Apple M1", Log: "k.go:3: error: x",
		Err: &Error{Call: "newLibraryWithSource:options:error:", Domain: "MTLLibraryErrorDomain", Code: 3}}
	if got, want := ce.Error(), "metal: compile example.com/k for Apple M1:\nk.go:3: error: x"; got != want {
		t.Errorf("CompileError.Error() = %q, want %q", got, want)
	}
	if !errors.Is(ce, &Error{Call: "newLibraryWithSource:options:error:", Domain: "MTLLibraryErrorDomain", Code: 3}) {
		t.Error("CompileError does not unwrap to its *Error")
	}
}

// TestOpenOffMacOS checks that the backend is registered everywhere, and
// that off macOS it fails to open with an error saying Metal needs macOS,
// so runtime.Open goes on to the next backend.
func TestOpenOffMacOS(t *testing.T) {
	if goruntime.GOOS == "darwin" {
		t.Skip("on macOS the metal backend opens the real device (see the end-to-end suites)")
	}
	found := false
	for _, name := range runtime.Backends() {
		found = found || name == "metal"
	}
	if !found {
		t.Fatalf("metal is not registered: %v", runtime.Backends())
	}
	dev, err := runtime.Open(runtime.WithBackend("metal"))
	if err == nil {
		dev.Close()
		t.Fatal("metal opened off macOS")
	}
	if !errors.Is(err, ErrNeedsMacOS) || !strings.Contains(err.Error(), "metal: Metal needs macOS (this is "+goruntime.GOOS+"/") {
		t.Errorf("got %v, want an error matching ErrNeedsMacOS", err)
	}
	// Absent, not misconfigured: runtime.Open passes it over without a
	// warning.
	if !errors.Is(err, runtime.ErrUnavailable) {
		t.Errorf("got %v, want an error matching runtime.ErrUnavailable", err)
	}
}
