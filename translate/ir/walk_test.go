package ir

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// nodeTypes is one value of every node type, by name. TestInspectCoversEveryNode
// fails when the package declares a statement or expression type missing
// here, so a new node type cannot be left out of Inspect unnoticed.
var nodeTypes = map[string]Node{
	"Block":       &Block{},
	"DeclStmt":    &DeclStmt{},
	"AssignStmt":  &AssignStmt{},
	"CallStmt":    &CallStmt{},
	"ExprStmt":    &ExprStmt{},
	"IfStmt":      &IfStmt{},
	"ForStmt":     &ForStmt{},
	"SwitchStmt":  &SwitchStmt{},
	"Case":        &Case{},
	"BranchStmt":  &BranchStmt{},
	"ReturnStmt":  &ReturnStmt{},
	"ThreadLoop":  &ThreadLoop{},
	"Const":       &Const{},
	"VarRef":      &VarRef{},
	"SharedRef":   &SharedRef{},
	"Unary":       &Unary{},
	"Binary":      &Binary{},
	"Convert":     &Convert{},
	"Index":       &Index{},
	"FieldRef":    &FieldRef{},
	"Len":         &Len{},
	"StructLit":   &StructLit{},
	"ArrayLit":    &ArrayLit{},
	"SliceExpr":   &SliceExpr{},
	"Call":        &Call{},
	"BuiltinCall": &BuiltinCall{},
}

// referenceFields are fields of node type that point at another node
// without holding it: they are not children.
var referenceFields = map[string]bool{"BranchStmt.Target": true}

// declaredNodeTypes returns the names of the types the package's sources
// declare as statements, expressions or cases (a stmt() or expr() marker
// method, or the type Case).
func declaredNodeTypes(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	names := []string{"Case"}
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || fd.Name.Name != "stmt" && fd.Name.Name != "expr" || fd.Type.Params.NumFields() > 0 {
				continue
			}
			star, ok := fd.Recv.List[0].Type.(*ast.StarExpr)
			if !ok {
				t.Fatalf("%s: %s method on a non-pointer receiver", fset.Position(fd.Pos()), fd.Name.Name)
			}
			names = append(names, star.X.(*ast.Ident).Name)
		}
	}
	sort.Strings(names)
	return names
}

// fillChildren sets every child field of the struct n points to (a field
// whose type is a node type, or a slice of one) to fresh leaf nodes, and
// returns those leaves in field order.
func fillChildren(t *testing.T, name string, n Node) []Node {
	t.Helper()
	nodeType := reflect.TypeFor[Node]()
	v := reflect.ValueOf(n).Elem()
	var kids []Node
	leaf := func(ft reflect.Type) reflect.Value {
		var l Node
		switch {
		case ft == reflect.TypeFor[Expr]():
			l = &Const{}
		case ft == reflect.TypeFor[Stmt]():
			l = &ReturnStmt{}
		case ft == reflect.TypeFor[*Block]():
			l = &Block{}
		case ft == reflect.TypeFor[*Call]():
			l = &Call{Func: &Func{}}
		case ft == reflect.TypeFor[*Case]():
			l = &Case{}
		default:
			t.Fatalf("%s: no leaf for child type %v", name, ft)
		}
		kids = append(kids, l)
		return reflect.ValueOf(l)
	}
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if referenceFields[name+"."+f.Name] {
			continue
		}
		switch {
		case f.Type.Implements(nodeType):
			v.Field(i).Set(leaf(f.Type))
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Implements(nodeType):
			s := reflect.MakeSlice(f.Type, 2, 2)
			s.Index(0).Set(leaf(f.Type.Elem()))
			s.Index(1).Set(leaf(f.Type.Elem()))
			v.Field(i).Set(s)
		}
	}
	return kids
}

func TestInspectCoversEveryNode(t *testing.T) {
	declared := declaredNodeTypes(t)
	for _, name := range declared {
		if nodeTypes[name] == nil {
			t.Errorf("node type %s is missing from nodeTypes (and maybe from Inspect)", name)
		}
	}
	for name := range nodeTypes {
		if !slices.Contains(declared, name) {
			t.Errorf("nodeTypes lists %s, which the package does not declare", name)
		}
	}
	for name, proto := range nodeTypes {
		n := reflect.New(reflect.TypeOf(proto).Elem()).Interface().(Node)
		want := fillChildren(t, name, n)
		var got []Node
		Inspect(n, func(x Node) bool {
			if x == n {
				return true
			}
			got = append(got, x)
			return false
		})
		if !slices.Equal(got, want) {
			t.Errorf("%s: Inspect visited children %v, want %v (every child field, in field order)", name, got, want)
		}
	}
}

func TestInspectPrunes(t *testing.T) {
	x := &Var{Name: "x", Type: IntType}
	inner := &Binary{Op: token.ADD, X: &VarRef{Var: x}, Y: &VarRef{Var: x}, T: IntType}
	body := &Block{Stmts: []Stmt{
		&AssignStmt{Target: &VarRef{Var: x}, Value: inner},
		&IfStmt{Cond: &Binary{Op: token.LSS, X: &VarRef{Var: x}, Y: &VarRef{Var: x}, T: BoolType}, Then: &Block{}},
	}}
	var kinds []string
	Inspect(body, func(n Node) bool {
		kinds = append(kinds, reflect.TypeOf(n).Elem().Name())
		return n != Node(inner)
	})
	want := []string{"Block", "AssignStmt", "VarRef", "Binary", "IfStmt", "Binary", "VarRef", "VarRef", "Block"}
	if !slices.Equal(kinds, want) {
		t.Errorf("visited %v, want %v", kinds, want)
	}

	var stmts []string
	InspectStmts(body, func(s Stmt) { stmts = append(stmts, reflect.TypeOf(s).Elem().Name()) })
	if want := []string{"Block", "AssignStmt", "IfStmt", "Block"}; !slices.Equal(stmts, want) {
		t.Errorf("InspectStmts visited %v, want %v", stmts, want)
	}
	n := 0
	InspectExprs(body, func(Expr) { n++ })
	if n != 7 {
		t.Errorf("InspectExprs visited %d expressions, want 7", n)
	}
}

func TestInspectNil(t *testing.T) {
	var b *Block
	Inspect(b, func(Node) bool { t.Error("visited a nil *Block"); return true })
	Inspect(nil, func(Node) bool { t.Error("visited nil"); return true })
}
