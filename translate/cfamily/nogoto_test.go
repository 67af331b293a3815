package cfamily_test

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/dotcompute/dc"
	oclbackend "github.com/dotcompute/dc/backends/opencl"
	"github.com/dotcompute/dc/gen"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
	"github.com/dotcompute/dc/translate"
	"github.com/dotcompute/dc/translate/cfamily"
	"github.com/dotcompute/dc/translate/ir"
	"github.com/dotcompute/dc/translate/opencl"
)

// TestNoGotoRunsLikeGoto runs the goto-free printing of labelled break
// and continue (Dialect.NoGoto, which MSL uses) where it can run here: it
// prints the golden kernels that need it as OpenCL C twice, with gotos
// and with NoGoto set, runs both on PoCL with the same inputs and
// requires the same outputs. The golden tests check the goto printing
// against dc.Emulate.
func TestNoGotoRunsLikeGoto(t *testing.T) {
	dev := openOpenCL(t)
	r := kerneltest.Rand(7)
	ints32 := func(n int, lo, hi int32) []int32 {
		xs := make([]int32, n)
		for i := range xs {
			xs[i] = lo + r.Int32N(hi-lo+1)
		}
		return xs
	}
	ints64 := func(n int, lo, hi int64) []int64 {
		xs := make([]int64, n)
		for i := range xs {
			xs[i] = lo + r.Int64N(hi-lo+1)
		}
		return xs
	}
	const threads = 128
	grid := dc.Grid{Groups: dc.Dim3{X: threads / 64, Y: 1, Z: 1}, GroupSize: dc.Dim3{X: 64, Y: 1, Z: 1}}
	cases := []struct {
		dir, kernel string
		args        []any // []int32, []int64 (buffers) or scalars
	}{
		{"control", "FindFirst", []any{ints32(threads*12, -2, 5), 3, 4, int32(3), make([]int32, 2*threads)}},
		{"control", "Scan", []any{ints32(threads, -100, 100), make([]int32, 2*threads)}},
		{"edge2", "SwitchLoop", []any{ints64(threads, -20, 20), make([]int64, threads)}},
		{"barriers", "OuterBreak", []any{ints32(threads, -1000, 1000), make([]int32, threads), 3}},
		{"barriers", "OuterBreak", []any{ints32(threads, -1000, 1000), make([]int32, threads), -1}},
	}
	progs := map[string]*ir.Program{}
	for ci, c := range cases {
		prog := progs[c.dir]
		if prog == nil {
			pkgs, err := gen.Load(gen.Config{Dir: "../../testdata/golden/" + c.dir})
			if err != nil || len(pkgs) != 1 {
				t.Fatalf("loading %s: %v", c.dir, err)
			}
			if prog, err = translate.Translate(pkgs[0].Input); err != nil {
				t.Fatal(err)
			}
			progs[c.dir] = prog
		}
		var k *ir.Kernel
		for _, pk := range prog.Kernels {
			if pk.Name == c.kernel {
				k = pk
			}
		}
		if k == nil {
			t.Fatalf("%s has no kernel %s", c.dir, c.kernel)
		}
		withGoto, err := cfamily.Print(opencl.Dialect, prog)
		if err != nil {
			t.Fatal(err)
		}
		d := *opencl.Dialect
		d.NoGoto = true
		noGoto, err := cfamily.Print(&d, prog)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(kernelText(withGoto, c.kernel), "goto ") || strings.Contains(noGoto, "goto ") {
			t.Fatalf("%s: the goto printing of %s has no goto, or the NoGoto printing has one", c.dir, c.kernel)
		}
		want := run(t, dev, k, withGoto, grid, c.args)
		got := run(t, dev, k, noGoto, grid, c.args)
		if !slices.ContainsFunc(want, func(b []int64) bool { return slices.ContainsFunc(b, func(v int64) bool { return v != 0 }) }) {
			t.Fatalf("%s %s wrote nothing", c.dir, c.kernel)
		}
		for i := range want {
			kerneltest.Equal(t, fmt.Sprintf("case %d, %s %s: buffer %d", ci, c.dir, c.kernel, i), got[i], want[i])
		}
	}
}

// openOpenCL opens the OpenCL device, closed when the test ends, or skips
// the test when there is none, unless DC_REQUIRE_OPENCL=1.
func openOpenCL(t *testing.T) *runtime.Device {
	t.Helper()
	dev, err := runtime.Open(runtime.WithBackend("opencl"))
	if err != nil {
		if errors.Is(err, oclbackend.ErrUnavailable) && os.Getenv("DC_REQUIRE_OPENCL") != "1" {
			t.Skipf("no OpenCL platform (install pocl-opencl-icd ocl-icd-libopencl1): %v", err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() { dev.Close() })
	return dev
}

// kernelText returns the OpenCL C definition of kernel name in src.
func kernelText(src, name string) string {
	_, rest, ok := strings.Cut(src, "__kernel void "+name+"(")
	if !ok {
		return ""
	}
	body, _, _ := strings.Cut(rest, "\n}\n")
	return body
}

// run launches kernel k, compiled from src, with args, and returns the
// contents of every buffer afterwards as int64s.
func run(t *testing.T, dev *runtime.Device, k *ir.Kernel, src string, g dc.Grid, args []any) [][]int64 {
	t.Helper()
	m := &runtime.Module{Package: "nogoto", OpenCL: src}
	rk := &runtime.Kernel{Module: m, Name: k.Name, Barrier: k.Barrier, Checked: k.Checked}
	for _, s := range k.Shared {
		rk.SharedBytes += s.Bytes()
	}
	var launch []runtime.Arg
	var reads []func() []int64
	for i, p := range k.Params {
		param := runtime.Param{Name: p.Name, Written: p.Written}
		switch a := args[i].(type) {
		case []int32:
			b, err := runtime.BufferOf(dev, a)
			if err != nil {
				t.Fatal(err)
			}
			param.Kind, param.Size = runtime.BufferParam, 4
			launch = append(launch, b)
			reads = append(reads, func() []int64 {
				var out []int64
				for _, v := range kerneltest.Read(t, b) {
					out = append(out, int64(v))
				}
				return out
			})
		case []int64:
			b, err := runtime.BufferOf(dev, a)
			if err != nil {
				t.Fatal(err)
			}
			param.Kind, param.Size = runtime.BufferParam, 8
			launch = append(launch, b)
			reads = append(reads, func() []int64 { return slices.Clone(kerneltest.Read(t, b)) })
		case int:
			param.Kind, param.Size = runtime.ScalarParam, 8
			launch = append(launch, runtime.Scalar(a))
		case int32:
			param.Kind, param.Size = runtime.ScalarParam, 4
			launch = append(launch, runtime.Scalar(a))
		default:
			t.Fatalf("argument %d: %T", i, a)
		}
		if _, ok := p.Type.(*ir.Slice); ok != (param.Kind == runtime.BufferParam) {
			t.Fatalf("kernel %s: argument %d (%T) does not match parameter %s", k.Name, i, args[i], p.Name)
		}
		rk.Params = append(rk.Params, param)
	}
	if err := dev.Launch(rk, g, launch, nil); err != nil {
		t.Fatal(err)
	}
	var out [][]int64
	for _, read := range reads {
		out = append(out, read())
	}
	return out
}
