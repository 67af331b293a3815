package main

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/cpubench"
	"github.com/dotcompute/dc/kernels"
	dcrt "github.com/dotcompute/dc/runtime"
)

// cpuTable prints the CPU table: each kernel as the generated
// CPU fallback (the cpu backend through the typed launcher), as
// hand-written serial Go, as hand-written goroutine-parallel Go (one
// contiguous chunk of rows or groups per GOMAXPROCS goroutine), for the
// barrier rows as the kernel's own algorithm hand-translated to
// goroutine-parallel per-group loops, under dc.Emulate and on dc's OpenCL
// backend (PoCL here), in one run. Every result is checked against the
// serial Go one; a wrong result fails the section. The CPU backend's targets are printed with verdicts but do not
// fail it: some are not met (see the README's performance section for
// why), and the verdicts say which.
//
// The barrier rows run at opt.sizes. Their dc.Emulate column is first
// timed at cpuProbeSizes, checked against serial Go at that size, and
// scaled by the row's work to estimate one run at the row's size; the
// column runs at the row's size only when that estimate is within
// opt.budget, and shows the estimate, marked ≈, otherwise. Every probe is
// reported below the table.
func cpuTable(reps int, opt cpuOptions) bool {
	cpuDev, err := dcrt.Open(dcrt.WithBackend("cpu"))
	must(err)
	defer cpuDev.Close()
	oclDev, oclErr := dcrt.Open(dcrt.WithBackend("opencl"))
	oclName := "OpenCL"
	if oclErr == nil {
		defer oclDev.Close()
		oclName = "OpenCL " + oclDev.Info().Name
	}
	fmt.Printf("CPU kernels, one run: time per run (median of up to %d runs after a checked first run, at least 3) and speed / hand-written parallel Go\n", reps)
	fmt.Printf("  cpu: generated fallback on the cpu backend; serial, parallel: hand-written Go (parallel: GOMAXPROCS goroutines over row or group chunks;\n")
	fmt.Printf("  on barrier rows the best hand-written algorithm: a serial sum or scan per group, a local histogram per chunk, a row loop);\n")
	fmt.Printf("  per-group: barrier rows only, the kernel's own algorithm hand-translated to per-group loops (a local array for shared memory,\n")
	fmt.Printf("  one loop over the group's threads per barrier phase), GOMAXPROCS goroutines over group chunks;\n")
	fmt.Printf("  Emulate: dc.Emulate; OpenCL: dc's opencl backend (%s), program build excluded (first launches below)\n", oclName)
	fmt.Printf("  barrier rows at %s sizes (-cpusizes): %s; goal sizes: %s\n", opt.sizes.name, opt.sizes.describe(), cpuGoalSizes.describe())
	if opt.sizes.why != "" {
		fmt.Printf("  (%s)\n", opt.sizes.why)
	}
	fmt.Printf("  dc.Emulate of a barrier row runs at the row's size only when one run is estimated within %v (-emulate-budget); ≈: estimated from a smaller size (probes below)\n", opt.budget)
	fmt.Printf("  %-36s %-18s %-18s %-18s %-18s %-18s %-18s\n", "kernel", "cpu", "serial Go", "parallel Go", "per-group Go", "dc.Emulate", "OpenCL")
	good := true
	var (
		firsts []string  // OpenCL first launches
		goals  []string  // target and informational lines
		vsPoCL []float64 // cpu speed / OpenCL speed, per row
		probes []string  // dc.Emulate probes
	)
	for _, r := range cpuRows(opt.sizes) {
		want := cpuWant(r)
		impls := []cpuImpl{r.device(cpuDev), r.serial(), r.parallel(), {}, r.emulate(), {}}
		if r.perGroup != nil {
			impls[3] = r.perGroup()
		}
		if oclErr == nil {
			impls[5] = r.device(oclDev)
		}
		var (
			probe cpuCell       // dc.Emulate at the probe size
			est   time.Duration // one dc.Emulate run at the row's size, estimated from probe
		)
		if r.probe != nil {
			p := r.probe()
			probe = cpuMeasure([]cpuImpl{p.emulate()}, cpuWant(p), p.tol, reps)[0]
			if probe.err == nil {
				est = time.Duration(float64(probe.med) * r.work / p.work)
			}
			if probe.err != nil || est > opt.budget {
				impls[4] = cpuImpl{} // not run at the row's size
			}
			probes = append(probes, cpuProbeLine(r, p, probe, est, opt.budget))
		}
		cells := cpuMeasure(impls, want, r.tol, reps)
		if r.perGroup == nil {
			cells[3] = cpuCell{note: "—"}
		}
		if impls[4].run == nil && r.probe != nil {
			cells[4] = cpuCell{med: est, scaled: true, err: probe.err}
		}
		if r.probe != nil && impls[4].run != nil && cells[4].err == nil {
			probes[len(probes)-1] += fmt.Sprintf(", measured %v", cpuRound(cells[4].med))
		}
		if oclErr != nil {
			cells[5] = cpuCell{note: "— (does not open)"}
		} else if cells[5].err == nil {
			firsts = append(firsts, fmt.Sprintf("%s %v", r.kernel, cells[5].first.Round(time.Millisecond)))
		}
		par := cells[2].med
		line := fmt.Sprintf("  %-36s", r.kernel+" "+r.size)
		for _, c := range cells {
			line += " " + fmt.Sprintf("%-18s", c.format(par))
			if c.err != nil {
				good = false
			}
		}
		fmt.Println(line)
		for i, c := range cells {
			if c.err != nil {
				fmt.Printf("    WRONG in column %d: %v\n", i+1, c.err)
			}
		}
		if cells[0].err != nil || cells[2].err != nil {
			continue
		}
		speed := float64(par) / float64(cells[0].med)
		if r.barrier {
			if cells[3].err == nil {
				pg := float64(cells[3].med) / float64(cells[0].med)
				goals = append(goals, fmt.Sprintf("target %s: cpu within 1.5× of hand-written per-group loops (same algorithm; speed >= 0.67): %.3g   %s", r.kernel, pg, verdict(pg >= 1/1.5)))
			}
			goals = append(goals, fmt.Sprintf("info   %s: cpu speed / best hand-written algorithm (parallel Go column): %.3g", r.kernel, speed))
			if cells[4].err == nil {
				emu := float64(cells[4].med) / float64(cells[0].med)
				how := ""
				if cells[4].scaled {
					how = " (dc.Emulate estimated)"
				}
				goals = append(goals, fmt.Sprintf("target %s: cpu >= 50× faster than dc.Emulate%s: %.1f×   %s", r.kernel, how, emu, verdict(emu >= 50)))
			}
		} else {
			goals = append(goals, fmt.Sprintf("target %s: cpu >= 0.90× hand-written parallel: %.3g   %s", r.kernel, speed, verdict(speed >= 0.9)))
		}
		if cells[5].note == "" && cells[5].err == nil {
			vsPoCL = append(vsPoCL, float64(cells[5].med)/float64(cells[0].med))
		}
	}
	if len(probes) > 0 {
		fmt.Printf("  dc.Emulate probes (checked against serial Go at the probe size; estimate: time per run scaled by work):\n")
		for _, p := range probes {
			fmt.Printf("    %s\n", p)
		}
	}
	if oclErr != nil {
		fmt.Printf("  OpenCL column: %v\n", oclErr)
	} else {
		fmt.Printf("  OpenCL program build, excluded above: the first launch of each row (the first kernel of each package, Saxpy for kernels\n")
		fmt.Printf("  and BlackScholes for cpubench, builds the package's whole program or loads it from PoCL's cache): %s\n", strings.Join(firsts, ", "))
	}
	fmt.Printf("  (targets of the CPU backend, not yet all met: a MISSED target does not fail make bench, a WRONG result does;\n")
	fmt.Printf("  info lines compare with the best hand-written algorithm and set no target)\n")
	for _, g := range goals {
		fmt.Printf("  %s\n", g)
	}
	if len(vsPoCL) > 0 {
		gm := cpuGeoMean(vsPoCL)
		fmt.Printf("  target geometric mean of cpu speed / OpenCL speed over %d kernels >= 1.0: %.2f   %s\n", len(vsPoCL), gm, verdict(gm >= 1))
	}
	fmt.Println()
	return good
}

