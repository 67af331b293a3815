package cfamily

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/dotcompute/dc/translate/ir"
)

// printer holds the state of printing one program.
type printer struct {
	d *Dialect
	p *ir.Program

	reserved    map[string]bool // user names must avoid these
	keywords    map[string]bool // C and C++ keywords only (for fields)
	globals     map[string]bool // file-scope names in use
	varReserved map[string]bool // reserved, globals and shared-array names

	structNames  map[*ir.Struct]string
	fieldNames   map[*ir.Struct][]string
	funcNames    map[*ir.Func]string
	sharedNames  map[*ir.Shared]string
	wrappers     map[string]string // array type -> wrapper struct name
	wrapperOrder []*ir.Array
	helpers      map[string]string     // prelude helper name -> definition
	eqHelpers    map[*ir.Struct]string // struct equality helpers
	selHelpers   map[*ir.Struct]string // struct selectors of checked reads
	makeHelpers  map[*ir.Struct]string // struct constructors (array fields)
	problems     []error               // unsupported constructs, positioned
	unsupported  map[string]bool       // dedups problems
	last         ir.Pos                // the last #line emitted
	lastB        *strings.Builder      // the builder it went to
	lastAt       int                   // lastB's length just after it
	cur          *fn                   // the function being printed, if any
	funcText     map[*ir.Func]string   // printed device functions
	kernelText   map[*ir.Kernel]string // printed kernels
	f64word      *regexp.Regexp        // matches the float64 type name
	threadFuncs  map[*ir.Func]bool     // functions that get the thread geometry (Dialect.ThreadFuncParams)
}

// Print returns the source of every kernel and device function of prog in
// dialect d. The error lists IR constructs the dialect cannot express, each
// with its Go position; the text then carries an #error line for each, so
// it never compiles silently wrong.
func Print(d *Dialect, prog *ir.Program) (string, error) {
	p := &printer{
		d:           d,
		p:           prog,
		reserved:    reservedSet(d),
		keywords:    make(map[string]bool),
		globals:     make(map[string]bool),
		structNames: make(map[*ir.Struct]string),
		fieldNames:  make(map[*ir.Struct][]string),
		funcNames:   make(map[*ir.Func]string),
		sharedNames: make(map[*ir.Shared]string),
		wrappers:    make(map[string]string),
		helpers:     make(map[string]string),
		eqHelpers:   make(map[*ir.Struct]string),
		selHelpers:  make(map[*ir.Struct]string),
		makeHelpers: make(map[*ir.Struct]string),
		funcText:    make(map[*ir.Func]string),
		kernelText:  make(map[*ir.Kernel]string),
		unsupported: make(map[string]bool),
	}
	for _, k := range keywords {
		p.keywords[k] = true
	}
	p.nameGlobals()
	p.threadFuncs = threadFuncs(d, prog)

	for _, f := range prog.Funcs {
		p.funcText[f] = p.function(f)
	}
	for _, k := range prog.Kernels {
		if HasAliasedVariant(d, k) {
			p.kernelText[k] = p.kernel(k, k.Name, true) + "\n" + p.kernel(k, AliasedName(k), false)
			continue
		}
		p.kernelText[k] = p.kernel(k, k.Name, false)
	}

	// Everything after the prelude, in order, each with whether it uses
	// float64.
	uses := ir.NewFloat64Uses()
	var parts []part
	add := func(text string, f64 bool) {
		if text != "" {
			parts = append(parts, part{text, f64})
		}
	}
	for _, s := range prog.Structs {
		var sb strings.Builder
		p.structDecl(&sb, s)
		add(sb.String(), ir.TypeUsesFloat64(s))
	}
	for _, t := range p.wrapperOrder {
		var sb strings.Builder
		p.arrayWrapperDecl(&sb, t)
		add(sb.String(), ir.TypeUsesFloat64(t))
	}
	for _, s := range prog.Structs {
		add(p.eqHelpers[s], ir.TypeUsesFloat64(s))
		add(p.selHelpers[s], ir.TypeUsesFloat64(s))
		add(p.makeHelpers[s], ir.TypeUsesFloat64(s))
	}
	for _, f := range prog.Funcs {
		if wrapped(f) {
			var sb strings.Builder
			p.retStructDecl(&sb, f)
			add(sb.String(), uses.Func(f))
		}
	}
	for _, f := range prog.Funcs {
		add(p.funcText[f], uses.Func(f))
	}
	for _, k := range prog.Kernels {
		add(p.kernelText[k], uses.Kernel(k))
	}
	for _, s := range parts {
		p.needDialect(s.text)
	}
	for _, def := range p.helpers {
		p.needDialect(def)
	}
	var all []part
	for _, name := range sortedKeys(p.helpers) {
		all = append(all, part{p.helpers[name], p.textUsesF64(p.helpers[name])})
	}
	all = append(all, parts...)

	var b strings.Builder
	b.WriteString(Header + "\n")
	if d.Prologue != "" {
		b.WriteString("\n" + d.Prologue)
	}
	anyF64 := false
	for _, s := range all {
		anyF64 = anyF64 || s.f64
	}
	if anyF64 && d.Float64Enable != "" {
		b.WriteString("\n" + d.Float64Enable)
	}
	// Consecutive float64 parts share one guard.
	guarded := false
	for _, s := range all {
		g := s.f64 && d.Float64Guard != ""
		switch {
		case g && !guarded:
			b.WriteString("\n#ifdef " + d.Float64Guard + "\n")
		case !g && guarded:
			b.WriteString("#endif // " + d.Float64Guard + "\n\n")
		default:
			b.WriteString("\n")
		}
		guarded = g
		b.WriteString(s.text)
	}
	if guarded {
		b.WriteString("#endif // " + d.Float64Guard + "\n")
	}
	return b.String(), errors.Join(p.problems...)
}

