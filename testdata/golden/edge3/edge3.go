// Package edge3 is a golden case: names the printers introduce or the
// target reserves, taken by user parameters, locals, struct types, fields
// and functions.
package edge3

import "github.com/dotcompute/dc"

// float3 is named like CUDA's vector type.
type float3 struct {
	class, new, delete int64
	this               [2]int64
}

// abs is named like the C library function.
func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// template is named like a C++ keyword.
func template(v float3) float3 {
	v.class, v.new = v.new, v.class
	v.this[1] = v.delete
	return v
}

// Lens has locals and parameters named like the length parameters the C
// printer adds.
//
//dc:kernel
func Lens(t dc.Thread, a []int64, a_len int64, out []int64) {
	i := t.GlobalX()
	if i >= len(a) {
		return
	}
	out_len := int64(len(out))
	out[i] = a[i] + a_len*1000 + out_len*1000000
}

// TypeShadow shadows the struct type name with a variable after using it.
//
//dc:kernel
func TypeShadow(t dc.Thread, a, out []int64) {
	i := t.GlobalX()
	if i >= len(a) {
		return
	}
	var p float3
	p.class, p.new, p.delete = a[i], 2, 3
	p.this[0] = abs(a[i])
	float3 := int64(7)
	q := p
	q = template(q)
	abs := q.class + q.new*10 + q.delete*100 + q.this[0]*1000 + q.this[1]*100000 + float3
	out[i] = abs
}
