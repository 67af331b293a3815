package translate

import (
	"go/ast"
	"go/token"
	"regexp"
	"strings"
)

// directiveLike matches comments meant as a dc directive: //dc:word, and
// the near misses // dc:word and /*dc:word*/ that Go does not treat as
// directives.
var directiveLike = regexp.MustCompile(`^(//\s*|/\*\s*)dc:([A-Za-z_]\w*)`)

// directives reports every comment that looks like a dc directive but
// does not mark a kernel: a misspelled name (//dc:kernal), a space after
// the slashes (// dc:kernel), and a //dc:kernel that is not in the doc
// comment of a top-level function: on a var, const or type declaration,
// inside a function body, or separated from its function by a blank line.
// dckgen would otherwise ignore them and generate no launcher.
func (t *translator) directives() {
	for _, f := range t.in.Files {
		docs := map[*ast.Comment]bool{} // //dc:kernel lines of function docs
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Doc != nil {
				for _, c := range fd.Doc.List {
					docs[c] = true
				}
			}
		}
		for _, g := range f.Comments {
			for _, c := range g.List {
				m := directiveLike.FindStringSubmatch(c.Text)
				if m == nil {
					continue
				}
				name := m[2]
				switch {
				case m[1] != "//":
					text := m[0]
					if strings.HasPrefix(text, "/*") {
						text += "*/"
					}
					t.errorf(c.Slash, "%s is not a directive: write //dc:%s, with no space and not as a /* */ comment", text, name)
				case name != "kernel":
					t.errorf(c.Slash, "unknown directive //dc:%s (the only dc directive is //dc:kernel)", name)
				case !docs[c]:
					t.errorf(c.Slash, "misplaced //dc:kernel: %s", t.misplaced(f, c))
				}
			}
		}
	}
}

// misplaced says where the //dc:kernel comment c is, when it is not in the
// doc comment of a top-level function.
func (t *translator) misplaced(f *ast.File, c *ast.Comment) string {
	const want = "it must be in the doc comment directly above a top-level func"
	for _, d := range f.Decls {
		if c.Pos() < d.Pos() || c.Pos() >= d.End() {
			continue
		}
		switch d := d.(type) {
		case *ast.FuncDecl:
			return "it is inside the body of " + d.Name.Name + "; " + want
		case *ast.GenDecl:
			return "it is inside a " + d.Tok.String() + " declaration; " + want
		}
	}
	// The declaration that follows the comment, or whose doc holds it.
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Doc != nil && d.Doc.Pos() <= c.Pos() && c.Pos() < d.Doc.End() {
				return "it is on a " + d.Tok.String() + " declaration; only functions can be kernels"
			}
			if d.Pos() > c.Pos() && d.Tok != token.IMPORT {
				return "it is followed by a " + d.Tok.String() + " declaration; only functions can be kernels"
			}
		case *ast.FuncDecl:
			if d.Pos() > c.Pos() {
				return "it is separated from func " + d.Name.Name + " by a blank line or another comment; " + want
			}
		}
		if d.Pos() > c.Pos() {
			break
		}
	}
	return want
}
