package p

import (
	"github.com/dotcompute/dc"
	"fmt"
)

//dc:kernel
func K(t dc.Thread, x []int) {
	fmt.Println(x[0]) // ERROR: unsupported: calls into other packages (fmt.Println)
}
