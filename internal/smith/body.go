package smith

import (
	"fmt"
	"strings"
)

// variable is a local in scope.
type variable struct {
	name    string
	t       *typ
	mutable bool
}

type scope struct {
	vars []*variable
}

// target is an enclosing loop or switch that break (and, for loops,
// continue) may name.
type target struct {
	label  string
	isLoop bool
	used   bool
}

// fgen generates the body of one function.
type fgen struct {
	g      *gen
	k      *kinfo // nil in device functions
	out    *strings.Builder
	scopes []*scope
	// targets are the enclosing loops and switches, innermost last.
	targets []*target
	names   int
	hash    string // the hash variable, "" if none
	thread  bool   // t dc.Thread is in scope
	idx     string // index of this thread's input elements, "" outside kernels
	slices  []param
	outs    []param
	atomics []param
	approx  []param
	own     *param
	shared  []*shared
	uparams []param // scalar parameters a barrier kernel never assigns: the same in every thread

	nest     int // depth of index expressions being generated
	nasty    map[string]bool
	noReturn bool // no return statements (barrier kernels before their last barrier)
	guardOut bool // stores to outputs need i < n (barrier kernels)
}

func newFgen(g *gen, k *kinfo) *fgen {
	return &fgen{g: g, k: k, out: &strings.Builder{}}
}

func (f *fgen) pushScope() { f.scopes = append(f.scopes, &scope{}) }

// popScope mixes every variable of the innermost scope into the hash and
// leaves the scope.
func (f *fgen) popScope() {
	s := f.scopes[len(f.scopes)-1]
	for _, v := range s.vars {
		if f.hash != "" && v.name != f.hash {
			fmt.Fprintf(f.out, "%s\n", mixStmt(f.hash, v.name, v.t))
		}
	}
	f.scopes = f.scopes[:len(f.scopes)-1]
}

func (f *fgen) declare(name string, t *typ, mutable bool) *variable {
	v := &variable{name: name, t: t, mutable: mutable}
	s := f.scopes[len(f.scopes)-1]
	s.vars = append(s.vars, v)
	return v
}

// nastyNames are valid Go identifiers that are keywords, types or
// builtins in C, OpenCL C or CUDA, or look like the names the printers
// generate.
var nastyNames = []string{"char", "short", "long", "unsigned", "signed", "double", "float", "auto",
	"register", "static", "extern", "volatile", "restrict", "inline", "sizeof", "typedef", "union",
	"enum", "kernel", "global", "local", "constant", "private", "half", "get_global_id", "barrier",
	"dc_g", "dc_x", "dc_i", "dc_t", "dc_v", "dc_s0", "dc_thread", "dc_gi", "dc_run", "threadIdx",
	"blockIdx", "__shared__", "fmin", "fmax", "sqrt", "this", "template", "namespace",
	"delete", "uchar", "ulong", "int4", "float2", "NULL", "INFINITY", "main"}

func (f *fgen) newName(prefix string) string {
	f.names++
	if f.nasty == nil {
		f.nasty = map[string]bool{}
	}
	if prefix != "L" && prefix != "W" && f.g.chance(0.08) {
		n := pick(f.g, nastyNames)
		if !f.nasty[n] && len(f.vars(func(v *variable) bool { return v.name == n })) == 0 {
			f.nasty[n] = true
			return n
		}
	}
	return fmt.Sprintf("%s%d", prefix, f.names)
}

// vars returns the variables in scope for which ok holds; a variable
// shadowed by one of an inner scope is not in scope.
func (f *fgen) vars(ok func(*variable) bool) []*variable {
	var vs []*variable
	seen := map[string]bool{}
	for k := len(f.scopes) - 1; k >= 0; k-- {
		for _, v := range f.scopes[k].vars {
			if seen[v.name] {
				continue
			}
			seen[v.name] = true
			if ok(v) {
				vs = append(vs, v)
			}
		}
	}
	return vs
}

// declName returns the name for a declaration of one new variable in the
// innermost scope: sometimes one that shadows a variable of an outer scope
// (whose value the initializer may still read, as Go scopes it).
func (f *fgen) declName(prefix string) string {
	if f.g.chance(0.1) {
		if n := f.shadowName(); n != "" {
			return n
		}
	}
	return f.newName(prefix)
}

