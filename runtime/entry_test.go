package runtime_test

import (
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/runtime"
)

// entryBackend is a host-memory backend that records the entry point of
// each launch.
type entryBackend struct{ entries []string }

type entryDriver struct{ b *entryBackend }

func (d entryDriver) Open() (runtime.Backend, error) { return d.b, nil }

func (b *entryBackend) Info() runtime.DeviceInfo {
	return runtime.DeviceInfo{Name: "entry", MaxGroupSize: 256, MaxGroupDims: dc.Dim3{X: 256, Y: 256, Z: 64}, SharedMemoryBytes: 1024, HostMemory: true}
}
func (b *entryBackend) Alloc(int64) (runtime.Memory, error) { panic("host memory: no Alloc") }
func (b *entryBackend) Launch(c *runtime.Call) error {
	b.entries = append(b.entries, c.Entry)
	return nil
}
func (b *entryBackend) Sync() error  { return nil }
func (b *entryBackend) Close() error { return nil }

var recorder = &entryBackend{}

func init() { runtime.Register("entry-test", -1, entryDriver{recorder}) }

// TestAliasedEntry checks that a launch passing one buffer to a read-only
// and a written parameter runs the kernel's aliased entry point (no
// restrict pointers), and every other launch the restrict one.
func TestAliasedEntry(t *testing.T) {
	dev, err := runtime.Open(runtime.WithBackend("entry-test"))
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	k := &runtime.Kernel{
		Module:  &runtime.Module{Package: "p"},
		Name:    "K",
		Aliased: "K_aliased",
		Params: []runtime.Param{
			{Name: "in", Kind: runtime.BufferParam, Size: 4},
			{Name: "out", Kind: runtime.BufferParam, Size: 4, Written: true},
			{Name: "more", Kind: runtime.BufferParam, Size: 4},
		},
	}
	a, _ := runtime.NewBuffer[float32](dev, 4)
	b, _ := runtime.NewBuffer[float32](dev, 4)
	c, _ := runtime.NewBuffer[float32](dev, 4)
	for _, tc := range []struct {
		args []runtime.Arg
		want string
	}{
		{[]runtime.Arg{a, b, c}, "K"},
		{[]runtime.Arg{a, a, c}, "K_aliased"},
		{[]runtime.Arg{a, b, b}, "K_aliased"},
		{[]runtime.Arg{a, b, a}, "K"}, // two read-only uses of one buffer are fine
	} {
		recorder.entries = nil
		if err := dev.Launch(k, dc.Grid1D(4), tc.args, nil); err != nil {
			t.Fatal(err)
		}
		if len(recorder.entries) != 1 || recorder.entries[0] != tc.want {
			t.Errorf("entries %v, want [%s]", recorder.entries, tc.want)
		}
	}
	k.Aliased = ""
	recorder.entries = nil
	if err := dev.Launch(k, dc.Grid1D(4), []runtime.Arg{a, a, c}, nil); err != nil {
		t.Fatal(err)
	}
	if recorder.entries[0] != "K" {
		t.Errorf("without an aliased variant the entry is %q, want K", recorder.entries[0])
	}
}

// TestCallAliased checks Call.Aliased on every entry point of a kernel.
func TestCallAliased(t *testing.T) {
	k := &runtime.Kernel{Name: "K", Aliased: "K_aliased"}
	for _, tc := range []struct {
		entry string
		want  bool
	}{
		{"K", false},
		{"K" + runtime.FastSuffix, false},
		{"K_aliased", true},
		{"K_aliased" + runtime.FastSuffix, true},
		{"K_aliased_other", false},
	} {
		c := &runtime.Call{Kernel: k, Entry: tc.entry}
		if got := c.Aliased(); got != tc.want {
			t.Errorf("Entry %q: Aliased() = %v, want %v", tc.entry, got, tc.want)
		}
	}
	if (&runtime.Call{Kernel: &runtime.Kernel{Name: "K"}, Entry: "K"}).Aliased() {
		t.Error("a kernel without an aliased entry point: Aliased() = true")
	}
	if (&runtime.Call{}).Aliased() {
		t.Error("a Call without a kernel: Aliased() = true")
	}
}
