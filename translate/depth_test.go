package translate_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dotcompute/dc/translate"
	"github.com/dotcompute/dc/translate/opencl"
)

// bracketDepth returns the deepest nesting of (, [ and { in C source,
// outside // comments: what clang limits to 256.
func bracketDepth(src string) int {
	d, deepest := 0, 0
	for _, line := range strings.Split(src, "\n") {
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		for _, c := range line {
			switch c {
			case '(', '[', '{':
				d++
				deepest = max(deepest, d)
			case ')', ']', '}':
				d--
			}
		}
	}
	return deepest
}

// TestExprDepth grows expressions of the shapes that print the most
// brackets per IR level until the front end rejects them: the deepest
// accepted one prints as OpenCL C within clang's limit of 256 brackets
// (and compiles, where clang-16 is installed), the next one is rejected
// at the expression with the depth in the message.
func TestExprDepth(t *testing.T) {
	shapes := []struct{ typ, tmpl string }{
		{"int32", "v + (E)"},       // wrapping arithmetic
		{"int32", "v / (v * (E))"}, // checked division around wrapping
		{"int32", "-(v - (E))"},
		{"float32", "dc.Sqrt(E)"},
		{"int32", "xs[E]"},
		{"bool", "v && (E)"},
	}
	clang := ""
	for _, name := range []string{"clang-16", "clang"} {
		if p, err := exec.LookPath(name); err == nil {
			clang = p
			break
		}
	}
	msg := regexp.MustCompile(`^k\.go:16:11: kernel K: expression nested too deeply \(depth (\d+), at most (\d+)\): split it with temporary variables$`)
	for _, s := range shapes {
		t.Run(s.tmpl, func(t *testing.T) {
			e := "v"
			var accepted string
			for k := 1; ; k++ {
				e = strings.ReplaceAll(s.tmpl, "E", e)
				src := fmt.Sprintf(`package p

import (
	"github.com/dotcompute/dc"
)

// K computes one deep expression.
//
//dc:kernel
func K(t dc.Thread, xs []int32, out []%s) {
	i := t.GlobalX()
	if i >= len(out) {
		return
	}
	v := out[i]
	out[i] = %s
}
`, s.typ, e)
				prog, err := translate.Translate(typecheck(t, "k.go", []byte(src)))
				if err == nil {
					accepted = opencl.Print(prog)
					continue
				}
				list, ok := err.(translate.ErrorList)
				if !ok || len(list) != 1 {
					t.Fatalf("depth %d: %v", k, err)
				}
				m := msg.FindStringSubmatch(list[0].Error())
				if m == nil {
					t.Fatalf("unexpected diagnostic: %v", list[0])
				}
				if d, _ := strconv.Atoi(m[1]); d <= translate.MaxExprDepth || m[2] != strconv.Itoa(translate.MaxExprDepth) {
					t.Errorf("diagnostic %q for a depth within the limit", list[0])
				}
				break
			}
			if accepted == "" {
				t.Fatal("no depth accepted")
			}
			if b := bracketDepth(accepted); b > 256 {
				t.Errorf("the deepest accepted expression prints %d nested brackets, clang allows 256", b)
			} else {
				t.Logf("deepest accepted expression: %d nested brackets", b)
			}
			if clang == "" {
				t.Log("clang-16 not installed: the OpenCL C is not compiled")
				return
			}
			path := filepath.Join(t.TempDir(), "k.cl")
			if err := os.WriteFile(path, []byte(accepted), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(clang, "-x", "cl", "-cl-std=CL1.2", "-Xclang", "-finclude-default-header", "-w", "-fsyntax-only", path).CombinedOutput()
			if err != nil {
				t.Errorf("clang rejects the deepest accepted expression: %v\n%s", err, out)
			}
		})
	}
}
