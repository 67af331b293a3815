//go:build goexperiment.simd && amd64

package vmath

import "simd/archsimd"

// useFMA is package math's choice on amd64 (math/exp_amd64.go): math.Exp
// fuses multiplies and adds on CPUs with AVX and FMA.
var useFMA = archsimd.X86.AVX() && archsimd.X86.FMA()

// The constants of math/exp_amd64.s.
const (
	log2e    = 1.4426950408889634073599246810018920        // 1/ln2
	ln2U     = 0.69314718055966295651160180568695068359375 // upper half of ln2
	ln2L     = 0.28235290563031577122588448175013436025525412068e-12
	overflow = 7.09782712893384e+02
	// The Taylor coefficients 1/n! of e**x.
	exp1 = 1.0
	exp2 = 0.5
	exp3 = 1.6666666666666666667e-1
	exp4 = 4.1666666666666666667e-2
	exp5 = 8.3333333333333333333e-3
	exp6 = 1.3888888888888888889e-3
	exp7 = 1.9841269841269841270e-4
	exp8 = 2.4801587301587301587e-5
)

// The constants of math/log_amd64.s.
const (
	hSqrt2 = 7.07106781186547524401e-01 // sqrt(2)/2
	ln2Hi  = 6.93147180369123816490e-01 // 0x3fe62e42fee00000
	ln2Lo  = 1.90821492927058770002e-10 // 0x3dea39ef35793c76
	log1   = 6.666666666666735130e-01   // 0x3FE5555555555593
	log2   = 3.999999999940941908e-01   // 0x3FD999999997FA04
	log3   = 2.857142874366239149e-01   // 0x3FD2492494229359
	log4   = 2.222219843214978396e-01   // 0x3FCC71C51D8E78AF
	log5   = 1.818357216161805012e-01   // 0x3FC7466496CB03DE
	log6   = 1.531383769920937332e-01   // 0x3FC39A09D078C69F
	log7   = 1.479819860511658591e-01   // 0x3FC2F112DF3E5244
	// logNaNBits is the NaN math.Log returns for a negative x.
	logNaNBits = 0x7FF8000000000001
)

// Bit patterns and values both functions use.
const (
	absMask    = 0x7FFFFFFFFFFFFFFF // all bits but the sign
	posInfBits = 0x7FF0000000000000
	negInfBits = 0xFFF0000000000000
	fracMask   = 0x000FFFFFFFFFFFFF
	halfBits   = 0x3FE0000000000000 // 0.5
	two52Bits  = 0x4330000000000000 // 2**52
	// magic is 1.5*2**52: adding it to a float64 of magnitude below 2**51
	// rounds it to an integer k and leaves 0x4338000000000000+k in its
	// bits.
	magic = 0x1.8p52
)
