package translate_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dotcompute/dc/gen"
	"github.com/dotcompute/dc/translate"
	"github.com/dotcompute/dc/translate/cuda"
	"github.com/dotcompute/dc/translate/gocpu"
	"github.com/dotcompute/dc/translate/opencl"

	"github.com/dave/jennifer/jen"
)

// FuzzTranslate feeds arbitrary Go sources that type-check to the front end
// and every printer: whatever the input, translation returns a Program or
// diagnostics with positions, printing never panics, and the CUDA printer
// can express everything the front end accepts. The seed corpus is
// every golden case and every negative case.
func FuzzTranslate(f *testing.F) {
	seeds, _ := filepath.Glob("../testdata/errors/*.go")
	golden, _ := filepath.Glob("../testdata/golden/*/*.go")
	for _, g := range golden {
		if filepath.Base(g) != gen.GoFile && !isTest(g) {
			seeds = append(seeds, g)
		}
	}
	for _, s := range seeds {
		src, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	imp := loadDeps(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				panic("translation took over 10s on:\n" + string(src))
			}
		}()
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, "k.go", src, parser.ParseComments)
		if err != nil {
			return
		}
		info := &types.Info{
			Types:      map[ast.Expr]types.TypeAndValue{},
			Defs:       map[*ast.Ident]types.Object{},
			Uses:       map[*ast.Ident]types.Object{},
			Selections: map[*ast.SelectorExpr]*types.Selection{},
			Instances:  map[*ast.Ident]types.Instance{},
		}
		conf := types.Config{Importer: imp, Error: func(error) {}}
		pkg, err := conf.Check(file.Name.Name, fset, []*ast.File{file}, info)
		if err != nil {
			return // dckgen refuses packages that do not type-check
		}
		prog, err := translate.Translate(&translate.Input{Fset: fset, Files: []*ast.File{file}, Pkg: pkg, Info: info})
		if err != nil {
			list, ok := err.(translate.ErrorList)
			if !ok || len(list) == 0 {
				t.Fatalf("Translate returned %T %v, want a non-empty ErrorList", err, err)
			}
			for _, e := range list {
				if e.Pos.Line == 0 {
					t.Fatalf("diagnostic without a position: %v", e)
				}
			}
			return
		}
		// What the front end accepts, every printer must express.
		if _, err := cuda.PrintChecked(prog); err != nil {
			t.Fatalf("accepted by the front end, but the CUDA printer says: %v", err)
		}
		if _, err := opencl.PrintChecked(prog); err != nil {
			t.Fatalf("accepted by the front end, but the OpenCL printer says: %v", err)
		}
		jf := jen.NewFile(pkg.Name())
		for _, k := range prog.Kernels {
			jf.Add(gocpu.Kernel(k))
		}
		for _, fn := range prog.Funcs {
			jf.Add(gocpu.Func(fn))
		}
		_ = jf.GoString()
	})
}

func isTest(path string) bool { return strings.HasSuffix(path, "_test.go") }
