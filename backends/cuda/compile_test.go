package cuda

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// compileTestNVRTC118Archs is what NVRTC 11.8's nvrtcGetSupportedArchs
// returns.
var compileTestNVRTC118Archs = []int{35, 37, 50, 52, 53, 60, 61, 62, 70, 72, 75, 80, 86, 87, 89, 90}

func TestCompileTarget(t *testing.T) {
	for _, tc := range []struct {
		cc      int
		want    string
		wantErr string
	}{
		{cc: 70, want: "sm_70"},
		{cc: 80, want: "sm_80"},
		{cc: 86, want: "sm_86"},
		{cc: 89, want: "sm_89"},
		{cc: 90, want: "sm_90"},
		{cc: 35, want: "sm_35"},
		{cc: 100, want: "compute_90"},
		{cc: 120, want: "compute_90"},
		{cc: 71, want: "compute_70"},
		{cc: 88, want: "compute_87"},
		{cc: 30, wantErr: "cuda: device architecture sm_30 is older than every architecture NVRTC 11.8 supports (sm_35 to sm_90)"},
	} {
		got, err := compileTarget(tc.cc, compileTestNVRTC118Archs, "11.8")
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if got != tc.want || gotErr != tc.wantErr {
			t.Errorf("compileTarget(%d) = %q, %q; want %q, %q", tc.cc, got, gotErr, tc.want, tc.wantErr)
		}
	}
	_, err := compileTarget(80, nil, "12.0")
	if want := "cuda: device architecture sm_80: NVRTC 12.0 supports no architecture"; err == nil || err.Error() != want {
		t.Errorf("compileTarget with no architectures: err = %v, want %q", err, want)
	}
}

// TestCompileTargetRealNVRTC checks the selection against the NVRTC that
// is installed: what it picks must compile.
func TestCompileTargetRealNVRTC(t *testing.T) {
	n := loadOrSkip(t)
	c := NewCompiler(CompilerOptions{NoDiskCache: true, NVRTC: n})
	archs, err := n.SupportedArchs()
	if err != nil {
		t.Fatal(err)
	}
	newest := archs[len(archs)-1]
	src := compileTestRead(t, "testdata/golden/reduce/dc_kernels.cu")
	img, err := c.Compile(src, "reduce.cu", newest+10)
	if err != nil {
		t.Fatal(err)
	}
	if entries, kernels := bytes.Count(img.PTX, []byte(".entry ")), strings.Count(src, "__global__ void"); entries != kernels {
		t.Errorf("PTX has %d entry points, the source %d kernels", entries, kernels)
	}
	if want := fmt.Sprintf("compute_%d", newest); img.Arch != want || img.CUBIN != nil {
		t.Errorf("cc %d: Arch %q with %d bytes of CUBIN, want %q and none", newest+10, img.Arch, len(img.CUBIN), want)
	}
	if want := fmt.Sprintf(".target sm_%d", newest); !bytes.Contains(img.PTX, []byte(want)) {
		t.Errorf("PTX lacks %q", want)
	}
	_, err = c.Compile(saxpySrc, "saxpy.cu", archs[0]-1)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("sm_%d is older than every architecture", archs[0]-1)) {
		t.Errorf("cc %d: err = %v, want one naming the device and NVRTC's range", archs[0]-1, err)
	}
}

