package samples

import (
	"math"
	"math/bits"
	"slices"
	"sort"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// Every kernel runs on every device and is compared with dc.Emulate, and
// the Emulate result with a plain-Go computation of the same quantity
// written the way a host reference is (no shared memory, no blocking).

// devices returns kerneltest.Devices and names them in the test log.
func devices(t *testing.T) []*runtime.Device {
	t.Helper()
	devs := kerneltest.Devices(t)
	names := make([]string, len(devs))
	for i, d := range devs {
		names[i] = d.Backend()
	}
	t.Logf("devices: %v", names)
	return devs
}

func grid(gx, gy, sx, sy int) dc.Grid {
	return dc.Grid{Groups: dc.Dim3{X: gx, Y: gy, Z: 1}, GroupSize: dc.Dim3{X: sx, Y: sy, Z: 1}}
}

func emulate(t *testing.T, g dc.Grid, body func(th dc.Thread)) {
	t.Helper()
	if err := dc.Emulate(g, body); err != nil {
		t.Fatal(err)
	}
}

func launched(t *testing.T, dev *runtime.Device, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", dev.Backend(), err)
	}
}

func TestVectorAdd(t *testing.T) {
	n := 1000
	a, b := kerneltest.Rand32(1, n, -1, 1), kerneltest.Rand32(2, n, -1, 1)
	g := grid(4, 1, 256, 1)
	want := make([]float32, n)
	emulate(t, g, func(th dc.Thread) { VectorAdd(th, a, b, want, n) })
	host := make([]float32, n)
	for i := range n {
		host[i] = a[i] + b[i]
	}
	kerneltest.Equal(t, "Emulate vs host", want, host)
	for _, dev := range devices(t) {
		cb := kerneltest.Upload(t, dev, make([]float32, n))
		launched(t, dev, LaunchVectorAdd(dev, g, kerneltest.Upload(t, dev, a), kerneltest.Upload(t, dev, b), cb, n))
		kerneltest.Equal(t, dev.Backend()+" VectorAdd", kerneltest.Read(t, cb), want)
	}
}

// reduction is one of the reduction sample's kernels, with its Go body,
// its launcher and the number of inputs each group sums.
type reduction[T int32 | float32] struct {
	name   string
	body   func(dc.Thread, []T, []T, int)
	launch func(*runtime.Device, dc.Grid, *runtime.Buffer[T], *runtime.Buffer[T], int) error
	per    int
}

func reductions[T int32 | float32]() []reduction[T] {
	return []reduction[T]{
		{"reduce0", Reduce0[T], LaunchReduce0[T], RedBlock},
		{"reduce1", Reduce1[T], LaunchReduce1[T], RedBlock},
		{"reduce2", Reduce2[T], LaunchReduce2[T], RedBlock},
		{"reduce3", Reduce3[T], LaunchReduce3[T], 2 * RedBlock},
		{"reduce4", Reduce4[T], LaunchReduce4[T], 2 * RedBlock},
		{"reduce5", Reduce5[T], LaunchReduce5[T], 2 * RedBlock},
	}
}

// testReductions runs every reduction kernel over in and checks each
// group's partial sum against the host's sum of the group's inputs.
func testReductions[T int32 | float32](t *testing.T, in []T, same func(t testing.TB, name string, got, want []T) bool) {
	devs := devices(t)
	n := len(in)
	for _, r := range reductions[T]() {
		groups := (n + r.per - 1) / r.per
		g := grid(groups, 1, RedBlock, 1)
		want := make([]T, groups)
		emulate(t, g, func(th dc.Thread) { r.body(th, in, want, n) })
		host := make([]T, groups)
		for gr := range groups {
			var s float64
			for i := gr * r.per; i < min(n, (gr+1)*r.per); i++ {
				s += float64(in[i])
			}
			host[gr] = T(s)
		}
		same(t, "Emulate vs host "+r.name, want, host)
		for _, dev := range devs {
			ob := kerneltest.Upload(t, dev, make([]T, groups))
			launched(t, dev, r.launch(dev, g, kerneltest.Upload(t, dev, in), ob, n))
			same(t, dev.Backend()+" "+r.name, kerneltest.Read(t, ob), want)
		}
	}
}

func TestReductions(t *testing.T) {
	n := 5000 // not a multiple of a group's inputs
	t.Run("int32", func(t *testing.T) {
		testReductions(t, kerneltest.RandInts[int32](3, n, -1000, 1000), kerneltest.Equal[int32])
	})
	t.Run("float32", func(t *testing.T) {
		testReductions(t, kerneltest.Rand32(4, n, -1, 1), func(t testing.TB, name string, got, want []float32) bool {
			t.Helper()
			return kerneltest.Close32(t, name, got, want, 1e-5, 1e-5)
		})
	})
}

func TestSimpleAtomics(t *testing.T) {
	g := grid(4, 1, 64, 1)
	nt := int32(256)
	initO := []int32{0, 0, 0, 1 << 30, 0, 0, 0, 0xff, 0, 0xff}
	initU := []uint32{0, 0}
	// check tests the sample's computeGold conditions: exact values where
	// the order of the threads does not matter, ranges where it does.
	check := func(name string, o []int32, u []uint32) {
		t.Helper()
		and, xor := int32(0xff), int32(0xff)
		for tid := range nt {
			and &= 2*tid + 7
			xor ^= tid
		}
		exact := map[int]int32{0: 10 * nt, 2: nt - 1, 3: 0, 7: and, 8: -1, 9: xor}
		for i, w := range exact {
			if o[i] != w {
				t.Errorf("%s: slot %d = %d, want %d", name, i, o[i], w)
			}
		}
		if o[1] < 0 || o[1] >= nt {
			t.Errorf("%s: exchange left %d, not a thread index", name, o[1])
		}
		if o[6] < 0 || o[6] >= nt {
			t.Errorf("%s: compare-and-swap left %d, not a thread index", name, o[6])
		}
		if w := uint32(nt) % 18; u[0] != w {
			t.Errorf("%s: atomicInc gave %d, want %d", name, u[0], w)
		}
		if w := (138 - uint32(nt)%138) % 138; u[1] != w {
			t.Errorf("%s: atomicDec gave %d, want %d", name, u[1], w)
		}
	}
	o, u := slices.Clone(initO), slices.Clone(initU)
	emulate(t, g, func(th dc.Thread) { SimpleAtomics(th, o, u) })
	check("Emulate", o, u)
	for _, dev := range devices(t) {
		ob, ub := kerneltest.Upload(t, dev, initO), kerneltest.Upload(t, dev, initU)
		launched(t, dev, LaunchSimpleAtomics(dev, g, ob, ub))
		check(dev.Backend(), kerneltest.Read(t, ob), kerneltest.Read(t, ub))
	}
}

// normals returns n standard normal samples (Box-Muller).
func normals(seed uint64, n int) []float32 {
	r := kerneltest.Rand(seed)
	out := make([]float32, n)
	for i := range out {
		u1, u2 := 1-r.Float64(), r.Float64()
		out[i] = float32(math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2))
	}
	return out
}

func TestMonteCarlo(t *testing.T) {
	optionN, pathN := 5, 1000
	samples := normals(5, pathN)
	opts := make([]MCOption, optionN)
	r := kerneltest.Rand(6)
	for i := range opts {
		s, x, tt := 5+25*r.Float64(), 1+99*r.Float64(), 0.25+9.75*r.Float64()
		rate, vol := 0.06, 0.10
		opts[i] = MCOption{float32(s), float32(x), float32((rate - 0.5*vol*vol) * tt), float32(vol * math.Sqrt(tt))}
	}
	g := grid(3, 1, MCThreads, 1) // fewer groups than options
	want := make([]MCValue, optionN)
	emulate(t, g, func(th dc.Thread) { MonteCarloOneBlockPerOption(th, samples, opts, want, pathN, optionN) })
	for i, o := range opts {
		var sum, sum2 float64
		for _, z := range samples {
			v := max(float64(o.S)*math.Exp(float64(o.MuByT)+float64(o.VBySqrtT)*float64(z))-float64(o.X), 0)
			sum += v
			sum2 += v * v
		}
		kerneltest.Close64(t, "Emulate vs host", []float64{float64(want[i].Expected), float64(want[i].Confidence)}, []float64{sum, sum2}, 1e-4, 1e-3)
	}
	for _, dev := range devices(t) {
		cb := kerneltest.Upload(t, dev, make([]MCValue, optionN))
		launched(t, dev, LaunchMonteCarloOneBlockPerOption(dev, g, kerneltest.Upload(t, dev, samples), kerneltest.Upload(t, dev, opts), cb, pathN, optionN))
		got := kerneltest.Read(t, cb)
		for i := range got {
			kerneltest.Close32(t, dev.Backend()+" MonteCarlo", []float32{got[i].Expected, got[i].Confidence}, []float32{want[i].Expected, want[i].Confidence}, 1e-5, 1e-5)
		}
	}
}

