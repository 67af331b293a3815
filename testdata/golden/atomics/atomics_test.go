package atomics

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// Atomic results are integers, or float32 sums of multiples of 1/8 far
// below 2^21, which are exact in any order: everything compares exactly.
// Where the order of atomics shows in the result (slots, exchanged values)
// the tests compare the order-free content: sorted values.

// sizes: one partial group, and several groups with the last partly idle.
var sizes = []struct {
	n     int
	group int
}{
	{1, 256},
	{1000, 256},
	{5000, 128},
}

func grid(n, group int) dc.Grid { return kerneltest.Grid1D(n, group) }

func emulate(t *testing.T, g dc.Grid, body func(t dc.Thread)) {
	t.Helper()
	if err := dc.Emulate(g, body); err != nil {
		t.Fatal(err)
	}
}

func launched(t *testing.T, name string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func TestHistogram(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for si, s := range sizes {
			for _, nbins := range []int{7, maxBins} {
				name := fmt.Sprintf("%s n=%d group=%d bins=%d", dev.Backend(), s.n, s.group, nbins)
				data := kerneltest.RandInts[uint32](uint64(si), s.n, 0, math.MaxUint32)
				g := grid(s.n, s.group)
				want := make([]uint32, nbins)
				emulate(t, g, func(t dc.Thread) { Histogram(t, data, want, nbins) })
				host := make([]uint32, nbins)
				for _, d := range data {
					host[d%uint32(nbins)]++
				}
				kerneltest.Equal(t, name+": Emulate vs host", want, host)

				db, _ := runtime.BufferOf(dev, data)
				bb, _ := runtime.NewBuffer[uint32](dev, nbins)
				launched(t, name, LaunchHistogram(dev, g, db, bb, nbins))
				kerneltest.Equal(t, name+": bins", kerneltest.Read(t, bb), want)
			}
		}
	}
}

// TestCountThenRead launches CountThenRead with counts and view apart
// and with one buffer as both. Apart, the counts match dc.Emulate's and
// every thread sees view's zero. As one buffer, each key has a single
// thread, which must see its own add.
func TestCountThenRead(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for si, s := range sizes {
			name := fmt.Sprintf("%s n=%d group=%d", dev.Backend(), s.n, s.group)
			keys := kerneltest.RandInts[int32](uint64(si)+40, s.n, 0, 9)
			g := grid(s.n, s.group)
			wantCounts := make([]int32, 10)
			emulate(t, g, func(t dc.Thread) { CountThenRead(t, keys, wantCounts, make([]int32, 10), make([]int32, s.n)) })
			kb, _ := runtime.BufferOf(dev, keys)
			cb, _ := runtime.NewBuffer[int32](dev, 10)
			vb, _ := runtime.NewBuffer[int32](dev, 10)
			sb, _ := runtime.NewBuffer[int32](dev, s.n)
			launched(t, name, LaunchCountThenRead(dev, g, kb, cb, vb, sb))
			kerneltest.Equal(t, name+": counts", kerneltest.Read(t, cb), wantCounts)
			kerneltest.Equal(t, name+": seen", kerneltest.Read(t, sb), make([]int32, s.n))

			unique := make([]int32, s.n)
			for i := range unique {
				unique[i] = int32(i)
			}
			ub, _ := runtime.BufferOf(dev, unique)
			both, _ := runtime.NewBuffer[int32](dev, s.n)
			launched(t, name+" aliased", LaunchCountThenRead(dev, g, ub, both, both, sb))
			ones := make([]int32, s.n)
			for i := range ones {
				ones[i] = 1
			}
			kerneltest.Equal(t, name+" aliased: counts", kerneltest.Read(t, both), ones)
			kerneltest.Equal(t, name+" aliased: seen", kerneltest.Read(t, sb), ones)
		}
	}
}

func TestCompact(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for si, s := range sizes {
			name := fmt.Sprintf("%s n=%d group=%d", dev.Backend(), s.n, s.group)
			xs := kerneltest.RandInts[int32](uint64(si)+10, s.n, -100, 100)
			g := grid(s.n, s.group)
			wantOut := make([]int32, s.n)
			wantCount := make([]int32, 1)
			emulate(t, g, func(t dc.Thread) { Compact(t, xs, wantOut, wantCount) })

			xb, _ := runtime.BufferOf(dev, xs)
			ob, _ := runtime.NewBuffer[int32](dev, s.n)
			cb, _ := runtime.NewBuffer[int32](dev, 1)
			launched(t, name, LaunchCompact(dev, g, xb, ob, cb))
			gotCount := kerneltest.Read(t, cb)
			if !kerneltest.Equal(t, name+": count", gotCount, wantCount) {
				continue
			}
			k := int(wantCount[0])
			got := kerneltest.Read(t, ob)[:k]
			want := wantOut[:k]
			slices.Sort(got)
			slices.Sort(want)
			kerneltest.Equal(t, name+": sorted compacted values", got, want)
			var host []int32
			for _, x := range xs {
				if x > 0 {
					host = append(host, x)
				}
			}
			slices.Sort(host)
			kerneltest.Equal(t, name+": Emulate vs host", want, host)
		}
	}
}

