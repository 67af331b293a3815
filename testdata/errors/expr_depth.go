package p

import (
	"github.com/dotcompute/dc"
)

// K holds an expression Go accepts but clang, which builds OpenCL C, does
// not: too many nested brackets.
//
//dc:kernel
func K(t dc.Thread, x []int32) {
	v := x[t.GlobalX()]
	x[0] = v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v + (v)))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))) // ERROR: expression nested too deeply (depth 101, at most 100): split it with temporary variables
	w := v + 1
	x[1] = w * (w + (w - (w * 2))) // fine
}