// invCND is the inverse of the standard normal CDF at (x+0.5)/2^32, from
// package math.
func invCND(x uint32) float64 {
	p := (float64(x) + 0.5) / (1 << 32)
	if p > 0.5 {
		return math.Sqrt2 * math.Erfcinv(2*(1-p))
	}
	return -math.Sqrt2 * math.Erfcinv(2*p)
}

func TestInverseCND(t *testing.T) {
	pathN := 1000
	in := kerneltest.RandInts[uint32](7, pathN, 0, math.MaxUint32)
	copy(in, []uint32{0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff})
	g := grid(2, 1, 128, 1) // fewer threads than points
	distance := ^uint32(0) / uint32(pathN+1)
	for _, c := range []struct {
		name  string
		input []uint32
	}{{"input", in}, {"spaced", nil}} {
		want := make([]float32, pathN)
		emulate(t, g, func(th dc.Thread) { InverseCND(th, want, c.input, uint32(pathN)) })
		host := make([]float64, pathN)
		for i := range host {
			x := uint32(i+1) * distance
			if c.input != nil {
				x = c.input[i]
			}
			host[i] = invCND(x)
		}
		got64 := make([]float64, pathN)
		for i, v := range want {
			got64[i] = float64(v)
		}
		// Moro's approximation in float32: a few 1e-6 near the centre,
		// and the float32 rounding of x moves p by up to 2^-25 relative.
		kerneltest.Close64(t, "Emulate vs host "+c.name, got64, host, 1e-4, 1e-5)
		for _, dev := range devices(t) {
			ob := kerneltest.Upload(t, dev, make([]float32, pathN))
			launched(t, dev, LaunchInverseCND(dev, g, ob, kerneltest.Upload(t, dev, c.input), uint32(pathN)))
			kerneltest.Close32(t, dev.Backend()+" InverseCND "+c.name, kerneltest.Read(t, ob), want, 1e-5, 1e-6)
		}
	}
}

func TestFWT(t *testing.T) {
	const log4N, batch = 5, 2
	n := 1 << (2 * log4N) // 1024
	in := kerneltest.Rand32(8, batch*n, -1, 1)
	g := grid(n/4/64, batch, 64, 1)
	// The radix-4 stages from the widest stride down, ping-ponging.
	emu := func(src []float32) []float32 {
		a, b := slices.Clone(src), make([]float32, len(src))
		for stride := n / 4; stride >= 1; stride /= 4 {
			emulate(t, g, func(th dc.Thread) { FWTBatch2(th, b, a, stride) })
			a, b = b, a
		}
		return a
	}
	want := emu(in)
	host := make([]float32, batch*n)
	for v := range batch {
		for k := range n {
			s := 0.0
			for j := range n {
				x := float64(in[v*n+j])
				if bits.OnesCount(uint(j&k))%2 == 1 {
					x = -x
				}
				s += x
			}
			host[v*n+k] = float32(s)
		}
	}
	kerneltest.Close32(t, "Emulate vs host transform", want, host, 1e-5, 1e-4)
	mod := kerneltest.Rand32(9, n, -1, 1)
	wantMod := slices.Clone(want[:n])
	gm := grid(2, 1, 128, 1)
	emulate(t, gm, func(th dc.Thread) { FWTModulate(th, wantMod, mod, n) })
	hostMod := make([]float32, n)
	for i := range n {
		hostMod[i] = float32(float64(want[i]) * float64(mod[i]) / float64(n))
	}
	kerneltest.Close32(t, "Emulate vs host modulate", wantMod, hostMod, 1e-6, 1e-7)
	for _, dev := range devices(t) {
		a, b := kerneltest.Upload(t, dev, in), kerneltest.Upload(t, dev, make([]float32, batch*n))
		for stride := n / 4; stride >= 1; stride /= 4 {
			launched(t, dev, LaunchFWTBatch2(dev, g, b, a, stride))
			a, b = b, a
		}
		kerneltest.Close32(t, dev.Backend()+" FWTBatch2", kerneltest.Read(t, a), want, 1e-6, 1e-6)
		ab := kerneltest.Upload(t, dev, want[:n])
		launched(t, dev, LaunchFWTModulate(dev, gm, ab, kerneltest.Upload(t, dev, mod), n))
		kerneltest.Close32(t, dev.Backend()+" FWTModulate", kerneltest.Read(t, ab), wantMod, 1e-6, 1e-7)
	}
}

// visibleFrom marks the points no earlier point rises above.
func visibleFrom(angles []float32) []bool {
	vis := make([]bool, len(angles))
	best := float32(math.Inf(-1))
	for i, a := range angles {
		vis[i] = a >= best
		best = max(best, a)
	}
	return vis
}

func TestLineOfSight(t *testing.T) {
	n := 300 // a partial last group
	heights := make([]float32, n)
	r := kerneltest.Rand(10)
	h := 10.0
	for i := range heights {
		h += 4 * (r.Float64() - 0.45)
		heights[i] = float32(h)
	}
	const h0, delta = 12, 0.5
	groups := (n + LOSGroup - 1) / LOSGroup
	g := grid(groups, 1, LOSGroup, 1)
	angles, scanned, gmax, vis := make([]float32, n), make([]float32, n), make([]float32, groups), make([]bool, n)
	emulate(t, g, func(th dc.Thread) { LOSAngles(th, angles, heights, h0, delta) })
	emulate(t, g, func(th dc.Thread) { LOSScanMax(th, scanned, gmax, angles) })
	emulate(t, g, func(th dc.Thread) { LOSVisible(th, vis, scanned, gmax, angles) })
	host := make([]float64, n)
	got := make([]float64, n)
	for i := range n {
		host[i] = math.Atan2(float64(heights[i])-h0, float64(i+1)*delta)
		got[i] = float64(angles[i])
	}
	kerneltest.Close64(t, "Emulate vs host angles", got, host, 1e-6, 1e-7)
	kerneltest.Equal(t, "Emulate vs host visibility", vis, visibleFrom(angles))
	for _, dev := range devices(t) {
		hb, ab := kerneltest.Upload(t, dev, heights), kerneltest.Upload(t, dev, make([]float32, n))
		sb, gb, vb := kerneltest.Upload(t, dev, make([]float32, n)), kerneltest.Upload(t, dev, make([]float32, groups)), kerneltest.Upload(t, dev, make([]bool, n))
		launched(t, dev, LaunchLOSAngles(dev, g, ab, hb, h0, delta))
		launched(t, dev, LaunchLOSScanMax(dev, g, sb, gb, ab))
		launched(t, dev, LaunchLOSVisible(dev, g, vb, sb, gb, ab))
		devAngles := kerneltest.Read(t, ab)
		kerneltest.Close32(t, dev.Backend()+" angles", devAngles, angles, 1e-6, 1e-7)
		kerneltest.Equal(t, dev.Backend()+" visibility", kerneltest.Read(t, vb), visibleFrom(devAngles))
	}
}

// bfsGraph is a random graph in Rodinia's layout.
func bfsGraph(seed uint64, n int) ([]BFSNode, []int32) {
	r := kerneltest.Rand(seed)
	nodes := make([]BFSNode, n)
	var edges []int32
	for i := range nodes {
		k := r.IntN(4)
		nodes[i] = BFSNode{int32(len(edges)), int32(k)}
		for range k {
			edges = append(edges, int32(r.IntN(n)))
		}
	}
	return nodes, edges
}

