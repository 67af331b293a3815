package p

import (
	"github.com/dotcompute/dc"
)

func work(x []float32) {}

//dc:kernel
func K(t dc.Thread, x []float32) {
	go work(x) // ERROR: unsupported: go statements (goroutines)
}
