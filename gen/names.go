package gen

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/dotcompute/dc/translate"
)

// Name is a name the generated Go files put in a package's scope.
type Name struct {
	Name string
	File string // base name of the generated file
	// Import is the import path when the name is that of an imported
	// package: a file-scope name, which the package block must not
	// declare either.
	Import string
}

// GeneratedNames returns every package-level name the generated Go files
// among files declare, and the names of the packages they import, sorted.
// It reads them from the generated code itself, so the list cannot miss a
// name the generator adds.
func GeneratedNames(files []File) ([]Name, error) {
	var names []Name
	seen := map[string]bool{}
	add := func(n Name) {
		if n.Name != "_" && n.Name != "init" && !seen[n.Name] { // init and _ may repeat
			seen[n.Name] = true
			names = append(names, n)
		}
	}
	for _, f := range files {
		base := filepath.Base(f.Path)
		if base != GoFile && base != SIMDFile && base != NoSIMDFile {
			continue
		}
		af, err := parser.ParseFile(token.NewFileSet(), base, f.Content, parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("dckgen: generated %s does not parse: %w", base, err)
		}
		for _, imp := range af.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			name := path.Base(p)
			if imp.Name != nil {
				name = imp.Name.Name
			}
			add(Name{Name: name, File: base, Import: p})
		}
		for _, d := range af.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					add(Name{Name: d.Name.Name, File: base})
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.ValueSpec:
						for _, n := range s.Names {
							add(Name{Name: n.Name, File: base})
						}
					case *ast.TypeSpec:
						add(Name{Name: s.Name.Name, File: base})
					}
				}
			}
		}
	}
	sort.Slice(names, func(i, j int) bool { return names[i].Name < names[j].Name })
	return names, nil
}

// checkNames reports every package-level name of the package's own files
// that a generated file in files declares or imports: the generated code
// would not compile.
func checkNames(p *Package, files []File) error {
	names, err := GeneratedNames(files)
	if err != nil {
		return err
	}
	ours := map[string]bool{}
	for _, f := range p.Input.Files {
		ours[p.Input.Fset.Position(f.Pos()).Filename] = true
	}
	scope := p.Input.Pkg.Scope()
	var list translate.ErrorList
	for _, n := range names {
		obj := scope.Lookup(n.Name)
		if obj == nil || !ours[p.Input.Fset.Position(obj.Pos()).Filename] {
			continue // not declared, or declared by the generated file itself
		}
		var msg string
		switch {
		case n.Import != "":
			msg = fmt.Sprintf("the name %s is taken by the generated %s, which imports package %q as %s; rename it", n.Name, n.File, n.Import, n.Name)
		case strings.HasPrefix(n.Name, "Launch"):
			msg = fmt.Sprintf("%s is the name of a launcher the generated %s declares; rename it", n.Name, n.File)
		default:
			msg = fmt.Sprintf("the name %s is reserved for the code dckgen generates (%s declares it); rename it", n.Name, n.File)
		}
		list = append(list, &translate.Error{Pos: p.Input.Fset.Position(obj.Pos()), Msg: msg})
	}
	if len(list) > 0 {
		sort.SliceStable(list, func(i, j int) bool {
			a, b := list[i].Pos, list[j].Pos
			if a.Filename != b.Filename {
				return a.Filename < b.Filename
			}
			return a.Offset < b.Offset
		})
		return list
	}
	return nil
}
