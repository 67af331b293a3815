package kerneltest

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakeTB records failures instead of failing the real test.
type fakeTB struct {
	testing.TB
	errors []string
	logs   []string
	fatal  bool
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Logf(format string, args ...any) {
	f.logs = append(f.logs, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	f.fatal = true
}
func (f *fakeTB) Failed() bool { return len(f.errors) > 0 }

// check runs one comparison on a fake TB and checks its result and message.
func check(t *testing.T, name string, ok bool, f *fakeTB, wantOK bool, wantMsg string) {
	t.Helper()
	if ok != wantOK {
		t.Errorf("%s: returned %v, want %v", name, ok, wantOK)
	}
	if wantOK {
		if len(f.errors) != 0 {
			t.Errorf("%s: reported %q, want no failure", name, f.errors)
		}
		return
	}
	if len(f.errors) != 1 {
		t.Fatalf("%s: reported %d failures %q, want 1", name, len(f.errors), f.errors)
	}
	if diff := cmp.Diff(wantMsg, f.errors[0]); diff != "" {
		t.Errorf("%s: message mismatch (-want +got):\n%s", name, diff)
	}
}

func TestEqual(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name      string
		got, want []float64
		ok        bool
		msg       string
	}{
		{"equal", []float64{1, 2, 3}, []float64{1, 2, 3}, true, ""},
		{"empty", nil, []float64{}, true, ""},
		{"nan", []float64{nan, 1}, []float64{nan, 1}, true, ""},
		{"zeros", []float64{math.Copysign(0, -1)}, []float64{0}, true, ""},
		{"one", []float64{1, 5, 3}, []float64{1, 2, 3}, false, "x: 1 of 3 elements differ:\n  [1] got 5, want 2"},
		{"nan vs number", []float64{nan}, []float64{0}, false, "x: 1 of 1 elements differ:\n  [0] got NaN, want 0"},
		{"length", []float64{1}, []float64{1, 2}, false, "x: got 1 elements, want 2"},
	}
	for _, tt := range tests {
		f := &fakeTB{}
		ok := Equal(f, "x", tt.got, tt.want)
		check(t, tt.name, ok, f, tt.ok, tt.msg)
	}
}

func TestEqualStructs(t *testing.T) {
	type pair struct {
		A int32
		B float32
	}
	f := &fakeTB{}
	ok := Equal(f, "p", []pair{{1, 2}, {3, 4}}, []pair{{1, 2}, {3, 5}})
	check(t, "structs", ok, f, false, "p: 1 of 2 elements differ:\n  [1] got {A:3 B:4}, want {A:3 B:5}")
}

func TestEqualManyMismatches(t *testing.T) {
	got := make([]int, 100)
	want := make([]int, 100)
	for i := range want {
		want[i] = i + 1
	}
	f := &fakeTB{}
	if Equal(f, "many", got, want) {
		t.Fatal("Equal returned true for 100 mismatches")
	}
	if len(f.errors) != 1 {
		t.Fatalf("reported %d failures, want 1", len(f.errors))
	}
	msg := f.errors[0]
	if !strings.HasPrefix(msg, "many: 100 of 100 elements differ:\n  [0] got 0, want 1\n") {
		t.Errorf("message starts wrong:\n%s", msg)
	}
	if n := strings.Count(msg, "\n  ["); n != MaxReported {
		t.Errorf("message lists %d mismatches, want %d:\n%s", n, MaxReported, msg)
	}
	if !strings.HasSuffix(msg, "\n  ... and 92 more") {
		t.Errorf("message does not count the rest:\n%s", msg)
	}
}

func TestClose32(t *testing.T) {
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	tests := []struct {
		name      string
		got, want []float32
		rel, abs  float64
		ok        bool
		msg       string
	}{
		{"exact", []float32{1, -2}, []float32{1, -2}, 0, 0, true, ""},
		{"relative", []float32{100.001}, []float32{100}, 1e-5, 0, true, ""},
		{"absolute", []float32{1e-7}, []float32{0}, 0, 1e-6, true, ""},
		{"nan", []float32{nan}, []float32{nan}, 0, 0, true, ""},
		{"inf", []float32{inf, -inf}, []float32{inf, -inf}, 0, 0, true, ""},
		{"too far", []float32{1, 100.01}, []float32{1, 100}, 1e-5, 0, false,
			"y: 1 of 2 elements differ:\n  [1] got 100.01, want 100 (diff 0.01 > tolerance 0.001)"},
		{"inf sign", []float32{-inf}, []float32{inf}, 1, 1, false,
			"y: 1 of 1 elements differ:\n  [0] got -Inf, want +Inf (infinity)"},
		{"nan vs number", []float32{1}, []float32{nan}, 1, 1, false,
			"y: 1 of 1 elements differ:\n  [0] got 1, want NaN (NaN)"},
		{"length", []float32{1}, nil, 0, 0, false, "y: got 1 elements, want 0"},
	}
	for _, tt := range tests {
		f := &fakeTB{}
		ok := Close32(f, "y", tt.got, tt.want, tt.rel, tt.abs)
		check(t, tt.name, ok, f, tt.ok, tt.msg)
	}
}

func TestClose64(t *testing.T) {
	f := &fakeTB{}
	ok := Close64(f, "z", []float64{1, 2 + 1e-12, 3}, []float64{1, 2, 3}, 1e-9, 0)
	check(t, "close", ok, f, true, "")
	f = &fakeTB{}
	ok = Close64(f, "z", []float64{1, 2.5, 3}, []float64{1, 2, 3}, 1e-9, 0.1)
	check(t, "far", ok, f, false, "z: 1 of 3 elements differ:\n  [1] got 2.5, want 2 (diff 0.5 > tolerance 0.1)")
}

func TestULP(t *testing.T) {
	one := float32(1)
	next := math.Nextafter32(one, 2)
	next2 := math.Nextafter32(next, 2)
	f := &fakeTB{}
	check(t, "1 ulp", ULP32(f, "u", []float32{next}, []float32{one}, 1), f, true, "")
	f = &fakeTB{}
	check(t, "2 ulp", ULP32(f, "u", []float32{next2}, []float32{one}, 1), f, false,
		"u: 1 of 1 elements differ:\n  [0] got 1.0000002, want 1 (2 ulp > 1)")
	// Across zero: the smallest denormals on either side are 2 ulp apart.
	tiny := math.Float32frombits(1)
	f = &fakeTB{}
	check(t, "across zero", ULP32(f, "u", []float32{-tiny}, []float32{tiny}, 2), f, true, "")
	f = &fakeTB{}
	check(t, "zeros", ULP32(f, "u", []float32{float32(math.Copysign(0, -1))}, []float32{0}, 0), f, true, "")

	d := math.Nextafter(1, 2)
	f = &fakeTB{}
	check(t, "64 ok", ULP64(f, "v", []float64{d, math.NaN()}, []float64{1, math.NaN()}, 1), f, true, "")
	f = &fakeTB{}
	check(t, "64 far", ULP64(f, "v", []float64{-1}, []float64{1}, 4), f, false,
		"v: 1 of 1 elements differ:\n  [0] got -1, want 1 (9214364837600034816 ulp > 4)")
}

func TestSame(t *testing.T) {
	negZero := float32(math.Copysign(0, -1))
	f := &fakeTB{}
	check(t, "same", Same32(f, "s", []float32{negZero, 1, float32(math.NaN())}, []float32{negZero, 1, float32(math.NaN())}), f, true, "")
	f = &fakeTB{}
	check(t, "zero sign", Same32(f, "s", []float32{0}, []float32{negZero}), f, false,
		"s: 1 of 1 elements differ:\n  [0] got 0, want -0")
	f = &fakeTB{}
	check(t, "zero sign 64", Same64(f, "s", []float64{math.Copysign(0, -1)}, []float64{0}), f, false,
		"s: 1 of 1 elements differ:\n  [0] got -0, want 0")
}

func TestRand(t *testing.T) {
	a := Rand32(7, 1000, -2, 3)
	if diff := cmp.Diff(a, Rand32(7, 1000, -2, 3)); diff != "" {
		t.Errorf("Rand32 is not deterministic (-first +second):\n%s", diff)
	}
	if cmp.Equal(a, Rand32(8, 1000, -2, 3)) {
		t.Error("Rand32 gives the same values for seeds 7 and 8")
	}
	for i, x := range a {
		if x < -2 || x >= 3 {
			t.Fatalf("Rand32: [%d] = %v, outside [-2, 3)", i, x)
		}
	}
	for i, x := range Rand64(1, 1000, 10, 11) {
		if x < 10 || x >= 11 {
			t.Fatalf("Rand64: [%d] = %v, outside [10, 11)", i, x)
		}
	}
	seen := map[int8]bool{}
	for _, x := range RandInts[int8](3, 2000, -3, 2) {
		if x < -3 || x > 2 {
			t.Fatalf("RandInts: %d outside [-3, 2]", x)
		}
		seen[x] = true
	}
	if len(seen) != 6 {
		t.Errorf("RandInts[int8](-3, 2) gave %d distinct values, want all 6", len(seen))
	}
	// The whole range of a type, signed and unsigned.
	neg := false
	for _, x := range RandInts[int64](4, 100, math.MinInt64, math.MaxInt64) {
		neg = neg || x < 0
	}
	if !neg {
		t.Error("RandInts over all int64 gave no negative value in 100")
	}
	big := false
	for _, x := range RandInts[uint64](5, 100, 0, math.MaxUint64) {
		big = big || x > math.MaxInt64
	}
	if !big {
		t.Error("RandInts over all uint64 gave no value above MaxInt64 in 100")
	}
}

func TestDevices(t *testing.T) {
	f := &fakeTB{TB: t}
	devs := Devices(f)
	if f.Failed() {
		t.Fatalf("Devices failed: %q", f.errors)
	}
	names := map[string]bool{}
	for _, d := range devs {
		names[d.Backend()] = true
	}
	if !names["cpu"] {
		t.Errorf("Devices returned %v, want the cpu backend among them", names)
	}
	t.Logf("backends opened: %v; log: %q", names, f.logs)
}

func TestGrid1D(t *testing.T) {
	for _, c := range []struct{ n, group, groups int }{{1, 64, 1}, {64, 64, 1}, {65, 64, 2}, {1000, 256, 4}, {0, 32, 1}} {
		g := Grid1D(c.n, c.group)
		if g.Groups.X != c.groups || g.GroupSize.X != c.group || g.Groups.Y != 1 || g.Groups.Z != 1 || g.GroupSize.Y != 1 || g.GroupSize.Z != 1 {
			t.Errorf("Grid1D(%d, %d) = %+v, want %d groups of %d", c.n, c.group, g, c.groups, c.group)
		}
		if err := g.Validate(); err != nil {
			t.Errorf("Grid1D(%d, %d): %v", c.n, c.group, err)
		}
	}
}

// TestBits32 checks that Bits32 tells NaN payloads and zeros apart.
func TestBits32(t *testing.T) {
	nan1, nan2 := math.Float32frombits(0x7fc00000), math.Float32frombits(0x7fc00001)
	f := &fakeTB{}
	check(t, "same", Bits32(f, "x", []float32{nan1, 1, float32(math.Copysign(0, -1))}, []float32{nan1, 1, float32(math.Copysign(0, -1))}), f, true, "")
	f = &fakeTB{}
	if Bits32(f, "x", []float32{nan1}, []float32{nan2}) {
		t.Error("Bits32 matched NaNs of different payloads")
	}
	f = &fakeTB{}
	if Bits32(f, "x", []float32{0}, []float32{float32(math.Copysign(0, -1))}) {
		t.Error("Bits32 matched +0 and -0")
	}
}

// TestSpecial32 checks that Special32 mixes in every special value and
// keeps the others in range.
func TestSpecial32(t *testing.T) {
	xs := Special32(1, 4000, -2, 3)
	seen := map[uint32]bool{}
	for _, x := range xs {
		seen[math.Float32bits(x)] = true
	}
	for _, s := range special32 {
		if !seen[math.Float32bits(s)] {
			t.Errorf("no %#08x among 4000 values", math.Float32bits(s))
		}
	}
	ordinary := 0
	for _, x := range xs {
		if x >= -2 && x < 3 && x != 0 && math.Abs(float64(x)) >= 0x1p-126 {
			ordinary++
		}
	}
	if ordinary < 2000 || ordinary == len(xs) {
		t.Errorf("%d of %d values are ordinary, want most but not all", ordinary, len(xs))
	}
}
