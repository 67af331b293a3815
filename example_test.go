package dc_test

import (
	"fmt"

	"github.com/dotcompute/dc"
)

// Sum adds x into sum[0]: each group reduces its part in shared memory,
// then one thread per group adds the group's total atomically. In a
// package of its own (not a _test.go file, which dckgen skips) it would be
// marked //dc:kernel; dc.Emulate runs it as it is.
func Sum(t dc.Thread, x []float32, sum []float32) {
	s := dc.Shared[[256]float32](t)
	i, l := t.GlobalX(), t.LocalX()
	s[l] = 0
	if i < len(x) {
		s[l] = x[i]
	}
	t.Barrier()
	for stride := t.GroupSizeX() / 2; stride > 0; stride /= 2 {
		if l < stride {
			s[l] += s[l+stride]
		}
		t.Barrier()
	}
	if l == 0 {
		dc.AtomicAdd(&sum[0], s[0])
	}
}

func ExampleEmulate() {
	x := make([]float32, 1000)
	for i := range x {
		x[i] = float32(i + 1)
	}
	sum := make([]float32, 1)
	err := dc.Emulate(dc.Grid1D(len(x)), func(t dc.Thread) { Sum(t, x, sum) })
	fmt.Println(sum[0], err)

	// A kernel that returns early while the rest of its group waits at a
	// barrier is an error, not a hang.
	err = dc.Emulate(dc.Grid1D(len(x)), func(t dc.Thread) {
		if t.LocalX() == 0 {
			return
		}
		Sum(t, x, sum)
	})
	fmt.Println(err != nil)
	// Output:
	// 500500 <nil>
	// true
}
