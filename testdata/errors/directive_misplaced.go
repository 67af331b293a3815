package p

import "github.com/dotcompute/dc"

//dc:kernal // ERROR: unknown directive //dc:kernal
func Typo(t dc.Thread, x []float32) {}

// dc:kernel // ERROR: // dc:kernel is not a directive: write //dc:kernel
func Space(t dc.Thread, x []float32) {}

//dc:kernel // ERROR: misplaced //dc:kernel: it is separated from func Blank by a blank line

func Blank(t dc.Thread, x []float32) {}

//dc:kernel // ERROR: misplaced //dc:kernel: it is on a var declaration
var V = 1

//dc:kernel // ERROR: misplaced //dc:kernel: it is on a type declaration
type T struct{}

const (
	//dc:kernel // ERROR: misplaced //dc:kernel: it is inside a const declaration
	C = 1
)

func Body(t dc.Thread, x []float32) {
	//dc:kernel // ERROR: misplaced //dc:kernel: it is inside the body of Body
	x[0] = 1
}

/*dc:kernel*/ // ERROR: /*dc:kernel*/ is not a directive
func Block(t dc.Thread, x []float32) {}

//dc:kernel
func lower(t dc.Thread, x []float32) { // ERROR: kernel lower: a kernel's name must be exported (start with an upper-case letter), like its launcher LaunchLower
	var m map[int]int // ERROR: kernel lower: unsupported: maps cannot be used in kernels
	m[1] = 2
	x[0] = float32(m[3])
}
