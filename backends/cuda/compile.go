package cuda

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// EnvNVRTCOptions is the environment variable whose value, split at spaces,
// is appended to the NVRTC options of every compilation (for instance
// "-G" for device debug information, or "-maxrregcount=64"). The options
// are part of the kernel cache key, so changing them never loads an image
// compiled without them.
const EnvNVRTCOptions = "DC_NVRTC_OPTIONS"

// EnvCacheDir is the environment variable naming the folder of the disk
// kernel cache, instead of os.UserCacheDir()/dc/kernels.
const EnvCacheDir = "DC_CACHE_DIR"

// EnvCache is the environment variable that disables the disk kernel cache
// when set to "off". The memory cache always works.
const EnvCache = "DC_CACHE"

// compileFormat names the compile pipeline and the disk entry format in
// every cache key. Change it whenever either changes (the NVRTC options
// below, how the target is chosen, what an entry holds), so that no process
// ever loads an image made the old way.
const compileFormat = "dc/cuda-image/1"

// compileBaseOptions are the NVRTC options of every compilation, before the
// architecture and the options from DC_NVRTC_OPTIONS:
//
//   - -std=c++17: the dialect dckgen prints for;
//   - --fmad=false: Go never contracts a*b+c into a fused multiply-add
//     (the spec allows it, the gc compiler does not do it for float32 and
//     float64 on amd64 and arm64 unless written as math.FMA), so a kernel
//     must round the product before the sum to give the same bits as
//     dc.Emulate and the CPU backend;
//   - -lineinfo: the PTX gets .file and .loc directives, which map JIT
//     (ptxas) messages back to Go positions and let profilers show Go lines.
var compileBaseOptions = []string{"-std=c++17", "--fmad=false", "-lineinfo"}

// compileMaxAliases bounds how many distinct source strings with the same
// content may key one memory cache entry by identity; further ones are
// found by content hash. Generated code keeps one string per package, so
// the bound only matters to callers that rebuild the source every call.
const compileMaxAliases = 16

// Image origins, as Image.Origin reports them.
const (
	OriginMemory = "memory" // the memory cache of this Compiler
	OriginDisk   = "disk"   // the disk cache, shared by processes
	OriginNVRTC  = "nvrtc"  // compiled by NVRTC in this call
)

// Compiler compiles modules' CUDA sources with NVRTC and caches the images
// in memory and on disk. It is safe for concurrent use. One Compiler per
// process normally (see DefaultCompiler).
//
// Each source is compiled once per target architecture and process: the
// memory cache answers later calls (by the identity of the source string,
// without hashing it, or else by its content hash), and the disk cache
// answers across processes. Concurrent calls for the same image compile it
// once; the others wait for it. The memory cache keeps every image for the
// life of the Compiler: a process has a bounded set of modules.
type Compiler struct {
	dir     string   // disk cache folder, "" when disabled
	options []string // NVRTC options without the architecture
	fixed   *NVRTC   // CompilerOptions.NVRTC

	nvMu sync.Mutex
	nv   *compileNVRTC // set at the first successful load

	mu      sync.RWMutex
	byIdent map[compileIdent]*compileEntry
	byKey   map[[32]byte]*compileEntry
	flights map[[32]byte]*compileFlight

	memoryHits, diskHits, diskMisses, compiles, corrupt, writeErrors, rejected atomic.Int64

	diskErrMu sync.Mutex
	diskErr   error
}

// CompilerOptions configure NewCompiler; the zero value takes the cache
// folder from the environment.
type CompilerOptions struct {
	// CacheDir is the disk cache folder; "" means $DC_CACHE_DIR, or else
	// os.UserCacheDir()/dc/kernels.
	CacheDir string
	// NoDiskCache disables the disk cache; DC_CACHE=off in the environment
	// does too.
	NoDiskCache bool
	// NVRTC is the compiler to use; nil means LoadNVRTC(), called lazily
	// at the first compile or disk lookup (the cache key holds NVRTC's
	// version).
	NVRTC *NVRTC
}

// compileNVRTC is the loaded NVRTC with the facts the cache key and the
// target selection need.
type compileNVRTC struct {
	lib     *NVRTC
	version string // "11.8"
	archs   []int  // supported architectures, ascending
}

// compileIdent keys the memory cache by a source string's identity. The
// pointer keeps the string's memory alive while the entry is cached, so no
// other string can take its address meanwhile.
type compileIdent struct {
	data *byte // unsafe.StringData(src)
	n    int   // len(src)
	name string
	cc   int
}

