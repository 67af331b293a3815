package kerneltest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dotcompute/dc/runtime"
	"github.com/google/go-cmp/cmp"
)

// devicesMissing is a backend registered by this test whose driver reports
// a missing native library, as a backend does on a machine without its
// driver. Its priority is below the CPU's, so runtime.Open never picks it.
const devicesMissing = "kerneltest-missing"

// errDevicesMissing is the error devicesMissing's driver returns.
var errDevicesMissing = errors.New("kerneltest-missing: libmissing.so: not found")

// missingDriver is the Driver of devicesMissing.
type missingDriver struct{}

func (missingDriver) Open() (runtime.Backend, error) { return nil, errDevicesMissing }

func init() { runtime.Register(devicesMissing, runtime.PriorityCPU-1, missingDriver{}) }

// devicesTB records the Fatalf and Logf calls of Devices and passes every
// other call, Cleanup included, to the real test.
type devicesTB struct {
	*testing.T
	fatals []string
	logs   []string
}

func (d *devicesTB) Fatalf(format string, args ...any) {
	d.fatals = append(d.fatals, fmt.Sprintf(format, args...))
}

func (d *devicesTB) Logf(format string, args ...any) {
	d.logs = append(d.logs, fmt.Sprintf(format, args...))
}

// backendsOf returns the backend names of devs.
func backendsOf(devs []*runtime.Device) []string {
	var names []string
	for _, dev := range devs {
		names = append(names, dev.Backend())
	}
	return names
}

func TestDevicesFilter(t *testing.T) {
	var left []string
	for _, name := range runtime.Backends() {
		if name != "cpu" {
			left = append(left, name)
		}
	}
	// shown is how the log quotes DC_TEST_BACKENDS: names without spaces.
	for _, tt := range []struct{ env, shown string }{{"cpu", "cpu"}, {" cpu , ", "cpu"}, {"cpu,cpu", "cpu,cpu"}} {
		t.Setenv("DC_TEST_BACKENDS", tt.env)
		t.Setenv("DC_REQUIRE_BACKENDS", "")
		tb := &devicesTB{T: t}
		devs := Devices(tb)
		if len(tb.fatals) != 0 {
			t.Fatalf("DC_TEST_BACKENDS=%q: Devices failed the test: %q", tt.env, tb.fatals)
		}
		if diff := cmp.Diff([]string{"cpu"}, backendsOf(devs)); diff != "" {
			t.Errorf("DC_TEST_BACKENDS=%q: backends mismatch (-want +got):\n%s", tt.env, diff)
		}
		want := "kerneltest: backends left out by DC_TEST_BACKENDS=" + tt.shown + ": " + strings.Join(left, ", ")
		if !slices.Contains(tb.logs, want) {
			t.Errorf("DC_TEST_BACKENDS=%q: log %q lacks %q", tt.env, tb.logs, want)
		}
	}
}

func TestDevicesUnfiltered(t *testing.T) {
	t.Setenv("DC_TEST_BACKENDS", "")
	t.Setenv("DC_REQUIRE_BACKENDS", "cpu")
	tb := &devicesTB{T: t}
	got := backendsOf(Devices(tb))
	if len(tb.fatals) != 0 {
		t.Fatalf("Devices failed the test: %q", tb.fatals)
	}
	// Every registered backend is either returned or named as unopenable.
	var notOpened string
	for _, l := range tb.logs {
		if s, ok := strings.CutPrefix(l, "kerneltest: backends not tested, they could not be opened: "); ok {
			notOpened = s
		}
	}
	for _, name := range runtime.Backends() {
		opened := slices.Contains(got, name)
		logged := strings.Contains(notOpened, name+" (")
		if opened == logged {
			t.Errorf("backend %s: returned %v, logged as not opening %v; want exactly one", name, opened, logged)
		}
	}
	if !strings.Contains(notOpened, devicesMissing+" (runtime: open backend "+devicesMissing+": "+errDevicesMissing.Error()+")") {
		t.Errorf("log of unopened backends %q lacks %s with its error", notOpened, devicesMissing)
	}
}

func TestDevicesErrors(t *testing.T) {
	registered := strings.Join(runtime.Backends(), ", ")
	tests := []struct {
		only, required string
		want           string
	}{
		{"nosuch", "", "kerneltest: DC_TEST_BACKENDS names nosuch, which is not a registered backend (registered: " + registered + ")"},
		{"cpu,nosuch", "", "kerneltest: DC_TEST_BACKENDS names nosuch, which is not a registered backend (registered: " + registered + ")"},
		{"", "nosuch", "kerneltest: DC_REQUIRE_BACKENDS names nosuch, which is not a registered backend (registered: " + registered + ")"},
		{"cpu", "nosuch", "kerneltest: DC_REQUIRE_BACKENDS names nosuch, which is not a registered backend (registered: " + registered + ")"},
		{"cpu", devicesMissing, "kerneltest: DC_REQUIRE_BACKENDS names kerneltest-missing, which DC_TEST_BACKENDS=cpu leaves out"},
		{"cpu," + devicesMissing, devicesMissing, "kerneltest: DC_REQUIRE_BACKENDS names kerneltest-missing, which does not open: runtime: open backend kerneltest-missing: " + errDevicesMissing.Error()},
		{"", devicesMissing, "kerneltest: DC_REQUIRE_BACKENDS names kerneltest-missing, which does not open: runtime: open backend kerneltest-missing: " + errDevicesMissing.Error()},
		{devicesMissing, "", "kerneltest: no backend of DC_TEST_BACKENDS=kerneltest-missing opens (registered: [" + strings.Join(runtime.Backends(), " ") + "])"},
	}
	for _, tt := range tests {
		t.Setenv("DC_TEST_BACKENDS", tt.only)
		t.Setenv("DC_REQUIRE_BACKENDS", tt.required)
		tb := &devicesTB{T: t}
		devs := Devices(tb)
		if devs != nil {
			t.Errorf("DC_TEST_BACKENDS=%q DC_REQUIRE_BACKENDS=%q: got devices %v, want none", tt.only, tt.required, backendsOf(devs))
		}
		if diff := cmp.Diff([]string{tt.want}, tb.fatals); diff != "" {
			t.Errorf("DC_TEST_BACKENDS=%q DC_REQUIRE_BACKENDS=%q: failure mismatch (-want +got):\n%s", tt.only, tt.required, diff)
		}
	}
}
