package cfamily

import (
	"math"
	"testing"
)

func TestFormatFloat32(t *testing.T) {
	for _, c := range []struct {
		in   float32
		want string
	}{
		{0, "0.0f"},
		{0.5, "0.5f"},
		{1, "1.0f"},
		{-2.5, "-2.5f"},
		{100, "100.0f"},
		{0.1, "0.1f"},
		{1.0 / 3, "0.33333334f"},
		{16777216, "1.6777216e+07f"},
		{1e30, "1e+30f"},
		{1e21, "1e+21f"},
		{1e-45, "1e-45f"},
		{math.MaxFloat32, "3.4028235e+38f"},
		{math.SmallestNonzeroFloat32, "1e-45f"},
	} {
		if got := FormatFloat32(c.in); got != c.want {
			t.Errorf("FormatFloat32(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestFormatFloat64(t *testing.T) {
	for _, c := range []struct {
		in   float64
		want string
	}{
		{0, "0.0"},
		{0.5, "0.5"},
		{1, "1.0"},
		{-3, "-3.0"},
		{0.1, "0.1"},
		{1.0 / 3, "0.3333333333333333"},
		{123456789, "1.23456789e+08"},
		{1e300, "1e+300"},
		{5e-324, "5e-324"},
		{math.MaxFloat64, "1.7976931348623157e+308"},
		{float64(float32(0.1)), "0.10000000149011612"},
	} {
		if got := FormatFloat64(c.in); got != c.want {
			t.Errorf("FormatFloat64(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSafeName(t *testing.T) {
	reserved := map[string]bool{"int": true, "int_": true, "threadIdx": true}
	taken := map[string]bool{"x_": true}
	for _, c := range []struct{ in, want string }{
		{"x", "x"},
		{"int", "int__"}, // int_ is reserved too
		{"threadIdx", "threadIdx_"},
		{"__x", "u__x"},
		{"_Y", "u_Y"},
		{"dc_t1", "udc_t1"},
		{"αβ", "_u03b1_u03b2"},
		{"_", "_"},
		{"Pair[float32]", "Pair_float32_"},
	} {
		if got := safeName(c.in, reserved, taken); got != c.want {
			t.Errorf("safeName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSafeNamePrefixes(t *testing.T) {
	prefixes := []string{"cuda", "CU_"}
	for _, c := range []struct{ in, want string }{
		{"cudaStreamDefault", "ucudaStreamDefault"},
		{"CU_X", "uCU_X"},
		{"CUX", "CUX"},
		{"xcuda", "xcuda"},
	} {
		if got := safeName(c.in, nil, nil, prefixes...); got != c.want {
			t.Errorf("safeName(%q, %q) = %q, want %q", c.in, prefixes, got, c.want)
		}
	}
}
