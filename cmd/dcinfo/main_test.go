package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/dotcompute/dc/runtime"
)

// TestList checks the table has a row per device runtime.Devices lists
// and a line per backend without one, with its reason.
func TestList(t *testing.T) {
	var buf bytes.Buffer
	n, err := list(&buf)
	if err != nil {
		t.Fatal(err)
	}
	devs, devErr := runtime.Devices()
	if n != len(devs) || n == 0 {
		t.Fatalf("list reported %d devices, runtime.Devices %d", n, len(devs))
	}
	lines := strings.Split(buf.String(), "\n")
	if !strings.HasPrefix(lines[0], "BACKEND  #  DEVICE") {
		t.Errorf("header %q", lines[0])
	}
	for i, d := range devs {
		if f := strings.Fields(lines[1+i]); len(f) < 3 || f[0] != d.Backend || f[1] != fmt.Sprint(d.Index) || !strings.Contains(lines[1+i], d.Name) {
			t.Errorf("row %d = %q, want %s %d %s", i, lines[1+i], d.Backend, d.Index, d.Name)
		}
	}
	if cpu := lines[len(devs)]; !strings.HasPrefix(cpu, "cpu ") || !strings.Contains(cpu, " yes ") {
		t.Errorf("last row %q, want the cpu with float64", cpu)
	}
	if devErr != nil {
		if !strings.Contains(buf.String(), "\nno device:\n") {
			t.Errorf("no reasons section:\n%s", buf.String())
		}
		for _, e := range unjoin(devErr) {
			if !strings.Contains(buf.String(), e.Error()+"\n") {
				t.Errorf("the output does not give the reason %q:\n%s", e, buf.String())
			}
		}
	}
}
