// Smithgen writes packages of random kernels with their differential tests,
// the packages that internal/smith's TestSmith and TestSmithFaults write
// for the same seeds, and runs dckgen on them. Their test binaries can then
// be built on one machine and run on another that has no Go toolchain:
// make gpu-check does so for GPU machines.
//
// Usage, from the module root:
//
//	go run ./scripts/smithgen -dir DIR [-seeds N] [-seed0 S] [-kernels K] [-faults]
//
// For each seed S, S+1, ..., S+N-1 it writes the package DIR/pS (DIR/fS
// with -faults, whose kernels may index out of range and divide by zero),
// and prints the package's directory. DIR must lie inside the module; a
// directory whose name starts with a dot keeps the packages out of ./...
// patterns.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/dotcompute/dc/gen"
	"github.com/dotcompute/dc/internal/smith"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("smithgen: ")
	dir := flag.String("dir", "", "directory to write the packages into (required)")
	seeds := flag.Int("seeds", 3, "number of packages, one per seed")
	seed0 := flag.Int("seed0", 1, "first seed")
	kernels := flag.Int("kernels", 8, "kernels per package")
	faults := flag.Bool("faults", false, "generate out-of-range indexes and zero divisors (TestSmithFaults)")
	flag.Parse()
	if *dir == "" || flag.NArg() != 0 || *seeds < 1 || *kernels < 1 || *seed0 < 0 {
		flag.Usage()
		os.Exit(2)
	}
	dirs, err := write(*dir, *seeds, uint64(*seed0), *kernels, *faults)
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range dirs {
		fmt.Println(d)
	}
}

// write writes the packages of seeds seed0 ... seed0+seeds-1 into dir,
// which must lie inside the module that holds the working directory, runs
// dckgen on all of them and returns their directories as dir/name. Package
// names are TestSmith's: p<seed>, or f<seed> with faults.
func write(dir string, seeds int, seed0 uint64, kernels int, faults bool) ([]string, error) {
	var dirs, patterns []string
	for s := range uint64(seeds) {
		seed := seed0 + s
		name := fmt.Sprintf("p%d", seed)
		if faults {
			name = fmt.Sprintf("f%d", seed)
		}
		files, err := smith.Generate(smith.Config{Seed: seed, Package: name, Kernels: kernels, Faults: faults})
		if err != nil {
			return nil, err
		}
		pdir := filepath.Join(dir, name)
		if err := os.MkdirAll(pdir, 0o755); err != nil {
			return nil, err
		}
		for base, src := range files {
			if err := os.WriteFile(filepath.Join(pdir, base), []byte(src), 0o644); err != nil {
				return nil, err
			}
		}
		dirs = append(dirs, pdir)
		abs, err := filepath.Abs(pdir)
		if err != nil {
			return nil, err
		}
		patterns = append(patterns, abs)
	}
	if _, err := gen.Run(gen.Config{Patterns: patterns}); err != nil {
		return nil, fmt.Errorf("dckgen on the generated packages: %w", err)
	}
	return dirs, nil
}
