package p

import (
	"github.com/dotcompute/dc"
)

var counter int

//dc:kernel
func K(t dc.Thread, x []int) {
	x[0] = counter       // ERROR: package-level variable counter
	defer done()         // ERROR: defer
	ch := make(chan int) // ERROR: unsupported: built-in make
	_ = ch
}

//dc:kernel
func K2(t dc.Thread, x []int) {
	go done() // ERROR: go statements
}

func done() {}
