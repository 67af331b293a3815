package ports

import (
	"math"
	"slices"
	"strings"
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

func TestConvolutionSeparable(t *testing.T) {
	w, h := 2*RowsResultSteps*RowsBlockX, 2*ColsResultSteps*ColsBlockY // 256×128
	src := kerneltest.Rand32(1, w*h, -1, 1)
	var k Coeffs
	for i := range k.C {
		k.C[i] = float32(i%5+1) / 16
	}
	gr := grid(w/(RowsResultSteps*RowsBlockX), h/RowsBlockY, RowsBlockX, RowsBlockY)
	gc := grid(w/ColsBlockX, h/(ColsResultSteps*ColsBlockY), ColsBlockX, ColsBlockY)
	rows, cols := make([]float32, w*h), make([]float32, w*h)
	emulate(t, gr, func(th dc.Thread) { ConvolutionRows(th, rows, src, k, w, h, w) })
	emulate(t, gc, func(th dc.Thread) { ConvolutionColumns(th, cols, rows, k, w, h, w) })
	// Host: the separable convolution with zero outside the image.
	at := func(img []float32, x, y int) float64 {
		if x < 0 || x >= w || y < 0 || y >= h {
			return 0
		}
		return float64(img[y*w+x])
	}
	hr, hc := make([]float32, w*h), make([]float32, w*h)
	for y := range h {
		for x := range w {
			s := 0.0
			for d := -KernelRadius; d <= KernelRadius; d++ {
				s += float64(k.C[KernelRadius-d]) * at(src, x+d, y)
			}
			hr[y*w+x] = float32(s)
		}
	}
	for y := range h {
		for x := range w {
			s := 0.0
			for d := -KernelRadius; d <= KernelRadius; d++ {
				s += float64(k.C[KernelRadius-d]) * at(hr, x, y+d)
			}
			hc[y*w+x] = float32(s)
		}
	}
	kerneltest.Close32(t, "Emulate: rows vs host", rows, hr, 1e-5, 1e-5)
	kerneltest.Close32(t, "Emulate: columns vs host", cols, hc, 1e-5, 1e-5)
	for _, dev := range devices(t) {
		sb, rb, cb := kerneltest.Upload(t, dev, src), kerneltest.Upload(t, dev, make([]float32, w*h)), kerneltest.Upload(t, dev, make([]float32, w*h))
		launched(t, dev, LaunchConvolutionRows(dev, gr, rb, sb, k, w, h, w))
		launched(t, dev, LaunchConvolutionColumns(dev, gc, cb, rb, k, w, h, w))
		kerneltest.Close32(t, dev.Backend()+" rows", kerneltest.Read(t, rb), rows, 1e-6, 1e-6)
		kerneltest.Close32(t, dev.Backend()+" columns", kerneltest.Read(t, cb), cols, 1e-6, 1e-6)
	}
}

func TestScalarProd(t *testing.T) {
	vectorN, elementN := 7, 2500 // elementN not a multiple of AccumN
	a := kerneltest.Rand32(2, vectorN*elementN, -1, 1)
	b := kerneltest.Rand32(3, vectorN*elementN, -1, 1)
	g := grid(3, 1, 128, 1) // fewer groups than vectors: the grid-stride loop runs
	want := make([]float32, vectorN)
	emulate(t, g, func(th dc.Thread) { ScalarProd(th, want, a, b, vectorN, elementN) })
	host := make([]float32, vectorN)
	for v := range vectorN {
		s := 0.0
		for i := v * elementN; i < (v+1)*elementN; i++ {
			s += float64(a[i]) * float64(b[i])
		}
		host[v] = float32(s)
	}
	kerneltest.Close32(t, "Emulate vs host", want, host, 1e-4, 1e-4)
	for _, dev := range devices(t) {
		cb := kerneltest.Upload(t, dev, make([]float32, vectorN))
		launched(t, dev, LaunchScalarProd(dev, g, cb, kerneltest.Upload(t, dev, a), kerneltest.Upload(t, dev, b), vectorN, elementN))
		kerneltest.Close32(t, dev.Backend()+" ScalarProd", kerneltest.Read(t, cb), want, 1e-5, 1e-5)
	}
}

func TestTransposeDiagonal(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{96, 64}, {64, 64}} {
		w, h := sz.w, sz.h
		in := kerneltest.Rand32(4, w*h, -10, 10)
		g := grid(w/TileDim, h/TileDim, TileDim, BlockRows)
		want := make([]float32, w*h)
		emulate(t, g, func(th dc.Thread) { TransposeDiagonal(th, want, in, w, h) })
		host := make([]float32, w*h)
		for y := range h {
			for x := range w {
				host[x*h+y] = in[y*w+x]
			}
		}
		kerneltest.Equal(t, "Emulate vs host", want, host)
		for _, dev := range devices(t) {
			ob := kerneltest.Upload(t, dev, make([]float32, w*h))
			launched(t, dev, LaunchTransposeDiagonal(dev, g, ob, kerneltest.Upload(t, dev, in), w, h))
			kerneltest.Equal(t, dev.Backend()+" TransposeDiagonal", kerneltest.Read(t, ob), want)
		}
	}
}

