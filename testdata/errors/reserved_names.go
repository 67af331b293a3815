package p

import "github.com/dotcompute/dc"

var dcModule = 1 // ERROR: the name dcModule is reserved for the code dckgen generates

func dc_helper() {} // ERROR: the name dc_helper is reserved

func LaunchK() {} // ERROR: LaunchK is the name of a generated launcher

//dc:kernel
func K(t dc.Thread, x []float32) {
}
