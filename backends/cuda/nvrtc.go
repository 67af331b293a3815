package cuda

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/dotcompute/dc/internal/dl"
	"github.com/ebitengine/purego"
)

// ErrNVRTCNotFound is matched by errors.Is against the error LoadNVRTC
// returns when no NVRTC library could be loaded.
var ErrNVRTCNotFound = errors.New("cuda: nvrtc not found")

// nvrtcResult is NVRTC's status code, the C enum nvrtcResult.
type nvrtcResult int32

// Error returns the status name with the package prefix, so that a result
// can serve as an errors.Is sentinel.
func (r nvrtcResult) Error() string { return "cuda: " + r.String() }

// String returns the C name of the status, e.g. NVRTC_ERROR_COMPILATION.
func (r nvrtcResult) String() string {
	if int(r) >= 0 && int(r) < len(nvrtcResultNames) {
		return nvrtcResultNames[r]
	}
	return "nvrtcResult(" + strconv.Itoa(int(r)) + ")"
}

// nvrtcResultNames maps each nvrtcResult to its C name.
// Reference: https://docs.nvidia.com/cuda/nvrtc/index.html#_CPPv411nvrtcResult
var nvrtcResultNames = [...]string{
	0:  "NVRTC_SUCCESS",
	1:  "NVRTC_ERROR_OUT_OF_MEMORY",
	2:  "NVRTC_ERROR_PROGRAM_CREATION_FAILURE",
	3:  "NVRTC_ERROR_INVALID_INPUT",
	4:  "NVRTC_ERROR_INVALID_PROGRAM",
	5:  "NVRTC_ERROR_INVALID_OPTION",
	6:  "NVRTC_ERROR_COMPILATION",
	7:  "NVRTC_ERROR_BUILTIN_OPERATION_FAILURE",
	8:  "NVRTC_ERROR_NO_NAME_EXPRESSIONS_AFTER_COMPILATION",
	9:  "NVRTC_ERROR_NO_LOWERED_NAMES_BEFORE_COMPILATION",
	10: "NVRTC_ERROR_NAME_EXPRESSION_NOT_VALID",
	11: "NVRTC_ERROR_INTERNAL_ERROR",
	12: "NVRTC_ERROR_TIME_FILE_WRITE_FAILED",
	13: "NVRTC_ERROR_NO_PCH_CREATE_ATTEMPTED",
	14: "NVRTC_ERROR_PCH_CREATE_HEAP_EXHAUSTED",
	15: "NVRTC_ERROR_PCH_CREATE",
	16: "NVRTC_ERROR_CANCELLED",
	17: "NVRTC_ERROR_TIME_TRACE_FILE_WRITE_FAILED",
}

// Sentinels matched by errors.Is against an *NVRTCError with the same code.
var (
	// ErrNVRTCOutOfMemory is NVRTC_ERROR_OUT_OF_MEMORY.
	ErrNVRTCOutOfMemory error = nvrtcResult(1)
	// ErrNVRTCInvalidInput is NVRTC_ERROR_INVALID_INPUT.
	ErrNVRTCInvalidInput error = nvrtcResult(3)
	// ErrInvalidOption is NVRTC_ERROR_INVALID_OPTION: an unknown or
	// malformed compiler option.
	ErrInvalidOption error = nvrtcResult(5)
	// ErrCompilation is NVRTC_ERROR_COMPILATION: the source does not
	// compile; the *NVRTCError's Log says why.
	ErrCompilation error = nvrtcResult(6)
	// ErrBuiltinOperationFailure is NVRTC_ERROR_BUILTIN_OPERATION_FAILURE,
	// which NVRTC reports when it cannot load libnvrtc-builtins.
	ErrBuiltinOperationFailure error = nvrtcResult(7)
	// ErrNVRTCInternal is NVRTC_ERROR_INTERNAL_ERROR.
	ErrNVRTCInternal error = nvrtcResult(11)
)

// NVRTCError is a failed NVRTC call.
type NVRTCError struct {
	Func string // the NVRTC function, e.g. "nvrtcCompileProgram"
	Code int    // the nvrtcResult value
	Name string // the nvrtcResult name, e.g. "NVRTC_ERROR_COMPILATION"
	Log  string // the program log, when the call compiled something
}

