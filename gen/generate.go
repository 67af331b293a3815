package gen

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/types"
	"path/filepath"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/dotcompute/dc/translate"
	"github.com/dotcompute/dc/translate/cfamily"
	"github.com/dotcompute/dc/translate/cuda"
	"github.com/dotcompute/dc/translate/gocpu"
	"github.com/dotcompute/dc/translate/ir"
	"github.com/dotcompute/dc/translate/msl"
	"github.com/dotcompute/dc/translate/opencl"
)

const (
	dcPath      = translate.DCPath
	runtimePath = "github.com/dotcompute/dc/runtime"
)

// Generate translates the kernels of one package and returns the files to
// write: the Go file (launchers, CPU fallback, device sources), the files
// of SIMD bodies and their stubs when a kernel has one (SIMDFile,
// NoSIMDFile) and the device sources named in emit. A package without kernels gives no files.
func Generate(p *Package, emit []string) ([]File, error) {
	prog, err := translate.Translate(p.Input)
	if err != nil {
		return nil, err
	}
	if len(prog.Kernels) == 0 {
		return nil, nil
	}
	// The front end should reject whatever a printer cannot express; if a
	// printer still finds something, that is an error, never an #error
	// line in a written file.
	var src Sources
	if src.CUDA, err = cuda.PrintChecked(prog); err != nil {
		return nil, fmt.Errorf("dckgen: %s: %w", p.Path, err)
	}
	if src.OpenCL, err = opencl.PrintChecked(prog); err != nil {
		return nil, fmt.Errorf("dckgen: %s: %w", p.Path, err)
	}
	if src.MSL, err = msl.PrintChecked(prog); err != nil {
		return nil, fmt.Errorf("dckgen: %s: %w", p.Path, err)
	}
	goSrc, err := GoSource(p, prog, src)
	if err != nil {
		return nil, err
	}
	files := []File{{Path: filepath.Join(p.Dir, GoFile), Content: goSrc}}
	simdSrc, stubSrc, err := SIMDSources(p, prog)
	if err != nil {
		return nil, err
	}
	if simdSrc != nil {
		files = append(files,
			File{Path: filepath.Join(p.Dir, SIMDFile), Content: simdSrc},
			File{Path: filepath.Join(p.Dir, NoSIMDFile), Content: stubSrc})
	}
	base := strings.TrimSuffix(GoFile, ".go")
	for _, e := range emit {
		var text string
		switch e {
		case "cuda":
			text = src.CUDA
		case "opencl":
			text = src.OpenCL
		case "metal":
			text = src.MSL
		default:
			return nil, fmt.Errorf("dckgen: -emit=%s: the %s printer is not available yet", e, e)
		}
		files = append(files, File{Path: filepath.Join(p.Dir, base+emitExt[e]), Content: []byte(text)})
	}
	if err := checkNames(p, files); err != nil {
		return nil, err
	}
	return files, nil
}

// Sources holds the device sources of one package, one per target.
type Sources struct {
	CUDA   string // CUDA C++ for NVRTC
	OpenCL string // OpenCL C 1.2
	// MSL is the Metal Shading Language 3.0, without the kernels Metal
	// cannot run (msl.Unsupported).
	MSL string
}

