package cfamily

import (
	"fmt"
	"strings"

	"github.com/dotcompute/dc/translate/ir"
)

// Run-time checks (ir.Check, inserted by package checks) print as calls of
// small helpers that test the index, bounds or divisor and, when the test
// fails, record the first fault of the launch in the fault record and
// make the operation harmless:
//
//   - An index chain such as x[i], sh[ly][lx] or ps[i].v[k] computes each
//     checked index with dc_ix, which returns the index when it is in
//     range and otherwise records the fault, sets the chain's flag
//     (dc_bN, a local of the function) and returns 0, so the chain always
//     names memory inside its array or slice (every device buffer has at
//     least one element of backing memory). A read of the chain then goes
//     through dc_sel_*, which yields the zero value when the flag is set;
//     a store goes through a pointer and is skipped when the flag is set;
//     an atomic is skipped and yields 0.
//   - A checked division divides by dc_nz_*(y), which yields y, or 1 after
//     recording the fault, and the quotient is then selected to 0.
//   - A checked slice expression is empty (the original pointer, length
//     0) when dc_sok rejects its bounds.
//
// The fault record is 16 32-bit words in device memory, passed to checked
// kernels as the parameters dc_fault (with its length) and dc_tag, and to
// checked device functions as dc_fault and dc_tag: word 0 holds the tag of
// the first launch that faulted (set by compare-and-swap from 0), word 1
// the check's ID, words 2-7 three 64-bit operands (index and length; lo,
// hi and length; or nothing for a division), words 8-10 the thread's
// local ids and 11-13 its group ids.

// faultArgs are the arguments a checked function passes on to a checked
// callee.
const faultArgs = "dc_fault, dc_tag"

// withThread returns the arguments args of a check helper followed, where
// the dialect passes the thread geometry as parameters, by the geometry
// (dc_fault records the thread's ids).
func (p *printer) withThread(args ...string) []string {
	if p.d.ThreadParams != nil {
		return append(args, p.d.ThreadArgs)
	}
	return args
}

// helperThread returns the thread-geometry parameters of the check
// helpers, each after ", ", and the arguments they pass on to dc_fault.
func (p *printer) helperThread() (params, args string) {
	if p.d.ThreadParams == nil {
		return "", ""
	}
	return ", " + strings.Join(p.d.ThreadFuncParams, ", "), ", " + p.d.ThreadArgs
}

// privQ returns the qualifier of pointers to a thread's own variables,
// followed by a space, or "".
func (p *printer) privQ() string {
	if p.d.PrivatePtr != "" {
		return p.d.PrivatePtr + " "
	}
	return ""
}

// faultParams returns the extra parameters of a checked kernel (the fault
// record as a slice, and the launch's tag) or device function.
func (p *printer) faultParams(kernel bool) []string {
	ps := []string{p.globalQ() + p.d.Types[ir.Int32] + "* dc_fault"}
	if kernel && p.d.ParamSpace != "" {
		// By reference, as the kernel's own scalars (Dialect.ParamSpace).
		q := p.d.ParamSpace + " "
		return append(ps, q+p.lenType()+"& dc_fault_len", q+p.d.Types[ir.Int32]+"& dc_tag")
	}
	if kernel {
		ps = append(ps, p.lenType()+" dc_fault_len")
	}
	return append(ps, p.d.Types[ir.Int32]+" dc_tag")
}

// faultHelper defines dc_fault, which records a fault unless an earlier
// one was recorded.
func (p *printer) faultHelper() {
	const name = "dc_fault"
	if _, ok := p.helpers[name]; ok {
		return
	}
	fq := p.funcQualifier()
	i32, i64 := p.d.Types[ir.Int32], p.d.Types[ir.Int64]
	g := p.globalQ()
	cas := p.d.Atomic(ir.AtomicCAS, ir.Int32, ir.SpaceGlobal)
	var b strings.Builder
	tp, _ := p.helperThread()
	fmt.Fprintf(&b, "%svoid %s(%s%s* f, %s tag, %s site, %s a, %s b, %s c%s) {\n", fq, name, g, i32, i32, i32, i64, i64, i64, tp)
	fmt.Fprintf(&b, "\tif (%s(&f[0], 0, tag) != 0) {\n\t\treturn;\n\t}\n", cas)
	b.WriteString("\tf[1] = site;\n")
	for i, v := range []string{"a", "b", "c"} {
		fmt.Fprintf(&b, "\tf[%d] = (%s)%s;\n\tf[%d] = (%s)(%s >> 32);\n", 2+2*i, i32, v, 3+2*i, i32, v)
	}
	for i, bi := range []ir.Builtin{ir.LocalX, ir.LocalY, ir.LocalZ, ir.GroupX, ir.GroupY, ir.GroupZ} {
		fmt.Fprintf(&b, "\tf[%d] = (%s)%s;\n", 8+i, i32, p.d.Thread(bi))
	}
	b.WriteString("}\n")
	p.helpers[name] = b.String()
}

