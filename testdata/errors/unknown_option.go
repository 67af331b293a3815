package p

import (
	"github.com/dotcompute/dc"
)

//dc:kernel fast // ERROR: unknown //dc:kernel option "fast"
func K(t dc.Thread, x []int) {
}
