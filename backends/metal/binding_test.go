package metal

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dotcompute/dc/runtime"
)

// TestBindingsMatchMSL checks the argument table packArgs builds against
// the entry points the MSL printer declares, for every kernel dckgen
// generated in this module (the golden cases and the generated packages):
// the kernel descriptors of each dc_kernels.go give the runtime.Params, and
// each [[buffer(i)]] parameter of the entry point in dc_kernels.metal must
// be what packArgs binds at index i — the buffer's device pointer, its
// length as a constant long, or the scalar — with nothing left unbound.
func TestBindingsMatchMSL(t *testing.T) {
	dirs, err := filepath.Glob("../../testdata/golden/*")
	if err != nil {
		t.Fatal(err)
	}
	dirs = append(dirs, "../../kernels", "../../internal/benchkernels", "../../internal/cpubench")
	checked := 0
	for _, dir := range dirs {
		src, err := os.ReadFile(filepath.Join(dir, "dc_kernels.metal"))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		entries := mslEntries(string(src))
		for _, k := range kernelDescriptors(t, filepath.Join(dir, "dc_kernels.go")) {
			names := []string{k.Name, k.Name + runtime.FastSuffix}
			if k.Aliased != "" {
				names = append(names, k.Aliased, k.Aliased+runtime.FastSuffix)
			}
			found := false
			for _, name := range names {
				params, ok := entries[name]
				if !ok {
					continue
				}
				found = true
				checked++
				checkEntry(t, dir+": "+name, k, params)
			}
			if !found && k.NotOnMetal == "" {
				t.Errorf("%s: kernel %s is in the Go descriptors but not in dc_kernels.metal", dir, k.Name)
			}
		}
	}
	t.Logf("checked %d entry points", checked)
	if checked < 50 {
		t.Errorf("checked %d entry points; the generated packages hold more", checked)
	}
}

// mslParam is one [[buffer(i)]] parameter of an MSL entry point.
type mslParam struct {
	typ, name string
}

var (
	mslKernel = regexp.MustCompile(`(?m)^kernel void (\w+)\((.*)\) \{$`)
	// A parameter, "constant long& x_len [[buffer(1)]]" or "device const
	// float (*rows)[4] [[buffer(2)]]": its type, name and index.
	mslBuffer = regexp.MustCompile(`^(.*?)\s*(\w+)\)?(?:\[\d+\])* \[\[buffer\((\d+)\)\]\]$`)
)

// mslEntries returns the [[buffer(i)]] parameters of every entry point of
// src by index.
func mslEntries(src string) map[string]map[int]mslParam {
	out := map[string]map[int]mslParam{}
	for _, m := range mslKernel.FindAllStringSubmatch(src, -1) {
		params := map[int]mslParam{}
		for _, p := range strings.Split(m[2], ", ") {
			b := mslBuffer.FindStringSubmatch(p)
			if b == nil {
				continue // a thread position
			}
			i, _ := strconv.Atoi(b[3])
			params[i] = mslParam{typ: b[1], name: b[2]}
		}
		out[m[1]] = params
	}
	return out
}

// mslScalarSizes are the sizes of MSL's scalar types.
var mslScalarSizes = map[string]int64{
	"bool": 1, "char": 1, "uchar": 1, "short": 2, "ushort": 2, "int": 4, "uint": 4,
	"long": 8, "ulong": 8, "float": 4,
}