// cpuRow is one kernel of the CPU table: constructors of each column's
// implementation, each on fresh inputs, so that the first run of every
// column computes what the serial one does.
type cpuRow struct {
	kernel, size string
	barrier      bool    // the kernel waits at barriers
	tol          float64 // relative error accepted against serial Go; 0: exact
	serial       func() cpuImpl
	parallel     func() cpuImpl
	// perGroup is the kernel's own algorithm hand-translated to
	// goroutine-parallel per-group loops, the baseline of a barrier row's
	// target; nil for a barrier-free row.
	perGroup func() cpuImpl
	emulate  func() cpuImpl
	device   func(dev *dcrt.Device) cpuImpl // the typed launcher on dev

	// work is the row's amount of work in the unit named by workUnit
	// (elements, m³, n²), by which dc.Emulate's time at probe's size
	// is scaled to this row's.
	work     float64
	workUnit string
	// probe is the same kernel at a smaller size, at which dc.Emulate is
	// timed first; nil: dc.Emulate runs at this row's size.
	probe func() cpuRow
}

// cpuWant runs r's serial Go implementation once and returns its result.
func cpuWant(r cpuRow) []float32 {
	ref := r.serial()
	must(ref.run())
	want, err := ref.out()
	must(err)
	return want
}

// cpuOptions are the cpu section's settings, from dcbench's flags.
type cpuOptions struct {
	sizes  cpuSizes      // the barrier rows' sizes
	budget time.Duration // the longest estimated dc.Emulate run of a barrier row that is run at the row's size
}

// cpuSizes are the sizes of the table's barrier rows: elements for
// ReduceSum, BlockScan and Histogram, the matrix side for the tiled
// MatMul, bodies for NBody.
type cpuSizes struct {
	name, why                         string // the name -cpusizes knows; why these sizes, if not the goal ones
	Reduce, MatMul, Scan, Hist, NBody int
}

