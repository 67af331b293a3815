package cfamily_test

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/gen"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/internal/smith"
	"github.com/dotcompute/dc/runtime"
	"github.com/dotcompute/dc/translate"
	"github.com/dotcompute/dc/translate/cfamily"
	"github.com/dotcompute/dc/translate/ir"
	"github.com/dotcompute/dc/translate/opencl"
)

// TestNoGotoSmith is TestNoGotoRunsLikeGoto over random control flow: the
// kernels of internal/smith packages that print a goto in OpenCL C run on
// PoCL printed with and without NoGoto, on the same random arguments, and
// must leave the same bytes in every buffer and report the same faults.
// DC_NOGOTO_SEEDS=N runs N packages (default 8).
func TestNoGotoSmith(t *testing.T) {
	if testing.Short() {
		t.Skip("generates, loads and builds packages; skipped in -short mode")
	}
	dev := openOpenCL(t)
	dir, err := os.MkdirTemp(".", ".nogoto-smith-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	const threads, group = 300, 128
	g := kerneltest.Grid1D(threads, group)
	compared := 0
	seeds := uint64(8)
	if v := os.Getenv("DC_NOGOTO_SEEDS"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("DC_NOGOTO_SEEDS=%q: %v", v, err)
		}
		seeds = n
	}
	for seed := uint64(1); seed <= seeds; seed++ {
		name := fmt.Sprintf("q%d", seed)
		files, err := smith.Generate(smith.Config{Seed: seed, Package: name, Kernels: 8})
		if err != nil {
			t.Fatal(err)
		}
		pdir := filepath.Join(dir, name)
		if err := os.MkdirAll(pdir, 0o755); err != nil {
			t.Fatal(err)
		}
		for base, src := range files {
			if strings.HasSuffix(base, "_test.go") {
				continue // the differential test of the package, which needs dckgen's output
			}
			if err := os.WriteFile(filepath.Join(pdir, base), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		pkgs, err := gen.Load(gen.Config{Dir: pdir})
		if err != nil || len(pkgs) != 1 {
			t.Fatalf("seed %d: loading: %v", seed, err)
		}
		prog, err := translate.Translate(pkgs[0].Input)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
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
		r := rand.New(rand.NewPCG(seed, 99))
		for _, k := range prog.Kernels {
			if !strings.Contains(kernelText(withGoto, k.Name), "goto ") {
				continue
			}
			if k.Barrier {
				// PoCL 3.1 crashes (an assertion in its barrier regions) or
				// miscomputes on some kernels with barriers and early exits,
				// whichever way they print (see internal/smith).
				continue
			}
			fits := true
			for _, p := range k.Params {
				elem := p.Type
				if s, ok := p.Type.(*ir.Slice); ok {
					elem = s.Elem
				}
				fits = fits && ir.SizeOf(elem) >= 1 && ir.SizeOf(elem) <= 64
			}
			if !fits {
				t.Logf("seed %d kernel %s: a parameter's type is over 64 bytes, not run", seed, k.Name)
				continue
			}
			var raws [][]byte
			for _, p := range k.Params {
				n := int64(1)
				elem := p.Type
				if s, ok := p.Type.(*ir.Slice); ok {
					n, elem = 4*threads, s.Elem
				}
				raw := make([]byte, n*ir.SizeOf(elem))
				for i := int64(0); i < n; i++ {
					fillIR(r, elem, raw[i*ir.SizeOf(elem):(i+1)*ir.SizeOf(elem)])
				}
				raws = append(raws, raw)
			}
			want, wantErr := runRaw(t, dev, prog, k, withGoto, g, raws)
			got, gotErr := runRaw(t, dev, prog, k, noGoto, g, raws)
			where := fmt.Sprintf("seed %d kernel %s", seed, k.Name)
			if fmt.Sprint(wantErr) != fmt.Sprint(gotErr) {
				t.Errorf("%s: with goto: %v; without: %v", where, wantErr, gotErr)
			}
			for i := range want {
				s, ok := k.Params[i].Type.(*ir.Slice)
				if !ok {
					continue
				}
				// Struct padding is left as each program leaves it.
				size := ir.SizeOf(s.Elem)
				mask := make([]bool, size)
				valueBytes(s.Elem, mask)
				for j := range want[i] {
					if mask[int64(j)%size] && got[i][j] != want[i][j] {
						t.Errorf("%s: buffer %s differs between the goto and the NoGoto printing at byte %d", where, k.Params[i].Name, j)
						break
					}
				}
			}
			compared++
		}
	}
	t.Logf("compared %d kernels", compared)
	if compared < 5 {
		t.Errorf("only %d generated kernels print a goto; the test needs more seeds", compared)
	}
}

// fillIR sets b to a random value of type t: integers anything, floats
// small or special, bools 0 or 1.
func fillIR(r *rand.Rand, t ir.Type, b []byte) {
	switch t := t.(type) {
	case *ir.Basic:
		switch t.Kind {
		case ir.Bool:
			b[0] = byte(r.IntN(2))
		case ir.Float32:
			binary.LittleEndian.PutUint32(b, math.Float32bits(float32(randFloat(r))))
		case ir.Float64:
			binary.LittleEndian.PutUint64(b, math.Float64bits(randFloat(r)))
		default:
			for i := range b {
				b[i] = byte(r.Uint32())
			}
			if r.IntN(2) == 0 { // small values too
				clear(b)
				b[0] = byte(r.IntN(17))
			}
		}
	case *ir.Array:
		n := ir.SizeOf(t.Elem)
		for i := int64(0); i < t.Len; i++ {
			fillIR(r, t.Elem, b[i*n:(i+1)*n])
		}
	case *ir.Struct:
		for _, f := range t.Fields {
			fillIR(r, f.Type, b[f.Offset:f.Offset+ir.SizeOf(f.Type)])
		}
	}
}

// valueBytes sets mask[i] for each byte of a value of type t that is not
// struct padding.
func valueBytes(t ir.Type, mask []bool) {
	switch t := t.(type) {
	case *ir.Array:
		n := ir.SizeOf(t.Elem)
		for i := int64(0); i < t.Len; i++ {
			valueBytes(t.Elem, mask[i*n:(i+1)*n])
		}
	case *ir.Struct:
		for _, f := range t.Fields {
			valueBytes(f.Type, mask[f.Offset:f.Offset+ir.SizeOf(f.Type)])
		}
	default:
		for i := range mask {
			mask[i] = true
		}
	}
}

func randFloat(r *rand.Rand) float64 {
	switch r.IntN(8) {
	case 0:
		return []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1)}[r.IntN(4)]
	case 1:
		return float64(r.IntN(2001) - 1000)
	}
	return float64(r.IntN(257)-128) / 16
}

