package cuda

import (
	"go/token"
	"strings"
	"testing"

	"github.com/dotcompute/dc/translate/ir"
)

// aliasProgram reads in[0] again after a barrier. Go lets the host pass one
// buffer as both in and out, and then the second read sees what thread 0
// stored through out before the barrier.
//
//	func Alias(t dc.Thread, in, out, o2 []float32) {
//		i := t.LocalX()
//		x := in[0]
//		if i == 0 { out[0] = x + 1 }
//		t.Barrier()
//		o2[i] = in[0]
//	}
func aliasProgram() *ir.Program {
	in, o, o2 := param("in", sliceOf(tF32)), out("out", sliceOf(tF32)), out("o2", sliceOf(tF32))
	i, x := local("i", tInt), local("x", tF32)
	k := kernel("Alias", 1, []*ir.Var{in, o, o2},
		decl(2, i, th(ir.LocalX)),
		decl(3, x, idx(ref(in), cnst(tInt, 0))),
		ifStmt(4, bin(token.EQL, ref(i), cnst(tInt, 0)), block(
			assign(4, idx(ref(o), cnst(tInt, 0)), bin(token.ADD, ref(x), cnst(tF32, 1.0))),
		), nil),
		exprStmt(5, &ir.BuiltinCall{Op: ir.Barrier}),
		assign(6, idx(ref(o2), ref(i)), idx(ref(in), cnst(tInt, 0))),
	)
	k.Barrier = true
	return program(k)
}

// TestAliasedVariant checks that a kernel with read-only and written
// slices is printed twice: with __restrict__ read-only slices under its own
// name, and without restrict as Alias_aliased, which the runtime launches
// when one buffer is passed to several of its parameters (Go allows that;
// restrict would make it undefined).
func TestAliasedVariant(t *testing.T) {
	src := Print(aliasProgram())
	for _, want := range []string{
		`extern "C" __global__ void Alias(const float* __restrict__ in, long long in_len, float* out, long long out_len, float* o2, long long o2_len) {`,
		`extern "C" __global__ void Alias_aliased(const float* in, long long in_len, float* out, long long out_len, float* o2, long long o2_len) {`,
	} {
		if !strings.Contains(src, want) {
			t.Errorf("source lacks %q:\n%s", want, src)
		}
	}
}

// TestNVRTCAliasReload shows in PTX that the aliased entry point loads
// in[0] again after the barrier, from coherent memory (not through the
// read-only ld.global.nc path), so that an aliased launch sees thread 0's
// store as Go does; the restrict entry point may use ld.global.nc.
func TestNVRTCAliasReload(t *testing.T) {
	n := loadNVRTC(t)
	res, err := compile(n, Print(aliasProgram()), "k.cu", "sm_80")
	if err != nil {
		t.Fatal(err)
	}
	ptx := string(res.PTX)
	start := strings.Index(ptx, ".entry Alias_aliased(")
	if start < 0 {
		t.Fatalf("PTX has no entry Alias_aliased:\n%s", ptx)
	}
	body := ptx[start:]
	if end := strings.Index(body[1:], ".entry "); end >= 0 {
		body = body[:end+1]
	}
	barrier := false
	reload := false
	for _, l := range strings.Split(body, "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) == 0:
		case strings.HasPrefix(f[0], "bar.sync") || strings.HasPrefix(f[0], "barrier.sync"):
			barrier = true
		case strings.HasPrefix(f[0], "ld.global.nc"):
			t.Errorf("aliased entry: read-only load of a buffer the kernel may write: %s", strings.TrimSpace(l))
		case strings.HasPrefix(f[0], "ld.global.") && barrier:
			reload = true
		}
	}
	if !barrier || !reload {
		t.Errorf("aliased entry: no load from global memory after the barrier:\n%s", body)
	}
}
