package smith

import (
	"fmt"
	"strings"
)

// stmts writes n random statements nested at most depth deep.
func (f *fgen) stmts(n, depth int) {
	for range n {
		f.stmt(depth)
	}
}

// block writes "{ n statements }" in a new scope (the caller writes what
// comes before the brace).
func (f *fgen) block(n, depth int) {
	f.out.WriteString("{\n")
	f.pushScope()
	f.stmts(n, depth)
	f.popScope()
	f.out.WriteString("}")
}

// mutable returns the scalar variables that may be assigned, and the
// assignable places inside mutable arrays and structs, of any type.
func (f *fgen) places() []place {
	var ps []place
	var sub func(e string, t *typ)
	sub = func(e string, t *typ) {
		switch t.kind {
		case kScalar:
			ps = append(ps, place{e, t})
		case kArray:
			sub(e+"["+f.arrayIndex()+"]", t.elem)
		case kStruct:
			for _, fl := range t.fields {
				sub(e+"."+fl.name, fl.t)
			}
			ps = append(ps, place{e, t})
		}
	}
	for _, v := range f.vars(func(v *variable) bool { return v.mutable }) {
		sub(v.name, v.t)
	}
	if f.k != nil && !f.guardOut {
		for _, o := range f.outs {
			sub(o.name+"[i]", o.t)
		}
	}
	return ps
}

type place struct {
	s string
	t *typ
}

func (f *fgen) stmt(depth int) {
	w := f.out
	switch n := f.g.intn(26); {
	case n < 4: // declare a scalar
		t := f.g.scalar()
		name := f.declName("v")
		switch f.g.intn(3) {
		case 0:
			fmt.Fprintf(w, "var %s %s\n", name, t.name)
		case 1:
			fmt.Fprintf(w, "var %s %s = %s\n", name, t.name, f.expr(t, 3).s)
		default:
			fmt.Fprintf(w, "%s := %s\n", name, f.nonConst(t, 3).s)
		}
		f.declare(name, t, true)
	case n < 8: // assign
		ps := f.places()
		if len(ps) == 0 {
			f.stmt(depth)
			return
		}
		f.assign(pick(f.g, ps))
	case n < 9: // declare an array
		t := arrayOf(f.g.scalar())
		if f.g.chance(0.25) {
			t = arrayOf(pick(f.g, f.g.structs))
		}
		name := f.declName("a")
		switch k := f.g.intn(3); {
		case k == 2 && f.hasArray(t):
			fmt.Fprintf(w, "%s := %s\n", name, f.arrayValue(t))
		case k == 1:
			fmt.Fprintf(w, "%s := %s\n", name, f.arrayLit(t, 2))
		default:
			fmt.Fprintf(w, "var %s %s\n", name, t.name)
		}
		f.declare(name, t, true)
	case n < 10: // declare a struct
		t := pick(f.g, f.g.structs)
		name := f.declName("s")
		if f.g.chance(0.2) {
			fmt.Fprintf(w, "var %s %s\n", name, t.name)
		} else {
			fmt.Fprintf(w, "%s := %s\n", name, f.structValue(t, 2))
		}
		f.declare(name, t, true)
	case n < 12 && depth > 0: // if
		if f.g.chance(0.2) {
			// if with an init statement: its variable is scoped to the if.
			t := pick(f.g, numericTypes)
			v := f.newName("c")
			f.pushScope()
			init := fmt.Sprintf("%s := %s", v, f.nonConst(t, 2).s)
			f.declare(v, t, true)
			fmt.Fprintf(w, "if %s; %s < %s ", init, v, f.expr(t, 1).s)
			f.block(1+f.g.intn(2), depth-1)
			w.WriteString(" else ")
			f.block(1+f.g.intn(2), depth-1)
			w.WriteString("\n")
			f.scopes = f.scopes[:len(f.scopes)-1] // v is used in the condition
			return
		}
		fmt.Fprintf(w, "if %s ", f.expr(tBool, 3).s)
		f.block(1+f.g.intn(3), depth-1)
		if f.g.chance(0.5) {
			w.WriteString(" else ")
			if f.g.chance(0.3) {
				fmt.Fprintf(w, "if %s ", f.expr(tBool, 2).s)
			}
			f.block(1+f.g.intn(3), depth-1)
		}
		w.WriteString("\n")
	case n < 15 && depth > 0:
		f.loop(depth)
	case n < 16 && depth > 0:
		f.switchStmt(depth)
	case n < 18:
		f.callStmt()
	case n < 19 && f.k != nil: // store to an output
		if len(f.outs) > 0 {
			f.outStore(pick(f.g, f.outs))
		}
	case n < 20 && f.k != nil:
		f.atomic()
	case n < 21 && f.k != nil && len(f.approx) > 0:
		f.approxStore()
	case n < 23 && len(f.targets) > 0: // break or continue
		f.jump()
	case n < 24 && f.k != nil && !f.noReturn && depth < 3:
		if f.guardOut {
			// A barrier kernel after its last barrier: threads past the
			// end have no hash element.
			fmt.Fprintf(w, "if %s {\n", f.expr(tBool, 2).s)
			f.guardedReturn()
			w.WriteString("}\n")
			return
		}
		fmt.Fprintf(w, "if %s {\nhash[i] = h\nreturn\n}\n", f.expr(tBool, 2).s)
	case n < 25:
		// A tuple assignment: every right-hand side (and index on the left)
		// is evaluated before any assignment.
		ps := f.places()
		var ss []place
		for _, p := range ps {
			if p.t.kind == kScalar {
				ss = append(ss, p)
			}
		}
		if len(ss) < 2 {
			return
		}
		a, b := pick(f.g, ss), pick(f.g, ss)
		if a.s == b.s {
			return
		}
		ea, eb := b.s, a.s
		if a.t != b.t {
			ea, eb = f.expr(a.t, 2).s, f.expr(b.t, 2).s
		}
		fmt.Fprintf(w, "%s, %s = %s, %s\n", a.s, b.s, ea, eb)
	default:
		ps := f.places()
		if len(ps) > 0 {
			f.assign(pick(f.g, ps))
		}
	}
}

