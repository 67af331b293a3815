// Package minmax is a golden case: the builtins min and max with two and
// three operands on integers and floats, following Go's rules for floats:
// any NaN operand gives NaN, and min(-0, +0) is -0, max(-0, +0) is +0.
package minmax

import "github.com/dotcompute/dc"

// Outputs of each kernel, per element.
const (
	oMin2 = iota
	oMax2
	oMin3
	oMax3
	oMixed // with a constant operand
	numOut
)

// Float32 writes min and max of a[i], b[i] (and c[i]) to out[k*n+i].
//
//dc:kernel
func Float32(t dc.Thread, a, b, c, out []float32) {
	i := t.GlobalX()
	n := len(a)
	if i >= n {
		return
	}
	x, y, z := a[i], b[i], c[i]
	out[oMin2*n+i] = min(x, y)
	out[oMax2*n+i] = max(x, y)
	out[oMin3*n+i] = min(x, y, z)
	out[oMax3*n+i] = max(x, y, z)
	out[oMixed*n+i] = max(min(x, 0.5), -0.25)
}

// Float64 is Float32 for float64.
//
//dc:kernel
func Float64(t dc.Thread, a, b, c, out []float64) {
	i := t.GlobalX()
	n := len(a)
	if i >= n {
		return
	}
	x, y, z := a[i], b[i], c[i]
	out[oMin2*n+i] = min(x, y)
	out[oMax2*n+i] = max(x, y)
	out[oMin3*n+i] = min(x, y, z)
	out[oMax3*n+i] = max(x, y, z)
	out[oMixed*n+i] = max(min(x, 0.5), -0.25)
}

// Ints does the same on int32, uint8 and int64 (as int) operands.
//
//dc:kernel
func Ints(t dc.Thread, a, b, c []int32, ua, ub, uc []uint8, la, lb []int64, out []int32, uout []uint8, lout []int) {
	i := t.GlobalX()
	n := len(a)
	if i >= n {
		return
	}
	out[oMin2*n+i] = min(a[i], b[i])
	out[oMax2*n+i] = max(a[i], b[i])
	out[oMin3*n+i] = min(a[i], b[i], c[i])
	out[oMax3*n+i] = max(a[i], b[i], c[i])
	out[oMixed*n+i] = max(min(a[i], 100), -100)
	uout[oMin2*n+i] = min(ua[i], ub[i])
	uout[oMax2*n+i] = max(ua[i], ub[i])
	uout[oMin3*n+i] = min(ua[i], ub[i], uc[i])
	uout[oMax3*n+i] = max(ua[i], ub[i], uc[i])
	uout[oMixed*n+i] = max(ua[i], 200)
	x, y := int(la[i]), int(lb[i])
	lout[oMin2*n+i] = min(x, y)
	lout[oMax2*n+i] = max(x, y)
	lout[oMin3*n+i] = min(x, y, 0)
	lout[oMax3*n+i] = max(x, y, 0)
	lout[oMixed*n+i] = min(max(x, -1000), 1000)
}
