package selects

import (
	"fmt"
	"math"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// The kernels run on the CPU backend, where a build with GOEXPERIMENT=simd
// runs them with vectors (selects_simd_test.go checks that it does), and
// are compared with dc.Emulate: the same bits, except that two NaNs that
// meet in an addition or a multiplication may give either one (the
// compiler orders the operands, in scalar code as in vector code), so
// inputs with NaNs compare NaN with NaN, and the others bit for bit.

// inputs returns n float32s in [lo, hi): with special values (NaNs of
// both signs, infinities, zeros of both signs, subnormals) where special
// is true, and then also ties of x and y and of y and 2x.
func inputs(seed uint64, n int, lo, hi float32, special bool) []float32 {
	if special {
		return kerneltest.Special32(seed, n, lo, hi)
	}
	return kerneltest.Rand32(seed, n, lo, hi)
}

func open(t *testing.T) *runtime.Device {
	t.Helper()
	dev, err := runtime.Open(runtime.WithBackend("cpu"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dev.Close() })
	return dev
}

func buffers(t *testing.T, dev *runtime.Device, xs ...[]float32) []*runtime.Buffer[float32] {
	t.Helper()
	var bufs []*runtime.Buffer[float32]
	for _, x := range xs {
		b, err := runtime.BufferOf(dev, x)
		if err != nil {
			t.Fatal(err)
		}
		bufs = append(bufs, b)
	}
	return bufs
}

func TestClamp(t *testing.T) {
	dev := open(t)
	for i, n := range []int{1, 9, 17, 1000, 4099} {
		for _, special := range []bool{false, true} {
			for _, hi := range []float32{0.5, float32(math.Inf(1)), float32(math.NaN())} {
				name := fmt.Sprintf("n=%d special=%v hi=%v", n, special, hi)
				x, lo := inputs(uint64(2*i), n, -2, 2, special), inputs(uint64(2*i+1), n, -1, 0, special)
				g := kerneltest.Grid1D(n, 64)
				b := buffers(t, dev, x, lo, make([]float32, n))
				if err := LaunchClamp(dev, g, b[0], b[1], b[2], hi); err != nil {
					t.Fatal(err)
				}
				want := make([]float32, n)
				if err := dc.Emulate(g, func(t dc.Thread) { Clamp(t, x, lo, want, hi) }); err != nil {
					t.Fatal(err)
				}
				serial := make([]float32, n)
				ClampSerial(x, lo, serial, hi)
				got := kerneltest.Read(t, b[2])
				// Clamp only selects and negates: NaN payloads too are
				// the same.
				kerneltest.Bits32(t, name+": vs emulated", got, want)
				kerneltest.Bits32(t, name+": vs serial", got, serial)
			}
		}
	}
}

func TestPiecewise(t *testing.T) {
	dev := open(t)
	for i, n := range []int{1, 9, 17, 1000, 4099} {
		for _, special := range []bool{false, true} {
			for _, s := range []float32{1.5, float32(math.Copysign(0, -1)), float32(math.Inf(-1))} {
				name := fmt.Sprintf("n=%d special=%v s=%v", n, special, s)
				x, y := inputs(uint64(2*i), n, -3, 3, special), inputs(uint64(2*i+1), n, -3, 6, special)
				for j := 0; j < n; j += 5 {
					y[j] = 2 * x[j] // the branch b == 2*a
					if j+1 < n {
						y[j+1] = x[j+1]
					}
				}
				g := kerneltest.Grid1D(n, 64)
				b := buffers(t, dev, x, y, make([]float32, n), make([]float32, n))
				if err := LaunchPiecewise(dev, g, b[0], b[1], b[2], b[3], s); err != nil {
					t.Fatal(err)
				}
				out, aux := make([]float32, n), make([]float32, n)
				if err := dc.Emulate(g, func(t dc.Thread) { Piecewise(t, x, y, out, aux, s) }); err != nil {
					t.Fatal(err)
				}
				same := kerneltest.Bits32
				if special {
					same = kerneltest.Same32
				}
				same(t, name+": out", kerneltest.Read(t, b[2]), out)
				same(t, name+": aux", kerneltest.Read(t, b[3]), aux)
			}
		}
	}
}
