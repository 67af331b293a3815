// Package kerneltest holds what the tests of generated kernels share: the
// devices of every backend that opens on this machine, comparisons of
// results with the dc.Emulate reference that report the first mismatches
// with their indices, and deterministic random inputs.
//
// A golden case's test typically reads:
//
//	for _, dev := range kerneltest.Devices(t) {
//		x, _ := runtime.BufferOf(dev, xs)
//		...
//		kerneltest.Close32(t, dev.Backend()+": y", got, want, 1e-6, 0)
//	}
//
// Two environment variables, each a comma-separated list of backend names,
// choose the backends that Devices returns:
//
//   - DC_TEST_BACKENDS restricts the tests to the backends it names, e.g.
//     "cuda,cpu" on a GPU machine that also has an OpenCL driver. Unset or
//     empty, every registered backend that opens is tested.
//   - DC_REQUIRE_BACKENDS names backends that must open: a test fails,
//     instead of leaving the backend out, when one of them is missing, e.g.
//     "cpu,opencl" in CI or "cuda" on a GPU machine.
//
// A name in either list that is not a registered backend fails the test, and
// so does a required backend that DC_TEST_BACKENDS leaves out: a typo never
// turns into a silently smaller test.
package kerneltest

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/runtime"

	// Every backend package of the module, so that Devices tries them all.
	_ "github.com/dotcompute/dc/backends/cpu"
	_ "github.com/dotcompute/dc/backends/cuda"
	_ "github.com/dotcompute/dc/backends/metal"
	_ "github.com/dotcompute/dc/backends/opencl"
)

// MaxReported is how many mismatches a failed comparison lists.
const MaxReported = 8

// Devices opens every registered backend (runtime.Backends) that opens on
// this machine, or those of them named in DC_TEST_BACKENDS when it is set
// (see the package documentation), and returns the devices, closed by
// t.Cleanup. Backends that cannot be opened, and those DC_TEST_BACKENDS
// leaves out, are named in the test log. Devices fails the test if no
// backend opens at all, if a backend named in DC_REQUIRE_BACKENDS does not
// open, or if either variable names a backend that is not registered.
func Devices(t testing.TB) []*runtime.Device {
	t.Helper()
	registered := runtime.Backends()
	only := envBackends("DC_TEST_BACKENDS")
	required := envBackends("DC_REQUIRE_BACKENDS")
	for _, v := range []struct {
		name  string
		names []string
	}{{"DC_TEST_BACKENDS", only}, {"DC_REQUIRE_BACKENDS", required}} {
		for _, name := range v.names {
			if !slices.Contains(registered, name) {
				t.Fatalf("kerneltest: %s names %s, which is not a registered backend (registered: %s)", v.name, name, strings.Join(registered, ", "))
				return nil
			}
		}
	}
	for _, name := range required {
		if len(only) > 0 && !slices.Contains(only, name) {
			t.Fatalf("kerneltest: DC_REQUIRE_BACKENDS names %s, which DC_TEST_BACKENDS=%s leaves out", name, strings.Join(only, ","))
			return nil
		}
	}
	var devs []*runtime.Device
	var failed, left []string
	for _, name := range registered {
		if len(only) > 0 && !slices.Contains(only, name) {
			left = append(left, name)
			continue
		}
		dev, err := runtime.Open(runtime.WithBackend(name))
		if err != nil {
			if slices.Contains(required, name) {
				t.Fatalf("kerneltest: DC_REQUIRE_BACKENDS names %s, which does not open: %v", name, err)
				return nil
			}
			failed = append(failed, fmt.Sprintf("%s (%v)", name, err))
			continue
		}
		t.Cleanup(func() {
			if err := dev.Close(); err != nil {
				t.Errorf("kerneltest: closing %s: %v", dev, err)
			}
		})
		devs = append(devs, dev)
	}
	if len(left) > 0 {
		t.Logf("kerneltest: backends left out by DC_TEST_BACKENDS=%s: %s", strings.Join(only, ","), strings.Join(left, ", "))
	}
	if len(failed) > 0 {
		t.Logf("kerneltest: backends not tested, they could not be opened: %s", strings.Join(failed, "; "))
	}
	if len(devs) == 0 {
		if len(only) > 0 {
			t.Fatalf("kerneltest: no backend of DC_TEST_BACKENDS=%s opens (registered: %v)", strings.Join(only, ","), registered)
			return nil
		}
		t.Fatalf("kerneltest: no backend opens (registered: %v)", registered)
	}
	return devs
}

