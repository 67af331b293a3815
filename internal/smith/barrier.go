package smith

import (
	"fmt"
	"strings"
)

// This file holds the constructs of barrier kernels beyond straight-line
// phases: barriers inside ifs and loops whose conditions every thread of a
// group agrees on, uniform break, continue and return in them, groups
// that leave before a barrier, thread-varying returns after the last
// barrier, and device functions with barriers called inside expressions.
// Each keeps the kernel valid for the dialect (a barrier only under
// group-uniform control) and deterministic: a shared array is read only
// after a barrier that follows every thread's write of the element read,
// and written again only after a barrier that follows every read.

// uniformCond returns a condition every thread of a group agrees on:
// thread geometry that is the same in a group, the thread count, and the
// scalar parameters the kernel never assigns.
func (f *fgen) uniformCond() string {
	cs := []string{
		fmt.Sprintf("t.GroupX()%%2 == %d", f.g.intn(2)),
		fmt.Sprintf("t.GroupX() != %d", f.g.intn(3)),
		fmt.Sprintf("n > %d", pick(f.g, []int{1, 36, 40, 200, 299})),
		fmt.Sprintf("gs >= %d", pick(f.g, []int{32, 64, 128})),
		"t.NumGroupsX() > 1",
	}
	for _, p := range f.uparams {
		if c := f.paramCond(p); c != "" {
			cs = append(cs, c, c) // parameters twice as likely
		}
	}
	c := pick(f.g, cs)
	if f.g.chance(0.2) {
		c = fmt.Sprintf("(%s) %s (%s)", c, pick(f.g, []string{"&&", "||"}), pick(f.g, cs))
	}
	return c
}

// paramCond returns a condition on scalar parameter p (or a scalar field
// of it), "" if it has none.
func (f *fgen) paramCond(p param) string {
	name, t := p.name, p.t
	if t.kind == kStruct {
		var fs []field
		for _, fl := range t.fields {
			if fl.t.kind == kScalar {
				fs = append(fs, fl)
			}
		}
		if len(fs) == 0 {
			return ""
		}
		fl := pick(f.g, fs)
		name, t = name+"."+fl.name, fl.t
	}
	switch {
	case t == tBool:
		if f.g.chance(0.5) {
			return "!" + name
		}
		return name
	case t.isFloat():
		return fmt.Sprintf("%s %s %s(%d)", name, pick(f.g, []string{"<", ">=", "!="}), t.name, f.g.intn(3)-1)
	}
	if f.g.chance(0.5) {
		return fmt.Sprintf("%s%%2 == 0", name)
	}
	return fmt.Sprintf("%s %s %s(%d)", name, pick(f.g, []string{"<", ">", "<=", ">="}), t.name, f.g.intn(4))
}

// uniformInt returns an int expression every thread of a group agrees on.
func (f *fgen) uniformInt() string {
	cs := []string{"t.GroupX()", "t.NumGroupsX() - 1", "n % 3", "gs / 64"}
	for _, p := range f.uparams {
		if p.t.isInt() {
			cs = append(cs, "int("+p.name+")", "int("+p.name+")")
		}
	}
	return pick(f.g, cs)
}

// newShared declares a new [128] shared array of a random element type in
// the current block; it is unreadable until written and past a barrier.
func (f *fgen) newShared() *shared {
	var et *typ
	if f.g.chance(0.2) {
		et = pick(f.g, f.g.structs)
	} else {
		et = f.g.numeric()
	}
	sh := &shared{name: f.newName("sm"), elem: et}
	fmt.Fprintf(f.out, "%s := dc.Shared[[128]%s](t)\n", sh.name, et.name)
	f.shared = append(f.shared, sh)
	return sh
}

// guardedReturn writes a return that first stores the hash of the threads
// that have an element.
func (f *fgen) guardedReturn() {
	f.k.pocl = true
	fmt.Fprintf(f.out, "if i < n {\nhash[i] = h ^ %d\n}\nreturn\n", f.g.intn(1000))
}

// groupExit writes an exit of whole groups: a return under a uniform
// condition, before later barriers.
func (f *fgen) groupExit() {
	fmt.Fprintf(f.out, "if %s {\n", f.uniformCond())
	f.pushScope()
	f.stmts(f.g.intn(2), 1)
	f.popScope()
	f.guardedReturn()
	f.out.WriteString("}\n")
}

// sharedPhase writes this thread's element of sh, a barrier, and
// statements that may read sh.
func (f *fgen) sharedPhase(sh *shared, n int) {
	fmt.Fprintf(f.out, "%s[l] = %s\n", sh.name, f.value(sh.elem, 3).s)
	f.out.WriteString("t.Barrier()\n")
	sh.readable = true
	f.stmts(n, 2)
}

