package translate

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"github.com/dotcompute/dc/translate/ir"
)

// constExpr returns the IR constant for a Go constant of type gt.
func (f *fnState) constExpr(tv types.TypeAndValue, pos token.Pos) ir.Expr {
	gt := f.ctx.resolve(tv.Type)
	if b, ok := gt.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
		gt = types.Default(b)
	}
	typ := f.t.irType(f.ctx, gt, pos, false)
	b := ir.BasicOf(typ)
	if b == nil {
		if typ != nil {
			f.t.errorf(pos, "unsupported: constant of type %s", typ)
		}
		return badExpr
	}
	return makeConst(b, tv.Value)
}

// makeConst converts v to the representation of kind b.
func makeConst(b *ir.Basic, v constant.Value) *ir.Const {
	switch {
	case b.Kind.IsFloat():
		v = constant.ToFloat(v)
	case b.Kind.IsInteger():
		v = constant.ToInt(v)
	}
	return &ir.Const{T: b, Value: v}
}

// typeOf returns the IR type of a Go expression (nil and a diagnostic if it
// is not allowed).
func (f *fnState) typeOf(e ast.Expr) ir.Type {
	tv, ok := f.t.in.Info.Types[e]
	if !ok || tv.Type == nil {
		return nil
	}
	return f.t.irType(f.ctx, tv.Type, e.Pos(), true)
}

// MaxExprDepth is the deepest expression tree, counted in IR nodes, that a
// kernel or device function may hold. Go has no such limit, but a C
// compiler may: clang, which builds OpenCL C, stops at 256 nested
// brackets, and the C printers add up to two per level (wrapping
// arithmetic: (int)((uint)a + (uint)b)), with room left for the
// enclosing statements. An index counts four levels and an integer
// division three: a checked one prints through nested helper calls
// (dc_sel_f32((dc_b1 = 0, x[dc_ix(i, ...)]), &dc_b1)).
const MaxExprDepth = 100

// expr lowers e and, for an outermost expression, checks its depth.
func (f *fnState) expr(e ast.Expr) ir.Expr {
	f.depth++
	x := f.lowerExpr(e)
	f.depth--
	if f.depth == 0 && x != badExpr {
		if d := exprDepth(x); d > MaxExprDepth {
			f.t.errorf(e.Pos(), "expression nested too deeply (depth %d, at most %d): split it with temporary variables", d, MaxExprDepth)
		}
	}
	return x
}

// exprDepth returns the height of the expression tree x, 1 for a leaf,
// counting an index 4 and an integer division 3.
func exprDepth(x ir.Expr) int {
	h := 0
	ir.DoChildren(x, func(c ir.Node) { h = max(h, exprDepth(c.(ir.Expr))) })
	self := 1
	switch x := x.(type) {
	case *ir.Binary:
		if x.Op == token.QUO || x.Op == token.REM {
			self = 3
		}
	case *ir.Index:
		self = 4
	}
	return h + self
}

func (f *fnState) lowerExpr(e ast.Expr) ir.Expr {
	t := f.t
	info := t.in.Info
	if tv, ok := info.Types[e]; ok && tv.Value != nil {
		return f.constExpr(tv, e.Pos())
	}
	switch e := e.(type) {
	case *ast.ParenExpr:
		return f.expr(e.X)
	case *ast.Ident:
		return f.ident(e)
	case *ast.BasicLit:
		return badExpr // unreachable: literals are constants
	case *ast.BinaryExpr:
		return f.binary(e)
	case *ast.UnaryExpr:
		return f.unary(e)
	case *ast.CallExpr:
		x := f.call(e, false)
		if c, ok := x.(*ir.Call); ok && len(c.Func.Results) != 1 {
			if len(c.Func.Results) == 0 {
				t.errorf(e.Pos(), "%s has no result", c.Func.GoName)
			} else {
				t.errorf(e.Pos(), "unsupported: a call returning several values can only be assigned (a, b := f())")
			}
			return badExpr
		}
		if x == nil {
			return badExpr
		}
		return x
	case *ast.IndexExpr:
		return f.index(e)
	case *ast.IndexListExpr:
		t.errorf(e.Pos(), "unsupported: function values cannot be used in kernels")
	case *ast.SelectorExpr:
		return f.selector(e)
	case *ast.StarExpr:
		t.errorf(e.Pos(), "unsupported: dereferencing pointers (copying a shared array); index it instead: (*p)[i] or p[i]")
	case *ast.CompositeLit:
		return f.composite(e)
	case *ast.FuncLit:
		t.errorf(e.Pos(), "unsupported: closures (function literals) cannot be used in kernels")
	case *ast.SliceExpr:
		return f.sliceExpr(e)
	case *ast.TypeAssertExpr:
		t.errorf(e.Pos(), "unsupported: type assertions cannot be used in kernels (interfaces are not supported)")
	case *ast.KeyValueExpr:
		t.errorf(e.Pos(), "unexpected key: value")
	default:
		t.errorf(e.Pos(), "unsupported expression %T", e)
	}
	return badExpr
}