func TestBFS(t *testing.T) {
	n := 1000
	nodes, edges := bfsGraph(11, n)
	g := grid((n+MaxThreadsPerBlock-1)/MaxThreadsPerBlock, 1, MaxThreadsPerBlock, 1)
	start := func() (mask, updating, visited []bool, cost []int32) {
		mask, updating, visited, cost = make([]bool, n), make([]bool, n), make([]bool, n), make([]int32, n)
		for i := range cost {
			cost[i] = -1
		}
		mask[0], visited[0], cost[0] = true, true, 0
		return
	}
	mask, updating, visited, want := start()
	rounds := 0
	for over := []bool{true}; over[0]; rounds++ {
		over[0] = false
		emulate(t, g, func(th dc.Thread) { BFSKernel(th, nodes, edges, mask, updating, visited, want, n) })
		emulate(t, g, func(th dc.Thread) { BFSKernel2(th, mask, updating, visited, over, n) })
	}
	// Host: breadth-first search with a queue.
	host := make([]int32, n)
	for i := range host {
		host[i] = -1
	}
	host[0] = 0
	for queue := []int{0}; len(queue) > 0; queue = queue[1:] {
		v := queue[0]
		for _, e := range edges[nodes[v].Starting : nodes[v].Starting+nodes[v].NoOfEdges] {
			if host[e] < 0 {
				host[e] = host[v] + 1
				queue = append(queue, int(e))
			}
		}
	}
	kerneltest.Equal(t, "Emulate vs host", want, host)
	t.Logf("%d rounds", rounds)
	for _, dev := range devices(t) {
		mask, updating, visited, cost := start()
		nb, eb := kerneltest.Upload(t, dev, nodes), kerneltest.Upload(t, dev, edges)
		mb, ub, vb, cb := kerneltest.Upload(t, dev, mask), kerneltest.Upload(t, dev, updating), kerneltest.Upload(t, dev, visited), kerneltest.Upload(t, dev, cost)
		ob := kerneltest.Upload(t, dev, []bool{false})
		devRounds := 0
		for over := []bool{true}; over[0]; devRounds++ {
			if err := ob.Write([]bool{false}); err != nil {
				t.Fatal(err)
			}
			launched(t, dev, LaunchBFSKernel(dev, g, nb, eb, mb, ub, vb, cb, n))
			launched(t, dev, LaunchBFSKernel2(dev, g, mb, ub, vb, ob, n))
			if err := ob.Read(over); err != nil {
				t.Fatal(err)
			}
			if devRounds > n {
				t.Fatalf("%s: no end after %d rounds", dev.Backend(), devRounds)
			}
		}
		if devRounds != rounds {
			t.Errorf("%s: %d rounds, Emulate took %d", dev.Backend(), devRounds, rounds)
		}
		kerneltest.Equal(t, dev.Backend()+" BFS cost", kerneltest.Read(t, cb), want)
	}
}

func TestEuclid(t *testing.T) {
	n := 1000
	r := kerneltest.Rand(12)
	locs := make([]LatLong, n)
	for i := range locs {
		locs[i] = LatLong{float32(180*r.Float64() - 90), float32(360*r.Float64() - 180)}
	}
	g := grid(4, 4, 64, 1) // 2-D grid of 1-D groups, as nn launches
	const lat, lng = 30, 90
	want := make([]float32, n)
	emulate(t, g, func(th dc.Thread) { Euclid(th, locs, want, n, lat, lng) })
	host := make([]float32, n)
	for i, l := range locs {
		host[i] = float32(math.Hypot(lat-float64(l.Lat), lng-float64(l.Lng)))
	}
	kerneltest.Close32(t, "Emulate vs host", want, host, 1e-6, 1e-6)
	for _, dev := range devices(t) {
		db := kerneltest.Upload(t, dev, make([]float32, n))
		launched(t, dev, LaunchEuclid(dev, g, kerneltest.Upload(t, dev, locs), db, n, lat, lng))
		kerneltest.Close32(t, dev.Backend()+" Euclid", kerneltest.Read(t, db), want, 1e-6, 1e-6)
	}
}

func TestNW2(t *testing.T) {
	const penalty = 10
	blockWidth := 4
	n := blockWidth*NWB + 1
	ref := kerneltest.RandInts[int32](13, n*n, -10, 10)
	// Host: the whole score matrix by its recurrence.
	host := make([]int32, n*n)
	for i := range n {
		host[i*n], host[i] = int32(-i*penalty), int32(-i*penalty)
	}
	for r := 1; r < n; r++ {
		for c := 1; c < n; c++ {
			host[r*n+c] = max(host[(r-1)*n+c-1]+ref[r*n+c], host[r*n+c-1]-penalty, host[(r-1)*n+c]-penalty)
		}
	}
	// The first kernel's half (blocks above the anti-diagonal) comes from
	// the host; NW2 fills the rest.
	mat0 := slices.Clone(host)
	for r := 1; r < n; r++ {
		for c := 1; c < n; c++ {
			if (r-1)/NWB+(c-1)/NWB >= blockWidth {
				mat0[r*n+c] = 0
			}
		}
	}
	want := slices.Clone(mat0)
	for i := blockWidth - 1; i >= 1; i-- {
		emulate(t, grid(i, 1, NWB, 1), func(th dc.Thread) { NW2(th, ref, want, n, penalty, i, blockWidth) })
	}
	kerneltest.Equal(t, "Emulate vs host", want, host)
	for _, dev := range devices(t) {
		rb, mb := kerneltest.Upload(t, dev, ref), kerneltest.Upload(t, dev, mat0)
		for i := blockWidth - 1; i >= 1; i-- {
			launched(t, dev, LaunchNW2(dev, grid(i, 1, NWB, 1), rb, mb, n, penalty, i, blockWidth))
		}
		kerneltest.Equal(t, dev.Backend()+" NW2", kerneltest.Read(t, mb), want)
	}
}

func TestHotspot3D(t *testing.T) {
	nx, ny, nz := 32, 16, 8
	size := nx * ny * nz
	power := kerneltest.Rand32(14, size, 0, 1)
	temp := kerneltest.Rand32(15, size, 300, 340)
	g := grid(nx/16, ny/8, 16, 8)
	const sdc, ce, cw, cn, cs, ct, cb, cc = 0.3, 0.1, 0.11, 0.12, 0.09, 0.08, 0.07, 0.4
	run := func(step func(p, in, out []float32)) []float32 {
		a, b := slices.Clone(temp), make([]float32, size)
		for range 2 {
			step(power, a, b)
			a, b = b, a
		}
		return a
	}
	want := run(func(p, in, out []float32) {
		emulate(t, g, func(th dc.Thread) { Hotspot3D(th, p, in, out, sdc, nx, ny, nz, ce, cw, cn, cs, ct, cb, cc) })
	})
	host := run(func(p, in, out []float32) {
		at := func(x, y, z int) float64 {
			x, y, z = min(max(x, 0), nx-1), min(max(y, 0), ny-1), min(max(z, 0), nz-1)
			return float64(in[x+y*nx+z*nx*ny])
		}
		for z := range nz {
			for y := range ny {
				for x := range nx {
					c := x + y*nx + z*nx*ny
					v := cc*at(x, y, z) + cw*at(x-1, y, z) + ce*at(x+1, y, z) + cs*at(x, y+1, z) + cn*at(x, y-1, z) +
						cb*at(x, y, z-1) + ct*at(x, y, z+1) + sdc*float64(p[c]) + ct*80
					out[c] = float32(v)
				}
			}
		}
	})
	kerneltest.Close32(t, "Emulate vs host", want, host, 1e-5, 1e-4)
	for _, dev := range devices(t) {
		pb, a, b := kerneltest.Upload(t, dev, power), kerneltest.Upload(t, dev, temp), kerneltest.Upload(t, dev, make([]float32, size))
		for range 2 {
			launched(t, dev, LaunchHotspot3D(dev, g, pb, a, b, sdc, nx, ny, nz, ce, cw, cn, cs, ct, cb, cc))
			a, b = b, a
		}
		kerneltest.Close32(t, dev.Backend()+" Hotspot3D", kerneltest.Read(t, a), want, 1e-6, 1e-4)
	}
}

// cfdHost is euler3d's step in float64: the step factors, then RK stages
// of flux and time step.
type cfdHost struct {
	nelr    int
	ese     []int32
	normals []float64
	ff      FarField
}

type cfdState struct {
	density, energy float64
	m               [3]float64
}

func (h cfdHost) state(v []float64, i int) cfdState {
	return cfdState{v[i+VarDensity*h.nelr], v[i+VarDensityEnergy*h.nelr], [3]float64{v[i+VarMomentum*h.nelr], v[i+(VarMomentum+1)*h.nelr], v[i+(VarMomentum+2)*h.nelr]}}
}

