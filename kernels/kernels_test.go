package kernels_test

import (
	"fmt"
	"math"
	"math/big"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/kernels"
	"github.com/dotcompute/dc/runtime"
)

// u32 and u64 are the unit roundoffs of float32 and float64: one
// round-to-nearest has a relative error of at most u.
var (
	u32 = math.Ldexp(1, -24)
	u64 = math.Ldexp(1, -53)
)

// buffer copies xs to dev, failing the test on error.
func buffer[T any](t *testing.T, dev *runtime.Device, xs []T) *runtime.Buffer[T] {
	t.Helper()
	b, err := runtime.BufferOf(dev, xs)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// read copies b back, failing the test on error.
func read[T any](t *testing.T, b *runtime.Buffer[T]) []T {
	t.Helper()
	xs := make([]T, b.Len())
	if err := b.Read(xs); err != nil {
		t.Fatal(err)
	}
	return xs
}

// emulate runs the Go kernel with dc.Emulate, failing the test on error.
func emulate(t *testing.T, g dc.Grid, body func(t dc.Thread)) {
	t.Helper()
	if err := dc.Emulate(g, body); err != nil {
		t.Fatal(err)
	}
}

// sizes are the 1-D problem sizes: one thread, less than a group, a
// multiple of the group size, and several groups with the last one partly
// idle.
var sizes = []int{1, 100, 512, 1000, 9999}

// TestSaxpy compares LaunchSaxpy with the emulated kernel and with the
// formula on the host. Tolerance: a target may contract a*x+y into one
// fused multiply-add (Go's spec allows it), which skips the rounding of
// p = a*x, at most u|p| <= 2.5u here, and rounds the sum once instead of
// twice, at most u|y'| each: abs 4u plus rel 2u covers both.
func TestSaxpy(t *testing.T) {
	const a = 2.5
	kerneltest.Run(t, func(t *testing.T, dev *runtime.Device) {
		for i, n := range sizes {
			name := fmt.Sprintf("%s n=%d", dev.Backend(), n)
			xs := kerneltest.Rand32(uint64(2*i), n, -1, 1)
			ys := kerneltest.Rand32(uint64(2*i+1), n, -1, 1)
			g := dc.Grid1D(n)

			want := append([]float32(nil), ys...)
			emulate(t, g, func(t dc.Thread) { kernels.Saxpy(t, a, xs, want) })
			host := make([]float32, n)
			for j := range host {
				host[j] = a*xs[j] + ys[j]
			}
			kerneltest.Close32(t, name+": emulated vs host", want, host, 2*u32, 4*u32)

			y := buffer(t, dev, ys)
			if err := kernels.LaunchSaxpy(dev, g, a, buffer(t, dev, xs), y); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			kerneltest.Close32(t, name+": y", read(t, y), want, 2*u32, 4*u32)
		}
	})
}

// TestScale compares LaunchScale with the emulated kernel for float32 and
// float64. x*a is one correctly rounded multiplication on every target, so
// the results must be identical.
func TestScale(t *testing.T) {
	kerneltest.Run(t, func(t *testing.T, dev *runtime.Device) {
		t.Run("float32", func(t *testing.T) {
			testScale(t, dev, float32(-1.75), func(seed uint64, n int) []float32 { return kerneltest.Rand32(seed, n, -1e3, 1e3) })
		})
		t.Run("float64", func(t *testing.T) {
			kerneltest.NeedFloat64(t, dev)
			testScale(t, dev, 1.0/3, func(seed uint64, n int) []float64 { return kerneltest.Rand64(seed, n, -1e3, 1e3) })
		})
	})
}

func testScale[T float32 | float64](t *testing.T, dev *runtime.Device, a T, in func(seed uint64, n int) []T) {
	for i, n := range sizes {
		name := fmt.Sprintf("%s %T n=%d", dev.Backend(), a, n)
		xs := in(uint64(i), n)
		g := dc.Grid1D(n)
		want := append([]T(nil), xs...)
		emulate(t, g, func(t dc.Thread) { kernels.Scale(t, a, want) })
		host := make([]T, n)
		for j := range host {
			host[j] = xs[j] * a
		}
		kerneltest.Equal(t, name+": emulated vs host", want, host)

		x := buffer(t, dev, xs)
		if err := kernels.LaunchScale(dev, g, a, x); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		kerneltest.Equal(t, name+": x", read(t, x), want)
	}
}

// TestReduceSum compares LaunchReduceSum's partial sums with the emulated
// kernel for all four types, then checks that the partials add up to the
// plain total of the input.
//
// Partials: every target adds in the kernel's tree order, and additions
// cannot be contracted, so float partials must be identical too; integer
// sums wrap as in Go (the int inputs span the whole range, so they do).
//
// Totals: integer addition modulo 2^n is associative, so the partials'
// wrapped sum equals the sequential wrapped sum exactly. The float inputs
// are positive, so each partial, a tree of depth log2(256) = 8, is within
// 8u/(1-8u) < 9u of its exact sum, relative; the exact sums of the
// partials and of the input (math/big) then differ by less than 9u of the
// total.
func TestReduceSum(t *testing.T) {
	kerneltest.Run(t, func(t *testing.T, dev *runtime.Device) {
		t.Run("float32", func(t *testing.T) {
			testReduceSum(t, dev, 9*u32, func(seed uint64, n int) []float32 { return kerneltest.Rand32(seed, n, 0, 1) })
		})
		t.Run("float64", func(t *testing.T) {
			kerneltest.NeedFloat64(t, dev)
			testReduceSum(t, dev, 9*u64, func(seed uint64, n int) []float64 { return kerneltest.Rand64(seed, n, 0, 1) })
		})
		t.Run("int32", func(t *testing.T) {
			testReduceSum(t, dev, 0, func(seed uint64, n int) []int32 {
				return kerneltest.RandInts[int32](seed, n, math.MinInt32, math.MaxInt32)
			})
		})
		t.Run("int64", func(t *testing.T) {
			testReduceSum(t, dev, 0, func(seed uint64, n int) []int64 {
				return kerneltest.RandInts[int64](seed, n, math.MinInt64, math.MaxInt64)
			})
		})
	})
}

func testReduceSum[T float32 | float64 | int32 | int64](t *testing.T, dev *runtime.Device, rel float64, in func(seed uint64, n int) []T) {
	for i, n := range sizes {
		name := fmt.Sprintf("%s %T n=%d", dev.Backend(), T(0), n)
		xs := in(uint64(i), n)
		g := dc.Grid1D(n)
		groups := g.Groups.X
		if want := (n + kernels.ReduceGroupSize - 1) / kernels.ReduceGroupSize; groups != want || g.GroupSize.X != kernels.ReduceGroupSize {
			t.Fatalf("%s: dc.Grid1D(%d) = %+v, want %d groups of %d", name, n, g, want, kernels.ReduceGroupSize)
		}
		want := make([]T, groups)
		emulate(t, g, func(t dc.Thread) { kernels.ReduceSum(t, xs, want) })

		partial, err := runtime.NewBuffer[T](dev, groups)
		if err != nil {
			t.Fatal(err)
		}
		if err := kernels.LaunchReduceSum(dev, g, buffer(t, dev, xs), partial); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := read(t, partial)
		kerneltest.Equal(t, name+": partials", got, want)

		// The partials add up to the plain total.
		if rel == 0 {
			var total, sum T
			for _, x := range xs {
				total += x
			}
			for _, p := range got {
				sum += p
			}
			if sum != total {
				t.Errorf("%s: partials sum to %v, want the total %v", name, sum, total)
			}
			continue
		}
		total, sum := exactSum(xs), exactSum(got)
		if d := math.Abs(sum - total); d > rel*total {
			t.Errorf("%s: partials sum to %v, want the total %v within %.3g (differ by %.3g)", name, sum, total, rel*total, d)
		}
	}
}

// exactSum returns the sum of xs, added exactly (math/big, 1024 bits) and
// rounded once to float64.
func exactSum[T float32 | float64 | int32 | int64](xs []T) float64 {
	sum := new(big.Float).SetPrec(1024)
	for _, x := range xs {
		sum.Add(sum, big.NewFloat(float64(x)))
	}
	f, _ := sum.Float64()
	return f
}

// TestMatMul compares LaunchMatMul with the emulated kernel, and the
// emulated kernel with a float64 product on the host, for shapes that are
// not multiples of the 16x16 tile.
//
// Tolerance: both sides sum the same k products in the same order, but a
// target may contract acc + a*b into one fused multiply-add. Each result
// is within k*u*sum|a||b| (plus O(u^2)) of the exact dot product either
// way, so two of them differ by at most 2*k*u*max sum|a||b|, used as an
// absolute tolerance; the float64 host product is within the first half
// of that.
func TestMatMul(t *testing.T) {
	shapes := []struct{ m, n, k int }{
		{1, 1, 1},
		{17, 33, 9},
		{37, 45, 29},
		{50, 3, 70},
		{5, 7, 0}, // no products: c is all zeros
	}
	kerneltest.Run(t, func(t *testing.T, dev *runtime.Device) {
		for i, s := range shapes {
			name := fmt.Sprintf("%s m=%d n=%d k=%d", dev.Backend(), s.m, s.n, s.k)
			as := kerneltest.Rand32(uint64(2*i), s.m*s.k, -1, 1)
			bs := kerneltest.Rand32(uint64(2*i+1), s.k*s.n, -1, 1)
			g := dc.Grid2D(s.n, s.m)

			want := make([]float32, s.m*s.n)
			for j := range want {
				want[j] = float32(math.NaN()) // the kernel must write every element
			}
			emulate(t, g, func(t dc.Thread) { kernels.MatMul(t, as, bs, want, s.m, s.n, s.k) })

			host := make([]float32, s.m*s.n)
			var maxAbsDot float64
			for r := range s.m {
				for c := range s.n {
					var dot, abs float64
					for l := range s.k {
						p := float64(as[r*s.k+l]) * float64(bs[l*s.n+c])
						dot += p
						abs += math.Abs(p)
					}
					host[r*s.n+c] = float32(dot)
					maxAbsDot = max(maxAbsDot, abs)
				}
			}
			tol := 2 * float64(s.k) * u32 * maxAbsDot
			kerneltest.Close32(t, name+": emulated vs host", want, host, u32, tol)

			// c starts as NaNs, so an element the kernel does not write shows.
			nan := make([]float32, s.m*s.n)
			for j := range nan {
				nan[j] = float32(math.NaN())
			}
			c := buffer(t, dev, nan)
			if err := kernels.LaunchMatMul(dev, g, buffer(t, dev, as), buffer(t, dev, bs), c, s.m, s.n, s.k); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			kerneltest.Close32(t, name+": c", read(t, c), want, 0, tol)
		}
	})
}
