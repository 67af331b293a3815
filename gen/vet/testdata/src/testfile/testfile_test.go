package testfile

import "github.com/dotcompute/dc"

//dc:kernel
func Sum(t dc.Thread, x []float32) { // want `kernel Sum is in a _test.go file, which dckgen does not read`
	x[0] = 1
}