// GoSource returns the generated Go file of a translated package, which
// embeds the device sources src.
func GoSource(p *Package, prog *ir.Program, src Sources) ([]byte, error) {
	f := jen.NewFilePathName(p.Path, p.Name)
	f.HeaderComment(Header)
	f.ImportName(dcPath, "dc")
	f.ImportName(runtimePath, "runtime")
	f.ImportName("github.com/dotcompute/dc/backends/cpu", "cpu")

	f.Comment("dcModule holds the device sources of this package's kernels; each")
	f.Comment("backend compiles it once per device.")
	mod := jen.Dict{
		jen.Id("Package"): jen.Lit(p.Path),
		jen.Id("CUDA"):    jen.Id("dcCUDA"),
		jen.Id("OpenCL"):  jen.Id("dcOpenCL"),
		jen.Id("MSL"):     jen.Id("dcMSL"),
	}
	if len(prog.Checks) > 0 {
		var sites []jen.Code
		for _, c := range prog.Checks {
			sites = append(sites, jen.Values(jen.Dict{
				jen.Id("Kind"): jen.Qual(runtimePath, checkKinds[c.Kind]),
				jen.Id("File"): jen.Lit(c.Pos.File),
				jen.Id("Line"): jen.Lit(c.Pos.Line),
				jen.Id("Col"):  jen.Lit(c.Pos.Col),
			}))
		}
		mod[jen.Id("Checks")] = jen.Index().Qual(runtimePath, "CheckSite").ValuesFunc(func(g *jen.Group) {
			for _, s := range sites {
				g.Line().Add(s)
			}
			g.Line()
		})
	}
	f.Var().Id("dcModule").Op("=").Op("&").Qual(runtimePath, "Module").Values(mod)
	f.Line()
	f.Comment("dcCUDA is the CUDA C source of this package's kernels (compiled at run time by NVRTC).")
	f.Const().Id("dcCUDA").Op("=").Add(rawString(src.CUDA))
	f.Line()
	f.Comment("dcOpenCL is the OpenCL C source of this package's kernels (built at run time by the OpenCL driver).")
	f.Const().Id("dcOpenCL").Op("=").Add(rawString(src.OpenCL))
	f.Line()
	f.Comment("dcMSL is the Metal Shading Language source of this package's kernels (compiled at run time by Metal).")
	f.Const().Id("dcMSL").Op("=").Add(rawString(src.MSL))

	decls := map[string]*ast.FuncDecl{}
	for _, file := range p.Input.Files {
		for _, d := range file.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
				decls[fd.Name.Name] = fd
			}
		}
	}
	// Kernel descriptors, in source order.
	notOnMetal := map[string]string{}
	for _, o := range msl.Unsupported(prog) {
		notOnMetal[o.Kernel] = metalReason(o)
	}
	hashes, err := SourceHashes(p.Input, p.readFile)
	if err != nil {
		return nil, err
	}
	for _, k := range prog.Kernels {
		f.Line()
		f.Comment(hashLine(kernelVar(k), k.GoName, hashes[k.GoName]))
		d := kernelDict(k)
		if why := notOnMetal[k.Name]; why != "" {
			d[jen.Id("NotOnMetal")] = jen.Lit(why)
		}
		f.Var().Id(kernelVar(k)).Op("=").Op("&").Qual(runtimePath, "Kernel").Values(d)
	}
	// Launchers: one per Go kernel, generic ones dispatching on T.
	done := map[string]bool{}
	for _, k := range prog.Kernels {
		if done[k.GoName] {
			continue
		}
		done[k.GoName] = true
		var insts []*ir.Kernel
		for _, k2 := range prog.Kernels {
			if k2.GoName == k.GoName {
				insts = append(insts, k2)
			}
		}
		fd := decls[k.GoName]
		obj, _ := p.Input.Info.Defs[fd.Name].(*types.Func)
		if obj == nil {
			return nil, fmt.Errorf("dckgen: kernel %s: no type information", k.GoName)
		}
		f.Line()
		f.Add(launcher(p, obj, insts))
	}
	// CPU fallback.
	for _, k := range prog.Kernels {
		f.Line()
		f.Add(gocpu.Kernel(k))
	}
	for _, fn := range prog.Funcs {
		f.Line()
		f.Add(gocpu.Func(fn))
	}
	// Layout guards: a change of a struct breaks the build, not the GPU.
	if len(prog.Structs) > 0 {
		f.Line()
		f.Comment("The device sources assume these layouts; if a struct changes, this no longer")
		f.Comment("compiles: run go generate again.")
		var body []jen.Code
		body = append(body, jen.Var().Id("x").Index(jen.Lit(1)).Struct())
		for _, s := range prog.Structs {
			body = append(body, jen.Id("_").Op("=").Id("x").Index(jen.Qual("unsafe", "Sizeof").Call(jen.Id(s.Name).Values()).Op("-").Lit(int(s.Size))))
			for _, fl := range s.Fields {
				if fl.Name == "_" {
					continue // padding: Go cannot name it; Sizeof and the next field's offset cover it
				}
				body = append(body, jen.Id("_").Op("=").Id("x").Index(jen.Qual("unsafe", "Offsetof").Call(jen.Id(s.Name).Values().Dot(fl.Name)).Op("-").Lit(int(fl.Offset))))
			}
		}
		f.Func().Id("_").Params().Block(body...)
	}
	var buf bytes.Buffer
	if err := f.Render(&buf); err != nil {
		return nil, fmt.Errorf("dckgen: %s: rendering Go: %w", p.Path, err)
	}
	return buf.Bytes(), nil
}

// rawString returns a Go raw string literal when s allows one (readable
// device sources), else a quoted one.
func rawString(s string) jen.Code {
	if !strings.Contains(s, "`") && !strings.Contains(s, "\r") {
		return jen.Op("`" + s + "`")
	}
	return jen.Lit(s)
}

