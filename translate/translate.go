// Package translate is dc's front end: it checks //dc:kernel functions and
// everything they call against the kernel subset of Go and lowers them to
// the kernel IR (package ir).
//
// It holds the one subset checker of the project: the generator (package
// gen) and any analyzer report exactly the diagnostics Translate returns.
// Every rejected construct is a positioned Error naming the construct and
// why; Translate collects all of them rather than stopping at the first,
// and never panics on any input that type-checks.
package translate

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dotcompute/dc/translate/checks"
	"github.com/dotcompute/dc/translate/ir"
	"github.com/dotcompute/dc/translate/uniform"
)

// DCPath is the import path of the kernel dialect package.
const DCPath = "github.com/dotcompute/dc"

// Input is a type-checked package: what Translate needs and nothing more.
type Input struct {
	Fset  *token.FileSet
	Files []*ast.File
	Pkg   *types.Package
	Info  *types.Info // Types, Defs, Uses, Selections and Instances must be filled
	Sizes types.Sizes // layout of structs in device memory; nil means gc/amd64
}

// Error is one diagnostic: a Go source position and a message.
type Error struct {
	Pos token.Position
	Msg string
}

// Error formats the diagnostic in Go's file:line:col: message form.
func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Pos, e.Msg) }

// ErrorList is every diagnostic of one translation, sorted by position.
type ErrorList []*Error

// Error joins the diagnostics, one per line.
func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Directive is the marker comment of a kernel.
const Directive = "//dc:kernel"

// Translate lowers every //dc:kernel function of the package to IR. A
// package without kernels gives an empty Program. If any construct is
// rejected, the error is an ErrorList holding every diagnostic.
func Translate(in *Input) (*ir.Program, error) {
	t := newTranslator(in)
	t.run()
	if len(t.errs) == 0 {
		if err := verifyPass("lowering", t.prog); err != nil {
			return nil, err
		}
		t.uniformity()
	}
	if len(t.errs) > 0 {
		return nil, t.errorList()
	}
	checks.Insert(t.prog)
	if err := verifyPass("checks", t.prog); err != nil {
		return nil, err
	}
	return t.prog, nil
}

// verifyPasses makes Translate run ir.Verify on the program after every
// pass that builds or changes it. The package's tests turn it on, so that
// every program they translate is verified.
var verifyPasses = false

// verifyPass verifies p after the named pass when verifyPasses is on.
func verifyPass(pass string, p *ir.Program) error {
	if !verifyPasses {
		return nil
	}
	if err := ir.Verify(p); err != nil {
		return fmt.Errorf("invalid IR after %s: %w", pass, err)
	}
	return nil
}

// uniformity reports every barrier that not every thread of a group
// reaches (package uniform).
func (t *translator) uniformity() {
	files := map[string]string{} // base name -> name in the file set
	for _, f := range t.in.Files {
		name := t.in.Fset.Position(f.Pos()).Filename
		files[filepath.Base(name)] = name
	}
	for _, d := range uniform.Check(t.prog) {
		name, ok := files[d.Pos.File]
		if !ok {
			name = d.Pos.File
		}
		t.errs = append(t.errs, &Error{Pos: token.Position{Filename: name, Line: d.Pos.Line, Column: d.Pos.Col}, Msg: t.where(name, d.Pos.Line) + d.Msg})
	}
}

// where returns the prefix that names the kernel (and the device function
// in it) of a diagnostic at line of the named file: "kernel K: " or
// "kernel K: in f: ".
func (t *translator) where(file string, line int) string {
	for _, f := range t.in.Files {
		if t.in.Fset.Position(f.Pos()).Filename != file {
			continue
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || t.in.Fset.Position(fd.Pos()).Line > line || t.in.Fset.Position(fd.End()).Line < line {
				continue
			}
			k := t.kernelOf[fd]
			switch {
			case k == "":
				return ""
			case k == fd.Name.Name && IsKernel(fd):
				return "kernel " + k + ": "
			}
			return "kernel " + k + ": in " + fd.Name.Name + ": "
		}
	}
	return ""
}

// Kernel describes a //dc:kernel function found by Find.
type Kernel struct {
	Decl    *ast.FuncDecl
	Options map[string]string
}

