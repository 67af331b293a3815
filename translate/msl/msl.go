// Package msl prints the kernel IR as the Metal Shading Language 3.0, for
// Apple GPUs.
//
// The printing is the C-family core in package cfamily, shared with the
// CUDA and OpenCL C printers; this package only describes the dialect:
// kernel entry points, device slices with their lengths, threadgroup
// shared arrays, scalars by constant reference (the bytes setBytes binds),
// each parameter bound to [[buffer(i)]] in order, the thread geometry as
// entry-point parameters ([[thread_position_in_grid]] and friends) handed
// on to the device functions that read it, threadgroup_barrier, atomics
// through atomic_int, atomic_uint and atomic_float with
// memory_order_relaxed, as_type bit casts and Metal's math, with
// metal::fast:: functions in kernels marked fastmath.
//
// What MSL lacks is built from what it has, with Go's semantics:
//
//   - float32 atomic add on threadgroup memory is a compare-and-swap loop
//     on the bits (device memory has atomic_float's fetch_add);
//   - compare-and-swap retries Metal's weak exchange until it fails for a
//     real difference, so it never reports a spurious failure;
//   - hypot and cbrt, which Metal does not have, are helpers;
//   - a product under an explicit conversion, which Go says must round on
//     its own, is a helper function, so it is never fused with an addition
//     outside the conversion;
//   - MSL has no goto, which the C-family core prints elsewhere for a break
//     or continue that leaves more than the innermost loop or switch: here
//     such a branch sets a flag and breaks out of each construct in between
//     (Dialect.NoGoto).
//
// Metal has neither float64 nor 64-bit atomics. A kernel that needs them
// (itself or through a function it calls), or more buffer bindings than a
// Metal function has, is left out of the source, with a comment naming it;
// Unsupported lists such kernels with the position of the first use, and
// the other kernels of the program still print.
// #line directives map the compiler's messages to Go lines.
package msl

import (
	"fmt"
	"strings"

	"github.com/dotcompute/dc/translate/cfamily"
	"github.com/dotcompute/dc/translate/ir"
)

// Prologue opens every file: the standard library and its namespace.
const Prologue = "#include <metal_stdlib>\nusing namespace metal;\n"

// Barrier is the group barrier: like CUDA's __syncthreads, it orders both
// group-shared and device memory accesses of the group's threads.
const Barrier = "threadgroup_barrier(mem_flags::mem_device | mem_flags::mem_threadgroup)"

// Dialect is the Metal Shading Language 3.0 dialect of the C-family printer.
var Dialect = &cfamily.Dialect{
	Name:     "metal",
	Prologue: Prologue,
	Types: [ir.Float64 + 1]string{
		ir.Bool: "bool",
		ir.Int:  "long", ir.Int8: "char", ir.Int16: "short", ir.Int32: "int", ir.Int64: "long",
		ir.Uint: "ulong", ir.Uint8: "uchar", ir.Uint16: "ushort", ir.Uint32: "uint", ir.Uint64: "ulong",
		ir.Float32: "float", ir.Float64: "double",
	},
	IntSuffix: [ir.Float64 + 1]string{
		ir.Int: "L", ir.Int64: "L", ir.Uint: "UL", ir.Uint64: "UL", ir.Uint32: "u",
	},
	Kernel:    "kernel",
	SharedVar: "threadgroup",
	SharedPtr: "threadgroup",
	GlobalPtr: "device",
	ThreadParams: []string{
		"uint3 dc_gid [[thread_position_in_grid]]",
		"uint3 dc_lid [[thread_position_in_threadgroup]]",
		"uint3 dc_grp [[threadgroup_position_in_grid]]",
		"uint3 dc_gsz [[threads_per_threadgroup]]",
		"uint3 dc_ngr [[threadgroups_per_grid]]",
	},
	ThreadFuncParams: []string{"uint3 dc_gid", "uint3 dc_lid", "uint3 dc_grp", "uint3 dc_gsz", "uint3 dc_ngr"},
	ThreadArgs:       "dc_gid, dc_lid, dc_grp, dc_gsz, dc_ngr",
	ParamSpace:       "constant",
	ParamAttr:        func(i int) string { return fmt.Sprintf(" [[buffer(%d)]]", i) },
	PrivatePtr:       "thread",
	ArrayArgsByValue: true,
	StaticAssert:     "static_assert",
	NoGoto:           true,
	AlignOf:          "alignof",
	ZeroAggregate:    "{}",
	Thread:           thread,
	Barrier:          Barrier,
	RoundedMul: func(k ir.Kind) string {
		if k == ir.Float32 {
			return "dc_rmul_f32"
		}
		return ""
	},
	Math:             mathName,
	FastMath:         fastMathName,
	BitCast:          bitCast,
	Atomic:           atomic,
	Helpers:          helpers,
	Reserved:         reserved,
	ReservedPrefixes: reservedPrefixes,
}

