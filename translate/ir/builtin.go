package ir

// Builtin names an operation every target provides natively: thread
// geometry, barriers, math, min/max and atomics.
type Builtin int

// Thread geometry (each returns int) and the barrier. The X/Y/Z variants are
// consecutive, so GlobalX+d is the builtin for dimension d.
const (
	GlobalX Builtin = iota
	GlobalY
	GlobalZ
	LocalX
	LocalY
	LocalZ
	GroupX
	GroupY
	GroupZ
	GroupSizeX
	GroupSizeY
	GroupSizeZ
	NumGroupsX
	NumGroupsY
	NumGroupsZ
	GridSizeX
	GridSizeY
	GridSizeZ
	Barrier // t.Barrier(): group barrier with a group-memory fence

	// Math. Every op takes and returns floats of one type T (float32 or
	// float64), except as noted.
	Sqrt
	Rsqrt // 1/sqrt(x)
	Exp
	Exp2
	Log
	Log2
	Log10
	Sin
	Cos
	Tan
	Asin
	Acos
	Atan
	Sinh
	Cosh
	Tanh
	Atan2 // (y, x)
	Pow   // (x, y)
	Abs
	Floor
	Ceil
	Trunc
	Round       // half away from zero (Go's math.Round)
	RoundToEven // math.RoundToEven
	FMA         // (x, y, z) = x*y+z with one rounding
	Mod         // math.Mod: C fmod
	Hypot
	Cbrt
	Copysign
	IsNaN       // (x) bool
	IsInf       // (x, sign int) bool, Go's math.IsInf
	Float32Bits // (float32) uint32
	Float32From // (uint32) float32: math.Float32frombits
	Float64Bits // (float64) uint64
	Float64From // (uint64) float64: math.Float64frombits

	// Min and Max follow Go's builtins: two or more operands of one type;
	// for floats a NaN operand gives NaN and min(-0, +0) is -0.
	Min
	Max

	// Atomics on Args[0], a location (*Index) in global or shared memory;
	// each returns the old value. AtomicCAS takes (loc, old, new).
	AtomicAdd
	AtomicExchange
	AtomicMin
	AtomicMax
	AtomicCAS
)

var builtinNames = [...]string{
	GlobalX: "GlobalX", GlobalY: "GlobalY", GlobalZ: "GlobalZ",
	LocalX: "LocalX", LocalY: "LocalY", LocalZ: "LocalZ",
	GroupX: "GroupX", GroupY: "GroupY", GroupZ: "GroupZ",
	GroupSizeX: "GroupSizeX", GroupSizeY: "GroupSizeY", GroupSizeZ: "GroupSizeZ",
	NumGroupsX: "NumGroupsX", NumGroupsY: "NumGroupsY", NumGroupsZ: "NumGroupsZ",
	GridSizeX: "GridSizeX", GridSizeY: "GridSizeY", GridSizeZ: "GridSizeZ",
	Barrier: "Barrier",
	Sqrt:    "Sqrt", Rsqrt: "Rsqrt", Exp: "Exp", Exp2: "Exp2", Log: "Log", Log2: "Log2", Log10: "Log10",
	Sin: "Sin", Cos: "Cos", Tan: "Tan", Asin: "Asin", Acos: "Acos", Atan: "Atan",
	Sinh: "Sinh", Cosh: "Cosh", Tanh: "Tanh", Atan2: "Atan2", Pow: "Pow", Abs: "Abs",
	Floor: "Floor", Ceil: "Ceil", Trunc: "Trunc", Round: "Round", RoundToEven: "RoundToEven",
	FMA: "FMA", Mod: "Mod", Hypot: "Hypot", Cbrt: "Cbrt", Copysign: "Copysign",
	IsNaN: "IsNaN", IsInf: "IsInf",
	Float32Bits: "Float32bits", Float32From: "Float32frombits",
	Float64Bits: "Float64bits", Float64From: "Float64frombits",
	Min: "min", Max: "max",
	AtomicAdd: "AtomicAdd", AtomicExchange: "AtomicExchange", AtomicMin: "AtomicMin",
	AtomicMax: "AtomicMax", AtomicCAS: "AtomicCAS",
}

// String returns the Go name of the builtin (the dc.Thread method, the dc or
// math function, or min/max).
func (b Builtin) String() string { return builtinNames[b] }

// IsThread reports whether b is a dc.Thread geometry method.
func (b Builtin) IsThread() bool { return b <= GridSizeZ }

// IsMath reports whether b is a math function.
func (b Builtin) IsMath() bool { return b >= Sqrt && b <= Float64From }

// IsAtomic reports whether b is an atomic.
func (b Builtin) IsAtomic() bool { return b >= AtomicAdd && b <= AtomicCAS }

// Dim returns 0, 1 or 2 for the X, Y or Z variant of a thread builtin.
func (b Builtin) Dim() int { return int(b-GlobalX) % 3 }