// checkEntry compares the bindings of a launch of k with the MSL
// parameters of one of its entry points.
func checkEntry(t *testing.T, where string, k *runtime.Kernel, msl map[int]mslParam) {
	t.Helper()
	params := k.Params
	if k.Checked {
		params = append(append([]runtime.Param(nil), params...),
			runtime.Param{Name: "dc_fault", Kind: runtime.BufferParam, Size: 4, Written: true},
			runtime.Param{Name: "dc_tag", Kind: runtime.ScalarParam, Size: 4})
	}
	c := &runtime.Call{Kernel: &runtime.Kernel{Name: k.Name, Params: params}}
	for _, p := range params {
		if p.Kind == runtime.BufferParam {
			c.Args = append(c.Args, runtime.CallArg{Memory: &testMemory{p.Name}, Len: 1})
		} else {
			c.Args = append(c.Args, runtime.CallArg{Scalar: make([]byte, p.Size)})
		}
	}
	binds, _, err := packArgs(nil, nil, c)
	if err != nil {
		t.Errorf("%s: %v", where, err)
		return
	}
	if len(binds) != len(msl) {
		t.Errorf("%s: %d bindings, the MSL declares %d [[buffer]] parameters", where, len(binds), len(msl))
	}
	for i, bd := range binds {
		p, ok := msl[bd.Index]
		if !ok {
			t.Errorf("%s: binding %d (%s) has no [[buffer(%d)]] parameter", where, i, bd.Param, bd.Index)
			continue
		}
		// The printer keeps Go names, renaming those MSL reserves with a
		// suffix and those the kernel assigns to with a prefix.
		if !strings.Contains(p.name, bd.Param) {
			t.Errorf("%s: [[buffer(%d)]] is %q, packArgs binds parameter %s there", where, bd.Index, p.name, bd.Param)
		}
		var size int64
		for _, q := range params {
			if q.Name == bd.Param {
				size = q.Size
			}
		}
		switch {
		case bd.Memory != nil:
			if !strings.HasPrefix(p.typ, "device ") || !strings.Contains(p.typ, "*") {
				t.Errorf("%s: [[buffer(%d)]] %s has type %q, packArgs binds a buffer there", where, bd.Index, p.name, p.typ)
			}
		case i > 0 && binds[i-1].Memory != nil && binds[i-1].Param == bd.Param:
			if p.typ != "constant long&" || !strings.Contains(p.name, "_len") {
				t.Errorf("%s: [[buffer(%d)]] is %q %q, packArgs binds the length of %s there", where, bd.Index, p.typ, p.name, bd.Param)
			}
		default:
			if !strings.HasPrefix(p.typ, "constant ") || !strings.HasSuffix(p.typ, "&") {
				t.Errorf("%s: [[buffer(%d)]] %s has type %q, packArgs binds a scalar there", where, bd.Index, p.name, p.typ)
			}
			base := strings.TrimSuffix(strings.TrimPrefix(p.typ, "constant "), "&")
			if want, ok := mslScalarSizes[base]; ok && want != size {
				t.Errorf("%s: [[buffer(%d)]] %s is a %s (%d bytes), the Go parameter has %d", where, bd.Index, p.name, base, want, size)
			}
		}
	}
}

// kernelDescriptors returns the runtime.Kernel literals of a generated Go
// file, with the fields the bindings depend on.
func kernelDescriptors(t *testing.T, path string) []*runtime.Kernel {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var out []*runtime.Kernel
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.CompositeLit)
		if !ok || !isSel(lit.Type, "runtime", "Kernel") {
			return true
		}
		k := &runtime.Kernel{}
		for _, e := range lit.Elts {
			kv := e.(*ast.KeyValueExpr)
			switch kv.Key.(*ast.Ident).Name {
			case "Name":
				k.Name = stringLit(kv.Value)
			case "Aliased":
				k.Aliased = stringLit(kv.Value)
			case "NotOnMetal":
				k.NotOnMetal = stringLit(kv.Value)
			case "Checked":
				k.Checked = kv.Value.(*ast.Ident).Name == "true"
			case "Params":
				for _, pe := range kv.Value.(*ast.CompositeLit).Elts {
					var p runtime.Param
					for _, fe := range pe.(*ast.CompositeLit).Elts {
						fkv := fe.(*ast.KeyValueExpr)
						switch fkv.Key.(*ast.Ident).Name {
						case "Name":
							p.Name = stringLit(fkv.Value)
						case "Kind":
							if isSel(fkv.Value, "runtime", "BufferParam") {
								p.Kind = runtime.BufferParam
							} else {
								p.Kind = runtime.ScalarParam
							}
						case "Size":
							p.Size, _ = strconv.ParseInt(fkv.Value.(*ast.BasicLit).Value, 0, 64)
						}
					}
					k.Params = append(k.Params, p)
				}
			}
		}
		out = append(out, k)
		return false
	})
	if len(out) == 0 {
		t.Errorf("%s declares no runtime.Kernel", path)
	}
	return out
}

func isSel(e ast.Expr, pkg, name string) bool {
	s, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := s.X.(*ast.Ident)
	return ok && x.Name == pkg && s.Sel.Name == name
}

func stringLit(e ast.Expr) string {
	s, _ := strconv.Unquote(e.(*ast.BasicLit).Value)
	return s
}