// Print returns the MSL source of every kernel of p that Metal can run and
// of the device functions they call; the kernels Unsupported lists are
// left out, each named in a comment at the end. Other IR that MSL cannot
// express (see PrintChecked) prints as #error lines, so the build fails
// with the Go position.
func Print(p *ir.Program) string {
	s, _ := PrintChecked(p)
	return s
}

// PrintChecked is Print that also returns, as an error, every IR construct
// the printer cannot express, each with its Go position. Kernels left out
// for want of float64 or 64-bit atomics are not errors (see Unsupported).
func PrintChecked(p *ir.Program) (string, error) {
	omitted := Unsupported(p)
	if len(omitted) == 0 {
		return cfamily.Print(Dialect, p)
	}
	s, err := cfamily.Print(Dialect, runnable(p, omitted))
	var b strings.Builder
	b.WriteString(s)
	b.WriteString("\n// Kernels left out: Metal cannot run them.\n")
	for _, o := range omitted {
		b.WriteString("// " + o.String() + "\n")
	}
	return b.String(), err
}

// Omission is a kernel Metal cannot run, and why.
type Omission struct {
	Kernel string
	Pos    ir.Pos // the first use of what Metal lacks
	Reason string // what Metal lacks ("float64", "64-bit atomics", ...)
	Via    string // the device function through which the kernel uses it, or ""
}

// String formats o as "file:line:col: kernel K: Metal has no float64".
func (o Omission) String() string {
	s := fmt.Sprintf("kernel %s: Metal has no %s", o.Kernel, o.Reason)
	if o.Via != "" {
		s += " (used through " + o.Via + ")"
	}
	if o.Pos.IsValid() {
		s = fmt.Sprintf("%s:%d:%d: %s", o.Pos.File, o.Pos.Line, o.Pos.Col, s)
	}
	return s
}

// Unsupported returns the kernels of p that Metal cannot run, in program
// order: those that compute with float64 or use a 64-bit atomic, directly
// or through a device function they call, and those that take more than 31
// buffer bindings, each with the position of the first such use in the
// kernel.
func Unsupported(p *ir.Program) []Omission {
	s := &scanner{funcs: make(map[*ir.Func]*use)}
	var out []Omission
	for _, k := range p.Kernels {
		if u := s.scan(k.Params, k.Shared, k.Body); u != nil {
			out = append(out, Omission{Kernel: k.Name, Pos: u.pos, Reason: u.reason, Via: u.via})
			continue
		}
		if n := bindings(k); n > maxBuffers {
			out = append(out, Omission{Kernel: k.Name, Pos: k.Pos,
				Reason: fmt.Sprintf("room for %d buffer bindings (the argument table holds %d)", n, maxBuffers)})
		}
	}
	return out
}

// maxBuffers is the size of a Metal compute function's buffer argument
// table: [[buffer(0)]] to [[buffer(30)]].
const maxBuffers = 31

// bindings returns the number of [[buffer(i)]] parameters kernel k's
// entry point takes: a slice's pointer and length, one per scalar, and
// the fault record, its length and the tag of a checked kernel.
func bindings(k *ir.Kernel) int {
	n := 0
	for _, v := range k.Params {
		if _, ok := v.Type.(*ir.Slice); ok {
			n += 2
		} else {
			n++
		}
	}
	if k.Checked {
		n += 3
	}
	return n
}

// runnable returns p without the omitted kernels, the device functions
// only they call and the structs that hold float64.
func runnable(p *ir.Program, omitted []Omission) *ir.Program {
	drop := make(map[string]bool)
	for _, o := range omitted {
		drop[o.Kernel] = true
	}
	q := *p
	q.Kernels = nil
	reached := make(map[*ir.Func]bool)
	var reach func(b *ir.Block)
	reach = func(b *ir.Block) {
		ir.Inspect(b, func(n ir.Node) bool {
			if c, ok := n.(*ir.Call); ok && !reached[c.Func] {
				reached[c.Func] = true
				reach(c.Func.Body)
			}
			return true
		})
	}
	for _, k := range p.Kernels {
		if !drop[k.Name] {
			q.Kernels = append(q.Kernels, k)
			reach(k.Body)
		}
	}
	q.Funcs = nil
	for _, f := range p.Funcs {
		if reached[f] {
			q.Funcs = append(q.Funcs, f)
		}
	}
	q.Structs = nil
	for _, s := range p.Structs {
		if !ir.TypeUsesFloat64(s) {
			q.Structs = append(q.Structs, s)
		}
	}
	return &q
}

