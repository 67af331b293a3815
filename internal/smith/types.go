package smith

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
)

// kind classifies a generated type.
type kind int

const (
	kScalar kind = iota
	kArray
	kStruct
)

// typ is a type the generator uses: a scalar, a [4]T array of a scalar, or
// a generated struct.
type typ struct {
	name   string
	kind   kind
	elem   *typ    // arrays: the element type
	fields []field // structs
	bits   int     // scalars: width in bits (1 for bool)
	signed bool
	float  bool
}

// field is a field of a generated struct.
type field struct {
	name string
	t    *typ
}

// arrayLen is the length of every local, parameter and field array.
const arrayLen = 4

var (
	tBool = &typ{name: "bool", bits: 1}
	tI8   = &typ{name: "int8", bits: 8, signed: true}
	tI16  = &typ{name: "int16", bits: 16, signed: true}
	tI32  = &typ{name: "int32", bits: 32, signed: true}
	tI64  = &typ{name: "int64", bits: 64, signed: true}
	tInt  = &typ{name: "int", bits: 64, signed: true}
	tU8   = &typ{name: "uint8", bits: 8}
	tU16  = &typ{name: "uint16", bits: 16}
	tU32  = &typ{name: "uint32", bits: 32}
	tU64  = &typ{name: "uint64", bits: 64}
	tUint = &typ{name: "uint", bits: 64}
	tF32  = &typ{name: "float32", bits: 32, signed: true, float: true}
	tF64  = &typ{name: "float64", bits: 64, signed: true, float: true}

	scalarTypes  = []*typ{tBool, tI8, tI16, tI32, tI64, tInt, tU8, tU16, tU32, tU64, tUint, tF32, tF64}
	numericTypes = scalarTypes[1:]
	intTypes     = scalarTypes[1:11]
	floatTypes   = []*typ{tF32, tF64}
	arrayTypes   = map[*typ]*typ{}
)

func arrayOf(e *typ) *typ {
	if a, ok := arrayTypes[e]; ok {
		return a
	}
	a := &typ{name: fmt.Sprintf("[%d]%s", arrayLen, e.name), kind: kArray, elem: e}
	arrayTypes[e] = a
	return a
}

func (t *typ) isInt() bool   { return t.kind == kScalar && t != tBool && !t.float }
func (t *typ) isBool() bool  { return t == tBool }
func (t *typ) isFloat() bool { return t.kind == kScalar && t.float }

// limits returns the smallest and largest values of an integer type as
// decimal strings.
func (t *typ) limits() (lo, hi string) {
	if t.signed {
		return strconv.FormatInt(-1<<(t.bits-1), 10), strconv.FormatInt(1<<(t.bits-1)-1, 10)
	}
	return "0", strconv.FormatUint(math.MaxUint64>>(64-t.bits), 10)
}

// intConst returns a random constant of integer type t: small values,
// values at or near the limits, powers of two and random values.
func intConst(r *rand.Rand, t *typ) string {
	lo, hi := t.limits()
	var v string
	switch r.IntN(8) {
	case 0, 1, 2:
		n := r.IntN(10)
		if t.signed && r.IntN(3) == 0 {
			n = -n
		}
		v = strconv.Itoa(n)
	case 3:
		v = lo
		if !t.signed {
			v = hi
		}
	case 4:
		v = hi
	case 5:
		if t.signed {
			v = strconv.Itoa(-1)
		} else {
			v = strconv.FormatUint(uint64(1)<<uint(r.IntN(t.bits)), 10)
		}
	case 6:
		b := r.IntN(t.bits - 1)
		v = strconv.FormatUint(uint64(1)<<uint(b), 10)
	default:
		u := r.Uint64() >> (64 - t.bits)
		if t.signed {
			v = strconv.FormatInt(int64(u<<(64-t.bits))>>(64-t.bits), 10)
		} else {
			v = strconv.FormatUint(u, 10)
		}
	}
	return t.name + "(" + v + ")"
}

// floatConst returns a random constant of float type t: mostly dyadic
// fractions (exact in any order of evaluation), sometimes a value that
// float32 cannot hold exactly (0.1), which must become a float32 literal.
func floatConst(r *rand.Rand, t *typ) string {
	var v string
	switch r.IntN(6) {
	case 0:
		v = []string{"0.1", "0.2", "1e-3", "3.3", "1e6"}[r.IntN(5)]
	case 1:
		v = []string{"0", "1", "-1", "2", "0.5", "-0.5", "1024", "65536"}[r.IntN(8)]
	default:
		v = strconv.FormatFloat(float64(r.IntN(257)-128)/4, 'g', -1, 64)
	}
	return t.name + "(" + v + ")"
}

// scalarConst returns a random constant of scalar type t.
func scalarConst(r *rand.Rand, t *typ) string {
	switch {
	case t.isBool():
		if r.IntN(2) == 0 {
			return "true"
		}
		return "false"
	case t.isFloat():
		return floatConst(r, t)
	}
	return intConst(r, t)
}
