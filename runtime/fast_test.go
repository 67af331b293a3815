package runtime

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/dotcompute/dc"
)

func TestLaunchExprHolds(t *testing.T) {
	i64 := func(v int64) []byte { return binary.LittleEndian.AppendUint64(nil, uint64(v)) }
	args := []CallArg{
		{Len: 100},                               // 0: a buffer of 100
		{Scalar: i64(-3)},                        // 1: int -3
		{Scalar: []byte{0xff, 0xff, 0xff, 0xff}}, // 2: int32 -1 or uint32 4294967295
		{Scalar: i64(-1)},                        // 3: uint64 above the int64 range
		{Scalar: i64(math.MaxInt64)},             // 4
	}
	g := dc.Grid{Groups: dc.Dim3{X: 4, Y: 1, Z: 1}, GroupSize: dc.Dim3{X: 25, Y: 1, Z: 1}}
	c := func(v int64) LaunchOp { return LaunchOp{Code: LaunchConst, Arg: v} }
	op := func(code LaunchCode) LaunchOp { return LaunchOp{Code: code} }
	for _, tc := range []struct {
		name string
		e    LaunchExpr
		want bool
	}{
		{"len - GridSizeX = 0", LaunchExpr{{LaunchLen, 0}, {LaunchGeometry, 6}, op(LaunchSub)}, true},
		{"len - GridSizeX - 1 < 0", LaunchExpr{{LaunchLen, 0}, {LaunchGeometry, 6}, op(LaunchSub), c(1), op(LaunchSub)}, false},
		{"GroupSizeX * NumGroupsX - 100", LaunchExpr{{LaunchGeometry, 0}, {LaunchGeometry, 3}, op(LaunchMul), c(100), op(LaunchSub)}, true},
		{"negative int", LaunchExpr{{LaunchInt, 1}}, false},
		{"int32 -1 + 1", LaunchExpr{{LaunchInt, 2}, c(1), op(LaunchAdd)}, true},
		{"uint32", LaunchExpr{{LaunchUint, 2}, c(4294967295), op(LaunchSub)}, true},
		{"uint64 above int64", LaunchExpr{{LaunchUint, 3}}, false},
		{"overflowing add", LaunchExpr{{LaunchInt, 4}, c(1), op(LaunchAdd)}, false},
		{"overflowing mul", LaunchExpr{{LaunchInt, 4}, c(2), op(LaunchMul)}, false},
		{"overflowing sub", LaunchExpr{c(math.MinInt64), c(1), op(LaunchSub), c(0), op(LaunchMax)}, false},
		{"min and max", LaunchExpr{c(5), c(-2), op(LaunchMin), c(0), op(LaunchMax)}, true},
		{"division", LaunchExpr{c(7), c(2), op(LaunchDiv), c(3), op(LaunchSub)}, true},
		{"division of a negative value", LaunchExpr{c(-7), c(2), op(LaunchDiv), c(10), op(LaunchAdd)}, false},
		{"division by zero", LaunchExpr{c(7), c(0), op(LaunchDiv)}, false},
		{"argument out of range", LaunchExpr{{LaunchLen, 9}}, false},
		{"geometry out of range", LaunchExpr{{LaunchGeometry, 9}}, false},
		{"stack underflow", LaunchExpr{c(1), op(LaunchAdd)}, false},
		{"two values left", LaunchExpr{c(1), c(2)}, false},
		{"empty", LaunchExpr{}, false},
		{"unknown step", LaunchExpr{{LaunchCode(99), 0}}, false},
	} {
		if got := tc.e.holds(g, args); got != tc.want {
			t.Errorf("%s: holds = %v, want %v", tc.name, got, tc.want)
		}
	}
}
