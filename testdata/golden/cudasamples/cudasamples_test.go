package cudasamples

import (
	"math"
	"sort"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
)

// Every kernel runs on every device and is compared with dc.Emulate; the
// sort, the reduction and the histogram are also checked against plain Go.

func g1(groups, size int) dc.Grid {
	return dc.Grid{Groups: dc.Dim3{X: groups, Y: 1, Z: 1}, GroupSize: dc.Dim3{X: size, Y: 1, Z: 1}}
}

func TestBitonic(t *testing.T) {
	n := SharedSize * 4
	keys := kerneltest.RandInts[uint32](5, n, 0, 1<<30)
	vals := make([]uint32, n)
	for i := range vals {
		vals[i] = uint32(i)
	}
	g := dc.Grid{Groups: dc.Dim3{X: n / SharedSize, Y: 1, Z: 1}, GroupSize: dc.Dim3{X: SharedSize / 2, Y: 1, Z: 1}}
	wk, wv := make([]uint32, n), make([]uint32, n)
	if err := dc.Emulate(g, func(th dc.Thread) { BitonicShared(th, wk, wv, keys, vals, SharedSize, true) }); err != nil {
		t.Fatal(err)
	}
	// Each block sorted by key, each key still paired with its value.
	for b := 0; b < n; b += SharedSize {
		keysB := append([]uint32(nil), keys[b:b+SharedSize]...)
		sort.Slice(keysB, func(i, j int) bool { return keysB[i] < keysB[j] })
		kerneltest.Equal(t, "Emulate: sorted keys", wk[b:b+SharedSize], keysB)
		for i := b; i < b+SharedSize; i++ {
			if keys[wv[i]] != wk[i] {
				t.Fatalf("Emulate: key %d lost its value", i)
			}
		}
	}
	for _, dev := range kerneltest.Devices(t) {
		dk, dv := kerneltest.Upload(t, dev, make([]uint32, n)), kerneltest.Upload(t, dev, make([]uint32, n))
		if err := LaunchBitonicShared(dev, g, dk, dv, kerneltest.Upload(t, dev, keys), kerneltest.Upload(t, dev, vals), SharedSize, true); err != nil {
			t.Fatal(err)
		}
		kerneltest.Equal(t, dev.Backend()+" keys", kerneltest.Read(t, dk), wk)
		kerneltest.Equal(t, dev.Backend()+" vals", kerneltest.Read(t, dv), wv)
	}
}

func TestBlackScholes(t *testing.T) {
	n := 10000
	s := kerneltest.Rand32(6, n, 5, 30)
	x := kerneltest.Rand32(7, n, 1, 100)
	tt := kerneltest.Rand32(8, n, 0.25, 10)
	g := dc.Grid1D(1024)
	wc, wp := make([]float32, n), make([]float32, n)
	if err := dc.Emulate(g, func(th dc.Thread) { BlackScholes(th, wc, wp, s, x, tt, 0.02, 0.3, n) }); err != nil {
		t.Fatal(err)
	}
	for _, dev := range kerneltest.Devices(t) {
		c, p := kerneltest.Upload(t, dev, make([]float32, n)), kerneltest.Upload(t, dev, make([]float32, n))
		if err := LaunchBlackScholes(dev, g, c, p, kerneltest.Upload(t, dev, s), kerneltest.Upload(t, dev, x), kerneltest.Upload(t, dev, tt), 0.02, 0.3, n); err != nil {
			t.Fatal(err)
		}
		kerneltest.Close32(t, dev.Backend()+" call", kerneltest.Read(t, c), wc, 1e-4, 1e-4)
		kerneltest.Close32(t, dev.Backend()+" put", kerneltest.Read(t, p), wp, 1e-4, 1e-4)
	}
}