// assign writes an assignment to place p.
func (f *fgen) assign(p place) {
	w := f.out
	t := p.t
	if t.kind == kStruct {
		fmt.Fprintf(w, "%s = %s\n", p.s, f.structValue(t, 2))
		return
	}
	if t.kind == kArray {
		return
	}
	if t == tBool {
		fmt.Fprintf(w, "%s = %s\n", p.s, f.expr(tBool, 3).s)
		return
	}
	switch f.g.intn(6) {
	case 0:
		fmt.Fprintf(w, "%s%s\n", p.s, pick(f.g, []string{"++", "--"}))
		return
	case 1, 2:
		var ops []string
		if t.isFloat() {
			ops = []string{"+", "-", "*", "/"}
		} else {
			ops = []string{"+", "-", "*", "&", "|", "^", "&^", "<<", ">>", "/", "%"}
		}
		op := pick(f.g, ops)
		var rhs string
		switch op {
		case "<<", ">>":
			rhs = f.shiftCount(t)
		case "/", "%":
			if t.isFloat() {
				rhs = f.expr(t, 2).s
			} else {
				rhs = "nz(" + f.expr(t, 2).s + ")"
			}
		default:
			e := f.expr(t, 3)
			if op == "+" || op == "-" {
				e = noFuse(e, t)
			}
			rhs = e.s
		}
		fmt.Fprintf(w, "%s %s= %s\n", p.s, op, rhs)
		return
	}
	fmt.Fprintf(w, "%s = %s\n", p.s, f.expr(t, 3).s)
}

