package p

import (
	"fmt"
	"github.com/dotcompute/dc"
)

//dc:kernel
func K(t dc.Thread, x []int) {
	fmt.Println(x[0]) // ERROR: unsupported: calls into other packages (fmt.Println)
}
