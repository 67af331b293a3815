package checks_test

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/go/packages"

	"github.com/dotcompute/dc/translate"
	"github.com/dotcompute/dc/translate/ir"
)

var (
	depsOnce sync.Once
	deps     map[string]*types.Package
	depsErr  error
)

type mapImporter map[string]*types.Package

func (m mapImporter) Import(path string) (*types.Package, error) {
	if p, ok := m[path]; ok {
		return p, nil
	}
	return importer.Default().Import(path)
}

// program type-checks src as package k and translates it.
func program(t *testing.T, src string) *ir.Program {
	t.Helper()
	depsOnce.Do(func() {
		pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedTypes}, translate.DCPath, "math")
		if err != nil {
			depsErr = err
			return
		}
		deps = map[string]*types.Package{}
		for _, p := range pkgs {
			deps[p.PkgPath] = p.Types
		}
	})
	if depsErr != nil {
		t.Fatal(depsErr)
	}
	src = "package k\n\nimport \"github.com/dotcompute/dc\"\n\n" + src
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "k.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	info := &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
		Instances:  map[*ast.Ident]types.Instance{},
	}
	pkg, err := (&types.Config{Importer: mapImporter(deps)}).Check("k", fset, []*ast.File{file}, info)
	if err != nil {
		t.Fatalf("type-check: %v\n%s", err, src)
	}
	p, err := translate.Translate(&translate.Input{Fset: fset, Files: []*ast.File{file}, Pkg: pkg, Info: info})
	if err != nil {
		t.Fatalf("translate: %v", err)
	}
	return p
}

var kindNames = map[ir.CheckKind]string{ir.CheckIndex: "index", ir.CheckSlice: "slice", ir.CheckDivide: "divide"}

// checked lists the program's checks as "line:col kind" (lines counted in
// the kernel source, without the 5 lines program adds).
func checked(p *ir.Program) []string {
	var out []string
	for i, c := range p.Checks {
		if c.ID != i {
			out = append(out, fmt.Sprintf("check %d has ID %d", i, c.ID))
		}
		out = append(out, fmt.Sprintf("%d:%d %s", c.Pos.Line-5, c.Pos.Col, kindNames[c.Kind]))
	}
	sort.Strings(out)
	return out
}

