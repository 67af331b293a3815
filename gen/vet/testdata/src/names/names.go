package names

import "github.com/dotcompute/dc"

var dcOpenCL = 1 // want `the name dcOpenCL is reserved for the code dckgen generates`

func LaunchK() {} // want `LaunchK is the name of a launcher the generated dc_kernels.go declares`

//dc:kernel
func K(t dc.Thread, x []float32) {
	x[0] = 1
}