func TestCompileKey(t *testing.T) {
	base := compileKeyParts{
		Format:       compileFormat,
		DCVersion:    "v1.2.3",
		NVRTCVersion: "11.8",
		Arch:         "sm_80",
		Options:      compileBaseOptions,
		Name:         "example.com/p.cu",
		Source:       saxpySrc,
	}
	key := compileKey(base)
	if again := compileKey(base); again != key {
		t.Fatalf("compileKey is not stable: %x then %x", key, again)
	}
	copied := base
	copied.Source = strings.Clone(base.Source)
	copied.Options = append([]string(nil), base.Options...)
	if compileKey(copied) != key {
		t.Errorf("compileKey depends on the identity of its strings")
	}
	for _, tc := range []struct {
		what   string
		change func(*compileKeyParts)
	}{
		{"source", func(p *compileKeyParts) { p.Source += " " }},
		{"options", func(p *compileKeyParts) { p.Options = append(p.Options, "-G") }},
		{"option order", func(p *compileKeyParts) { p.Options = []string{"--fmad=false", "-std=c++17", "-lineinfo"} }},
		{"arch", func(p *compileKeyParts) { p.Arch = "compute_80" }},
		{"NVRTC version", func(p *compileKeyParts) { p.NVRTCVersion = "12.0" }},
		{"dc version", func(p *compileKeyParts) { p.DCVersion = "v1.2.4" }},
		{"no dc version", func(p *compileKeyParts) { p.DCVersion = "" }},
		{"format", func(p *compileKeyParts) { p.Format += "x" }},
		{"name", func(p *compileKeyParts) { p.Name = "example.com/q.cu" }},
		// Concatenations that length prefixes keep apart.
		{"name/source boundary", func(p *compileKeyParts) { p.Name, p.Source = p.Name+p.Source[:1], p.Source[1:] }},
		{"joined options", func(p *compileKeyParts) { p.Options = []string{strings.Join(p.Options, "")} }},
		{"option moved to name", func(p *compileKeyParts) { p.Options, p.Name = p.Options[:2], p.Options[2]+p.Name }},
	} {
		p := base
		p.Options = append([]string(nil), base.Options...)
		tc.change(&p)
		if compileKey(p) == key {
			t.Errorf("changing the %s leaves the key unchanged", tc.what)
		}
	}
}

func TestCompileModuleVersion(t *testing.T) {
	dc := func(v string) *debug.Module { return &debug.Module{Path: compileModulePath, Version: v} }
	for _, tc := range []struct {
		what string
		bi   debug.BuildInfo
		want string
	}{
		{"development main module", debug.BuildInfo{Main: *dc("(devel)")}, ""},
		{"tagged main module", debug.BuildInfo{Main: *dc("v1.4.0")}, "v1.4.0"},
		{"VCS pseudo-version", debug.BuildInfo{Main: *dc("v0.0.0-20250102030405-abcdefabcdef")}, "v0.0.0-20250102030405-abcdefabcdef"},
		{"modified work tree", debug.BuildInfo{Main: *dc("v0.0.0-20250102030405-abcdefabcdef+dirty")}, ""},
		{"dependency", debug.BuildInfo{Main: debug.Module{Path: "example.com/app", Version: "(devel)"}, Deps: []*debug.Module{{Path: "golang.org/x/sys", Version: "v0.1.0"}, dc("v1.5.2")}}, "v1.5.2"},
		{"replaced by a folder", debug.BuildInfo{Main: debug.Module{Path: "example.com/app"}, Deps: []*debug.Module{{Path: compileModulePath, Version: "v1.5.2", Replace: &debug.Module{Path: "../dc"}}}}, ""},
		{"replaced by a fork", debug.BuildInfo{Main: debug.Module{Path: "example.com/app"}, Deps: []*debug.Module{{Path: compileModulePath, Version: "v1.5.2", Replace: &debug.Module{Path: "example.com/fork", Version: "v1.5.3"}}}}, "v1.5.3"},
		{"not a dependency", debug.BuildInfo{Main: debug.Module{Path: "example.com/app", Version: "v1.0.0"}}, ""},
	} {
		if got := compileModuleVersion(&tc.bi); got != tc.want {
			t.Errorf("%s: compileModuleVersion = %q, want %q", tc.what, got, tc.want)
		}
	}
}

