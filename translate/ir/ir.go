// Package ir is dc's backend-neutral kernel IR: a small, typed, structured
// representation of the kernels of one Go package and every device function
// they reach. The front end (package translate) builds it from type-checked Go;
// one printer per target (CUDA C, MSL, OpenCL C, Go) turns it into source text.
//
// The IR is deliberately close to the source: structured control flow, typed
// expressions, named variables. What it fixes is everything a printer must not
// have to work out from Go: every expression's exact type (untyped constants are
// already converted), the address space of every pointer, which slice
// parameters a function writes, which shared arrays a function needs, and the
// Go source position of every statement.
//
// Printers never look at go/ast or go/types; they read only this package.
package ir

import (
	"go/constant"
	"go/token"
)

// Program is every kernel of one Go package, with the device functions and
// struct types they use, in an order C needs (a struct or function before its
// first use).
type Program struct {
	Package string    // Go package name
	Structs []*Struct // every struct type used, dependencies first
	Funcs   []*Func   // every device function reached, callees first
	Kernels []*Kernel // in source order, generic kernels once per type argument
	Files   []string  // base names of the Go files positions refer to, sorted
	// Checks is every run-time check of the program, Checks[i].ID == i
	// (see Check). The front end fills it after lowering.
	Checks []*Check
}

// CheckKind says what a run-time check tests.
type CheckKind int

// The kinds of run-time checks, each where Go checks the same.
const (
	CheckIndex  CheckKind = iota + 1 // an index: 0 <= i < len
	CheckSlice                       // slice bounds: 0 <= lo <= hi <= len
	CheckDivide                      // an integer divisor: != 0
	CheckShift                       // a signed shift count: >= 0
)

// Check is one run-time check of a checked kernel: an index, slice bounds
// a divisor or a shift count that the program could not prove safe. A failed check
// records the first fault of a launch (its ID names the check) and the
// faulting operation does not happen: a read yields the zero value, a
// write is dropped, a division or shift yields 0, a slice expression
// yields an empty slice. The check pass puts a *Check on the IR node it guards
// (Index.Check, SliceExpr.Check, Binary.Check); printers print every one.
type Check struct {
	ID   int // index in Program.Checks
	Kind CheckKind
	Pos  Pos // the Go position of the checked expression
	// When lists conditions under which the check cannot fail, for a
	// check in a kernel's body: a launch where every one holds may run
	// the kernel's fast entry point, which leaves the check out (see
	// LaunchExpr). Nil if the pass found none.
	When []LaunchExpr
}

// Pos is a Go source position: the base name of the file and a 1-based line
// and column. The zero Pos means unknown.
type Pos struct {
	File      string
	Line, Col int
}

// IsValid reports whether p names a position.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Kernel is one entry point: a //dc:kernel function, or one instantiation of a
// generic one.
type Kernel struct {
	Name     string     // target entry-point name: Go name, plus "_" + type args for generic kernels ("Reduce_float32")
	GoName   string     // Go function name ("Reduce")
	TypeArgs []Type     // type arguments of this instantiation, nil if not generic
	Pos      Pos        // position of the func keyword
	Thread   *Var       // the dc.Thread parameter; Name may be "_"
	Params   []*Var     // remaining parameters, in order
	Shared   []*Shared  // every group-shared array this kernel and its callees use
	Body     *Block     //
	FastMath bool       // //dc:kernel fastmath
	Barrier  bool       // the kernel or a callee calls Barrier
	Uses     ThreadUses // thread builtins used directly in Body (not by callees)
	Calls    []*Func    // device functions reached (transitively), callees first
	// Unchecked is //dc:kernel unchecked: the kernel's body carries no
	// run-time checks.
	Unchecked bool
	// Checked reports that the body or a callee carries run-time checks,
	// so the kernel takes the fault record.
	Checked bool
}

