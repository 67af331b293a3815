package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel
func K[T dc.Float](t dc.Thread, x []T) { // ERROR: kernel K: generic kernel needs //dc:kernel types=
}