// compileEntry is one image in the memory cache.
type compileEntry struct {
	img     *Image // Origin OriginMemory; returned as is by hits
	aliases int    // identity keys that point at the entry
}

// compileFlight is one compilation in progress; waiters block on done.
type compileFlight struct {
	done  chan struct{}
	entry *compileEntry
	err   error
}

// NewCompiler returns a Compiler configured by o and the environment
// (DC_CACHE_DIR, DC_CACHE and DC_NVRTC_OPTIONS, read now).
func NewCompiler(o CompilerOptions) *Compiler {
	c := &Compiler{
		options: slices.Concat(compileBaseOptions, strings.Fields(os.Getenv(EnvNVRTCOptions))),
		fixed:   o.NVRTC,
		byIdent: make(map[compileIdent]*compileEntry),
		byKey:   make(map[[32]byte]*compileEntry),
		flights: make(map[[32]byte]*compileFlight),
	}
	if !o.NoDiskCache && os.Getenv(EnvCache) != "off" {
		dir, err := cacheDirFor(o.CacheDir)
		if err != nil {
			c.setDiskError(err)
		}
		c.dir = dir
	}
	return c
}

// DefaultCompiler returns the process-wide Compiler, configured from the
// environment, created at the first call.
func DefaultCompiler() *Compiler { return defaultCompiler() }

var defaultCompiler = sync.OnceValue(func() *Compiler { return NewCompiler(CompilerOptions{}) })

// CacheDir returns the disk cache folder, "" when the disk cache is
// disabled.
func (c *Compiler) CacheDir() string { return c.dir }

// CompilerStats are a Compiler's counters since it was made.
type CompilerStats struct {
	MemoryHits     int64 // images found in the memory cache (waiters on a compile included)
	DiskHits       int64 // images read from the disk cache
	DiskMisses     int64 // disk lookups that found no usable entry (corrupt ones included)
	Compiles       int64 // NVRTC compilations, failed ones included
	CorruptEntries int64 // disk entries found truncated, damaged or not entries at all, and removed
	WriteErrors    int64 // disk entries that could not be written (see DiskError)
	Rejected       int64 // cached images removed because the loader rejected them
}

// Stats returns the Compiler's counters.
func (c *Compiler) Stats() CompilerStats {
	return CompilerStats{
		MemoryHits:     c.memoryHits.Load(),
		DiskHits:       c.diskHits.Load(),
		DiskMisses:     c.diskMisses.Load(),
		Compiles:       c.compiles.Load(),
		CorruptEntries: c.corrupt.Load(),
		WriteErrors:    c.writeErrors.Load(),
		Rejected:       c.rejected.Load(),
	}
}

// DiskError returns the last failure of the disk cache (a folder that
// cannot be created, an entry that cannot be written or read, a corrupt
// entry), or nil. Disk cache failures never fail a compilation: they are
// counted in Stats and kept here for debugging.
func (c *Compiler) DiskError() error {
	c.diskErrMu.Lock()
	defer c.diskErrMu.Unlock()
	return c.diskErr
}

func (c *Compiler) setDiskError(err error) {
	c.diskErrMu.Lock()
	c.diskErr = err
	c.diskErrMu.Unlock()
}

// Image is a compiled module. Images are shared between callers: do not
// modify their bytes.
type Image struct {
	Arch   string // "sm_90" or "compute_80": what NVRTC compiled for
	CUBIN  []byte // nil when Arch is virtual
	PTX    []byte // without trailing NUL
	Origin string // "memory", "disk" or "nvrtc": where this call found it
	Key    [32]byte
}

// CompileError is a failed compile or load of a module.
type CompileError struct {
	Name  string // the module's file name, as passed to Compile
	Arch  string // the target, "sm_90" or "compute_80"
	Stage string // "nvrtc" (compiling) or "jit" (loading)
	// Log is NVRTC's log, or for the JIT one paragraph per image tried,
	// with positions mapped to Go's file.go:line.
	Log string
	// Err is the underlying error: an *NVRTCError, or the loader's errors
	// joined, one per image tried.
	Err error
}