// Func is a device function: a same-package function called (directly or not)
// from a kernel. A generic function appears once per instantiation.
type Func struct {
	Name     string // target name, unique in the Program ("dot", "dot_float32")
	GoName   string // Go name ("dot")
	TypeArgs []Type
	Pos      Pos
	Thread   *Var      // the dc.Thread parameter, nil if the function takes none
	Params   []*Var    // parameters in order, excluding Thread
	Shared   []*Shared // group-shared arrays the function or its callees use; callers pass them as trailing pointer arguments in this order
	Results  []Type    // zero, one or more results
	Body     *Block
	Barrier  bool       // the function or a callee calls Barrier
	Uses     ThreadUses // thread builtins used directly in Body
	// Checked reports that the body or a callee carries run-time checks:
	// callers pass the fault record (null from an unchecked kernel).
	Checked bool
}

// Shared is one group-shared array: one dc.Shared call site (per
// instantiation). Every thread of a group that evaluates that call, from
// wherever, gets the same array.
type Shared struct {
	Name string // unique in the Program: "sh0", "sh1", ...
	Type *Array // the array type A of dc.Shared[A]
	Pos  Pos
}

// Bytes returns the size of the shared array in bytes.
func (s *Shared) Bytes() int64 { return s.Type.Size() }

// VarKind says where a variable lives.
type VarKind int

// Variable kinds.
const (
	Local VarKind = iota // a local variable (or a result temporary)
	Param                // a kernel or function parameter
)

// Var is a named variable. Names are the Go names; they are unique within a
// function only up to Go's scoping (an inner block may shadow an outer
// variable). Printers rename names that clash with target keywords.
type Var struct {
	Name    string
	Type    Type
	Kind    VarKind
	Written bool // for slice parameters: the function or a callee writes through it (or uses it in an atomic)
	// Assigned is true for a parameter the body assigns to: the variable
	// itself, or a field or element of a struct or array parameter (not
	// memory a slice points to). Go gives each call, and so each thread of
	// a kernel, its own copy; a printer whose threads share the parameter
	// must copy it per thread.
	Assigned bool
	Pos      Pos
}

// ThreadUses records which dc.Thread builtins a body uses directly.
type ThreadUses uint32

// Has reports whether u includes the builtin b.
func (u ThreadUses) Has(b Builtin) bool { return b < 32 && u&(1<<b) != 0 }

// With returns u with b added.
func (u ThreadUses) With(b Builtin) ThreadUses {
	if b >= 32 {
		return u
	}
	return u | 1<<b
}

// Stmt is a statement.
type Stmt interface {
	Node
	StmtPos() Pos
	stmt()
}

// Block is a sequence of statements in a new scope.
type Block struct {
	Pos   Pos
	Stmts []Stmt
}

// DeclStmt declares a local variable, initialised to Init or, if Init is nil,
// to the zero value of its type.
type DeclStmt struct {
	Pos  Pos
	Var  *Var
	Init Expr
}

// AssignStmt stores Value into the location Target (a *VarRef, *Index or
// *FieldRef). Compound assignments and ++/-- are lowered to plain ones; Go's
// tuple assignments are lowered to temporaries by the front end, so every
// AssignStmt is a single store.
type AssignStmt struct {
	Pos    Pos
	Target Expr
	Value  Expr
}

// CallStmt assigns the results of a multi-result call to Targets in order
// (a nil target discards that result). A call whose results are all
// discarded is an ExprStmt.
type CallStmt struct {
	Pos     Pos
	Targets []Expr
	Call    *Call
}

// ExprStmt evaluates an expression for its effects: a call, an atomic, a
// barrier.
type ExprStmt struct {
	Pos Pos
	X   Expr
}

// IfStmt is if/else. Else is nil, a *Block, or a *Block holding one *IfStmt
// for else-if chains.
type IfStmt struct {
	Pos  Pos
	Cond Expr
	Then *Block
	Else *Block
}

// ForStmt is every Go loop after lowering: Init; Cond; Post with a body.
// Cond is nil for an infinite loop. Init and Post may be nil. A range loop
// over an int or a slice is lowered to this form (ranging a slice binds the
// element in the body's first statement).
type ForStmt struct {
	Pos   Pos
	Label string // Go label, "" if none
	Init  Stmt
	Cond  Expr
	Post  Stmt
	Body  *Block
}

