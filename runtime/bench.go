package runtime

import "time"

// Benchmark is the part of a *testing.B that ReportBytes and
// ReportLaunches use: they report rates over the benchmark's timed loop.
type Benchmark interface {
	ReportMetric(n float64, unit string)
	Elapsed() time.Duration
}

// ReportBytes reports on b, as "GB/s", the rate of n bytes moved in the
// whole timed loop, for instance int64(b.N) times the bytes one iteration
// reads and writes. Call it after the loop.
func ReportBytes(b Benchmark, n int64) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(n)/s/1e9, "GB/s")
	}
}

// ReportLaunches reports on b, as "launches/s", the rate of n launches in
// the whole timed loop, for instance the difference of the Launches of
// two Device.Profile calls around it. Call it after the loop.
func ReportLaunches(b Benchmark, n int64) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(n)/s, "launches/s")
	}
}
