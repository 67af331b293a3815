// Dckvet checks dc kernels as dckgen does, in go vet and in editors, and
// reports generated code that no longer matches its kernels.
//
// Usage:
//
//	go vet -vettool=$(which dckvet) ./...
//	dckvet [flags] [packages]
//
// Install it with `go install github.com/dotcompute/dc/cmd/dckvet` (or,
// as a tool of the module, `go get -tool github.com/dotcompute/dc/cmd/dckvet`
// and `go vet -vettool=$(go tool -n dckvet) ./...`).
//
// It runs the analyzer of package github.com/dotcompute/dc/gen/vet: every
// check dckgen makes before it writes a file (the kernel subset of Go,
// //dc: directives, names the generated code would redeclare), each
// kernel's source hash against the one dc_kernels.go records (a kernel
// edited without running go generate), and kernels dckgen skips (those in
// _test.go files). gopls loads no analyzers but its own; an editor that
// runs go vet with -vettool on save shows these diagnostics as the code is
// written (docs/dckvet.md).
//
// Exit status (run directly): 0 no diagnostics, 3 diagnostics, 1 errors
// loading the packages; go vet reports them in its own way.
package main

import (
	"golang.org/x/tools/go/analysis/singlechecker"

	"github.com/dotcompute/dc/gen/vet"
)

func main() { singlechecker.Main(vet.Analyzer) }
