package cuda

import (
	"go/token"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dotcompute/dc/translate/ir"
)

// sameLineProgram has two statements on Go line 3 (as "x, o[0] := 1, a ==
// b" lowers) and an unsupported one among them.
func sameLineProgram() *ir.Program {
	a, b := param("a", arrayOf(4, tF32)), param("b", arrayOf(4, tF32))
	o, n := out("o", sliceOf(tBool)), out("n", sliceOf(tInt))
	x := local("x", tInt)
	return program(kernel("SameLine", 1, []*ir.Var{a, b, o, n},
		decl(3, x, cnst(tInt, 1)),
		assign(3, idx(ref(n), cnst(tInt, 0)), ref(x)),
		assign(3, idx(ref(o), cnst(tInt, 0)), bin(token.EQL, ref(a), ref(b))),
		assign(4, idx(ref(n), cnst(tInt, 1)), ref(x)),
	))
}

// goLines returns, for each line of src, the Go line a compiler reports for
// it after the #line directives (0 before the first).
func goLines(src string) []int {
	lines := strings.Split(src, "\n")
	out := make([]int, len(lines))
	cur := 0
	for i, l := range lines {
		if strings.HasPrefix(l, "#line ") {
			f := strings.Fields(l)
			n, _ := strconv.Atoi(f[1])
			cur = n - 1 // the next line is n
			continue
		}
		if cur > 0 {
			cur++
		}
		out[i] = cur
	}
	return out
}

// TestLineDirectivesSameLine checks that every statement of a Go line, and
// an #error for one of them, maps back to that line, however many C lines
// come before it.
func TestLineDirectivesSameLine(t *testing.T) {
	src, err := PrintChecked(sameLineProgram())
	if err == nil {
		t.Fatal("PrintChecked reported no problem")
	}
	want := map[string]int{
		"long long x = 1LL;":       3,
		"n[0] = x;":                3,
		"#error \"dc: unsupported": 3,
		"n[1] = x;":                4,
	}
	lines, gl := strings.Split(src, "\n"), goLines(src)
	for prefix, line := range want {
		found := false
		for i, l := range lines {
			if strings.HasPrefix(strings.TrimSpace(l), prefix) {
				found = true
				if gl[i] != line {
					t.Errorf("%q maps to Go line %d, want %d:\n%s", prefix, gl[i], line, src)
				}
			}
		}
		if !found {
			t.Errorf("no line starts with %q:\n%s", prefix, src)
		}
	}
}

// TestNVRTCSameLineError shows NVRTC reporting the #error of
// sameLineProgram at its Go line.
func TestNVRTCSameLineError(t *testing.T) {
	n := loadNVRTC(t)
	_, err := compile(n, Print(sameLineProgram()), "k.cu", "sm_80")
	if err == nil {
		t.Fatal("source with #error compiled")
	}
	const want = `k.go(3): catastrophic error: #error directive: "dc: unsupported: comparison of arrays ([4]float32)"`
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error does not contain %q:\n%v", want, err)
	}
}

// elseIfProgram has an unsupported condition in an else-if (Go line 4) and
// in the second case of a tagless switch (Go line 8).
func elseIfProgram() *ir.Program {
	a, b := param("a", arrayOf(4, tF32)), param("b", arrayOf(4, tF32))
	n := out("n", sliceOf(tInt))
	x := param("x", tInt)
	set := func(line, v int) *ir.Block { return block(assign(line, idx(ref(n), cnst(tInt, 0)), cnst(tInt, v))) }
	sw := &ir.SwitchStmt{Pos: at(6), Cases: []*ir.Case{
		{Pos: at(7), Values: []ir.Expr{bin(token.LSS, ref(x), cnst(tInt, 0))}, Body: set(7, 3)},
		{Pos: at(8), Values: []ir.Expr{bin(token.NEQ, ref(a), ref(b))}, Body: set(8, 4)},
	}}
	return program(kernel("ElseIf", 1, []*ir.Var{a, b, n, x},
		ifStmt(2, bin(token.GTR, ref(x), cnst(tInt, 0)), set(3, 1),
			block(ifStmt(4, bin(token.EQL, ref(a), ref(b)), set(5, 2), nil))),
		sw,
	))
}

// TestLineDirectivesElseIf checks that the #error of an else-if condition
// or a later case value stands on its own line, at its Go line.
func TestLineDirectivesElseIf(t *testing.T) {
	src, err := PrintChecked(elseIfProgram())
	if err == nil {
		t.Fatal("PrintChecked reported no problem")
	}
	lines, gl := strings.Split(src, "\n"), goLines(src)
	var got []int
	for i, l := range lines {
		if strings.Contains(l, "#error \"dc: unsupported") {
			if !strings.HasPrefix(l, "#error") {
				t.Errorf("#error not at the start of a line: %q", l)
			}
			got = append(got, gl[i])
		}
	}
	if want := []int{4, 8}; !slices.Equal(got, want) {
		t.Errorf("#error lines map to Go lines %v, want %v:\n%s", got, want, src)
	}
}
