// Dcbench measures dc's performance goals in one run and prints a report
// of times and ratios (make bench):
//
//   - translation time per kernel (front end + CUDA printer), median, with
//     the whole generation of the Go file beside it;
//   - dckgen wall time on a synthetic package of 100 kernels;
//   - CPU Saxpy through the generated launcher against a hand-written
//     goroutine-parallel Go loop, both measured here, as a ratio;
//   - the cost of run-time checks: Saxpy, a 2D stencil, a shared-memory
//     reduction and a tiled matmul, checked against unchecked, on every
//     backend that opens;
//   - the CPU table (section cpu): kernels as the cpu backend's generated
//     fallback, hand-written serial and parallel Go, for kernels with
//     barriers the kernel's own algorithm in hand-written per-group loops,
//     dc.Emulate and OpenCL, checked against serial Go;
//   - on a CUDA GPU (section gpu): the host time of a launch, Saxpy's
//     bandwidth against a device-to-device copy, and the tiled matmul's
//     GFLOP/s;
//   - NVRTC compile time for sm_80, total and per kernel, for the standard
//     library and a small package (no goal: it is what the cache saves);
//   - the CUDA kernel cache: a memory hit (goal <= 5µs, for a 220 KB source
//     too) and a disk hit from a new Compiler (goal <= 1ms).
//
// Sections that need NVRTC or a GPU say why they were not measured when it
// is missing.
//
// -only picks sections; a name it does not know is reported and ignored.
// -cpusizes picks the sizes of the cpu section's barrier rows (reduced or
// goal), and -emulate-budget the longest estimated dc.Emulate run of such
// a row that the section runs rather than reports as an estimate.
// Run it from the repository root.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dotcompute/dc"
	_ "github.com/dotcompute/dc/backends/opencl"
	"github.com/dotcompute/dc/gen"
	"github.com/dotcompute/dc/kernels"
	dcrt "github.com/dotcompute/dc/runtime"
	"github.com/dotcompute/dc/translate"
	"github.com/dotcompute/dc/translate/cuda"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("dcbench: ")
	reps := flag.Int("reps", 15, "repetitions of each measurement")
	only := flag.String("only", "", "run only these sections, comma-separated: translation, dckgen, saxpy, checks, cpu, gpu, pool, nvrtc, cache")
	sizesName := flag.String("cpusizes", cpuSizeSets[0].name, "sizes of the cpu section's barrier rows: "+cpuSizeNames())
	budget := flag.Duration("emulate-budget", 250*time.Millisecond, "cpu section: the longest estimated dc.Emulate run of a barrier row that is run at the row's size; a longer one is shown as the estimate")
	flag.Parse()
	sizes, known := cpuSizeSet(*sizesName)
	if !known {
		log.Fatalf("unknown -cpusizes %q (known: %s)", *sizesName, cpuSizeNames())
	}
	for _, name := range strings.Split(*only, ",") {
		if name != "" && !slices.Contains(sections, name) {
			log.Printf("unknown section %q in -only, ignored (known: %s)", name, strings.Join(sections, ", "))
		}
	}
	want := func(section string) bool {
		return *only == "" || slices.Contains(strings.Split(*only, ","), section)
	}
	fmt.Printf("dc benchmark report — %s/%s, %d CPUs, GOMAXPROCS=%d, %s\n\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())
	ok := true
	if want("translation") {
		ok = translation(*reps) && ok
	}
	if want("dckgen") {
		ok = dckgen100() && ok
	}
	if want("saxpy") {
		ok = saxpy(*reps) && ok
	}
	if want("checks") {
		ok = checkCost(*reps) && ok
	}
	if want("cpu") {
		ok = cpuTable(*reps, cpuOptions{sizes: sizes, budget: *budget}) && ok
	}
	if want("gpu") {
		ok = gpuSection(*reps) && ok
	}
	if want("pool") {
		ok = poolSection(*reps) && ok
	}
	if want("nvrtc") {
		ok = nvrtcCompile(*reps) && ok
	}
	if want("cache") {
		ok = kernelCache(*reps) && ok
	}
	if !ok {
		fmt.Println("\nresult: some goals were missed")
		os.Exit(1)
	}
	if want("cpu") {
		fmt.Println("\nresult: every goal met (the cpu section's targets are reported apart)")
		return
	}
	fmt.Println("\nresult: every goal met")
}