// reserved are names a shadowing declaration must not take.
var reserved = map[string]bool{"h": true, "t": true, "i": true, "j": true, "l": true, "gs": true, "n": true, "q": true, "r": true}

// shadowName returns the name of a variable of an outer scope that a new
// declaration in the innermost scope may shadow, or "".
func (f *fgen) shadowName() string {
	if len(f.scopes) < 2 {
		return ""
	}
	inner := map[string]bool{}
	for _, v := range f.scopes[len(f.scopes)-1].vars {
		inner[v.name] = true
	}
	var cs []string
	for _, s := range f.scopes[:len(f.scopes)-1] {
		for _, v := range s.vars {
			if !inner[v.name] && !reserved[v.name] {
				cs = append(cs, v.name)
			}
		}
	}
	if len(cs) == 0 {
		return ""
	}
	return pick(f.g, cs)
}

// expr is a generated expression.
type expr struct {
	s       string
	isConst bool
	isMul   bool // a float product at the top: would be fused into a + or -
}

// noFuse wraps a float product in an explicit conversion, which rounds it:
// Go and the dialect never fuse it into an FMA with an enclosing + or -.
func noFuse(e expr, t *typ) expr {
	if e.isMul {
		return expr{s: t.name + "(" + e.s + ")"}
	}
	return e
}

// intExpr returns an expression of a random integer type.
func (f *fgen) intExpr(depth int) expr {
	return f.nonConst(pick(f.g, intTypes), depth)
}

// arrayIndex returns an index in [0, 4) for an array.
func (f *fgen) arrayIndex() string {
	if f.nest > 0 || f.g.chance(0.3) {
		return fmt.Sprint(f.g.intn(arrayLen))
	}
	f.nest++
	defer func() { f.nest-- }()
	if f.g.faults && f.g.chance(0.05) {
		return fmt.Sprintf("int(%s)%%5", f.intExpr(1).s) // in [-4, 4]
	}
	return fmt.Sprintf("(%s)&3", f.intExpr(1).s)
}

// sliceIndex returns an in-range index into slice s (every kernel input
// has one element per thread; device function slices are never empty).
func (f *fgen) sliceIndex(s string) string {
	if f.nest > 0 {
		if f.idx != "" {
			return f.idx
		}
		return "0"
	}
	f.nest++
	defer func() { f.nest-- }()
	if f.g.faults && f.g.chance(0.08) {
		if f.idx != "" {
			return fmt.Sprintf("(%s+%d)", f.idx, f.g.intn(3)) // past the end for the last threads
		}
		return fmt.Sprintf("int(%s)", f.intExpr(1).s)
	}
	switch {
	case f.idx != "" && f.g.chance(0.6):
		return f.idx
	case f.idx != "" && f.g.chance(0.5):
		return fmt.Sprintf("(%s+%d)%%len(%s)", f.idx, 1+f.g.intn(40), s)
	}
	return fmt.Sprintf("int(uint64(%s) %% uint64(len(%s)))", f.intExpr(1).s, s)
}