// compileTestRead returns a file of the repository, relative to its root.
func compileTestRead(t testing.TB, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// compileTestSaxpy is the golden saxpy package's CUDA source: small, so
// that it compiles quickly, and real.
func compileTestSaxpy(t testing.TB) string {
	return compileTestRead(t, "testdata/golden/saxpy/dc_kernels.cu")
}

// compileTestKernels compiles the standard library's CUDA source for sm_80
// once per test binary, in a Compiler without a disk cache, and returns the
// Compiler, the source and the image.
func compileTestKernels(t testing.TB) (*Compiler, string, *Image) {
	n := loadOrSkip(t)
	compileTestShared.once.Do(func() {
		s := &compileTestShared
		s.src = compileTestRead(t, "kernels/dc_kernels.cu")
		s.c = NewCompiler(CompilerOptions{NoDiskCache: true, NVRTC: n})
		s.img, s.err = s.c.Compile(s.src, "kernels.cu", 80)
	})
	s := &compileTestShared
	if s.err != nil {
		t.Fatalf("compiling kernels/dc_kernels.cu: %v", s.err)
	}
	return s.c, s.src, s.img
}

var compileTestShared struct {
	once sync.Once
	c    *Compiler
	src  string
	img  *Image
	err  error
}

// compileTestCheckImage checks that img is a well-formed image for arch.
func compileTestCheckImage(t testing.TB, img *Image, arch string) {
	t.Helper()
	if img.Arch != arch {
		t.Errorf("Arch = %q, want %q", img.Arch, arch)
	}
	target := strings.Replace(arch, "compute_", "sm_", 1)
	if !bytes.Contains(img.PTX, []byte(".target "+target)) {
		t.Errorf("PTX lacks .target %s", target)
	}
	if bytes.IndexByte(img.PTX, 0) >= 0 {
		t.Errorf("PTX holds a NUL byte")
	}
	if z := compileNUL(img.PTX); len(z) != len(img.PTX)+1 || z[len(img.PTX)] != 0 || &z[0] != &img.PTX[0] {
		t.Errorf("PTX is not followed by a NUL within its capacity")
	}
	if strings.HasPrefix(arch, "sm_") != bytes.HasPrefix(img.CUBIN, []byte("\x7fELF")) {
		t.Errorf("%s image has CUBIN % x", arch, img.CUBIN[:min(len(img.CUBIN), 4)])
	}
}

func TestCompileMissThenHit(t *testing.T) {
	n := loadOrSkip(t)
	dir := t.TempDir()
	src := compileTestSaxpy(t)
	c := NewCompiler(CompilerOptions{CacheDir: dir, NVRTC: n})
	if c.CacheDir() != dir {
		t.Errorf("CacheDir() = %q, want %q", c.CacheDir(), dir)
	}

	first, err := c.Compile(src, "saxpy.cu", 80)
	if err != nil {
		t.Fatal(err)
	}
	compileTestCheckImage(t, first, "sm_80")
	if first.Origin != OriginNVRTC {
		t.Errorf("first Origin = %q, want nvrtc", first.Origin)
	}
	if diff := cmp.Diff(CompilerStats{DiskMisses: 1, Compiles: 1}, c.Stats()); diff != "" {
		t.Errorf("stats after a miss (-want +got):\n%s", diff)
	}

	hit, err := c.Compile(src, "saxpy.cu", 80)
	if err != nil {
		t.Fatal(err)
	}
	if hit.Origin != OriginMemory || !bytes.Equal(hit.CUBIN, first.CUBIN) || !bytes.Equal(hit.PTX, first.PTX) || hit.Key != first.Key {
		t.Errorf("second Compile: Origin %q, want memory with the same image", hit.Origin)
	}
	// The same content in another string is found by content hash.
	clone, err := c.Compile(strings.Clone(src), "saxpy.cu", 80)
	if err != nil {
		t.Fatal(err)
	}
	if clone.Origin != OriginMemory || clone.Key != first.Key {
		t.Errorf("Compile of a copy of the source: Origin %q, want memory", clone.Origin)
	}
	if diff := cmp.Diff(CompilerStats{MemoryHits: 2, DiskMisses: 1, Compiles: 1}, c.Stats()); diff != "" {
		t.Errorf("stats after two memory hits (-want +got):\n%s", diff)
	}

	// Another device architecture is another image.
	other, err := c.Compile(src, "saxpy.cu", 70)
	if err != nil {
		t.Fatal(err)
	}
	compileTestCheckImage(t, other, "sm_70")
	if other.Origin != OriginNVRTC || other.Key == first.Key {
		t.Errorf("sm_70 after sm_80: Origin %q, key equal %v; want a fresh compile under another key", other.Origin, other.Key == first.Key)
	}

	fresh := NewCompiler(CompilerOptions{CacheDir: dir, NVRTC: n})
	disk, err := fresh.Compile(src, "saxpy.cu", 80)
	if err != nil {
		t.Fatal(err)
	}
	if disk.Origin != OriginDisk || disk.Key != first.Key {
		t.Errorf("fresh Compiler: Origin %q, want disk", disk.Origin)
	}
	compileTestCheckImage(t, disk, "sm_80")
	if !bytes.Equal(disk.CUBIN, first.CUBIN) || !bytes.Equal(disk.PTX, first.PTX) {
		t.Errorf("the disk image differs from the compiled one")
	}
	again, err := fresh.Compile(src, "saxpy.cu", 80)
	if err != nil {
		t.Fatal(err)
	}
	if again.Origin != OriginMemory {
		t.Errorf("after a disk hit: Origin %q, want memory", again.Origin)
	}
	if diff := cmp.Diff(CompilerStats{MemoryHits: 1, DiskHits: 1}, fresh.Stats()); diff != "" {
		t.Errorf("fresh Compiler's stats (-want +got):\n%s", diff)
	}
	if err := fresh.DiskError(); err != nil {
		t.Errorf("DiskError() = %v", err)
	}
}

func TestCompileMemoryHitAllocs(t *testing.T) {
	c, src, img := compileTestKernels(t)
	compileTestCheckImage(t, img, "sm_80")
	var got *Image
	allocs := testing.AllocsPerRun(100, func() {
		got, _ = c.Compile(src, "kernels.cu", 80)
	})
	if allocs != 0 {
		t.Errorf("a memory hit allocates %v times, want 0", allocs)
	}
	if got == nil || got.Origin != OriginMemory || got.Key != img.Key {
		t.Errorf("memory hit returned %+v", got)
	}
}

func TestCompileOptions(t *testing.T) {
	n := loadOrSkip(t)
	c := NewCompiler(CompilerOptions{NoDiskCache: true, NVRTC: n})
	img, err := c.Compile(compileTestSaxpy(t), "saxpy.cu", 80)
	if err != nil {
		t.Fatal(err)
	}
	// --fmad=false: y = a*x + y is a rounded multiply, then an add.
	if bytes.Contains(img.PTX, []byte("fma.rn.f32")) || !bytes.Contains(img.PTX, []byte("mul.rn.f32")) {
		t.Errorf("PTX of a*x[i] + y[i] fuses the multiply-add or lacks mul.rn.f32 (--fmad=false missing?)")
	}
	// -lineinfo: the Go file and line of the #line directives.
	if !regexp.MustCompile(`(?m)^\s*\.file\s+\d+\s+"[^"]*saxpy\.go"`).Match(img.PTX) || !bytes.Contains(img.PTX, []byte(".loc")) {
		t.Errorf("PTX lacks the .file and .loc line information (-lineinfo missing?)")
	}

	// DC_NVRTC_OPTIONS is appended, and is part of the key.
	src := "#ifndef DC_TEST_MACRO\n#error DC_TEST_MACRO is undefined\n#endif\n" + saxpySrc
	_, err = c.Compile(src, "macro.cu", 80)
	var ce *CompileError
	if !errors.As(err, &ce) || !strings.Contains(ce.Log, "macro.cu:2: catastrophic error: #error directive: DC_TEST_MACRO is undefined") {
		t.Fatalf("without DC_NVRTC_OPTIONS: err = %v, want the #error", err)
	}
	t.Setenv(EnvNVRTCOptions, " -DDC_TEST_MACRO=1   -DDC_OTHER ")
	withOpts := NewCompiler(CompilerOptions{NoDiskCache: true, NVRTC: n})
	if want := append(append([]string(nil), compileBaseOptions...), "-DDC_TEST_MACRO=1", "-DDC_OTHER"); !cmp.Equal(withOpts.options, want) {
		t.Errorf("options = %q, want %q", withOpts.options, want)
	}
	macro, err := withOpts.Compile(src, "macro.cu", 80)
	if err != nil {
		t.Fatalf("with DC_NVRTC_OPTIONS: %v", err)
	}
	plain, err := withOpts.Compile(saxpySrc, "macro.cu", 80)
	if err != nil {
		t.Fatal(err)
	}
	base, err := c.Compile(saxpySrc, "macro.cu", 80)
	if err != nil {
		t.Fatal(err)
	}
	if plain.Key == base.Key || macro.Key == plain.Key {
		t.Errorf("DC_NVRTC_OPTIONS does not change the cache key")
	}
}

func TestCompileNVRTCError(t *testing.T) {
	n := loadOrSkip(t)
	c := NewCompiler(CompilerOptions{CacheDir: t.TempDir(), NVRTC: n})
	src := `extern "C" __global__ void saxpy(float a, const float *x, float *y) {
#line 42 "saxpy.go"
	float *p = a;
	y[0] = *p + x[0];
}
`
	for range 2 {
		img, err := c.Compile(src, "saxpy.cu", 80)
		if img != nil {
			t.Errorf("Compile returned an image with the error")
		}
		var ce *CompileError
		if !errors.As(err, &ce) {
			t.Fatalf("err = %v (%T), want a *CompileError", err, err)
		}
		if ce.Name != "saxpy.cu" || ce.Arch != "sm_80" || ce.Stage != "nvrtc" {
			t.Errorf("CompileError{Name %q, Arch %q, Stage %q}, want saxpy.cu, sm_80, nvrtc", ce.Name, ce.Arch, ce.Stage)
		}
		want := `saxpy.go:42: error: a value of type "float" cannot be used to initialize an entity of type "float *"`
		if !strings.Contains(ce.Log, want) || strings.Contains(ce.Log, "saxpy.go(42)") {
			t.Errorf("Log = %q, want it to contain %q and no NVRTC position", ce.Log, want)
		}
		if !errors.Is(err, ErrCompilation) {
			t.Errorf("err does not match ErrCompilation")
		}
		var ne *NVRTCError
		if !errors.As(err, &ne) || !strings.Contains(ne.Log, "saxpy.go(42): error") {
			t.Errorf("Unwrap does not give the *NVRTCError with NVRTC's own log")
		}
		wantMsg := "cuda: nvrtc: saxpy.cu for sm_80: nvrtcCompileProgram: NVRTC_ERROR_COMPILATION\n" + ce.Log
		if diff := cmp.Diff(wantMsg, err.Error()); diff != "" {
			t.Errorf("Error() mismatch (-want +got):\n%s", diff)
		}
	}
	// Failures are not cached: the second call compiled again.
	if diff := cmp.Diff(CompilerStats{DiskMisses: 2, Compiles: 2}, c.Stats()); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	if entries, _ := os.ReadDir(c.CacheDir()); len(entries) != 0 {
		t.Errorf("a failed compile left %d files in the cache", len(entries))
	}
}

func TestCompileMapNVRTCLog(t *testing.T) {
	// NVRTC 11.8's log for a source with #line directives, a warning and an
	// error, with NVRTC's summary line.
	n := loadOrSkip(t)
	src := "extern \"C\" __global__ void k(float *x) {\n#line 7 \"k.go\"\n\tint unused;\n#line 9 \"k.go\"\n\tx[0] = undeclared;\n}\n"
	_, err := n.Compile(src, "k.cu", "-arch=sm_80")
	var ne *NVRTCError
	if !errors.As(err, &ne) {
		t.Fatalf("err = %v, want an *NVRTCError", err)
	}
	got := compileMapNVRTCLog(ne.Log)
	for _, want := range []string{
		"k.go:7: warning #177-D: variable \"unused\" was declared but never referenced",
		"k.go:9: error: identifier \"undeclared\" is undefined",
		"1 error detected in the compilation of \"k.cu\".",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("mapped log lacks %q:\n%s\n(NVRTC's: %s)", want, got, ne.Log)
		}
	}
	if strings.Contains(got, "k.go(") {
		t.Errorf("mapped log keeps an NVRTC position:\n%s", got)
	}
}

