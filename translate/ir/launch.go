package ir

import "fmt"

// A LaunchExpr is an integer expression over what the runtime knows when a
// kernel is launched — constants, the lengths of slice parameters, integer
// scalar parameters and the grid's geometry — as a postfix program. It
// holds when it evaluates to a value >= 0 with no step failing (an
// overflow, an unsigned parameter above the int64 range, a division that
// is not of a non-negative value by a positive one).
//
// The check pass (package checks) gives a Check of a kernel body the
// LaunchExprs under which it cannot fail (Check.When); printers then print
// a second entry point without such checks, which the runtime launches
// when every one of the kernel's conditions holds.
type LaunchExpr []LaunchOp

// LaunchOp is one step of a LaunchExpr.
type LaunchOp struct {
	Code LaunchCode
	Arg  int64
}

// LaunchCode says what a LaunchOp does. Binary operations pop y, then x,
// and push x op y.
type LaunchCode int

// The steps of a LaunchExpr.
const (
	LaunchConst    LaunchCode = iota + 1 // push Arg
	LaunchLen                            // push the length of kernel parameter Arg (a slice)
	LaunchInt                            // push kernel parameter Arg, a signed integer
	LaunchUint                           // push kernel parameter Arg, an unsigned integer
	LaunchGeometry                       // push grid quantity Arg: 0-2 GroupSize, 3-5 NumGroups, 6-8 GridSize (X, Y, Z)
	LaunchAdd
	LaunchSub
	LaunchMul
	LaunchMin
	LaunchMax
	LaunchDiv
)

// GeometryIndex returns the LaunchGeometry argument of thread builtin b,
// one of GroupSizeX ... GridSizeZ.
func GeometryIndex(b Builtin) int64 { return int64(b - GroupSizeX) }

// FastName is the name of the fast entry point of entry point name: the
// same kernel without the checks its launch conditions prove.
func FastName(name string) string { return name + "_fast" }

// FastConditions returns the launch conditions of kernel k's fast entry
// points, without duplicates, in the order of its checks; nil if k has no
// check with launch conditions, and so no fast entry point.
func FastConditions(k *Kernel) []LaunchExpr {
	var out []LaunchExpr
	found := false
	seen := map[string]bool{}
	InspectExprs(k.Body, func(e Expr) {
		var c *Check
		switch e := e.(type) {
		case *Index:
			c = e.Check
		case *Binary:
			c = e.Check
		}
		if c == nil || c.When == nil {
			return
		}
		found = true
		for _, w := range c.When {
			key := fmt.Sprint(w)
			if !seen[key] {
				seen[key] = true
				out = append(out, w)
			}
		}
	})
	if found && out == nil {
		out = []LaunchExpr{} // the checks hold in every launch
	}
	return out
}

// FastChecked reports whether kernel k's fast entry points still carry
// checks: checks of its body without launch conditions, or calls of
// checked device functions.
func FastChecked(k *Kernel) bool {
	found := false
	InspectExprs(k.Body, func(e Expr) {
		switch e := e.(type) {
		case *Index:
			found = found || e.Check != nil && e.Check.When == nil
		case *SliceExpr:
			found = found || e.Check != nil
		case *Binary:
			found = found || e.Check != nil && e.Check.When == nil
		case *Call:
			found = found || e.Func.Checked
		}
	})
	return found
}