// leaves returns the non-constant expressions of type t that need no
// further generation: locals, their elements and fields, input elements,
// shared elements, thread geometry. They are built lazily: only the one
// picked generates its indices.
func (f *fgen) leaves(t *typ) []func() string {
	var ls []func() string
	// sub adds the ways to reach a t inside a value of type vt spelled e().
	var sub func(e func() string, vt *typ)
	sub = func(e func() string, vt *typ) {
		switch {
		case vt == t:
			ls = append(ls, e)
		case vt.kind == kArray && vt.elem == t:
			ls = append(ls, func() string { return e() + "[" + f.arrayIndex() + "]" })
		case vt.kind == kArray && vt.elem.kind == kStruct:
			sub(func() string { return e() + "[" + f.arrayIndex() + "]" }, vt.elem)
		case vt.kind == kStruct:
			for _, fl := range vt.fields {
				if fl.t == t || (fl.t.kind == kArray && fl.t.elem == t) {
					sub(func() string { return e() + "." + fl.name }, fl.t)
				}
			}
		}
	}
	for _, v := range f.vars(func(*variable) bool { return true }) {
		sub(func() string { return v.name }, v.t)
	}
	for _, s := range f.slices {
		if s.t == t || s.t.kind != kScalar {
			sub(func() string { return s.name + "[" + f.sliceIndex(s.name) + "]" }, s.t)
		}
	}
	if f.k != nil && !f.guardOut {
		// This thread's own output elements, after the kernel or the test
		// set them.
		for _, o := range f.outs {
			sub(func() string { return o.name + "[i]" }, o.t)
		}
	}
	for _, sh := range f.shared {
		if !sh.readable {
			continue
		}
		sub(func() string {
			var ix string
			switch {
			case sh.small:
				ix = f.arrayIndex()
			case sh.reduced && f.g.chance(0.5):
				ix = "0"
			default:
				ix = fmt.Sprintf("(l+%d)%%gs", f.g.intn(130))
			}
			return sh.name + "[" + ix + "]"
		}, sh.elem)
	}
	if t == tInt {
		if f.thread {
			g := pick(f.g, []string{"t.GlobalX()", "t.LocalX()", "t.GroupX()", "t.GroupSizeX()", "t.NumGroupsX()", "t.GridSizeX()", "t.GlobalY()"})
			ls = append(ls, func() string { return g })
		}
		for _, s := range f.slices {
			ls = append(ls, func() string { return "len(" + s.name + ")" })
			break
		}
	}
	return ls
}

// nonConst returns a non-constant expression of scalar type t.
func (f *fgen) nonConst(t *typ, depth int) expr {
	e := f.expr(t, depth)
	if !e.isConst {
		return e
	}
	if ls := f.leaves(t); len(ls) > 0 {
		return expr{s: pick(f.g, ls)()}
	}
	// Every function has an int in scope (q, or i or j in kernels).
	src := "q"
	if f.idx != "" {
		src = f.idx
	}
	switch {
	case t == tBool:
		return expr{s: fmt.Sprintf("(%s%%3 == 1)", src)}
	case t == tInt:
		return expr{s: src}
	}
	return expr{s: fmt.Sprintf("%s(%s)", t.name, src)}
}

// leaf returns a constant or a leaf of scalar type t.
func (f *fgen) leaf(t *typ) expr {
	if t == tF64 && f.g.chance(0.03) {
		return expr{s: fmt.Sprintf("math.Inf(%d)", 2*f.g.intn(2)-1)}
	}
	ls := f.leaves(t)
	if len(ls) == 0 || f.g.chance(0.2) {
		return expr{s: scalarConst(f.g.r, t), isConst: true}
	}
	return expr{s: pick(f.g, ls)()}
}

// callable returns the device functions with a single result of type t
// usable in an expression.
func (f *fgen) callable(t *typ) []*dfunc {
	var fs []*dfunc
	for _, d := range f.g.funcs {
		if d.expr && d.results[0] == t && f.canCall(d) {
			fs = append(fs, d)
		}
	}
	return fs
}

// call returns a call of expression function d.
func (f *fgen) call(d *dfunc, depth int) string {
	var args []string
	for _, p := range d.params {
		args = append(args, f.arg(p, depth))
	}
	s := d.name + "(" + strings.Join(args, ", ") + ")"
	if d.recv != nil {
		s = "(" + f.value(d.recv, 1).s + ")." + s
	}
	return s
}

// arg returns an argument for parameter p.
func (f *fgen) arg(p param, depth int) string {
	if p.slice {
		var ss []string
		for _, s := range f.slices {
			if s.t == p.t {
				ss = append(ss, s.name)
			}
		}
		if len(ss) > 0 {
			s := pick(f.g, ss)
			if f.idx != "" {
				// Never empty: idx < len.
				switch f.g.intn(4) {
				case 0:
					return s + "[" + f.idx + ":]"
				case 1:
					return s + "[:" + f.idx + "+1]"
				case 2:
					return fmt.Sprintf("%s[%s/2 : %s+1]", s, f.idx, f.idx)
				}
			}
			return s
		}
		return "" // caller checks with canCall
	}
	return f.value(p.t, depth).s
}

// canCall reports whether every slice parameter of d has an argument here.
func (f *fgen) canCall(d *dfunc) bool {
	if d.thread && !f.thread {
		return false
	}
	for _, p := range d.params {
		if p.t.kind == kArray && !p.slice && !f.hasArray(p.t) {
			return false
		}
		if !p.slice {
			continue
		}
		ok := false
		for _, s := range f.slices {
			ok = ok || s.t == p.t
		}
		if !ok {
			return false
		}
	}
	return true
}

