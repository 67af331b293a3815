package kernels_test

import (
	"fmt"
	"log"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/kernels"
	"github.com/dotcompute/dc/runtime"
)

// ExampleLaunchSaxpy computes y = 2x + y on the CPU backend, which every
// machine has; runtime.Open() without options picks the best backend.
func ExampleLaunchSaxpy() {
	dev, err := runtime.Open(runtime.WithBackend("cpu"))
	if err != nil {
		log.Fatal(err)
	}
	defer dev.Close()

	xs := []float32{1, 2, 3, 4, 5}
	ys := []float32{10, 20, 30, 40, 50}
	x, err := runtime.BufferOf(dev, xs)
	if err != nil {
		log.Fatal(err)
	}
	y, err := runtime.BufferOf(dev, ys)
	if err != nil {
		log.Fatal(err)
	}
	if err := kernels.LaunchSaxpy(dev, dc.Grid1D(len(ys)), 2, x, y); err != nil {
		log.Fatal(err)
	}
	if err := y.Read(ys); err != nil { // waits for the kernel
		log.Fatal(err)
	}
	fmt.Println(ys)
	// Output: [12 24 36 48 60]
}