func TestReduce6(t *testing.T) {
	for _, n := range []int{1 << 16, 100000} {
		in := kerneltest.Rand32(1, n, -1, 1)
		g := g1(64, RBlock)
		want := make([]float32, 64)
		pow2 := n&(n-1) == 0
		if err := dc.Emulate(g, func(th dc.Thread) { Reduce6(th, in, want, uint32(n), pow2) }); err != nil {
			t.Fatal(err)
		}
		var sum, got float64
		for _, v := range in {
			sum += float64(v)
		}
		for _, v := range want {
			got += float64(v)
		}
		if math.Abs(got-sum) > 1e-3 {
			t.Errorf("Emulate: Reduce6 partial sums add to %v, want %v", got, sum)
		}
		for _, dev := range kerneltest.Devices(t) {
			out := kerneltest.Upload(t, dev, make([]float32, 64))
			if err := LaunchReduce6(dev, g, kerneltest.Upload(t, dev, in), out, uint32(n), pow2); err != nil {
				t.Fatal(err)
			}
			kerneltest.Close32(t, dev.Backend()+" Reduce6", kerneltest.Read(t, out), want, 1e-5, 1e-5)
		}
	}
}

func TestFWT(t *testing.T) {
	n := 1 << LogN
	in := kerneltest.Rand32(2, 8*n, -1, 1)
	g := g1(8, n/4)
	want := make([]float32, 8*n)
	if err := dc.Emulate(g, func(th dc.Thread) { FWTBatch1(th, want, in, LogN) }); err != nil {
		t.Fatal(err)
	}
	for _, dev := range kerneltest.Devices(t) {
		out := kerneltest.Upload(t, dev, make([]float32, 8*n))
		if err := LaunchFWTBatch1(dev, g, out, kerneltest.Upload(t, dev, in), LogN); err != nil {
			t.Fatal(err)
		}
		kerneltest.Close32(t, dev.Backend()+" FWT", kerneltest.Read(t, out), want, 1e-5, 1e-5)
	}
}

func TestHistogram64(t *testing.T) {
	n := 20000
	data := kerneltest.RandInts[uint32](3, n, 0, 1<<31)
	groups := 8
	g := g1(groups, H64Threads)
	want := make([]uint32, groups*H64Bins)
	if err := dc.Emulate(g, func(th dc.Thread) { Histogram64(th, want, data, n) }); err != nil {
		t.Fatal(err)
	}
	host := make([]uint32, H64Bins)
	for _, d := range data {
		for _, sh := range []uint{2, 10, 18, 26} {
			host[(d>>sh)&0x3F]++
		}
	}
	merged := make([]uint32, H64Bins)
	for g := range groups {
		for b := range H64Bins {
			merged[b] += want[g*H64Bins+b]
		}
	}
	kerneltest.Equal(t, "Emulate: Histogram64 merged", merged, host)
	for _, dev := range kerneltest.Devices(t) {
		out := kerneltest.Upload(t, dev, make([]uint32, groups*H64Bins))
		if err := LaunchHistogram64(dev, g, out, kerneltest.Upload(t, dev, data), n); err != nil {
			t.Fatal(err)
		}
		kerneltest.Equal(t, dev.Backend()+" Histogram64", kerneltest.Read(t, out), want)
	}
}

func TestNBody(t *testing.T) {
	n := 300
	pos := make([]Float4, n)
	r := kerneltest.Rand32(9, 4*n, -5, 5)
	for i := range pos {
		pos[i] = Float4{r[4*i], r[4*i+1], r[4*i+2], 1 + r[4*i+3]*0.1}
	}
	g := dc.Grid1D(n).WithGroupSize(128, 1, 1)
	want := make([]Float4, n)
	if err := dc.Emulate(g, func(th dc.Thread) { NBodyTile(th, pos, want, n) }); err != nil {
		t.Fatal(err)
	}
	for _, dev := range kerneltest.Devices(t) {
		ab := kerneltest.Upload(t, dev, make([]Float4, n))
		if err := LaunchNBodyTile(dev, g, kerneltest.Upload(t, dev, pos), ab, n); err != nil {
			t.Fatal(err)
		}
		got := kerneltest.Read(t, ab)
		gf, wf := make([]float32, 0, 4*n), make([]float32, 0, 4*n)
		for i := range got {
			gf = append(gf, got[i].X, got[i].Y, got[i].Z, got[i].W)
			wf = append(wf, want[i].X, want[i].Y, want[i].Z, want[i].W)
		}
		kerneltest.Close32(t, dev.Backend()+" nbody", gf, wf, 1e-3, 1e-3)
	}
}