// value returns an expression of any type: scalar, array or struct.
func (f *fgen) value(t *typ, depth int) expr {
	switch t.kind {
	case kArray:
		return expr{s: f.arrayValue(t)}
	case kStruct:
		return expr{s: f.structValue(t, depth)}
	}
	return f.expr(t, depth)
}

// arrayValue returns a non-literal array expression of type t, or a new
// local that holds one.
func (f *fgen) arrayValue(t *typ) string {
	var cs []string
	var sub func(e string, vt *typ)
	sub = func(e string, vt *typ) {
		switch {
		case vt == t:
			cs = append(cs, e)
		case vt.kind == kStruct:
			for _, fl := range vt.fields {
				sub(e+"."+fl.name, fl.t)
			}
		}
	}
	for _, v := range f.vars(func(*variable) bool { return true }) {
		sub(v.name, v.t)
	}
	for _, s := range f.slices {
		if s.t.kind != kScalar {
			sub(s.name+"["+f.sliceIndex(s.name)+"]", s.t)
		}
	}
	if len(cs) > 0 {
		return pick(f.g, cs)
	}
	return "" // callers check hasArray
}

// hasArray reports whether arrayValue(t) has something to return.
func (f *fgen) hasArray(t *typ) bool {
	var has func(vt *typ) bool
	has = func(vt *typ) bool {
		if vt == t {
			return true
		}
		if vt.kind == kStruct {
			for _, fl := range vt.fields {
				if has(fl.t) {
					return true
				}
			}
		}
		return false
	}
	for _, v := range f.vars(func(*variable) bool { return true }) {
		if has(v.t) {
			return true
		}
	}
	for _, s := range f.slices {
		if s.t.kind != kScalar && has(s.t) {
			return true
		}
	}
	return false
}

// structValue returns an expression of struct type t.
func (f *fgen) structValue(t *typ, depth int) string {
	var cs []string
	for _, v := range f.vars(func(v *variable) bool { return v.t == t || (v.t.kind == kArray && v.t.elem == t) }) {
		if v.t == t {
			cs = append(cs, v.name)
		} else {
			cs = append(cs, v.name+"["+f.arrayIndex()+"]")
		}
	}
	for _, s := range f.slices {
		if s.t == t {
			cs = append(cs, s.name+"["+f.sliceIndex(s.name)+"]")
		}
	}
	for _, sh := range f.shared {
		if sh.readable && sh.elem == t {
			cs = append(cs, fmt.Sprintf("%s[(l+%d)%%gs]", sh.name, f.g.intn(130)))
		}
	}
	if depth > 0 && f.g.chance(0.3) {
		if fs := f.callable(t); len(fs) > 0 {
			return f.call(pick(f.g, fs), depth-1)
		}
	}
	if len(cs) > 0 && f.g.chance(0.6) {
		return pick(f.g, cs)
	}
	return f.structLit(t, depth)
}

// structLit returns a struct literal of type t. Array fields are set from
// a literal or left out; at most one is set from an array value, and then
// no other from a literal.
func (f *fgen) structLit(t *typ, depth int) string {
	var fs []string
	for _, fl := range t.fields {
		if f.g.chance(0.25) {
			continue
		}
		if fl.t.kind == kArray {
			if f.g.chance(0.5) || !f.hasArray(fl.t) {
				fs = append(fs, fl.name+": "+f.arrayLit(fl.t, depth-1))
			} else {
				fs = append(fs, fl.name+": "+f.arrayValue(fl.t))
			}
			continue
		}
		fs = append(fs, fl.name+": "+f.expr(fl.t, depth-1).s)
	}
	return t.name + "{" + strings.Join(fs, ", ") + "}"
}

func (f *fgen) arrayLit(t *typ, depth int) string {
	var es []string
	for range arrayLen {
		es = append(es, f.value(t.elem, depth).s)
	}
	return t.name + "{" + strings.Join(es, ", ") + "}"
}

