package rodinia

import (
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
)

// Every kernel runs on every device and is compared with dc.Emulate;
// pathfinder and needleman-wunsch are also checked against their
// recurrences computed here.

func g1(groups, size int) dc.Grid {
	return dc.Grid{Groups: dc.Dim3{X: groups, Y: 1, Z: 1}, GroupSize: dc.Dim3{X: size, Y: 1, Z: 1}}
}

func TestHotspot(t *testing.T) {
	rows, cols, pyr := 64, 64, 2
	smallBlock := BlockSize - pyr*2
	bc := (cols + smallBlock - 1) / smallBlock
	br := (rows + smallBlock - 1) / smallBlock
	g := dc.Grid{Groups: dc.Dim3{X: bc, Y: br, Z: 1}, GroupSize: dc.Dim3{X: BlockSize, Y: BlockSize, Z: 1}}
	power := kerneltest.Rand32(1, rows*cols, 0, 1)
	temp := kerneltest.Rand32(2, rows*cols, 300, 340)
	want := make([]float32, rows*cols)
	if err := dc.Emulate(g, func(th dc.Thread) {
		Hotspot(th, pyr, power, temp, want, cols, rows, pyr, pyr, 0.5, 1.1, 1.2, 0.3, 0.01)
	}); err != nil {
		t.Fatal(err)
	}
	for _, dev := range kerneltest.Devices(t) {
		out := kerneltest.Upload(t, dev, make([]float32, rows*cols))
		if err := LaunchHotspot(dev, g, pyr, kerneltest.Upload(t, dev, power), kerneltest.Upload(t, dev, temp), out, cols, rows, pyr, pyr, 0.5, 1.1, 1.2, 0.3, 0.01); err != nil {
			t.Fatalf("%s: %v", dev.Backend(), err)
		}
		kerneltest.Close32(t, dev.Backend()+" Hotspot", kerneltest.Read(t, out), want, 1e-5, 1e-4)
	}
}

func TestPathfinder(t *testing.T) {
	rows, cols, pyr := 20, 1000, 4
	wall := kerneltest.RandInts[int32](3, rows*cols, 0, 10)
	smallBlock := PFBlock - pyr*HALO*2
	nb := (cols + smallBlock - 1) / smallBlock
	g := dc.Grid{Groups: dc.Dim3{X: nb, Y: 1, Z: 1}, GroupSize: dc.Dim3{X: PFBlock, Y: 1, Z: 1}}
	run := func(launch func(src, dst []int32, start int) error, wallv []int32) []int32 {
		src := append([]int32(nil), wallv[:cols]...)
		dst := make([]int32, cols)
		for t0 := 0; t0 < rows-1; t0 += pyr {
			if err := launch(src, dst, t0); err != nil {
				t.Fatal(err)
			}
			src, dst = dst, src
		}
		return src
	}
	want := run(func(src, dst []int32, t0 int) error {
		return dc.Emulate(g, func(th dc.Thread) {
			Pathfinder(th, min(pyr, rows-1-t0), wall[cols:], src, dst, cols, rows, t0, pyr)
		})
	}, wall)
	// The recurrence: each row's cost is the cheapest of the three cells
	// above plus the wall.
	host := append([]int32(nil), wall[:cols]...)
	for r := 1; r < rows; r++ {
		next := make([]int32, cols)
		for c := range cols {
			m := host[c]
			if c > 0 {
				m = min(m, host[c-1])
			}
			if c < cols-1 {
				m = min(m, host[c+1])
			}
			next[c] = m + wall[r*cols+c]
		}
		host = next
	}
	kerneltest.Equal(t, "Emulate: Pathfinder", want, host)
	for _, dev := range kerneltest.Devices(t) {
		wb := kerneltest.Upload(t, dev, wall[cols:])
		got := run(func(src, dst []int32, t0 int) error {
			sb, db := kerneltest.Upload(t, dev, src), kerneltest.Upload(t, dev, dst)
			if err := LaunchPathfinder(dev, g, min(pyr, rows-1-t0), wb, sb, db, cols, rows, t0, pyr); err != nil {
				return err
			}
			return db.Read(dst)
		}, wall)
		kerneltest.Equal(t, dev.Backend()+" Pathfinder", got, want)
	}
}

func TestNW1(t *testing.T) {
	n := 4*NWB + 1 // cols = rows
	ref := kerneltest.RandInts[int32](4, n*n, -10, 10)
	mat0 := make([]int32, n*n)
	for i := range n {
		mat0[i*n] = int32(-i * 10)
		mat0[i] = int32(-i * 10)
	}
	blocks := (n - 1) / NWB
	want := append([]int32(nil), mat0...)
	for i := 1; i <= blocks; i++ {
		g := dc.Grid{Groups: dc.Dim3{X: i, Y: 1, Z: 1}, GroupSize: dc.Dim3{X: NWB, Y: 1, Z: 1}}
		if err := dc.Emulate(g, func(th dc.Thread) { NW1(th, ref, want, n, 10, i) }); err != nil {
			t.Fatal(err)
		}
	}
	// The recurrence over the blocks NW1 filled (block row + block column
	// below blocks), from the same borders.
	host := append([]int32(nil), mat0...)
	for r := 1; r < n; r++ {
		for c := 1; c < n; c++ {
			host[r*n+c] = maximum(host[(r-1)*n+c-1]+ref[r*n+c], host[r*n+c-1]-10, host[(r-1)*n+c]-10)
		}
	}
	for r := 1; r < n; r++ {
		for c := 1; c < n; c++ {
			if (r-1)/NWB+(c-1)/NWB < blocks && want[r*n+c] != host[r*n+c] {
				t.Fatalf("Emulate: NW1 score (%d, %d) = %d, the recurrence gives %d", r, c, want[r*n+c], host[r*n+c])
			}
		}
	}
	for _, dev := range kerneltest.Devices(t) {
		rb, mb := kerneltest.Upload(t, dev, ref), kerneltest.Upload(t, dev, mat0)
		for i := 1; i <= blocks; i++ {
			g := dc.Grid{Groups: dc.Dim3{X: i, Y: 1, Z: 1}, GroupSize: dc.Dim3{X: NWB, Y: 1, Z: 1}}
			if err := LaunchNW1(dev, g, rb, mb, n, 10, i); err != nil {
				t.Fatal(err)
			}
		}
		kerneltest.Equal(t, dev.Backend()+" NW1", kerneltest.Read(t, mb), want)
	}
}

