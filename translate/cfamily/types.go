package cfamily

import (
	"fmt"
	"strings"

	"github.com/dotcompute/dc/translate/ir"
)

// basic returns the C name of a basic type (a named type prints as its
// underlying type).
func (p *printer) basic(b *ir.Basic) string { return p.d.Types[b.Kind] }

// decl returns the C declaration of name with type t ("float x",
// "float a[4][2]", "float (*p)[16]"). Slices declare their pointer only;
// see sliceDecl.
func (p *printer) decl(t ir.Type, name string) string {
	switch t := t.(type) {
	case *ir.Basic:
		return join(p.basic(t), name)
	case *ir.Struct:
		return join(p.structName(t), name)
	case *ir.Array:
		return p.decl(t.Elem, fmt.Sprintf("%s[%d]", name, t.Len))
	case *ir.Pointer:
		return p.ptrDecl(t, name)
	case *ir.Slice:
		return p.sliceDecl(t, name, false, false)
	}
	return fmt.Sprintf("/* %s */ int %s", t, name)
}

// join joins a type name and a declarator: "float x", "float* p",
// "float*" (an abstract pointer declarator).
func join(typ, declarator string) string {
	if strings.HasPrefix(declarator, "*") && !strings.HasPrefix(declarator, "*(") {
		rest := declarator[1:]
		if rest == "" {
			return typ + "*"
		}
		return typ + "* " + rest
	}
	if declarator == "" || strings.HasPrefix(declarator, "[") {
		return typ + declarator
	}
	return typ + " " + declarator
}

// ptrDecl declares a pointer to a group-shared array as the array's
// decayed form: *[N]T is "T* p" and *[N][M]T is "T (*p)[M]".
func (p *printer) ptrDecl(t *ir.Pointer, name string) string {
	q := p.d.SharedPtr
	if t.Space == ir.SpaceGlobal {
		q = p.d.GlobalPtr
	}
	if q != "" {
		q += " "
	}
	elem := t.Elem
	if a, ok := elem.(*ir.Array); ok {
		elem = a.Elem
	}
	if _, ok := elem.(*ir.Array); ok {
		return q + p.decl(elem, "(*"+name+")")
	}
	return q + p.decl(elem, "*"+name)
}

// sliceDecl declares the pointer of a slice: "float* x", or with readOnly
// "const float* __restrict__ x" (restrict only where the dialect has it and
// restrict is set). A slice of arrays is a pointer to arrays:
// "const float (*__restrict__ x)[4]".
func (p *printer) sliceDecl(t *ir.Slice, name string, readOnly, restrict bool) string {
	var b strings.Builder
	if p.d.GlobalPtr != "" {
		b.WriteString(p.d.GlobalPtr + " ")
	}
	if readOnly {
		b.WriteString("const ")
	}
	d := "*"
	if readOnly && restrict && p.d.Restrict != "" {
		d += p.d.Restrict + " "
	}
	d += name
	if _, ok := t.Elem.(*ir.Array); ok {
		d = "(" + d + ")"
	}
	b.WriteString(p.decl(t.Elem, d))
	return b.String()
}

// lenType is the C type of a slice length.
func (p *printer) lenType() string { return p.d.Types[ir.Int] }

// elemPtr returns the C type of a mutable pointer to a slice's elements,
// for casts ("float*", "float (*)[4]").
func (p *printer) elemPtr(t *ir.Slice) string {
	d := "*"
	if _, ok := t.Elem.(*ir.Array); ok {
		d = "(*)"
	}
	s := p.decl(t.Elem, d)
	if p.d.GlobalPtr != "" {
		s = p.d.GlobalPtr + " " + s
	}
	return s
}

// structName returns the C name of a struct type.
func (p *printer) structName(s *ir.Struct) string {
	if n, ok := p.structNames[s]; ok {
		return n
	}
	// A struct missing from Program.Structs: name it anyway, and say so.
	n := safeName(s.Name, p.reserved, p.globals, p.d.ReservedPrefixes...)
	p.globals[n] = true
	p.structNames[s] = n
	p.problemf(ir.Pos{}, "struct %s is used but not in Program.Structs", s.Name)
	return n
}

// fieldName returns the C name of field i of s.
func (p *printer) fieldName(s *ir.Struct, i int) string {
	names, ok := p.fieldNames[s]
	if !ok {
		taken := make(map[string]bool)
		for _, f := range s.Fields {
			n := cIdent(f.Name)
			if f.Name == "_" || implReserved(n, p.d.ReservedPrefixes...) || p.keywords[n] {
				continue
			}
			taken[n] = true
		}
		for j, f := range s.Fields {
			n := cIdent(f.Name)
			switch {
			case f.Name == "_":
				n = fmt.Sprintf("dc_pad%d", j)
			case implReserved(n, p.d.ReservedPrefixes...) || p.keywords[n]:
				n = safeName(f.Name, p.keywords, taken, p.d.ReservedPrefixes...)
				taken[n] = true
			}
			names = append(names, n)
		}
		p.fieldNames[s] = names
	}
	return names[i]
}