// describe lists the sizes.
func (s cpuSizes) describe() string {
	return fmt.Sprintf("ReduceSum n=%s, MatMul %d×%d, BlockScan n=%s, Histogram n=%s, NBody %s bodies",
		cpuCount(s.Reduce), s.MatMul, s.MatMul, cpuCount(s.Scan), cpuCount(s.Hist), cpuCount(s.NBody))
}

// The barrier rows' sizes that -cpusizes knows. To run the table at other
// sizes, change these or add a set to cpuSizeSets.
var (
	// cpuGoalSizes are the sizes the table is meant to show.
	cpuGoalSizes = cpuSizes{
		name:   "goal",
		Reduce: 1 << 20, MatMul: 512, Scan: 1 << 20, Hist: 1 << 20, NBody: 4096,
	}
	// cpuReducedSizes shorten the section on a slow machine.
	cpuReducedSizes = cpuSizes{
		name:   "reduced",
		why:    "sized down from the goal sizes (-cpusizes reduced)",
		Reduce: 1 << 16, MatMul: 256, Scan: 1 << 16, Hist: 1 << 20, NBody: 4096,
	}
	// cpuProbeSizes are the sizes at which dc.Emulate is timed first, to
	// estimate its time at a row's size. A row at or below its probe size
	// is not probed.
	cpuProbeSizes = cpuSizes{
		name:   "probe",
		Reduce: 1 << 14, MatMul: 128, Scan: 1 << 14, Hist: 1 << 18, NBody: 1024,
	}
	// cpuSizeSets are the sets -cpusizes picks from; the first is the default.
	cpuSizeSets = []cpuSizes{cpuGoalSizes, cpuReducedSizes}
)

// cpuCount writes n as 64K, 1M or n.
func cpuCount(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dM", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%dK", n>>10)
	}
	return fmt.Sprint(n)
}

// cpuImpl is one column's implementation of a row: run computes the
// kernel's result once, out returns it (for several outputs, concatenated).
type cpuImpl struct {
	run func() error
	out func() ([]float32, error)
}

// cpuElem is an element type of a table kernel's output. Results are
// compared as float32, which holds the integer results of the table's
// kernels exactly (they stay far below 2^24 in magnitude).
type cpuElem interface{ int32 | float32 }

// cpuFloats concatenates outs as float32.
func cpuFloats[T cpuElem](outs ...[]T) []float32 {
	var all []float32
	for _, o := range outs {
		for _, v := range o {
			all = append(all, float32(v))
		}
	}
	return all
}

// cpuHost is an implementation on host slices: run cannot fail, outs are
// the outputs.
func cpuHost[T cpuElem](run func(), outs ...[]T) cpuImpl {
	return cpuImpl{
		run: func() error { run(); return nil },
		out: func() ([]float32, error) { return cpuFloats(outs...), nil },
	}
}

// cpuEmulate is an implementation under dc.Emulate; before runs first,
// if not nil.
func cpuEmulate[T cpuElem](g dc.Grid, before func(), body func(t dc.Thread), outs ...[]T) cpuImpl {
	return cpuImpl{
		run: func() error {
			if before != nil {
				before()
			}
			return dc.Emulate(g, body)
		},
		out: func() ([]float32, error) { return cpuFloats(outs...), nil },
	}
}

// cpuLaunch is an implementation by a typed launcher on dev; outs are the
// output buffers.
func cpuLaunch[T cpuElem](dev *dcrt.Device, launch func() error, outs ...*dcrt.Buffer[T]) cpuImpl {
	return cpuImpl{
		run: func() error {
			if err := launch(); err != nil {
				return err
			}
			return dev.Sync()
		},
		out: func() ([]float32, error) {
			var all []T
			for _, b := range outs {
				host := make([]T, b.Len())
				if err := b.Read(host); err != nil {
					return nil, err
				}
				all = append(all, host...)
			}
			return cpuFloats(all), nil
		},
	}
}

// cpuBuf copies xs into a new buffer on dev.
func cpuBuf[T any](dev *dcrt.Device, xs []T) *dcrt.Buffer[T] {
	b, err := dcrt.BufferOf(dev, xs)
	must(err)
	return b
}

// cpuParallel runs body over [0, n) in GOMAXPROCS contiguous chunks of
// whole multiples of align, one goroutine each.
func cpuParallel(n, align int, body func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	chunk := ((n+workers-1)/workers + align - 1) / align * align
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Go(func() { body(lo, hi) })
	}
	wg.Wait()
}

// cpuSmall returns n small integers as float32 (from -3 to 3): sums and
// products of them are exact in any order, with or without FMA, so results
// can be compared exactly.
func cpuSmall(n, seed int) []float32 {
	xs := make([]float32, n)
	for i := range xs {
		xs[i] = float32((i*7+i/5+seed*13)%7 - 3)
	}
	return xs
}

