// Heat simulates heat diffusing over a plate, with a stencil kernel that
// stages its tiles in group-shared memory, on every backend that opens. It
// prints the time of a run of steps per backend and writes snapshots of
// the plate, side by side, to a PNG.
//
//	go run ./examples/heat [-backend all|best|cpu,opencl,...] [-o heat.png]
package main

import (
	"flag"
	"fmt"
	"image"
	"log"
	"math"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/examples/internal/show"
	"github.com/dotcompute/dc/runtime"
)

// Plate is a w×h grid of temperatures, row by row.
type Plate struct {
	W, H int
	T    []float32
}

// Initial returns a cold w×h plate with hot spots: three disks, a ring and
// a bar, at temperatures between 0.5 and 1.
func Initial(w, h int) Plate {
	p := Plate{W: w, H: h, T: make([]float32, w*h)}
	fw, fh := float64(w), float64(h)
	for y := range h {
		for x := range w {
			fx, fy := float64(x), float64(y)
			in := func(cx, cy, r float64) bool { return math.Hypot(fx-cx*fw, fy-cy*fh) < r*fh }
			var v float32
			switch {
			case in(0.2, 0.3, 0.12):
				v = 1
			case in(0.45, 0.7, 0.08):
				v = 0.8
			case in(0.8, 0.3, 0.2) && !in(0.8, 0.3, 0.15):
				v = 0.9
			case in(0.8, 0.3, 0.05):
				v = 1
			case fx > 0.1*fw && fx < 0.6*fw && math.Abs(fy-0.9*fh) < 0.02*fh:
				v = 0.5
			}
			p.T[y*w+x] = v
		}
	}
	return p
}

// Simulate runs steps steps of Diffuse with coefficient k on dev,
// starting from p, and returns the plate after each step count in at
// (which must be increasing).
func Simulate(dev *runtime.Device, p Plate, k float32, at []int) ([]Plate, error) {
	a, err := runtime.BufferOf(dev, p.T)
	if err != nil {
		return nil, err
	}
	defer a.Close()
	b, err := runtime.NewBuffer[float32](dev, len(p.T))
	if err != nil {
		return nil, err
	}
	defer b.Close()
	g := dc.Grid2D(p.W, p.H)
	var out []Plate
	step := 0
	for _, n := range at {
		for ; step < n; step++ {
			if err := LaunchDiffuse(dev, g, a, b, p.W, p.H, k); err != nil {
				return nil, err
			}
			a, b = b, a
		}
		q := Plate{W: p.W, H: p.H, T: make([]float32, len(p.T))}
		if err := a.Read(q.T); err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, nil
}

// Reference takes one step of what Diffuse computes, as plain serial Go.
func Reference(p Plate, k float32) Plate {
	q := Plate{W: p.W, H: p.H, T: make([]float32, len(p.T))}
	at := func(x, y int) float32 {
		return p.T[min(max(y, 0), p.H-1)*p.W+min(max(x, 0), p.W-1)]
	}
	for y := range p.H {
		for x := range p.W {
			c := at(x, y)
			q.T[y*p.W+x] = c + k*(at(x-1, y)+at(x+1, y)+at(x, y-1)+at(x, y+1)-4*c)
		}
	}
	return q
}

// K is the diffusion coefficient of the example (stable up to 0.25).
const K = 0.24

func main() {
	log.SetFlags(0)
	log.SetPrefix("heat: ")
	backends := flag.String("backend", "all", show.BackendUsage)
	out := flag.String("o", "heat.png", "the PNG file to write")
	w := flag.Int("w", 256, "plate width")
	h := flag.Int("h", 160, "plate height")
	runs := flag.Int("runs", 3, "timed runs after the first")
	flag.Parse()

	devs, err := show.Devices(*backends)
	if err != nil {
		log.Fatal(err)
	}
	defer show.Close(devs)
	p := Initial(*w, *h)
	const timedSteps = 200
	fmt.Printf("%d×%d plate, %d steps per run\n", *w, *h, timedSteps)
	var ts []show.Timing
	for _, dev := range devs {
		t, err := show.Time(*runs, func() error {
			_, err := Simulate(dev, p, K, []int{timedSteps})
			return err
		})
		if err != nil {
			log.Fatalf("%s: %v", dev.Backend(), err)
		}
		ts = append(ts, t)
	}
	show.Report("diffusion:", devs, ts)

	at := []int{0, 40, 300, 2000}
	snaps, err := Simulate(devs[0], p, K, at)
	if err != nil {
		log.Fatalf("%s: %v", devs[0].Backend(), err)
	}
	if err := show.WritePNG(*out, Picture(snaps)); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote %s (after %v steps, on %s)\n", *out, at, devs[0].Backend())
}

// Picture puts the plates side by side, 4 pixels apart, colored by
// temperature.
func Picture(plates []Plate) image.Image {
	const gap = 4
	w, h := plates[0].W, plates[0].H
	img := image.NewRGBA(image.Rect(0, 0, len(plates)*(w+gap)-gap, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for i, p := range plates {
		for y := range h {
			for x := range w {
				img.SetRGBA(i*(w+gap)+x, y, show.Heat(float64(p.T[y*w+x])))
			}
		}
	}
	return img
}
