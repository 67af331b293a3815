package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel types=float32,string,Nope,int // ERROR: types=: unknown or unsupported type "string" // ERROR: types=: unknown or unsupported type "Nope" // ERROR: types=: int does not satisfy
func K[T dc.Float](t dc.Thread, x []T) {
}