// structDecl writes the declaration of s and its layout checks.
func (p *printer) structDecl(b *strings.Builder, s *ir.Struct) {
	name := p.structName(s)
	p.structOpen(b, name)
	for i, f := range s.Fields {
		fmt.Fprintf(b, "\t%s;\n", p.decl(f.Type, p.fieldName(s, i)))
	}
	p.structClose(b, name)
	if p.d.StaticAssert == "" {
		return
	}
	// Layout checks. Compilers have no constant offsetof without headers
	// (NVRTC 13 has neither <cstddef>, __builtin_offsetof nor constant
	// null-pointer arithmetic), so each field is checked instead to start
	// where C puts it: at the first multiple of its alignment after the
	// previous field, given that the previous field starts at Go's offset.
	// By induction every field is at Go's offset.
	sa := p.d.StaticAssert
	fmt.Fprintf(b, "%s(sizeof(%s) == %d, \"dc: size of %s differs from Go\");\n", sa, name, s.Size, s.Name)
	if p.d.AlignOf != "" {
		fmt.Fprintf(b, "%s(%s(%s) == %d, \"dc: alignment of %s differs from Go\");\n", sa, p.d.AlignOf, name, s.Align, s.Name)
	}
	for i, f := range s.Fields {
		var cond string
		switch {
		case i == 0:
			if f.Offset == 0 {
				continue
			}
			cond = fmt.Sprintf("0 == %d", f.Offset) // C puts the first field at 0
		case p.d.AlignOf == "":
			continue
		default:
			prev := s.Fields[i-1]
			end := fmt.Sprintf("%d + sizeof(%s)", prev.Offset, p.typeName(prev.Type))
			a := fmt.Sprintf("%s(%s)", p.d.AlignOf, p.typeName(f.Type))
			cond = fmt.Sprintf("(%s + %s - 1) / %s * %s == %d", end, a, a, a, f.Offset)
		}
		fmt.Fprintf(b, "%s(%s, \"dc: offset of %s.%s differs from Go\");\n", sa, cond, s.Name, f.Name)
	}
}

// typeName returns the C type-id of t ("float", "float[3]").
func (p *printer) typeName(t ir.Type) string {
	return strings.TrimSuffix(p.decl(t, ""), " ")
}

// wrapped reports whether a function's results travel in a dc_ret_ struct:
// several results, or one that C cannot return (an array or a slice).
func wrapped(f *ir.Func) bool {
	if len(f.Results) > 1 {
		return true
	}
	if len(f.Results) == 1 {
		switch f.Results[0].(type) {
		case *ir.Array, *ir.Slice:
			return true
		}
	}
	return false
}

// retStructName returns the name of the result struct of f.
func (p *printer) retStructName(f *ir.Func) string { return "dc_ret_" + p.funcName(f) }

// retStructDecl writes the result struct of f.
func (p *printer) retStructDecl(b *strings.Builder, f *ir.Func) {
	name := p.retStructName(f)
	p.structOpen(b, name)
	for i, t := range f.Results {
		r := fmt.Sprintf("r%d", i)
		if s, ok := t.(*ir.Slice); ok {
			fmt.Fprintf(b, "\t%s;\n\t%s %s_len;\n", p.sliceDecl(s, r, false, false), p.lenType(), r)
			continue
		}
		fmt.Fprintf(b, "\t%s;\n", p.decl(t, r))
	}
	p.structClose(b, name)
}

// arrayWrapper returns the name of the struct that carries a kernel
// parameter of array type t by value (C cannot pass arrays by value),
// declaring it on first use.
func (p *printer) arrayWrapper(t *ir.Array) string {
	key := t.String()
	if n, ok := p.wrappers[key]; ok {
		return n
	}
	n := fmt.Sprintf("dc_arr%d", len(p.wrapperOrder))
	p.wrappers[key] = n
	p.wrapperOrder = append(p.wrapperOrder, t)
	return n
}

// arrayWrapperDecl writes the wrapper struct of array type t.
func (p *printer) arrayWrapperDecl(b *strings.Builder, t *ir.Array) {
	name := p.wrappers[t.String()]
	p.structOpen(b, name)
	fmt.Fprintf(b, "\t%s;\n", p.decl(t, "v"))
	p.structClose(b, name)
	if p.d.StaticAssert != "" {
		fmt.Fprintf(b, "%s(sizeof(%s) == %d, \"dc: size of %s differs from Go\");\n", p.d.StaticAssert, name, t.Size(), t)
	}
}

// structOpen begins the declaration of struct name ("struct name {", or
// "typedef struct name {" where the dialect typedefs structs).
func (p *printer) structOpen(b *strings.Builder, name string) {
	if p.d.TypedefStructs {
		b.WriteString("typedef ")
	}
	fmt.Fprintf(b, "struct %s {\n", name)
}

// structClose ends the declaration structOpen began.
func (p *printer) structClose(b *strings.Builder, name string) {
	if p.d.TypedefStructs {
		fmt.Fprintf(b, "} %s;\n", name)
		return
	}
	b.WriteString("};\n")
}