// use is the first use of something Metal lacks.
type use struct {
	pos    ir.Pos
	reason string
	via    string
}

// scanner finds the first use of float64 or of a 64-bit atomic, remembering
// its answer for each device function.
type scanner struct {
	funcs map[*ir.Func]*use
}

func (s *scanner) fn(f *ir.Func) *use {
	if u, ok := s.funcs[f]; ok {
		return u
	}
	s.funcs[f] = nil // Go rules out recursion; this only stops a cycle
	u := s.scan(f.Params, f.Shared, f.Body)
	if u == nil {
		for _, t := range f.Results {
			if ir.TypeUsesFloat64(t) {
				u = &use{pos: f.Pos, reason: "float64"}
				break
			}
		}
	}
	s.funcs[f] = u
	return u
}

func (s *scanner) scan(params []*ir.Var, shared []*ir.Shared, body *ir.Block) *use {
	for _, v := range params {
		if ir.TypeUsesFloat64(v.Type) {
			return &use{pos: v.Pos, reason: "float64"}
		}
	}
	for _, sh := range shared {
		if ir.TypeUsesFloat64(sh.Type) {
			return &use{pos: sh.Pos, reason: "float64"}
		}
	}
	var found *use
	var pos ir.Pos
	ir.Inspect(body, func(n ir.Node) bool {
		if found != nil {
			return false
		}
		if st, ok := n.(ir.Stmt); ok {
			if p := st.StmtPos(); p.IsValid() {
				pos = p
			}
		}
		switch n := n.(type) {
		case *ir.DeclStmt:
			if n.Var != nil && ir.TypeUsesFloat64(n.Var.Type) {
				found = &use{pos: pos, reason: "float64"}
			}
		case *ir.Call:
			if u := s.fn(n.Func); u != nil {
				via := n.Func.Name
				if u.via != "" {
					via += ", " + u.via
				}
				found = &use{pos: pos, reason: u.reason, via: via}
			}
		case *ir.BuiltinCall:
			if n.Op.IsAtomic() && len(n.Args) > 0 {
				if b := ir.BasicOf(n.Args[0].Type()); b != nil && is64(b.Kind) {
					found = &use{pos: pos, reason: "64-bit atomics"}
				}
			}
		}
		if e, ok := n.(ir.Expr); ok && found == nil && e.Type() != nil && ir.TypeUsesFloat64(e.Type()) {
			found = &use{pos: pos, reason: "float64"}
		}
		return found == nil
	})
	return found
}

func is64(k ir.Kind) bool {
	return k == ir.Int || k == ir.Int64 || k == ir.Uint || k == ir.Uint64
}

// thread returns the 64-bit expression of a thread geometry builtin, read
// from the entry point's parameters (Dialect.ThreadParams).
func thread(b ir.Builtin) string {
	c := "xyz"[b.Dim()]
	switch b - ir.Builtin(b.Dim()) {
	case ir.GlobalX:
		return fmt.Sprintf("(long)dc_gid.%c", c)
	case ir.LocalX:
		return fmt.Sprintf("(long)dc_lid.%c", c)
	case ir.GroupX:
		return fmt.Sprintf("(long)dc_grp.%c", c)
	case ir.GroupSizeX:
		return fmt.Sprintf("(long)dc_gsz.%c", c)
	case ir.NumGroupsX:
		return fmt.Sprintf("(long)dc_ngr.%c", c)
	case ir.GridSizeX:
		return fmt.Sprintf("((long)dc_gsz.%[1]c * (long)dc_ngr.%[1]c)", c)
	}
	return ""
}

// mathName returns MSL's name of the math builtin op: the C99 name,
// overloaded for float, or a helper where Metal has none.
func mathName(op ir.Builtin, k ir.Kind) string {
	switch op {
	case ir.IsNaN:
		return "isnan"
	case ir.IsInf:
		return "isinf"
	case ir.Hypot:
		if k == ir.Float32 {
			return "dc_hypot_f32"
		}
		return ""
	case ir.Cbrt:
		if k == ir.Float32 {
			return "dc_cbrt_f32"
		}
		return ""
	}
	return cfamily.CMathNames[op]
}