// loop writes a for loop with a small constant trip count, sometimes
// labelled, in one of Go's forms.
func (f *fgen) loop(depth int) {
	w := f.out
	tg := &target{isLoop: true}
	if f.g.chance(0.4) {
		tg.label = f.newName("L")
	}
	// The body goes to a buffer first: the label is written only if used.
	saved := f.out
	body := &strings.Builder{}
	f.out = body
	f.targets = append(f.targets, tg)
	f.pushScope()
	var head, first string
	switch f.g.intn(7) {
	case 4:
		// Infinite loop left by a break.
		k := f.newName("k")
		head = fmt.Sprintf("for %s := 0; ; %s++ ", k, k)
		f.declare(k, tInt, false)
		first = fmt.Sprintf("if %s >= %d {\nbreak\n}\n", k, 1+f.g.intn(4))
	case 5:
		// While-style on a counter declared before the loop.
		f.names++
		k := fmt.Sprintf("k%d", f.names)
		fmt.Fprintf(saved, "%s := %d\n", k, 1+f.g.intn(4))
		f.scopes[len(f.scopes)-2].vars = append(f.scopes[len(f.scopes)-2].vars, &variable{name: k, t: tInt})
		head = fmt.Sprintf("for %s > 0 ", k)
		first = fmt.Sprintf("%s--\n", k)
	case 6:
		if len(f.slices) > 0 && f.idx != "" {
			s := pick(f.g, f.slices)
			k, x := f.newName("k"), f.newName("x")
			head = fmt.Sprintf("for %s, %s := range %s[%s:min(%s+%d, len(%s))] ", k, x, s.name, f.idx, f.idx, 1+f.g.intn(4), s.name)
			f.declare(k, tInt, false)
			f.declare(x, s.t, true)
			break
		}
		fallthrough
	case 0:
		k := f.newName("k")
		head = fmt.Sprintf("for %s := 0; %s < %d; %s++ ", k, k, 1+f.g.intn(5), k)
		f.declare(k, tInt, false)
	case 1:
		k := f.newName("k")
		head = fmt.Sprintf("for %s := range %d ", k, 1+f.g.intn(5))
		f.declare(k, tInt, false)
	case 2:
		// Range over an array value: a copy, evaluated once.
		arrs := f.vars(func(v *variable) bool { return v.t.kind == kArray })
		if len(arrs) == 0 {
			k := f.newName("k")
			head = fmt.Sprintf("for %s := %d; %s > 0; %s-- ", k, 1+f.g.intn(5), k, k)
			f.declare(k, tInt, false)
			break
		}
		a := pick(f.g, arrs)
		k, x := f.newName("k"), f.newName("x")
		head = fmt.Sprintf("for %s, %s := range %s ", k, x, a.name)
		f.declare(k, tInt, false)
		f.declare(x, a.t.elem, true)
	default:
		k := f.newName("k")
		head = fmt.Sprintf("for %s := uint8(%d); %s < %d; %s += %d ", k, f.g.intn(3), k, 3+f.g.intn(5), k, 1+f.g.intn(2))
		f.declare(k, tU8, false)
	}
	body.WriteString("{\n" + first)
	f.stmts(1+f.g.intn(4), depth-1)
	f.popScope()
	body.WriteString("}\n")
	f.endTarget(w, saved, head, body, tg)
}

// endTarget finishes a loop or switch statement: it pops its branch
// target, restores the output, and writes the statement to w (labelled if
// a branch used the label).
func (f *fgen) endTarget(w, saved *strings.Builder, head string, body *strings.Builder, tg *target) {
	f.targets = f.targets[:len(f.targets)-1]
	f.out = saved
	if tg.used {
		fmt.Fprintf(w, "%s:\n", tg.label)
	}
	w.WriteString(head)
	w.WriteString(body.String())
}