// runRaw launches kernel k of prog, built from src, with the arguments'
// bytes raws, and returns every buffer's bytes afterwards and the error
// of the launch or of reading the buffers (a fault).
func runRaw(t *testing.T, dev *runtime.Device, prog *ir.Program, k *ir.Kernel, src string, g dc.Grid, raws [][]byte) ([][]byte, error) {
	t.Helper()
	m := &runtime.Module{Package: "nogoto", OpenCL: src}
	for range prog.Checks {
		m.Checks = append(m.Checks, runtime.CheckSite{})
	}
	rk := &runtime.Kernel{Module: m, Name: k.Name, Barrier: k.Barrier, Checked: k.Checked}
	for _, s := range k.Shared {
		rk.SharedBytes += s.Bytes()
	}
	var args []runtime.Arg
	var reads []func() ([]byte, error)
	for i, p := range k.Params {
		elem, scalar := p.Type, true
		if s, ok := p.Type.(*ir.Slice); ok {
			elem, scalar = s.Elem, false
		}
		size := ir.SizeOf(elem)
		arg, read := rawArgOfSize(t, dev, int(size), raws[i], scalar)
		if arg == nil {
			t.Fatalf("kernel %s: no test type of %d bytes for parameter %s", k.Name, size, p.Name)
		}
		param := runtime.Param{Name: p.Name, Kind: runtime.ScalarParam, Size: size, Written: p.Written}
		if !scalar {
			param.Kind = runtime.BufferParam
			reads = append(reads, read)
		} else {
			reads = append(reads, func() ([]byte, error) { return nil, nil })
		}
		rk.Params = append(rk.Params, param)
		args = append(args, arg)
	}
	if err := dev.Launch(rk, g, args, nil); err != nil {
		return nil, err
	}
	var out [][]byte
	for _, read := range reads {
		b, err := read()
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// rawArg returns raw as a scalar of type E, or as a buffer of E and a
// function that reads the buffer back as bytes.
func rawArg[E any](t *testing.T, dev *runtime.Device, raw []byte, scalar bool) (runtime.Arg, func() ([]byte, error)) {
	size := int(unsafe.Sizeof(*new(E)))
	xs := make([]E, len(raw)/size)
	copy(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(xs))), len(raw)), raw)
	if scalar {
		return runtime.Scalar(xs[0]), nil
	}
	b, err := runtime.BufferOf(dev, xs)
	if err != nil {
		t.Fatal(err)
	}
	return b, func() ([]byte, error) {
		out := make([]E, len(xs))
		if err := b.Read(out); err != nil {
			return nil, err
		}
		return append([]byte(nil), unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(out))), len(raw))...), nil
	}
}