func TestCompileMapJITLog(t *testing.T) {
	n := loadOrSkip(t)
	c := NewCompiler(CompilerOptions{NoDiskCache: true, NVRTC: n})
	src := `extern "C" __global__ void k(float a, const float *x, float *y, int n) {
#line 40 "k.go"
	int i = blockIdx.x * blockDim.x + threadIdx.x;
#line 41 "k.go"
	if (i < n) {
#line 42 "k.go"
		y[i] = a * x[i] + y[i];
	}
}
`
	img, err := c.Compile(src, "k.cu", 80)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(img.PTX), "\n")
	mul := compileTestLineOf(lines, "mul.rn.f32")
	if mul < 0 {
		t.Fatalf("PTX has no mul.rn.f32:\n%s", img.PTX)
	}
	at := mul + 1 // PTX lines count from 1
	log := fmt.Sprintf("ptxas application ptx input, line %d; error   : Unknown symbol 'dc_x'\n"+
		"ptxas application ptx input, line 1; warning : directive before any .loc\n"+
		"ptxas fatal   : Ptx assembly aborted due to errors", at)
	want := fmt.Sprintf("k.go:42: ptxas error: Unknown symbol 'dc_x'\n"+
		"\tptxas application ptx input, line %d; error   : Unknown symbol 'dc_x'\n"+
		"ptxas application ptx input, line 1; warning : directive before any .loc\n"+
		"ptxas fatal   : Ptx assembly aborted due to errors", at)
	if diff := cmp.Diff(want, compileMapJITLog(log, img.PTX)); diff != "" {
		t.Errorf("mapped JIT log mismatch (-want +got):\n%s", diff)
	}
}