// envBackends returns the backend names in the comma-separated environment
// variable name, without spaces and empty names.
func envBackends(name string) []string {
	var names []string
	for _, s := range strings.Split(os.Getenv(name), ",") {
		if s = strings.TrimSpace(s); s != "" {
			names = append(names, s)
		}
	}
	return names
}

// Run runs f as a subtest named after the backend for each device that
// Devices returns.
func Run(t *testing.T, f func(t *testing.T, dev *runtime.Device)) {
	t.Helper()
	for _, dev := range Devices(t) {
		t.Run(dev.Backend(), func(t *testing.T) { f(t, dev) })
	}
}

// NeedFloat64 skips the test, saying why, if dev cannot run float64 kernels.
func NeedFloat64(t testing.TB, dev *runtime.Device) {
	t.Helper()
	if !dev.Info().Float64 {
		t.Skipf("kerneltest: device %s has no float64 support", dev)
	}
}

// CannotRun reports whether err, the error of a launch on dev, says that
// dev cannot run the kernel at all: a float64 kernel on a device without
// float64 (runtime.ErrNoFloat64), or on a Metal device a kernel that Metal
// cannot run (runtime.ErrNotOnMetal). It then logs the error, so that the
// caller leaves the device out of that test instead of failing it; any
// other error, and nil, give false.
func CannotRun(t testing.TB, dev *runtime.Device, err error) bool {
	t.Helper()
	if errors.Is(err, runtime.ErrNoFloat64) || errors.Is(err, runtime.ErrNotOnMetal) {
		t.Logf("kerneltest: %s cannot run the kernel, not tested there: %v", dev, err)
		return true
	}
	return false
}

// Grid1D returns the 1D grid of the fewest groups of group threads that
// covers n threads. Unlike dc.Grid1D(n).WithGroupSize(group, 1, 1), which
// covers the 256-thread groups of dc.Grid1D(n), it has exactly
// ceil(n/group) groups (at least one).
func Grid1D(n, group int) dc.Grid {
	groups := max(1, (n+group-1)/group)
	return dc.Grid{Groups: dc.Dim3{X: groups, Y: 1, Z: 1}, GroupSize: dc.Dim3{X: group, Y: 1, Z: 1}}
}

// reporter collects the mismatches of one comparison and reports the first
// MaxReported of them, with their count, in one t.Errorf.
type reporter struct {
	name  string
	n     int
	lines []string
}

func (r *reporter) add(i int, got, want any, why string) {
	r.n++
	if len(r.lines) < MaxReported {
		line := fmt.Sprintf("  [%d] got %v, want %v", i, got, want)
		if why != "" {
			line += " (" + why + ")"
		}
		r.lines = append(r.lines, line)
	}
}

// report fails t if anything mismatched and says whether all matched.
func (r *reporter) report(t testing.TB, total int) bool {
	t.Helper()
	if r.n == 0 {
		return true
	}
	more := ""
	if r.n > len(r.lines) {
		more = fmt.Sprintf("\n  ... and %d more", r.n-len(r.lines))
	}
	t.Errorf("%s: %d of %d elements differ:\n%s%s", r.name, r.n, total, strings.Join(r.lines, "\n"), more)
	return false
}

// sameLen fails t and returns false if the lengths differ.
func sameLen(t testing.TB, name string, got, want int) bool {
	t.Helper()
	if got != want {
		t.Errorf("%s: got %d elements, want %d", name, got, want)
		return false
	}
	return true
}

// Equal reports whether got and want hold equal elements, failing t with
// the first mismatches otherwise. Elements compare with ==, except that
// two values that are each unequal to themselves (NaNs, or structs holding
// them) count as equal.
func Equal[T comparable](t testing.TB, name string, got, want []T) bool {
	t.Helper()
	if !sameLen(t, name, len(got), len(want)) {
		return false
	}
	r := reporter{name: name}
	for i := range got {
		g, w := got[i], want[i]
		if g != w && !(g != g && w != w) {
			r.add(i, fmt.Sprintf("%+v", g), fmt.Sprintf("%+v", w), "")
		}
	}
	return r.report(t, len(got))
}