func TestExtremes(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for si, s := range sizes {
			name := fmt.Sprintf("%s n=%d group=%d", dev.Backend(), s.n, s.group)
			xs := kerneltest.RandInts[int32](uint64(si)+20, s.n, math.MinInt32, math.MaxInt32)
			us := kerneltest.RandInts[uint32](uint64(si)+30, s.n, 0, math.MaxUint32)
			g := grid(s.n, s.group)
			ext0 := []int32{math.MaxInt32, math.MinInt32}
			uext0 := []uint32{math.MaxUint32, 0}
			want := slices.Clone(ext0)
			uwant := slices.Clone(uext0)
			emulate(t, g, func(t dc.Thread) { Extremes(t, xs, us, want, uwant) })
			kerneltest.Equal(t, name+": Emulate vs host", want, []int32{slices.Min(xs), slices.Max(xs)})
			kerneltest.Equal(t, name+": Emulate vs host (uint32)", uwant, []uint32{slices.Min(us), slices.Max(us)})

			xb, _ := runtime.BufferOf(dev, xs)
			ub, _ := runtime.BufferOf(dev, us)
			eb, _ := runtime.BufferOf(dev, ext0)
			ueb, _ := runtime.BufferOf(dev, uext0)
			launched(t, name, LaunchExtremes(dev, g, xb, ub, eb, ueb))
			kerneltest.Equal(t, name+": ext", kerneltest.Read(t, eb), want)
			kerneltest.Equal(t, name+": uext", kerneltest.Read(t, ueb), uwant)
		}
	}
}

func TestSumFloat(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for si, s := range sizes {
			name := fmt.Sprintf("%s n=%d group=%d", dev.Backend(), s.n, s.group)
			// Multiples of 1/8 in [-64, 64]: every partial sum is exact.
			ks := kerneltest.RandInts[int32](uint64(si)+40, s.n, -512, 512)
			xs := make([]float32, s.n)
			var host float32
			for i, k := range ks {
				xs[i] = float32(k) / 8
				host += xs[i]
			}
			g := grid(s.n, s.group)
			want := make([]float32, 1)
			emulate(t, g, func(t dc.Thread) { SumFloat(t, xs, want) })
			kerneltest.Equal(t, name+": Emulate vs host", want, []float32{host})

			xb, _ := runtime.BufferOf(dev, xs)
			tb, _ := runtime.NewBuffer[float32](dev, 1)
			launched(t, name, LaunchSumFloat(dev, g, xb, tb))
			kerneltest.Equal(t, name+": total", kerneltest.Read(t, tb), want)
		}
	}
}

// tokens returns the sorted union of olds and finals.
func tokens[T int32 | uint32 | float32](olds []T, finals ...T) []T {
	all := append(slices.Clone(olds), finals...)
	slices.Sort(all)
	return all
}

func TestExchange(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for _, s := range sizes {
			name := fmt.Sprintf("%s n=%d group=%d", dev.Backend(), s.n, s.group)
			g := grid(s.n, s.group)
			groups := g.Groups.X
			type result struct {
				cell, olds     []int32
				fcell, folds   []float32
				uolds, ufinals []uint32
			}
			var want result
			want.cell, want.olds = make([]int32, 1), make([]int32, s.n)
			want.fcell, want.folds = make([]float32, 1), make([]float32, s.n)
			want.uolds, want.ufinals = make([]uint32, s.n), make([]uint32, groups)
			emulate(t, g, func(t dc.Thread) {
				Exchange(t, want.cell, want.olds, want.fcell, want.folds, want.uolds, want.ufinals, s.n)
			})

			cb, _ := runtime.NewBuffer[int32](dev, 1)
			ob, _ := runtime.NewBuffer[int32](dev, s.n)
			fcb, _ := runtime.NewBuffer[float32](dev, 1)
			fob, _ := runtime.NewBuffer[float32](dev, s.n)
			uob, _ := runtime.NewBuffer[uint32](dev, s.n)
			ufb, _ := runtime.NewBuffer[uint32](dev, groups)
			launched(t, name, LaunchExchange(dev, g, cb, ob, fcb, fob, uob, ufb, s.n))
			got := result{kerneltest.Read(t, cb), kerneltest.Read(t, ob), kerneltest.Read(t, fcb), kerneltest.Read(t, fob), kerneltest.Read(t, uob), kerneltest.Read(t, ufb)}

			// Global cells: the tokens 0..n, each once.
			seq := make([]int32, s.n+1)
			fseq := make([]float32, s.n+1)
			for i := range seq {
				seq[i], fseq[i] = int32(i), float32(i)
			}
			kerneltest.Equal(t, name+": Emulate int32 tokens", tokens(want.olds, want.cell[0]), seq)
			kerneltest.Equal(t, name+": int32 tokens", tokens(got.olds, got.cell[0]), seq)
			kerneltest.Equal(t, name+": Emulate float32 tokens", tokens(want.folds, want.fcell[0]), fseq)
			kerneltest.Equal(t, name+": float32 tokens", tokens(got.folds, got.fcell[0]), fseq)
			// Shared cells: per group, the tokens 0..active threads.
			for gi := range groups {
				lo, hi := gi*s.group, min((gi+1)*s.group, s.n)
				useq := make([]uint32, hi-lo+1)
				for i := range useq {
					useq[i] = uint32(i)
				}
				kerneltest.Equal(t, fmt.Sprintf("%s: Emulate group %d uint32 tokens", name, gi), tokens(want.uolds[lo:hi], want.ufinals[gi]), useq)
				kerneltest.Equal(t, fmt.Sprintf("%s: group %d uint32 tokens", name, gi), tokens(got.uolds[lo:hi], got.ufinals[gi]), useq)
			}
		}
	}
}