// TestCompileMapJITLogInlined maps lines of dckgen's prelude helpers that
// NVRTC inlined into a kernel (the checked Saxpy's index check, through
// dc_ix and dc_fault) to the Go line that called them.
func TestCompileMapJITLogInlined(t *testing.T) {
	n := loadOrSkip(t)
	c := NewCompiler(CompilerOptions{NoDiskCache: true, NVRTC: n})
	img, err := c.Compile(compileTestSaxpy(t), "saxpy.cu", 80)
	if err != nil {
		t.Fatal(err)
	}
	// The store of a fault record's first word: f[1] = site in dc_fault,
	// inlined into dc_ix, inlined into Saxpy at saxpy.go:12. The PTX
	// stores the word at [%rd+4].
	lines := strings.Split(string(img.PTX), "\n")
	store := -1
	for i, l := range lines {
		if strings.Contains(l, "st.global.u32") && strings.Contains(l, "+4]") {
			store = i
			break
		}
	}
	if store < 0 {
		t.Fatalf("PTX has no store of f[1]:\n%s", img.PTX)
	}
	nearest := ""
	for i := store; i >= 0 && nearest == ""; i-- {
		if strings.Contains(lines[i], ".loc") {
			nearest = strings.TrimSpace(lines[i])
		}
	}
	if !strings.Contains(nearest, "inlined_at 2 ") {
		t.Fatalf("the store's .loc %q is not inside a helper inlined into a helper", nearest)
	}
	log := fmt.Sprintf("ptxas application ptx input, line %d; error   : synthetic", store+1)
	got := compileMapJITLog(log, img.PTX)
	if want := "saxpy.go:12: ptxas error: synthetic\n\t" + log; got != want {
		t.Errorf("mapped %q (nearest %q) to\n%s\nwant\n%s", log, nearest, got, want)
	}
}