func (p *printer) funcQualifier() string {
	if p.d.Func != "" {
		return p.d.Func + " "
	}
	return ""
}

// ixHelper defines dc_ix (see above) and returns its name.
func (p *printer) ixHelper() string {
	const name = "dc_ix"
	if _, ok := p.helpers[name]; !ok {
		p.faultHelper()
		i32, i64, u64 := p.d.Types[ir.Int32], p.d.Types[ir.Int64], p.d.Types[ir.Uint64]
		g := p.globalQ()
		tp, ta := p.helperThread()
		p.helpers[name] = fmt.Sprintf("%s%s %s(%s i, %s n, %s%s* f, %s tag, %s site, %sint* bad%s) {\n"+
			"\tif ((%s)i < (%s)n) {\n\t\treturn i;\n\t}\n"+
			"\t*bad = 1;\n\tdc_fault(f, tag, site, i, n, 0%s);\n\treturn 0;\n}\n",
			p.funcQualifier(), i64, name, i64, i64, g, i32, i32, i32, p.privQ(), tp, u64, u64, ta)
	}
	return name
}

func (p *printer) globalQ() string {
	if p.d.GlobalPtr != "" {
		return p.d.GlobalPtr + " "
	}
	return ""
}

// sokHelper defines dc_sok, which reports whether 0 <= lo <= hi <= n and
// records a fault if not.
func (p *printer) sokHelper() string {
	const name = "dc_sok"
	if _, ok := p.helpers[name]; !ok {
		p.faultHelper()
		i32, i64, u64 := p.d.Types[ir.Int32], p.d.Types[ir.Int64], p.d.Types[ir.Uint64]
		tp, ta := p.helperThread()
		p.helpers[name] = fmt.Sprintf("%s%s %s(%s lo, %s hi, %s n, %s%s* f, %s tag, %s site%s) {\n"+
			"\tif ((%s)hi <= (%s)n && (%s)lo <= (%s)hi) {\n\t\treturn 1;\n\t}\n"+
			"\tdc_fault(f, tag, site, lo, hi, n%s);\n\treturn 0;\n}\n",
			p.funcQualifier(), i32, name, i64, i64, i64, p.globalQ(), i32, i32, i32, tp, u64, u64, u64, u64, ta)
	}
	return name
}

// nzHelper defines dc_nz_<kind>: the divisor y, or 1 after recording a
// division by zero and setting *bad.
func (p *printer) nzHelper(k ir.Kind) string { return p.operandHelper("dc_nz_", k, "y != 0", "1") }

// scHelper defines dc_sc_<kind>: the signed shift count y, or 0 after
// recording a negative count and setting *bad.
func (p *printer) scHelper(k ir.Kind) string { return p.operandHelper("dc_sc_", k, "y >= 0", "0") }

// operandHelper defines prefix<kind>: a checked operand y of kind k, or
// fallback after recording the fault of its check when ok fails and
// setting *bad.
func (p *printer) operandHelper(prefix string, k ir.Kind, ok, fallback string) string {
	name := prefix + kindKey(k)
	if _, done := p.helpers[name]; !done {
		p.faultHelper()
		t, i32 := p.d.Types[k], p.d.Types[ir.Int32]
		tp, ta := p.helperThread()
		p.helpers[name] = fmt.Sprintf("%s%s %s(%s y, %s%s* f, %s tag, %s site, %sint* bad%s) {\n"+
			"\tif (%s) {\n\t\treturn y;\n\t}\n"+
			"\t*bad = 1;\n\tdc_fault(f, tag, site, 0, 0, 0%s);\n\treturn %s;\n}\n",
			p.funcQualifier(), t, name, t, p.globalQ(), i32, i32, i32, p.privQ(), tp, ok, ta, fallback)
	}
	return name
}

// selHelper returns the helper that yields its value, or the zero value of
// t when *bad is set.
func (p *printer) selHelper(t ir.Type) string {
	switch t := t.(type) {
	case *ir.Basic:
		name := "dc_sel_" + kindKey(t.Kind)
		if _, ok := p.helpers[name]; !ok {
			ct := p.d.Types[t.Kind]
			p.helpers[name] = fmt.Sprintf("%s%s %s(%s v, const %sint* bad) {\n\treturn *bad ? (%s)0 : v;\n}\n",
				p.funcQualifier(), ct, name, ct, p.privQ(), ct)
		}
		return name
	case *ir.Struct:
		sn := p.structName(t)
		name := "dc_sel_" + sn
		if _, ok := p.selHelpers[t]; !ok {
			p.selHelpers[t] = fmt.Sprintf("%s%s %s(%s v, const %sint* bad) {\n\tif (*bad) {\n\t\t%s z = %s;\n\t\treturn z;\n\t}\n\treturn v;\n}\n",
				p.funcQualifier(), sn, name, sn, p.privQ(), sn, p.zeroValue(t))
		}
		return name
	}
	return ""
}