// threadFuncs returns the device functions of prog that receive the
// thread geometry as parameters: where the dialect passes it so, those
// that read a thread builtin, are checked (a fault records the thread's
// ids) or call such a function. nil where the dialect reads builtins.
func threadFuncs(d *Dialect, prog *ir.Program) map[*ir.Func]bool {
	if d.ThreadParams == nil {
		return nil
	}
	need := make(map[*ir.Func]bool)
	callees := make(map[*ir.Func][]*ir.Func)
	for _, f := range prog.Funcs {
		need[f] = f.Checked
		ir.Inspect(f.Body, func(n ir.Node) bool {
			switch n := n.(type) {
			case *ir.BuiltinCall:
				if n.Op.IsThread() {
					need[f] = true
				}
			case *ir.Call:
				callees[f] = append(callees[f], n.Func)
			}
			return true
		})
	}
	for changed := true; changed; {
		changed = false
		for _, f := range prog.Funcs {
			if need[f] {
				continue
			}
			for _, c := range callees[f] {
				if need[c] {
					need[f], changed = true, true
					break
				}
			}
		}
	}
	return need
}

// part is one top-level declaration of the output.
type part struct {
	text string
	f64  bool // it uses float64
}

// nameGlobals names structs, functions, kernels and shared arrays.
func (p *printer) nameGlobals() {
	for _, k := range p.p.Kernels {
		// Kernel names are the entry points the runtime looks up: never
		// renamed.
		if p.reserved[k.Name] || implReserved(k.Name) {
			p.problemf(k.Pos, "kernel name %s is reserved in %s", k.Name, p.d.Name)
		}
		p.globals[k.Name] = true
	}
	for _, s := range p.p.Structs {
		n := safeName(s.Name, p.reserved, p.globals, p.d.ReservedPrefixes...)
		p.structNames[s] = n
		p.globals[n] = true
	}
	for _, f := range p.p.Funcs {
		n := safeName(f.Name, p.reserved, p.globals, p.d.ReservedPrefixes...)
		p.funcNames[f] = n
		p.globals[n] = true
	}
	p.varReserved = make(map[string]bool)
	for n := range p.reserved {
		p.varReserved[n] = true
	}
	for n := range p.globals {
		p.varReserved[n] = true
	}
	addShared := func(list []*ir.Shared) {
		for _, s := range list {
			if _, ok := p.sharedNames[s]; ok {
				continue
			}
			n := safeName(s.Name, p.reserved, p.globals, p.d.ReservedPrefixes...)
			p.sharedNames[s] = n
			p.varReserved[n] = true
		}
	}
	for _, f := range p.p.Funcs {
		addShared(f.Shared)
	}
	for _, k := range p.p.Kernels {
		addShared(k.Shared)
	}
}

// funcName returns the C name of a device function.
func (p *printer) funcName(f *ir.Func) string {
	if n, ok := p.funcNames[f]; ok {
		return n
	}
	n := safeName(f.Name, p.reserved, p.globals, p.d.ReservedPrefixes...)
	p.globals[n] = true
	p.funcNames[f] = n
	p.problemf(f.Pos, "function %s is called but not in Program.Funcs", f.Name)
	return n
}

// problemf records an unsupported construct at pos. Inside a function it
// also writes an #error line at the current place.
func (p *printer) problemf(pos ir.Pos, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if p.cur != nil {
		if !pos.IsValid() {
			pos = p.cur.pos
		}
		p.cur.b.WriteString("#error \"dc: unsupported: " + strings.ReplaceAll(msg, `"`, `'`) + "\"\n")
	}
	where := ""
	if pos.IsValid() {
		where = fmt.Sprintf("%s:%d:%d: ", pos.File, pos.Line, pos.Col)
	}
	key := where + msg
	if p.unsupported[key] {
		return
	}
	p.unsupported[key] = true
	p.problems = append(p.problems, fmt.Errorf("%s%s: unsupported: %s", where, p.d.Name, msg))
}

// line writes a #line directive for pos, unless it would repeat the last
// one with nothing after it. (A directive names the line of the line after
// it, so a second statement on the same Go line needs one again.) force
// writes it anyway.
func (p *printer) line(b *strings.Builder, pos ir.Pos, force bool) {
	if !pos.IsValid() {
		return
	}
	if !force && b == p.lastB && b.Len() == p.lastAt && pos.File == p.last.File && pos.Line == p.last.Line {
		return
	}
	p.last = pos
	file := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(pos.File)
	fmt.Fprintf(b, "#line %d \"%s\"\n", pos.Line, file)
	p.lastB, p.lastAt = b, b.Len()
}
