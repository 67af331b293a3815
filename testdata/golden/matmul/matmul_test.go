package matmul

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// Tolerance: with entries in [-1, 1) every partial sum is at most k in
// magnitude, and a device may contract each of the k steps
// sum += as*bs into an FMA, changing that step's rounding by at most one
// ulp of the partial sum (<= k * 2^-23). So |got-want| <= k * k * 2^-23.
func tolerance(k int) float64 { return float64(k*k) * math.Ldexp(1, -23) }

func TestMatMul(t *testing.T) {
	sizes := []struct{ m, n, k int }{
		{16, 16, 16},  // one group, one k step
		{37, 45, 29},  // 3x3 groups, no size a multiple of 16
		{1, 70, 40},   // one row: mostly idle threads in Y
		{64, 17, 100}, // many k steps
	}
	for _, dev := range kerneltest.Devices(t) {
		for si, s := range sizes {
			name := fmt.Sprintf("%s %dx%dx%d", dev.Backend(), s.m, s.n, s.k)
			a := kerneltest.Rand32(uint64(si), s.m*s.k, -1, 1)
			b := kerneltest.Rand32(uint64(si)+50, s.k*s.n, -1, 1)
			g := dc.Grid2D(s.n, s.m)
			want := make([]float32, s.m*s.n)
			if err := dc.Emulate(g, func(t dc.Thread) { MatMul(t, a, b, want, s.m, s.n, s.k) }); err != nil {
				t.Fatal(err)
			}
			// The reference itself against a plain triple loop in float64.
			host := make([]float32, s.m*s.n)
			for i := range s.m {
				for j := range s.n {
					var acc float64
					for l := range s.k {
						acc += float64(a[i*s.k+l]) * float64(b[l*s.n+j])
					}
					host[i*s.n+j] = float32(acc)
				}
			}
			kerneltest.Close32(t, name+": Emulate vs float64 host loop", want, host, 0, tolerance(s.k))

			ab, _ := runtime.BufferOf(dev, a)
			bb, _ := runtime.BufferOf(dev, b)
			cb, _ := runtime.NewBuffer[float32](dev, s.m*s.n)
			if err := LaunchMatMul(dev, g, ab, bb, cb, s.m, s.n, s.k); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got := make([]float32, s.m*s.n)
			if err := cb.Read(got); err != nil {
				t.Fatal(err)
			}
			kerneltest.Close32(t, name+": c", got, want, 0, tolerance(s.k))
		}
	}
}

func TestMatMulErrors(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		ab, _ := runtime.BufferOf(dev, make([]float32, 4))
		bb, _ := runtime.BufferOf(dev, make([]float32, 4))
		cb, _ := runtime.NewBuffer[float32](dev, 4)
		bb.Close()
		err := LaunchMatMul(dev, dc.Grid2D(2, 2), ab, bb, cb, 2, 2, 2)
		var ke *runtime.KernelError
		if !errors.Is(err, runtime.ErrBufferClosed) || !errors.As(err, &ke) || ke.Kernel != "MatMul" || ke.Arg != "b" {
			t.Errorf("%s: closed b: got error %v, want ErrBufferClosed for kernel MatMul, argument b", dev.Backend(), err)
		}
		err = LaunchMatMul(dev, dc.Grid2D(2, 2), ab, nil, cb, 2, 2, 2)
		if !errors.As(err, &ke) || ke.Kernel != "MatMul" || ke.Arg != "b" {
			t.Errorf("%s: nil b: got error %v, want a *runtime.KernelError for kernel MatMul, argument b", dev.Backend(), err)
		}
	}
}