// compileTestLineOf returns the index of the first of lines containing s, or -1.
func compileTestLineOf(lines []string, s string) int {
	for i, l := range lines {
		if strings.Contains(l, s) {
			return i
		}
	}
	return -1
}

func TestCompilerConcurrent(t *testing.T) {
	n := loadOrSkip(t)
	c := NewCompiler(CompilerOptions{CacheDir: t.TempDir(), NVRTC: n})
	src := compileTestSaxpy(t)
	const workers = 8
	imgs := make([]*Image, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			s := src
			if i%2 == 1 {
				s = strings.Clone(src) // found by content, not identity
			}
			imgs[i], errs[i] = c.Compile(s, "saxpy.cu", 80)
		})
	}
	wg.Wait()
	for i := range workers {
		if errs[i] != nil {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		if !bytes.Equal(imgs[i].CUBIN, imgs[0].CUBIN) || imgs[i].Key != imgs[0].Key {
			t.Errorf("goroutine %d got another image", i)
		}
	}
	s := c.Stats()
	if s.Compiles != 1 || s.MemoryHits != workers-1 {
		t.Errorf("stats %+v, want 1 compile and %d memory hits", s, workers-1)
	}
}

func TestCompileInvalidCC(t *testing.T) {
	c := NewCompiler(CompilerOptions{NoDiskCache: true})
	for _, cc := range []int{0, -80} {
		if _, err := c.Compile(saxpySrc, "saxpy.cu", cc); err == nil || err.Error() != "cuda: invalid compute capability "+strconv.Itoa(cc) {
			t.Errorf("Compile(cc=%d): err = %v", cc, err)
		}
	}
}