// uniformIf writes an if on a uniform condition whose branch waits at a
// barrier, with statements after the barrier that read a shared array
// written before it; the else branch, if any, waits at a barrier too or
// not.
func (f *fgen) uniformIf() {
	w := f.out
	sh := f.newShared()
	fmt.Fprintf(w, "if %s {\n", f.uniformCond())
	f.pushScope()
	f.stmts(f.g.intn(3), 2)
	f.sharedPhase(sh, 1+f.g.intn(3))
	if f.g.chance(0.3) {
		f.groupCall()
	}
	f.popScope()
	sh.readable = false
	w.WriteString("}")
	if f.g.chance(0.6) {
		w.WriteString(" else {\n")
		f.pushScope()
		if f.g.chance(0.6) {
			f.stmts(f.g.intn(2), 2)
			f.sharedPhase(sh, 1+f.g.intn(2))
		} else {
			f.stmts(1+f.g.intn(3), 2)
		}
		f.popScope()
		sh.readable = false
		w.WriteString("}")
	}
	w.WriteString("\n")
}

// barrierLoop writes a loop with a uniform trip count that waits at
// barriers: each iteration writes a shared array, waits, and adds elements
// of it to an accumulator; uniform breaks, continues and returns leave
// iterations early. The barrier at the top of the body keeps the writes
// of one iteration after the reads of the one before, whichever way it
// was left.
func (f *fgen) barrierLoop() {
	w := f.out
	sh := f.newShared()
	// The accumulator has the type of the elements of sh, or of one of
	// their numeric fields.
	at, sel := sh.elem, ""
	if sh.elem.kind == kStruct {
		at = tInt
		for _, fl := range sh.elem.fields {
			if fl.t.isInt() || fl.t.isFloat() {
				at, sel = fl.t, "."+fl.name
			}
		}
	}
	acc := f.newName("acc")
	fmt.Fprintf(w, "%s := %s(%d)\n", acc, at.name, f.g.intn(5))
	f.declare(acc, at, true)
	k := f.newName("k")
	trips := 1 + f.g.intn(4)
	switch f.g.intn(3) {
	case 0:
		fmt.Fprintf(w, "for %s := range %d {\n", k, trips)
	case 1:
		fmt.Fprintf(w, "for %s := %d; %s >= 0; %s-- {\n", k, trips-1, k, k)
	default:
		fmt.Fprintf(w, "for %s := 0; %s < %d; %s++ {\n", k, k, trips, k)
	}
	f.pushScope()
	f.declare(k, tInt, false)
	// Where the uniform jumps go: 0 before the write, 1 after the reads.
	jumps := [2][]string{}
	for range 1 + f.g.intn(2) {
		var verb string
		switch n := f.g.intn(10); {
		case n < 4:
			verb = "break"
		case n < 8:
			verb = "continue"
		default:
			verb = "return"
		}
		var cond string
		switch f.g.intn(3) {
		case 0:
			cond = fmt.Sprintf("%s == %s", k, f.uniformInt())
		case 1:
			cond = fmt.Sprintf("%s == %d && (%s)", k, f.g.intn(trips), f.uniformCond())
		default:
			cond = fmt.Sprintf("%s >= %d", k, f.g.intn(trips))
		}
		pos := f.g.intn(2)
		jumps[pos] = append(jumps[pos], fmt.Sprintf("if %s {\n%s}\n", cond, verb))
	}
	jump := func(s string) {
		if strings.HasSuffix(s, "return}\n") {
			// The return stores the hash first.
			w.WriteString(strings.TrimSuffix(s, "return}\n"))
			f.guardedReturn()
			w.WriteString("}\n")
			return
		}
		w.WriteString(s)
	}
	w.WriteString("t.Barrier()\n")
	for _, s := range jumps[0] {
		jump(s)
	}
	f.stmts(f.g.intn(2), 1)
	ix := func() string { return fmt.Sprintf("(l+%s+%d)%%gs", k, f.g.intn(130)) }
	fmt.Fprintf(w, "%s[l] = %s\n", sh.name, f.value(sh.elem, 3).s)
	w.WriteString("t.Barrier()\n")
	sh.readable = true
	if sh.elem.kind != kStruct || sel != "" {
		fmt.Fprintf(w, "%s += %s[%s]%s\n", acc, sh.name, ix(), sel)
	}
	f.stmts(1+f.g.intn(2), 1)
	if f.g.chance(0.25) {
		f.groupCall()
	}
	for _, s := range jumps[1] {
		jump(s)
	}
	if f.g.chance(0.3) {
		fmt.Fprintf(w, "%s += %s(%s)\n", acc, at.name, k)
	}
	f.popScope()
	sh.readable = false
	w.WriteString("}\n")
}