// SwitchStmt is a Go switch after lowering: each case compares Tag (nil for
// a tagless switch, where case values are conditions) with its values.
// Cases do not fall through; at most one case is Default. Break inside a
// case with Target == the switch leaves it.
type SwitchStmt struct {
	Pos   Pos
	Label string
	Tag   Expr // nil: tagless switch
	Cases []*Case
	// Simple reports whether Tag is an integer and every case value a
	// distinct integer constant, so a C switch can print it.
	Simple bool
}

// Case is one case clause. Values is empty for default.
type Case struct {
	Pos    Pos
	Values []Expr
	Body   *Block
}

// BranchKind is break or continue.
type BranchKind int

// Branch kinds.
const (
	Break BranchKind = iota
	Continue
)

// BranchStmt is break or continue. Target is the *ForStmt or *SwitchStmt it
// leaves or continues. Labelled reports whether the source named a label;
// Innermost reports whether Target is the innermost enclosing for or
// switch, so a plain C break/continue does the same thing.
type BranchStmt struct {
	Pos       Pos
	Kind      BranchKind
	Target    Stmt
	Labelled  bool
	Innermost bool
}

// ReturnStmt returns from a function (Results, possibly several) or ends the
// thread when in a kernel body (no results).
type ReturnStmt struct {
	Pos     Pos
	Results []Expr
}

func (s *Block) StmtPos() Pos      { return s.Pos }
func (s *DeclStmt) StmtPos() Pos   { return s.Pos }
func (s *AssignStmt) StmtPos() Pos { return s.Pos }
func (s *CallStmt) StmtPos() Pos   { return s.Pos }
func (s *ExprStmt) StmtPos() Pos   { return s.Pos }
func (s *IfStmt) StmtPos() Pos     { return s.Pos }
func (s *ForStmt) StmtPos() Pos    { return s.Pos }
func (s *SwitchStmt) StmtPos() Pos { return s.Pos }
func (s *BranchStmt) StmtPos() Pos { return s.Pos }
func (s *ReturnStmt) StmtPos() Pos { return s.Pos }

func (*Block) stmt()      {}
func (*DeclStmt) stmt()   {}
func (*AssignStmt) stmt() {}
func (*CallStmt) stmt()   {}
func (*ExprStmt) stmt()   {}
func (*IfStmt) stmt()     {}
func (*ForStmt) stmt()    {}
func (*SwitchStmt) stmt() {}
func (*BranchStmt) stmt() {}
func (*ReturnStmt) stmt() {}

// Expr is a typed expression.
type Expr interface {
	Node
	Type() Type
	expr()
}

// Const is a constant of a basic type; Value is exact (go/constant), already
// representable in Type. Printers format it per target (a float32 constant is
// a float literal of single precision: 0.5f in C).
type Const struct {
	T     *Basic
	Value constant.Value
}

// VarRef reads (or, as an assignment target, names) a variable.
type VarRef struct{ Var *Var }

// SharedRef is the pointer to a group-shared array, the value of a dc.Shared
// call. Its type is *Pointer{Elem: Shared.Type, Space: SpaceShared}.
type SharedRef struct {
	Shared *Shared
	T      *Pointer
}

// Unary is -X, +X, !X or ^X (bitwise complement).
type Unary struct {
	Op token.Token // token.SUB, token.ADD, token.NOT, token.XOR
	X  Expr
	T  Type
}

// Binary is X Op Y. Arithmetic ops have operands and result of type T;
// comparisons have operands of one type and T bool; shifts have X of type T
// and an unsigned or non-negative integer Y of any integer type.
type Binary struct {
	Op   token.Token // ADD SUB MUL QUO REM AND OR XOR SHL SHR AND_NOT LAND LOR EQL NEQ LSS LEQ GTR GEQ
	X, Y Expr
	T    Type
	Pos  Pos // the operator's position
	// Check is the divisor check of an integer QUO or REM, nil if none is
	// needed (a non-zero constant) or the kernel is unchecked.
	Check *Check
}

// Convert is the Go conversion T(X) between basic types (or between named and
// unnamed versions of the same type).
type Convert struct {
	X Expr
	T Type
}

// Index is X[Index] where X is a slice, an array, or a pointer to an array
// (indexing through it, as Go does automatically). T is the element type.
type Index struct {
	X     Expr
	Index Expr
	T     Type
	Pos   Pos // the position of the index expression
	// Check is the bounds check 0 <= Index < len(X), nil where the check
	// pass proved it unnecessary or the kernel is unchecked.
	Check *Check
}