func (f *fnState) ident(e *ast.Ident) ir.Expr {
	t := f.t
	obj := t.in.Info.Uses[e]
	switch obj := obj.(type) {
	case *types.Var:
		if v, ok := f.vars[obj]; ok {
			if v == f.thread {
				t.errorf(e.Pos(), "unsupported: dc.Thread can only be used to call its methods or be passed to device functions")
				return badExpr
			}
			if v.Type == nil {
				return badExpr
			}
			return &ir.VarRef{Var: v}
		}
		if obj.Parent() == t.in.Pkg.Scope() {
			t.errorf(e.Pos(), "unsupported: package-level variable %s cannot be used in kernels; pass it as a parameter or declare it const", e.Name)
			return badExpr
		}
		// A variable whose declaration was rejected: already reported.
		return badExpr
	case *types.Nil:
		t.errorf(e.Pos(), "unsupported: nil cannot be used in kernels")
	case *types.Func:
		t.errorf(e.Pos(), "unsupported: function values cannot be used in kernels; call %s instead", e.Name)
	case *types.Builtin:
		t.errorf(e.Pos(), "unsupported: built-in %s used as a value", e.Name)
	default:
		t.errorf(e.Pos(), "unsupported use of %s", e.Name)
	}
	return badExpr
}

func (f *fnState) binary(e *ast.BinaryExpr) ir.Expr {
	t := f.t
	typ := f.typeOf(e)
	if typ == nil {
		return badExpr
	}
	x, y := f.expr(e.X), f.expr(e.Y)
	if x == badExpr || y == badExpr {
		return badExpr
	}
	if e.Op != token.LAND && e.Op != token.LOR && ir.HasEffects(x) && ir.HasEffects(y) {
		t.errorf(e.Pos(), "unsupported: both operands of %s call something with effects (an atomic or a device function that writes memory); C does not fix their order as Go does: assign one to a variable first", e.Op)
		return badExpr
	}
	switch e.Op {
	case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
		if ir.BasicOf(x.Type()) == nil {
			if e.Op == token.EQL || e.Op == token.NEQ {
				return f.compareValues(e, x, y)
			}
			t.errorf(e.Pos(), "unsupported: comparing %s values; compare the fields", x.Type())
			return badExpr
		}
		return &ir.Binary{Op: e.Op, X: x, Y: y, T: typ, Pos: t.pos(e.OpPos)}
	}
	if ir.BasicOf(typ) == nil {
		t.errorf(e.Pos(), "unsupported: operator %s on %s", e.Op, typ)
		return badExpr
	}
	return &ir.Binary{Op: e.Op, X: x, Y: y, T: typ, Pos: t.pos(e.OpPos)}
}

func (f *fnState) unary(e *ast.UnaryExpr) ir.Expr {
	t := f.t
	switch e.Op {
	case token.AND:
		t.errorf(e.Pos(), "unsupported: taking addresses (&) is only allowed as the first argument of an atomic: dc.AtomicAdd(&x[i], v)")
		return badExpr
	case token.ARROW:
		t.errorf(e.Pos(), "unsupported: channels cannot be used in kernels")
		return badExpr
	}
	typ := f.typeOf(e)
	x := f.expr(e.X)
	if typ == nil || x == badExpr {
		return badExpr
	}
	return &ir.Unary{Op: e.Op, X: x, T: typ}
}