// Error returns "cuda: Func: Name", followed by the log on the next lines
// when there is one.
func (e *NVRTCError) Error() string {
	s := "cuda: " + e.Func + ": " + e.Name
	if e.Log != "" {
		s += "\n" + e.Log
	}
	return s
}

// Is reports whether target is the sentinel (such as ErrCompilation) for
// e's code.
func (e *NVRTCError) Is(target error) bool {
	r, ok := target.(nvrtcResult)
	return ok && int(r) == e.Code
}

// Compiled is the output of one NVRTC compilation.
type Compiled struct {
	PTX   []byte // PTX assembly, without the trailing NUL
	CUBIN []byte // an ELF CUBIN; nil unless a real architecture (sm_XX) was named
	Log   string // the compiler log (warnings), empty when there were none
}

// NVRTC is a loaded NVRTC library. Its methods are safe for concurrent use.
type NVRTC struct {
	path string

	getErrorString       uintptr
	version              uintptr
	createProgram        uintptr
	destroyProgram       uintptr
	compileProgram       uintptr
	getPTXSize           uintptr
	getPTX               uintptr
	getProgramLogSize    uintptr
	getProgramLog        uintptr
	getCUBINSize         uintptr // optional: NVRTC 11.1 and later
	getCUBIN             uintptr // optional: NVRTC 11.1 and later
	getNumSupportedArchs uintptr // optional: NVRTC 11.2 and later
	getSupportedArchs    uintptr // optional: NVRTC 11.2 and later
}

var (
	loadMu sync.Mutex
	loaded *NVRTC
)

// LoadNVRTC loads NVRTC from the places listed in the package
// documentation. The first success is cached and returned by later calls; a
// failure is not, so a later call sees a library installed meanwhile. It is
// safe for concurrent use. When no library can be loaded the error matches
// ErrNVRTCNotFound.
func LoadNVRTC() (*NVRTC, error) {
	loadMu.Lock()
	defer loadMu.Unlock()
	if loaded != nil {
		return loaded, nil
	}
	n, err := openNVRTC(searchDirs(), true)
	if err != nil {
		return nil, err
	}
	loaded = n
	return n, nil
}

// Path returns the file or soname the library was loaded from.
func (n *NVRTC) Path() string { return n.path }

// searchDirs returns the folders LoadNVRTC searches before the system loader.
func searchDirs() []string {
	var dirs []string
	if d := os.Getenv("DC_NVRTC_DIR"); d != "" {
		dirs = append(dirs, d)
	}
	if deps := depsDir(); deps != "" {
		dirs = append(dirs, filepath.Join(deps, "nvrtc"))
	}
	for _, env := range []string{"CUDA_HOME", "CUDA_PATH"} {
		if d := os.Getenv(env); d != "" {
			dirs = append(dirs, filepath.Join(d, "lib64"))
		}
	}
	dirs = append(dirs, "/usr/local/cuda/lib64")
	if target := cudaTargetDir(); target != "" {
		dirs = append(dirs, filepath.Join("/usr/local/cuda/targets", target, "lib"))
	}
	return dirs
}

// depsDir returns the folder of the dependencies scripts/install-deps.sh
// unpacks, ${DC_DEPS_DIR:-$HOME/.cache/dc}, or "" when neither variable
// says where it is.
func depsDir() string {
	if d := os.Getenv("DC_DEPS_DIR"); d != "" {
		return d
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".cache", "dc")
	}
	return ""
}

// cudaTargetDir returns the name of the CUDA toolkit's target folder for
// this architecture (under /usr/local/cuda/targets), or "" when the toolkit
// has none.
func cudaTargetDir() string {
	return map[string]string{
		"amd64": "x86_64-linux",
		"arm64": "sbsa-linux",
	}[runtime.GOARCH]
}

// nvrtcNames are the library names tried in each folder and with the system
// loader, newest first.
var nvrtcNames = []string{"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"}

// debianLibDir returns the Debian multiarch library folder for this
// architecture, relative to a root, e.g. usr/lib/x86_64-linux-gnu.
func debianLibDir() string {
	triple := map[string]string{
		"amd64":   "x86_64-linux-gnu",
		"arm64":   "aarch64-linux-gnu",
		"ppc64le": "powerpc64le-linux-gnu",
	}[runtime.GOARCH]
	if triple == "" {
		return "usr/lib"
	}
	return filepath.Join("usr", "lib", triple)
}