func TestLayerForward(t *testing.T) {
	in, hid := 64, 16
	input := kerneltest.Rand32(10, in+1, 0, 1)
	w := kerneltest.Rand32(11, (in+1)*(hid+1), -1, 1)
	g := dc.Grid{Groups: dc.Dim3{X: 1, Y: in / 16, Z: 1}, GroupSize: dc.Dim3{X: 16, Y: 16, Z: 1}}
	ww, wp := append([]float32(nil), w...), make([]float32, in/16*hid)
	if err := dc.Emulate(g, func(th dc.Thread) { LayerForward(th, input, nil, ww, wp, in, hid) }); err != nil {
		t.Fatal(err)
	}
	for _, dev := range kerneltest.Devices(t) {
		wb, pb := kerneltest.Upload(t, dev, w), kerneltest.Upload(t, dev, make([]float32, in/16*hid))
		oh := kerneltest.Upload(t, dev, make([]float32, 1))
		if err := LaunchLayerForward(dev, g, kerneltest.Upload(t, dev, input), oh, wb, pb, in, hid); err != nil {
			t.Fatal(err)
		}
		kerneltest.Close32(t, dev.Backend()+" w", kerneltest.Read(t, wb), ww, 1e-5, 1e-5)
		kerneltest.Close32(t, dev.Backend()+" partial", kerneltest.Read(t, pb), wp, 1e-5, 1e-5)
	}
}

func TestLud(t *testing.T) {
	dim := 48
	m := kerneltest.Rand32(4, dim*dim, 1, 2)
	for i := range dim {
		m[i*dim+i] += float32(dim)
	}
	want := append([]float32(nil), m...)
	if err := dc.Emulate(g1(1, LB), func(th dc.Thread) { LudDiagonal(th, want, dim, 16) }); err != nil {
		t.Fatal(err)
	}
	for _, dev := range kerneltest.Devices(t) {
		mb := kerneltest.Upload(t, dev, m)
		if err := LaunchLudDiagonal(dev, g1(1, LB), mb, dim, 16); err != nil {
			t.Fatal(err)
		}
		kerneltest.Close32(t, dev.Backend()+" Lud", kerneltest.Read(t, mb), want, 1e-5, 1e-5)
	}
}

func TestGaussian(t *testing.T) {
	size := 37
	a := kerneltest.Rand32(5, size*size, -1, 1)
	for i := range size {
		a[i*size+i] += 10
	}
	b := kerneltest.Rand32(6, size, -1, 1)
	run := func(fan1 func(tt int) error, fan2 func(tt int) error) {
		for tt := 0; tt < size-1; tt++ {
			if err := fan1(tt); err != nil {
				t.Fatal(err)
			}
			if err := fan2(tt); err != nil {
				t.Fatal(err)
			}
		}
	}
	ga, gb := dc.Grid1D(size).WithGroupSize(16, 1, 1), dc.Grid2D(size, size).WithGroupSize(4, 4, 1)
	wa, wb, wm := append([]float32(nil), a...), append([]float32(nil), b...), make([]float32, size*size)
	run(func(tt int) error { return dc.Emulate(ga, func(th dc.Thread) { Fan1(th, wm, wa, size, tt) }) },
		func(tt int) error {
			return dc.Emulate(gb, func(th dc.Thread) { Fan2(th, wm, wa, wb, size, size-tt, tt) })
		})
	for _, dev := range kerneltest.Devices(t) {
		ab, bb, mb := kerneltest.Upload(t, dev, a), kerneltest.Upload(t, dev, b), kerneltest.Upload(t, dev, make([]float32, size*size))
		run(func(tt int) error { return LaunchFan1(dev, ga, mb, ab, size, tt) },
			func(tt int) error { return LaunchFan2(dev, gb, mb, ab, bb, size, size-tt, tt) })
		kerneltest.Close32(t, dev.Backend()+" a", kerneltest.Read(t, ab), wa, 1e-4, 1e-4)
		kerneltest.Close32(t, dev.Backend()+" b", kerneltest.Read(t, bb), wb, 1e-4, 1e-4)
	}
}

func TestKmeans(t *testing.T) {
	np, nf, nc := 1000, 8, 5
	f := kerneltest.Rand32(7, np*nf, 0, 1)
	c := kerneltest.Rand32(8, nc*nf, 0, 1)
	g := dc.Grid1D(np)
	want := make([]int32, np)
	if err := dc.Emulate(g, func(th dc.Thread) { KmeansPoint(th, f, nf, np, nc, want, c) }); err != nil {
		t.Fatal(err)
	}
	for _, dev := range kerneltest.Devices(t) {
		mb := kerneltest.Upload(t, dev, make([]int32, np))
		if err := LaunchKmeansPoint(dev, g, kerneltest.Upload(t, dev, f), nf, np, nc, mb, kerneltest.Upload(t, dev, c)); err != nil {
			t.Fatal(err)
		}
		kerneltest.Equal(t, dev.Backend()+" kmeans", kerneltest.Read(t, mb), want)
	}
}