// index lowers x[i] of a slice, an array or a pointer to an array.
func (f *fnState) index(e *ast.IndexExpr) ir.Expr {
	t := f.t
	if tv, ok := t.in.Info.Types[e.X]; ok {
		switch tv.Type.Underlying().(type) {
		case *types.Map:
			t.errorf(e.Pos(), "unsupported: maps cannot be used in kernels")
			return badExpr
		case *types.Signature:
			t.errorf(e.Pos(), "unsupported: function values cannot be used in kernels")
			return badExpr
		}
		if b, ok := tv.Type.Underlying().(*types.Basic); ok && b.Info()&types.IsString != 0 {
			t.errorf(e.Pos(), "unsupported: strings cannot be used in kernels")
			return badExpr
		}
	}
	base := f.indexBase(e.X)
	idx := f.expr(e.Index)
	if base == badExpr || idx == badExpr {
		return badExpr
	}
	et := elemType(base.Type())
	if et == nil {
		t.errorf(e.Pos(), "unsupported: indexing %s", base.Type())
		return badExpr
	}
	return &ir.Index{X: base, Index: idx, T: et, Pos: t.pos(e.Pos())}
}

// indexBase lowers the operand of an index expression, allowing (*p)[i].
func (f *fnState) indexBase(x ast.Expr) ir.Expr {
	if st, ok := ast.Unparen(x).(*ast.StarExpr); ok {
		return f.expr(st.X)
	}
	return f.expr(x)
}

func (f *fnState) selector(e *ast.SelectorExpr) ir.Expr {
	t := f.t
	sel := t.in.Info.Selections[e]
	if sel == nil {
		// A qualified identifier: constants were handled by the caller.
		obj := t.in.Info.Uses[e.Sel]
		if obj != nil && obj.Pkg() != nil {
			switch obj.(type) {
			case *types.Var:
				t.errorf(e.Pos(), "unsupported: package-level variable %s.%s cannot be used in kernels", obj.Pkg().Name(), obj.Name())
				return badExpr
			case *types.Func:
				t.errorf(e.Pos(), "unsupported: function values cannot be used in kernels")
				return badExpr
			}
		}
		t.errorf(e.Pos(), "unsupported use of %s", e.Sel.Name)
		return badExpr
	}
	switch sel.Kind() {
	case types.FieldVal:
		x := f.expr(e.X)
		if x == badExpr {
			return badExpr
		}
		for _, i := range sel.Index() {
			st, ok := x.Type().(*ir.Struct)
			if !ok || i >= len(st.Fields) {
				t.errorf(e.Pos(), "unsupported field selection")
				return badExpr
			}
			x = &ir.FieldRef{X: x, Field: i, T: st.Fields[i].Type}
		}
		return x
	}
	t.errorf(e.Pos(), "unsupported: method values cannot be used in kernels; call the method")
	return badExpr
}

