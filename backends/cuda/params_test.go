package cuda

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/gen"
	"github.com/dotcompute/dc/runtime"
	"github.com/dotcompute/dc/translate"
	"github.com/dotcompute/dc/translate/ir"
)

// ptxParam is one .param of a PTX entry: its size and alignment in bytes.
type ptxParam struct{ size, align int }

var (
	ptxEntryRE = regexp.MustCompile(`\.entry\s+([A-Za-z_$][\w$]*)\s*\(`)
	ptxParamRE = regexp.MustCompile(`^\s*\.param\s+(?:\.align\s+(\d+)\s+)?\.([a-z]+)(\d+)\s+[\w$]+(?:\[(\d+)\])?`)
)

// ptxEntries returns the parameters of every .entry of ptx, in order.
func ptxEntries(t *testing.T, ptx string) map[string][]ptxParam {
	t.Helper()
	entries := map[string][]ptxParam{}
	lines := strings.Split(ptx, "\n")
	for i := 0; i < len(lines); i++ {
		m := ptxEntryRE.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		name := m[1]
		entries[name] = []ptxParam{}
		for i++; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), ")"); i++ {
			p := ptxParamRE.FindStringSubmatch(lines[i])
			if p == nil {
				t.Fatalf("entry %s: cannot parse PTX parameter %q", name, lines[i])
			}
			bits, _ := strconv.Atoi(p[3])
			size := bits / 8
			align := size
			if p[1] != "" {
				align, _ = strconv.Atoi(p[1])
			}
			if p[4] != "" {
				n, _ := strconv.Atoi(p[4])
				size *= n
			}
			entries[name] = append(entries[name], ptxParam{size: size, align: align})
		}
	}
	return entries
}

// kernelParams returns the runtime parameters of k as dckgen declares
// them, with the fault record and tag the runtime appends to a checked
// kernel's.
func kernelParams(k *ir.Kernel) []runtime.Param {
	var ps []runtime.Param
	for _, p := range k.Params {
		if s, ok := p.Type.(*ir.Slice); ok {
			ps = append(ps, runtime.Param{Name: p.Name, Kind: runtime.BufferParam, Size: ir.SizeOf(s.Elem), Written: p.Written})
		} else {
			ps = append(ps, runtime.Param{Name: p.Name, Kind: runtime.ScalarParam, Size: ir.SizeOf(p.Type)})
		}
	}
	if k.Checked {
		ps = append(ps,
			runtime.Param{Name: "dc_fault", Kind: runtime.BufferParam, Size: 4, Written: true},
			runtime.Param{Name: "dc_tag", Kind: runtime.ScalarParam, Size: 4})
	}
	return ps
}

// fakeCall returns a launch of a kernel with parameters ps whose every
// argument holds a distinct value: buffers distinct pointers and lengths,
// scalars distinct byte patterns.
func fakeCall(name string, ps []runtime.Param) *runtime.Call {
	c := &runtime.Call{Kernel: &runtime.Kernel{Name: name, Params: ps}, Entry: name, Grid: dc.Grid1D(1)}
	for i, p := range ps {
		var a runtime.CallArg
		switch p.Kind {
		case runtime.BufferParam:
			a.Memory = &memory{ptr: uintptr(0x7f00_0000_0000 + 0x1_0000*i), size: 64}
			a.Len = 1000 + i
		case runtime.ScalarParam:
			a.Scalar = make([]byte, p.Size)
			for j := range a.Scalar {
				a.Scalar[j] = byte(17*i + j + 1)
			}
		}
		c.Args = append(c.Args, a)
	}
	return c
}

