package gocpu

import (
	"fmt"
	"go/token"
	"strings"
	"testing"

	"github.com/dave/jennifer/jen"

	"github.com/dotcompute/dc/translate/ir"
)

// TestUnrolledFor checks which counted loops print fully unrolled, one
// block per iteration in order, and which stay loops.
func TestUnrolledFor(t *testing.T) {
	xs := param("xs", sliceOf(f32))
	sum := local("sum", f32)
	loop := func(j *ir.Var, c0, c1 string, op token.Token, body ...ir.Stmt) *ir.ForStmt {
		return forLoop("", decl(j, ci(c0)), bin(op, ref(j), ci(c1)), inc(j), blk(body...))
	}
	addX := func(j *ir.Var) ir.Stmt { return add(ref(sum), idx(ref(xs), ref(j))) }
	cases := []struct {
		name  string
		loop  func(j *ir.Var) *ir.ForStmt
		trips int // the copies printed; 0: a loop
	}{
		{"j < 4", func(j *ir.Var) *ir.ForStmt { return loop(j, "0", "4", token.LSS, addX(j)) }, 4},
		{"j <= 16 from 1", func(j *ir.Var) *ir.ForStmt { return loop(j, "1", "16", token.LEQ, addX(j)) }, 16},
		{"17 trips", func(j *ir.Var) *ir.ForStmt { return loop(j, "0", "17", token.LSS, addX(j)) }, 0},
		{"no trip", func(j *ir.Var) *ir.ForStmt { return loop(j, "4", "4", token.LSS, addX(j)) }, 0},
		{"bound not constant", func(j *ir.Var) *ir.ForStmt {
			return forLoop("", decl(j, ci("0")), bin(token.LSS, ref(j), &ir.Len{X: ref(xs)}), inc(j), blk(addX(j)))
		}, 0},
		{"assigns its index", func(j *ir.Var) *ir.ForStmt { return loop(j, "0", "4", token.LSS, addX(j), inc(j)) }, 0},
		{"breaks", func(j *ir.Var) *ir.ForStmt {
			f := loop(j, "0", "4", token.LSS, addX(j))
			f.Body.Stmts = append(f.Body.Stmts, branch(ir.Break, f, false, true))
			return f
		}, 0},
		{"holds a loop", func(j *ir.Var) *ir.ForStmt {
			k := local("k", intT)
			return loop(j, "0", "4", token.LSS, loop(k, "0", "2", token.LSS, addX(k)))
		}, 0},
	}
	for _, c := range cases {
		j := local("j", intT)
		f := c.loop(j)
		k := kernel("K", []*ir.Var{xs}, blk(decl(sum, num(f32, "0")), f))
		p := newPrinter(analyze(k.Body), k.Params, nil)
		copies := p.unrolledFor(f)
		if len(copies) != c.trips {
			t.Errorf("%s: %d copies, want %d", c.name, len(copies), c.trips)
			continue
		}
		for i, cp := range copies {
			got := fmt.Sprintf("%#v", jen.Block(cp))
			want := fmt.Sprintf("j := int(%d)", i+map[bool]int{true: 1, false: 0}[c.name == "j <= 16 from 1"])
			if !strings.Contains(got, want) {
				t.Errorf("%s: copy %d is\n%s\nwant it to declare %q", c.name, i, got, want)
			}
		}
	}
}

// TestUnrollable checks which thread loop bodies unroll four threads an
// iteration: a few statements without loops, branches, returns or calls.
func TestUnrollable(t *testing.T) {
	sh := param("sh", sliceOf(f32))
	l := local("l", intT)
	step := add(idx(ref(sh), ref(l)), idx(ref(sh), bin(token.ADD, ref(l), ci("1"))))
	f := &ir.Func{Name: "f", Params: []*ir.Var{param("x", f32)}}
	big := blk()
	for range 4 {
		big.Stmts = append(big.Stmts, step)
	}
	cases := []struct {
		name string
		body *ir.Block
		want bool
	}{
		{"tree step", blk(decl(l, th(ir.LocalX)), step), true},
		{"guarded", blk(decl(l, th(ir.LocalX)), iff(bin(token.LSS, ref(l), ci("8")), blk(step), nil)), true},
		{"too big", big, false},
		{"loop", blk(forLoop("", decl(l, ci("0")), bin(token.LSS, ref(l), ci("2")), inc(l), blk(step))), false},
		{"call", blk(&ir.CallStmt{Call: call(f, num(f32, "1"))}), false},
		{"return", blk(ret()), false},
	}
	for _, c := range cases {
		if got := unrollable(c.body); got != c.want {
			t.Errorf("%s: unrollable = %v, want %v", c.name, got, c.want)
		}
	}
}
