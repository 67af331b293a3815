// Nbody simulates two disk galaxies passing through each other, with a
// tiled all-pairs gravity kernel that stages bodies in group-shared memory,
// on every backend that opens. It prints the time of a run of steps per
// backend and writes the sky, seen from above, at four moments side by
// side to a PNG.
//
//	go run ./examples/nbody [-backend all|best|cpu,opencl,...] [-n 1024] [-o nbody.png]
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"log"
	"math"
	"math/rand/v2"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/examples/internal/show"
	"github.com/dotcompute/dc/runtime"
)

// The simulation's constants: time step and softening.
const (
	DT   = 0.004
	Eps2 = 0.0025
)

// System is the state of the simulation.
type System struct {
	Pos []Body
	Vel []Vec
}

// Galaxies returns two disk galaxies of n bodies in all: each a heavy
// center (mass 1) with stars (mass 1e-5) on circular orbits around it,
// the second disk tilted and on a course that grazes the first.
func Galaxies(n int) System {
	s := System{Pos: make([]Body, n), Vel: make([]Vec, n)}
	rng := rand.New(rand.NewPCG(1, 2))
	half := n / 2
	centers := [2]struct{ x, y, vx, vy, tilt float64 }{
		{-1.1, -0.55, 0.32, 0, 0},
		{1.1, 0.55, -0.32, 0, 0.6},
	}
	for i := range n {
		g := 0
		if i >= half {
			g = 1
		}
		c := centers[g]
		if i == 0 || i == half {
			s.Pos[i] = Body{X: float32(c.x), Y: float32(c.y), M: 1}
			s.Vel[i] = Vec{X: float32(c.vx), Y: float32(c.vy)}
			continue
		}
		r := 0.15 + 0.65*math.Sqrt(rng.Float64())
		a := 2 * math.Pi * rng.Float64()
		v := math.Sqrt(r * r / math.Pow(r*r+Eps2, 1.5)) // circular speed around the softened center
		x, y := r*math.Cos(a), r*math.Sin(a)
		vx, vy := -v*math.Sin(a), v*math.Cos(a)
		ct, st := math.Cos(c.tilt), math.Sin(c.tilt)
		s.Pos[i] = Body{X: float32(c.x + x), Y: float32(c.y + y*ct), Z: float32(y * st), M: 1e-5}
		s.Vel[i] = Vec{X: float32(c.vx + vx), Y: float32(c.vy + vy*ct), Z: float32(vy * st)}
	}
	return s
}

// Simulate runs Step on dev from s and returns the system after each step
// count in at (which must be increasing).
func Simulate(dev *runtime.Device, s System, at []int) ([]System, error) {
	a, err := runtime.BufferOf(dev, s.Pos)
	if err != nil {
		return nil, err
	}
	defer a.Close()
	b, err := runtime.NewBuffer[Body](dev, len(s.Pos))
	if err != nil {
		return nil, err
	}
	defer b.Close()
	vel, err := runtime.BufferOf(dev, s.Vel)
	if err != nil {
		return nil, err
	}
	defer vel.Close()
	g := dc.Grid1D(len(s.Pos))
	var out []System
	step := 0
	for _, n := range at {
		for ; step < n; step++ {
			if err := LaunchStep(dev, g, a, vel, b, DT, Eps2); err != nil {
				return nil, err
			}
			a, b = b, a
		}
		r := System{Pos: make([]Body, len(s.Pos)), Vel: make([]Vec, len(s.Vel))}
		if err := a.Read(r.Pos); err != nil {
			return nil, err
		}
		if err := vel.Read(r.Vel); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Reference takes one step of what Step computes, as plain serial Go.
func Reference(s System) System {
	r := System{Pos: make([]Body, len(s.Pos)), Vel: make([]Vec, len(s.Vel))}
	for i, p := range s.Pos {
		var ax, ay, az float32
		for _, q := range s.Pos {
			dx, dy, dz := q.X-p.X, q.Y-p.Y, q.Z-p.Z
			d := float32(math.Sqrt(float64(dx*dx + dy*dy + dz*dz + Eps2)))
			f := q.M / (d * d * d)
			ax += dx * f
			ay += dy * f
			az += dz * f
		}
		v := s.Vel[i]
		v.X += ax * DT
		v.Y += ay * DT
		v.Z += az * DT
		r.Vel[i] = v
		r.Pos[i] = Body{X: p.X + v.X*DT, Y: p.Y + v.Y*DT, Z: p.Z + v.Z*DT, M: p.M}
	}
	return r
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("nbody: ")
	backends := flag.String("backend", "all", show.BackendUsage)
	out := flag.String("o", "nbody.png", "the PNG file to write")
	n := flag.Int("n", 1024, "number of bodies")
	runs := flag.Int("runs", 3, "timed runs after the first")
	flag.Parse()

	devs, err := show.Devices(*backends)
	if err != nil {
		log.Fatal(err)
	}
	defer show.Close(devs)
	s := Galaxies(*n)
	const timedSteps = 20
	fmt.Printf("%d bodies, %d steps per run (%.1f M interactions)\n", *n, timedSteps, float64(timedSteps)*float64(*n)*float64(*n)/1e6)
	var ts []show.Timing
	for _, dev := range devs {
		t, err := show.Time(*runs, func() error {
			_, err := Simulate(dev, s, []int{timedSteps})
			return err
		})
		if err != nil {
			log.Fatalf("%s: %v", dev.Backend(), err)
		}
		ts = append(ts, t)
	}
	show.Report("gravity:", devs, ts)

	at := []int{0, 300, 600, 900}
	frames, err := Simulate(devs[0], s, at)
	if err != nil {
		log.Fatalf("%s: %v", devs[0].Backend(), err)
	}
	if err := show.WritePNG(*out, Picture(frames, 240, 180)); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote %s (after %v steps, on %s)\n", *out, at, devs[0].Backend())
}

// Picture draws each system seen from above as a w×h panel of the square
// from -2 to 2, the panels side by side 4 pixels apart; the first galaxy's
// stars are blue-white, the second's orange.
func Picture(frames []System, w, h int) image.Image {
	const gap = 4
	img := image.NewRGBA(image.Rect(0, 0, len(frames)*(w+gap)-gap, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	tints := [2][3]float64{{0.55, 0.75, 1}, {1, 0.6, 0.25}}
	scale := float64(h) / 4
	for f, s := range frames {
		light := make([][3]float64, w*h)
		for i, p := range s.Pos {
			x := int(float64(w)/2 + float64(p.X)*scale)
			y := int(float64(h)/2 - float64(p.Y)*scale)
			tint := tints[min(i/(len(s.Pos)/2), 1)]
			// A star is a pixel and a dimmer cross around it.
			for _, d := range [5]struct{ x, y, w int }{{0, 0, 4}, {-1, 0, 1}, {1, 0, 1}, {0, -1, 1}, {0, 1, 1}} {
				x, y := x+d.x, y+d.y
				if x < 0 || x >= w || y < 0 || y >= h {
					continue
				}
				for c := range 3 {
					light[y*w+x][c] += tint[c] * float64(d.w) / 4
				}
			}
		}
		for y := range h {
			for x := range w {
				l := light[y*w+x]
				tone := func(v float64) uint8 { return uint8(255 * (1 - math.Exp(-2*v))) }
				img.SetRGBA(f*(w+gap)+x, y, color.RGBA{tone(l[0]), tone(l[1]), tone(l[2]), 255})
			}
		}
	}
	return img
}