func kernelVar(k *ir.Kernel) string { return "dcKernel" + k.Name }

func kernelDict(k *ir.Kernel) jen.Dict {
	var params []jen.Code
	for _, p := range k.Params {
		d := jen.Dict{jen.Id("Name"): jen.Lit(p.Name)}
		switch t := p.Type.(type) {
		case *ir.Slice:
			d[jen.Id("Kind")] = jen.Qual(runtimePath, "BufferParam")
			d[jen.Id("Size")] = jen.Lit(int(ir.SizeOf(t.Elem)))
			if p.Written {
				d[jen.Id("Written")] = jen.True()
			}
		default:
			d[jen.Id("Kind")] = jen.Qual(runtimePath, "ScalarParam")
			d[jen.Id("Size")] = jen.Lit(int(ir.SizeOf(t)))
		}
		params = append(params, jen.Values(d))
	}
	var shared int64
	for _, s := range k.Shared {
		shared += s.Bytes()
	}
	d := jen.Dict{
		jen.Id("Module"): jen.Id("dcModule"),
		jen.Id("Name"):   jen.Lit(k.Name),
		jen.Id("Params"): jen.Index().Qual(runtimePath, "Param").Values(params...),
	}
	if shared > 0 {
		d[jen.Id("SharedBytes")] = jen.Lit(int(shared))
	}
	if k.Barrier {
		d[jen.Id("Barrier")] = jen.True()
	}
	if k.FastMath {
		d[jen.Id("FastMath")] = jen.True()
	}
	if ir.KernelUsesFloat64(k) {
		d[jen.Id("Float64")] = jen.True()
	}
	if cfamily.HasAliasedVariant(cuda.Dialect, k) {
		d[jen.Id("Aliased")] = jen.Lit(cfamily.AliasedName(k))
	}
	if k.Checked {
		d[jen.Id("Checked")] = jen.True()
	}
	if conds := ir.FastConditions(k); conds != nil {
		if ir.FastChecked(k) {
			d[jen.Id("FastChecked")] = jen.True()
		}
		d[jen.Id("FastIf")] = jen.Index().Qual(runtimePath, "LaunchExpr").ValuesFunc(func(g *jen.Group) {
			for _, c := range conds {
				var ops []jen.Code
				for _, o := range c {
					ops = append(ops, jen.Values(
						jen.Id("Code").Op(":").Qual(runtimePath, launchCodes[o.Code]),
						jen.Id("Arg").Op(":").Lit(int(o.Arg)),
					))
				}
				g.Line().Values(ops...)
			}
			g.Line()
		})
	}
	return d
}

// launchCodes names the runtime.LaunchCode of each ir.LaunchCode.
var launchCodes = map[ir.LaunchCode]string{
	ir.LaunchConst: "LaunchConst", ir.LaunchLen: "LaunchLen", ir.LaunchInt: "LaunchInt",
	ir.LaunchUint: "LaunchUint", ir.LaunchGeometry: "LaunchGeometry", ir.LaunchAdd: "LaunchAdd",
	ir.LaunchSub: "LaunchSub", ir.LaunchMul: "LaunchMul", ir.LaunchMin: "LaunchMin",
	ir.LaunchMax: "LaunchMax", ir.LaunchDiv: "LaunchDiv",
}

// checkKinds names the runtime.FaultKind of each kind of check.
var checkKinds = map[ir.CheckKind]string{
	ir.CheckIndex:  "IndexOutOfRange",
	ir.CheckSlice:  "SliceOutOfRange",
	ir.CheckDivide: "DivideByZero",
	ir.CheckShift:  "NegativeShift",
}

