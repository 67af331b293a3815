package main

import (
	"bytes"
	"fmt"
	"os"
	"time"

	cudabe "github.com/dotcompute/dc/backends/cuda"
)

// The sources the nvrtc and cache sections compile, relative to the
// repository root: the standard library (nearly every kernel shape), one
// small golden package, and the largest golden source (220 KB).
const (
	benchKernelsCU = "kernels/dc_kernels.cu"
	benchSaxpyCU   = "testdata/golden/saxpy/dc_kernels.cu"
	benchIntsemCU  = "testdata/golden/intsem/dc_kernels.cu"
	benchCC        = 80 // sm_80, which every NVRTC from 11.2 on supports
)

// benchNVRTC loads NVRTC, or prints why a section is not measured.
func benchNVRTC(section string) *cudabe.NVRTC {
	n, err := cudabe.LoadNVRTC()
	if err != nil {
		fmt.Printf("%s: not measured (%v)\n\n", section, err)
		return nil
	}
	return n
}

// nvrtcCompile times NVRTC compiling the standard library and a small
// golden package for sm_80 with the backend's options, through a Compiler
// without a disk cache (a new one each time, so each time is a compile).
// It has no goal: it is what the kernel cache saves.
func nvrtcCompile(reps int) bool {
	n := benchNVRTC("NVRTC compile time")
	if n == nil {
		return true
	}
	major, minor, err := n.Version()
	must(err)
	fmt.Printf("NVRTC %d.%d compile time for sm_%d (%s), median; per kernel = time / .entry count\n", major, minor, benchCC, n.Path())
	for _, tc := range []struct {
		path string
		reps int
	}{
		{benchKernelsCU, min(reps, 5)},
		{benchSaxpyCU, reps},
	} {
		src := benchRead(tc.path)
		var times []time.Duration
		var img *cudabe.Image
		for range tc.reps {
			c := cudabe.NewCompiler(cudabe.CompilerOptions{NoDiskCache: true, NVRTC: n})
			start := time.Now()
			img, err = c.Compile(src, "bench.cu", benchCC)
			times = append(times, time.Since(start))
			must(err)
		}
		entries := bytes.Count(img.PTX, []byte(".entry "))
		m := median(times)
		fmt.Printf("  %-38s %4d KB, %3d kernels, %d reps  %10v   per kernel %8v\n",
			tc.path, len(src)/1000, entries, tc.reps, m.Round(time.Millisecond), (m / time.Duration(max(entries, 1))).Round(100*time.Microsecond))
	}
	fmt.Println()
	return true
}

// kernelCache times hits of the kernel cache: in memory (goal <= 5µs, for
// any source size: a hit does not hash the source) and on disk, in a
// temporary folder, from a new Compiler as a new process would (goal <=
// 1ms for the standard library; the one-time NVRTC load is excluded, the
// key needs NVRTC's version).
func kernelCache(reps int) bool {
	n := benchNVRTC("kernel cache")
	if n == nil {
		return true
	}
	dir, err := os.MkdirTemp("", "dcbench-kernels")
	must(err)
	defer os.RemoveAll(dir)
	const hits = 100000
	good := true
	fmt.Printf("kernel cache (sm_%d; memory: median over %d reps of %d hits; disk: median of %d new Compilers)\n", benchCC, reps, hits, reps)
	for _, path := range []string{benchKernelsCU, benchIntsemCU} {
		src := benchRead(path)
		c := cudabe.NewCompiler(cudabe.CompilerOptions{CacheDir: dir, NVRTC: n})
		img, err := c.Compile(src, "bench.cu", benchCC)
		must(err)
		size := len(img.CUBIN) + len(img.PTX)

		var mem []time.Duration
		for range reps {
			start := time.Now()
			for range hits {
				if _, err := c.Compile(src, "bench.cu", benchCC); err != nil {
					must(err)
				}
			}
			mem = append(mem, time.Since(start)/hits)
		}
		if s := c.Stats(); s.MemoryHits != int64(reps*hits) {
			must(fmt.Errorf("%d memory hits, want %d", s.MemoryHits, reps*hits))
		}
		m := median(mem)
		ok := m <= 5*time.Microsecond
		good = good && ok
		fmt.Printf("  memory hit, %-38s %4d KB source %10v   goal <= 5µs   %6.3f of it   %s\n", path, len(src)/1000, m, float64(m)/float64(5*time.Microsecond), verdict(ok))

		var disk []time.Duration
		for range reps {
			c := cudabe.NewCompiler(cudabe.CompilerOptions{CacheDir: dir, NVRTC: n})
			start := time.Now()
			img, err := c.Compile(src, "bench.cu", benchCC)
			disk = append(disk, time.Since(start))
			must(err)
			if img.Origin != cudabe.OriginDisk {
				must(fmt.Errorf("%s: Origin %q, want a disk hit (%v)", path, img.Origin, c.DiskError()))
			}
		}
		d := median(disk)
		if path == benchKernelsCU {
			ok := d <= time.Millisecond
			good = good && ok
			fmt.Printf("  disk hit,   %-38s %4d KB image  %10v   goal <= 1ms   %6.3f of it   %s\n", path, size/1000, d.Round(time.Microsecond), float64(d)/float64(time.Millisecond), verdict(ok))
		} else {
			fmt.Printf("  disk hit,   %-38s %4d KB image  %10v   (no goal: reading and checksumming scale with the image, %.1f GB/s)\n", path, size/1000, d.Round(time.Microsecond), float64(size)/d.Seconds()/1e9)
		}
	}
	fmt.Println()
	return good
}

// benchRead returns a file of the repository, relative to its root.
func benchRead(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		must(fmt.Errorf("%v (run dcbench from the repository root)", err))
	}
	return string(b)
}
