package diag

import "github.com/dotcompute/dc"

// Scale has one rejected construct, used three times: one diagnostic.
//
//dc:kernel
func Scale(t dc.Thread, a float32, x []float32) {
	var m map[int]float32 // want `kernel Scale: unsupported: maps cannot be used in kernels`
	m[0] = a
	x[0] = m[1] * m[2]
}

func helper(x []float32) {
	defer done() // want `kernel Helped: in helper: unsupported: defer cannot be used in kernels`
	x[0] = 1
}

func done() {}

//dc:kernel
func Helped(t dc.Thread, x []float32) {
	helper(x)
}

//dc:kernal // want `unknown directive //dc:kernal`
func Typo(t dc.Thread, x []float32) {}

// dc:kernel // want `// dc:kernel is not a directive: write //dc:kernel`
func Space(t dc.Thread, x []float32) {}

//dc:kernel // want `misplaced //dc:kernel: it is separated from func Blank by a blank line`

func Blank(t dc.Thread, x []float32) {}

//dc:kernel // want `misplaced //dc:kernel: it is on a var declaration`
var V = 1

func Body(t dc.Thread, x []float32) {
	//dc:kernel // want `misplaced //dc:kernel: it is inside the body of Body`
	x[0] = 1
}

//dc:kernel
func lower(t dc.Thread, x []float32) { // want `kernel lower: a kernel's name must be exported \(start with an upper-case letter\), like its launcher LaunchLower`
	x[0] = 1
}
