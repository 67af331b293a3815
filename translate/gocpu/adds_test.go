package gocpu

import (
	"go/token"
	"slices"
	"testing"

	"github.com/dotcompute/dc/translate/ir"
)

// TestAddOnly checks which parameters the CPU backend adds to through a
// chunk's cpu.Adds: int32 and uint32 slices whose every use is the
// element of an AtomicAdd with its old value unused, or their length.
func TestAddOnly(t *testing.T) {
	hist := func() *ir.Var { return param("hist", sliceOf(i32)) }
	i := local("i", intT)
	atomicAdd := func(s *ir.Var, at ir.Expr, v ir.Expr) *ir.BuiltinCall {
		return bi(ir.AtomicAdd, s.Type.(*ir.Slice).Elem, idx(ref(s), at), v)
	}
	f := &ir.Func{Name: "use", Params: []*ir.Var{param("s", sliceOf(i32))}}
	cases := []struct {
		name string
		k    func() *ir.Kernel
		want []int
	}{
		{"added to", func() *ir.Kernel {
			h, u, xs := hist(), param("u", sliceOf(u32)), param("xs", sliceOf(i32))
			return kernel("K", []*ir.Var{xs, h, u}, blk(
				decl(i, th(ir.GlobalX)),
				guard(i, xs),
				exprStmt(atomicAdd(h, bin(token.REM, ref(i), &ir.Len{X: ref(h)}), idx(ref(xs), ref(i)))),
				exprStmt(atomicAdd(u, ci("0"), num(u32, "1"))),
			))
		}, []int{1, 2}},
		{"old value used", func() *ir.Kernel {
			h, old := hist(), local("old", i32)
			return kernel("K", []*ir.Var{h}, blk(decl(old, atomicAdd(h, ci("0"), num(i32, "1")))))
		}, nil},
		{"read too", func() *ir.Kernel {
			h, out := hist(), param("out", sliceOf(i32))
			return kernel("K", []*ir.Var{h, out}, blk(
				exprStmt(atomicAdd(h, ci("0"), num(i32, "1"))),
				set(idx(ref(out), ci("0")), idx(ref(h), ci("1"))),
			))
		}, nil},
		{"its element indexes another add", func() *ir.Kernel {
			h := hist()
			return kernel("K", []*ir.Var{h}, blk(
				exprStmt(atomicAdd(h, conv(idx(ref(h), ci("1")), intT), num(i32, "1"))),
			))
		}, nil},
		{"passed to a function", func() *ir.Kernel {
			h := hist()
			return kernel("K", []*ir.Var{h}, blk(
				exprStmt(atomicAdd(h, ci("0"), num(i32, "1"))),
				exprStmt(call(f, ref(h))),
			))
		}, nil},
		{"other atomics", func() *ir.Kernel {
			h := hist()
			return kernel("K", []*ir.Var{h}, blk(
				exprStmt(bi(ir.AtomicMax, i32, idx(ref(h), ci("0")), num(i32, "1"))),
			))
		}, nil},
		{"float32", func() *ir.Kernel {
			s := param("s", sliceOf(f32))
			return kernel("K", []*ir.Var{s}, blk(exprStmt(atomicAdd(s, ci("0"), num(f32, "1")))))
		}, nil},
	}
	for _, c := range cases {
		if got := addOnly(c.k()); !slices.Equal(got, c.want) {
			t.Errorf("%s: addOnly = %v, want %v", c.name, got, c.want)
		}
	}
}