// fastMathName returns the metal::fast:: function for op on float32 in a
// fastmath kernel (the functions CUDA's fast intrinsics correspond to), or "".
func fastMathName(op ir.Builtin, k ir.Kind) string {
	if k != ir.Float32 {
		return ""
	}
	switch op {
	case ir.Sin, ir.Cos, ir.Tan, ir.Exp, ir.Log, ir.Log2, ir.Log10, ir.Pow:
		return "metal::fast::" + cfamily.CMathNames[op]
	}
	return ""
}

func bitCast(op ir.Builtin, x string) string {
	switch op {
	case ir.Float32Bits:
		return "as_type<uint>(" + x + ")"
	case ir.Float32From:
		return "as_type<float>(" + x + ")"
	case ir.Float64Bits:
		return "as_type<ulong>(" + x + ")"
	case ir.Float64From:
		return "as_type<double>((ulong)(" + x + "))"
	}
	return ""
}

// spaces are the address spaces atomics work on, by ir.Space.
var spaces = map[ir.Space]string{ir.SpaceGlobal: "device", ir.SpaceShared: "threadgroup"}

// atomic names the helper that performs op on a location of kind k in
// address space space; helpers defines each.
func atomic(op ir.Builtin, k ir.Kind, space ir.Space) string {
	q, ok := spaces[space]
	if !ok {
		return ""
	}
	var key string
	switch k {
	case ir.Int32:
		key = "i32"
	case ir.Uint32:
		key = "u32"
	case ir.Float32:
		if op != ir.AtomicAdd && op != ir.AtomicExchange {
			return ""
		}
		key = "f32"
	default:
		return ""
	}
	name, ok := atomicOps[op]
	if !ok {
		return ""
	}
	return "dc_atomic_" + name + "_" + key + "_" + q
}

var atomicOps = map[ir.Builtin]string{
	ir.AtomicAdd: "add", ir.AtomicExchange: "xchg", ir.AtomicMin: "min", ir.AtomicMax: "max", ir.AtomicCAS: "cas",
}

// atomicHelpers defines every atomic helper atomic names.
func atomicHelpers(h map[string]string) {
	for _, q := range []string{"device", "threadgroup"} {
		for _, t := range []struct{ key, typ, atomic string }{{"i32", "int", "atomic_int"}, {"u32", "uint", "atomic_uint"}} {
			ptr := fmt.Sprintf("(%s %s*)p", q, t.atomic)
			for _, op := range []struct{ name, fn string }{
				{"add", "atomic_fetch_add_explicit"}, {"xchg", "atomic_exchange_explicit"},
				{"min", "atomic_fetch_min_explicit"}, {"max", "atomic_fetch_max_explicit"},
			} {
				name := "dc_atomic_" + op.name + "_" + t.key + "_" + q
				h[name] = fmt.Sprintf("%[1]s %[2]s(%[3]s %[1]s* p, %[1]s v) {\n\treturn %[4]s(%[5]s, v, memory_order_relaxed);\n}\n",
					t.typ, name, q, op.fn, ptr)
			}
			// Metal has only the weak exchange, which may fail spuriously:
			// retry until it succeeds or finds a different value.
			name := "dc_atomic_cas_" + t.key + "_" + q
			h[name] = fmt.Sprintf(`%[1]s %[2]s(%[3]s %[1]s* p, %[1]s cmp, %[1]s v) {
	%[1]s seen = cmp;
	do {
		if (atomic_compare_exchange_weak_explicit(%[4]s, &seen, v, memory_order_relaxed, memory_order_relaxed)) {
			return cmp;
		}
	} while (seen == cmp);
	return seen;
}
`, t.typ, name, q, ptr)
		}
		name := "dc_atomic_xchg_f32_" + q
		h[name] = fmt.Sprintf("float %s(%s float* p, float v) {\n\treturn as_type<float>(atomic_exchange_explicit((%s atomic_uint*)p, as_type<uint>(v), memory_order_relaxed));\n}\n",
			name, q, q)
	}
	// MSL 3.0's atomic_float adds in device memory; in threadgroup memory
	// float add is a compare-and-swap loop on the bits, which also
	// terminates when the value is a NaN.
	h["dc_atomic_add_f32_device"] = "float dc_atomic_add_f32_device(device float* p, float v) {\n" +
		"\treturn atomic_fetch_add_explicit((device atomic_float*)p, v, memory_order_relaxed);\n}\n"
	h["dc_atomic_add_f32_threadgroup"] = `float dc_atomic_add_f32_threadgroup(threadgroup float* p, float v) {
	threadgroup atomic_uint* u = (threadgroup atomic_uint*)p;
	uint old = atomic_load_explicit(u, memory_order_relaxed);
	while (!atomic_compare_exchange_weak_explicit(u, &old, as_type<uint>(as_type<float>(old) + v), memory_order_relaxed, memory_order_relaxed)) {
	}
	return as_type<float>(old);
}
`
}