type translator struct {
	in      *Input
	sizes   types.Sizes
	errs    []*Error
	seen    map[string]bool // dedupe diagnostics
	prog    *ir.Program
	structs map[string]*ir.Struct
	funcs   map[string]*fnState
	names   map[string]bool // target names taken (kernels, functions)
	nshared int
	// sharedLines maps file:line to the one dc.Shared call on it.
	sharedLines map[string]token.Pos
	decls       map[*types.Func]*ast.FuncDecl
	files       map[string]bool
	// kernel and fn say where diagnostics are found: the Go name of the
	// kernel being lowered and the device function in it, if any.
	kernel, fn string
	// kernelOf maps each lowered function to the kernel it was first
	// lowered for.
	kernelOf map[*ast.FuncDecl]string
}

func newTranslator(in *Input) *translator {
	sizes := in.Sizes
	if sizes == nil {
		sizes = types.SizesFor("gc", "amd64")
	}
	t := &translator{
		in:      in,
		sizes:   sizes,
		seen:    map[string]bool{},
		prog:    &ir.Program{Package: in.Pkg.Name()},
		structs: map[string]*ir.Struct{},
		funcs:   map[string]*fnState{},
		names:   map[string]bool{},
		decls:   map[*types.Func]*ast.FuncDecl{},
		files:   map[string]bool{},

		kernelOf: map[*ast.FuncDecl]string{},

		sharedLines: map[string]token.Pos{},
	}
	return t
}

// errorf reports a diagnostic at pos. Inside a kernel, the message names
// the kernel (and the device function it was found in), and a construct
// is reported once per kernel: its first use, not every one.
func (t *translator) errorf(pos token.Pos, format string, args ...any) {
	p := t.in.Fset.Position(pos)
	msg := fmt.Sprintf(format, args...)
	key := p.String() + msg
	if t.kernel != "" {
		if !strings.HasPrefix(msg, "kernel ") {
			prefix := "kernel " + t.kernel + ": "
			if t.fn != "" {
				prefix += "in " + t.fn + ": "
			}
			msg = prefix + msg
		}
		key = msg
	}
	if t.seen[key] {
		return
	}
	t.seen[key] = true
	t.errs = append(t.errs, &Error{Pos: p, Msg: msg})
}

func (t *translator) errorList() ErrorList {
	l := ErrorList(t.errs)
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return l
}

func (t *translator) pos(p token.Pos) ir.Pos {
	if !p.IsValid() {
		return ir.Pos{}
	}
	q := t.in.Fset.Position(p)
	f := filepath.Base(q.Filename)
	t.files[f] = true
	return ir.Pos{File: f, Line: q.Line, Col: q.Column}
}

// kernelDirective returns the options of a //dc:kernel directive in the doc
// comment of d, and whether there is one.
func kernelDirective(d *ast.FuncDecl) (opts []string, pos token.Pos, ok bool) {
	if d.Doc == nil {
		return nil, token.NoPos, false
	}
	for _, c := range d.Doc.List {
		if c.Text == Directive || strings.HasPrefix(c.Text, Directive+" ") || strings.HasPrefix(c.Text, Directive+"\t") {
			opts := strings.Fields(c.Text[len(Directive):])
			for i, o := range opts {
				if strings.HasPrefix(o, "//") { // a trailing comment
					opts = opts[:i]
					break
				}
			}
			return opts, c.Slash, true
		}
	}
	return nil, token.NoPos, false
}

// IsKernel reports whether d carries a //dc:kernel directive.
func IsKernel(d *ast.FuncDecl) bool {
	_, _, ok := kernelDirective(d)
	return ok
}

