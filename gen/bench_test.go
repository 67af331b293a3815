package gen_test

import (
	"testing"

	"github.com/dotcompute/dc/gen"
)

// BenchmarkGenerate measures generating the standard kernel library
// (translation and every printer, gofmt included).
func BenchmarkGenerate(b *testing.B) {
	pkgs, err := gen.Load(gen.Config{Dir: "..", Patterns: []string{"./kernels"}})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := gen.Generate(pkgs[0], []string{"cuda"}); err != nil {
			b.Fatal(err)
		}
	}
}