// derived returns the velocity, speed squared, pressure and speed of
// sound of s.
func (s cfdState) derived() (vel [3]float64, speedSqd, pressure, sound float64) {
	for k := range 3 {
		vel[k] = s.m[k] / s.density
		speedSqd += vel[k] * vel[k]
	}
	pressure = (Gamma - 1) * (s.energy - 0.5*s.density*speedSqd)
	sound = math.Sqrt(Gamma * pressure / s.density)
	return
}

// flux returns the flux contributions: fm[a][b] is the flux of momentum
// a along axis b, fe that of the density energy.
func (s cfdState) flux() (fm [3][3]float64, fe [3]float64) {
	vel, _, p, _ := s.derived()
	for a := range 3 {
		for b := range 3 {
			fm[a][b] = vel[a] * s.m[b]
			if a == b {
				fm[a][b] += p
			}
		}
		fe[a] = vel[a] * (s.energy + p)
	}
	return
}

func (h cfdHost) fluxes(v []float64) []float64 {
	out := make([]float64, NVar*h.nelr)
	f3 := func(f Float3) [3]float64 { return [3]float64{float64(f.X), float64(f.Y), float64(f.Z)} }
	for i := range h.nelr {
		si := h.state(v, i)
		_, sqdI, pI, soundI := si.derived()
		fmI, feI := si.flux()
		var fd, fde float64
		var fmo [3]float64
		for j := range NNB {
			nb := int(h.ese[i+j*h.nelr])
			var normal [3]float64
			for k := range 3 {
				normal[k] = h.normals[i+(j+k*NNB)*h.nelr]
			}
			nlen := math.Sqrt(normal[0]*normal[0] + normal[1]*normal[1] + normal[2]*normal[2])
			switch {
			case nb >= 0:
				sn := h.state(v, nb)
				_, sqdN, _, soundN := sn.derived()
				fmN, feN := sn.flux()
				factor := -nlen * 0.2 * 0.5 * (math.Sqrt(sqdI) + math.Sqrt(sqdN) + soundI + soundN)
				fd += factor * (si.density - sn.density)
				fde += factor * (si.energy - sn.energy)
				for a := range 3 {
					fmo[a] += factor * (si.m[a] - sn.m[a])
				}
				for b := range 3 {
					factor := 0.5 * normal[b]
					fd += factor * (sn.m[b] + si.m[b])
					fde += factor * (feN[b] + feI[b])
					for a := range 3 {
						fmo[a] += factor * (fmN[a][b] + fmI[a][b])
					}
				}
			case nb == -1:
				for a := range 3 {
					fmo[a] += normal[a] * pI
				}
			case nb == -2:
				ffm := [3][3]float64{f3(h.ff.MomentumX), f3(h.ff.MomentumY), f3(h.ff.MomentumZ)}
				ffe := f3(h.ff.DensityEnergy)
				for b := range 3 {
					factor := 0.5 * normal[b]
					fd += factor * (float64(h.ff.Variables[VarMomentum+b]) + si.m[b])
					fde += factor * (ffe[b] + feI[b])
					for a := range 3 {
						fmo[a] += factor * (ffm[a][b] + fmI[a][b])
					}
				}
			}
		}
		out[i+VarDensity*h.nelr] = fd
		for a := range 3 {
			out[i+(VarMomentum+a)*h.nelr] = fmo[a]
		}
		out[i+VarDensityEnergy*h.nelr] = fde
	}
	return out
}

func to64(xs []float32) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(x)
	}
	return out
}

func to32(xs []float64) []float32 {
	out := make([]float32, len(xs))
	for i, x := range xs {
		out[i] = float32(x)
	}
	return out
}

func TestCFD(t *testing.T) {
	nelr := 256
	r := kerneltest.Rand(16)
	vars := make([]float32, NVar*nelr)
	for i := range nelr {
		vars[i+VarDensity*nelr] = float32(1 + r.Float64())
		for k := range 3 {
			vars[i+(VarMomentum+k)*nelr] = float32(r.Float64() - 0.5)
		}
		vars[i+VarDensityEnergy*nelr] = float32(2 + r.Float64())
	}
	ese := make([]int32, NNB*nelr)
	for i := range ese {
		switch k := r.IntN(10); {
		case k == 0:
			ese[i] = -1
		case k == 1:
			ese[i] = -2
		default:
			ese[i] = int32(r.IntN(nelr))
		}
	}
	normals := kerneltest.Rand32(17, 3*NNB*nelr, -1, 1)
	areas := kerneltest.Rand32(18, nelr, 0.5, 2)
	ff := FarField{Variables: [NVar]float32{1.4, 0.3, 0.1, -0.2, 2.5}, MomentumX: Float3{1.1, 0.2, 0.3}, MomentumY: Float3{0.2, 1.2, -0.1}, MomentumZ: Float3{0.3, -0.1, 0.9}, DensityEnergy: Float3{0.5, 0.2, -0.4}}
	g := grid(nelr/64, 1, 64, 1)
	// One iteration of euler3d's main loop.
	stepE, fluxE, varsE := make([]float32, nelr), make([]float32, NVar*nelr), slices.Clone(vars)
	emulate(t, g, func(th dc.Thread) { CFDStepFactor(th, nelr, varsE, areas, stepE) })
	for j := range RK {
		emulate(t, g, func(th dc.Thread) { CFDFlux(th, nelr, ese, normals, varsE, fluxE, ff) })
		emulate(t, g, func(th dc.Thread) { CFDTimeStep(th, j, nelr, vars, varsE, stepE, fluxE) })
	}
	h := cfdHost{nelr, ese, to64(normals), ff}
	v0 := to64(vars)
	step := make([]float64, nelr)
	for i := range nelr {
		_, sqd, _, sound := h.state(v0, i).derived()
		step[i] = 0.5 / (math.Sqrt(float64(areas[i])) * (math.Sqrt(sqd) + sound))
	}
	kerneltest.Close32(t, "Emulate vs host step factors", stepE, to32(step), 1e-5, 1e-6)
	v := slices.Clone(v0)
	for j := range RK {
		fl := h.fluxes(v)
		for i := range nelr {
			for k := range NVar {
				v[i+k*nelr] = v0[i+k*nelr] + step[i]/float64(RK+1-j)*fl[i+k*nelr]
			}
		}
	}
	kerneltest.Close32(t, "Emulate vs host variables", varsE, to32(v), 1e-4, 1e-5)
	for _, dev := range devices(t) {
		vb, ob := kerneltest.Upload(t, dev, vars), kerneltest.Upload(t, dev, vars)
		sb, fb := kerneltest.Upload(t, dev, make([]float32, nelr)), kerneltest.Upload(t, dev, make([]float32, NVar*nelr))
		eb, nb, ab := kerneltest.Upload(t, dev, ese), kerneltest.Upload(t, dev, normals), kerneltest.Upload(t, dev, areas)
		launched(t, dev, LaunchCFDStepFactor(dev, g, nelr, vb, ab, sb))
		for j := range RK {
			launched(t, dev, LaunchCFDFlux(dev, g, nelr, eb, nb, vb, fb, ff))
			launched(t, dev, LaunchCFDTimeStep(dev, g, j, nelr, ob, vb, sb, fb))
		}
		kerneltest.Close32(t, dev.Backend()+" step factors", kerneltest.Read(t, sb), stepE, 1e-6, 1e-7)
		kerneltest.Close32(t, dev.Backend()+" variables", kerneltest.Read(t, vb), varsE, 1e-5, 1e-6)
	}
}