// expr returns an expression of scalar type t.
func (f *fgen) expr(t *typ, depth int) expr {
	if depth <= 0 || f.g.chance(0.25) {
		return f.leaf(t)
	}
	if fs := f.callable(t); len(fs) > 0 && f.g.chance(0.08) {
		return expr{s: f.call(pick(f.g, fs), depth-1)}
	}
	switch {
	case t == tBool:
		return f.boolExpr(depth)
	case t.isFloat():
		return f.floatExpr(t, depth)
	}
	return f.intOp(t, depth)
}

// operands returns the two operands of a binary operation on t, never
// both constant (Go would fold, or reject, a constant operation).
func (f *fgen) operands(t *typ, depth int) (a, b expr) {
	a = f.expr(t, depth-1)
	if a.isConst {
		return a, f.nonConst(t, depth-1)
	}
	return a, f.expr(t, depth-1)
}

func (f *fgen) binary(t *typ, op string, depth int) expr {
	a, b := f.operands(t, depth)
	return expr{s: "(" + a.s + " " + op + " " + b.s + ")"}
}

// shiftCount returns a non-negative shift count: an unsigned expression of
// any value, a masked signed one, or a constant up to twice the width.
func (f *fgen) shiftCount(t *typ) string {
	switch f.g.intn(4) {
	case 0:
		return fmt.Sprintf("uint(%d)", f.g.intn(2*t.bits+2))
	case 1:
		st := pick(f.g, []*typ{tI8, tI16, tI32, tI64, tInt})
		return fmt.Sprintf("(%s & 127)", f.nonConst(st, 1).s)
	}
	return f.nonConst(pick(f.g, []*typ{tU8, tU16, tU32, tU64, tUint}), 1).s
}

func (f *fgen) intOp(t *typ, depth int) expr {
	switch f.g.intn(12) {
	case 0, 1, 2:
		return f.binary(t, pick(f.g, []string{"+", "-", "*", "&", "|", "^", "&^", "*"}), depth)
	case 3:
		a := f.nonConst(t, depth-1)
		switch f.g.intn(4) {
		case 0:
			return expr{s: fmt.Sprintf("(%s %s (%s | 1))", a.s, pick(f.g, []string{"/", "%"}), f.expr(t, depth-1).s)}
		case 1:
			nz, d := "nz", f.expr
			if f.g.faults && f.g.chance(0.1) {
				// A divisor that may be zero at run time; a constant
				// zero would not compile.
				nz, d = "", f.nonConst
			}
			return expr{s: fmt.Sprintf("(%s %s %s(%s))", a.s, pick(f.g, []string{"/", "%"}), nz, d(t, depth-1).s)}
		case 2:
			if t.signed {
				return expr{s: fmt.Sprintf("(%s %s %s(-1))", a.s, pick(f.g, []string{"/", "%"}), t.name)}
			}
		}
		c := intConst(f.g.r, t)
		if strings.HasSuffix(c, "(0)") {
			c = t.name + "(7)"
		}
		return expr{s: fmt.Sprintf("(%s %s %s)", a.s, pick(f.g, []string{"/", "%"}), c)}
	case 4, 5:
		a := f.nonConst(t, depth-1)
		return expr{s: fmt.Sprintf("(%s %s %s)", a.s, pick(f.g, []string{"<<", ">>"}), f.shiftCount(t))}
	case 6:
		a := f.nonConst(t, depth-1)
		return expr{s: fmt.Sprintf("%s(%s)", pick(f.g, []string{"-", "^"}), a.s)}
	case 7, 8:
		return f.convert(t, depth)
	case 9:
		return f.minMax(t, depth)
	case 10:
		return expr{s: fmt.Sprintf("pick(%s, %s, %s)", f.expr(tBool, depth-1).s, f.nonConst(t, depth-1).s, f.expr(t, depth-1).s)}
	}
	return f.binary(t, pick(f.g, []string{"+", "-", "*"}), depth)
}

func (f *fgen) minMax(t *typ, depth int) expr {
	n := 2 + f.g.intn(2)
	args := []string{f.nonConst(t, depth-1).s}
	for range n - 1 {
		args = append(args, noFuse(f.expr(t, depth-1), t).s)
	}
	return expr{s: fmt.Sprintf("%s(%s)", pick(f.g, []string{"min", "max"}), strings.Join(args, ", "))}
}