// Error returns "cuda: <stage>: <name> for <arch>: <what failed>" followed
// by the log on the next lines.
func (e *CompileError) Error() string {
	what := "failed"
	if e.Stage == "jit" {
		what = "no image loaded"
	} else if e.Err != nil {
		what, _, _ = strings.Cut(e.Err.Error(), "\n")
		what = strings.TrimPrefix(what, "cuda: ")
	}
	s := "cuda: " + e.Stage + ": " + e.Name + " for " + e.Arch + ": " + what
	if e.Log != "" {
		s += "\n" + e.Log
	}
	return s
}

// Unwrap returns Err.
func (e *CompileError) Unwrap() error { return e.Err }

// Compile returns the image of src for a device of compute capability cc
// (e.g. 90 for 9.0), from the memory cache, the disk cache or NVRTC. name
// is the file name NVRTC shows in messages outside #line directives (e.g.
// the package path + ".cu").
//
// The target is the device's own architecture, sm_<cc>, when NVRTC
// supports it: the image then has a CUBIN and the PTX NVRTC made with it.
// Otherwise it is PTX for the newest virtual architecture NVRTC supports
// that is not newer than the device, compute_<x>, which the driver
// compiles at load time. A source that does not compile gives a
// *CompileError with Stage "nvrtc".
func (c *Compiler) Compile(src, name string, cc int) (*Image, error) {
	id := compileIdent{unsafe.StringData(src), len(src), name, cc}
	c.mu.RLock()
	e := c.byIdent[id]
	c.mu.RUnlock()
	if e != nil {
		c.memoryHits.Add(1)
		return e.img, nil
	}
	if cc <= 0 {
		return nil, fmt.Errorf("cuda: invalid compute capability %d", cc)
	}
	nv, err := c.loadNVRTC()
	if err != nil {
		return nil, err
	}
	arch, err := compileTarget(cc, nv.archs, nv.version)
	if err != nil {
		return nil, err
	}
	key := compileKey(compileKeyParts{
		Format:       compileFormat,
		DCVersion:    compileDCVersion(),
		NVRTCVersion: nv.version,
		Arch:         arch,
		Options:      c.options,
		Name:         name,
		Source:       src,
	})

	c.mu.Lock()
	if e := c.byKey[key]; e != nil {
		c.addIdentLocked(id, e)
		c.mu.Unlock()
		c.memoryHits.Add(1)
		return e.img, nil
	}
	if f := c.flights[key]; f != nil {
		c.mu.Unlock()
		<-f.done
		if f.err != nil {
			return nil, f.err
		}
		c.mu.Lock()
		if c.byKey[key] == f.entry { // not removed by Load meanwhile
			c.addIdentLocked(id, f.entry)
		}
		c.mu.Unlock()
		c.memoryHits.Add(1)
		return f.entry.img, nil
	}
	f := &compileFlight{done: make(chan struct{})}
	c.flights[key] = f
	c.mu.Unlock()

	img, err := c.fill(nv, src, name, arch, key)

	c.mu.Lock()
	delete(c.flights, key)
	if err == nil {
		mem := *img
		mem.Origin = OriginMemory
		f.entry = &compileEntry{img: &mem}
		c.byKey[key] = f.entry
		c.addIdentLocked(id, f.entry)
	}
	f.err = err
	c.mu.Unlock()
	close(f.done)
	return img, err
}

// addIdentLocked makes id a key of e, unless e has enough of them. c.mu
// must be held for writing.
func (c *Compiler) addIdentLocked(id compileIdent, e *compileEntry) {
	if _, ok := c.byIdent[id]; ok || e.aliases >= compileMaxAliases {
		return
	}
	c.byIdent[id] = e
	e.aliases++
}

// fill returns the image of key from the disk cache or, failing that,
// from NVRTC, which it then writes to the disk cache.
func (c *Compiler) fill(nv *compileNVRTC, src, name, arch string, key [32]byte) (*Image, error) {
	if c.dir != "" {
		if img := c.readDisk(key, arch); img != nil {
			return img, nil
		}
	}
	c.compiles.Add(1)
	opts := slices.Concat(c.options, []string{"-arch=" + arch})
	out, err := nv.lib.Compile(src, name, opts...)
	if err != nil {
		ce := &CompileError{Name: name, Arch: arch, Stage: "nvrtc", Err: err}
		var ne *NVRTCError
		if errors.As(err, &ne) {
			ce.Log = compileMapNVRTCLog(ne.Log)
		}
		return nil, ce
	}
	img := &Image{Arch: arch, PTX: compilePTX(out.PTX), Origin: OriginNVRTC, Key: key}
	if strings.HasPrefix(arch, "sm_") {
		img.CUBIN = out.CUBIN
	}
	if c.dir != "" {
		c.writeDisk(img)
	}
	return img, nil
}

