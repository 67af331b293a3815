// Package show holds what dc's examples share: opening the devices named by
// their -backend flag, timing launches, and writing pictures.
package show

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	_ "github.com/dotcompute/dc/backends/all"
	"github.com/dotcompute/dc/runtime"
)

// BackendUsage is the help text of the examples' -backend flag.
const BackendUsage = `backends to run on: "all" (every backend that opens, the best first), "best" (what runtime.Open picks: DC_BACKEND, else cuda > metal > opencl > cpu), or a comma-separated list of names`

// Devices opens the devices that a -backend flag value names (see
// BackendUsage). With "all", backends that do not open are reported on
// stderr and left out; a backend named explicitly that does not open is
// an error. The caller closes the devices.
func Devices(spec string) ([]*runtime.Device, error) {
	switch spec {
	case "best", "":
		dev, err := runtime.Open()
		if err != nil {
			return nil, err
		}
		return []*runtime.Device{dev}, nil
	case "all":
		best, err := runtime.Open()
		if err != nil {
			return nil, err
		}
		devs := []*runtime.Device{best}
		for _, name := range runtime.Backends() {
			if name == best.Backend() {
				continue
			}
			dev, err := runtime.Open(runtime.WithBackend(name))
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: not run: %v\n", name, err)
				continue
			}
			devs = append(devs, dev)
		}
		return devs, nil
	}
	var devs []*runtime.Device
	for _, name := range strings.Split(spec, ",") {
		dev, err := runtime.Open(runtime.WithBackend(strings.TrimSpace(name)))
		if err != nil {
			for _, d := range devs {
				d.Close()
			}
			return nil, err
		}
		devs = append(devs, dev)
	}
	return devs, nil
}

// Close closes the devices Devices opened.
func Close(devs []*runtime.Device) {
	for _, dev := range devs {
		dev.Close()
	}
}

// Timing is how long a computation took on one device: its first run,
// which includes compiling the device code on GPU backends, and the median
// of the runs after it.
type Timing struct {
	First, Median time.Duration
	Runs          int
}

// String formats t for the examples' tables.
func (t Timing) String() string {
	if t.First == 0 {
		return "not run"
	}
	if t.Runs == 0 {
		return fmt.Sprintf("first %9s", round(t.First))
	}
	return fmt.Sprintf("first %9s   median of %d %9s", round(t.First), t.Runs, round(t.Median))
}

func round(d time.Duration) time.Duration {
	switch {
	case d > 100*time.Millisecond:
		return d.Round(time.Millisecond)
	case d > 100*time.Microsecond:
		return d.Round(10 * time.Microsecond)
	}
	return d
}

// Time runs f once, then runs more times, and returns the timing. f must
// wait for its kernels (read their results back or call Sync).
func Time(runs int, f func() error) (Timing, error) {
	start := time.Now()
	if err := f(); err != nil {
		return Timing{}, err
	}
	t := Timing{First: time.Since(start), Runs: runs}
	ds := make([]time.Duration, runs)
	for i := range ds {
		start := time.Now()
		if err := f(); err != nil {
			return Timing{}, err
		}
		ds[i] = time.Since(start)
	}
	if runs > 0 {
		slices.Sort(ds)
		t.Median = ds[runs/2]
	}
	return t, nil
}

// Report prints one line per device: its backend, timing and name.
func Report(what string, devs []*runtime.Device, ts []Timing) {
	fmt.Printf("%s\n", what)
	for i, dev := range devs {
		fmt.Printf("  %-7s %s   (%s)\n", dev.Backend(), ts[i], dev.Info().Name)
	}
}

// WritePNG writes img to path as a PNG file.
func WritePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// palette are the stops of Heat, from cold to hot.
var palette = []color.RGBA{
	{0, 0, 4, 255},
	{40, 11, 84, 255},
	{101, 21, 110, 255},
	{159, 42, 99, 255},
	{212, 72, 66, 255},
	{245, 125, 21, 255},
	{250, 193, 39, 255},
	{252, 255, 164, 255},
}

// Heat maps v in [0, 1] to a dark-purple-orange-yellow color scale
// (values outside are clamped).
func Heat(v float64) color.RGBA {
	if math.IsNaN(v) || v <= 0 {
		return palette[0]
	}
	if v >= 1 {
		return palette[len(palette)-1]
	}
	x := v * float64(len(palette)-1)
	i := int(x)
	f := x - float64(i)
	a, b := palette[i], palette[i+1]
	mix := func(p, q uint8) uint8 { return uint8(float64(p) + f*(float64(q)-float64(p)) + 0.5) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 255}
}

// Mismatches counts the indices where got and want differ by more than
// tol, relative to max(1, |want|), and returns the count and the first such
// index (-1 if none).
func Mismatches[T float32 | float64](got, want []T, tol float64) (n, first int) {
	first = -1
	for i := range want {
		d := math.Abs(float64(got[i]) - float64(want[i]))
		if d > tol*max(1, math.Abs(float64(want[i]))) || math.IsNaN(d) {
			if first < 0 {
				first = i
			}
			n++
		}
	}
	return n, first
}
