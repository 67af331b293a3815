package main

import (
	"testing"

	dcrt "github.com/dotcompute/dc/runtime"
)

// TestCPUBarrierRows runs every column of the barrier rows but OpenCL at
// the probe sizes and checks each against serial Go, as the table does;
// every barrier row, and no other, has a per-group column.
func TestCPUBarrierRows(t *testing.T) {
	dev, err := dcrt.Open(dcrt.WithBackend("cpu"))
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	n := 0
	for _, r := range cpuRows(cpuProbeSizes) {
		if !r.barrier {
			if r.perGroup != nil {
				t.Errorf("%s %s: barrier-free row with a per-group column", r.kernel, r.size)
			}
			continue
		}
		n++
		if r.perGroup == nil {
			t.Errorf("%s %s: no per-group column", r.kernel, r.size)
			continue
		}
		want := cpuWant(r)
		for i, impl := range []cpuImpl{r.device(dev), r.parallel(), r.perGroup(), r.emulate()} {
			if err := impl.run(); err != nil {
				t.Fatalf("%s %s, column %d: %v", r.kernel, r.size, i, err)
			}
			got, err := impl.out()
			if err != nil {
				t.Fatalf("%s %s, column %d: %v", r.kernel, r.size, i, err)
			}
			if err := cpuCompare(got, want, r.tol); err != nil {
				t.Errorf("%s %s, column %d: %v", r.kernel, r.size, i, err)
			}
		}
	}
	if n != 5 {
		t.Errorf("%d barrier rows, want 5", n)
	}
}

// TestCPUSizes checks that the probe sizes are below the sizes of every
// set -cpusizes knows, so that each barrier row's dc.Emulate is probed,
// and that the sets are found by name.
func TestCPUSizes(t *testing.T) {
	for _, s := range cpuSizeSets {
		if got, ok := cpuSizeSet(s.name); !ok || got.describe() != s.describe() {
			t.Errorf("cpuSizeSet(%q) = %v, %v", s.name, got.describe(), ok)
		}
		for _, r := range cpuRows(s) {
			if r.barrier && r.probe == nil {
				t.Errorf("%s sizes: %s %s has no dc.Emulate probe", s.name, r.kernel, r.size)
			}
		}
	}
	if _, ok := cpuSizeSet("huge"); ok {
		t.Error(`cpuSizeSet("huge") found a set`)
	}
}

func TestCPUCount(t *testing.T) {
	for n, want := range map[int]string{1 << 20: "1M", 1 << 16: "64K", 4096: "4K", 1000: "1000", 3 << 19: "1536K"} {
		if got := cpuCount(n); got != want {
			t.Errorf("cpuCount(%d) = %q, want %q", n, got, want)
		}
	}
}
