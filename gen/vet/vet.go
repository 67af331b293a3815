// Package vet is the go/analysis analyzer of dc kernels: it runs, on every
// package it is given, the very checks dckgen runs before it generates
// (package gen and its one subset checker, package translate), so that
// go vet (through cmd/dckvet), editors that run it on save, and any
// driver of analyzers report the same diagnostics as go generate, as the
// code is written. Besides those it reports:
//
//   - a kernel whose generated code is stale: each kernel's entry in
//     dc_kernels.go records a hash of the source it was generated from
//     (gen.SourceHashes), which the analyzer compares with the source now;
//     a kernel without generated code; generated code of a kernel that no
//     longer exists;
//   - a kernel in a _test.go file, which dckgen does not read: it gets no
//     launcher and runs only under dc.Emulate;
//   - where the driver runs analyzers on packages with type errors (dckvet
//     run on its own does; go vet does not), a type error in a call of
//     package dc, explained in the dialect's terms (gen.DCHint).
//
// Misspelled and misplaced //dc: directives and names the generated code
// would redeclare are among the generator's own checks.
package vet

import (
	"errors"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/dotcompute/dc/gen"
	"github.com/dotcompute/dc/translate"
)

// Analyzer reports what dckgen would report for a package's //dc:kernel
// functions, and generated code that no longer matches them.
var Analyzer = &analysis.Analyzer{
	Name:             "dckvet",
	Doc:              "check dc kernels as dckgen does, and report generated code that is stale\n\nThe dckvet analyzer runs dckgen's checks of //dc:kernel functions (the kernel subset of Go, //dc: directives, names the generated code declares) and compares the source hash each kernel's entry in dc_kernels.go records with the source now, so that a kernel edited without running go generate is reported.",
	URL:              "https://pkg.go.dev/github.com/dotcompute/dc/gen/vet",
	Run:              run,
	RunDespiteErrors: true,
}

func run(pass *analysis.Pass) (any, error) {
	if len(pass.TypeErrors) > 0 {
		// The package does not type-check: the driver reports the errors;
		// explain those in calls of package dc, and check nothing else.
		for _, e := range pass.TypeErrors {
			if hint := gen.DCHint(pass.Files, pass.TypesInfo, e.Pos); hint != "" {
				pass.Reportf(e.Pos, "%s", hint)
			}
		}
		return nil, nil
	}
	var files []*ast.File
	var generated *ast.File // dc_kernels.go
	for _, f := range pass.Files {
		name := pass.Fset.File(f.FileStart).Name()
		switch {
		case isGenerated(name, f):
			if filepath.Base(name) == gen.GoFile {
				generated = f
			}
		case strings.HasSuffix(name, "_test.go"):
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && translate.IsKernel(fd) {
					pass.Reportf(fd.Name.Pos(), "kernel %s is in a _test.go file, which dckgen does not read: it gets no launcher and runs only under dc.Emulate (move it to a non-test file to generate it)", fd.Name.Name)
				}
			}
		default:
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return nil, nil
	}
	p := &gen.Package{
		Path: pass.Pkg.Path(),
		Name: pass.Pkg.Name(),
		Dir:  filepath.Dir(pass.Fset.File(files[0].FileStart).Name()),
		Input: &translate.Input{
			Fset:  pass.Fset,
			Files: files,
			Pkg:   pass.Pkg,
			Info:  pass.TypesInfo,
			Sizes: types.SizesFor("gc", "amd64"),
		},
		ReadFile: pass.ReadFile,
	}
	_, err := gen.Generate(p, nil)
	var list translate.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			pass.Report(analysis.Diagnostic{Pos: tokenPos(pass.Fset, e.Pos), Message: e.Msg})
		}
		return nil, nil
	}
	if err != nil {
		pass.Reportf(files[0].Package, "%s", strings.TrimPrefix(err.Error(), "dckgen: "))
		return nil, nil
	}
	return nil, stale(pass, p, files, generated)
}

// stale reports every kernel whose source hash differs from the one the
// generated Go file records, or that it does not record, and every kernel
// the file records that no longer exists.
func stale(pass *analysis.Pass, p *gen.Package, files []*ast.File, generated *ast.File) error {
	now, err := gen.SourceHashes(p.Input, pass.ReadFile)
	if err != nil {
		return err
	}
	if len(now) == 0 && generated == nil {
		return nil
	}
	var recorded map[string]string
	if generated != nil {
		recorded = gen.RecordedHashes(generated)
	}
	for _, f := range files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || !translate.IsKernel(fd) {
				continue
			}
			k := fd.Name.Name
			switch h, ok := recorded[k]; {
			case generated == nil:
				pass.Reportf(fd.Name.Pos(), "kernel %s has no generated code (there is no %s): run go generate", k, gen.GoFile)
			case !ok:
				pass.Reportf(fd.Name.Pos(), "kernel %s is not in %s: run go generate", k, gen.GoFile)
			case h != now[k]:
				pass.Reportf(fd.Name.Pos(), "kernel %s changed since %s was generated (it would run the old code): run go generate", k, gen.GoFile)
			}
		}
	}
	var gone []string
	for k := range recorded {
		if _, ok := now[k]; !ok {
			gone = append(gone, k)
		}
	}
	sort.Strings(gone)
	for _, k := range gone {
		pass.Reportf(generated.Package, "%s holds kernel %s, which no longer exists: run go generate", gen.GoFile, k)
	}
	return nil
}

// isGenerated reports whether the file named name is one dckgen writes.
func isGenerated(name string, f *ast.File) bool {
	switch filepath.Base(name) {
	case gen.GoFile, gen.SIMDFile, gen.NoSIMDFile:
		return len(f.Comments) > 0 && f.Comments[0].Pos() < f.Package &&
			len(f.Comments[0].List) > 0 && f.Comments[0].List[0].Text == gen.Header
	}
	return false
}

// tokenPos returns the position in fset of a diagnostic's file:line:col.
func tokenPos(fset *token.FileSet, p token.Position) token.Pos {
	var pos token.Pos
	fset.Iterate(func(f *token.File) bool {
		if f.Name() != p.Filename {
			return true
		}
		if p.Line >= 1 && p.Line <= f.LineCount() {
			pos = f.LineStart(p.Line) + token.Pos(max(p.Column-1, 0))
		}
		return false
	})
	return pos
}