// cpuRows are the kernels of the table, in order, with the barrier rows
// at sizes s; the barrier-free rows have fixed sizes. On the rows that
// stream their input once (Saxpy, the stencils, MatVec, ReduceSum,
// BlockScan, Histogram) every implementation reads its own copy of the
// inputs, as the device columns read their buffers: hand-written columns
// sharing one input would find it in the cache after each other's runs.
func cpuRows(s cpuSizes) []cpuRow {
	var rows []cpuRow

	// Saxpy: barrier-free, memory-bound; y is updated in place, so every
	// implementation starts from its own copy of y0.
	{
		const n = 1 << 22
		const a = 2
		x, y0 := cpuSmall(n, 1), cpuSmall(n, 2)
		rows = append(rows, cpuRow{
			kernel: "Saxpy", size: "n=4M",
			serial: func() cpuImpl {
				x, y := slices.Clone(x), slices.Clone(y0)
				return cpuHost(func() {
					for i := range y {
						y[i] = a*x[i] + y[i]
					}
				}, y)
			},
			parallel: func() cpuImpl {
				x, y := slices.Clone(x), slices.Clone(y0)
				return cpuHost(func() {
					cpuParallel(n, 1, func(lo, hi int) {
						xx, yy := x[lo:hi], y[lo:hi]
						for i := range yy {
							yy[i] = a*xx[i] + yy[i]
						}
					})
				}, y)
			},
			emulate: func() cpuImpl {
				y := slices.Clone(y0)
				return cpuEmulate(dc.Grid1D(n), nil, func(t dc.Thread) { kernels.Saxpy(t, a, x, y) }, y)
			},
			device: func(dev *dcrt.Device) cpuImpl {
				bx, by := cpuBuf(dev, x), cpuBuf(dev, y0)
				return cpuLaunch(dev, func() error { return kernels.LaunchSaxpy(dev, dc.Grid1D(n), a, bx, by) }, by)
			},
		})
	}

	// Black-Scholes: barrier-free, math-bound (Exp, Log, Sqrt per option).
	// OpenCL's exp and log differ from Go's in the last bits.
	{
		const n = 1 << 20
		const rate, vol = 0.02, 0.3
		price, strike, years := make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range n {
			price[i] = 5 + float32(i%251)*0.1
			strike[i] = 1 + float32(i%199)*0.15
			years[i] = 0.25 + float32(i%97)*0.1
		}
		host := func(run func(call, put []float32)) cpuImpl {
			call, put := make([]float32, n), make([]float32, n)
			return cpuHost(func() { run(call, put) }, call, put)
		}
		rows = append(rows, cpuRow{
			kernel: "BlackScholes", size: "n=1M", tol: 1e-4,
			serial: func() cpuImpl {
				return host(func(call, put []float32) { cpubench.BlackScholesSerial(price, strike, years, rate, vol, call, put) })
			},
			parallel: func() cpuImpl {
				return host(func(call, put []float32) {
					cpuParallel(n, 1, func(lo, hi int) {
						cpubench.BlackScholesSerial(price[lo:hi], strike[lo:hi], years[lo:hi], rate, vol, call[lo:hi], put[lo:hi])
					})
				})
			},
			emulate: func() cpuImpl {
				call, put := make([]float32, n), make([]float32, n)
				return cpuEmulate(dc.Grid1D(n), nil, func(t dc.Thread) { cpubench.BlackScholes(t, price, strike, years, rate, vol, call, put) }, call, put)
			},
			device: func(dev *dcrt.Device) cpuImpl {
				call, put := cpuBuf(dev, make([]float32, n)), cpuBuf(dev, make([]float32, n))
				bp, bs, by := cpuBuf(dev, price), cpuBuf(dev, strike), cpuBuf(dev, years)
				return cpuLaunch(dev, func() error {
					return cpubench.LaunchBlackScholes(dev, dc.Grid1D(n), bp, bs, by, rate, vol, call, put)
				}, call, put)
			},
		})
	}

	rows = append(rows, cpuProbed(cpuReduceRow, s.Reduce, cpuProbeSizes.Reduce))
	rows = append(rows, cpuProbed(cpuMatMulRow, s.MatMul, cpuProbeSizes.MatMul))

	// Stencil: the 5-point average over a 2D grid.
	{
		const w, h = 2048, 1024
		in := cpuSmall(w*h, 6)
		rows = append(rows, cpuRow{
			kernel: "Stencil 5-point", size: "2048×1024",
			serial: func() cpuImpl {
				in, out := slices.Clone(in), make([]float32, w*h)
				return cpuHost(func() { cpubench.StencilRows(in, out, w, h, 0, h) }, out)
			},
			parallel: func() cpuImpl {
				in, out := slices.Clone(in), make([]float32, w*h)
				return cpuHost(func() { cpuParallel(h, 1, func(lo, hi int) { cpubench.StencilRows(in, out, w, h, lo, hi) }) }, out)
			},
			emulate: func() cpuImpl {
				out := make([]float32, w*h)
				return cpuEmulate(dc.Grid2D(w, h), nil, func(t dc.Thread) { cpubench.Stencil(t, in, out, w, h) }, out)
			},
			device: func(dev *dcrt.Device) cpuImpl {
				bin, out := cpuBuf(dev, in), cpuBuf(dev, make([]float32, w*h))
				return cpuLaunch(dev, func() error { return cpubench.LaunchStencil(dev, dc.Grid2D(w, h), bin, out, w, h) }, out)
			},
		})
	}

	// GEMM: CUDA-style, one thread per element of c, accumulating into c
	// (which starts at zero) without shared memory.
	{
		const m = 512
		rows = append(rows, cpuMatrixRow("GEMM CUDA-style", m, false,
			func(a, b, c []float32) func(t dc.Thread) {
				return func(t dc.Thread) { cpubench.GEMM(t, a, b, c, m, m, m) }
			},
			func(dev *dcrt.Device, a, b, c *dcrt.Buffer[float32]) error {
				return cpubench.LaunchGEMM(dev, dc.Grid2D(m, m), a, b, c, m, m, m)
			}, nil))
	}

	// MatVec: one row per thread.
	{
		const m, n = 4096, 4096
		a, x := cpuSmall(m*n, 7), cpuSmall(n, 8)
		rows = append(rows, cpuRow{
			kernel: "MatVec", size: "4096×4096",
			serial: func() cpuImpl {
				a, x, y := slices.Clone(a), slices.Clone(x), make([]float32, m)
				return cpuHost(func() { cpubench.MatVecRows(a, x, y, n, 0, m) }, y)
			},
			parallel: func() cpuImpl {
				a, x, y := slices.Clone(a), slices.Clone(x), make([]float32, m)
				return cpuHost(func() { cpuParallel(m, 1, func(lo, hi int) { cpubench.MatVecRows(a, x, y, n, lo, hi) }) }, y)
			},
			emulate: func() cpuImpl {
				y := make([]float32, m)
				return cpuEmulate(dc.Grid1D(m), nil, func(t dc.Thread) { cpubench.MatVec(t, a, x, y, m, n) }, y)
			},
			device: func(dev *dcrt.Device) cpuImpl {
				ba, bx, by := cpuBuf(dev, a), cpuBuf(dev, x), cpuBuf(dev, make([]float32, m))
				return cpuLaunch(dev, func() error { return cpubench.LaunchMatVec(dev, dc.Grid1D(m), ba, bx, by, m, n) }, by)
			},
		})
	}

	// Stencil 3D: the 7-point Laplacian over a 3D grid, barrier-free.
	{
		const nx, ny, nz = 256, 256, 64
		in := cpuSmall(nx*ny*nz, 9)
		rows = append(rows, cpuRow{
			kernel: "Stencil3D 7-point", size: "256×256×64",
			serial: func() cpuImpl {
				in, out := slices.Clone(in), make([]float32, nx*ny*nz)
				return cpuHost(func() { cpubench.Stencil3DPlanes(in, out, nx, ny, nz, 0, nz) }, out)
			},
			parallel: func() cpuImpl {
				in, out := slices.Clone(in), make([]float32, nx*ny*nz)
				return cpuHost(func() {
					cpuParallel(nz, 1, func(lo, hi int) { cpubench.Stencil3DPlanes(in, out, nx, ny, nz, lo, hi) })
				}, out)
			},
			emulate: func() cpuImpl {
				out := make([]float32, nx*ny*nz)
				return cpuEmulate(dc.Grid3D(nx, ny, nz), nil, func(t dc.Thread) { cpubench.Stencil3D(t, in, out, nx, ny, nz) }, out)
			},
			device: func(dev *dcrt.Device) cpuImpl {
				bin, out := cpuBuf(dev, in), cpuBuf(dev, make([]float32, nx*ny*nz))
				return cpuLaunch(dev, func() error {
					return cpubench.LaunchStencil3D(dev, dc.Grid3D(nx, ny, nz), bin, out, nx, ny, nz)
				}, out)
			},
		})
	}

	rows = append(rows, cpuProbed(cpuScanRow, s.Scan, cpuProbeSizes.Scan))
	rows = append(rows, cpuProbed(cpuHistRow, s.Hist, cpuProbeSizes.Hist))
	rows = append(rows, cpuProbed(cpuNBodyRow, s.NBody, cpuProbeSizes.NBody))
	return rows
}

