package gocpu

import (
	"fmt"
	"testing"

	"github.com/dave/jennifer/jen"
)

func TestScratch(t *testing.T) {
	f := jen.NewFile("p")
	f.ImportName("github.com/dotcompute/dc", "dc")
	f.Func().Id("f").Params(jen.Id("x").Int()).Block(
		jen.Id("y").Op(":=").Id("x").Op("-").Id("-3"),
		jen.Id("y").Op("=").Op("-").Id("-3"),
		jen.For(jen.Id("i").Op(":=").Lit(0), jen.Empty(), jen.Id("i").Op("++")).Block(jen.Break()),
		jen.For(jen.Null(), jen.Id("i").Op("<").Lit(3), jen.Null()).Block(jen.Break()),
		jen.Id("L").Op(":").For().Block(jen.Break().Id("L")),
		jen.Id("M").Op(":").Switch(jen.Id("x")).Block(jen.Case(jen.Lit(1), jen.Lit(2)).Block(jen.Break().Id("M")), jen.Default().Block()),
		jen.If(jen.Id("x").Op(">").Lit(0)).Block().Else().If(jen.Id("x").Op("<").Lit(0)).Block().Else().Block(jen.Id("x").Op("=").Lit(1)),
		jen.Id("_").Op("=").Qual("github.com/dotcompute/dc", "Shared").Index(jen.Index(jen.Lit(256)).Float32()).Call(jen.Id("dc_t")),
		jen.Id("P").Values(jen.Id("X").Op(":").Lit(1), jen.Id("Y").Op(":").Lit(2)),
		jen.Id("x").Op("&^").Op("^").Id("y"),
		jen.Id("x").Op("=").Op("&").Id("y").Index(jen.Lit(1)),
		jen.Block(jen.Id("x").Op("=").Lit(1)),
		jen.Id("z").Op("=").Index(jen.Lit(1)).Int().Values(jen.Lit(5)).Index(jen.Lit(0)),
	)
	fmt.Printf("%#v\n", f)
}
