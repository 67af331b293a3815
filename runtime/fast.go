package runtime

import (
	"encoding/binary"
	"math"
	"math/bits"

	"github.com/dotcompute/dc"
)

// FastSuffix ends the name of a kernel's fast entry point: the entry point
// Name+FastSuffix (and Aliased+FastSuffix) is the kernel without the
// run-time checks that its launch conditions (Kernel.FastIf) prove.
const FastSuffix = "_fast"

// LaunchCode says what one step of a LaunchExpr does.
type LaunchCode int

// The steps of a LaunchExpr. Binary operations pop y, then x, and push
// x op y.
const (
	LaunchConst    LaunchCode = iota + 1 // push Arg
	LaunchLen                            // push the length of the buffer argument Arg
	LaunchInt                            // push the signed integer scalar argument Arg
	LaunchUint                           // push the unsigned integer scalar argument Arg
	LaunchGeometry                       // push grid quantity Arg: 0-2 GroupSize, 3-5 NumGroups, 6-8 GridSize (X, Y, Z)
	LaunchAdd
	LaunchSub
	LaunchMul
	LaunchMin
	LaunchMax
	LaunchDiv // x / y, for x >= 0 and y > 0
)

// LaunchOp is one step of a LaunchExpr.
type LaunchOp struct {
	Code LaunchCode
	Arg  int64
}

// LaunchExpr is an integer expression over a launch's arguments and grid,
// as a postfix program, that dckgen derives from a kernel's run-time
// checks. It holds when it evaluates to a value >= 0 with no step failing:
// an overflow, an unsigned argument above the int64 range, a division
// other than of a non-negative value by a positive one, or a malformed
// program.
type LaunchExpr []LaunchOp

// holds evaluates e for a launch over grid g with arguments args.
func (e LaunchExpr) holds(g dc.Grid, args []CallArg) bool {
	var stack [16]int64
	n := 0
	for _, o := range e {
		var v int64
		switch o.Code {
		case LaunchConst:
			v = o.Arg
		case LaunchLen:
			if o.Arg < 0 || o.Arg >= int64(len(args)) {
				return false
			}
			v = int64(args[o.Arg].Len)
		case LaunchInt, LaunchUint:
			if o.Arg < 0 || o.Arg >= int64(len(args)) {
				return false
			}
			var ok bool
			if v, ok = scalarInt(args[o.Arg].Scalar, o.Code == LaunchInt); !ok {
				return false
			}
		case LaunchGeometry:
			dims := [3]dc.Dim3{g.GroupSize, g.Groups, {X: g.GroupSize.X * g.Groups.X, Y: g.GroupSize.Y * g.Groups.Y, Z: g.GroupSize.Z * g.Groups.Z}}
			if o.Arg < 0 || o.Arg > 8 {
				return false
			}
			d := dims[o.Arg/3]
			v = int64([3]int{d.X, d.Y, d.Z}[o.Arg%3])
		default:
			if n < 2 {
				return false
			}
			x, y := stack[n-2], stack[n-1]
			n -= 2
			var ok bool
			if v, ok = arith(o.Code, x, y); !ok {
				return false
			}
		}
		if n == len(stack) {
			return false
		}
		stack[n] = v
		n++
	}
	return n == 1 && stack[0] >= 0
}

// arith applies a binary step, reporting overflow and invalid operands.
func arith(c LaunchCode, x, y int64) (int64, bool) {
	switch c {
	case LaunchAdd:
		r := x + y
		return r, (r > x) == (y > 0) || y == 0
	case LaunchSub:
		r := x - y
		return r, (r < x) == (y > 0) || y == 0
	case LaunchMul:
		if x == 0 || y == 0 {
			return 0, true
		}
		hi, lo := bits.Mul64(uint64(abs(x)), uint64(abs(y)))
		if hi != 0 || lo > math.MaxInt64 || x == math.MinInt64 || y == math.MinInt64 {
			return 0, false
		}
		if (x < 0) != (y < 0) {
			return -int64(lo), true
		}
		return int64(lo), true
	case LaunchMin:
		return min(x, y), true
	case LaunchMax:
		return max(x, y), true
	case LaunchDiv:
		return x / max(y, 1), x >= 0 && y > 0
	}
	return 0, false
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// scalarInt decodes an integer scalar argument (1, 2, 4 or 8 bytes,
// little-endian).
func scalarInt(b []byte, signed bool) (int64, bool) {
	var u uint64
	switch len(b) {
	case 1:
		u = uint64(b[0])
		if signed {
			return int64(int8(b[0])), true
		}
	case 2:
		u = uint64(binary.LittleEndian.Uint16(b))
		if signed {
			return int64(int16(u)), true
		}
	case 4:
		u = uint64(binary.LittleEndian.Uint32(b))
		if signed {
			return int64(int32(u)), true
		}
	case 8:
		u = binary.LittleEndian.Uint64(b)
		if signed {
			return int64(u), true
		}
	default:
		return 0, false
	}
	return int64(u), u <= math.MaxInt64
}

// fast reports whether every launch condition of k holds for a launch
// over g with args (the kernel's own arguments).
func fast(k *Kernel, g dc.Grid, args []CallArg) bool {
	if k.FastIf == nil {
		return false
	}
	for _, e := range k.FastIf {
		if !e.holds(g, args) {
			return false
		}
	}
	return true
}