func (f *fnState) composite(e *ast.CompositeLit) ir.Expr {
	t := f.t
	typ := f.typeOf(e)
	st, ok := typ.(*ir.Struct)
	if !ok {
		if typ != nil {
			switch typ.(type) {
			case *ir.Array:
				t.errorf(e.Pos(), "unsupported: array literals are only allowed as a whole value: a variable's initial value, the right side of an assignment or a returned result (w := [3]float32{1, 2, 1})")
			case *ir.Slice:
				t.errorf(e.Pos(), "unsupported: slice literals allocate and cannot be used in kernels")
			default:
				t.errorf(e.Pos(), "unsupported: composite literal of %s", typ)
			}
		}
		return badExpr
	}
	fields := make([]ir.Expr, len(st.Fields))
	// field lowers the value of field j: an array literal is allowed there,
	// as in a variable's initial value.
	field := func(j int, val ast.Expr) ir.Expr {
		if lit, ok := ast.Unparen(val).(*ast.CompositeLit); ok {
			if at, ok := st.Fields[j].Type.(*ir.Array); ok {
				return f.arrayLit(lit, at)
			}
		}
		return f.expr(val)
	}
	for i, el := range e.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			name := kv.Key.(*ast.Ident).Name
			for j, fl := range st.Fields {
				if fl.Name == name {
					fields[j] = field(j, kv.Value)
				}
			}
			continue
		}
		if i < len(fields) {
			fields[i] = field(i, el)
		}
	}
	for i, fl := range st.Fields {
		if fields[i] == badExpr {
			return badExpr
		}
		if fields[i] == nil {
			if n := scalarCount(fl.Type); n > 4096 {
				t.errorf(e.Pos(), "unsupported: struct literal of %s leaves out array field %s of %d elements; the limit is 4096 (declare a variable and set the fields)", st.Name, fl.Name, n)
				return badExpr
			}
			z := f.zeroOf(fl.Type)
			if z == nil {
				t.errorf(e.Pos(), "unsupported: struct literal of %s: no zero value for field %s", st.Name, fl.Name)
				return badExpr
			}
			fields[i] = z
		}
	}
	// C initialises array fields from literals in place, but an array
	// value from elsewhere needs a helper call, whose other array
	// arguments must then be constant.
	var arrayValue, varLit bool
	for _, x := range fields {
		if _, ok := x.Type().(*ir.Array); !ok {
			continue
		}
		if lit, ok := x.(*ir.ArrayLit); !ok {
			arrayValue = true
		} else if !constArrayLit(lit) {
			varLit = true
		}
	}
	if arrayValue && varLit {
		t.errorf(e.Pos(), "unsupported: struct literal of %s sets one array field from an array value and another from an array literal with non-constant elements; set that field after the literal", st.Name)
		return badExpr
	}
	if !f.orderedArgs(e.Pos(), "the "+st.Name+" literal", fields) {
		return badExpr
	}
	return &ir.StructLit{T: st, Fields: fields}
}