// convert returns a conversion to numeric type t from another numeric
// type; float sources are brought into the range of every integer type.
func (f *fgen) convert(t *typ, depth int) expr {
	src := f.g.numeric()
	a := f.nonConst(src, depth-1)
	s := a.s
	if src.isFloat() && t.isInt() {
		guard := "fs"
		if !t.signed {
			guard = "fu"
		}
		if src == tF32 {
			guard += "32"
		} else {
			guard += "64"
		}
		s = guard + "(" + s + ")"
	}
	return expr{s: fmt.Sprintf("%s(%s)", t.name, s)}
}

func (f *fgen) floatExpr(t *typ, depth int) expr {
	switch f.g.intn(13) {
	case 0, 1, 2, 3:
		op := pick(f.g, []string{"+", "-", "*", "*", "/"})
		a, b := f.operands(t, depth)
		if op == "+" || op == "-" {
			a, b = noFuse(a, t), noFuse(b, t)
		}
		return expr{s: "(" + a.s + " " + op + " " + b.s + ")", isMul: op == "*"}
	case 4:
		a := f.nonConst(t, depth-1)
		return expr{s: "-(" + a.s + ")", isMul: a.isMul}
	case 5, 6:
		return f.convert(t, depth)
	case 7:
		return f.minMax(t, depth)
	case 8:
		a := f.nonConst(t, depth-1)
		fn := pick(f.g, []string{"Abs", "Floor", "Ceil", "Trunc", "Sqrt", "FMA"})
		if fn == "FMA" {
			return expr{s: fmt.Sprintf("dc.FMA(%s, %s, %s)", a.s, f.expr(t, depth-1).s, f.expr(t, depth-1).s)}
		}
		return expr{s: fmt.Sprintf("dc.%s(%s)", fn, a.s)}
	case 9:
		if t == tF64 {
			a := f.nonConst(t, depth-1)
			switch fn := pick(f.g, []string{"Abs", "Floor", "Ceil", "Trunc", "Round", "RoundToEven", "Sqrt", "Copysign", "Mod", "FMA"}); fn {
			case "Copysign", "Mod":
				return expr{s: fmt.Sprintf("math.%s(%s, %s)", fn, a.s, f.expr(t, depth-1).s)}
			case "FMA":
				return expr{s: fmt.Sprintf("math.FMA(%s, %s, %s)", a.s, f.expr(t, depth-1).s, f.expr(t, depth-1).s)}
			default:
				return expr{s: fmt.Sprintf("math.%s(%s)", fn, a.s)}
			}
		}
		return f.convert(t, depth)
	case 10:
		return expr{s: fmt.Sprintf("pick(%s, %s, %s)", f.expr(tBool, depth-1).s, f.nonConst(t, depth-1).s, f.expr(t, depth-1).s)}
	}
	return f.leaf(t)
}

func (f *fgen) boolExpr(depth int) expr {
	switch f.g.intn(8) {
	case 0, 1, 2:
		ct := f.g.numeric()
		a := f.nonConst(ct, depth-1)
		b := f.expr(ct, depth-1)
		return expr{s: fmt.Sprintf("(%s %s %s)", a.s, pick(f.g, []string{"==", "!=", "<", "<=", ">", ">="}), b.s)}
	case 3, 4:
		a := f.expr(tBool, depth-1)
		b := f.nonConst(tBool, depth-1)
		return expr{s: fmt.Sprintf("(%s %s %s)", a.s, pick(f.g, []string{"&&", "||", "==", "!="}), b.s)}
	case 5:
		return expr{s: "!" + f.nonConst(tBool, depth-1).s}
	case 6:
		a := f.nonConst(tF64, depth-1)
		if f.g.chance(0.5) {
			return expr{s: fmt.Sprintf("math.IsNaN(%s)", a.s)}
		}
		return expr{s: fmt.Sprintf("math.IsInf(%s, %d)", a.s, f.g.intn(3)-1)}
	}
	return f.leaf(tBool)
}

// smallFloat returns a float32 expression with a small integer value, for
// float atomics (exact in any order).
func (f *fgen) smallFloat() string {
	s := fmt.Sprintf("float32((%s) & 15)", f.intExpr(1).s)
	if f.g.chance(0.3) {
		s = "-" + s
	}
	return s
}