// groupCall writes a declaration whose value calls a device function that
// waits at a barrier inside a larger expression. The function is the only
// call with effects in it, and no other operand reads the shared array
// it writes.
func (f *fgen) groupCall() {
	w := f.out
	r := f.newName("r")
	if f.g.chance(0.6) {
		s := f.newName("gs")
		fmt.Fprintf(w, "%s := dc.Shared[[128]int32](t)\n", s)
		call := fmt.Sprintf("groupSum(t, %s, %s)", s, f.expr(tI32, 2).s)
		var e string
		switch f.g.intn(4) {
		case 0:
			e = fmt.Sprintf("%s %s %s", f.expr(tI32, 2).s, pick(f.g, []string{"+", "-", "^", "*"}), call)
		case 1:
			e = fmt.Sprintf("%s(%s, %s)", pick(f.g, []string{"min", "max"}), call, f.expr(tI32, 2).s)
		case 2:
			e = fmt.Sprintf("int32(int64(%s) * %d)", call, 1+f.g.intn(5))
		default:
			e = fmt.Sprintf("1 + %s", call)
		}
		fmt.Fprintf(w, "%s := %s\n", r, e)
		f.declare(r, tI32, true)
		return
	}
	call := fmt.Sprintf("groupMax(t, %s)", f.expr(tF32, 2).s)
	var e string
	switch f.g.intn(3) {
	case 0:
		e = fmt.Sprintf("%s %s %s", noFuse(f.expr(tF32, 2), tF32).s, pick(f.g, []string{"+", "-"}), call)
	case 1:
		e = fmt.Sprintf("float64(%s) * 2", call)
	default:
		e = fmt.Sprintf("%s(%s, %s)", pick(f.g, []string{"min", "max"}), f.expr(tF32, 2).s, call)
	}
	fmt.Fprintf(w, "%s := %s\n", r, e)
	if strings.HasPrefix(e, "float64") {
		f.declare(r, tF64, true)
	} else {
		f.declare(r, tF32, true)
	}
}

// varyingExit writes, after the last barrier, a construct in which some
// threads return and the others go on with more statements inside it and
// after it; from here on random statements may return too.
func (f *fgen) varyingExit() {
	w := f.out
	f.noReturn = false
	if f.g.chance(0.5) {
		k := f.newName("k")
		fmt.Fprintf(w, "for %s := 0; %s < %d; %s++ {\n", k, k, 1+f.g.intn(3), k)
		f.pushScope()
		f.declare(k, tInt, false)
	} else {
		fmt.Fprintf(w, "if %s {\n", f.expr(tBool, 2).s)
		f.pushScope()
	}
	f.stmts(f.g.intn(2), 1)
	fmt.Fprintf(w, "if %s {\n", f.expr(tBool, 2).s)
	f.guardedReturn()
	w.WriteString("}\n")
	f.stmts(1+f.g.intn(2), 1)
	f.popScope()
	w.WriteString("}\n")
	f.stmts(1+f.g.intn(2), 2)
}

// gridStride writes a grid-stride loop between barriers, the shape the
// CPU backend runs in lockstep (every thread's first iteration, then
// every thread's second, and so on): it starts at the thread's x index in
// the grid or the group, its bound and step are the same in every thread
// of the group (a step that is not a multiple of the group size too, and
// a bound some threads start past), and its body carries an accumulator
// across the iterations besides random statements.
func (f *fgen) gridStride() {
	w := f.out
	acc := f.newName("acc")
	fmt.Fprintf(w, "%s := int32(%d)\n", acc, f.g.intn(5))
	f.declare(acc, tI32, true)
	k := f.newName("k")
	start := pick(f.g, []string{"t.GlobalX()", "t.GlobalX()", "i", "l", "t.LocalX() + t.GroupX()*gs",
		fmt.Sprintf("t.GlobalX() + %d", 1+f.g.intn(5))})
	bound := pick(f.g, []string{"len(hash)", fmt.Sprintf("len(hash) + %d", 1+f.g.intn(70)), "2 * len(hash)",
		fmt.Sprintf("len(hash) - %d", 1+f.g.intn(40)), fmt.Sprint(f.g.intn(300))})
	step := pick(f.g, []string{"t.GridSizeX()", "t.GridSizeX()", "gs", fmt.Sprint(1 + f.g.intn(40)),
		fmt.Sprintf("t.GridSizeX() + %d", 1+f.g.intn(5)), "2 * gs"})
	fmt.Fprintf(w, "for %s := %s; %s %s %s; %s += %s {\n", k, start, k, pick(f.g, []string{"<", "<="}), bound, k, step)
	f.pushScope()
	f.declare(k, tInt, false)
	fmt.Fprintf(w, "%s = %s*%d + int32(%s)\n", acc, acc, 3+2*f.g.intn(4), k)
	f.stmts(1+f.g.intn(3), 1)
	f.popScope()
	w.WriteString("}\n")
}
