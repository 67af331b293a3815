package translate_test

import (
	"testing"

	"github.com/dotcompute/dc/gen"
	"github.com/dotcompute/dc/translate"
)

// TestTranslateKernels translates the standard kernels (kernels/). As for
// every translation in this package's tests, the IR is verified after
// every pass (ir.Verify), so an invalid program fails here.
func TestTranslateKernels(t *testing.T) {
	pkgs, err := gen.Load(gen.Config{Dir: "..", Patterns: []string{"./kernels"}})
	if err != nil {
		t.Fatalf("loading kernels/: %v", err)
	}
	if len(pkgs) != 1 {
		t.Fatalf("loaded %d packages for kernels/, want 1", len(pkgs))
	}
	prog, err := translate.Translate(pkgs[0].Input)
	if err != nil {
		t.Fatal(err)
	}
	if len(prog.Kernels) == 0 {
		t.Fatal("kernels/ translated to no kernels")
	}
}
