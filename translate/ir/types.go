package ir

import "fmt"

// Type is a kernel IR type: *Basic, *Array, *Struct, *Slice, *Pointer, or
// *Tuple (the results of a multi-result call only).
type Type interface {
	// String returns the Go spelling of the type (named types by name).
	String() string
	typ()
}

// Kind is a basic type's kind. Int and Uint are Go's int and uint: 64 bits
// on every target.
type Kind int

// Basic kinds.
const (
	Bool Kind = iota
	Int
	Int8
	Int16
	Int32
	Int64
	Uint
	Uint8
	Uint16
	Uint32
	Uint64
	Float32
	Float64
)

var kindNames = [...]string{
	Bool: "bool", Int: "int", Int8: "int8", Int16: "int16", Int32: "int32", Int64: "int64",
	Uint: "uint", Uint8: "uint8", Uint16: "uint16", Uint32: "uint32", Uint64: "uint64",
	Float32: "float32", Float64: "float64",
}

// String returns the Go name of the kind.
func (k Kind) String() string { return kindNames[k] }

// Size returns the size of a value of the kind in bytes.
func (k Kind) Size() int64 {
	switch k {
	case Bool, Int8, Uint8:
		return 1
	case Int16, Uint16:
		return 2
	case Int32, Uint32, Float32:
		return 4
	}
	return 8
}

// IsInteger reports whether k is a signed or unsigned integer kind.
func (k Kind) IsInteger() bool { return k >= Int && k <= Uint64 }

// IsSigned reports whether k is a signed integer kind.
func (k Kind) IsSigned() bool { return k >= Int && k <= Int64 }

// IsUnsigned reports whether k is an unsigned integer kind.
func (k Kind) IsUnsigned() bool { return k >= Uint && k <= Uint64 }

// IsFloat reports whether k is float32 or float64.
func (k Kind) IsFloat() bool { return k == Float32 || k == Float64 }

// Bits returns the width of the kind in bits.
func (k Kind) Bits() int { return int(k.Size()) * 8 }

// Basic is a boolean, integer or floating-point type. Name is the Go name of a
// named type defined on it (type Celsius float32), or "" for the predeclared
// type itself.
type Basic struct {
	Kind Kind
	Name string
}

// Predeclared basic types.
var (
	BoolType    = &Basic{Kind: Bool}
	IntType     = &Basic{Kind: Int}
	Int32Type   = &Basic{Kind: Int32}
	Uint32Type  = &Basic{Kind: Uint32}
	Float32Type = &Basic{Kind: Float32}
	Float64Type = &Basic{Kind: Float64}
)

// String returns the Go spelling.
func (t *Basic) String() string {
	if t.Name != "" {
		return t.Name
	}
	return t.Kind.String()
}

// Array is a fixed-size array [Len]Elem.
type Array struct {
	Elem Type
	Len  int64
}

func (t *Array) String() string { return fmt.Sprintf("[%d]%s", t.Len, t.Elem) }

// Size returns the array's size in bytes.
func (t *Array) Size() int64 { return t.Len * SizeOf(t.Elem) }

// Struct is a named struct type of the kernel's package. Its layout is Go's
// (fields at Go's offsets, as go/types computes them for the target); C
// printers emit the same layout and a static check of it.
type Struct struct {
	Name   string
	Fields []*Field
	Size   int64
	Align  int64
}

// Field is one struct field.
type Field struct {
	Name   string
	Type   Type
	Offset int64
}

func (t *Struct) String() string { return t.Name }

// Slice is a Go slice: a pointer to global (device) memory and a 64-bit
// length. Slices appear as kernel and function parameters and locals.
type Slice struct {
	Elem Type
	Name string // Go name of a named slice type, "" if none
}

func (t *Slice) String() string {
	if t.Name != "" {
		return t.Name
	}
	return "[]" + t.Elem.String()
}

// Space is an address space.
type Space int

// Address spaces.
const (
	SpaceGlobal Space = iota // device memory: slices
	SpaceShared              // group-shared memory: dc.Shared
)

// Pointer is a pointer to a fixed-size array in group-shared memory (the
// result of dc.Shared) or, inside atomics only, to an element.
type Pointer struct {
	Elem  Type
	Space Space
}

func (t *Pointer) String() string { return "*" + t.Elem.String() }

// Tuple is the result list of a multi-result call.
type Tuple struct{ Types []Type }

func (t *Tuple) String() string {
	s := "("
	for i, e := range t.Types {
		if i > 0 {
			s += ", "
		}
		s += e.String()
	}
	return s + ")"
}

func (*Basic) typ()   {}
func (*Array) typ()   {}
func (*Struct) typ()  {}
func (*Slice) typ()   {}
func (*Pointer) typ() {}
func (*Tuple) typ()   {}

// SizeOf returns the size in bytes of a value of type t as stored in device
// memory (Go's layout). Slices and pointers are 8 bytes; tuples 0.
func SizeOf(t Type) int64 {
	switch t := t.(type) {
	case *Basic:
		return t.Kind.Size()
	case *Array:
		return t.Size()
	case *Struct:
		return t.Size
	case *Slice, *Pointer:
		return 8
	}
	return 0
}

// Underlying returns the basic type of t with any type name dropped, or t
// itself if it is not basic.
func Underlying(t Type) Type {
	if b, ok := t.(*Basic); ok && b.Name != "" {
		return &Basic{Kind: b.Kind}
	}
	return t
}

// IsKind reports whether t is a basic type of kind k.
func IsKind(t Type, k Kind) bool {
	b, ok := t.(*Basic)
	return ok && b.Kind == k
}

// IsInteger reports whether t is an integer type.
func IsInteger(t Type) bool {
	b := BasicOf(t)
	return b != nil && b.Kind.IsInteger()
}

// BasicOf returns t as a *Basic, or nil.
func BasicOf(t Type) *Basic {
	b, _ := t.(*Basic)
	return b
}
