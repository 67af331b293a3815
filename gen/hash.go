package gen

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"regexp"
	"sort"
	"strings"

	"github.com/dotcompute/dc/translate"
)

// hashVersion names the definition of SourceHashes; it changes whenever
// what goes into a hash does.
const hashVersion = "dc source hash 2"

// SourceHashes returns, for every //dc:kernel function of the package, a
// hash of what its generated code is made from: the kernel's declaration
// and //dc: directive lines, and the declarations of everything in the
// package it uses, transitively: the device functions and methods it
// calls, the types and constants it names. Each declaration counts with
// its exact source text. A change anywhere else in the package (another
// kernel, a doc comment, a function no kernel calls) leaves the hash as it
// is, and so does moving a declaration: the generated code then reports
// faults at the old lines until go generate runs again, which dckgen
// -check (a comparison of whole files) reports, but it runs the same code.
//
// readFile returns the content of a source file (os.ReadFile, or an
// analysis pass's ReadFile). The keys are the kernels' Go names.
func SourceHashes(in *translate.Input, readFile func(string) ([]byte, error)) (map[string]string, error) {
	decls := map[types.Object]ast.Node{} // package-level object -> its declaration
	for _, f := range in.Files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if obj := in.Info.Defs[d.Name]; obj != nil {
					decls[obj] = d
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if obj := in.Info.Defs[s.Name]; obj != nil {
							decls[obj] = s
						}
					case *ast.ValueSpec:
						// A constant's value may come from its group (iota,
						// an omitted expression list): the whole group counts.
						var n ast.Node = s
						if d.Tok == token.CONST {
							n = d
						}
						for _, name := range s.Names {
							if obj := in.Info.Defs[name]; obj != nil {
								decls[obj] = n
							}
						}
					}
				}
			}
		}
	}
	sources := map[string][]byte{}
	source := func(n ast.Node) ([]byte, error) {
		tf := in.Fset.File(n.Pos())
		if tf == nil {
			return nil, fmt.Errorf("dckgen: no file for a declaration at %v", n.Pos())
		}
		src, ok := sources[tf.Name()]
		if !ok {
			var err error
			if src, err = readFile(tf.Name()); err != nil {
				return nil, fmt.Errorf("dckgen: %w", err)
			}
			sources[tf.Name()] = src
		}
		start, end := tf.Offset(n.Pos()), tf.Offset(n.End())
		if end > len(src) || start > end {
			return nil, fmt.Errorf("dckgen: %s changed while it was read", tf.Name())
		}
		return src[start:end], nil
	}
	hashes := map[string]string{}
	for _, f := range in.Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || !translate.IsKernel(fd) {
				continue
			}
			// Everything the kernel reaches.
			seen := map[ast.Node]bool{fd: true}
			nodes := []ast.Node{fd}
			for i := 0; i < len(nodes); i++ {
				ast.Inspect(nodes[i], func(n ast.Node) bool {
					id, ok := n.(*ast.Ident)
					if !ok {
						return true
					}
					obj := in.Info.Uses[id]
					if fn, ok := obj.(*types.Func); ok {
						obj = fn.Origin()
					}
					if dn := decls[obj]; dn != nil && !seen[dn] {
						seen[dn] = true
						nodes = append(nodes, dn)
					}
					return true
				})
			}
			// The kernel first, then what it uses in an order that does not
			// depend on where it is declared.
			var srcs [][]byte
			for _, n := range nodes {
				src, err := source(n)
				if err != nil {
					return nil, err
				}
				srcs = append(srcs, src)
			}
			sort.Slice(srcs[1:], func(i, j int) bool { return string(srcs[1+i]) < string(srcs[1+j]) })
			h := sha256.New()
			fmt.Fprintf(h, "%s\n", hashVersion)
			for _, c := range fd.Doc.List {
				if strings.HasPrefix(c.Text, "//dc:") {
					fmt.Fprintf(h, "%s\n", c.Text)
				}
			}
			for _, src := range srcs {
				fmt.Fprintf(h, "%d\n%s\n", len(src), src)
			}
			hashes[fd.Name.Name] = hex.EncodeToString(h.Sum(nil)[:16])
		}
	}
	return hashes, nil
}

// hashComment is the comment above each kernel descriptor in the generated
// Go file, which records the kernel's source hash.
var hashComment = regexp.MustCompile(`^// dcKernel\w* describes kernel (\w+); source hash ([0-9a-f]+)\.$`)

// hashLine returns the comment that records the source hash of kernel
// goName above its descriptor variable.
func hashLine(varName, goName, hash string) string {
	return fmt.Sprintf("%s describes kernel %s; source hash %s.", varName, goName, hash)
}

// RecordedHashes returns the source hashes a generated Go file records,
// by kernel Go name.
func RecordedHashes(f *ast.File) map[string]string {
	m := map[string]string{}
	for _, g := range f.Comments {
		for _, c := range g.List {
			if s := hashComment.FindStringSubmatch(c.Text); s != nil {
				m[s[1]] = s[2]
			}
		}
	}
	return m
}

// StaleKernels compares the hashes of a package's kernels (SourceHashes)
// with those its generated Go file records (RecordedHashes) and returns a
// sentence for each difference, sorted: a kernel changed, added or
// removed since the file was generated.
func StaleKernels(now, recorded map[string]string) []string {
	var out []string
	for k, h := range now {
		switch r, ok := recorded[k]; {
		case !ok:
			out = append(out, fmt.Sprintf("kernel %s is new", k))
		case r != h:
			out = append(out, fmt.Sprintf("kernel %s changed", k))
		}
	}
	for k := range recorded {
		if _, ok := now[k]; !ok {
			out = append(out, fmt.Sprintf("kernel %s was removed", k))
		}
	}
	sort.Strings(out)
	return out
}