// switchStmt writes a tagged or tagless switch, sometimes labelled.
func (f *fgen) switchStmt(depth int) {
	w := f.out
	tg := &target{}
	if f.g.chance(0.3) {
		tg.label = f.newName("W")
	}
	saved := f.out
	body := &strings.Builder{}
	f.out = body
	f.targets = append(f.targets, tg)
	ncase := 1 + f.g.intn(4)
	var head string
	var ends []int // where each clause ends in body
	if f.g.chance(0.6) {
		t := pick(f.g, intTypes)
		if f.g.chance(0.2) {
			v := f.newName("c")
			head = fmt.Sprintf("switch %s := %s; %s ", v, f.nonConst(t, 2).s, v)
		} else {
			head = fmt.Sprintf("switch %s ", f.nonConst(t, 2).s)
		}
		seen := map[string]bool{}
		body.WriteString("{\n")
		for range ncase {
			var vals []string
			for range 1 + f.g.intn(2) {
				var v string
				if f.g.chance(0.2) {
					v = f.nonConst(t, 1).s
				} else {
					v = intConst(f.g.r, t)
					if seen[v] {
						continue
					}
					seen[v] = true
				}
				vals = append(vals, v)
			}
			if len(vals) == 0 {
				continue
			}
			fmt.Fprintf(body, "case %s:\n", strings.Join(vals, ", "))
			f.caseBody(depth)
			ends = append(ends, body.Len())
		}
	} else {
		head = "switch "
		body.WriteString("{\n")
		for range ncase {
			fmt.Fprintf(body, "case %s:\n", f.expr(tBool, 2).s)
			f.caseBody(depth)
			ends = append(ends, body.Len())
		}
	}
	if f.g.chance(0.5) {
		body.WriteString("default:\n")
		f.caseBody(depth)
		ends = append(ends, body.Len())
	}
	body.WriteString("}\n")
	body = fallThrough(f.g, body.String(), ends)
	f.endTarget(w, saved, head, body, tg)
}

// fallThrough ends some clauses of the switch body src, whose clauses end
// at the offsets ends, with a fallthrough statement; never the last clause.
func fallThrough(g *gen, src string, ends []int) *strings.Builder {
	out := &strings.Builder{}
	last := 0
	for _, e := range ends[:max(len(ends)-1, 0)] {
		if g.chance(0.3) {
			out.WriteString(src[last:e])
			out.WriteString("fallthrough\n")
			last = e
		}
	}
	out.WriteString(src[last:])
	return out
}

func (f *fgen) caseBody(depth int) {
	f.pushScope()
	f.stmts(1+f.g.intn(3), depth-1)
	f.popScope()
}

// jump writes a conditional break or continue: an unlabelled break of
// the innermost loop or switch, an unlabelled continue of the innermost
// loop, or a labelled one of any enclosing labelled target.
func (f *fgen) jump() {
	type option struct {
		verb string
		tg   *target
	}
	opts := []option{{"break", f.targets[len(f.targets)-1]}}
	if k := innermostLoop(f.targets); k >= 0 {
		opts = append(opts, option{"continue", f.targets[k]})
	}
	for _, t := range f.targets {
		if t.label != "" {
			opts = append(opts, option{"break " + t.label, t})
			if t.isLoop {
				opts = append(opts, option{"continue " + t.label, t})
			}
		}
	}
	o := pick(f.g, opts)
	if strings.Contains(o.verb, " ") {
		o.tg.used = true
	}
	fmt.Fprintf(f.out, "if %s {\n%s\n}\n", f.expr(tBool, 2).s, o.verb)
}

func innermostLoop(ts []*target) int {
	for k := len(ts) - 1; k >= 0; k-- {
		if ts[k].isLoop {
			return k
		}
	}
	return -1
}

// callStmt calls a device function and keeps its results in new locals.
func (f *fgen) callStmt() {
	var fs []*dfunc
	for _, d := range f.g.funcs {
		if f.canCall(d) {
			fs = append(fs, d)
		}
	}
	if len(fs) == 0 {
		return
	}
	d := pick(f.g, fs)
	var args []string
	if d.thread {
		args = append(args, "t")
	}
	for _, p := range d.params {
		args = append(args, f.arg(p, 2))
	}
	call := d.name + "(" + strings.Join(args, ", ") + ")"
	if d.recv != nil {
		call = "(" + f.value(d.recv, 1).s + ")." + call
	}
	var names []string
	for range d.results {
		names = append(names, f.newName("r"))
	}
	fmt.Fprintf(f.out, "%s := %s\n", strings.Join(names, ", "), call)
	for k, t := range d.results {
		f.declare(names[k], t, true)
	}
}