// cpuProbed returns row(n), with row(probe) as its dc.Emulate probe when
// probe < n.
func cpuProbed(row func(n int) cpuRow, n, probe int) cpuRow {
	r := row(n)
	if probe < n {
		r.probe = func() cpuRow { return row(probe) }
	}
	return r
}

// cpuMatrixRow is a row of an m×m matrix product c = a·b by body under
// dc.Emulate and by launch on a device, against the row loops of
// cpubench.MatMulRows; c starts at zero. perGroup, if not nil, computes
// groups [g0, g1) of the product's dc.Grid2D(m, m) launch in per-group
// loops.
func cpuMatrixRow(kernel string, m int, barrier bool,
	body func(a, b, c []float32) func(t dc.Thread),
	launch func(dev *dcrt.Device, a, b, c *dcrt.Buffer[float32]) error,
	perGroup func(a, b, c []float32, g0, g1 int)) cpuRow {
	a, b := cpuSmall(m*m, 4), cpuSmall(m*m, 5)
	size := fmt.Sprintf("%d×%d", m, m)
	if barrier {
		size += " (barrier)"
	}
	var pg func() cpuImpl
	if perGroup != nil {
		groups := dc.Grid2D(m, m).Groups
		pg = func() cpuImpl {
			c := make([]float32, m*m)
			return cpuHost(func() {
				cpuParallel(groups.X*groups.Y, 1, func(lo, hi int) { perGroup(a, b, c, lo, hi) })
			}, c)
		}
	}
	return cpuRow{
		perGroup: pg,
		kernel:   kernel, size: size, barrier: barrier,
		work: float64(m) * float64(m) * float64(m), workUnit: "m³",
		serial: func() cpuImpl {
			c := make([]float32, m*m)
			return cpuHost(func() { cpubench.MatMulRows(a, b, c, m, m, 0, m) }, c)
		},
		parallel: func() cpuImpl {
			c := make([]float32, m*m)
			return cpuHost(func() { cpuParallel(m, 1, func(lo, hi int) { cpubench.MatMulRows(a, b, c, m, m, lo, hi) }) }, c)
		},
		emulate: func() cpuImpl {
			c := make([]float32, m*m)
			return cpuEmulate(dc.Grid2D(m, m), nil, body(a, b, c), c)
		},
		device: func(dev *dcrt.Device) cpuImpl {
			ba, bb, bc := cpuBuf(dev, a), cpuBuf(dev, b), cpuBuf(dev, make([]float32, m*m))
			return cpuLaunch(dev, func() error { return launch(dev, ba, bb, bc) }, bc)
		},
	}
}

