package cfamily

import (
	"regexp"

	"github.com/dotcompute/dc/translate/ir"
)

// textUsesF64 reports whether the printed helper text names the dialect's
// float64 type. Helpers are generated text with no user strings, and the
// type name is a keyword that no user name can take.
func (p *printer) textUsesF64(text string) bool {
	if p.f64word == nil {
		p.f64word = regexp.MustCompile(`\b` + regexp.QuoteMeta(p.d.Types[ir.Float64]) + `\b`)
	}
	return p.f64word.MatchString(text)
}