func TestBinomialOptions(t *testing.T) {
	const r, v = 0.06, 0.10
	n := 5
	s := kerneltest.Rand32(5, n, 5, 30)
	x := kerneltest.Rand32(6, n, 1, 100)
	years := kerneltest.Rand32(7, n, 0.25, 10)
	opts := make([]OptionData, n)
	host := make([]float32, n)
	for i := range n {
		dt := float64(years[i]) / NumSteps
		vDt := v * math.Sqrt(dt)
		rDt := r * dt
		ifac, df := math.Exp(rDt), math.Exp(-rDt)
		u, d := math.Exp(vDt), math.Exp(-vDt)
		pu := (ifac - d) / (u - d)
		pd := 1 - pu
		opts[i] = OptionData{S: s[i], X: x[i], VDt: float32(vDt), PuByDf: float32(pu * df), PdByDf: float32(pd * df)}
		// Host: the tree in float64, leaves S·u^k·d^(N-k).
		vals := make([]float64, NumSteps+1)
		for k := range vals {
			vals[k] = max(0, float64(s[i])*math.Pow(u, float64(k))*math.Pow(d, float64(NumSteps-k))-float64(x[i]))
		}
		for step := NumSteps; step > 0; step-- {
			for k := 0; k < step; k++ {
				vals[k] = pu*df*vals[k+1] + pd*df*vals[k]
			}
		}
		host[i] = float32(vals[0])
	}
	g := grid(n, 1, BinomialBlock, 1)
	want := make([]float32, n)
	emulate(t, g, func(th dc.Thread) { BinomialOptions(th, want, opts) })
	kerneltest.Close32(t, "Emulate vs host", want, host, 1e-3, 1e-3)
	for _, dev := range devices(t) {
		cb := kerneltest.Upload(t, dev, make([]float32, n))
		launched(t, dev, LaunchBinomialOptions(dev, g, cb, kerneltest.Upload(t, dev, opts)))
		kerneltest.Close32(t, dev.Backend()+" BinomialOptions", kerneltest.Read(t, cb), want, 1e-4, 1e-4)
	}
}

func TestFiniteDifferences(t *testing.T) {
	dimx, dimy, dimz := 64, 20, 6 // dimy leaves the last row of groups partial
	sx, sy, sz := dimx+2*Radius, dimy+2*Radius, dimz+2*Radius
	in := kerneltest.Rand32(8, sx*sy*sz, -1, 1)
	st := Stencil{C: [Radius + 1]float32{-3, 0.5, 0.25, 0.125, 0.0625}}
	g := grid(dimx/FDBlockX, (dimy+7)/8, FDBlockX, 8)
	want := make([]float32, len(in))
	emulate(t, g, func(th dc.Thread) { FiniteDifferences(th, want, in, dimx, dimy, dimz, st) })
	host := make([]float32, len(in))
	at := func(x, y, z int) float64 { return float64(in[(z*sy+y)*sx+x]) }
	for z := Radius; z < dimz+Radius; z++ {
		for y := Radius; y < dimy+Radius; y++ {
			for x := Radius; x < dimx+Radius; x++ {
				v := float64(st.C[0]) * at(x, y, z)
				for r := 1; r <= Radius; r++ {
					v += float64(st.C[r]) * (at(x-r, y, z) + at(x+r, y, z) + at(x, y-r, z) + at(x, y+r, z) + at(x, y, z-r) + at(x, y, z+r))
				}
				host[(z*sy+y)*sx+x] = float32(v)
			}
		}
	}
	kerneltest.Close32(t, "Emulate vs host", want, host, 1e-5, 1e-5)
	for _, dev := range devices(t) {
		ob := kerneltest.Upload(t, dev, make([]float32, len(in)))
		launched(t, dev, LaunchFiniteDifferences(dev, g, ob, kerneltest.Upload(t, dev, in), dimx, dimy, dimz, st))
		kerneltest.Close32(t, dev.Backend()+" FiniteDifferences", kerneltest.Read(t, ob), want, 1e-6, 1e-6)
	}
}