func TestInsert(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"saxpy: the guard proves y only", `
//dc:kernel
func K(t dc.Thread, a float32, x, y []float32) {
	if i := t.GlobalX(); i < len(y) {
		y[i] = a*x[i] + y[i]
	}
}`, []string{"4:12 index"}},
		{"early return through n := len(x)", `
//dc:kernel
func K(t dc.Thread, x []float32) {
	n := len(x)
	i := t.GlobalX()
	if i >= n {
		return
	}
	x[i] *= 2
}`, nil},
		{"a loop bounded by a min: each operand bounds the counter", `
//dc:kernel
func K(t dc.Thread, x []float32, n int) {
	tile := dc.Shared[[64]float32](t)
	var s float32
	for k := 0; k < min(64, n, len(x)); k++ {
		s += tile[k] + x[k]
	}
	x[0] = s
}`, []string{"8:2 index"}},
		{"max(a, b) <= i and i < min(c, d)", `
//dc:kernel
func K(t dc.Thread, x, y []float32, lo int) {
	if i := t.GlobalX(); max(lo, 0) <= i && i < min(len(x), len(y)) {
		y[i] = x[i]
	}
}`, nil},
		{"a min on the wrong side proves nothing", `
//dc:kernel
func K(t dc.Thread, x []float32, n int) {
	if i := t.GlobalX(); min(n, len(x)) > 0 && i < max(n, len(x)) {
		x[i] = 1
	}
}`, []string{"4:3 index"}},
		{"no guard", `
//dc:kernel
func K(t dc.Thread, x []float32) {
	x[t.GlobalX()] = 1
}`, []string{"3:2 index"}},
		{"guard by a parameter proves nothing", `
//dc:kernel
func K(t dc.Thread, x []float32, n int) {
	if i := t.GlobalX(); i < n {
		x[i] = 1
	}
}`, []string{"4:3 index"}},
		{"reassigned index", `
//dc:kernel
func K(t dc.Thread, x []float32) {
	i := t.GlobalX()
	if i < len(x) {
		i++
		x[i] = 1
	}
}`, []string{"6:3 index"}},
		{"loop over len", `
//dc:kernel
func K(t dc.Thread, x []float32) {
	var s float32
	for j := 0; j < len(x); j++ {
		s += x[j]
	}
	for j := range x {
		s += x[j]
	}
	for _, v := range x {
		s += v
	}
	x[0] = s
}`, []string{"13:2 index"}},
		{"constant indexes and range over arrays", `
//dc:kernel
func K(t dc.Thread, x []float32) {
	var a [4]float32
	a[3] = 1
	for j := range 4 {
		a[j] += 1
	}
	for j := range a {
		a[j] += 1
	}
	if i := t.GlobalX(); i < len(x) {
		x[i] = a[i%4] + a[i&3]
	}
}`, nil},
		{"shared memory by thread id is checked, tree reduction bound by constant", `
//dc:kernel
func K(t dc.Thread, in []float32) {
	sh := dc.Shared[[256]float32](t)
	l := t.LocalX()
	sh[l] = 0
	t.Barrier()
	for s := 128; s > 0; s /= 2 {
		if l < s {
			sh[l] += sh[l+s]
		}
		t.Barrier()
	}
}`, []string{"5:2 index", "9:13 index"}},
		{"grid-stride loop and unsigned remainder into an array", `
//dc:kernel
func K(t dc.Thread, in []uint32, hist []int32) {
	sh := dc.Shared[[256]int32](t)
	for i := t.GlobalX(); i < len(in); i += t.GridSizeX() {
		sh[in[i]%256]++
	}
	stride := 2 * t.GroupSizeX()
	for i := t.GlobalX(); i < len(hist); i += stride {
		hist[i] = sh[uint8(i)]
	}
}`, nil},
		{"stride that may be zero or negative, bound that may overflow, signed remainder", `
//dc:kernel
func K(t dc.Thread, in []int32, s, n int) {
	sh := dc.Shared[[256]int32](t)
	for i := t.GlobalX(); i < len(in); i += s {
		sh[in[i]%256]++
	}
	for i := t.GlobalX(); i < n; i += t.GridSizeX() {
		in[i] = 0
	}
	for i := t.GlobalX(); i <= len(in); i += t.GridSizeX() {
		in[i] = 0
	}
}`, []string{"11:3 index", "5:3 index", "5:3 index", "5:6 index", "5:6 index", "8:3 index"}},
		{"division", `
//dc:kernel
func K(t dc.Thread, x []int32, d int32) {
	if i := t.GlobalX(); i < len(x) {
		x[i] = x[i] / d + x[i] % 7 + x[i] / 2
		if d > 0 {
			x[i] = x[i] / d
		}
	}
}`, []string{"4:15 divide"}},
		{"sub-slice and device function", `
func at(s []float32, i int) float32 { return s[i] }

//dc:kernel
func K(t dc.Thread, x []float32, lo, hi int) {
	if i := t.GlobalX(); i < len(x) {
		x[i] = at(x[lo:hi], 0)
	}
}`, []string{"1:46 index", "6:13 slice"}},
		{"unchecked", `
//dc:kernel unchecked
func K(t dc.Thread, x []float32) {
	x[t.GlobalX()] = 1 / x[0]
}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := program(t, tc.src)
			if diff := cmp.Diff(tc.want, checked(p)); diff != "" {
				t.Errorf("checks (-want +got):\n%s", diff)
			}
			for _, k := range p.Kernels {
				if k.Checked != (len(tc.want) > 0) {
					t.Errorf("%s.Checked = %v", k.Name, k.Checked)
				}
			}
			if strings.Contains(tc.name, "device function") && !p.Funcs[0].Checked {
				t.Errorf("%s.Checked = false", p.Funcs[0].Name)
			}
		})
	}
}

// infix prints a launch condition for reading: p0 is kernel parameter 0,
// len(p1) the length of parameter 1, GridSizeX a grid quantity.
func infix(e ir.LaunchExpr) string {
	geom := []string{"GroupSizeX", "GroupSizeY", "GroupSizeZ", "NumGroupsX", "NumGroupsY", "NumGroupsZ", "GridSizeX", "GridSizeY", "GridSizeZ"}
	ops := map[ir.LaunchCode]string{ir.LaunchAdd: "+", ir.LaunchSub: "-", ir.LaunchMul: "*", ir.LaunchDiv: "/"}
	var stack []string
	for _, o := range e {
		switch o.Code {
		case ir.LaunchConst:
			stack = append(stack, fmt.Sprint(o.Arg))
		case ir.LaunchLen:
			stack = append(stack, fmt.Sprintf("len(p%d)", o.Arg))
		case ir.LaunchInt, ir.LaunchUint:
			stack = append(stack, fmt.Sprintf("p%d", o.Arg))
		case ir.LaunchGeometry:
			stack = append(stack, geom[o.Arg])
		default:
			x, y := stack[len(stack)-2], stack[len(stack)-1]
			stack = stack[:len(stack)-2]
			switch o.Code {
			case ir.LaunchMin:
				stack = append(stack, "min("+x+", "+y+")")
			case ir.LaunchMax:
				stack = append(stack, "max("+x+", "+y+")")
			default:
				stack = append(stack, "("+x+" "+ops[o.Code]+" "+y+")")
			}
		}
	}
	return strings.Join(stack, " ")
}

// TestWhen checks the launch conditions of checks the pass cannot prove
// at generate time.
func TestWhen(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string // per check, in order: its conditions joined by " && "
	}{
		{"saxpy: x at least as long as the threads that pass the guard", `
//dc:kernel
func K(t dc.Thread, a float32, x, y []float32) {
	if i := t.GlobalX(); i < len(y) {
		y[i] = a*x[i] + y[i]
	}
}`, []string{"((len(p1) - 1) - min((GridSizeX - 1), (len(p2) - 1)))"}},
		{"no guard: the grid", `
//dc:kernel
func K(t dc.Thread, x []float32) {
	x[t.GlobalX()] = 1
}`, []string{"((len(p0) - 1) - (GridSizeX - 1))"}},
		{"shared memory by the group size", `
//dc:kernel
func K(t dc.Thread, out []float32) {
	sh := dc.Shared[[64]float32](t)
	sh[t.LocalX()] = 1
	t.Barrier()
	if i := t.GlobalX(); i < len(out) {
		out[i] = sh[t.LocalX()]
	}
}`, []string{"(63 - (GroupSizeX - 1))", "(63 - (GroupSizeX - 1))"}},
		{"stencil: products need non-negative factors", `
//dc:kernel
func K(t dc.Thread, in, out []float32, w, h int) {
	x, y := t.GlobalX(), t.GlobalY()
	if x >= 1 && x < w-1 && y >= 1 && y < h-1 {
		out[y*w+x] = in[y*w+x-1]
	}
}`, []string{
			"p2 && (p2 + 1) && ((len(p1) - 1) - ((min((GridSizeY - 1), ((p3 - 1) - 1)) * p2) + min((GridSizeX - 1), ((p2 - 1) - 1))))",
			"p2 && ((p2 + 1) - 1) && ((len(p0) - 1) - (((min((GridSizeY - 1), ((p3 - 1) - 1)) * p2) + min((GridSizeX - 1), ((p2 - 1) - 1))) - 1))",
		}},
		{"a fact about part of a sum; k0 += 16 must not wrap k0 around", `
//dc:kernel
func K(t dc.Thread, a, out []float32, m, k int) {
	row, lx := t.GlobalY(), t.LocalX()
	var acc float32
	for k0 := 0; k0 < k; k0 += 16 {
		if row < m && k0+lx < k {
			acc += a[row*k+k0+lx]
		}
	}
	if i := t.GlobalX(); i < len(out) {
		out[i] = acc
	}
}`, []string{"p3 && ((9223372036854775807 - p3) - 16) && ((len(p0) - 1) - min((((min((GridSizeY - 1), (p2 - 1)) * p3) + (p3 - 1)) + (GroupSizeX - 1)), ((p3 - 1) + (min((GridSizeY - 1), (p2 - 1)) * p3))))"}},
		{"divisor: a positive parameter", `
//dc:kernel
func K(t dc.Thread, x []int32, d int32) {
	if i := t.GlobalX(); i < len(x) {
		x[i] = x[i] / d
	}
}`, []string{"(p1 - 1)"}},
		{"a scan step: l >= s makes l-s non-negative, s *= 2 only grows", `
//dc:kernel
func K(t dc.Thread, out []int32) {
	sh := dc.Shared[[256]int32](t)
	l := t.LocalX()
	for s := 1; s < 256; s *= 2 {
		var add int32
		if l >= s {
			add = sh[l-s]
		}
		t.Barrier()
		sh[l] += add
		t.Barrier()
	}
}`, []string{"max((1 - min(255, (GroupSizeX - 1))), 0) && (255 - ((GroupSizeX - 1) - 1))", "(255 - (GroupSizeX - 1))", "(255 - (GroupSizeX - 1))"}},
		{"l > s: l-s is positive, and s's sign does not matter", `
//dc:kernel
func K(t dc.Thread, x []int32, s int) {
	l := t.GlobalX()
	if l > s && l < len(x) {
		x[l-s-1] = 1
	}
}`, []string{"(max((max(0, (p1 + 1)) - p1), 1) - 1) && ((len(p0) - 1) - ((min((GridSizeX - 1), (len(p0) - 1)) - p1) - 1))"}},
		{"s >= l proves nothing about l-s", `
//dc:kernel
func K(t dc.Thread, x []int32, s int) {
	l := t.GlobalX()
	if s >= l && l < len(x) {
		x[l-s] = 1
	}
}`, []string{"(0 - p1) && ((len(p0) - 1) - (min(min((GridSizeX - 1), p1), (len(p0) - 1)) - p1))"}},
		{"grid-stride loop to a parameter: the step must not wrap i around", `
//dc:kernel
func K(t dc.Thread, x []float32, n int) {
	for i := t.GlobalX(); i < n; i += t.GridSizeX() {
		x[i] = 1
	}
}`, []string{"((9223372036854775807 - p1) - GridSizeX) && ((len(p0) - 1) - (p1 - 1))"}},
		{"grid-stride loop to a parameter, int32 counter", `
//dc:kernel
func K(t dc.Thread, x []float32, n int32) {
	for i := int32(t.GlobalX()); i <= n; i += 3 {
		x[i] = 1
	}
}`, []string{"(2147483647 - (GridSizeX - 1)) && ((2147483647 - p1) - 3) && ((len(p0) - 1) - p1)"}},
		{"an index read from memory has no condition", `
//dc:kernel
func K(t dc.Thread, x, idx []int32) {
	if i := t.GlobalX(); i < len(idx) {
		x[idx[i]] = 1
	}
}`, []string{""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := program(t, tc.src)
			var got []string
			for _, c := range p.Checks {
				var cs []string
				for _, w := range c.When {
					cs = append(cs, infix(w))
				}
				got = append(got, strings.Join(cs, " && "))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("conditions (-want +got):\n%s", diff)
			}
		})
	}
}
