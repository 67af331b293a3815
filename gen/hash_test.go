package gen_test

import (
	"os"
	"strings"
	"testing"

	"github.com/dotcompute/dc/gen"
)

const hashSrc = `package h

import "github.com/dotcompute/dc"

// Factor scales.
const Factor = 2

// V is a vector.
type V struct{ X, Y float32 }

func grow(v V) V { return V{X: v.X * Factor, Y: v.Y} }

func unused(x float32) float32 { return x + 1 }

// Scale multiplies x by a.
//
//dc:kernel
func Scale(t dc.Thread, a float32, x []float32) {
	if i := t.GlobalX(); i < len(x) {
		x[i] *= a
	}
}

// Grow grows every vector.
//
//dc:kernel
func Grow(t dc.Thread, vs []V) {
	if i := t.GlobalX(); i < len(vs) {
		vs[i] = grow(vs[i])
	}
}
`

// TestSourceHashes checks what changes a kernel's source hash: an edit of
// its body, of a device function or constant or type it uses, or of its
// //dc:kernel options; and what leaves it as it is: an edit of another
// kernel, of a function no kernel calls, or of a doc comment, and a move
// to other lines.
func TestSourceHashes(t *testing.T) {
	t.Parallel()
	edits := []struct {
		name        string
		old, new    string
		scale, grow bool // whether the hash of Scale, Grow changes
	}{
		{"none", "", "", false, false},
		{"Scale's body", "x[i] *= a\n", "x[i] *= a + 1\n", true, false},
		{"device function", "v.X * Factor", "v.X * Factor * 2", false, true},
		{"constant", "const Factor = 2", "const Factor = 3", false, true},
		{"type", "X, Y float32", "X, Y float64", false, true},
		{"options", "//dc:kernel\nfunc Scale", "//dc:kernel fastmath\nfunc Scale", true, false},
		{"line", "// Scale multiplies x by a.\n", "// Scale multiplies x\n// by a.\n", false, false},
		{"unused function", "return x + 1", "return x + 2", false, false},
		{"doc comment", "// Grow grows every vector.", "// Grow grows all vectors.", false, false},
	}
	files := map[string]string{}
	for i, e := range edits {
		files["v"+string(rune('a'+i))+"/h.go"] = strings.Replace(hashSrc, e.old, e.new, 1)
	}
	dir := newModule(t, files)
	pkgs, err := gen.Load(gen.Config{Dir: dir, Patterns: []string{"./..."}})
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != len(edits) {
		t.Fatalf("loaded %d packages, want %d", len(pkgs), len(edits))
	}
	var hashes []map[string]string
	for _, p := range pkgs {
		h, err := gen.SourceHashes(p.Input, os.ReadFile)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 2 || len(h["Scale"]) != 32 || len(h["Grow"]) != 32 {
			t.Fatalf("%s: hashes %v, want 32 hex digits for Scale and Grow", p.Path, h)
		}
		hashes = append(hashes, h)
	}
	base := hashes[0]
	for i, e := range edits {
		if e.old != "" && !strings.Contains(hashSrc, e.old) {
			t.Fatalf("%s: the source has no %q", e.name, e.old)
		}
		for k, want := range map[string]bool{"Scale": e.scale, "Grow": e.grow} {
			if got := hashes[i][k] != base[k]; got != want {
				t.Errorf("edit of %s: hash of %s changed: %v, want %v", e.name, k, got, want)
			}
		}
	}
}