// compilePTX returns ptx followed, within its capacity, by a NUL byte, so
// that ptx[:len(ptx)+1] is the NUL-terminated text cuModuleLoadDataEx
// takes.
func compilePTX(ptx []byte) []byte {
	if cap(ptx) > len(ptx) && ptx[:len(ptx)+1][len(ptx)] == 0 {
		return ptx[: len(ptx) : len(ptx)+1]
	}
	z := make([]byte, len(ptx)+1)
	copy(z, ptx)
	return z[: len(ptx) : len(ptx)+1]
}

// compileNUL returns img's PTX with its NUL terminator (see compilePTX).
func compileNUL(ptx []byte) []byte {
	if cap(ptx) > len(ptx) {
		if z := ptx[:len(ptx)+1]; z[len(ptx)] == 0 {
			return z
		}
	}
	return append(slices.Clip(ptx), 0)
}

// loadNVRTC returns the Compiler's NVRTC, loading it at the first call
// that succeeds.
func (c *Compiler) loadNVRTC() (*compileNVRTC, error) {
	c.nvMu.Lock()
	defer c.nvMu.Unlock()
	if c.nv != nil {
		return c.nv, nil
	}
	lib := c.fixed
	if lib == nil {
		var err error
		if lib, err = LoadNVRTC(); err != nil {
			return nil, err
		}
	}
	major, minor, err := lib.Version()
	if err != nil {
		return nil, err
	}
	archs, err := lib.SupportedArchs()
	if err != nil {
		return nil, err
	}
	c.nv = &compileNVRTC{lib: lib, version: fmt.Sprintf("%d.%d", major, minor), archs: archs}
	return c.nv, nil
}

// compileTarget returns the architecture to compile for on a device of
// compute capability cc, given the architectures NVRTC (version version)
// supports, ascending: "sm_<cc>" when supported, else "compute_<x>" for
// the newest supported x <= cc.
func compileTarget(cc int, supported []int, version string) (string, error) {
	if slices.Contains(supported, cc) {
		return "sm_" + strconv.Itoa(cc), nil
	}
	best := 0
	for _, a := range supported {
		if a <= cc && a > best {
			best = a
		}
	}
	if best > 0 {
		return "compute_" + strconv.Itoa(best), nil
	}
	if len(supported) == 0 {
		return "", fmt.Errorf("cuda: device architecture sm_%d: NVRTC %s supports no architecture", cc, version)
	}
	return "", fmt.Errorf("cuda: device architecture sm_%d is older than every architecture NVRTC %s supports (sm_%d to sm_%d)",
		cc, version, slices.Min(supported), slices.Max(supported))
}

// compileKeyParts are the inputs of a cache key: everything an image
// depends on.
type compileKeyParts struct {
	Format       string   // compileFormat
	DCVersion    string   // dc's module version, "" for a development build
	NVRTCVersion string   // "11.8"
	Arch         string   // "sm_90" or "compute_80"
	Options      []string // NVRTC options without the architecture
	// Name is the file name NVRTC puts in the PTX's .file table. NVRTC
	// prefixes its working folder there, which the key leaves out: it
	// changes no code, and log mapping uses base names.
	Name   string
	Source string
}

// compileKey returns the SHA-256 of p's components, each prefixed with its
// length so that no two different sets of components hash the same bytes.
func compileKey(p compileKeyParts) [32]byte {
	h := sha256.New()
	var n [8]byte
	put := func(s string) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write(unsafe.Slice(unsafe.StringData(s), len(s)))
	}
	put(p.Format)
	put(p.DCVersion)
	put(p.NVRTCVersion)
	put(p.Arch)
	put(strconv.Itoa(len(p.Options)))
	for _, o := range p.Options {
		put(o)
	}
	put(p.Name)
	put(p.Source)
	var key [32]byte
	h.Sum(key[:0])
	return key
}

// compileDCVersion returns the module version of dc this program was built
// with, or "" when it is not a released or pseudo-version (a development
// build, a replaced module, a modified work tree); compileFormat then
// stands for the pipeline alone.
var compileDCVersion = sync.OnceValue(func() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	return compileModuleVersion(bi)
})

// compileModulePath is dc's module path.
const compileModulePath = "github.com/dotcompute/dc"