var helpers = func() map[string]string {
	h := map[string]string{
		// A function of its own: its product is never contracted with an
		// addition of the caller (Metal contracts within an expression).
		"dc_rmul_f32": "float dc_rmul_f32(float a, float b) {\n\treturn a * b;\n}\n",
		"dc_hypot_f32": `float dc_hypot_f32(float x, float y) {
	x = fabs(x);
	y = fabs(y);
	if (isinf(x) || isinf(y)) {
		return INFINITY;
	}
	if (isnan(x) || isnan(y)) {
		return NAN;
	}
	float a = fmax(x, y);
	float b = fmin(x, y);
	if (a == 0.0f) {
		return 0.0f;
	}
	float r = b / a;
	return a * sqrt(1.0f + r * r);
}
`,
		"dc_cbrt_f32": `float dc_cbrt_f32(float x) {
	if (x == 0.0f || isinf(x) || isnan(x)) {
		return x;
	}
	float y = copysign(pow(fabs(x), 1.0f / 3.0f), x);
	return y - (y - x / (y * y)) / 3.0f;
}
`,
	}
	atomicHelpers(h)
	return h
}()

// reservedPrefixes are prefixes of the names of Metal's families of
// built-in functions, types and macros, too many to list.
var reservedPrefixes = []string{
	"metal", "simd_", "simdgroup_", "quad_", "atomic_", "memory_", "mem_", "as_type",
	"packed_", "texture", "depth", "sampler", "MTL", "__METAL", "__HAVE_", "FLT_", "DBL_", "HALF_",
	"M_", "CHAR_", "SCHAR_", "UCHAR_", "SHRT_", "USHRT_", "INT_", "UINT_", "LONG_", "ULONG_",
	"FP_", "HUGE_", "MAXFLOAT", "MAXHALF",
}

// reserved are MSL's keywords, address spaces, attributes' names, types
// and built-in functions that a user name must not take (user functions
// share the namespace with metal::'s overloads under using namespace).
var reserved = func() []string {
	r := strings.Fields(`
		kernel vertex fragment visible device constant thread threadgroup
		threadgroup_imageblock ray_data object_data stage_in patch
		half uchar ushort uint ulong bfloat size_t ptrdiff_t
		atomic atomic_bool atomic_int atomic_uint atomic_float atomic_ulong
		memory_order mem_flags array array_ref vec matrix
		acos acosh acospi asin asinh asinpi atan atan2 atanh atanpi atan2pi
		cbrt ceil copysign cos cosh cospi divide exp exp2 exp10 fabs fdim floor
		fma fmax fmax3 fmedian3 fmin fmin3 fmod fract frexp hypot ilogb ldexp
		log log2 log10 modf nextafter pow powr rint round rsqrt sin sincos sinh
		sinpi sqrt tan tanh tanpi trunc
		abs absdiff addsat clamp clz ctz extract_bits hadd insert_bits madhi
		madsat max max3 median3 min min3 mulhi popcount reverse_bits rhadd
		rotate subsat mix saturate sign smoothstep step
		cross distance dot length length_squared normalize reflect refract
		isfinite isinf isnan isnormal isordered isunordered signbit select
		all any threadgroup_barrier simdgroup_barrier as_type
		fast precise INFINITY NAN
		true false
	`)
	for _, base := range []string{"char", "uchar", "short", "ushort", "int", "uint", "long", "ulong", "float", "half", "bool", "bfloat"} {
		for _, n := range []int{2, 3, 4} {
			r = append(r, fmt.Sprintf("%s%d", base, n))
			for _, m := range []int{2, 3, 4} {
				r = append(r, fmt.Sprintf("%s%dx%d", base, n, m))
			}
		}
	}
	return r
}()