// cpuMatMulRow is the row of the tiled MatMul (16×16 tiles in shared
// memory) on m×m matrices; m is a multiple of the tile side. Its per-group
// column is cpubench.MatMulGroupsTiled.
func cpuMatMulRow(m int) cpuRow {
	return cpuMatrixRow("MatMul tiled", m, true,
		func(a, b, c []float32) func(t dc.Thread) {
			return func(t dc.Thread) { kernels.MatMul(t, a, b, c, m, m, m) }
		},
		func(dev *dcrt.Device, a, b, c *dcrt.Buffer[float32]) error {
			return kernels.LaunchMatMul(dev, dc.Grid2D(m, m), a, b, c, m, m, m)
		},
		func(a, b, c []float32, g0, g1 int) { cpubench.MatMulGroupsTiled(a, b, c, m, m, m, g0, g1) })
}

// cpuReduceRow is the ReduceSum row on n elements: the shared-memory
// tree reduction of 256-element groups; hand-written serial and parallel
// Go sum each group in a loop, per-group Go (cpubench.ReduceSumGroupsTree)
// runs the kernel's tree.
func cpuReduceRow(n int) cpuRow {
	const gs = kernels.ReduceGroupSize
	in := cpuSmall(n, 3)
	groups := func(in, partial []float32, lo, hi int) {
		for g := lo / gs; g < hi/gs; g++ {
			var s float32
			for _, v := range in[g*gs : g*gs+gs] {
				s += v
			}
			partial[g] = s
		}
	}
	return cpuRow{
		kernel: "ReduceSum", size: "n=" + cpuCount(n) + " (barrier)", barrier: true,
		work: float64(n), workUnit: "elements",
		serial: func() cpuImpl {
			in, partial := slices.Clone(in), make([]float32, n/gs)
			return cpuHost(func() { groups(in, partial, 0, n) }, partial)
		},
		parallel: func() cpuImpl {
			in, partial := slices.Clone(in), make([]float32, n/gs)
			return cpuHost(func() { cpuParallel(n, gs, func(lo, hi int) { groups(in, partial, lo, hi) }) }, partial)
		},
		perGroup: func() cpuImpl {
			in, partial := slices.Clone(in), make([]float32, n/gs)
			return cpuHost(func() {
				cpuParallel(n/gs, 1, func(lo, hi int) { cpubench.ReduceSumGroupsTree(in, partial, lo, hi) })
			}, partial)
		},
		emulate: func() cpuImpl {
			in, partial := slices.Clone(in), make([]float32, n/gs)
			return cpuEmulate(dc.Grid1D(n), nil, func(t dc.Thread) { kernels.ReduceSum(t, in, partial) }, partial)
		},
		device: func(dev *dcrt.Device) cpuImpl {
			bin, partial := cpuBuf(dev, in), cpuBuf(dev, make([]float32, n/gs))
			return cpuLaunch(dev, func() error { return kernels.LaunchReduceSum(dev, dc.Grid1D(n), bin, partial) }, partial)
		},
	}
}

