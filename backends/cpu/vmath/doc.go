// Package vmath computes math functions on vectors of package
// simd/archsimd, lane by lane bit for bit what package math computes on
// scalars on the same machine. The SIMD bodies that dckgen prints for
// elementwise float32 kernels call it, so that a kernel calling dc.Exp or
// dc.Log gets in every lane exactly what its scalar CPU body gets.
//
// The package has functions only in builds with GOEXPERIMENT=simd on
// amd64, where package archsimd exists; in every other build it is empty.
//
// On amd64 math.Exp and math.Log are assembly (math/exp_amd64.s and
// math/log_amd64.s); Exp64x4 and Log64x4 repeat their algorithms operation
// for operation in float64 vectors, special cases included, and Exp64x4
// fuses multiplies and adds exactly where math.Exp does (on CPUs with AVX
// and FMA). The functions of vectors of eight float64s (x8) and of sixteen
// float32s (x16) need AVX-512; the others need AVX2.
package vmath
