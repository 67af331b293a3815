// Dckgen generates GPU kernels and their typed launchers from Go functions
// marked //dc:kernel.
//
// Usage:
//
//	dckgen [flags] [packages]
//
// With no packages, dckgen works on the package in the current directory,
// so a package needs one line to regenerate with go generate:
//
//	//go:generate go tool dckgen -emit=cuda,opencl,metal
//
// after `go get -tool github.com/dotcompute/dc/cmd/dckgen` (or, in this
// module, `//go:generate go run github.com/dotcompute/dc/cmd/dckgen`).
//
// For each package dckgen loads it with full type information (refusing
// packages with type errors), checks every //dc:kernel function and every
// function it calls against the kernel subset, and writes dc_kernels.go:
// one typed launcher LaunchK per kernel, the CUDA C, OpenCL C and Metal
// sources compiled at run time, and a Go CPU fallback. Each kernel's entry
// records a hash of the source it was generated from (see -check). Files
// are written only when their content changes, and the output is the same
// on every run.
//
// Flags:
//
//	-check       write nothing; list the generated files that differ from
//	             what dckgen would write now (a kernel or what it uses
//	             changed, or dckgen did), one per line, and exit 1 if
//	             there are any, like gofmt -l. It also checks the device
//	             sources already there, so it needs no -emit. With -v it
//	             also says which kernels changed, by their source hashes.
//	-emit list   also write the device sources beside the Go file, for
//	             inspection and external tools: cuda (dc_kernels.cu),
//	             opencl (dc_kernels.cl), metal (dc_kernels.metal)
//	-tags list   comma-separated build tags passed to the go command
//	-v           print the files written (or "up to date"), each kernel
//	             whose CPU fallback runs a goroutine per thread (with the
//	             reason), and each kernel Metal cannot run (with the
//	             position of the first use of float64 or a 64-bit atomic)
//	-version     print the version of dckgen and exit
//
// Every problem in a kernel is reported as file:line:col: message, all of
// them, not only the first, each naming its kernel. The same checks run
// in the editor and in go vet through cmd/dckvet.
//
// Exit status: 0 success (with -check: everything up to date), 1
// diagnostics, failure or (with -check) stale files, 2 misuse.
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/dotcompute/dc/gen"
	"github.com/dotcompute/dc/translate"
)

const usageText = `usage: dckgen [flags] [packages]

dckgen checks the //dc:kernel functions of the packages (default: the one
in the current directory) and writes dc_kernels.go beside them: a typed
launcher LaunchK per kernel, the device sources, and a Go CPU fallback.

In a package, one line regenerates it with go generate:

	//go:generate go tool dckgen -emit=cuda,opencl,metal

Flags:
`

const exitCodes = `
Exit status: 0 success (with -check: up to date), 1 kernel diagnostics,
failure or (with -check) stale files, 2 misuse.
Run 'go doc github.com/dotcompute/dc/cmd/dckgen' for the manual.
`

func main() {
	log.SetFlags(0)
	log.SetPrefix("dckgen: ")
	check := flag.Bool("check", false, "write nothing; list stale generated files and exit 1 if there are any")
	emit := flag.String("emit", "", "device sources to write beside the Go file: "+strings.Join(gen.EmitTargets(), ","))
	tags := flag.String("tags", "", "comma-separated build tags")
	verbose := flag.Bool("v", false, "print the files written (or \"up to date\"), kernels whose CPU fallback runs a goroutine per thread, and kernels Metal cannot run")
	version := flag.Bool("version", false, "print the version and exit")
	flag.Usage = func() {
		fmt.Fprint(os.Stderr, usageText)
		flag.PrintDefaults()
		fmt.Fprint(os.Stderr, exitCodes)
	}
	flag.Parse()
	if *version {
		fmt.Println("dckgen", Version())
		return
	}
	cfg := gen.Config{Patterns: flag.Args()}
	if *tags != "" {
		cfg.Tags = strings.Split(*tags, ",")
	}
	if *emit != "" {
		for _, e := range strings.Split(*emit, ",") {
			if !slices.Contains(gen.EmitTargets(), e) {
				log.Printf("unknown -emit target %q (available: %s)", e, strings.Join(gen.EmitTargets(), ", "))
				flag.Usage()
				os.Exit(2)
			}
			cfg.Emit = append(cfg.Emit, e)
		}
	}
	if *verbose {
		cfg.Log = func(line string) { fmt.Fprintln(os.Stderr, line) }
	}
	var files []string
	var err error
	if *check {
		files, err = gen.Check(cfg)
	} else {
		files, err = gen.Run(cfg)
	}
	var list translate.ErrorList
	if errors.As(err, &list) {
		for _, d := range list {
			fmt.Fprintln(os.Stderr, d)
		}
		os.Exit(1)
	}
	if err != nil {
		log.Print(strings.TrimPrefix(err.Error(), "dckgen: "))
		os.Exit(1)
	}
	if *check || *verbose {
		for _, f := range files {
			fmt.Println(f)
		}
	}
	if *verbose && len(files) == 0 {
		fmt.Fprintln(os.Stderr, "dckgen: up to date")
	}
	if *check && len(files) > 0 {
		if *verbose {
			fmt.Fprintln(os.Stderr, "dckgen: generated files are stale: run go generate")
		}
		os.Exit(1)
	}
}

// Version returns the version of the module dckgen was built from, with
// its VCS revision when the build recorded one, and the Go version.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := "(devel)"
	const mod = "github.com/dotcompute/dc"
	if bi.Main.Path == mod {
		v = bi.Main.Version
	}
	for _, d := range bi.Deps {
		if d.Path == mod {
			v = d.Version
			if d.Replace != nil {
				v += " => " + d.Replace.Path
				if d.Replace.Version != "" {
					v += " " + d.Replace.Version
				}
			}
		}
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v += " " + s.Value
		case "vcs.modified":
			if s.Value == "true" {
				v += " (modified)"
			}
		}
	}
	return v + " " + bi.GoVersion
}
