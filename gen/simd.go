package gen

import (
	"bytes"
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/dotcompute/dc/translate/gocpu"
	"github.com/dotcompute/dc/translate/ir"
)

// simdBuild is the build constraint of SIMDFile: package simd/archsimd
// exists only with GOEXPERIMENT=simd, and only on amd64.
const simdBuild = "//go:build goexperiment.simd && amd64"

// SIMDSource returns the file of SIMD bodies of a translated package (see
// gocpu.SIMD), or nil if no kernel of prog has one.
func SIMDSource(p *Package, prog *ir.Program) ([]byte, error) {
	f := jen.NewFilePathName(p.Path, p.Name)
	f.HeaderComment(Header)
	f.HeaderComment(simdBuild)
	f.ImportName("simd/archsimd", "archsimd")
	any := false
	for _, k := range prog.Kernels {
		code, ok := gocpu.SIMD(k)
		if !ok {
			continue
		}
		any = true
		f.Line()
		f.Add(code)
	}
	if !any {
		return nil, nil
	}
	var buf bytes.Buffer
	if err := f.Render(&buf); err != nil {
		return nil, fmt.Errorf("dckgen: %s: rendering Go: %w", p.Path, err)
	}
	return buf.Bytes(), nil
}