// rawArgOfSize is rawArg with E a byte array of size bytes; nil when the
// size is not one it has an array type for.
func rawArgOfSize(t *testing.T, dev *runtime.Device, size int, raw []byte, scalar bool) (runtime.Arg, func() ([]byte, error)) {
	switch size {
	case 1:
		return rawArg[[1]byte](t, dev, raw, scalar)
	case 2:
		return rawArg[[2]byte](t, dev, raw, scalar)
	case 3:
		return rawArg[[3]byte](t, dev, raw, scalar)
	case 4:
		return rawArg[[4]byte](t, dev, raw, scalar)
	case 5:
		return rawArg[[5]byte](t, dev, raw, scalar)
	case 6:
		return rawArg[[6]byte](t, dev, raw, scalar)
	case 7:
		return rawArg[[7]byte](t, dev, raw, scalar)
	case 8:
		return rawArg[[8]byte](t, dev, raw, scalar)
	case 9:
		return rawArg[[9]byte](t, dev, raw, scalar)
	case 10:
		return rawArg[[10]byte](t, dev, raw, scalar)
	case 11:
		return rawArg[[11]byte](t, dev, raw, scalar)
	case 12:
		return rawArg[[12]byte](t, dev, raw, scalar)
	case 13:
		return rawArg[[13]byte](t, dev, raw, scalar)
	case 14:
		return rawArg[[14]byte](t, dev, raw, scalar)
	case 15:
		return rawArg[[15]byte](t, dev, raw, scalar)
	case 16:
		return rawArg[[16]byte](t, dev, raw, scalar)
	case 17:
		return rawArg[[17]byte](t, dev, raw, scalar)
	case 18:
		return rawArg[[18]byte](t, dev, raw, scalar)
	case 19:
		return rawArg[[19]byte](t, dev, raw, scalar)
	case 20:
		return rawArg[[20]byte](t, dev, raw, scalar)
	case 21:
		return rawArg[[21]byte](t, dev, raw, scalar)
	case 22:
		return rawArg[[22]byte](t, dev, raw, scalar)
	case 23:
		return rawArg[[23]byte](t, dev, raw, scalar)
	case 24:
		return rawArg[[24]byte](t, dev, raw, scalar)
	case 25:
		return rawArg[[25]byte](t, dev, raw, scalar)
	case 26:
		return rawArg[[26]byte](t, dev, raw, scalar)
	case 27:
		return rawArg[[27]byte](t, dev, raw, scalar)
	case 28:
		return rawArg[[28]byte](t, dev, raw, scalar)
	case 29:
		return rawArg[[29]byte](t, dev, raw, scalar)
	case 30:
		return rawArg[[30]byte](t, dev, raw, scalar)
	case 31:
		return rawArg[[31]byte](t, dev, raw, scalar)
	case 32:
		return rawArg[[32]byte](t, dev, raw, scalar)
	case 33:
		return rawArg[[33]byte](t, dev, raw, scalar)
	case 34:
		return rawArg[[34]byte](t, dev, raw, scalar)
	case 35:
		return rawArg[[35]byte](t, dev, raw, scalar)
	case 36:
		return rawArg[[36]byte](t, dev, raw, scalar)
	case 37:
		return rawArg[[37]byte](t, dev, raw, scalar)
	case 38:
		return rawArg[[38]byte](t, dev, raw, scalar)
	case 39:
		return rawArg[[39]byte](t, dev, raw, scalar)
	case 40:
		return rawArg[[40]byte](t, dev, raw, scalar)
	case 41:
		return rawArg[[41]byte](t, dev, raw, scalar)
	case 42:
		return rawArg[[42]byte](t, dev, raw, scalar)
	case 43:
		return rawArg[[43]byte](t, dev, raw, scalar)
	case 44:
		return rawArg[[44]byte](t, dev, raw, scalar)
	case 45:
		return rawArg[[45]byte](t, dev, raw, scalar)
	case 46:
		return rawArg[[46]byte](t, dev, raw, scalar)
	case 47:
		return rawArg[[47]byte](t, dev, raw, scalar)
	case 48:
		return rawArg[[48]byte](t, dev, raw, scalar)
	case 49:
		return rawArg[[49]byte](t, dev, raw, scalar)
	case 50:
		return rawArg[[50]byte](t, dev, raw, scalar)
	case 51:
		return rawArg[[51]byte](t, dev, raw, scalar)
	case 52:
		return rawArg[[52]byte](t, dev, raw, scalar)
	case 53:
		return rawArg[[53]byte](t, dev, raw, scalar)
	case 54:
		return rawArg[[54]byte](t, dev, raw, scalar)
	case 55:
		return rawArg[[55]byte](t, dev, raw, scalar)
	case 56:
		return rawArg[[56]byte](t, dev, raw, scalar)
	case 57:
		return rawArg[[57]byte](t, dev, raw, scalar)
	case 58:
		return rawArg[[58]byte](t, dev, raw, scalar)
	case 59:
		return rawArg[[59]byte](t, dev, raw, scalar)
	case 60:
		return rawArg[[60]byte](t, dev, raw, scalar)
	case 61:
		return rawArg[[61]byte](t, dev, raw, scalar)
	case 62:
		return rawArg[[62]byte](t, dev, raw, scalar)
	case 63:
		return rawArg[[63]byte](t, dev, raw, scalar)
	case 64:
		return rawArg[[64]byte](t, dev, raw, scalar)
	}
	return nil, nil
}