// sections are the names -only knows, in the order the report prints them.
var sections = []string{"translation", "dckgen", "saxpy", "checks", "cpu", "gpu", "pool", "nvrtc", "cache"}

func verdict(good bool) string {
	if good {
		return "ok"
	}
	return "MISSED"
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// translation times the translation of kernels: the front end (Go to
// IR, the subset checker included) plus the CUDA printer, per kernel, over
// the standard library and every golden case. The whole generation of the
// Go file (CPU fallback, launchers, gofmt by jennifer) is reported beside
// it; its goal is dckgen's, below.
func translation(reps int) bool {
	pkgs, err := gen.Load(gen.Config{Patterns: []string{"./kernels", "./testdata/golden/..."}})
	if err != nil {
		log.Fatal(err)
	}
	var front, trans, full []time.Duration
	kernelsTotal := 0
	for _, p := range pkgs {
		prog, err := translate.Translate(p.Input)
		if err != nil {
			log.Fatal(err)
		}
		n := time.Duration(len(prog.Kernels))
		if n == 0 {
			continue
		}
		kernelsTotal += len(prog.Kernels)
		for range reps {
			start := time.Now()
			prog, err := translate.Translate(p.Input)
			if err != nil {
				log.Fatal(err)
			}
			front = append(front, time.Since(start)/n)
			_ = cuda.Print(prog)
			trans = append(trans, time.Since(start)/n)
			start = time.Now()
			if _, err := gen.Generate(p, []string{"cuda"}); err != nil {
				log.Fatal(err)
			}
			full = append(full, time.Since(start)/n)
		}
	}
	m := median(trans)
	good := m <= 500*time.Microsecond
	fmt.Printf("translation (%d kernels in %d packages, %d reps; per kernel = package time / kernels)\n", kernelsTotal, len(pkgs), reps)
	fmt.Printf("  front end (Go -> checked IR), median        %10v\n", median(front).Round(time.Microsecond))
	fmt.Printf("  front end + CUDA printer, median            %10v   goal <= 500µs   %s\n", m.Round(time.Microsecond), verdict(good))
	fmt.Printf("  whole generation (+ Go file, gofmt), median %10v   (gofmt is most of it)\n\n", median(full).Round(time.Microsecond))
	return good
}

// dckgen100 times the dckgen command on a generated package of 100 kernels.
func dckgen100() bool {
	root, err := os.Getwd()
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "dcbench")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "dckgen")
	build := exec.Command("go", "build", "-o", bin, "./cmd/dckgen")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		log.Fatal(err)
	}
	mod := filepath.Join(dir, "synthetic")
	must(os.MkdirAll(mod, 0o755))
	gomod := fmt.Sprintf("module synthetic\n\ngo 1.26\n\nrequire github.com/dotcompute/dc v0.0.0\n\nreplace github.com/dotcompute/dc => %s\n", root)
	must(os.WriteFile(filepath.Join(mod, "go.mod"), []byte(gomod), 0o644))
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	must(err)
	must(os.WriteFile(filepath.Join(mod, "go.sum"), sum, 0o644))
	var src strings.Builder
	src.WriteString("package synthetic\n\nimport \"github.com/dotcompute/dc\"\n")
	for i := range 100 {
		fmt.Fprintf(&src, `
//dc:kernel
func K%d(t dc.Thread, a float32, x, y []float32, n int) {
	sh := dc.Shared[[256]float32](t)
	i := t.GlobalX()
	var v float32
	if i < n {
		v = a*x[i] + float32(%d)
	}
	sh[t.LocalX()] = v
	t.Barrier()
	if i < n {
		y[i] = sh[t.LocalX()] + sh[(t.LocalX()+1)%%256]*0.5
	}
}
`, i, i)
	}
	must(os.WriteFile(filepath.Join(mod, "k.go"), []byte(src.String()), 0o644))
	tidy := exec.Command("go", "mod", "tidy")
	tidy.Dir = mod
	tidy.Stderr = os.Stderr
	if err := tidy.Run(); err != nil {
		log.Fatalf("go mod tidy in the synthetic module: %v", err)
	}
	run := func() time.Duration {
		cmd := exec.Command(bin, "-emit=cuda")
		cmd.Dir = mod
		cmd.Stderr = os.Stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			log.Fatalf("dckgen on the synthetic package: %v", err)
		}
		return time.Since(start)
	}
	cold := run() // fills the go command's build cache for dc's packages
	var warm []time.Duration
	for range 5 {
		warm = append(warm, run())
	}
	m := median(warm)
	good := m <= 1500*time.Millisecond
	fmt.Printf("dckgen on a synthetic package of 100 kernels (wall clock, go list included)\n")
	fmt.Printf("  first run (cold build cache)           %10v\n", cold.Round(time.Millisecond))
	fmt.Printf("  median of 5 runs                       %10v   goal <= 1.5s    %s\n\n", m.Round(time.Millisecond), verdict(good))
	return good
}

