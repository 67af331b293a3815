package dc

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTrimFuncName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"github.com/user/kernels.Saxpy", "Saxpy"},
		{"github.com/user/kernels_test.TestSaxpy.func1", "TestSaxpy"},
		{"github.com/user/kernels_test.TestSaxpy.func1.2", "TestSaxpy"},
		{"main.main.func3", "main"},
		{"github.com/user/kernels.Reduce[go.shape.float32]", "Reduce"},
		{"github.com/user/kernels.Reduce[...].func1", "Reduce"},
		{"github.com/user/kernels.(*Runner).Run-fm", "Runner.Run"},
		{"github.com/user/kernels.Runner.Run", "Runner.Run"},
		{"github.com/user/kernels.glob..func1", "github.com/user/kernels.glob..func1"},
		{"example.com/a.b/k.F", "F"},
		{"", "?"},
	} {
		if diff := cmp.Diff(c.want, trimFuncName(c.in)); diff != "" {
			t.Errorf("trimFuncName(%q) mismatch (-want +got):\n%s", c.in, diff)
		}
	}
}

func TestIsClosure(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"p.TestX.func1", true},
		{"p.TestX.func1.3", true},
		{"p.F", false},
		{"p.function", false},
		{"p.F[...]", false},
	} {
		if got := isClosure(c.in); got != c.want {
			t.Errorf("isClosure(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}