// FieldRef is X.Field of a struct value.
type FieldRef struct {
	X     Expr
	Field int // index into the struct's Fields
	T     Type
}

// Len is len(X) of a slice (an int). Arrays have constant lengths and become
// *Const.
type Len struct{ X Expr }

// StructLit is a struct value with every field given, in field order.
type StructLit struct {
	T      *Struct
	Fields []Expr
}

// SliceExpr is X[Lo:Hi] of a slice X: the same memory from Lo, Hi-Lo
// elements long. Lo and Hi are nil when left out (0 and len(X)); they have
// no effects, so printers may evaluate them more than once.
type SliceExpr struct {
	X      Expr
	Lo, Hi Expr
	T      *Slice
	Pos    Pos // the position of the slice expression
	// Check is the bounds check 0 <= Lo <= Hi <= len(X), nil if not needed.
	Check *Check
}

// ArrayLit is an array value with every element given, in order (nested
// arrays as nested ArrayLits). The front end allows it only as the
// initial value of a local variable (a DeclStmt's Init).
type ArrayLit struct {
	T     *Array
	Elems []Expr
}

// Call calls a device function. Args are the ordinary arguments in order;
// the thread (when Func.Thread != nil) and shared arrays (Func.Shared) are
// passed implicitly and printers add them. A call with several results
// appears only in a *CallStmt.
type Call struct {
	Func *Func
	Args []Expr
}

// BuiltinCall is a call of a dc.Thread method, a dc math function, a math
// package function, min/max, or an atomic. T is the result type (nil for
// Barrier). For atomics Args[0] is the target location (an *Index whose
// root is a slice or shared array), the rest the operands.
type BuiltinCall struct {
	Op   Builtin
	Args []Expr
	T    Type
}

func (e *Const) Type() Type       { return e.T }
func (e *VarRef) Type() Type      { return e.Var.Type }
func (e *SharedRef) Type() Type   { return e.T }
func (e *Unary) Type() Type       { return e.T }
func (e *Binary) Type() Type      { return e.T }
func (e *Convert) Type() Type     { return e.T }
func (e *Index) Type() Type       { return e.T }
func (e *FieldRef) Type() Type    { return e.T }
func (e *Len) Type() Type         { return IntType }
func (e *StructLit) Type() Type   { return e.T }
func (e *ArrayLit) Type() Type    { return e.T }
func (e *SliceExpr) Type() Type   { return e.T }
func (e *BuiltinCall) Type() Type { return e.T }

// Type returns the single result type of the call, or nil if it has none; a
// multi-result call returns a *Tuple.
func (e *Call) Type() Type {
	switch len(e.Func.Results) {
	case 0:
		return nil
	case 1:
		return e.Func.Results[0]
	}
	return &Tuple{Types: e.Func.Results}
}

func (*Const) expr()       {}
func (*VarRef) expr()      {}
func (*SharedRef) expr()   {}
func (*Unary) expr()       {}
func (*Binary) expr()      {}
func (*Convert) expr()     {}
func (*Index) expr()       {}
func (*FieldRef) expr()    {}
func (*Len) expr()         {}
func (*StructLit) expr()   {}
func (*ArrayLit) expr()    {}
func (*SliceExpr) expr()   {}
func (*Call) expr()        {}
func (*BuiltinCall) expr() {}

// ThreadLoop runs Body once for every thread of a group, one thread after
// the other in the order of their linear local index (x fastest): the
// thread builtins in Body are those of the thread running it. It appears
// only in the group form of a kernel (package threadloop), where the code
// outside ThreadLoops runs once per group and may use only what every
// thread of the group agrees on. A continue whose Target is the ThreadLoop
// ends the current thread's run of Body.
//
// XLo and XHi, when not nil, narrow the loop to the threads with
// XLo <= LocalX < XHi (the pass proved the others run nothing); they are
// ints the same in every thread of the group.
type ThreadLoop struct {
	Pos      Pos
	XLo, XHi Expr
	Body     *Block
}

func (s *ThreadLoop) StmtPos() Pos { return s.Pos }
func (*ThreadLoop) stmt()          {}