// newFlag declares a fresh chain flag in the function and returns its name.
func (f *fn) newFlag() string {
	f.flags++
	name := fmt.Sprintf("dc_b%d", f.flags)
	f.top = append(f.top, "int "+name+" = 0;")
	return name
}

// newPtr declares a fresh pointer to the lvalue e's type, in e's address
// space, and returns its name.
func (f *fn) newPtr(e ir.Expr) string {
	f.flags++
	name := fmt.Sprintf("dc_p%d", f.flags)
	q, _ := f.p.spaceQualifier(e)
	if q != "" {
		q += " "
	}
	f.top = append(f.top, q+f.p.decl(e.Type(), "(*"+name+")")+";")
	return name
}

// active reports whether check c is printed: it exists, and this is not
// a kernel's fast entry point where c's launch conditions make it
// unnecessary.
func (f *fn) active(c *ir.Check) bool {
	return c != nil && !(f.fast && c.When != nil)
}

// isPath reports whether e continues an index chain: an index or a field
// selection.
func isPath(e ir.Expr) bool {
	switch e.(type) {
	case *ir.Index, *ir.FieldRef:
		return true
	}
	return false
}

// chainChecked reports whether the index chain ending at e carries a check.
func (f *fn) chainChecked(e ir.Expr) bool {
	for {
		switch x := e.(type) {
		case *ir.Index:
			if f.active(x.Check) {
				return true
			}
			if _, ok := x.X.Type().(*ir.Slice); ok {
				return false
			}
			e = x.X
		case *ir.FieldRef:
			e = x.X
		default:
			return false
		}
	}
}

// chain prints the index chain e as an lvalue whose checked indexes set
// flag: it always names memory inside its arrays and slices.
func (f *fn) chain(e ir.Expr, flag string) cexpr {
	saved := f.flag
	f.flag = flag
	defer func() { f.flag = saved }()
	return f.expr(e)
}

// readChain prints a read of the checked index chain e: the zero value if
// a check fails. An array-typed chain (copied element by element by its
// user) reads the clamped element instead.
func (f *fn) readChain(e ir.Expr) cexpr {
	flag := f.newFlag()
	c := f.chain(e, flag)
	sel := f.p.selHelper(e.Type())
	if sel == "" {
		return c
	}
	return call(sel, "("+flag+" = 0, "+c.s+")", "&"+flag)
}

// checkedIndex returns the index text of e, through dc_ix when e carries a
// check; n is the length of e.X.
func (f *fn) checkedIndex(e *ir.Index, i, n string) string {
	if !f.active(e.Check) {
		return i
	}
	flag := f.flag
	if flag == "" {
		// An index chain printed outside readChain, store and atomic: its
		// own flag, never read.
		flag = f.newFlag()
	}
	return call(f.p.ixHelper(), f.p.withThread(i, n, faultArgs, fmt.Sprint(e.Check.ID), "&"+flag)...).s
}

// checkedTarget prints the address of the checked lvalue target into a new
// pointer, resetting and setting a new flag, and returns the pointer and
// the flag.
func (f *fn) checkedTarget(target ir.Expr) (ptr, flag string) {
	flag = f.newFlag()
	ptr = f.newPtr(target)
	c := f.chain(target, flag)
	f.linef("%s = 0;", flag)
	f.linef("%s = &%s;", ptr, c.paren())
	return ptr, flag
}

// checkedStore stores value into the checked lvalue target unless one of
// its checks fails. The value is evaluated either way, after the target's
// indexes, as in Go.
func (f *fn) checkedStore(target ir.Expr, value func() string) {
	ptr, flag := f.checkedTarget(target)
	if at, ok := target.Type().(*ir.Array); ok {
		src := value()
		f.linef("if (!%s) {", flag)
		f.depth++
		f.copyArray(at, "(*"+ptr+")", src)
		f.depth--
		f.linef("}")
		return
	}
	f.temps++
	tmp := fmt.Sprintf("dc_t%d", f.temps)
	f.linef("%s = %s;", f.p.decl(target.Type(), tmp), value())
	f.linef("if (!%s) {", flag)
	f.linef("\t*%s = %s;", ptr, tmp)
	f.linef("}")
}

// checkedAtomic prints atomic name on the checked location loc with the
// other arguments args: skipped, yielding 0, when a check fails.
func (f *fn) checkedAtomic(name string, loc ir.Expr, args []string, t ir.Type) cexpr {
	flag := f.newFlag()
	ptr := f.newPtr(loc)
	c := f.chain(loc, flag)
	zero := "0"
	if b := ir.BasicOf(t); b != nil {
		zero = "(" + f.p.d.Types[b.Kind] + ")0"
	}
	do := call(name, append([]string{ptr}, args...)...)
	return primary("((" + flag + " = 0, " + ptr + " = &" + c.paren() + "), " + flag + " ? " + zero + " : " + do.s + ")")
}