// cpuScanRow is the BlockScan row on n elements: the Hillis-Steele
// inclusive scan of int32 in 256-element groups in shared memory;
// hand-written serial and parallel Go scan each group in a loop, per-group
// Go (cpubench.BlockScanGroupsHillisSteele) runs the kernel's steps.
func cpuScanRow(n int) cpuRow {
	const gs = cpubench.ScanGroupSize
	in := make([]int32, n)
	for i, v := range cpuSmall(n, 10) {
		in[i] = int32(v)
	}
	host := func(run func(in, out, sums []int32)) cpuImpl {
		in, out, sums := slices.Clone(in), make([]int32, n), make([]int32, n/gs)
		return cpuHost(func() { run(in, out, sums) }, out, sums)
	}
	return cpuRow{
		kernel: "BlockScan int32", size: "n=" + cpuCount(n) + " (barrier)", barrier: true,
		work: float64(n), workUnit: "elements",
		serial: func() cpuImpl {
			return host(func(in, out, sums []int32) { cpubench.BlockScanGroups(in, out, sums, 0, n/gs) })
		},
		parallel: func() cpuImpl {
			return host(func(in, out, sums []int32) {
				cpuParallel(n/gs, 1, func(lo, hi int) { cpubench.BlockScanGroups(in, out, sums, lo, hi) })
			})
		},
		perGroup: func() cpuImpl {
			return host(func(in, out, sums []int32) {
				cpuParallel(n/gs, 1, func(lo, hi int) { cpubench.BlockScanGroupsHillisSteele(in, out, sums, lo, hi) })
			})
		},
		emulate: func() cpuImpl {
			in, out, sums := slices.Clone(in), make([]int32, n), make([]int32, n/gs)
			return cpuEmulate(dc.Grid1D(n), nil, func(t dc.Thread) { cpubench.BlockScan(t, in, out, sums) }, out, sums)
		},
		device: func(dev *dcrt.Device) cpuImpl {
			bin, out, sums := cpuBuf(dev, in), cpuBuf(dev, make([]int32, n)), cpuBuf(dev, make([]int32, n/gs))
			return cpuLaunch(dev, func() error { return cpubench.LaunchBlockScan(dev, dc.Grid1D(n), bin, out, sums) }, out, sums)
		},
	}
}

// cpuHistRow is the Histogram row on n values: 256 bins counted per
// group in shared memory with atomic adds, then added to the global
// histogram with atomic adds; 64 values per thread, grid-stride. Every
// run starts from a zeroed histogram; hand-written parallel Go counts
// each chunk into a local histogram and adds it with atomic adds,
// per-group Go (cpubench.HistogramGroupsShared) runs the kernel's groups
// and their threads' grid-stride loops.
func cpuHistRow(n int) cpuRow {
	const bins = cpubench.HistBins
	in := make([]uint32, n)
	for i := range in {
		in[i] = uint32(i*i*7 + i/3)
	}
	g := dc.Grid1D(n / 64)
	return cpuRow{
		kernel: "Histogram 256 bins", size: "n=" + cpuCount(n) + " (barrier)", barrier: true,
		work: float64(n), workUnit: "elements",
		serial: func() cpuImpl {
			in, hist := slices.Clone(in), make([]int32, bins)
			return cpuHost(func() { clear(hist); cpubench.HistogramSerial(in, hist) }, hist)
		},
		parallel: func() cpuImpl {
			in, hist := slices.Clone(in), make([]int32, bins)
			return cpuHost(func() {
				clear(hist)
				cpuParallel(n, 1, func(lo, hi int) {
					local := make([]int32, bins)
					cpubench.HistogramSerial(in[lo:hi], local)
					for b, c := range local {
						atomic.AddInt32(&hist[b], c)
					}
				})
			}, hist)
		},
		perGroup: func() cpuImpl {
			in, hist := slices.Clone(in), make([]int32, bins)
			groups := g.Groups.X
			return cpuHost(func() {
				clear(hist)
				cpuParallel(groups, 1, func(lo, hi int) { cpubench.HistogramGroupsShared(in, hist, groups, lo, hi) })
			}, hist)
		},
		emulate: func() cpuImpl {
			in, hist := slices.Clone(in), make([]int32, bins)
			return cpuEmulate(g, func() { clear(hist) }, func(t dc.Thread) { cpubench.Histogram(t, in, hist) }, hist)
		},
		device: func(dev *dcrt.Device) cpuImpl {
			zero := make([]int32, bins)
			bin, hist := cpuBuf(dev, in), cpuBuf(dev, zero)
			return cpuLaunch(dev, func() error {
				if err := hist.Write(zero); err != nil {
					return err
				}
				return cpubench.LaunchHistogram(dev, g, bin, hist)
			}, hist)
		},
	}
}

// cpuNBodyRow is the NBody row on n bodies: the accelerations of all
// bodies from all, staged through shared memory 256 bodies at a time
// (n is a multiple of 256); per-group Go is cpubench.NBodyGroupsTiled.
// Every implementation sums the pulls in body order; OpenCL's division and square root may differ from Go's in the
// last bit, hence the tolerance.
func cpuNBodyRow(n int) cpuRow {
	pos := make([]float32, 4*n)
	for i := range n {
		pos[4*i], pos[4*i+1], pos[4*i+2] = float32(i%13)-6, float32(i%7)-3, float32(i%5)-2
		pos[4*i+3] = 1 + float32(i%3)
	}
	return cpuRow{
		kernel: "NBody tiles", size: cpuCount(n) + " bodies (barrier)", barrier: true, tol: 1e-4,
		work: float64(n) * float64(n), workUnit: "n²",
		serial: func() cpuImpl {
			acc := make([]float32, 3*n)
			return cpuHost(func() { cpubench.NBodyRows(pos, acc, n, 0, n) }, acc)
		},
		parallel: func() cpuImpl {
			acc := make([]float32, 3*n)
			return cpuHost(func() { cpuParallel(n, 1, func(lo, hi int) { cpubench.NBodyRows(pos, acc, n, lo, hi) }) }, acc)
		},
		perGroup: func() cpuImpl {
			acc := make([]float32, 3*n)
			return cpuHost(func() {
				cpuParallel(n/cpubench.NBodyTile, 1, func(lo, hi int) { cpubench.NBodyGroupsTiled(pos, acc, n, lo, hi) })
			}, acc)
		},
		emulate: func() cpuImpl {
			acc := make([]float32, 3*n)
			return cpuEmulate(dc.Grid1D(n), nil, func(t dc.Thread) { cpubench.NBody(t, pos, acc, n) }, acc)
		},
		device: func(dev *dcrt.Device) cpuImpl {
			bpos, acc := cpuBuf(dev, pos), cpuBuf(dev, make([]float32, 3*n))
			return cpuLaunch(dev, func() error { return cpubench.LaunchNBody(dev, dc.Grid1D(n), bpos, acc, n) }, acc)
		},
	}
}

