// Dcinfo lists the compute devices dc can use, like clinfo -l or
// nvidia-smi -L: every device of every backend, in the order
// runtime.Open tries the backends, and, for each backend without a
// device, why.
//
//	go run github.com/dotcompute/dc/cmd/dcinfo
//
// For instance, on a machine with PoCL and the CUDA driver but no GPU:
//
//	BACKEND  #  DEVICE                                                         MEMORY    UNITS  FLOAT64  MAX GROUP  SHARED   DRIVER
//	opencl   0  pthread-skylake-avx512-AMD EPYC (Portable Computing Language)  21.5 GiB  2      yes      4096       512 KiB  OpenCL 3.0, driver 3.1+debian
//	cpu      0  amd64 CPU, 2 cores                                             23.5 GiB  2      yes      1024       64 KiB   Go go1.26.8 linux/amd64
//
//	no device:
//	cuda: cuInit: CUDA_ERROR_NO_DEVICE: no CUDA-capable device is detected (driver .../libcuda.so.1, CUDA 12.2)
//
// The # column is the device's index in its backend: what DC_OPENCL_DEVICE
// and DC_CUDA_DEVICE select, and what runtime.WithDevice opens. Dcinfo
// imports backends/all: every backend that builds on the platform. It exits with status 1 when no backend
// has a device.
package main

import (
	"fmt"
	"io"
	"log"
	"os"
	"text/tabwriter"

	_ "github.com/dotcompute/dc/backends/all"
	"github.com/dotcompute/dc/runtime"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("dcinfo: ")
	if len(os.Args) > 1 {
		fmt.Fprintln(os.Stderr, "usage: dcinfo (it takes no arguments)")
		os.Exit(2)
	}
	n, err := list(os.Stdout)
	if err != nil {
		log.Fatal(err)
	}
	if n == 0 {
		os.Exit(1)
	}
}

// list writes the table of devices and the reasons of the backends without
// one to w, and returns the number of devices.
func list(w io.Writer) (int, error) {
	devs, err := runtime.Devices()
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "BACKEND\t#\tDEVICE\tMEMORY\tUNITS\tFLOAT64\tMAX GROUP\tSHARED\tDRIVER")
	for _, d := range devs {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", d.Backend, d.Index, d.Name,
			size(d.MemoryBytes), count(d.ComputeUnits), yesNo(d.Float64), d.MaxGroupSize, size(int64(d.SharedMemoryBytes)), or(d.Driver, "-"))
	}
	if err := tw.Flush(); err != nil {
		return len(devs), err
	}
	if err != nil {
		fmt.Fprintln(w, "\nno device:")
		for _, e := range unjoin(err) {
			fmt.Fprintln(w, e.Error())
		}
	}
	return len(devs), nil
}

// unjoin returns the errors errors.Join joined into err.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// size formats n in binary units, "-" when unknown.
func size(n int64) string {
	const k = 1024
	switch {
	case n <= 0:
		return "-"
	case n < k:
		return fmt.Sprintf("%d B", n)
	case n < k*k:
		return fmt.Sprintf("%d KiB", n/k)
	case n < k*k*k:
		return fmt.Sprintf("%.1f MiB", float64(n)/(k*k))
	}
	return fmt.Sprintf("%.1f GiB", float64(n)/(k*k*k))
}

func count(n int) string {
	if n <= 0 {
		return "-"
	}
	return fmt.Sprint(n)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
