package metal

import (
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/runtime"
)

// EnvDevice is the environment variable that picks the Metal device: an
// index into MTLCopyAllDevices, or a case-insensitive substring of a
// device's name. Unset or empty, Open uses MTLCreateSystemDefaultDevice.
const EnvDevice = "DC_METAL_DEVICE"

// chooseDevice returns the index in names of the device that sel (the
// value of DC_METAL_DEVICE, not empty) picks: a decimal index, or the
// first name that contains sel, ignoring case. A value that picks nothing
// is an error listing every device.
func chooseDevice(names []string, sel string) (int, error) {
	sel = strings.TrimSpace(sel)
	if len(names) == 0 {
		return 0, fmt.Errorf("metal: %s=%q: MTLCopyAllDevices lists no device", EnvDevice, sel)
	}
	if i, err := strconv.Atoi(sel); err == nil {
		if i >= 0 && i < len(names) {
			return i, nil
		}
		return 0, fmt.Errorf("metal: %s=%q: no device %d; the devices are %s", EnvDevice, sel, i, listDevices(names))
	}
	lower := strings.ToLower(sel)
	for i, n := range names {
		if strings.Contains(strings.ToLower(n), lower) {
			return i, nil
		}
	}
	return 0, fmt.Errorf("metal: %s=%q matches no device; the devices are %s", EnvDevice, sel, listDevices(names))
}

// listDevices formats names as "0: Apple M2, 1: AMD Radeon Pro 5500M".
func listDevices(names []string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = strconv.Itoa(i) + ": " + n
	}
	return strings.Join(parts, ", ")
}

// The MTLLanguageVersion of MSL 3.0: (major << 16) | minor.
//
// Reference: https://developer.apple.com/documentation/metal/mtllanguageversion
const languageVersion3_0 = 3<<16 | 0

// The values of MTLCompileOptions' mathMode and
// mathFloatingPointFunctions (macOS 15) that keep IEEE semantics.
//
// Reference: https://developer.apple.com/documentation/metal/mtlmathmode
// Reference: https://developer.apple.com/documentation/metal/mtlmathfloatingpointfunctions
const (
	mathModeSafe                      = 0 // MTLMathModeSafe
	mathFloatingPointFunctionsPrecise = 1 // MTLMathFloatingPointFunctionsPrecise
)

// compileOptions are the MTLCompileOptions every module is compiled with.
type compileOptions struct {
	LanguageVersion uint64 // MTLLanguageVersion
	// FastMath is fastMathEnabled: off, so the library keeps Go's float
	// semantics; kernels marked //dc:kernel fastmath call metal::fast::
	// functions by name (translate/msl), which the option does not turn off.
	FastMath bool
	// MathMode and MathFunctions are set where the OS has them (macOS 15,
	// where they replace fastMathEnabled).
	MathMode      uint64
	MathFunctions uint64
}

// moduleOptions returns the compile options of every module.
func moduleOptions() compileOptions {
	return compileOptions{
		LanguageVersion: languageVersion3_0,
		MathMode:        mathModeSafe,
		MathFunctions:   mathFloatingPointFunctionsPrecise,
	}
}

// deviceLimits are what Open queries of an MTLDevice.
type deviceLimits struct {
	Name string
	// MaxThreads is maxThreadsPerThreadgroup: the largest group size in
	// each dimension.
	MaxThreads [3]uint64
	// SharedBytes is maxThreadgroupMemoryLength.
	SharedBytes uint64
	// MaxBuffer is maxBufferLength: the largest buffer.
	MaxBuffer uint64
}

// maxTotalThreads is the most threads of one threadgroup on every Metal
// GPU (Apple and Mac families); a pipeline may allow fewer
// (maxTotalThreadsPerThreadgroup), which Launch checks.
//
// Reference: https://developer.apple.com/metal/Metal-Feature-Set-Tables.pdf ("Maximum threads per threadgroup")
const maxTotalThreads = 1024

// info returns the runtime.DeviceInfo of a device with limits l. Metal has
// no float64; buffers live in device memory as far as the runtime can
// tell (see the package documentation on shared storage).
func (l deviceLimits) info() runtime.DeviceInfo {
	dims := dc.Dim3{X: clampInt(l.MaxThreads[0]), Y: clampInt(l.MaxThreads[1]), Z: clampInt(l.MaxThreads[2])}
	total := min(maxTotalThreads, dims.X*dims.Y*dims.Z)
	return runtime.DeviceInfo{
		Name:              l.Name,
		Backend:           "metal",
		Float64:           false,
		MaxGroupSize:      total,
		MaxGroupDims:      dims,
		SharedMemoryBytes: clampInt(l.SharedBytes),
		MSL:               true,
	}
}

// clampInt converts v to an int, saturating.
func clampInt(v uint64) int {
	if v > math.MaxInt {
		return math.MaxInt
	}
	return int(v)
}

// checkGrid reports why entry cannot run over grid g with a pipeline that
// allows maxThreads threads per threadgroup and uses staticShared bytes of
// threadgroup memory on a device with sharedLimit, or nil. Metal hands
// thread positions to kernels as 32-bit unsigned integers, so the threads
// of the grid in each dimension must fit one.
func checkGrid(entry string, g dc.Grid, maxThreads, staticShared, sharedLimit uint64) error {
	threads := uint64(g.GroupSize.X) * uint64(g.GroupSize.Y) * uint64(g.GroupSize.Z)
	if threads > maxThreads {
		return fmt.Errorf("metal: kernel %s: group size %dx%dx%d has %d threads, the pipeline's maxTotalThreadsPerThreadgroup is %d",
			entry, g.GroupSize.X, g.GroupSize.Y, g.GroupSize.Z, threads, maxThreads)
	}
	if sharedLimit > 0 && staticShared > sharedLimit {
		return fmt.Errorf("metal: kernel %s uses %d bytes of threadgroup memory, the device has %d", entry, staticShared, sharedLimit)
	}
	for _, d := range []struct {
		axis          string
		groups, group int
	}{{"X", g.Groups.X, g.GroupSize.X}, {"Y", g.Groups.Y, g.GroupSize.Y}, {"Z", g.Groups.Z, g.GroupSize.Z}} {
		if d.groups < 1 || d.group < 1 {
			return fmt.Errorf("metal: kernel %s: grid has %d groups of %d threads in %s", entry, d.groups, d.group, d.axis)
		}
		if hi, lo := bits.Mul64(uint64(d.groups), uint64(d.group)); hi != 0 || lo > math.MaxUint32 {
			return fmt.Errorf("metal: kernel %s: %d groups of %d threads in %s exceed the 2^32-1 threads a Metal grid dimension holds", entry, d.groups, d.group, d.axis)
		}
	}
	return nil
}

// checkAlloc reports, as an error wrapping runtime.ErrOutOfMemory, whether
// a buffer of size bytes exceeds maxBuffer (maxBufferLength).
func checkAlloc(size int64, maxBuffer uint64, device string) error {
	if size < 0 {
		return fmt.Errorf("metal: Alloc: invalid size %d", size)
	}
	if maxBuffer > 0 && uint64(size) > maxBuffer {
		return fmt.Errorf("metal: Alloc: %w: %d bytes requested, maxBufferLength of %s is %d", runtime.ErrOutOfMemory, size, device, maxBuffer)
	}
	return nil
}
