package gen

import (
	"bytes"
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/dotcompute/dc/translate/gocpu"
	"github.com/dotcompute/dc/translate/ir"
)

// Build constraints of SIMDFile and NoSIMDFile: package simd/archsimd
// exists only with GOEXPERIMENT=simd, and only on amd64.
const (
	simdBuild   = "//go:build goexperiment.simd && amd64"
	noSIMDBuild = "//go:build !(goexperiment.simd && amd64)"
)

// SIMDSources returns the file of SIMD bodies of a translated package (see
// gocpu.SIMD) and the file of their stubs for other builds (see
// gocpu.SIMDStub), or nil and nil if no kernel of prog has one.
func SIMDSources(p *Package, prog *ir.Program) (simd, stubs []byte, err error) {
	newFile := func(build string) *jen.File {
		f := jen.NewFilePathName(p.Path, p.Name)
		f.HeaderComment(Header)
		f.HeaderComment(build)
		return f
	}
	sf, nf := newFile(simdBuild), newFile(noSIMDBuild)
	sf.ImportName("simd/archsimd", "archsimd")
	any := false
	for _, k := range prog.Kernels {
		code, ok := gocpu.SIMD(k)
		if !ok {
			continue
		}
		stub, _ := gocpu.SIMDStub(k)
		any = true
		sf.Line()
		sf.Add(code)
		nf.Line()
		nf.Add(stub)
	}
	if !any {
		return nil, nil, nil
	}
	var sb, nb bytes.Buffer
	if err := sf.Render(&sb); err != nil {
		return nil, nil, fmt.Errorf("dckgen: %s: rendering Go: %w", p.Path, err)
	}
	if err := nf.Render(&nb); err != nil {
		return nil, nil, fmt.Errorf("dckgen: %s: rendering Go: %w", p.Path, err)
	}
	return sb.Bytes(), nb.Bytes(), nil
}
