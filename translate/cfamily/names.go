package cfamily

import (
	"fmt"
	"strings"
)

// keywords are the keywords of C (C11) and C++ (C++20) and the alternative
// operator spellings, reserved in every dialect.
var keywords = strings.Fields(`
	alignas alignof and and_eq asm auto bitand bitor bool break case catch
	char char8_t char16_t char32_t class compl concept const consteval
	constexpr constinit const_cast continue co_await co_return co_yield
	decltype default delete do double dynamic_cast else enum explicit export
	extern false final float for friend goto if import inline int long module
	mutable namespace new noexcept not not_eq nullptr operator or or_eq
	override private protected public register reinterpret_cast requires
	restrict return short signed sizeof static static_assert static_cast
	struct switch template this thread_local throw true try typedef typeid
	typename union unsigned using virtual void volatile wchar_t while xor
	xor_eq _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary
	_Noreturn _Static_assert _Thread_local NULL main
`)

// libraryNames are C library functions and macros that device compilers
// commonly predeclare; user functions and variables must not shadow them.
var libraryNames = func() []string {
	names := strings.Fields(`
		abs labs llabs min max printf malloc free memcpy memset memmove
		assert offsetof isnan isinf isfinite signbit fpclassify
		INFINITY NAN HUGE_VAL HUGE_VALF
	`)
	// Math functions, in double and float (suffix f) forms.
	for _, n := range strings.Fields(`
		sqrt rsqrt cbrt rcbrt exp exp2 exp10 expm1 log log2 log10 log1p logb
		ilogb sin cos tan asin acos atan atan2 sinh cosh tanh asinh acosh
		atanh sinpi cospi sincos sincospi pow fabs floor ceil trunc round
		rint nearbyint lround llround lrint llrint fma fmod remainder remquo
		hypot rhypot norm rnorm norm3d norm4d copysign fmin fmax fdim frexp
		ldexp scalbn scalbln modf nextafter nan erf erfc erfinv erfcinv
		erfcx lgamma tgamma j0 j1 jn y0 y1 yn cyl_bessel_i0 cyl_bessel_i1
		normcdf normcdfinv
	`) {
		names = append(names, n, n+"f")
	}
	return names
}()

// reservedSet returns the names user identifiers must not take in d.
func reservedSet(d *Dialect) map[string]bool {
	m := make(map[string]bool)
	for _, list := range [][]string{keywords, libraryNames, d.Reserved} {
		for _, n := range list {
			m[n] = true
		}
	}
	return m
}

// cIdent turns a Go name into a C identifier: ASCII letters, digits and '_'
// stay, other ASCII characters (as in "Pair[float32]") become '_', and
// non-ASCII letters become _uXXXX escapes. It does not check for reserved
// names.
func cIdent(name string) string {
	ok := name != ""
	for i := 0; i < len(name) && ok; i++ {
		ok = isIdentByte(name[i]) && !(i == 0 && name[i] >= '0' && name[i] <= '9')
	}
	if ok {
		return name
	}
	var b strings.Builder
	for i, r := range name {
		switch {
		case r >= 0x80:
			fmt.Fprintf(&b, "_u%04x", r)
		case i == 0 && r >= '0' && r <= '9':
			b.WriteString("_" + string(r))
		case isIdentByte(byte(r)):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

func isIdentByte(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// implReserved reports whether C reserves name for the implementation (a
// leading "__", or "_" and an upper-case letter), it is in the printer's
// own dc_ name space, or it starts with one of the dialect's prefixes.
func implReserved(name string, prefixes ...string) bool {
	if strings.HasPrefix(name, "__") || strings.HasPrefix(name, "dc_") {
		return true
	}
	for _, p := range prefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return len(name) > 1 && name[0] == '_' && name[1] >= 'A' && name[1] <= 'Z'
}

// safeName returns the C spelling of the Go name: cIdent'ed, prefixed with
// "u" if implReserved (with the dialect's prefixes), with "_" appended
// while it is reserved or taken.
func safeName(name string, reserved, taken map[string]bool, prefixes ...string) string {
	n := cIdent(name)
	if implReserved(n, prefixes...) {
		n = "u" + n
	}
	for reserved[n] || taken[n] {
		n += "_"
	}
	return n
}