// Close32 reports whether every got[i] is within abs + rel*|want[i]| of
// want[i], failing t with the first mismatches otherwise. NaN matches NaN,
// and an infinity only the same infinity.
func Close32(t testing.TB, name string, got, want []float32, rel, abs float64) bool {
	t.Helper()
	return closeTo(t, name, got, want, rel, abs)
}

// Close64 is Close32 for float64.
func Close64(t testing.TB, name string, got, want []float64, rel, abs float64) bool {
	t.Helper()
	return closeTo(t, name, got, want, rel, abs)
}

func closeTo[T float32 | float64](t testing.TB, name string, got, want []T, rel, abs float64) bool {
	t.Helper()
	if !sameLen(t, name, len(got), len(want)) {
		return false
	}
	r := reporter{name: name}
	for i := range got {
		if why, ok := within(float64(got[i]), float64(want[i]), rel, abs); !ok {
			r.add(i, got[i], want[i], why)
		}
	}
	return r.report(t, len(got))
}

func within(g, w, rel, abs float64) (string, bool) {
	switch {
	case math.IsNaN(g) || math.IsNaN(w):
		return "NaN", math.IsNaN(g) && math.IsNaN(w)
	case math.IsInf(g, 0) || math.IsInf(w, 0):
		return "infinity", g == w
	}
	d := math.Abs(g - w)
	tol := abs + rel*math.Abs(w)
	if d <= tol {
		return "", true
	}
	return fmt.Sprintf("diff %.3g > tolerance %.3g", d, tol), false
}

// ULP32 reports whether every got[i] is at most maxULP float32 units in the
// last place from want[i], failing t with the first mismatches otherwise.
// NaN matches NaN; +0 and -0 are 0 ulp apart.
func ULP32(t testing.TB, name string, got, want []float32, maxULP uint64) bool {
	t.Helper()
	return ulps(t, name, got, want, maxULP, ordered32)
}

// ULP64 is ULP32 for float64.
func ULP64(t testing.TB, name string, got, want []float64, maxULP uint64) bool {
	t.Helper()
	return ulps(t, name, got, want, maxULP, ordered64)
}

func ulps[F float32 | float64](t testing.TB, name string, got, want []F, maxULP uint64, ordered func(F) int64) bool {
	t.Helper()
	if !sameLen(t, name, len(got), len(want)) {
		return false
	}
	r := reporter{name: name}
	for i := range got {
		g, w := got[i], want[i]
		if g != g || w != w {
			if !(g != g && w != w) {
				r.add(i, g, w, "NaN")
			}
			continue
		}
		if d := ulpDist(ordered(g), ordered(w)); d > maxULP {
			r.add(i, g, w, fmt.Sprintf("%d ulp > %d", d, maxULP))
		}
	}
	return r.report(t, len(got))
}

// ordered32 maps a float32 to an integer that orders like the float, with
// adjacent floats adjacent and both zeros at 0.
func ordered32(f float32) int64 {
	b := int64(math.Float32bits(f))
	if b&(1<<31) != 0 {
		return -(b &^ (1 << 31))
	}
	return b
}

func ordered64(f float64) int64 {
	b := math.Float64bits(f)
	if b&(1<<63) != 0 {
		return -int64(b &^ (1 << 63))
	}
	return int64(b)
}

func ulpDist(a, b int64) uint64 {
	if a > b {
		return uint64(a) - uint64(b)
	}
	return uint64(b) - uint64(a)
}

// Same32 reports whether got and want hold the same float32 values,
// distinguishing -0 from +0 (which == does not), failing t with the first
// mismatches otherwise. Any NaN matches any NaN.
func Same32(t testing.TB, name string, got, want []float32) bool {
	t.Helper()
	if !sameLen(t, name, len(got), len(want)) {
		return false
	}
	r := reporter{name: name}
	for i := range got {
		g, w := got[i], want[i]
		if g != g && w != w {
			continue
		}
		if math.Float32bits(g) != math.Float32bits(w) {
			r.add(i, fmtSigned(float64(g)), fmtSigned(float64(w)), "")
		}
	}
	return r.report(t, len(got))
}

// Same64 is Same32 for float64.
func Same64(t testing.TB, name string, got, want []float64) bool {
	t.Helper()
	if !sameLen(t, name, len(got), len(want)) {
		return false
	}
	r := reporter{name: name}
	for i := range got {
		g, w := got[i], want[i]
		if g != g && w != w {
			continue
		}
		if math.Float64bits(g) != math.Float64bits(w) {
			r.add(i, fmtSigned(g), fmtSigned(w), "")
		}
	}
	return r.report(t, len(got))
}

