package cpubench

import (
	"testing"

	"github.com/dotcompute/dc"
	dcrt "github.com/dotcompute/dc/runtime"
)

// histBenchN is the number of values BenchmarkCPUHistogram counts, as
// in the Histogram row of dcbench.
const histBenchN = 1 << 20

// BenchmarkCPUHistogram is Histogram on the CPU backend, 64 values per
// thread read grid-stride, and HistogramSerial beside it.
func BenchmarkCPUHistogram(b *testing.B) {
	in := make([]uint32, histBenchN)
	for i := range in {
		in[i] = uint32(i*i*7 + i/3)
	}
	b.Run("kernel", func(b *testing.B) {
		dev := benchDevice(b)
		bin, err := dcrt.BufferOf(dev, in)
		if err != nil {
			b.Fatal(err)
		}
		zero := make([]int32, HistBins)
		hist, err := dcrt.BufferOf(dev, zero)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(4 * histBenchN)
		for b.Loop() {
			if err := hist.Write(zero); err != nil {
				b.Fatal(err)
			}
			if err := LaunchHistogram(dev, dc.Grid1D(histBenchN/64), bin, hist); err != nil {
				b.Fatal(err)
			}
			if err := dev.Sync(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("serial", func(b *testing.B) {
		hist := make([]int32, HistBins)
		b.SetBytes(4 * histBenchN)
		for b.Loop() {
			clear(hist)
			HistogramSerial(in, hist)
		}
	})
}