// compileModuleVersion returns dc's version in bi, or "" when it is not a
// real one.
func compileModuleVersion(bi *debug.BuildInfo) string {
	for _, m := range append([]*debug.Module{&bi.Main}, bi.Deps...) {
		if m.Path != compileModulePath {
			continue
		}
		if m.Replace != nil {
			m = m.Replace
		}
		v := m.Version
		if !strings.HasPrefix(v, "v") || strings.HasSuffix(v, "+dirty") {
			return ""
		}
		return v
	}
	return ""
}

// Load is Compile plus the order of use: it calls try with each candidate
// in turn (cached CUBIN, cached PTX, fresh NVRTC CUBIN, fresh NVRTC PTX),
// stopping at the first try that returns a nil error, and returns the
// image that loaded. try gets the CUBIN, or the PTX with a NUL terminator
// after its text as cuModuleLoadDataEx needs (ptx is then true); it must not
// modify or keep image. It returns the JIT error log (may be "") and an
// error.
//
// A cached image whose candidates try all rejects is removed from both
// caches, and NVRTC compiles the source again; an NVRTC image that try
// rejects is removed too. If every candidate fails, the error is a
// *CompileError with Stage "jit" that says why for each, with JIT logs
// mapped to Go positions.
func (c *Compiler) Load(src, name string, cc int, try func(image []byte, ptx bool) (jitLog string, err error)) (*Image, error) {
	var logs []string
	var errs []error
	arch := ""
	for range 2 {
		img, err := c.Compile(src, name, cc)
		if err != nil {
			if len(errs) == 0 {
				return nil, err
			}
			errs = append(errs, err)
			logs = append(logs, "recompiling: "+err.Error())
			break
		}
		arch = img.Arch
		for _, ptx := range []bool{false, true} {
			image := img.CUBIN
			kind := "CUBIN"
			if ptx {
				image, kind = compileNUL(img.PTX), "PTX"
			}
			if image == nil {
				continue
			}
			jitLog, err := try(image, ptx)
			if err == nil {
				return img, nil
			}
			what := img.Origin + " " + kind
			errs = append(errs, fmt.Errorf("%s: %w", what, err))
			para := what + ": " + err.Error()
			if jitLog = strings.TrimRight(jitLog, "\n"); jitLog != "" {
				if ptx {
					jitLog = compileMapJITLog(jitLog, img.PTX)
				}
				para += "\n\t" + strings.ReplaceAll(jitLog, "\n", "\n\t")
			}
			logs = append(logs, para)
		}
		c.remove(img.Key)
		if img.Origin == OriginNVRTC {
			break // compiling again would give the same image
		}
	}
	return nil, &CompileError{Name: name, Arch: arch, Stage: "jit", Log: strings.Join(logs, "\n"), Err: errors.Join(errs...)}
}

// remove drops the image of key from the memory and disk caches.
func (c *Compiler) remove(key [32]byte) {
	c.rejected.Add(1)
	c.mu.Lock()
	if e := c.byKey[key]; e != nil {
		delete(c.byKey, key)
		for id, f := range c.byIdent {
			if f == e {
				delete(c.byIdent, id)
			}
		}
	}
	c.mu.Unlock()
	if c.dir != "" {
		c.removeDisk(key)
	}
}

// compileNVRTCPos matches a position in an NVRTC log, "file(line): ".
var compileNVRTCPos = regexp.MustCompile(`(?m)^([^\s()][^()\n]*)\((\d+)\): `)

// compileMapNVRTCLog rewrites NVRTC's positions, "file.go(22): error: ...",
// as Go's, "file.go:22: error: ...".
func compileMapNVRTCLog(log string) string {
	return compileNVRTCPos.ReplaceAllString(log, "$1:$2: ")
}

// compilePTXASLine matches a ptxas message about a line of its PTX input:
// "ptxas application ptx input, line 123; error   : text".
var compilePTXASLine = regexp.MustCompile(`^ptxas application ptx input, line (\d+); (\w+)\s*: ?(.*)$`)