// openNVRTC loads NVRTC from the first of dirs that has it and, if system is
// set, from the system loader after them.
func openNVRTC(dirs []string, system bool) (*NVRTC, error) {
	var failures []string
	for _, dir := range dirs {
		for _, d := range []string{dir, filepath.Join(dir, debianLibDir())} {
			for _, name := range nvrtcNames {
				path := filepath.Join(d, name)
				if _, err := os.Stat(path); err != nil {
					continue
				}
				// libnvrtc dlopens its builtins library by soname; loading
				// it first by full path, globally, lets that dlopen find it
				// without LD_LIBRARY_PATH.
				if b := builtinsFor(d, name); b != "" {
					if _, err := dl.OpenGlobal(b); err != nil {
						failures = append(failures, err.Error())
						continue
					}
				}
				n, err := bindNVRTC(path)
				if err != nil {
					failures = append(failures, err.Error())
					continue
				}
				return n, nil
			}
		}
	}
	if system {
		for _, name := range nvrtcNames {
			n, err := bindNVRTC(name)
			if err != nil {
				// A library that is simply absent is said once below.
				if !strings.Contains(err.Error(), "No such file") {
					failures = append(failures, err.Error())
				}
				continue
			}
			return n, nil
		}
	}
	where := "searched " + strings.Join(dirs, ", ")
	if len(dirs) == 0 {
		where = "searched no folder"
	}
	if system {
		where += " and the system loader for " + strings.Join(nvrtcNames, ", ")
	}
	if len(failures) > 0 {
		where += " (" + strings.Join(failures, "; ") + ")"
	}
	return nil, fmt.Errorf("%w: %s; run scripts/install-deps.sh or set DC_NVRTC_DIR", ErrNVRTCNotFound, where)
}

// builtinsFor returns the libnvrtc-builtins library in dir that belongs to
// the NVRTC library file name, or "" when dir has none.
func builtinsFor(dir, name string) string {
	// libnvrtc.so.11.2 ships with libnvrtc-builtins.so.11.8 (CUDA 11.x keeps
	// the soname 11.2); libnvrtc.so.12 with libnvrtc-builtins.so.12.N.
	major := strings.TrimPrefix(name, "libnvrtc.so")
	major = strings.TrimPrefix(major, ".")
	major, _, _ = strings.Cut(major, ".")
	pattern := "libnvrtc-builtins.so.*"
	if major != "" {
		pattern = "libnvrtc-builtins.so." + major + ".*"
	}
	matches, _ := filepath.Glob(filepath.Join(dir, pattern))
	if len(matches) == 0 {
		return ""
	}
	// The shortest name is the soname link (…so.11.8 before …so.11.8.89).
	slices.SortFunc(matches, func(a, b string) int {
		if len(a) != len(b) {
			return len(a) - len(b)
		}
		return strings.Compare(a, b)
	})
	return matches[0]
}