func TestCompileErrorMessage(t *testing.T) {
	e := &CompileError{Name: "p.cu", Arch: "compute_90", Stage: "jit", Log: "disk PTX: cuda: rejected\n\tk.go:3: ptxas error: x", Err: errors.New("disk PTX: cuda: rejected")}
	want := "cuda: jit: p.cu for compute_90: no image loaded\ndisk PTX: cuda: rejected\n\tk.go:3: ptxas error: x"
	if got := e.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestDefaultCompiler(t *testing.T) {
	c := DefaultCompiler()
	if c == nil || DefaultCompiler() != c {
		t.Fatalf("DefaultCompiler is not one Compiler")
	}
	want, _ := cacheDirFor("")
	if os.Getenv(EnvCache) == "off" {
		want = ""
	}
	if c.CacheDir() != want {
		t.Errorf("DefaultCompiler().CacheDir() = %q, want %q", c.CacheDir(), want)
	}
}

func BenchmarkCompileMemoryHit(b *testing.B) {
	c, src, _ := compileTestKernels(b)
	b.Run("kernels", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Compile(src, "kernels.cu", 80); err != nil {
				b.Fatal(err)
			}
		}
	})
	// A 220 KB source: a hit costs the same, since it does not hash it.
	big := compileTestRead(b, "testdata/golden/intsem/dc_kernels.cu")
	if _, err := c.Compile(big, "intsem.cu", 80); err != nil {
		b.Fatal(err)
	}
	b.Run(fmt.Sprintf("intsem_%dKB", len(big)/1000), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Compile(big, "intsem.cu", 80); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkCompileDiskHit(b *testing.B) {
	n := loadOrSkip(b)
	dir := b.TempDir()
	src := compileTestRead(b, "kernels/dc_kernels.cu")
	if _, err := NewCompiler(CompilerOptions{CacheDir: dir, NVRTC: n}).Compile(src, "kernels.cu", 80); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		img, err := NewCompiler(CompilerOptions{CacheDir: dir, NVRTC: n}).Compile(src, "kernels.cu", 80)
		if err != nil || img.Origin != OriginDisk {
			b.Fatalf("Compile: %v, Origin %v; want a disk hit", err, img)
		}
	}
}

func BenchmarkNVRTCCompile(b *testing.B) {
	n := loadOrSkip(b)
	src := compileTestRead(b, "kernels/dc_kernels.cu")
	opts := append(append([]string(nil), compileBaseOptions...), "-arch=sm_80")
	for b.Loop() {
		if _, err := n.Compile(src, "kernels.cu", opts...); err != nil {
			b.Fatal(err)
		}
	}
}