// TestParamsMatchPTX packs a launch of every kernel of every golden case
// and of kernels/ and checks the result against the parameters NVRTC
// declares in the PTX of each entry point: as many, each of the same size
// and at most 8-byte aligned (the arena's alignment), holding the device
// pointer and length of each buffer and the Go bytes of each scalar.
func TestParamsMatchPTX(t *testing.T) {
	n := loadOrSkip(t)
	pkgs, err := gen.Load(gen.Config{Dir: "../..", Patterns: []string{"./testdata/golden/...", "./kernels"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) < 10 {
		t.Fatalf("loaded %d packages, want the golden cases and kernels/", len(pkgs))
	}
	for _, p := range pkgs {
		prog, err := translate.Translate(p.Input)
		if err != nil {
			t.Fatalf("%s: %v", p.Path, err)
		}
		if len(prog.Kernels) == 0 {
			continue
		}
		t.Run(filepath.Base(p.Dir), func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(filepath.Join(p.Dir, strings.TrimSuffix(gen.GoFile, ".go")+".cu"))
			if err != nil {
				t.Fatal(err)
			}
			c, err := n.Compile(string(src), "params.cu", "-arch=compute_80", "-std=c++17")
			if err != nil {
				t.Fatal(err)
			}
			entries := ptxEntries(t, string(c.PTX))
			for _, k := range prog.Kernels {
				ps := kernelParams(k)
				found := 0
				for _, suffix := range []string{"", runtime.FastSuffix, "_aliased", "_aliased" + runtime.FastSuffix} {
					want, ok := entries[k.Name+suffix]
					if !ok {
						continue
					}
					found++
					checkPacked(t, k.Name+suffix, ps, want)
				}
				if found == 0 {
					t.Errorf("kernel %s: no entry point in the PTX", k.Name)
				}
			}
		})
	}
}

// checkPacked packs a fake launch of entry with parameters ps and compares
// it with the PTX parameters want.
func checkPacked(t *testing.T, entry string, ps []runtime.Param, want []ptxParam) {
	t.Helper()
	call := fakeCall(entry, ps)
	var pp params
	if err := pp.pack(call); err != nil {
		t.Fatalf("%s: pack: %v", entry, err)
	}
	if len(pp.ptrs) != len(want) {
		t.Fatalf("%s: packed %d parameters %v, the PTX declares %d %v", entry, len(pp.ptrs), pp.sizes, len(want), want)
	}
	j := 0
	for i, p := range ps {
		arg := call.Args[i]
		switch p.Kind {
		case runtime.BufferParam:
			for _, v := range []uint64{uint64(arg.Memory.(*memory).ptr), uint64(arg.Len)} {
				if want[j].size != 8 || pp.sizes[j] != 8 {
					t.Errorf("%s: %s: packed %d bytes, PTX parameter %d has %d", entry, p.Name, pp.sizes[j], j, want[j].size)
				}
				if got := *(*uint64)(pp.ptrs[j]); got != v {
					t.Errorf("%s: %s: parameter %d holds %#x, want %#x", entry, p.Name, j, got, v)
				}
				j++
			}
		case runtime.ScalarParam:
			if pp.sizes[j] != want[j].size {
				t.Errorf("%s: scalar %s: packed %d bytes, PTX parameter %d has %d", entry, p.Name, pp.sizes[j], j, want[j].size)
			}
			if want[j].align > 8 || uintptr(pp.ptrs[j])%uintptr(want[j].align) != 0 {
				t.Errorf("%s: scalar %s: PTX wants %d-byte alignment, packed at %p", entry, p.Name, want[j].align, pp.ptrs[j])
			}
			if got := unsafe.Slice((*byte)(pp.ptrs[j]), len(arg.Scalar)); !bytes.Equal(got, arg.Scalar) {
				t.Errorf("%s: scalar %s: packed % x, want % x", entry, p.Name, got, arg.Scalar)
			}
			j++
		}
	}
}

// TestParamsNoAllocs checks that packing a launch allocates nothing once
// the arena has grown to the kernel's size.
func TestParamsNoAllocs(t *testing.T) {
	ps := []runtime.Param{
		{Name: "a", Kind: runtime.ScalarParam, Size: 4},
		{Name: "x", Kind: runtime.BufferParam, Size: 4},
		{Name: "y", Kind: runtime.BufferParam, Size: 4, Written: true},
		{Name: "s", Kind: runtime.ScalarParam, Size: 24},
	}
	call := fakeCall("K", ps)
	var pp params
	if err := pp.pack(call); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		if err := pp.pack(call); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("pack allocates %v times per launch, want 0", allocs)
	}
	if got, want := fmt.Sprint(pp.sizes), "[4 8 8 8 8 24]"; got != want {
		t.Errorf("sizes = %s, want %s", got, want)
	}
}

// TestParamsErrors checks what pack refuses.
func TestParamsErrors(t *testing.T) {
	ps := []runtime.Param{{Name: "x", Kind: runtime.BufferParam, Size: 4}}
	call := fakeCall("K", ps)
	call.Args[0].Memory = nil
	var pp params
	if err := pp.pack(call); err == nil || !strings.Contains(err.Error(), "argument x") {
		t.Errorf("nil memory: got %v", err)
	}
	call = fakeCall("K", ps)
	call.Args[0].Memory.(*memory).freed = true
	if err := pp.pack(call); err == nil || !strings.Contains(err.Error(), "freed") {
		t.Errorf("freed memory: got %v", err)
	}
	call = fakeCall("K", ps)
	call.Args = nil
	if err := pp.pack(call); err == nil {
		t.Error("missing arguments: no error")
	}
}