// compileMapJITLog maps each ptxas message of log that names a line of ptx
// to the Go position of that line: "file.go:L: ptxas error: text", followed
// by the original message on the next line. Messages without a line, and
// lines before any .loc, are kept as they are.
func compileMapJITLog(log string, ptx []byte) string {
	var index *compilePTXLines
	var out strings.Builder
	for i, line := range strings.Split(log, "\n") {
		if i > 0 {
			out.WriteByte('\n')
		}
		m := compilePTXASLine.FindStringSubmatch(line)
		if m == nil {
			out.WriteString(line)
			continue
		}
		if index == nil {
			index = compileIndexPTX(ptx)
		}
		n, _ := strconv.Atoi(m[1])
		pos, ok := index.position(n)
		if !ok {
			out.WriteString(line)
			continue
		}
		fmt.Fprintf(&out, "%s: ptxas %s: %s\n\t%s", pos, m[2], m[3], line)
	}
	return out.String()
}

// compilePTXLines indexes the line information of a PTX text.
type compilePTXLines struct {
	locs []compileLoc // in PTX line order
}

// compileLoc is the source position of the PTX lines from at on.
type compileLoc struct {
	at  int
	pos string // "file:line"
}

// compileLocDirective matches ".loc F L C" and an optional
// ", function_name ..., inlined_at F L C" tail.
var compileLocDirective = regexp.MustCompile(`^\s*\.loc\s+(\d+)\s+(\d+)\s+(\d+)(?:.*\binlined_at\s+(\d+)\s+(\d+)\s+(\d+))?`)

// compileFileDirective matches `.file F "name"` (with optional timestamp
// and size after the name).
var compileFileDirective = regexp.MustCompile(`^\s*\.file\s+(\d+)\s+"([^"]*)"`)

// compileIndexPTX reads the .file table and the .loc directives of ptx.
//
// A .loc in a function that dckgen's prelude defines (in the .cu file, not
// a .go file) and that NVRTC inlined into a kernel names, with inlined_at,
// the position it was inlined at, which may itself be inside another
// inlined helper: such a .loc is given the Go position at the end of that
// chain, the Go line whose code the instruction belongs to.
func compileIndexPTX(ptx []byte) *compilePTXLines {
	type triple [3]int // file, line, column
	type rawLoc struct {
		at       int
		own, inl triple
		inlined  bool
	}
	files := make(map[int]string)
	var raw []rawLoc
	s := bufio.NewScanner(bytes.NewReader(ptx))
	s.Buffer(nil, 1<<20)
	for at := 1; s.Scan(); at++ {
		line := s.Bytes()
		t := bytes.TrimSpace(line)
		switch {
		case bytes.HasPrefix(t, []byte(".loc")):
			m := compileLocDirective.FindSubmatch(line)
			if m == nil {
				continue
			}
			l := rawLoc{at: at, own: triple{compileAtoi(m[1]), compileAtoi(m[2]), compileAtoi(m[3])}}
			if m[4] != nil {
				l.inlined, l.inl = true, triple{compileAtoi(m[4]), compileAtoi(m[5]), compileAtoi(m[6])}
			}
			raw = append(raw, l)
		case bytes.HasPrefix(t, []byte(".file")):
			if m := compileFileDirective.FindSubmatch(line); m != nil {
				// NVRTC makes the names absolute with its working folder,
				// which says nothing about where the Go file is: dckgen's
				// #line directives name the file alone.
				files[compileAtoi(m[1])] = filepath.Base(string(m[2]))
			}
		}
	}
	format := func(p triple) string { return files[p[0]] + ":" + strconv.Itoa(p[1]) }
	isGo := func(p triple) bool { return strings.HasSuffix(files[p[0]], ".go") }
	// outer maps a position to the Go position it stands for, as of the
	// last .loc that named it.
	outer := make(map[triple]string)
	x := &compilePTXLines{}
	for _, l := range raw {
		pos := format(l.own)
		if !isGo(l.own) && l.inlined {
			if o, ok := outer[l.inl]; ok {
				pos = o
			} else if isGo(l.inl) {
				pos = format(l.inl)
			}
		}
		outer[l.own] = pos
		if files[l.own[0]] != "" {
			x.locs = append(x.locs, compileLoc{at: l.at, pos: pos})
		}
	}
	return x
}

func compileAtoi(b []byte) int {
	n, _ := strconv.Atoi(string(b))
	return n
}

// position returns "file:line" for PTX line n: the position of the nearest
// .loc at or before it.
func (x *compilePTXLines) position(n int) (string, bool) {
	i, _ := slices.BinarySearchFunc(x.locs, n+1, func(l compileLoc, n int) int { return l.at - n })
	if i == 0 {
		return "", false
	}
	return x.locs[i-1].pos, true
}
