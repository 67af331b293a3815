// Package edge is a golden case of adversarial but valid kernels:
// variables shadowed in inner scopes whose initialisers read the outer
// variable of the same name.
package edge

import "github.com/dotcompute/dc"

// Shadow declares inner variables whose initialisers read the outer
// variable of the same name.
//
//dc:kernel
func Shadow(t dc.Thread, a, out []int64) {
	i := t.GlobalX()
	if i >= len(a) {
		return
	}
	x := a[i]
	{
		x := x + 1
		x *= 2
		out[3*i] = x
	}
	if x := x * 3; x > 0 {
		out[3*i+1] = x
	} else {
		out[3*i+1] = -x
	}
	for x := x; x > 0; x /= 2 {
		out[3*i+2]++
	}
}