// bindNVRTC opens the NVRTC library at path and resolves its functions.
func bindNVRTC(path string) (*NVRTC, error) {
	l, err := dl.Open(path)
	if err != nil {
		return nil, err
	}
	l.Prefix = "cuda"
	n := &NVRTC{
		path:                 path,
		getErrorString:       l.Sym("nvrtcGetErrorString"),
		version:              l.Sym("nvrtcVersion"),
		createProgram:        l.Sym("nvrtcCreateProgram"),
		destroyProgram:       l.Sym("nvrtcDestroyProgram"),
		compileProgram:       l.Sym("nvrtcCompileProgram"),
		getPTXSize:           l.Sym("nvrtcGetPTXSize"),
		getPTX:               l.Sym("nvrtcGetPTX"),
		getProgramLogSize:    l.Sym("nvrtcGetProgramLogSize"),
		getProgramLog:        l.Sym("nvrtcGetProgramLog"),
		getCUBINSize:         l.OptSym("nvrtcGetCUBINSize"),
		getCUBIN:             l.OptSym("nvrtcGetCUBIN"),
		getNumSupportedArchs: l.OptSym("nvrtcGetNumSupportedArchs"),
		getSupportedArchs:    l.OptSym("nvrtcGetSupportedArchs"),
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	return n, nil
}

// check turns the nvrtcResult r of function fn into an error.
func (n *NVRTC) check(fn string, r uintptr) error {
	code := nvrtcResult(int32(r))
	if code == 0 {
		return nil
	}
	name := code.String()
	if int(code) >= len(nvrtcResultNames) || int(code) < 0 {
		if s := n.errorString(code); s != "" {
			name = s
		}
	}
	return &NVRTCError{Func: fn, Code: int(code), Name: name}
}

// errorString returns NVRTC's own name for the result r.
//
// Reference: https://docs.nvidia.com/cuda/nvrtc/index.html#_CPPv419nvrtcGetErrorString11nvrtcResult
func (n *NVRTC) errorString(r nvrtcResult) string {
	p, _, _ := purego.SyscallN(n.getErrorString, uintptr(r))
	return dl.GoString(p)
}

// Version returns the NVRTC version, e.g. 11, 8.
//
// Reference: https://docs.nvidia.com/cuda/nvrtc/index.html#_CPPv412nvrtcVersionPiPi
func (n *NVRTC) Version() (major, minor int, err error) {
	var maj, mnr int32
	r, _, _ := purego.SyscallN(n.version, uintptr(unsafe.Pointer(&maj)), uintptr(unsafe.Pointer(&mnr)))
	if err := n.check("nvrtcVersion", r); err != nil {
		return 0, 0, err
	}
	return int(maj), int(mnr), nil
}

// SupportedArchs returns the virtual and real architectures this NVRTC can
// compile for, as compute capabilities times ten (70 for sm_70), ascending.
//
// Reference: https://docs.nvidia.com/cuda/nvrtc/index.html#_CPPv425nvrtcGetNumSupportedArchsPi
// Reference: https://docs.nvidia.com/cuda/nvrtc/index.html#_CPPv422nvrtcGetSupportedArchsPi
func (n *NVRTC) SupportedArchs() ([]int, error) {
	if n.getNumSupportedArchs == 0 {
		return nil, fmt.Errorf("cuda: nvrtcGetNumSupportedArchs is missing in %s", n.path)
	}
	if n.getSupportedArchs == 0 {
		return nil, fmt.Errorf("cuda: nvrtcGetSupportedArchs is missing in %s", n.path)
	}
	var count int32
	r, _, _ := purego.SyscallN(n.getNumSupportedArchs, uintptr(unsafe.Pointer(&count)))
	if err := n.check("nvrtcGetNumSupportedArchs", r); err != nil {
		return nil, err
	}
	if count <= 0 {
		return nil, nil
	}
	archs := make([]int32, count)
	r, _, _ = purego.SyscallN(n.getSupportedArchs, uintptr(unsafe.Pointer(&archs[0])))
	if err := n.check("nvrtcGetSupportedArchs", r); err != nil {
		return nil, err
	}
	out := make([]int, len(archs))
	for i, a := range archs {
		out[i] = int(a)
	}
	slices.Sort(out)
	return out, nil
}

// Compile compiles the CUDA C++ source src, named name in the log (a file
// name such as "saxpy.cu"), with NVRTC options such as "-arch=sm_80". It
// returns the PTX and, when the options name a real architecture (sm_XX,
// with -arch=, --gpu-architecture= or as the next option), the CUBIN.
//
// Positions in the log are NVRTC's "file(line)", so sources that carry
// #line directives get logs that name the original file and line. A source
// that does not compile gives an *NVRTCError matching ErrCompilation whose
// Log holds the compiler's messages.
//
// Reference: https://docs.nvidia.com/cuda/nvrtc/index.html#_CPPv418nvrtcCreateProgramP12nvrtcProgramPKcPKciPPCKcPPCKc
// Reference: https://docs.nvidia.com/cuda/nvrtc/index.html#_CPPv419nvrtcCompileProgram12nvrtcProgramiPPCKc
// Reference: https://docs.nvidia.com/cuda/nvrtc/index.html#_CPPv419nvrtcDestroyProgramP12nvrtcProgram
func (n *NVRTC) Compile(src, name string, opts ...string) (*Compiled, error) {
	cSrc := dl.CString(src)
	cName := dl.CString(name)
	var prog uintptr
	r, _, _ := purego.SyscallN(n.createProgram,
		uintptr(unsafe.Pointer(&prog)),
		uintptr(unsafe.Pointer(&cSrc[0])),
		uintptr(unsafe.Pointer(&cName[0])),
		0, 0, 0)
	runtime.KeepAlive(cSrc)
	runtime.KeepAlive(cName)
	if err := n.check("nvrtcCreateProgram", r); err != nil {
		return nil, err
	}
	defer purego.SyscallN(n.destroyProgram, uintptr(unsafe.Pointer(&prog)))

	cOpts := make([]*byte, len(opts))
	for i, o := range opts {
		cOpts[i] = &dl.CString(o)[0]
	}
	var optsPtr *(*byte)
	if len(cOpts) > 0 {
		optsPtr = &cOpts[0]
	}
	r, _, _ = purego.SyscallN(n.compileProgram, prog, uintptr(len(cOpts)), uintptr(unsafe.Pointer(optsPtr)))
	runtime.KeepAlive(cOpts)
	compileErr := n.check("nvrtcCompileProgram", r)

	log, err := n.programLog(prog)
	if err != nil {
		return nil, err
	}
	if compileErr != nil {
		compileErr.(*NVRTCError).Log = log
		return nil, compileErr
	}

	out := &Compiled{Log: log}
	if out.PTX, err = n.output(prog, "nvrtcGetPTX", n.getPTXSize, n.getPTX); err != nil {
		return nil, err
	}
	if arch := archOption(opts); strings.HasPrefix(arch, "sm_") {
		if n.getCUBIN == 0 || n.getCUBINSize == 0 {
			return nil, fmt.Errorf("cuda: nvrtcGetCUBIN is missing in %s", n.path)
		}
		if out.CUBIN, err = n.output(prog, "nvrtcGetCUBIN", n.getCUBINSize, n.getCUBIN); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// programLog returns the log of prog without its trailing NUL.
//
// Reference: https://docs.nvidia.com/cuda/nvrtc/index.html#_CPPv422nvrtcGetProgramLogSize12nvrtcProgramP6size_t
// Reference: https://docs.nvidia.com/cuda/nvrtc/index.html#_CPPv418nvrtcGetProgramLog12nvrtcProgramPc
func (n *NVRTC) programLog(prog uintptr) (string, error) {
	b, err := n.output(prog, "nvrtcGetProgramLog", n.getProgramLogSize, n.getProgramLog)
	return strings.TrimRight(string(b), "\n"), err
}

// output fetches one of prog's outputs with its size function sizeFn and
// copy function getFn (nvrtcGetPTXSize and nvrtcGetPTX, and so on), and
// returns it without the trailing NUL that PTX and the log carry.
//
// Reference: https://docs.nvidia.com/cuda/nvrtc/index.html#_CPPv415nvrtcGetPTXSize12nvrtcProgramP6size_t
// Reference: https://docs.nvidia.com/cuda/nvrtc/index.html#_CPPv411nvrtcGetPTX12nvrtcProgramPc
// Reference: https://docs.nvidia.com/cuda/nvrtc/index.html#_CPPv417nvrtcGetCUBINSize12nvrtcProgramP6size_t
// Reference: https://docs.nvidia.com/cuda/nvrtc/index.html#_CPPv413nvrtcGetCUBIN12nvrtcProgramPc
func (n *NVRTC) output(prog uintptr, fn string, sizeFn, getFn uintptr) ([]byte, error) {
	var size uintptr
	r, _, _ := purego.SyscallN(sizeFn, prog, uintptr(unsafe.Pointer(&size)))
	if err := n.check(fn+"Size", r); err != nil {
		return nil, err
	}
	if size == 0 {
		return nil, nil
	}
	buf := make([]byte, size)
	r, _, _ = purego.SyscallN(getFn, prog, uintptr(unsafe.Pointer(&buf[0])))
	if err := n.check(fn, r); err != nil {
		return nil, err
	}
	if fn != "nvrtcGetCUBIN" {
		buf = buf[:len(buf)-1] // the NUL terminator
		if i := slices.Index(buf, 0); i >= 0 {
			buf = buf[:i]
		}
	}
	return buf, nil
}

// archOption returns the architecture the NVRTC options opts name, e.g.
// "sm_80" or "compute_80", the last one winning, or "" when none does.
func archOption(opts []string) string {
	arch := ""
	for i, o := range opts {
		for _, flag := range []string{"-arch", "--gpu-architecture"} {
			if v, ok := strings.CutPrefix(o, flag+"="); ok {
				arch = v
			} else if o == flag && i+1 < len(opts) {
				arch = opts[i+1]
			}
		}
	}
	return arch
}