// cpuProbeLine reports the dc.Emulate probe of row r: p, r's kernel at
// the probe size, measured as probe, and est, the estimate of one run at
// r's size that it gives, against budget.
func cpuProbeLine(r, p cpuRow, probe cpuCell, est, budget time.Duration) string {
	size := func(r cpuRow) string { return strings.TrimSuffix(r.size, " (barrier)") }
	line := fmt.Sprintf("%s: dc.Emulate at %s ", r.kernel, size(p))
	if probe.err != nil {
		return line + fmt.Sprintf("WRONG: %v; not run at %s", probe.err, size(r))
	}
	line += fmt.Sprintf("%v per run, ×%.3g by %s: estimate %v per run at %s", cpuRound(probe.med), r.work/p.work, r.workUnit, cpuRound(est), size(r))
	if est > budget {
		return line + fmt.Sprintf(" > %v: not run at %s, the column shows ≈ the estimate", budget, size(r))
	}
	return line + fmt.Sprintf(" <= %v: run at %s", budget, size(r))
}

// cpuCell is one measured cell of the table.
type cpuCell struct {
	first, med time.Duration // the checked first run; the median of the others
	err        error         // a failed run or a wrong result
	note       string        // instead of a measurement
	scaled     bool          // med is estimated from a run at a smaller size
}

func (c cpuCell) format(par time.Duration) string {
	switch {
	case c.note != "":
		return c.note
	case c.err != nil:
		return "WRONG"
	}
	approx := ""
	if c.scaled {
		approx = "≈"
	}
	return fmt.Sprintf("%s%v (%.3g×)", approx, cpuRound(c.med), float64(par)/float64(c.med))
}

// cpuRound keeps three significant digits.
func cpuRound(d time.Duration) time.Duration {
	for r := time.Nanosecond; ; r *= 10 {
		if d < 1000*r {
			return d.Round(r)
		}
	}
}

// cpuMeasure runs each implementation once and checks its result against
// want within tol, then times up to reps more runs of each (at least 3,
// fewer when a run takes over a third of a second), round-robin so that a
// slow spell of a shared machine hits every column alike, and keeps each
// one's median. An implementation with a nil run is left out.
func cpuMeasure(impls []cpuImpl, want []float32, tol float64, reps int) []cpuCell {
	cells := make([]cpuCell, len(impls))
	runs := make([]int, len(impls))
	times := make([][]time.Duration, len(impls))
	for i, impl := range impls {
		c := &cells[i]
		if impl.run == nil {
			continue
		}
		start := time.Now()
		if c.err = impl.run(); c.err != nil {
			continue
		}
		c.first = time.Since(start)
		got, err := impl.out()
		if err != nil {
			c.err = err
			continue
		}
		if c.err = cpuCompare(got, want, tol); c.err != nil {
			continue
		}
		runs[i] = max(3, min(reps, int(time.Second/max(c.first, time.Microsecond))))
	}
	for rep := range slices.Max(runs) {
		for i, impl := range impls {
			if rep >= runs[i] || cells[i].err != nil {
				continue
			}
			start := time.Now()
			if cells[i].err = impl.run(); cells[i].err != nil {
				continue
			}
			times[i] = append(times[i], time.Since(start))
		}
	}
	for i := range cells {
		if cells[i].err == nil && len(times[i]) > 0 {
			cells[i].med = median(times[i])
		}
	}
	return cells
}

// cpuCompare reports the first element of got that differs from want by
// more than tol relative to want's magnitude (at least 1).
func cpuCompare(got, want []float32, tol float64) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d results, serial Go has %d", len(got), len(want))
	}
	for i := range want {
		d := math.Abs(float64(got[i]) - float64(want[i]))
		if !(d <= tol*max(1, math.Abs(float64(want[i])))) {
			return fmt.Errorf("result %d is %v, serial Go gives %v (tolerance %g)", i, got[i], want[i], tol)
		}
	}
	return nil
}

// cpuGeoMean is the geometric mean of xs.
func cpuGeoMean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += math.Log(x)
	}
	return math.Exp(s / float64(len(xs)))
}

// cpuSizeSet returns the set of barrier-row sizes called name.
func cpuSizeSet(name string) (cpuSizes, bool) {
	for _, s := range cpuSizeSets {
		if s.name == name {
			return s, true
		}
	}
	return cpuSizes{}, false
}

// cpuSizeNames lists the names of cpuSizeSets.
func cpuSizeNames() string {
	var names []string
	for _, s := range cpuSizeSets {
		names = append(names, s.name)
	}
	return strings.Join(names, ", ")
}
