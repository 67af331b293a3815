package translate_test

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/go/packages"

	"github.com/dotcompute/dc/translate"
)

var (
	depsOnce sync.Once
	deps     map[string]*types.Package
	depsErr  error
)

// importer resolves the packages kernel sources import (dc and math) from
// one go/packages load, so each test file type-checks in milliseconds.
type mapImporter map[string]*types.Package

func (m mapImporter) Import(path string) (*types.Package, error) {
	if p, ok := m[path]; ok {
		return p, nil
	}
	return importer.Default().Import(path)
}

func loadDeps(t testing.TB) mapImporter {
	t.Helper()
	depsOnce.Do(func() {
		cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes}
		pkgs, err := packages.Load(cfg, translate.DCPath, "math", "fmt")
		if err != nil {
			depsErr = err
			return
		}
		deps = map[string]*types.Package{}
		for _, p := range pkgs {
			if len(p.Errors) > 0 {
				depsErr = fmt.Errorf("loading %s: %v", p.PkgPath, p.Errors)
				return
			}
			deps[p.PkgPath] = p.Types
		}
	})
	if depsErr != nil {
		t.Fatal(depsErr)
	}
	return mapImporter(deps)
}

// typecheck parses and type-checks one Go file as its own package.
func typecheck(t *testing.T, filename string, src []byte) *translate.Input {
	t.Helper()
	imp := loadDeps(t)
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, filename, src, parser.ParseComments)
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
	conf := types.Config{Importer: imp}
	pkg, err := conf.Check(file.Name.Name, fset, []*ast.File{file}, info)
	if err != nil {
		t.Fatalf("%s does not type-check: %v", filename, err)
	}
	return &translate.Input{Fset: fset, Files: []*ast.File{file}, Pkg: pkg, Info: info}
}

// TestErrors checks every rejected construct: each file in
// testdata/errors marks the lines that must get a diagnostic with
// "// ERROR: text"; the diagnostics must be exactly those, each containing
// its text.
func TestErrors(t *testing.T) {
	files, err := filepath.Glob("../testdata/errors/*.go")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 30 {
		t.Fatalf("found %d negative cases, want at least 30", len(files))
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".go"), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			type diag struct {
				line int
				msg  string
			}
			var want []diag
			for i, l := range strings.Split(string(src), "\n") {
				// A line may expect several diagnostics: // ERROR: a // ERROR: b
				parts := strings.Split(l, "// ERROR: ")
				for _, p := range parts[1:] {
					want = append(want, diag{i + 1, strings.TrimSpace(p)})
				}
			}
			if len(want) == 0 {
				t.Fatal("no // ERROR: lines")
			}
			in := typecheck(t, filepath.Base(file), src)
			_, err = translate.Translate(in)
			list, ok := err.(translate.ErrorList)
			if !ok {
				t.Fatalf("Translate returned %v (%T), want an ErrorList", err, err)
			}
			var got []diag
			for _, e := range list {
				if e.Pos.Filename != filepath.Base(file) || e.Pos.Line == 0 || e.Pos.Column == 0 {
					t.Errorf("diagnostic without a full position: %v", e)
				}
				got = append(got, diag{e.Pos.Line, e.Msg})
			}
			sort.Slice(got, func(i, j int) bool { return got[i].line < got[j].line })
			used := make([]bool, len(got))
		next:
			for _, w := range want {
				for i, g := range got {
					if !used[i] && g.line == w.line && strings.Contains(g.msg, w.msg) {
						used[i] = true
						continue next
					}
				}
				t.Errorf("line %d: missing diagnostic containing %q", w.line, w.msg)
			}
			for i, g := range got {
				if !used[i] {
					t.Errorf("line %d: unexpected diagnostic %q", g.line, g.msg)
				}
			}
		})
	}
}