// outStore writes this thread's element of output o.
func (f *fgen) outStore(o param) {
	var s string
	switch o.t.kind {
	case kArray:
		if f.g.chance(0.5) && f.hasArray(o.t) {
			s = fmt.Sprintf("%s[i] = %s\n", o.name, f.arrayValue(o.t))
		} else {
			s = fmt.Sprintf("%s[i][%s] = %s\n", o.name, f.arrayIndex(), f.expr(o.t.elem, 3).s)
		}
	case kStruct:
		s = fmt.Sprintf("%s[i] = %s\n", o.name, f.structValue(o.t, 2))
	default:
		s = fmt.Sprintf("%s[i] = %s\n", o.name, f.expr(o.t, 3).s)
	}
	if f.guardOut {
		s = "if i < n {\n" + s + "}\n"
	}
	f.out.WriteString(s)
}

// atomic writes an atomic whose final effect is independent of the order
// of the threads: adds (integers wrap, floats are small integers), min and
// max on the shared slots, and any atomic on this thread's own element.
func (f *fgen) atomic() {
	w := f.out
	if f.own != nil && f.g.chance(0.4) {
		o := f.own
		ix := "i"
		guard := f.guardOut
		name := f.newName("old")
		var call string
		switch op := f.g.intn(4); {
		case o.t == tF32 && op < 2:
			call = fmt.Sprintf("dc.AtomicAdd(&%s[%s], %s)", o.name, ix, f.smallFloat())
		case o.t == tF32:
			call = fmt.Sprintf("dc.AtomicExchange(&%s[%s], %s)", o.name, ix, f.expr(tF32, 2).s)
		case op == 0:
			call = fmt.Sprintf("dc.AtomicAdd(&%s[%s], %s)", o.name, ix, f.expr(o.t, 2).s)
		case op == 1:
			call = fmt.Sprintf("dc.AtomicExchange(&%s[%s], %s)", o.name, ix, f.expr(o.t, 2).s)
		case op == 2:
			call = fmt.Sprintf("dc.AtomicCAS(&%s[%s], %s, %s)", o.name, ix, f.expr(o.t, 2).s, f.expr(o.t, 2).s)
		default:
			call = fmt.Sprintf("dc.%s(&%s[%s], %s)", pick(f.g, []string{"AtomicMin", "AtomicMax"}), o.name, ix, f.expr(o.t, 2).s)
		}
		if guard {
			fmt.Fprintf(w, "var %s %s\nif i < n {\n%s = %s\n}\n", name, o.t.name, name, call)
		} else {
			fmt.Fprintf(w, "%s := %s\n", name, call)
		}
		f.declare(name, o.t, true)
		return
	}
	if len(f.atomics) == 0 {
		return
	}
	a := pick(f.g, f.atomics)
	slot := f.g.intn(4)
	if a.t == tF32 {
		fmt.Fprintf(w, "dc.AtomicAdd(&%s[%d], %s)\n", a.name, slot, f.smallFloat())
		return
	}
	op := []string{"AtomicAdd", "AtomicMax", "AtomicMin", "AtomicAdd"}[slot]
	fmt.Fprintf(w, "dc.%s(&%s[%d], %s)\n", op, a.name, slot, f.expr(a.t, 3).s)
}

// approxStore writes an approximate math function of a (bit-reproducible)
// argument to this thread's element of an approx output.
func (f *fgen) approxStore() {
	a := pick(f.g, f.approx)
	t := a.t
	x := f.nonConst(t, 2).s
	var call string
	fns := []string{"dc.Sin", "dc.Cos", "dc.Tan", "dc.Exp", "dc.Exp2", "dc.Log", "dc.Log2", "dc.Tanh", "dc.Rsqrt", "dc.Atan2", "dc.Pow"}
	if t == tF64 {
		fns = append(fns, "math.Sin", "math.Exp", "math.Log10", "math.Asin", "math.Acos", "math.Atan", "math.Sinh", "math.Cosh", "math.Hypot", "math.Cbrt")
	}
	fn := pick(f.g, fns)
	switch fn {
	case "dc.Atan2", "dc.Pow", "math.Hypot":
		call = fmt.Sprintf("%s(%s, %s)", fn, x, f.expr(t, 2).s)
	default:
		call = fmt.Sprintf("%s(%s)", fn, x)
	}
	s := fmt.Sprintf("%s[4*i+%d] = %s\n", a.name, f.g.intn(4), call)
	if f.guardOut {
		s = "if i < n {\n" + s + "}\n"
	}
	f.out.WriteString(s)
}