func TestParticleFilter(t *testing.T) {
	n := 500
	weights := kerneltest.Rand64(19, n, 0.1, 1)
	total := 0.0
	for _, w := range weights {
		total += w
	}
	partial := []float64{total / 4, total / 2, total / 4} // three groups' sums
	arrayX, arrayY := kerneltest.Rand64(20, n, 0, 100), kerneltest.Rand64(21, n, 0, 100)
	seed := kerneltest.RandInts[int32](22, n, 1, math.MaxInt32)
	gOne := grid(1, 1, 512, 1) // normalize_weights_kernel is right in one group only
	gIdx := grid(2, 1, 256, 1)
	type result struct {
		weights, cdf, u, xj, yj []float64
		seed                    []int32
	}
	emu := result{slices.Clone(weights), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), slices.Clone(seed)}
	ps := slices.Clone(partial)
	emulate(t, grid(1, 1, 32, 1), func(th dc.Thread) { PFSum(th, ps, len(ps)) })
	emulate(t, gOne, func(th dc.Thread) { PFNormalize(th, emu.weights, n, ps, emu.cdf, emu.u, emu.seed) })
	emulate(t, gIdx, func(th dc.Thread) { PFFindIndex(th, arrayX, arrayY, emu.cdf, emu.u, emu.xj, emu.yj, n) })
	// Host: particlefilter's serial resampling.
	sum := partial[0] + partial[1] + partial[2]
	host := result{make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), slices.Clone(seed)}
	for i, w := range weights {
		host.weights[i] = w / sum
	}
	c := 0.0
	for i, w := range host.weights {
		c += w
		host.cdf[i] = c
	}
	host.seed[0] = int32((int64(LCGA)*int64(seed[0]) + LCGC) % (1 << 32)) // int32 wrap-around
	host.seed[0] %= LCGM
	u0 := math.Abs(float64(host.seed[0])/LCGM) / float64(n)
	for i := range n {
		host.u[i] = u0 + float64(i)/float64(n)
		j := sort.SearchFloat64s(host.cdf, host.u[i])
		j = min(j, n-1)
		host.xj[i], host.yj[i] = arrayX[j], arrayY[j]
	}
	kerneltest.Close64(t, "Emulate vs host weights", emu.weights, host.weights, 1e-14, 0)
	kerneltest.Close64(t, "Emulate vs host CDF", emu.cdf, host.cdf, 1e-12, 0)
	kerneltest.Close64(t, "Emulate vs host u", emu.u, host.u, 1e-12, 0)
	kerneltest.Equal(t, "Emulate vs host seed", emu.seed, host.seed)
	kerneltest.Equal(t, "Emulate vs host xj", emu.xj, host.xj)
	kerneltest.Equal(t, "Emulate vs host yj", emu.yj, host.yj)
	for _, dev := range devices(t) {
		kerneltest.NeedFloat64(t, dev)
		psb := kerneltest.Upload(t, dev, partial)
		wb, cb, ub := kerneltest.Upload(t, dev, weights), kerneltest.Upload(t, dev, make([]float64, n)), kerneltest.Upload(t, dev, make([]float64, n))
		xb, yb, sb := kerneltest.Upload(t, dev, make([]float64, n)), kerneltest.Upload(t, dev, make([]float64, n)), kerneltest.Upload(t, dev, seed)
		launched(t, dev, LaunchPFSum(dev, grid(1, 1, 32, 1), psb, len(partial)))
		launched(t, dev, LaunchPFNormalize(dev, gOne, wb, n, psb, cb, ub, sb))
		launched(t, dev, LaunchPFFindIndex(dev, gIdx, kerneltest.Upload(t, dev, arrayX), kerneltest.Upload(t, dev, arrayY), cb, ub, xb, yb, n))
		name := dev.Backend()
		kerneltest.Equal(t, name+" weights", kerneltest.Read(t, wb), emu.weights)
		kerneltest.Equal(t, name+" CDF", kerneltest.Read(t, cb), emu.cdf)
		kerneltest.Equal(t, name+" u", kerneltest.Read(t, ub), emu.u)
		kerneltest.Equal(t, name+" seed", kerneltest.Read(t, sb), emu.seed)
		kerneltest.Equal(t, name+" xj", kerneltest.Read(t, xb), emu.xj)
		kerneltest.Equal(t, name+" yj", kerneltest.Read(t, yb), emu.yj)
	}
}

func TestBucketCount(t *testing.T) {
	size := 3000
	input := kerneltest.Rand32(23, size, 0, 1)
	sorted := slices.Sorted(slices.Values(input))
	pivots := make([]float32, Divisions-1)
	for i := range pivots {
		pivots[i] = sorted[(i+1)*size/Divisions]
	}
	groups, lsize := 4, 128 // a grid-stride loop: 512 threads for 3000 elements
	g := grid(groups, 1, lsize, 1)
	// check verifies the sample's contract: each element's bucket is the
	// number of pivots not above it, each group's counts are its elements'
	// per bucket, and the slots of one group's bucket are 0..count-1.
	check := func(name string, indice []int32, offsets []uint32) {
		t.Helper()
		slots := make([][]int, groups*Divisions)
		for tid, e := range input {
			b := sort.Search(len(pivots), func(i int) bool { return pivots[i] > e })
			if got := int(indice[tid] & (Divisions - 1)); got != b {
				t.Fatalf("%s: element %d (%g) in bucket %d, want %d", name, tid, e, got, b)
			}
			gid := tid / lsize % groups
			slots[gid*Divisions+b] = append(slots[gid*Divisions+b], int(indice[tid]>>LogDivisions))
		}
		for k, s := range slots {
			slices.Sort(s)
			for i, v := range s {
				if v != i {
					t.Fatalf("%s: group %d bucket %d has slots %v, want 0..%d", name, k/Divisions, k%Divisions, s, len(s)-1)
				}
			}
			if int(offsets[k]) != len(s) {
				t.Fatalf("%s: group %d bucket %d counts %d, want %d", name, k/Divisions, k%Divisions, offsets[k], len(s))
			}
		}
	}
	indice, offsets := make([]int32, size), make([]uint32, groups*Divisions)
	emulate(t, g, func(th dc.Thread) { BucketCount(th, input, indice, offsets, pivots, size) })
	check("Emulate", indice, offsets)
	for _, dev := range devices(t) {
		ib, ob := kerneltest.Upload(t, dev, make([]int32, size)), kerneltest.Upload(t, dev, make([]uint32, groups*Divisions))
		launched(t, dev, LaunchBucketCount(dev, g, kerneltest.Upload(t, dev, input), ib, ob, kerneltest.Upload(t, dev, pivots), size))
		check(dev.Backend(), kerneltest.Read(t, ib), kerneltest.Read(t, ob))
	}
}

// lcg is the host side of particlefilter's generator: randu, then randn
// by Box-Muller.
type lcg []int32

func (s lcg) randu(i int) float64 {
	s[i] = int32(uint32(LCGA*int64(s[i]) + LCGC)) // C's int arithmetic, wrapping
	s[i] %= LCGM
	return math.Abs(float64(s[i]) / LCGM)
}

func (s lcg) randn(i int) float64 {
	u, v := s.randu(i), s.randu(i)
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*v)
}