func TestDCT8x8(t *testing.T) {
	bw, bh := 5, 3
	w, h := bw*DCTBlock, bh*DCTBlock
	src := kerneltest.Rand32(9, w*h, 0, 255)
	c := func(u int) float64 {
		if u == 0 {
			return math.Sqrt(1.0 / DCTBlock)
		}
		return math.Sqrt(2.0 / DCTBlock)
	}
	var m DCTMatrix // m[x][u] = c(u)·cos((2x+1)uπ/16): column u is basis u
	for x := range DCTBlock {
		for u := range DCTBlock {
			m.M[x*DCTBlock+u] = float32(c(u) * math.Cos(float64((2*x+1)*u)*math.Pi/(2*DCTBlock)))
		}
	}
	g := grid(bw, bh, DCTBlock, DCTBlock)
	want := make([]float32, w*h)
	emulate(t, g, func(th dc.Thread) { DCT8x8(th, want, src, w, 0, 0, m) })
	// Host: the DCT-II formula of each block.
	host := make([]float32, w*h)
	for by := range bh {
		for bx := range bw {
			for u := range DCTBlock {
				for v := range DCTBlock {
					s := 0.0
					for y := range DCTBlock {
						for x := range DCTBlock {
							s += float64(src[(by*DCTBlock+y)*w+bx*DCTBlock+x]) *
								math.Cos(float64((2*y+1)*u)*math.Pi/16) * math.Cos(float64((2*x+1)*v)*math.Pi/16)
						}
					}
					host[(by*DCTBlock+u)*w+bx*DCTBlock+v] = float32(c(u) * c(v) * s)
				}
			}
		}
	}
	kerneltest.Close32(t, "Emulate vs host", want, host, 1e-4, 2e-3)
	// The offsets shift the blocks: groups 0..bw-2 with offsetX 1 redo
	// the blocks 1..bw-1.
	g2 := grid(bw-1, bh, DCTBlock, DCTBlock)
	want2 := make([]float32, w*h)
	emulate(t, g2, func(th dc.Thread) { DCT8x8(th, want2, src, w, 1, 0, m) })
	for y := range h {
		for x := DCTBlock; x < w; x++ {
			if want2[y*w+x] != want[y*w+x] {
				t.Fatalf("Emulate: offset DCT differs at (%d, %d)", x, y)
			}
		}
	}
	for _, dev := range devices(t) {
		sb := kerneltest.Upload(t, dev, src)
		ob := kerneltest.Upload(t, dev, make([]float32, w*h))
		launched(t, dev, LaunchDCT8x8(dev, g, ob, sb, w, 0, 0, m))
		kerneltest.Close32(t, dev.Backend()+" DCT8x8", kerneltest.Read(t, ob), want, 1e-5, 1e-4)
		ob2 := kerneltest.Upload(t, dev, make([]float32, w*h))
		launched(t, dev, LaunchDCT8x8(dev, g2, ob2, sb, w, 1, 0, m))
		kerneltest.Close32(t, dev.Backend()+" DCT8x8 offset", kerneltest.Read(t, ob2), want2, 1e-5, 1e-4)
	}
}

// exclusive returns the exclusive prefix sums of in.
func exclusive(in []float32) []float32 {
	out := make([]float32, len(in))
	var s float32
	for i, v := range in {
		out[i] = s
		s += v
	}
	return out
}

func TestScanNaive(t *testing.T) {
	for _, n := range []int{256, 100} {
		in := make([]float32, n)
		for i, v := range kerneltest.RandInts[int32](10, n, -50, 50) {
			in[i] = float32(v) // exact sums
		}
		g := grid(1, 1, n, 1)
		want := make([]float32, n)
		emulate(t, g, func(th dc.Thread) { ScanNaive(th, want, in, n) })
		kerneltest.Equal(t, "Emulate vs host", want, exclusive(in))
		for _, dev := range devices(t) {
			ob := kerneltest.Upload(t, dev, make([]float32, n))
			launched(t, dev, LaunchScanNaive(dev, g, ob, kerneltest.Upload(t, dev, in), n))
			kerneltest.Equal(t, dev.Backend()+" ScanNaive", kerneltest.Read(t, ob), want)
		}
	}
}

func TestScanBlelloch(t *testing.T) {
	for _, c := range []struct{ n, length int }{{256, 1000}, {ScanMax, 2 * ScanMax}, {8, 21}} {
		n, length := c.n, c.length
		in := make([]float32, length)
		for i, v := range kerneltest.RandInts[int32](11, length, -50, 50) {
			in[i] = float32(v)
		}
		blocks := (length + n - 1) / n
		g := grid(blocks, 1, n/2, 1)
		want, wsums := make([]float32, length), make([]float32, blocks)
		emulate(t, g, func(th dc.Thread) { ScanBlelloch(th, want, in, wsums, n, length) })
		host, hsums := make([]float32, length), make([]float32, blocks)
		for b := 0; b < length; b += n {
			e := min(b+n, length)
			copy(host[b:e], exclusive(in[b:e]))
			for _, v := range in[b:e] {
				hsums[b/n] += v
			}
		}
		kerneltest.Equal(t, "Emulate vs host", want, host)
		kerneltest.Equal(t, "Emulate vs host: sums", wsums, hsums)
		for _, dev := range devices(t) {
			ob, sb := kerneltest.Upload(t, dev, make([]float32, length)), kerneltest.Upload(t, dev, make([]float32, blocks))
			launched(t, dev, LaunchScanBlelloch(dev, g, ob, kerneltest.Upload(t, dev, in), sb, n, length))
			kerneltest.Equal(t, dev.Backend()+" ScanBlelloch", kerneltest.Read(t, ob), want)
			kerneltest.Equal(t, dev.Backend()+" ScanBlelloch sums", kerneltest.Read(t, sb), wsums)
		}
	}
}