func (t *translator) run() {
	t.directives()
	var kernels []*ast.FuncDecl
	for _, f := range t.in.Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			if obj, ok := t.in.Info.Defs[fd.Name].(*types.Func); ok {
				t.decls[obj] = fd
			}
			if IsKernel(fd) {
				kernels = append(kernels, fd)
			}
		}
	}
	// Kernel names are taken first so device functions never shadow an
	// entry point.
	type inst struct {
		decl      *ast.FuncDecl
		typeArgs  []types.Type
		name      string
		fastmath  bool
		unchecked bool
	}
	var insts []inst
	for _, fd := range kernels {
		opts, dpos, _ := kernelDirective(fd)
		fastmath, unchecked := false, false
		var typeList []string
		var typePos token.Pos
		for _, o := range opts {
			key, val, hasVal := strings.Cut(o, "=")
			switch {
			case key == "fastmath" && !hasVal:
				fastmath = true
			case key == "unchecked" && !hasVal:
				unchecked = true
			case key == "types" && hasVal && val != "":
				typeList = strings.Split(val, ",")
				typePos = dpos
			default:
				t.errorf(dpos, "unknown //dc:kernel option %q (known: fastmath, unchecked, types=T1,T2,...)", o)
			}
		}
		obj, _ := t.in.Info.Defs[fd.Name].(*types.Func)
		if obj == nil {
			continue
		}
		sig := obj.Type().(*types.Signature)
		if fd.Recv != nil {
			t.errorf(fd.Pos(), "kernel %s: a kernel cannot be a method", fd.Name.Name)
			continue
		}
		if !fd.Name.IsExported() {
			t.errorf(fd.Name.Pos(), "kernel %s: a kernel's name must be exported (start with an upper-case letter), like its launcher Launch%s; rename it", fd.Name.Name, upperFirst(fd.Name.Name))
		}
		tparams := sig.TypeParams()
		switch {
		case tparams.Len() == 0 && typeList != nil:
			t.errorf(typePos, "kernel %s: types= is only for generic kernels", fd.Name.Name)
			continue
		case tparams.Len() > 1:
			t.errorf(fd.Pos(), "kernel %s: unsupported: a generic kernel may have only one type parameter", fd.Name.Name)
			continue
		case tparams.Len() == 1 && typeList == nil:
			t.errorf(fd.Pos(), "kernel %s: generic kernel needs //dc:kernel types=T1,T2,... to say which instantiations to generate", fd.Name.Name)
			continue
		}
		if tparams.Len() == 0 {
			insts = append(insts, inst{decl: fd, name: fd.Name.Name, fastmath: fastmath, unchecked: unchecked})
			continue
		}
		seenT := map[string]bool{}
		for _, name := range typeList {
			ta := t.lookupTypeArg(name)
			if ta == nil {
				t.errorf(typePos, "kernel %s: types=: unknown or unsupported type %q (use predeclared numeric types or types of this package)", fd.Name.Name, name)
				continue
			}
			if seenT[name] {
				t.errorf(typePos, "kernel %s: types=: %s listed twice", fd.Name.Name, name)
				continue
			}
			seenT[name] = true
			if !satisfies(ta, tparams.At(0)) {
				t.errorf(typePos, "kernel %s: types=: %s does not satisfy %s", fd.Name.Name, name, tparams.At(0).Constraint())
				continue
			}
			insts = append(insts, inst{decl: fd, typeArgs: []types.Type{ta}, name: fd.Name.Name + "_" + mangle(name), fastmath: fastmath, unchecked: unchecked})
		}
	}
	for _, k := range insts {
		t.names[k.name] = true
	}
	for _, k := range insts {
		t.kernel = k.decl.Name.Name
		kern := t.lowerKernel(k.decl, k.typeArgs, k.name, k.fastmath)
		t.kernel = ""
		if kern != nil {
			kern.Unchecked = k.unchecked
			t.prog.Kernels = append(t.prog.Kernels, kern)
		}
	}
	for f := range t.files {
		t.prog.Files = append(t.prog.Files, f)
	}
	sort.Strings(t.prog.Files)
}

// upperFirst returns s with its first letter in upper case.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

func mangle(s string) string {
	r := strings.NewReplacer(".", "_", "[", "_", "]", "_", " ", "", "*", "p")
	return r.Replace(s)
}

// lookupTypeArg resolves a types= entry: a predeclared type or a type
// declared at the package level.
func (t *translator) lookupTypeArg(name string) types.Type {
	if obj, ok := t.in.Pkg.Scope().Lookup(name).(*types.TypeName); ok {
		return obj.Type()
	}
	if obj, ok := types.Universe.Lookup(name).(*types.TypeName); ok {
		if b, ok := obj.Type().(*types.Basic); ok && b.Info()&(types.IsInteger|types.IsFloat|types.IsBoolean) != 0 {
			return b
		}
	}
	return nil
}

func satisfies(t types.Type, tp *types.TypeParam) bool {
	iface, ok := tp.Constraint().Underlying().(*types.Interface)
	if !ok {
		return false
	}
	return types.Satisfies(t, iface)
}

// isDC reports whether obj belongs to the dc package and has the name.
func isDC(obj types.Object, name string) bool {
	return obj != nil && obj.Pkg() != nil && obj.Pkg().Path() == DCPath && obj.Name() == name
}

// isThread reports whether t is dc.Thread.
func isThread(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && isDC(n.Obj(), "Thread")
}