func TestPFLikelihood(t *testing.T) {
	n, iszX, iszY, nfr, k := 300, 64, 64, 2, 1
	maxSize := iszX * iszY * nfr
	img := kerneltest.RandInts[uint8](24, maxSize, 0, 255)
	var objxy []int32 // a disk of radius 2, as (y, x) pairs
	for y := -2; y <= 2; y++ {
		for x := -2; x <= 2; x++ {
			if x*x+y*y <= 4 {
				objxy = append(objxy, int32(y), int32(x))
			}
		}
	}
	countOnes := len(objxy) / 2
	xj, yj := kerneltest.Rand64(25, n, 10, 50), kerneltest.Rand64(26, n, 10, 50)
	seed := kerneltest.RandInts[int32](27, n, 1, math.MaxInt32)
	groups := (n + PFThreads - 1) / PFThreads
	g := grid(groups, 1, PFThreads, 1)
	type state struct {
		x, y, lik, w, partial []float64
		ind, seed             []int32
	}
	fresh := func() state {
		return state{make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, groups), make([]int32, n*countOnes), slices.Clone(seed)}
	}
	emu := fresh()
	emulate(t, g, func(th dc.Thread) {
		PFLikelihood(th, emu.x, emu.y, xj, yj, emu.ind, objxy, emu.lik, img, emu.w, n, countOnes, maxSize, k, iszY, nfr, emu.seed, emu.partial)
	})
	host := fresh()
	rng := lcg(host.seed)
	for i := range n {
		host.x[i] = xj[i] + 1 + 5*rng.randn(i)
		host.y[i] = yj[i] - 2 + 2*rng.randn(i)
		sum := 0.0
		for c := range countOnes {
			ix := int(math.Floor(host.x[i]+0.5)) + int(objxy[2*c+1])
			iy := int(math.Floor(host.y[i]+0.5)) + int(objxy[2*c])
			idx := ix*iszY*nfr + iy*nfr + k
			if idx < 0 {
				idx = -idx
			}
			if idx >= maxSize {
				idx = 0
			}
			host.ind[i*countOnes+c] = int32(idx)
			p := float64(img[idx])
			sum += ((p-100)*(p-100) - (p-228)*(p-228)) / 50
		}
		host.lik[i] = sum / float64(countOnes)
		host.w[i] = math.Exp(host.lik[i]) / float64(n)
		host.partial[i/PFThreads] += host.w[i]
	}
	kerneltest.Equal(t, "Emulate vs host seed", emu.seed, host.seed)
	kerneltest.Close64(t, "Emulate vs host x", emu.x, host.x, 1e-14, 1e-13)
	kerneltest.Close64(t, "Emulate vs host y", emu.y, host.y, 1e-14, 1e-13)
	kerneltest.Equal(t, "Emulate vs host ind", emu.ind, host.ind)
	kerneltest.Close64(t, "Emulate vs host likelihood", emu.lik, host.lik, 1e-13, 1e-13)
	kerneltest.Close64(t, "Emulate vs host weights", emu.w, host.w, 1e-12, 0)
	kerneltest.Close64(t, "Emulate vs host partial sums", emu.partial, host.partial, 1e-12, 0)
	for _, dev := range devices(t) {
		kerneltest.NeedFloat64(t, dev)
		d := fresh()
		xb, yb, lb, wb, pb := kerneltest.Upload(t, dev, d.x), kerneltest.Upload(t, dev, d.y), kerneltest.Upload(t, dev, d.lik), kerneltest.Upload(t, dev, d.w), kerneltest.Upload(t, dev, d.partial)
		ib, sb := kerneltest.Upload(t, dev, d.ind), kerneltest.Upload(t, dev, d.seed)
		launched(t, dev, LaunchPFLikelihood(dev, g, xb, yb, kerneltest.Upload(t, dev, xj), kerneltest.Upload(t, dev, yj), ib, kerneltest.Upload(t, dev, objxy), lb,
			kerneltest.Upload(t, dev, img), wb, n, countOnes, maxSize, k, iszY, nfr, sb, pb))
		name := dev.Backend()
		kerneltest.Equal(t, name+" seed", kerneltest.Read(t, sb), emu.seed)
		kerneltest.Close64(t, name+" x", kerneltest.Read(t, xb), emu.x, 1e-14, 1e-13)
		kerneltest.Close64(t, name+" y", kerneltest.Read(t, yb), emu.y, 1e-14, 1e-13)
		kerneltest.Equal(t, name+" ind", kerneltest.Read(t, ib), emu.ind)
		kerneltest.Close64(t, name+" likelihood", kerneltest.Read(t, lb), emu.lik, 1e-14, 1e-14)
		kerneltest.Close64(t, name+" weights", kerneltest.Read(t, wb), emu.w, 1e-13, 0)
		kerneltest.Close64(t, name+" partial sums", kerneltest.Read(t, pb), emu.partial, 1e-13, 0)
	}
}

func TestQuasirandomGenerator(t *testing.T) {
	n := uint32(1000)
	var table QRNGTable
	r := kerneltest.Rand(28)
	for d := range table.T {
		for b := range table.T[d] {
			table.T[d][b] = r.Uint32() >> 1
		}
	}
	const seed = 7
	g := grid(2, 1, 64, QRNGDimensions) // fewer threads than points
	want := make([]float32, QRNGDimensions*n)
	emulate(t, g, func(th dc.Thread) { QuasirandomGenerator(th, want, table, seed, n) })
	host := make([]float64, QRNGDimensions*n)
	got := make([]float64, len(want))
	for d := range QRNGDimensions {
		for pos := range n {
			var x uint32
			for b := range QRNGResolution {
				if (seed+pos)>>b&1 == 1 {
					x ^= table.T[d][b]
				}
			}
			host[uint32(d)*n+pos] = (float64(x) + 1) / 0x80000001
		}
	}
	for i, v := range want {
		got[i] = float64(v)
	}
	kerneltest.Close64(t, "Emulate vs host", got, host, 2e-7, 0)
	for _, dev := range devices(t) {
		ob := kerneltest.Upload(t, dev, make([]float32, len(want)))
		launched(t, dev, LaunchQuasirandomGenerator(dev, g, ob, table, seed, n))
		kerneltest.Bits32(t, dev.Backend()+" QuasirandomGenerator", kerneltest.Read(t, ob), want)
	}
}

// mtHost runs one generator of MersenneTwisterGP11213 the textbook way:
// the whole state, indexes modulo MTNN.
func mtHost(p MTParams, n int) []float32 {
	var mt [MTNN]uint32
	mt[0] = p.Seed
	for i := 1; i < MTNN; i++ {
		mt[i] = 1812433253*(mt[i-1]^mt[i-1]>>30) + uint32(i)
	}
	out := make([]float32, n)
	for k := range n {
		i := k % MTNN
		y := mt[i]&0xFFFFFFFE | mt[(i+1)%MTNN]&1
		v := mt[(i+MTMM)%MTNN] ^ y>>1
		if y&1 == 1 {
			v ^= p.MatrixA
		}
		mt[i] = v
		v ^= v >> 12
		v ^= v << 7 & p.MaskB
		v ^= v << 15 & p.MaskC
		v ^= v >> 18
		out[k] = (float32(v) + 1) / (1 << 32) // the sample converts, then adds, in float32
	}
	return out
}

func TestMersenneTwister(t *testing.T) {
	nPerRng := 24
	r := kerneltest.Rand(29)
	ds := make([]MTParams, MTRNGCount)
	for i := range ds {
		ds[i] = MTParams{r.Uint32() | 1<<31, r.Uint32(), r.Uint32(), r.Uint32()}
	}
	g := grid(2, 1, 64, 1) // half as many threads as generators
	want := make([]float32, MTRNGCount*nPerRng)
	emulate(t, g, func(th dc.Thread) { MersenneTwister(th, want, ds, nPerRng) })
	host := make([]float32, len(want))
	for i, p := range ds {
		for k, v := range mtHost(p, nPerRng) {
			host[i+k*MTRNGCount] = v
		}
	}
	kerneltest.Bits32(t, "Emulate vs host uniform", want, host)
	normal := slices.Clone(want)
	emulate(t, g, func(th dc.Thread) { BoxMullerGPU(th, normal, nPerRng) })
	hostNormal := make([]float32, len(want))
	for i := 0; i < len(want); i += 2 * MTRNGCount {
		for j := i; j < i+MTRNGCount; j++ {
			u1, u2 := float64(want[j]), float64(want[j+MTRNGCount])
			rr, phi := math.Sqrt(-2*math.Log(u1)), 2*math.Pi*u2
			hostNormal[j], hostNormal[j+MTRNGCount] = float32(rr*math.Cos(phi)), float32(rr*math.Sin(phi))
		}
	}
	kerneltest.Close32(t, "Emulate vs host normal", normal, hostNormal, 1e-5, 1e-5)
	for _, dev := range devices(t) {
		rb := kerneltest.Upload(t, dev, make([]float32, len(want)))
		launched(t, dev, LaunchMersenneTwister(dev, g, rb, kerneltest.Upload(t, dev, ds), nPerRng))
		kerneltest.Bits32(t, dev.Backend()+" MersenneTwister", kerneltest.Read(t, rb), want)
		launched(t, dev, LaunchBoxMullerGPU(dev, g, rb, nPerRng))
		kerneltest.Close32(t, dev.Backend()+" BoxMullerGPU", kerneltest.Read(t, rb), normal, 1e-5, 1e-5)
	}
}

// channelsWithin reports the first pixel whose channels differ by more
// than tol.
func channelsWithin(t *testing.T, name string, got, want []uint32, tol int) {
	t.Helper()
	for i := range want {
		for s := 0; s < 32; s += 8 {
			d := int(got[i]>>s&0xff) - int(want[i]>>s&0xff)
			if d < -tol || d > tol {
				t.Fatalf("%s: pixel %d is %#08x, want %#08x (channel %d off by %d)", name, i, got[i], want[i], s/8, d)
			}
		}
	}
}

