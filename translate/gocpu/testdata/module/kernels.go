// Package kern holds the Go source of the kernels whose IR gocpu's tests
// build by hand (ir_test.go); the generated gen_*.go files beside it are
// compared with dc.Emulate of these functions.
package kern

import (
	"math"

	"github.com/dotcompute/dc"
)

//dc:kernel
func Saxpy(t dc.Thread, a float32, x, y []float32) {
	if i := t.GlobalX(); i < len(y) {
		y[i] = a*x[i] + y[i]
	}
}

//dc:kernel
func Accum(t dc.Thread, x, y []float32, n int) {
	if i := t.GlobalX(); i < len(y) {
		for p := 0; p < n; p++ {
			y[i] += x[i] * float32(p+1)
		}
	}
}

func rowOf(t dc.Thread, w int) int { return t.GlobalY()*w + t.GlobalX() }

//dc:kernel
func Scale2D(t dc.Thread, w, h int, in, out []float32) {
	x := t.GlobalX()
	y := t.GlobalY()
	if x >= w || y >= h {
		return
	}
	i := rowOf(t, w)
	sum := float32(0)
	for k := 0; k < 4; k++ {
		v := in[i] * float32(k)
		if v < 0 {
			out[i] = -1
			return
		}
		sum += v
	}
	out[i] = sum + float32(t.LocalY()*100+t.GroupY()*1000+t.NumGroupsY()*10000+t.GridSizeX()*100000)
}

func tileSum(t dc.Thread, in []float32) float32 {
	sh := dc.Shared[[64]float32](t)
	sh[t.LocalX()] = in[t.GlobalX()]
	t.Barrier()
	s := float32(0)
	for i := 0; i < t.GroupSizeX(); i++ {
		s += sh[i]
	}
	t.Barrier()
	return s
}

//dc:kernel
func BlockSum(t dc.Thread, in, out []float32) {
	acc := dc.Shared[[1]float32](t)
	s := tileSum(t, in)
	if t.LocalX() == 0 {
		acc[0] = s
	}
	t.Barrier()
	out[t.GlobalX()] = acc[0] + s
}

func divmod(a, b int) (int, int) { return a / b, a % b }

//dc:kernel
func Classify(t dc.Thread, xs, out []int32) {
	i := t.GlobalX()
	if i >= len(xs) {
		return
	}
	q, r := divmod(int(xs[i]), 3)
	_, odd := divmod(i, 2)
	var c int32
outer:
	for k := 0; k < 10; k++ {
		switch r {
		case 0:
			c += 1
			break outer
		case 1:
			if q > 5 {
				break
			}
			c += 2
		default:
			c += int32(k)
			if k < 3 {
				continue
			}
			c += 100
			break outer
		}
		c += 1000
	}
	if odd == 1 {
		c = -c
	}
	n := 0
	for j := 0; j < 3; j++ {
		switch {
		case j == r:
			continue
		}
		n++
	}
	out[i] = c + int32(n)
}

//dc:kernel
func Histogram(t dc.Thread, xs, bins []uint32, hi []int32, fsum []float32, flag []int32) {
	i := t.GlobalX()
	if i >= len(xs) {
		return
	}
	b := xs[i] % uint32(len(bins))
	dc.AtomicAdd(&bins[b], 1)
	old := dc.AtomicMax(&hi[0], int32(xs[i]))
	_ = old
	dc.AtomicMin(&hi[1], int32(xs[i]))
	dc.AtomicAdd(&fsum[0], 0.5)
	if dc.AtomicCAS(&flag[0], 0, int32(i)+1) == 0 {
		dc.AtomicAdd(&flag[1], 1)
	}
	dc.AtomicExchange(&flag[2], 7)
}

func mid(a, b Point) Point { return Point{X: (a.X + b.X) / 2, Y: (a.Y + b.Y) / 2} }

//dc:kernel
func Structs(t dc.Thread, pts Points, temps []Celsius, out []float32) {
	i := t.GlobalX()
	if i >= len(pts) {
		return
	}
	p := pts[i]
	p.X = p.X * 2
	q := mid(p, Point{X: 1, Y: -1})
	pts[i] = q
	pts[i].Y = pts[i].Y + 1
	c := temps[i] + 0.5
	temps[i] = c * 2
	n := 0
	for {
		n++
		if n > 3 {
			break
		}
	}
	var s float32
	if p == (Point{}) {
		s = 1
	} else if p.X < 0 {
		s = 2
	} else {
		s = 3
	}
	out[i] = float32(c) + q.X + float32(n) + (s + float32(t.GroupX()*1000+t.LocalX()))
}

//dc:kernel
func Consts(t dc.Thread, n uint, fs []float32, ds []float64, is []int64, us []uint64) {
	if t.GlobalX() != 0 {
		return
	}
	fs[0] = 0.1
	fs[1] = math.MaxFloat32
	fs[2] = math.SmallestNonzeroFloat32
	fs[3] = float32(16777217)
	ds[0] = 0.1
	ds[1] = 1e300
	ds[2] = 5
	ds[3] = math.SmallestNonzeroFloat64
	is[0] = math.MinInt64
	a := int8(100)
	is[1] = int64(a + a)
	s := 1 << n
	is[2] = int64(s)
	m := int8(-128)
	is[3] = int64(-m)
	f := 2.7
	is[4] = int64(int32(f))
	is[5] = int64(int32(-f))
	three := int8(3)
	is[6] = int64(min(three, -4))
	us[0] = math.MaxUint64
	v := 300
	us[1] = uint64(uint8(v))
	m1 := -1
	us[2] = uint64(uint32(m1))
	ok := true
	if ok {
		us[3] = 1
	}
	named := Celsius(-0.25)
	fs[4] = float32(named)
}

//dc:kernel
func Math(t dc.Thread, xs []float32, ds []float64, out32 []float32, out64 []float64, bits []uint32) {
	i := t.GlobalX()
	if i >= len(xs) {
		return
	}
	x := xs[i]
	d := ds[i]
	out32[i] = dc.Sqrt(x) + dc.FMA(x, x, 1) + dc.Pow(x, 2) + min(x, 0.5) + max(x, dc.Abs(x)) + dc.Exp(float32(1))
	out64[i] = math.Sqrt(d) + math.Round(d) + math.Mod(d, 3) + dc.Exp(d) + dc.Rsqrt(d)
	if math.IsNaN(d) || math.IsInf(d, 0) {
		out64[i] = 0
	}
	bits[i] = math.Float32bits(x) ^ uint32(math.Float64bits(d))
	xs[i] = math.Float32frombits(bits[i])
}

//dc:kernel
func Fill3D(t dc.Thread, nx, ny, nz int, out []float32) {
	x, y, z := t.GlobalX(), t.GlobalY(), t.GlobalZ()
	if x >= nx || y >= ny || z >= nz {
		return
	}
	out[(z*1+y*nz)*1+x*ny*nz] = float32(z + t.LocalZ()*10 + t.GroupZ()*100 + t.GroupSizeZ()*1000 +
		t.NumGroupsZ()*10000 + t.GridSizeZ()*100000 + t.GridSizeY()*1000000 + t.LocalX()*10000000 +
		t.GroupSizeY()*100000000)
}
