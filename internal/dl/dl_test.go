package dl

import (
	"path/filepath"
	"runtime"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

// libc returns the soname of the C library, which every supported Linux
// system has, skipping the test elsewhere.
func libc(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skipf("the test loads libc.so.6, which %s does not have", runtime.GOOS)
	}
	return "libc.so.6"
}

func TestOpenFirstThatLoads(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "libmissing.so")
	l, err := Open(missing, libc(t))
	if err != nil {
		t.Fatal(err)
	}
	if l.Path() != "libc.so.6" || l.Handle() == 0 {
		t.Errorf("Open loaded %q, handle %#x; want libc.so.6 and a handle", l.Path(), l.Handle())
	}
	g, err := OpenGlobal("libc.so.6")
	if err != nil || g.Handle() != l.Handle() {
		t.Errorf("OpenGlobal(libc.so.6) = %v, %v; want the same handle %#x", g, err, l.Handle())
	}
}

func TestOpenMissing(t *testing.T) {
	libc(t)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "liba.so"), filepath.Join(dir, "libb.so")
	l, err := Open(a, b)
	if l != nil || err == nil {
		t.Fatalf("Open = %v, %v; want an error", l, err)
	}
	// dlerror's message names each file.
	want := a + ": cannot open shared object file: No such file or directory; " +
		b + ": cannot open shared object file: No such file or directory"
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s", diff)
	}
	if _, err := Open(); err == nil || err.Error() != "dl: no library to open" {
		t.Errorf("Open() error = %v, want dl: no library to open", err)
	}
}

func TestSymIsSticky(t *testing.T) {
	l, err := Open(libc(t))
	if err != nil {
		t.Fatal(err)
	}
	l.Prefix = "test"
	if p := l.Sym("strlen"); p == 0 || l.Err() != nil {
		t.Fatalf("Sym(strlen) = %#x, err %v", p, l.Err())
	}
	if p := l.OptSym("dcNoSuchFunction"); p != 0 || l.Err() != nil {
		t.Errorf("OptSym(dcNoSuchFunction) = %#x, err %v; want 0, nil", p, l.Err())
	}
	if p := l.Sym("dcNoSuchFunction"); p != 0 {
		t.Errorf("Sym(dcNoSuchFunction) = %#x, want 0", p)
	}
	if p := l.Sym("strlen"); p != 0 {
		t.Errorf("Sym(strlen) after a missing symbol = %#x, want 0", p)
	}
	if p := l.OptSym("strlen"); p == 0 {
		t.Errorf("OptSym(strlen) after a missing symbol = 0, want its address")
	}
	want := "test: dcNoSuchFunction is missing in libc.so.6"
	if l.Err() == nil || l.Err().Error() != want {
		t.Errorf("Err() = %v, want %q", l.Err(), want)
	}

	// Without a prefix, and through FromHandle.
	m := FromHandle(l.Path(), l.Handle())
	m.Sym("dcOther")
	if got, want := m.Err().Error(), "dcOther is missing in libc.so.6"; got != want {
		t.Errorf("Err() = %q, want %q", got, want)
	}
}

func TestStrings(t *testing.T) {
	for _, s := range []string{"", "a", "héllo, world"} {
		c := CString(s)
		if len(c) != len(s)+1 || c[len(s)] != 0 {
			t.Errorf("CString(%q) = %q, want the bytes and a NUL", s, c)
		}
		if got := GoString(uintptr(unsafe.Pointer(&c[0]))); got != s {
			t.Errorf("GoString(CString(%q)) = %q", s, got)
		}
		if got := GoStringN(c); got != s {
			t.Errorf("GoStringN(CString(%q)) = %q", s, got)
		}
		runtime.KeepAlive(c)
	}
	if got := GoString(0); got != "" {
		t.Errorf("GoString(0) = %q, want empty", got)
	}
	if got := GoStringN([]byte("no nul")); got != "no nul" {
		t.Errorf("GoStringN without NUL = %q", got)
	}
	if got := GoStringN([]byte("ab\x00cd")); got != "ab" {
		t.Errorf("GoStringN(ab NUL cd) = %q, want ab", got)
	}
}
