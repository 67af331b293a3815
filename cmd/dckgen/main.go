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
//	//go:generate go tool dckgen
//
// after `go get -tool github.com/dotcompute/dc/cmd/dckgen`.
//
// For each package dckgen loads it with full type information (refusing
// packages with type errors), checks every //dc:kernel function and every
// function it calls against the kernel subset, and writes dc_kernels.go:
// one typed launcher LaunchK per kernel, the CUDA C source compiled at run
// time by NVRTC, and a Go CPU fallback. Files are written only when their
// content changes, and the output is the same on every run.
//
// Flags:
//
//	-tags list   comma-separated build tags passed to the go command
//	-emit list   also write the device sources beside the Go file, for
//	             inspection and external tools: cuda (dc_kernels.cu),
//	             opencl (dc_kernels.cl), metal (dc_kernels.metal)
//	-v           print the files written, each kernel whose CPU fallback
//	             runs a goroutine per thread (with the reason), and each
//	             kernel Metal cannot run (with the position of the first
//	             use of float64 or a 64-bit atomic)
//
// Every problem in a kernel is reported as file:line:col: message, all of
// them, not only the first. Exit status: 0 success, 1 diagnostics or
// failure, 2 misuse.
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"strings"

	"github.com/dotcompute/dc/gen"
	"github.com/dotcompute/dc/translate"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("dckgen: ")
	tags := flag.String("tags", "", "comma-separated build tags")
	emit := flag.String("emit", "", "device sources to write beside the Go file: "+strings.Join(gen.EmitTargets(), ","))
	verbose := flag.Bool("v", false, "print the files written, kernels whose CPU fallback runs a goroutine per thread, and kernels Metal cannot run")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: dckgen [flags] [packages]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
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
	written, err := gen.Run(cfg)
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
	if *verbose {
		for _, w := range written {
			fmt.Println(w)
		}
	}
}
