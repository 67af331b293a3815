package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []struct{ A, B float32 }) { // ERROR: unsupported: anonymous struct types
}