// launcher returns LaunchK for a kernel and its instantiations.
func launcher(p *Package, obj *types.Func, insts []*ir.Kernel) jen.Code {
	sig := obj.Type().(*types.Signature)
	qual := types.RelativeTo(p.Input.Pkg)
	names := map[string]bool{}
	for i := 1; i < sig.Params().Len(); i++ {
		names[sig.Params().At(i).Name()] = true
	}
	pick := func(n string) string {
		for names[n] {
			n += "_"
		}
		names[n] = true
		return n
	}
	dev, grid, argList := pick("dev"), pick("g"), pick("args")
	// Parameter names: the IR's (unique, never "_").
	k0 := insts[0]
	params := []jen.Code{
		jen.Id(dev).Op("*").Qual(runtimePath, "Device"),
		jen.Id(grid).Qual(dcPath, "Grid"),
	}
	for i := 1; i < sig.Params().Len(); i++ {
		pt := sig.Params().At(i).Type()
		name := k0.Params[i-1].Name
		if s, ok := pt.Underlying().(*types.Slice); ok {
			params = append(params, jen.Id(name).Op("*").Qual(runtimePath, "Buffer").Types(jen.Id(types.TypeString(s.Elem(), qual))))
		} else {
			params = append(params, jen.Id(name).Id(types.TypeString(pt, qual)))
		}
	}
	name := "Launch" + obj.Name()
	fn := jen.Commentf("%s launches kernel %s over the grid %s on %s. Buffers stand for", name, obj.Name(), grid, dev).Line().
		Comment("the kernel's slices; the launch is asynchronous: Read a buffer or Sync the").Line().
		Comment("device to wait for it.").Line().
		Func().Id(name)
	tps := sig.TypeParams()
	if tps.Len() == 0 {
		return fn.Params(params...).Error().Block(launchCall(insts[0], dev, grid, argList)...)
	}
	// Generic: T constrained to the instantiated types; dispatch on T.
	tp := tps.At(0)
	var union []jen.Code
	var cases []jen.Code
	for _, k := range insts {
		ta := k.TypeArgs[0].String()
		union = append(union, jen.Id(ta))
		var conv []jen.Code
		for i := 1; i < sig.Params().Len(); i++ {
			pt := sig.Params().At(i).Type()
			pn := k.Params[i-1].Name
			if !mentions(pt, tp) {
				continue
			}
			var target jen.Code
			if _, ok := pt.Underlying().(*types.Slice); ok {
				target = jen.Op("*").Qual(runtimePath, "Buffer").Types(jen.Id(k.Params[i-1].Type.(*ir.Slice).Elem.String()))
			} else {
				target = jen.Id(k.Params[i-1].Type.String())
			}
			conv = append(conv, jen.Id(pn).Op(":=").Any().Parens(jen.Id(pn)).Assert(target))
		}
		body := append(conv, launchCall(k, dev, grid, argList)...)
		cases = append(cases, jen.Case(jen.Id(ta)).Block(body...))
	}
	cases = append(cases, jen.Default().Block(jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit(name+": no instantiation for type %T"), jen.Op("*").New(jen.Id(tp.Obj().Name()))))))
	return fn.Types(jen.Id(tp.Obj().Name()).Union(union...)).Params(params...).Error().Block(
		jen.Switch(jen.Any().Parens(jen.Op("*").New(jen.Id(tp.Obj().Name()))).Assert(jen.Type())).Block(cases...),
	)
}

// mentions reports whether type t refers to the type parameter tp.
func mentions(t types.Type, tp *types.TypeParam) bool {
	switch t := t.(type) {
	case *types.TypeParam:
		return t == tp
	case *types.Slice:
		return mentions(t.Elem(), tp)
	case *types.Array:
		return mentions(t.Elem(), tp)
	}
	return false
}

// launchCall returns the statements that launch k on dev over grid: its
// arguments built in a runtime.Args named args, then Device.LaunchArgs
// with the kernel's CPU body, so that a launch allocates nothing.
func launchCall(k *ir.Kernel, dev, grid, args string) []jen.Code {
	stmts := []jen.Code{jen.Var().Id(args).Qual(runtimePath, "Args")}
	var names []string
	for _, p := range k.Params {
		names = append(names, p.Name)
		add := "AddScalar"
		if _, ok := p.Type.(*ir.Slice); ok {
			add = "AddBuffer"
		}
		stmts = append(stmts, jen.Qual(runtimePath, add).Call(jen.Op("&").Id(args), jen.Id(p.Name)))
	}
	return append(stmts, jen.Return(jen.Id(dev).Dot("LaunchArgs").Call(
		jen.Id(kernelVar(k)),
		jen.Id(grid),
		jen.Op("&").Id(args),
		gocpu.Run(k, grid, names),
	)))
}

// metalReason returns runtime.Kernel.NotOnMetal for o: "Metal has no
// float64 (used through f) at k.go:12:3".
func metalReason(o msl.Omission) string {
	s := "Metal has no " + o.Reason
	if o.Via != "" {
		s += " (used through " + o.Via + ")"
	}
	if o.Pos.IsValid() {
		s += fmt.Sprintf(" at %s:%d:%d", o.Pos.File, o.Pos.Line, o.Pos.Col)
	}
	return s
}
