// Mandelbrot renders a deep zoom into the Mandelbrot set twice, with the
// same kernel instantiated for float32 and for float64, on every backend
// that opens, prints the time each took, and writes both halves side by
// side to a PNG: at this zoom a pixel is smaller than float32's resolution
// near the point, so the float32 half breaks into blocks while the float64
// half stays sharp.
//
//	go run ./examples/mandelbrot [-backend all|best|cpu,opencl,...] [-o mandelbrot.png]
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"log"
	"math"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/examples/internal/show"
	"github.com/dotcompute/dc/runtime"
)

// Frame is a view of the complex plane: Width × Height pixels, Step apart,
// centered on (CX, CY).
type Frame struct {
	CX, CY, Step  float64
	Width, Height int
	MaxIter       int
}

// origin returns the point of pixel (0, 0).
func (f Frame) origin() (x0, y0 float64) {
	return f.CX - float64(f.Width)/2*f.Step, f.CY - float64(f.Height)/2*f.Step
}

// Render runs Mandelbrot[T] over f on dev and returns the iteration count
// of every pixel, row by row.
func Render[T float32 | float64](dev *runtime.Device, f Frame) ([]int32, error) {
	iters, err := runtime.NewBuffer[int32](dev, f.Width*f.Height)
	if err != nil {
		return nil, err
	}
	defer iters.Close()
	x0, y0 := f.origin()
	g := dc.Grid2D(f.Width, f.Height)
	if err := LaunchMandelbrot(dev, g, T(x0), T(y0), T(f.Step), f.Width, f.MaxIter, iters); err != nil {
		return nil, err
	}
	out := make([]int32, f.Width*f.Height)
	return out, iters.Read(out)
}

// Reference computes what Render[T] computes, as plain serial Go.
func Reference[T float32 | float64](f Frame) []int32 {
	out := make([]int32, f.Width*f.Height)
	x0, y0 := f.origin()
	for py := range f.Height {
		for px := range f.Width {
			cx := T(x0) + T(px)*T(f.Step)
			cy := T(y0) + T(py)*T(f.Step)
			var x, y T
			n := 0
			for n < f.MaxIter && x*x+y*y <= 4 {
				x, y = x*x-y*y+cx, 2*x*y+cy
				n++
			}
			out[py*f.Width+px] = int32(n)
		}
	}
	return out
}

// zoom is the frame of the picture. Its pixels are 1e-8 apart, a sixth of
// float32's resolution near -0.74 (an ulp is 6e-8 there): float32 rounds
// blocks of pixels to one point.
var zoom = Frame{
	CX: -0.743643887037151, CY: 0.131825904205330, Step: 1e-8,
	Width: 360, Height: 270, MaxIter: 1500,
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("mandelbrot: ")
	backends := flag.String("backend", "all", show.BackendUsage)
	out := flag.String("o", "mandelbrot.png", "the PNG file to write")
	runs := flag.Int("runs", 3, "timed runs after the first")
	flag.Parse()

	devs, err := show.Devices(*backends)
	if err != nil {
		log.Fatal(err)
	}
	defer show.Close(devs)
	fmt.Printf("%d×%d pixels, up to %d iterations, step %.0e\n", zoom.Width, zoom.Height, zoom.MaxIter, zoom.Step)
	var img32, img64 []int32
	var t32, t64 []show.Timing
	for _, dev := range devs {
		t, err := show.Time(*runs, func() (err error) {
			img32, err = Render[float32](dev, zoom)
			return err
		})
		if err != nil {
			log.Fatalf("%s: %v", dev.Backend(), err)
		}
		t32 = append(t32, t)
		if !dev.Info().Float64 {
			fmt.Printf("%s: no float64 on %s\n", dev.Backend(), dev.Info().Name)
			t64 = append(t64, show.Timing{})
			continue
		}
		t, err = show.Time(*runs, func() (err error) {
			img64, err = Render[float64](dev, zoom)
			return err
		})
		if err != nil {
			log.Fatalf("%s: %v", dev.Backend(), err)
		}
		t64 = append(t64, t)
	}
	show.Report("float32:", devs, t32)
	show.Report("float64:", devs, t64)
	if img64 == nil {
		img64 = Reference[float64](zoom)
	}
	if err := show.WritePNG(*out, Picture(zoom, img32, img64)); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote %s (left float32, right float64)\n", *out)
}

// Picture puts the two renderings of f side by side, 4 pixels apart.
func Picture(f Frame, left, right []int32) image.Image {
	const gap = 4
	img := image.NewRGBA(image.Rect(0, 0, 2*f.Width+gap, f.Height))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	lo := int32(f.MaxIter)
	for _, n := range right {
		lo = min(lo, n)
	}
	for py := range f.Height {
		for px := range f.Width {
			img.SetRGBA(px, py, shade(left[py*f.Width+px], lo, f.MaxIter))
			img.SetRGBA(f.Width+gap+px, py, shade(right[py*f.Width+px], lo, f.MaxIter))
		}
	}
	return img
}

// shade colors an iteration count: the set itself black, the outside by
// the logarithm of how much longer than lo it takes to escape.
func shade(n, lo int32, maxIter int) color.RGBA {
	if int(n) >= maxIter {
		return color.RGBA{0, 0, 0, 255}
	}
	d := float64(max(n-lo, 0))
	return show.Heat(math.Log1p(d) / math.Log1p(float64(maxIter)-float64(lo)))
}