func TestRecursiveGaussian(t *testing.T) {
	w, h := 100, 64 // a partial last group
	img := kerneltest.RandInts[uint32](30, w*h, 0, math.MaxUint32)
	// The sample's computeCoefficients for order 0, sigma 3.
	sigma := 3.0
	alpha := 1.695 / sigma
	ema, ema2 := math.Exp(-alpha), math.Exp(-2*alpha)
	b1, b2 := -2*ema, ema2
	k := (1 - ema) * (1 - ema) / (1 + 2*alpha*ema - ema2)
	a0, a1, a2, a3 := k, k*(alpha-1)*ema, k*(alpha+1)*ema, -k*ema2
	coefp, coefn := (a0+a1)/(1+b1+b2), (a2+a3)/(1+b1+b2)
	f := func(x float64) float32 { return float32(x) }
	g := grid(2, 1, 64, 1)
	want := make([]uint32, w*h)
	emulate(t, g, func(th dc.Thread) {
		RecursiveGaussian(th, img, want, w, h, f(a0), f(a1), f(a2), f(a3), f(b1), f(b2), f(coefp), f(coefn))
	})
	// Host: both passes per channel in float64, the forward pass stored
	// as 8 bits as the kernel does.
	host := make([]uint32, w*h)
	quant := func(v float64) uint32 { return uint32(min(max(v, 0), 1) * 255) }
	for x := range w {
		for c := 0; c < 32; c += 8 {
			in := func(y int) float64 { return float64(img[x+y*w]>>c&0xff) / 255 }
			fwd := make([]uint32, h)
			xp := in(0)
			yb := coefp * xp
			yp := yb
			for y := range h {
				yc := a0*in(y) + a1*xp - b1*yp - b2*yb
				fwd[y] = quant(yc)
				xp, yb, yp = in(y), yp, yc
			}
			xn := in(h - 1)
			xa, yn := xn, coefn*xn
			ya := yn
			for y := h - 1; y >= 0; y-- {
				yc := a2*xn + a3*xa - b1*yn - b2*ya
				xa, xn, ya, yn = xn, in(y), yn, yc
				host[x+y*w] |= quant(float64(fwd[y])/255+yc) << c
			}
		}
	}
	channelsWithin(t, "Emulate vs host", want, host, 2)
	for _, dev := range devices(t) {
		ob := kerneltest.Upload(t, dev, make([]uint32, w*h))
		launched(t, dev, LaunchRecursiveGaussian(dev, g, kerneltest.Upload(t, dev, img), ob, w, h, f(a0), f(a1), f(a2), f(a3), f(b1), f(b2), f(coefp), f(coefn)))
		channelsWithin(t, dev.Backend()+" RecursiveGaussian", kerneltest.Read(t, ob), want, 1) // a contracted a*x+b may truncate to the next level
	}
}

func TestStereoDisparity(t *testing.T) {
	w, h := 64, 16
	minD, maxD := 0, 8
	// The right image is the left one shifted by 3 pixels, with noise.
	left := kerneltest.RandInts[uint32](31, w*h, 0, math.MaxUint32)
	noise := kerneltest.RandInts[uint32](32, w*h, 0, 0x03030303)
	right := make([]uint32, w*h)
	for y := range h {
		for x := range w {
			right[y*w+x] = left[y*w+max(x-3, 0)] ^ noise[y*w+x]
		}
	}
	g := grid(w/StereoBlockX, h/StereoBlockY, StereoBlockX, StereoBlockY)
	want := make([]uint32, w*h)
	emulate(t, g, func(th dc.Thread) { StereoDisparity(th, left, right, want, w, h, minD, maxD) })
	// Host: the window cost of every disparity, the first lowest kept.
	px := func(img []uint32, x, y int) uint32 {
		return img[min(max(y, 0), h-1)*w+min(max(x, 0), w-1)]
	}
	host := make([]uint32, w*h)
	for y := range h {
		for x := range w {
			best, bestD := uint32(math.MaxUint32), 0
			for d := minD; d <= maxD; d++ {
				var cost uint32
				for dy := -StereoRad; dy <= StereoRad; dy++ {
					for dx := -StereoRad; dx <= StereoRad; dx++ {
						a, b := px(left, x+dx, y+dy), px(right, x+dx+d, y+dy)
						for k := 0; k < 32; k += 8 {
							cost += uint32(math.Abs(float64(a>>k&0xff) - float64(b>>k&0xff)))
						}
					}
				}
				if cost < best {
					best, bestD = cost, d
				}
			}
			host[y*w+x] = uint32(bestD + 8)
		}
	}
	kerneltest.Equal(t, "Emulate vs host", want, host)
	for _, dev := range devices(t) {
		ob := kerneltest.Upload(t, dev, make([]uint32, w*h))
		launched(t, dev, LaunchStereoDisparity(dev, g, kerneltest.Upload(t, dev, left), kerneltest.Upload(t, dev, right), ob, w, h, minD, maxD))
		kerneltest.Equal(t, dev.Backend()+" StereoDisparity", kerneltest.Read(t, ob), want)
	}
}

func TestGICOV(t *testing.T) {
	gradM, gradN := 32, 24 // column-major: gradM rows, addr = x*gradM + y
	border := MaxRad + 2
	gradX, gradY := kerneltest.Rand32(33, gradM*gradN, -1, 1), kerneltest.Rand32(34, gradM*gradN, -1, 1)
	var tX, tY []int32
	cosA, sinA := make([]float32, NPoints), make([]float32, NPoints)
	for n := range NPoints {
		theta := 2 * math.Pi * float64(n) / NPoints
		cosA[n], sinA[n] = float32(math.Cos(theta)), float32(math.Sin(theta))
	}
	for k := range NCircles {
		r := float64(2 + k)
		for n := range NPoints {
			theta := 2 * math.Pi * float64(n) / NPoints
			tX = append(tX, int32(math.Round(r*math.Cos(theta))))
			tY = append(tY, int32(math.Round(r*math.Sin(theta))))
		}
	}
	g := grid(gradN-2*border, 1, gradM-2*border, 1)
	want := make([]float32, gradM*gradN)
	emulate(t, g, func(th dc.Thread) { GICOV(th, gradM, gradX, gradY, tX, tY, cosA, sinA, want) })
	// Host: the mean and the (two-pass) sample variance of each stencil.
	host := make([]float32, gradM*gradN)
	for i := border; i < gradN-border; i++ {
		for j := border; j < gradM-border; j++ {
			best := 0.0
			for k := range NCircles {
				ps := make([]float64, NPoints)
				mean := 0.0
				for n := range NPoints {
					addr := (i+int(tX[k*NPoints+n]))*gradM + j + int(tY[k*NPoints+n])
					ps[n] = float64(gradX[addr])*float64(cosA[n]) + float64(gradY[addr])*float64(sinA[n])
					mean += ps[n] / NPoints
				}
				v := 0.0
				for _, p := range ps {
					v += (p - mean) * (p - mean) / (NPoints - 1)
				}
				best = max(best, mean*mean/v)
			}
			host[i*gradM+j] = float32(best)
		}
	}
	kerneltest.Close32(t, "Emulate vs host", want, host, 1e-4, 1e-6)
	for _, dev := range devices(t) {
		ob := kerneltest.Upload(t, dev, make([]float32, gradM*gradN))
		launched(t, dev, LaunchGICOV(dev, g, gradM, kerneltest.Upload(t, dev, gradX), kerneltest.Upload(t, dev, gradY), kerneltest.Upload(t, dev, tX), kerneltest.Upload(t, dev, tY),
			kerneltest.Upload(t, dev, cosA), kerneltest.Upload(t, dev, sinA), ob))
		kerneltest.Close32(t, dev.Backend()+" GICOV", kerneltest.Read(t, ob), want, 1e-5, 1e-6)
	}
}

func TestDilate(t *testing.T) {
	imgM, imgN, strelM, strelN := 30, 20, 5, 5
	img := kerneltest.Rand32(35, imgM*imgN, 0, 1)
	strel := make([]float32, strelM*strelN)
	for a := range strelM {
		for b := range strelN {
			if (a-2)*(a-2)+(b-2)*(b-2) <= 4 {
				strel[a*strelN+b] = 1
			}
		}
	}
	g := grid(imgM*imgN/60, 1, 60, 1)
	want := make([]float32, imgM*imgN)
	emulate(t, g, func(th dc.Thread) { Dilate(th, imgM, imgN, strelM, strelN, img, strel, want) })
	host := make([]float32, imgM*imgN)
	for i := range imgM {
		for j := range imgN {
			var m float32
			for a := range strelM {
				for b := range strelN {
					y, x := i+a-strelM/2, j+b-strelN/2
					if y >= 0 && y < imgM && x >= 0 && x < imgN && strel[a*strelN+b] != 0 {
						m = max(m, img[x*imgM+y])
					}
				}
			}
			host[i*imgN+j] = m
		}
	}
	kerneltest.Equal(t, "Emulate vs host", want, host)
	for _, dev := range devices(t) {
		ob := kerneltest.Upload(t, dev, make([]float32, imgM*imgN))
		launched(t, dev, LaunchDilate(dev, g, imgM, imgN, strelM, strelN, kerneltest.Upload(t, dev, img), kerneltest.Upload(t, dev, strel), ob))
		kerneltest.Equal(t, dev.Backend()+" Dilate", kerneltest.Read(t, ob), want)
	}
}