func TestSrad(t *testing.T) {
	rows, cols := 3*SradBlock, 2*SradBlock
	j0 := kerneltest.Rand32(12, rows*cols, 1, 2)
	const lambda, q0sqr = 0.5, 0.05
	g := grid(cols/SradBlock, rows/SradBlock, SradBlock, SradBlock)
	n := rows * cols
	wj := append([]float32(nil), j0...)
	wc, we, ww, wn, ws := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	emulate(t, g, func(th dc.Thread) { Srad1(th, we, ww, wn, ws, wj, wc, cols, rows, q0sqr) })
	emulate(t, g, func(th dc.Thread) { Srad2(th, we, ww, wn, ws, wj, wc, cols, rows, lambda, q0sqr) })
	// Host: one srad step with the border replicated.
	at := func(a []float32, r, c int) float64 {
		r = min(max(r, 0), rows-1)
		c = min(max(c, 0), cols-1)
		return float64(a[r*cols+c])
	}
	hc, hn, hs, hw, he := make([]float32, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for r := range rows {
		for c := range cols {
			i := r*cols + c
			jc := at(j0, r, c)
			hn[i], hs[i] = at(j0, r-1, c)-jc, at(j0, r+1, c)-jc
			hw[i], he[i] = at(j0, r, c-1)-jc, at(j0, r, c+1)-jc
			g2 := (hn[i]*hn[i] + hs[i]*hs[i] + hw[i]*hw[i] + he[i]*he[i]) / (jc * jc)
			l := (hn[i] + hs[i] + hw[i] + he[i]) / jc
			num := 0.5*g2 - l*l/16
			den := 1 + 0.25*l
			qsqr := num / (den * den)
			den = (qsqr - q0sqr) / (q0sqr * (1 + q0sqr))
			hc[i] = float32(min(max(1/(1+den), 0), 1))
		}
	}
	hj := make([]float32, n)
	for r := range rows {
		for c := range cols {
			i := r*cols + c
			cc := at(hc, r, c)
			d := cc*hn[i] + at(hc, r+1, c)*hs[i] + cc*hw[i] + at(hc, r, c+1)*he[i]
			hj[i] = float32(at(j0, r, c) + 0.25*lambda*d)
		}
	}
	kerneltest.Close32(t, "Emulate vs host: c", wc, hc, 1e-4, 1e-4)
	kerneltest.Close32(t, "Emulate vs host: j", wj, hj, 1e-5, 1e-5)
	for _, dev := range devices(t) {
		bs := make([]*runtime.Buffer[float32], 5)
		for i := range bs {
			bs[i] = kerneltest.Upload(t, dev, make([]float32, n))
		}
		jb := kerneltest.Upload(t, dev, j0)
		launched(t, dev, LaunchSrad1(dev, g, bs[0], bs[1], bs[2], bs[3], jb, bs[4], cols, rows, q0sqr))
		launched(t, dev, LaunchSrad2(dev, g, bs[0], bs[1], bs[2], bs[3], jb, bs[4], cols, rows, lambda, q0sqr))
		kerneltest.Close32(t, dev.Backend()+" Srad c", kerneltest.Read(t, bs[4]), wc, 1e-5, 1e-5)
		kerneltest.Close32(t, dev.Backend()+" Srad n", kerneltest.Read(t, bs[2]), wn, 1e-6, 1e-6)
		kerneltest.Close32(t, dev.Backend()+" Srad j", kerneltest.Read(t, jb), wj, 1e-6, 1e-6)
	}
}

// eliminate runs the steps k0..k1-1 of right-looking Gaussian elimination
// without pivoting on the dim×dim matrix a, leaving L (unit diagonal,
// below) and U (on and above) in place.
func eliminate(a []float64, dim, k0, k1 int) {
	for k := k0; k < k1; k++ {
		for i := k + 1; i < dim; i++ {
			a[i*dim+k] /= a[k*dim+k]
			for j := k + 1; j < dim; j++ {
				a[i*dim+j] -= a[i*dim+k] * a[k*dim+j]
			}
		}
	}
}

func TestLud(t *testing.T) {
	dim := 4 * LudBlock
	a := make([]float64, dim*dim)
	for i, v := range kerneltest.Rand32(13, dim*dim, -1, 1) {
		a[i] = float64(v)
	}
	for i := range dim {
		a[i*dim+i] += float64(dim)
	}
	for _, offset := range []int{0, LudBlock} {
		// Input: the state after offset steps with its diagonal block
		// factorised; expected: the state after offset+LudBlock steps.
		before := append([]float64(nil), a...)
		eliminate(before, dim, 0, offset)
		after := append([]float64(nil), before...)
		eliminate(after, dim, offset, offset+LudBlock)
		m := make([]float32, dim*dim)
		for i := range m {
			m[i] = float32(before[i])
		}
		for r := offset; r < offset+LudBlock; r++ {
			for c := offset; c < offset+LudBlock; c++ {
				m[r*dim+c] = float32(after[r*dim+c])
			}
		}
		host := make([]float32, dim*dim)
		for i := range host {
			host[i] = float32(after[i])
		}
		blocks := (dim-offset)/LudBlock - 1
		gp := grid(blocks, 1, 2*LudBlock, 1)
		gi := grid(blocks, blocks, LudBlock, LudBlock)
		want := append([]float32(nil), m...)
		emulate(t, gp, func(th dc.Thread) { LudPerimeter(th, want, dim, offset) })
		emulate(t, gi, func(th dc.Thread) { LudInternal(th, want, dim, offset) })
		kerneltest.Close32(t, "Emulate vs host", want, host, 1e-4, 1e-5)
		for _, dev := range devices(t) {
			mb := kerneltest.Upload(t, dev, m)
			launched(t, dev, LaunchLudPerimeter(dev, gp, mb, dim, offset))
			launched(t, dev, LaunchLudInternal(dev, gi, mb, dim, offset))
			kerneltest.Close32(t, dev.Backend()+" Lud", kerneltest.Read(t, mb), want, 1e-5, 1e-6)
		}
	}
}

func TestLavaMD(t *testing.T) {
	const b1 = 2
	nb := b1 * b1 * b1
	boxes := make([]Box, nb)
	id := func(x, y, z int) int { return (z*b1+y)*b1 + x }
	for z := range b1 {
		for y := range b1 {
			for x := range b1 {
				b := &boxes[id(x, y, z)]
				b.X, b.Y, b.Z, b.Number = int32(x), int32(y), int32(z), int32(id(x, y, z))
				b.Offset = int64(id(x, y, z) * ParPerBox)
				for dz := -1; dz <= 1; dz++ {
					for dy := -1; dy <= 1; dy++ {
						for dx := -1; dx <= 1; dx++ {
							nx, ny, nz := x+dx, y+dy, z+dz
							if (dx == 0 && dy == 0 && dz == 0) || nx < 0 || ny < 0 || nz < 0 || nx >= b1 || ny >= b1 || nz >= b1 {
								continue
							}
							nid := id(nx, ny, nz)
							b.Nei[b.NN] = Neighbor{X: int32(nx), Y: int32(ny), Z: int32(nz), Number: int32(nid), Offset: int64(nid * ParPerBox)}
							b.NN++
						}
					}
				}
			}
		}
	}
	np := nb * ParPerBox
	rnd := kerneltest.Rand64(14, 4*np, 0.1, 1)
	rv := make([]FourVector, np)
	for i := range rv {
		rv[i] = FourVector{V: rnd[4*i], X: rnd[4*i+1], Y: rnd[4*i+2], Z: rnd[4*i+3]}
	}
	qv := kerneltest.Rand64(15, np, 0.1, 1)
	par := Par{Alpha: 0.5}
	dim := Dim{Boxes1D: b1, NumberBoxes: int64(nb), SpaceElem: int64(np)}
	g := grid(nb, 1, LavaThreads, 1)
	want := make([]FourVector, np)
	emulate(t, g, func(th dc.Thread) { LavaMD(th, par, dim, boxes, rv, qv, want) })
	// Host: every particle against every particle of its box and the
	// neighbouring boxes.
	a2 := 2 * par.Alpha * par.Alpha
	for bi, b := range boxes {
		others := []int{bi}
		for k := range int(b.NN) {
			others = append(others, int(b.Nei[k].Number))
		}
		for i := bi * ParPerBox; i < (bi+1)*ParPerBox; i++ {
			var f FourVector
			for _, o := range others {
				for j := o * ParPerBox; j < (o+1)*ParPerBox; j++ {
					ri, rj := rv[i], rv[j]
					r2 := ri.V + rj.V - (ri.X*rj.X + ri.Y*rj.Y + ri.Z*rj.Z)
					vij := math.Exp(-a2 * r2)
					f.V += qv[j] * vij
					f.X += qv[j] * 2 * vij * (ri.X - rj.X)
					f.Y += qv[j] * 2 * vij * (ri.Y - rj.Y)
					f.Z += qv[j] * 2 * vij * (ri.Z - rj.Z)
				}
			}
			w := want[i]
			for c, p := range [][2]float64{{w.V, f.V}, {w.X, f.X}, {w.Y, f.Y}, {w.Z, f.Z}} {
				if math.Abs(p[0]-p[1]) > 1e-9*max(1, math.Abs(p[1])) {
					t.Fatalf("Emulate vs host: particle %d component %d = %g, want %g", i, c, p[0], p[1])
				}
			}
		}
	}
	flat := func(fs []FourVector) []float64 {
		out := make([]float64, 0, 4*len(fs))
		for _, f := range fs {
			out = append(out, f.V, f.X, f.Y, f.Z)
		}
		return out
	}
	for _, dev := range devices(t) {
		fb := kerneltest.Upload(t, dev, make([]FourVector, np))
		err := LaunchLavaMD(dev, g, par, dim, kerneltest.Upload(t, dev, boxes), kerneltest.Upload(t, dev, rv), kerneltest.Upload(t, dev, qv), fb)
		if kerneltest.CannotRun(t, dev, err) {
			continue
		}
		launched(t, dev, err)
		kerneltest.Close64(t, dev.Backend()+" LavaMD", flat(kerneltest.Read(t, fb)), flat(want), 1e-12, 1e-12)
	}
}

// checkSortedBlocks checks that each SortShared block of (gk, gv) holds
// the block's keys of (keys, vals) sorted as dir says, each key with its
// value.
func checkSortedBlocks(t *testing.T, name string, gk, gv, keys, vals []uint32, dir bool) {
	t.Helper()
	for b := 0; b < len(keys); b += SortShared {
		want := append([]uint32(nil), keys[b:b+SortShared]...)
		slices.Sort(want)
		if !dir {
			slices.Reverse(want)
		}
		if !kerneltest.Equal(t, name+": keys", gk[b:b+SortShared], want) {
			return
		}
		for i := b; i < b+SortShared; i++ {
			if keys[gv[i]] != gk[i] || vals[gv[i]] != gv[i] {
				t.Fatalf("%s: key %d lost its value", name, i)
			}
		}
	}
}

func TestMergeSortShared(t *testing.T) {
	n := 3 * SortShared
	keys := kerneltest.RandInts[uint32](16, n, 0, 1000) // repeated keys: the searches' ties
	vals := make([]uint32, n)
	for i := range vals {
		vals[i] = uint32(i)
	}
	g := grid(n/SortShared, 1, SortShared/2, 1)
	for _, dir := range []bool{true, false} {
		wk, wv := make([]uint32, n), make([]uint32, n)
		emulate(t, g, func(th dc.Thread) { MergeSortShared(th, wk, wv, keys, vals, SortShared, dir) })
		checkSortedBlocks(t, "Emulate", wk, wv, keys, vals, dir)
		for _, dev := range devices(t) {
			dk, dv := kerneltest.Upload(t, dev, make([]uint32, n)), kerneltest.Upload(t, dev, make([]uint32, n))
			launched(t, dev, LaunchMergeSortShared(dev, g, dk, dv, kerneltest.Upload(t, dev, keys), kerneltest.Upload(t, dev, vals), SortShared, dir))
			kerneltest.Equal(t, dev.Backend()+" MergeSortShared keys", kerneltest.Read(t, dk), wk)
			kerneltest.Equal(t, dev.Backend()+" MergeSortShared vals", kerneltest.Read(t, dv), wv)
		}
	}
}

func TestOddEvenMergeSortShared(t *testing.T) {
	n := 2 * SortShared
	keys := kerneltest.RandInts[uint32](17, n, 0, 1<<31)
	vals := make([]uint32, n)
	for i := range vals {
		vals[i] = uint32(i)
	}
	g := grid(n/SortShared, 1, SortShared/2, 1)
	for _, dir := range []uint32{1, 0} {
		wk, wv := make([]uint32, n), make([]uint32, n)
		emulate(t, g, func(th dc.Thread) { OddEvenMergeSortShared(th, wk, wv, keys, vals, SortShared, dir) })
		checkSortedBlocks(t, "Emulate", wk, wv, keys, vals, dir == 1)
		for _, dev := range devices(t) {
			dk, dv := kerneltest.Upload(t, dev, make([]uint32, n)), kerneltest.Upload(t, dev, make([]uint32, n))
			launched(t, dev, LaunchOddEvenMergeSortShared(dev, g, dk, dv, kerneltest.Upload(t, dev, keys), kerneltest.Upload(t, dev, vals), SortShared, dir))
			kerneltest.Equal(t, dev.Backend()+" OddEvenMergeSortShared keys", kerneltest.Read(t, dk), wk)
			kerneltest.Equal(t, dev.Backend()+" OddEvenMergeSortShared vals", kerneltest.Read(t, dv), wv)
		}
	}
}

func TestHistogram256(t *testing.T) {
	count := 10007 // words; not a multiple of the grid
	data := kerneltest.RandInts[uint32](18, count, 0, 1<<31)
	for i := 0; i < count; i += 7 {
		data[i] = 0x05050505 // a hot bin: contended atomics
	}
	groups := 5
	gh := grid(groups, 1, HistBlock, 1)
	gm := grid(BinCount, 1, MergeHistBlock, 1)
	partial, hist := make([]uint32, groups*BinCount), make([]uint32, BinCount)
	emulate(t, gh, func(th dc.Thread) { Histogram256(th, partial, data, uint32(count)) })
	emulate(t, gm, func(th dc.Thread) { MergeHistogram256(th, hist, partial, uint32(groups)) })
	host := make([]uint32, BinCount)
	for _, w := range data {
		for s := 0; s < 32; s += 8 {
			host[w>>s&0xFF]++
		}
	}
	kerneltest.Equal(t, "Emulate vs host", hist, host)
	for _, dev := range devices(t) {
		pb, hb := kerneltest.Upload(t, dev, make([]uint32, groups*BinCount)), kerneltest.Upload(t, dev, make([]uint32, BinCount))
		launched(t, dev, LaunchHistogram256(dev, gh, pb, kerneltest.Upload(t, dev, data), uint32(count)))
		launched(t, dev, LaunchMergeHistogram256(dev, gm, hb, pb, uint32(groups)))
		kerneltest.Equal(t, dev.Backend()+" Histogram256 partial", kerneltest.Read(t, pb), partial)
		kerneltest.Equal(t, dev.Backend()+" Histogram256", kerneltest.Read(t, hb), hist)
	}
}

// btree builds a two-level b+tree of order BTreeOrder over the sorted
// keys: the root (node 0) and its leaves (nodes 1..); unused key slots
// hold math.MaxInt32.
func btree(keys []int32) []KNode {
	leaves := (len(keys) + BTreeOrder - 1) / BTreeOrder
	nodes := make([]KNode, 1+leaves)
	for i := range nodes {
		for k := range nodes[i].Keys {
			nodes[i].Keys[k] = math.MaxInt32
		}
		nodes[i].Location = int32(i)
	}
	for l := range leaves {
		n := &nodes[1+l]
		n.IsLeaf = true
		for k := 0; k < BTreeOrder && l*BTreeOrder+k < len(keys); k++ {
			n.Keys[k] = keys[l*BTreeOrder+k]
			n.Indices[k] = int32(l*BTreeOrder + k)
			n.NumKeys++
		}
		nodes[0].Keys[l] = n.Keys[0]
		nodes[0].Indices[l] = int32(1 + l)
		nodes[0].NumKeys++
	}
	return nodes
}

func TestFindK(t *testing.T) {
	nkeys := 20 * BTreeOrder
	keys := make([]int32, nkeys)
	records := make([]Record, nkeys)
	for i := range keys {
		keys[i] = int32(3*i + 10)
		records[i] = Record{Value: int32(i*i) - 5}
	}
	nodes := btree(keys)
	queries := kerneltest.RandInts[int32](19, 37, 0, int32(3*nkeys+20)) // hits, misses, below and above the range
	nq := len(queries)
	g := grid(nq, 1, BTreeOrder, 1)
	ans0 := make([]Record, nq)
	for i := range ans0 {
		ans0[i].Value = -1
	}
	zeros := make([]int64, nq)
	wantAns := append([]Record(nil), ans0...)
	curr, off := append([]int64(nil), zeros...), append([]int64(nil), zeros...)
	emulate(t, g, func(th dc.Thread) {
		FindK(th, 1, nodes, int64(len(nodes)), records, curr, off, queries, wantAns)
	})
	host := append([]Record(nil), ans0...)
	for q, k := range queries {
		if i, ok := slices.BinarySearch(keys, k); ok {
			host[q] = records[i]
		}
	}
	kerneltest.Equal(t, "Emulate vs host", wantAns, host)
	for _, dev := range devices(t) {
		ab := kerneltest.Upload(t, dev, ans0)
		launched(t, dev, LaunchFindK(dev, g, 1, kerneltest.Upload(t, dev, nodes), int64(len(nodes)), kerneltest.Upload(t, dev, records),
			kerneltest.Upload(t, dev, zeros), kerneltest.Upload(t, dev, zeros), kerneltest.Upload(t, dev, queries), ab))
		kerneltest.Equal(t, dev.Backend()+" FindK", kerneltest.Read(t, ab), wantAns)
	}
}

func TestMatrixMulCUDA(t *testing.T) {
	hA, wA, wB := 3*MMBlock, 2*MMBlock, 4*MMBlock
	a := kerneltest.Rand32(20, hA*wA, -1, 1)
	b := kerneltest.Rand32(21, wA*wB, -1, 1)
	g := grid(wB/MMBlock, hA/MMBlock, MMBlock, MMBlock)
	want := make([]float32, hA*wB)
	emulate(t, g, func(th dc.Thread) { MatrixMulCUDA(th, want, a, b, wA, wB) })
	host := make([]float32, hA*wB)
	for i := range hA {
		for j := range wB {
			s := 0.0
			for k := range wA {
				s += float64(a[i*wA+k]) * float64(b[k*wB+j])
			}
			host[i*wB+j] = float32(s)
		}
	}
	kerneltest.Close32(t, "Emulate vs host", want, host, 1e-5, 1e-5)
	for _, dev := range devices(t) {
		cb := kerneltest.Upload(t, dev, make([]float32, hA*wB))
		launched(t, dev, LaunchMatrixMulCUDA(dev, g, cb, kerneltest.Upload(t, dev, a), kerneltest.Upload(t, dev, b), wA, wB))
		kerneltest.Close32(t, dev.Backend()+" MatrixMulCUDA", kerneltest.Read(t, cb), want, 1e-6, 1e-6)
	}
}

func TestSobol(t *testing.T) {
	nVectors, nDims := 1000, 3 // 1000 points over a grid of 256 threads
	dirs := kerneltest.RandInts[uint32](22, SobolDirections*nDims, 0, math.MaxUint32)
	g := grid(4, nDims, 64, 1)
	want := make([]float32, nVectors*nDims)
	emulate(t, g, func(th dc.Thread) { Sobol(th, nVectors, nDims, dirs, want) })
	// Host: point i of a dimension XORs the direction numbers of the set
	// bits of i's Gray code.
	host := make([]float32, nVectors*nDims)
	for d := range nDims {
		for i := range nVectors {
			gray := uint32(i ^ i>>1)
			x := uint32(0)
			for k := 0; gray != 0; k, gray = k+1, gray>>1 {
				if gray&1 != 0 {
					x ^= dirs[d*SobolDirections+k]
				}
			}
			host[d*nVectors+i] = float32(x) * 2.3283064e-10
		}
	}
	kerneltest.Equal(t, "Emulate vs host", want, host)
	for _, dev := range devices(t) {
		ob := kerneltest.Upload(t, dev, make([]float32, nVectors*nDims))
		launched(t, dev, LaunchSobol(dev, g, nVectors, nDims, kerneltest.Upload(t, dev, dirs), ob))
		kerneltest.Equal(t, dev.Backend()+" Sobol", kerneltest.Read(t, ob), want)
	}
}

func TestSradReduce(t *testing.T) {
	for _, no := range []int{1500, 2 * SradReduceThreads} { // a partial last group, and none
		sums := kerneltest.Rand32(23, no, 0, 1)
		sums2 := kerneltest.Rand32(24, no, 0, 1)
		groups := (no + SradReduceThreads - 1) / SradReduceThreads
		g := grid(groups, 1, SradReduceThreads, 1)
		w1, w2 := append([]float32(nil), sums...), append([]float32(nil), sums2...)
		emulate(t, g, func(th dc.Thread) { SradReduce(th, int64(no), no, 1, w1, w2) })
		for b := range groups {
			h1, h2 := 0.0, 0.0
			for i := b * SradReduceThreads; i < min(no, (b+1)*SradReduceThreads); i++ {
				h1 += float64(sums[i])
				h2 += float64(sums2[i])
			}
			got1, got2 := w1[b*SradReduceThreads], w2[b*SradReduceThreads]
			if math.Abs(float64(got1)-h1) > 1e-3 || math.Abs(float64(got2)-h2) > 1e-3 {
				t.Fatalf("Emulate: group %d sums %g, %g; the host gives %g, %g", b, got1, got2, h1, h2)
			}
		}
		for _, dev := range devices(t) {
			if strings.Contains(dev.Info().Name, "Portable Computing Language") {
				// Optimised, PoCL 3.1 never finishes this kernel, hung on
				// the guarded store after the barrier loop in each arm of
				// the uniform if; with -cl-opt-disable it passes.
				t.Logf("%s: not run: PoCL 3.1 hangs on this kernel", dev)
				continue
			}
			b1, b2 := kerneltest.Upload(t, dev, sums), kerneltest.Upload(t, dev, sums2)
			launched(t, dev, LaunchSradReduce(dev, g, int64(no), no, 1, b1, b2))
			kerneltest.Close32(t, dev.Backend()+" SradReduce sums", kerneltest.Read(t, b1), w1, 1e-5, 1e-5)
			kerneltest.Close32(t, dev.Backend()+" SradReduce sums2", kerneltest.Read(t, b2), w2, 1e-5, 1e-5)
		}
	}
}

func TestBpnnAdjustWeights(t *testing.T) {
	in, hid := 4*BPHeight, BPHeight
	delta := kerneltest.Rand32(25, hid+1, -1, 1)
	ly := kerneltest.Rand32(26, in+1, 0, 1)
	w0 := kerneltest.Rand32(27, (in+1)*(hid+1), -1, 1)
	oldw0 := kerneltest.Rand32(28, (in+1)*(hid+1), -0.1, 0.1)
	g := grid(1, in/BPHeight, BPHeight, BPHeight)
	w, oldw := append([]float32(nil), w0...), append([]float32(nil), oldw0...)
	emulate(t, g, func(th dc.Thread) { BpnnAdjustWeights(th, delta, hid, ly, in, w, oldw) })
	// Host: Rodinia's bpnn_adjust_weights, the bias row with ly[0] = 1.
	hw, hold := append([]float32(nil), w0...), append([]float32(nil), oldw0...)
	lyb := append([]float32{1}, ly[1:]...)
	for j := 1; j <= hid; j++ {
		for k := 0; k <= in; k++ {
			i := k*(hid+1) + j
			dw := float64(BPEta)*float64(delta[j])*float64(lyb[k]) + float64(BPMomentum)*float64(hold[i])
			hw[i] = float32(float64(hw[i]) + dw)
			hold[i] = float32(dw)
		}
	}
	kerneltest.Close32(t, "Emulate vs host: w", w, hw, 1e-5, 1e-6)
	kerneltest.Close32(t, "Emulate vs host: oldw", oldw, hold, 1e-5, 1e-6)
	for _, dev := range devices(t) {
		wb, ob := kerneltest.Upload(t, dev, w0), kerneltest.Upload(t, dev, oldw0)
		launched(t, dev, LaunchBpnnAdjustWeights(dev, g, kerneltest.Upload(t, dev, delta), hid, kerneltest.Upload(t, dev, ly), in, wb, ob))
		kerneltest.Close32(t, dev.Backend()+" BpnnAdjustWeights w", kerneltest.Read(t, wb), w, 1e-6, 1e-6)
		kerneltest.Close32(t, dev.Backend()+" BpnnAdjustWeights oldw", kerneltest.Read(t, ob), oldw, 1e-6, 1e-6)
	}
}

func TestPGain(t *testing.T) {
	num, dim, k := 1000, 5, 4
	coord := kerneltest.Rand32(29, num*dim, 0, 1)
	ps := make([]ClusterPoint, num)
	costs := kerneltest.Rand32(30, num, 0, 1)
	for i := range ps {
		ps[i] = ClusterPoint{Weight: float32(1 + i%3), Assign: int32(i % 7), Cost: costs[i]}
	}
	center := []int32{0, 2, 1, 3, 0, 1, 2}
	x := int64(17)
	g := grid(2, 2, 256, 1) // 1024 threads over a 2-D grid, the last 24 idle
	work0 := make([]float32, num*(k+1))
	work, sw := append([]float32(nil), work0...), make([]bool, num)
	emulate(t, g, func(th dc.Thread) { PGain(th, ps, coord, work, center, sw, num, dim, x, k) })
	hwork, hsw := append([]float32(nil), work0...), make([]bool, num)
	for i := range num {
		c := 0.0
		for d := range dim {
			e := float64(coord[d*num+i]) - float64(coord[d*num+int(x)])
			c += e * e
		}
		c *= float64(ps[i].Weight)
		if c < float64(ps[i].Cost) {
			hsw[i] = true
			hwork[i*(k+1)+k] = float32(c - float64(ps[i].Cost))
		} else {
			hwork[i*(k+1)+int(center[ps[i].Assign])] = float32(float64(ps[i].Cost) - c)
		}
	}
	kerneltest.Close32(t, "Emulate vs host: work", work, hwork, 1e-4, 1e-5)
	kerneltest.Equal(t, "Emulate vs host: switch", sw, hsw)
	for _, dev := range devices(t) {
		wb, sb := kerneltest.Upload(t, dev, work0), kerneltest.Upload(t, dev, make([]bool, num))
		launched(t, dev, LaunchPGain(dev, g, kerneltest.Upload(t, dev, ps), kerneltest.Upload(t, dev, coord), wb, kerneltest.Upload(t, dev, center), sb, num, dim, x, k))
		kerneltest.Close32(t, dev.Backend()+" PGain work", kerneltest.Read(t, wb), work, 1e-6, 1e-6)
		kerneltest.Equal(t, dev.Backend()+" PGain switch", kerneltest.Read(t, sb), sw)
	}
}
