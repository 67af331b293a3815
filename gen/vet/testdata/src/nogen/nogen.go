package nogen

import "github.com/dotcompute/dc"

//dc:kernel
func Zero(t dc.Thread, x []float32) { // want `kernel Zero has no generated code \(there is no dc_kernels.go\): run go generate`
	x[0] = 0
}