func TestParticles(t *testing.T) {
	n := 500
	const radius = 0.125
	params := SimParams{
		ColliderPos: Float3{0, 0, 0}, ColliderRadius: 0.2, GridSize: Int3{8, 8, 8},
		WorldOrigin: Float3{-1, -1, -1}, CellSize: Float3{2 * radius, 2 * radius, 2 * radius},
		ParticleRadius: radius, Spring: 0.5, Damping: 0.02, Shear: 0.1, Attraction: 0.01,
	}
	numCells := 8 * 8 * 8
	p := kerneltest.Rand32(36, 3*n, -1+radius, 1-radius)
	v := kerneltest.Rand32(37, 3*n, -0.1, 0.1)
	pos, vel := make([]Float4, n), make([]Float4, n)
	for i := range n {
		pos[i] = Float4{p[3*i], p[3*i+1], p[3*i+2], 1}
		vel[i] = Float4{v[3*i], v[3*i+1], v[3*i+2], 0}
	}
	g := grid((n+PBlock-1)/PBlock, 1, PBlock, 1)
	un := uint32(n)
	// sortByHash is the sample's thrust::sort_by_key.
	sortByHash := func(hash, index []uint32) ([]uint32, []uint32) {
		order := make([]int, n)
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return hash[order[a]] < hash[order[b]] })
		h, ix := make([]uint32, n), make([]uint32, n)
		for k, o := range order {
			h[k], ix[k] = hash[o], index[o]
		}
		return h, ix
	}
	noCell := func() []uint32 {
		c := make([]uint32, numCells)
		for i := range c {
			c[i] = 0xffffffff
		}
		return c
	}
	hash, index := make([]uint32, n), make([]uint32, n)
	emulate(t, g, func(th dc.Thread) { CalcHash(th, hash, index, pos, un, params) })
	sHash, sIndex := sortByHash(hash, index)
	cellStart, cellEnd := noCell(), make([]uint32, numCells)
	sPos, sVel := make([]Float4, n), make([]Float4, n)
	emulate(t, g, func(th dc.Thread) {
		ReorderDataAndFindCellStart(th, cellStart, cellEnd, sPos, sVel, sHash, sIndex, pos, vel, un)
	})
	newVel := make([]Float4, n)
	emulate(t, g, func(th dc.Thread) { Collide(th, newVel, sPos, sVel, sIndex, cellStart, cellEnd, un, params) })
	// Host: the cells from the positions, then every pair of particles.
	hostHash := make([]uint32, n)
	for i, q := range pos {
		x := int(math.Floor((float64(q.X) + 1) / (2 * radius)))
		y := int(math.Floor((float64(q.Y) + 1) / (2 * radius)))
		z := int(math.Floor((float64(q.Z) + 1) / (2 * radius)))
		hostHash[i] = uint32(z*64 + y*8 + x)
	}
	kerneltest.Equal(t, "Emulate vs host hashes", hash, hostHash)
	hostStart, hostEnd := noCell(), make([]uint32, numCells)
	for k, h := range sHash {
		if hostStart[h] == 0xffffffff {
			hostStart[h] = uint32(k)
		}
		hostEnd[h] = uint32(k + 1)
	}
	kerneltest.Equal(t, "Emulate vs host cell starts", cellStart, hostStart)
	kerneltest.Equal(t, "Emulate vs host cell ends", cellEnd, hostEnd)
	for k, o := range sIndex {
		if sPos[k] != pos[o] || sVel[k] != vel[o] {
			t.Fatalf("Emulate: sorted particle %d is not particle %d", k, o)
		}
	}
	vec := func(q Float4) [3]float64 { return [3]float64{float64(q.X), float64(q.Y), float64(q.Z)} }
	force := func(pa, pb, va, vb [3]float64, rb, attraction float64) (f [3]float64) {
		var rel, rv [3]float64
		d, dot := 0.0, 0.0
		for k := range 3 {
			rel[k], rv[k] = pb[k]-pa[k], vb[k]-va[k]
			d += rel[k] * rel[k]
		}
		d = math.Sqrt(d)
		if d >= radius+rb {
			return
		}
		for k := range 3 {
			dot += rv[k] * rel[k] / d
		}
		for k := range 3 {
			nk := rel[k] / d
			f[k] = -0.5*(radius+rb-d)*nk + 0.02*rv[k] + 0.1*(rv[k]-dot*nk) + attraction*rel[k]
		}
		return
	}
	hostVel := make([]float32, 3*n)
	gotVel := make([]float32, 3*n)
	for i := range n {
		f := [3]float64{}
		for j := range n {
			if j != i {
				fj := force(vec(pos[i]), vec(pos[j]), vec(vel[i]), vec(vel[j]), radius, 0.01)
				for k := range 3 {
					f[k] += fj[k]
				}
			}
		}
		fc := force(vec(pos[i]), [3]float64{}, vec(vel[i]), [3]float64{}, 0.2, 0)
		for k := range 3 {
			hostVel[3*i+k] = float32(vec(vel[i])[k] + f[k] + fc[k])
		}
		gotVel[3*i], gotVel[3*i+1], gotVel[3*i+2] = newVel[i].X, newVel[i].Y, newVel[i].Z
	}
	kerneltest.Close32(t, "Emulate vs host velocities", gotVel, hostVel, 1e-4, 1e-5)
	for _, dev := range devices(t) {
		hb, ib := kerneltest.Upload(t, dev, make([]uint32, n)), kerneltest.Upload(t, dev, make([]uint32, n))
		pb, vb := kerneltest.Upload(t, dev, pos), kerneltest.Upload(t, dev, vel)
		launched(t, dev, LaunchCalcHash(dev, g, hb, ib, pb, un, params))
		dHash, dIndex := kerneltest.Read(t, hb), kerneltest.Read(t, ib)
		kerneltest.Equal(t, dev.Backend()+" hashes", dHash, hash)
		kerneltest.Equal(t, dev.Backend()+" indexes", dIndex, index)
		dsHash, dsIndex := sortByHash(dHash, dIndex)
		shb, sib := kerneltest.Upload(t, dev, dsHash), kerneltest.Upload(t, dev, dsIndex)
		csb, ceb := kerneltest.Upload(t, dev, noCell()), kerneltest.Upload(t, dev, make([]uint32, numCells))
		spb, svb := kerneltest.Upload(t, dev, make([]Float4, n)), kerneltest.Upload(t, dev, make([]Float4, n))
		launched(t, dev, LaunchReorderDataAndFindCellStart(dev, g, csb, ceb, spb, svb, shb, sib, pb, vb, un))
		kerneltest.Equal(t, dev.Backend()+" cell starts", kerneltest.Read(t, csb), cellStart)
		kerneltest.Equal(t, dev.Backend()+" cell ends", kerneltest.Read(t, ceb), cellEnd)
		kerneltest.Equal(t, dev.Backend()+" sorted positions", kerneltest.Read(t, spb), sPos)
		nvb := kerneltest.Upload(t, dev, make([]Float4, n))
		launched(t, dev, LaunchCollide(dev, g, nvb, spb, svb, sib, csb, ceb, un, params))
		dv := kerneltest.Read(t, nvb)
		got := make([]float32, 0, 4*n)
		want := make([]float32, 0, 4*n)
		for i := range dv {
			got = append(got, dv[i].X, dv[i].Y, dv[i].Z, dv[i].W)
			want = append(want, newVel[i].X, newVel[i].Y, newVel[i].Z, newVel[i].W)
		}
		kerneltest.Close32(t, dev.Backend()+" Collide", got, want, 1e-5, 1e-6)
	}
}