// saxpy compares the generated launcher on the CPU backend with the loop a
// Go programmer would write by hand.
func saxpy(reps int) bool {
	// 16M elements: three 64 MiB streams, beyond any CPU cache, the size at
	// which one offloads Saxpy to a GPU.
	const n = 1 << 24
	dev, err := dcrt.Open(dcrt.WithBackend("cpu"))
	must(err)
	defer dev.Close()
	xs, ys := make([]float32, n), make([]float32, n)
	for i := range xs {
		xs[i], ys[i] = float32(i%1000)*0.001, 1
	}
	x, err := dcrt.BufferOf(dev, xs)
	must(err)
	y, err := dcrt.BufferOf(dev, ys)
	must(err)
	// The hand-written loop works on the same memory as the launcher (the CPU
	// backend's buffers are host slices), so the comparison measures the
	// generated code and the launch path, not where the OS placed two
	// different 64 MiB allocations.
	hx, hy := x.HostSlice(), y.HostSlice()
	a := float32(2) // both sides get the scalar at run time
	hand := func() {
		workers := runtime.GOMAXPROCS(0)
		var wg sync.WaitGroup
		chunk := (n + workers - 1) / workers
		for w := range workers {
			lo, hi := w*chunk, min((w+1)*chunk, n)
			wg.Add(1)
			go func() {
				defer wg.Done()
				xx, yy := hx[lo:hi], hy[lo:hi]
				for i := range yy {
					yy[i] = a*xx[i] + yy[i]
				}
			}()
		}
		wg.Wait()
	}
	launch := func() {
		must(kernels.LaunchSaxpy(dev, dc.Grid1D(n), a, x, y))
		must(dev.Sync())
	}
	for range 5 { // warm up: page faults, CPU frequency, the scheduler
		hand()
		launch()
	}
	var th, tl []time.Duration
	for range reps * 2 {
		start := time.Now()
		hand()
		th = append(th, time.Since(start))
		start = time.Now()
		launch()
		tl = append(tl, time.Since(start))
	}
	// The ratio is the median of the ratios of adjacent pairs of runs: on a
	// shared machine a slow spell hits both runs of a pair alike, so paired
	// ratios are steadier than ratios of separate statistics.
	mh, ml := slices.Min(th), slices.Min(tl)
	ratios := make([]float64, len(th))
	for i := range th {
		ratios[i] = float64(th[i]) / float64(tl[i])
	}
	slices.Sort(ratios)
	ratio := ratios[len(ratios)/2]
	good := ratio >= 0.9
	gbs := func(d time.Duration) float64 { return float64(3*4*n) / d.Seconds() / 1e9 }
	fmt.Printf("CPU Saxpy, n=%d (%d alternating pairs; best times below, medians %v and %v)\n", n, len(th), median(th).Round(time.Microsecond), median(tl).Round(time.Microsecond))
	fmt.Printf("  hand-written goroutine-parallel loop    %10v  (%.1f GB/s)\n", mh.Round(time.Microsecond), gbs(mh))
	fmt.Printf("  kernels.LaunchSaxpy on the cpu backend %10v  (%.1f GB/s)\n", ml.Round(time.Microsecond), gbs(ml))
	fmt.Printf("  launcher speed / hand speed, median pair %8.2f   goal >= 0.90    %s\n", ratio, verdict(good))
	return good
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