// constArrayLit reports whether every element of lit is a constant.
func constArrayLit(lit *ir.ArrayLit) bool {
	for _, e := range lit.Elems {
		switch e := e.(type) {
		case *ir.Const:
		case *ir.ArrayLit:
			if !constArrayLit(e) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// zero returns the zero value of a basic or struct type, or nil for types
// that have no IR literal (arrays).
func (f *fnState) zero(typ ir.Type) ir.Expr {
	switch typ := typ.(type) {
	case *ir.Basic:
		if typ.Kind == ir.Bool {
			return &ir.Const{T: typ, Value: constant.MakeBool(false)}
		}
		return makeConst(typ, constant.MakeInt64(0))
	case *ir.Struct:
		lit := &ir.StructLit{T: typ}
		for _, fl := range typ.Fields {
			z := f.zero(fl.Type)
			if z == nil {
				return nil
			}
			lit.Fields = append(lit.Fields, z)
		}
		return lit
	}
	return nil
}

// lvalue lowers an assignment target and records writes through slices
// and assignments to parameters.
func (f *fnState) lvalue(e ast.Expr) ir.Expr {
	lv := f.lvalueExpr(e)
	if lv != nil {
		if v := ir.AssignedVar(lv); v != nil && v.Kind == ir.Param {
			f.assigns[v] = true
		}
	}
	return lv
}

func (f *fnState) lvalueExpr(e ast.Expr) ir.Expr {
	t := f.t
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		obj := t.in.Info.Uses[x]
		if v, ok := obj.(*types.Var); ok {
			if iv, ok := f.vars[v]; ok {
				if iv == f.thread {
					t.errorf(e.Pos(), "unsupported: assigning to the dc.Thread parameter")
					return nil
				}
				if iv.Type == nil {
					return nil
				}
				return &ir.VarRef{Var: iv}
			}
			if v.Parent() == t.in.Pkg.Scope() {
				t.errorf(e.Pos(), "unsupported: package-level variable %s cannot be used in kernels; pass it as a parameter or declare it const", x.Name)
				return nil
			}
		}
		return nil
	case *ast.IndexExpr, *ast.SelectorExpr:
		lv := f.expr(x)
		if lv == badExpr {
			return nil
		}
		f.recordWrite(lv)
		return lv
	case *ast.StarExpr:
		t.errorf(e.Pos(), "unsupported: assigning through a pointer; index the shared array instead")
		return nil
	}
	t.errorf(e.Pos(), "unsupported assignment target")
	return nil
}

// recordWrite notes that the slice an lvalue is rooted at is written.
func (f *fnState) recordWrite(lv ir.Expr) {
	if r := ir.RootVar(lv); r != nil {
		if _, ok := r.Type.(*ir.Slice); ok {
			f.writes[r] = true
		}
	}
}

// orderedArgs reports an error if more than one of args has effects: C
// does not fix the order in which arguments are evaluated.
func (f *fnState) orderedArgs(pos token.Pos, what string, args []ir.Expr) bool {
	n := 0
	for _, a := range args {
		if ir.HasEffects(a) {
			n++
		}
	}
	if n > 1 {
		f.t.errorf(pos, "unsupported: several operands of %s call something with effects (an atomic or a device function that writes memory); C does not fix their order as Go does: assign them to variables first", what)
		return false
	}
	return true
}

// arrayLit lowers an array composite literal (the initial value of a
// variable) to an ArrayLit with every element, zeros where the source
// leaves them out.
func (f *fnState) arrayLit(e *ast.CompositeLit, typ *ir.Array) ir.Expr {
	t := f.t
	if n := scalarCount(typ); n > 4096 {
		t.errorf(e.Pos(), "unsupported: array literal of %d elements; the limit is 4096 (fill larger arrays in a loop)", n)
		return badExpr
	}
	elems := make([]ir.Expr, typ.Len)
	next := int64(0)
	for _, el := range e.Elts {
		val := el
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			tv := t.in.Info.Types[kv.Key]
			k, exact := constant.Int64Val(constant.ToInt(tv.Value))
			if tv.Value == nil || !exact {
				t.errorf(kv.Key.Pos(), "unsupported: array literal index must be a constant")
				return badExpr
			}
			next, val = k, kv.Value
		}
		if next < 0 || next >= typ.Len {
			t.errorf(el.Pos(), "array literal index %d out of range", next)
			return badExpr
		}
		var x ir.Expr
		if inner, ok := ast.Unparen(val).(*ast.CompositeLit); ok {
			if at, ok := typ.Elem.(*ir.Array); ok {
				x = f.arrayLit(inner, at)
			}
		}
		if x == nil {
			x = f.expr(val)
		}
		if x == badExpr {
			return badExpr
		}
		elems[next] = x
		next++
	}
	for i, x := range elems {
		if x == nil {
			z := f.zeroOf(typ.Elem)
			if z == nil {
				t.errorf(e.Pos(), "unsupported: array literal of %s", typ)
				return badExpr
			}
			elems[i] = z
		}
	}
	if !f.orderedArgs(e.Pos(), "the array literal", elems) {
		return badExpr
	}
	return &ir.ArrayLit{T: typ, Elems: elems}
}

// zeroOf is zero extended to arrays.
func (f *fnState) zeroOf(typ ir.Type) ir.Expr {
	if at, ok := typ.(*ir.Array); ok {
		lit := &ir.ArrayLit{T: at}
		for range at.Len {
			z := f.zeroOf(at.Elem)
			if z == nil {
				return nil
			}
			lit.Elems = append(lit.Elems, z)
		}
		return lit
	}
	return f.zero(typ)
}

// scalarCount returns how many non-array elements an array type holds.
func scalarCount(t ir.Type) int64 {
	if at, ok := t.(*ir.Array); ok {
		return at.Len * scalarCount(at.Elem)
	}
	return 1
}

// sliceExpr lowers s[lo:hi] of a slice s.
func (f *fnState) sliceExpr(e *ast.SliceExpr) ir.Expr {
	t := f.t
	if e.Slice3 {
		t.errorf(e.Pos(), "unsupported: three-index slice expressions (s[i:j:k]) cannot be used in kernels")
		return badExpr
	}
	x := f.expr(e.X)
	if x == badExpr {
		return badExpr
	}
	st, ok := x.Type().(*ir.Slice)
	if !ok {
		t.errorf(e.Pos(), "unsupported: slicing %s; only slices can be sliced in kernels", x.Type())
		return badExpr
	}
	out := &ir.SliceExpr{X: x, T: st, Pos: t.pos(e.Pos())}
	if res, ok := f.typeOf(e).(*ir.Slice); ok {
		out.T = res
	}
	for _, b := range []struct {
		src ast.Expr
		dst *ir.Expr
	}{{e.Low, &out.Lo}, {e.High, &out.Hi}} {
		if b.src == nil {
			continue
		}
		v := f.expr(b.src)
		if v == badExpr {
			return badExpr
		}
		if ir.HasCall(v) {
			t.errorf(b.src.Pos(), "unsupported: a slice bound that calls a function; assign it to a variable first")
			return badExpr
		}
		*b.dst = v
	}
	return out
}

// maxCompareLeaves bounds the element and field comparisons one == of
// arrays or structs becomes.
const maxCompareLeaves = 256

// compareValues lowers x == y (or x != y) of arrays or structs, as Go
// compares them, to comparisons of their elements and fields joined by &&
// (blank fields are not compared, as in Go). Operands with calls are
// refused: the lowering reads each operand once per element.
func (f *fnState) compareValues(e *ast.BinaryExpr, x, y ir.Expr) ir.Expr {
	t := f.t
	if ir.HasCall(x) || ir.HasCall(y) {
		t.errorf(e.Pos(), "unsupported: comparing %s values computed by calls; assign them to variables first", x.Type())
		return badExpr
	}
	if n := compareLeaves(x.Type()); n > maxCompareLeaves {
		t.errorf(e.Pos(), "unsupported: comparing %s values (%d elements and fields, more than %d); compare them in a loop", x.Type(), n, maxCompareLeaves)
		return badExpr
	}
	pos := t.pos(e.OpPos)
	var eq ir.Expr
	// Each comparison reads its own copy of the operands' expressions: no
	// IR node has two parents.
	cl := ir.NewCloner()
	var walk func(x, y ir.Expr)
	walk = func(x, y ir.Expr) {
		switch tt := x.Type().(type) {
		case *ir.Array:
			for k := range tt.Len {
				i := &ir.Const{T: ir.IntType, Value: constant.MakeInt64(k)}
				walk(&ir.Index{X: x, Index: i, T: tt.Elem, Pos: pos}, &ir.Index{X: y, Index: i, T: tt.Elem, Pos: pos})
			}
		case *ir.Struct:
			for k, fl := range tt.Fields {
				if fl.Name == "_" {
					continue
				}
				walk(&ir.FieldRef{X: x, Field: k, T: fl.Type}, &ir.FieldRef{X: y, Field: k, T: fl.Type})
			}
		default:
			c := &ir.Binary{Op: token.EQL, X: cl.Expr(x), Y: cl.Expr(y), T: ir.BoolType, Pos: pos}
			if eq == nil {
				eq = c
			} else {
				eq = &ir.Binary{Op: token.LAND, X: eq, Y: c, T: ir.BoolType, Pos: pos}
			}
		}
	}
	walk(x, y)
	if eq == nil { // no elements or fields: always equal
		eq = &ir.Const{T: ir.BoolType, Value: constant.MakeBool(true)}
	}
	if e.Op == token.NEQ {
		return &ir.Unary{Op: token.NOT, X: eq, T: ir.BoolType}
	}
	return eq
}

// compareLeaves counts the scalar comparisons == of t's values makes.
func compareLeaves(t ir.Type) int64 {
	switch t := t.(type) {
	case *ir.Array:
		return t.Len * compareLeaves(t.Elem)
	case *ir.Struct:
		var n int64
		for _, fl := range t.Fields {
			if fl.Name != "_" {
				n += compareLeaves(fl.Type)
			}
		}
		return n
	}
	return 1
}