func TestCappedSum(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		for si, s := range sizes {
			xs := kerneltest.RandInts[int32](uint64(si)+50, s.n, 0, 1000)
			var sum int32
			for _, x := range xs {
				sum += x
			}
			// A limit the sum reaches (for n > 1) and one it does not.
			for _, limit := range []int32{sum / 2, sum + 1} {
				name := fmt.Sprintf("%s n=%d group=%d limit=%d", dev.Backend(), s.n, s.group, limit)
				g := grid(s.n, s.group)
				want := make([]int32, 1)
				emulate(t, g, func(t dc.Thread) { CappedSum(t, xs, want, limit) })
				kerneltest.Equal(t, name+": Emulate vs host", want, []int32{min(sum, limit)})

				xb, _ := runtime.BufferOf(dev, xs)
				ab, _ := runtime.NewBuffer[int32](dev, 1)
				launched(t, name, LaunchCappedSum(dev, g, xb, ab, limit))
				kerneltest.Equal(t, name+": acc", kerneltest.Read(t, ab), want)
			}
		}
	}
}

// fromKey inverts orderedKey.
func fromKey(k uint32) float32 {
	if k&0x80000000 != 0 {
		return math.Float32frombits(k &^ 0x80000000)
	}
	return math.Float32frombits(^k)
}

func TestMaxFloat(t *testing.T) {
devices:
	for _, dev := range kerneltest.Devices(t) {
		for si, s := range sizes {
			for _, r := range []struct{ lo, hi float32 }{{-100, 100}, {-5, -1}} {
				name := fmt.Sprintf("%s n=%d group=%d range [%v,%v)", dev.Backend(), s.n, s.group, r.lo, r.hi)
				xs := kerneltest.Rand32(uint64(si)+60, s.n, r.lo, r.hi)
				g := grid(s.n, s.group)
				want := make([]uint32, 1)
				emulate(t, g, func(t dc.Thread) { MaxFloat(t, xs, want) })
				kerneltest.Equal(t, name+": Emulate vs host", []float32{fromKey(want[0])}, []float32{slices.Max(xs)})

				xb, _ := runtime.BufferOf(dev, xs)
				kb, _ := runtime.NewBuffer[uint32](dev, 1)
				err := LaunchMaxFloat(dev, g, xb, kb)
				if kerneltest.CannotRun(t, dev, err) {
					continue devices
				}
				launched(t, name, err)
				kerneltest.Equal(t, name+": max", []float32{fromKey(kerneltest.Read(t, kb)[0])}, []float32{fromKey(want[0])})
			}
		}
	}
}

func TestAtomicsErrors(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		db, _ := runtime.BufferOf(dev, []uint32{1, 2, 3})
		err := LaunchHistogram(dev, dc.Grid1D(3), db, nil, 4)
		var ke *runtime.KernelError
		if !errors.As(err, &ke) || ke.Kernel != "Histogram" || ke.Arg != "bins" {
			t.Errorf("%s: nil bins: got error %v, want a *runtime.KernelError for Histogram, argument bins", dev.Backend(), err)
		}
		// A buffer of another device.
		other, err := runtime.Open(runtime.WithBackend(dev.Backend()))
		if err != nil {
			t.Fatal(err)
		}
		foreign, _ := runtime.NewBuffer[uint32](other, 4)
		err = LaunchHistogram(dev, dc.Grid1D(3), db, foreign, 4)
		if !errors.Is(err, runtime.ErrOtherDevice) || !errors.As(err, &ke) || ke.Arg != "bins" {
			t.Errorf("%s: bins of another device: got error %v, want ErrOtherDevice for argument bins", dev.Backend(), err)
		}
		other.Close()
	}
}
