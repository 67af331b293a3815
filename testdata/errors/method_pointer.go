package p

import (
	"github.com/dotcompute/dc"
)

type Acc struct{ Sum float32 }

func (a *Acc) Add(v float32) { a.Sum += v }

//dc:kernel
func K(t dc.Thread, x []float32) {
	var a Acc
	a.Add(x[0]) // ERROR: unsupported: method Add has a pointer receiver
	x[0] = a.Sum
}
