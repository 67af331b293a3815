package cuda

import (
	"strings"
	"testing"

	"github.com/dotcompute/dc/translate/ir"
)

// TestFastMathPerKernel checks that only a kernel marked fastmath uses
// CUDA's fast intrinsics, for float32 only: fast math is per kernel, so it
// cannot be a compiler option of the whole module.
func TestFastMathPerKernel(t *testing.T) {
	mk := func(name string, fast bool) *ir.Kernel {
		x, y := param("x", sliceOf(tF32)), out("y", sliceOf(tF32))
		d := out("d", sliceOf(ir.Float64Type))
		sin := &ir.BuiltinCall{Op: ir.Sin, Args: []ir.Expr{idx(ref(x), cnst(tInt, 0))}, T: tF32}
		exp := &ir.BuiltinCall{Op: ir.Exp, Args: []ir.Expr{idx(ref(d), cnst(tInt, 0))}, T: ir.Float64Type}
		k := kernel(name, 1,
			[]*ir.Var{x, y, d},
			assign(2, idx(ref(y), cnst(tInt, 0)), sin),
			assign(3, idx(ref(d), cnst(tInt, 0)), exp),
		)
		k.FastMath = fast
		return k
	}
	src := Print(program(mk("Accurate", false), mk("Fast", true)))
	acc := src[strings.Index(src, "void Accurate("):strings.Index(src, "void Fast(")]
	fast := src[strings.Index(src, "void Fast("):]
	if !strings.Contains(acc, "sinf(") || strings.Contains(acc, "__sinf(") {
		t.Errorf("accurate kernel should call sinf:\n%s", acc)
	}
	if !strings.Contains(fast, "__sinf(") {
		t.Errorf("fastmath kernel should call __sinf:\n%s", fast)
	}
	if !strings.Contains(fast, "exp(") || strings.Contains(fast, "__exp") {
		t.Errorf("fastmath kernel keeps accurate float64 exp:\n%s", fast)
	}
	t.Run("nvrtc", func(t *testing.T) {
		if _, err := compile(loadNVRTC(t), src, "k.cu", "sm_80"); err != nil {
			t.Fatal(err)
		}
	})
}