// fmtSigned formats f showing the sign of zeros.
func fmtSigned(f float64) string {
	if f == 0 && math.Signbit(f) {
		return "-0"
	}
	return fmt.Sprint(f)
}

// Rand32 returns n float32 values uniform in [lo, hi), the same for the
// same seed.
func Rand32(seed uint64, n int, lo, hi float32) []float32 {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	xs := make([]float32, n)
	for i := range xs {
		xs[i] = lo + (hi-lo)*r.Float32()
	}
	return xs
}

// Rand64 returns n float64 values uniform in [lo, hi), the same for the
// same seed.
func Rand64(seed uint64, n int, lo, hi float64) []float64 {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = lo + (hi-lo)*r.Float64()
	}
	return xs
}

// RandInts returns n integers uniform in [lo, hi], both included (so the
// whole range of T is RandInts(seed, n, minT, maxT)), the same for the same
// seed. It panics if hi < lo.
func RandInts[T dc.Integer](seed uint64, n int, lo, hi T) []T {
	if hi < lo {
		panic(fmt.Sprintf("kerneltest: RandInts: hi %v < lo %v", hi, lo))
	}
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	// Two's complement: hi-lo as uint64 is the span for signed T too.
	span := uint64(hi) - uint64(lo)
	xs := make([]T, n)
	for i := range xs {
		var v uint64
		if span == math.MaxUint64 {
			v = r.Uint64()
		} else {
			v = r.Uint64N(span + 1)
		}
		xs[i] = T(uint64(lo) + v)
	}
	return xs
}

// Rand returns a generator seeded with seed, for inputs that the other
// functions do not cover.
func Rand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// Upload returns a buffer on dev holding a copy of xs, failing the test
// on error.
func Upload[T any](t testing.TB, dev *runtime.Device, xs []T) *runtime.Buffer[T] {
	t.Helper()
	b, err := runtime.BufferOf(dev, xs)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Read returns the contents of buffer b, failing the test on error.
func Read[T any](t testing.TB, b *runtime.Buffer[T]) []T {
	t.Helper()
	out := make([]T, b.Len())
	if err := b.Read(out); err != nil {
		t.Fatal(err)
	}
	return out
}

// Bits32 reports whether got and want hold the same float32 bit patterns,
// NaN payloads and signs included, failing t with the first mismatches
// otherwise.
func Bits32(t testing.TB, name string, got, want []float32) bool {
	t.Helper()
	if !sameLen(t, name, len(got), len(want)) {
		return false
	}
	r := reporter{name: name}
	for i := range got {
		g, w := math.Float32bits(got[i]), math.Float32bits(want[i])
		if g != w {
			r.add(i, fmt.Sprintf("%#08x (%v)", g, got[i]), fmt.Sprintf("%#08x (%v)", w, want[i]), "")
		}
	}
	return r.report(t, len(got))
}

// special32 are the float32 values Special32 mixes in: NaNs of both signs
// with different payloads (quiet and signalling), infinities, zeros of both
// signs, the smallest and largest subnormals, the smallest normal and the
// largest finite values.
var special32 = []float32{
	math.Float32frombits(0x7fc00000), math.Float32frombits(0xffc00000),
	math.Float32frombits(0x7fc12345), math.Float32frombits(0xff800001),
	math.Float32frombits(0x7f800000), math.Float32frombits(0xff800000),
	math.Float32frombits(0x00000000), math.Float32frombits(0x80000000),
	math.Float32frombits(0x00000001), math.Float32frombits(0x80000001),
	math.Float32frombits(0x007fffff), math.Float32frombits(0x807fffff),
	math.Float32frombits(0x00800000), math.Float32frombits(0x80800000),
	math.MaxFloat32, -math.MaxFloat32,
}

// Special32 returns n float32 values in [lo, hi) as Rand32 does, of which
// about one in four is instead one of the special values: NaNs of both
// signs with several payloads, infinities, -0 and +0, subnormals and the
// extremes of the finite range.
func Special32(seed uint64, n int, lo, hi float32) []float32 {
	xs := Rand32(seed, n, lo, hi)
	r := Rand(seed + 1)
	for i := range xs {
		if r.IntN(4) == 0 {
			xs[i] = special32[r.IntN(len(special32))]
		}
	}
	return xs
}
