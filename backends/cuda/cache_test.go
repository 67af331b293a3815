package cuda

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// cacheTestEntry compiles the golden saxpy source for sm_80 into dir with
// a new Compiler and returns the image and the entry file's path.
func cacheTestEntry(t *testing.T, n *NVRTC, dir string) (*Image, string) {
	t.Helper()
	img, err := NewCompiler(CompilerOptions{CacheDir: dir, NVRTC: n}).Compile(compileTestSaxpy(t), "saxpy.cu", 80)
	if err != nil {
		t.Fatal(err)
	}
	return img, cachePath(dir, img.Key)
}

// cacheTestCheckEntry checks that path holds a valid entry of img.
func cacheTestCheckEntry(t *testing.T, path string, img *Image) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the entry: %v", err)
	}
	got, err := cacheDecode(data, img.Key, img.Arch)
	if err != nil {
		t.Fatalf("the entry is not valid: %v", err)
	}
	if !bytes.Equal(got.CUBIN, img.CUBIN) || !bytes.Equal(got.PTX, img.PTX) {
		t.Errorf("the entry holds another image")
	}
}

// cacheTestNoTemps fails if dir holds temporary files.
func cacheTestNoTemps(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), cacheTempPrefix) {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestCacheEncodeDecode(t *testing.T) {
	key := sha256.Sum256([]byte("key"))
	for _, img := range []*Image{
		{Arch: "sm_80", CUBIN: []byte("\x7fELF cubin"), PTX: []byte(".version 7.8\n"), Key: key},
		{Arch: "compute_90", PTX: []byte(".version 7.8\n.target sm_90\n"), Key: key},
	} {
		data, err := cacheEncode(img)
		if err != nil {
			t.Fatal(err)
		}
		if len(data) != cacheHeaderSize+len(img.CUBIN)+len(img.PTX) || string(data[:8]) != cacheMagic {
			t.Errorf("%s: entry of %d bytes starting %q", img.Arch, len(data), data[:8])
		}
		// As cacheReadFile returns it: a spare zero byte after the data.
		buf := append(make([]byte, 0, len(data)+1), data...)
		got, err := cacheDecode(buf, key, img.Arch)
		if err != nil {
			t.Fatalf("%s: %v", img.Arch, err)
		}
		want := *img
		want.Origin = OriginDisk
		if diff := cmp.Diff(&want, got); diff != "" {
			t.Errorf("%s: decoded image mismatch (-want +got):\n%s", img.Arch, diff)
		}
		if z := compileNUL(got.PTX); &z[0] != &buf[cacheHeaderSize+len(img.CUBIN)] {
			t.Errorf("%s: the PTX's NUL terminator was copied, not taken from the spare byte", img.Arch)
		}
	}
	if _, err := cacheEncode(&Image{Arch: "compute_1000000000000", PTX: []byte("x")}); err == nil {
		t.Errorf("cacheEncode took an architecture longer than the header's field")
	}
}

// cacheTestReseal recomputes the checksum of an entry, so that a change to
// its header gets past the checksum to the check of that field.
func cacheTestReseal(data []byte) []byte {
	binary.LittleEndian.PutUint32(data[76:], cacheChecksum(data))
	return data
}

func TestCacheCorruption(t *testing.T) {
	n := loadOrSkip(t)
	img, path := cacheTestEntry(t, n, t.TempDir())
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cubinEnd := cacheHeaderSize + len(img.CUBIN)
	change := func(f func(d []byte) []byte) []byte { return f(bytes.Clone(good)) }
	for _, tc := range []struct {
		name    string
		content []byte // nil: a folder at the entry's path
		why     string // in DiskError
	}{
		{"flipped PTX byte", change(func(d []byte) []byte { d[len(d)-10] ^= 1; return d }), "checksum mismatch"},
		{"flipped CUBIN byte", change(func(d []byte) []byte { d[cacheHeaderSize+100] ^= 0x80; return d }), "checksum mismatch"},
		{"flipped checksum byte", change(func(d []byte) []byte { d[90] ^= 1; return d }), "checksum mismatch"},
		{"truncated payload", good[:cubinEnd+10], "do not match"},
		{"truncated header", good[:40], "truncated"},
		{"empty", []byte{}, "truncated"},
		{"appended bytes", append(bytes.Clone(good), "more"...), "do not match"},
		{"bad magic", change(func(d []byte) []byte { d[0] = 'X'; return d }), "magic"},
		{"other format version", change(func(d []byte) []byte { d[8]++; return cacheTestReseal(d) }), "entry format 3, want 2"},
		{"bad lengths", change(func(d []byte) []byte {
			binary.LittleEndian.PutUint64(d[60:], uint64(len(img.CUBIN)+1))
			return cacheTestReseal(d)
		}), "do not match"},
		{"tampered key", change(func(d []byte) []byte { d[20] ^= 1; return cacheTestReseal(d) }), "holds key"},
		{"tampered arch", change(func(d []byte) []byte { copy(d[44:60], "sm_70"); return cacheTestReseal(d) }), `architecture "sm_70"`},
		{"not an entry", []byte("this is not a kernel cache entry, but it is longer than the header of one, which is one hundred and eight bytes\n"), "magic"},
		{"folder", nil, "not an entry"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, filepath.Base(path))
			if tc.content == nil {
				if err := os.Mkdir(p, 0o700); err != nil {
					t.Fatal(err)
				}
			} else if err := os.WriteFile(p, tc.content, 0o600); err != nil {
				t.Fatal(err)
			}
			c := NewCompiler(CompilerOptions{CacheDir: dir, NVRTC: n})
			got, err := c.Compile(compileTestSaxpy(t), "saxpy.cu", 80)
			if err != nil {
				t.Fatal(err)
			}
			if got.Origin != OriginNVRTC {
				t.Errorf("Origin = %q, want nvrtc (recompiled)", got.Origin)
			}
			if diff := cmp.Diff(CompilerStats{DiskMisses: 1, Compiles: 1, CorruptEntries: 1}, c.Stats()); diff != "" {
				t.Errorf("stats (-want +got):\n%s", diff)
			}
			if err := c.DiskError(); err == nil || !strings.Contains(err.Error(), "corrupt entry "+p) || !strings.Contains(err.Error(), tc.why) {
				t.Errorf("DiskError() = %v, want a corrupt entry error saying %q", err, tc.why)
			}
			after, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(after, good) {
				t.Errorf("the entry was not replaced by a valid one")
			}
			cacheTestCheckEntry(t, p, img)
			cacheTestNoTemps(t, dir)
		})
	}
}

// TestHelperProcess is not a test: TestCacheCrossProcess runs the test
// binary with it, in other processes, to compile the golden saxpy source
// into the cache folder named by DC_CUDA_TEST_HELPER_CACHE. It prints the
// origin and the SHA-256 of the image's CUBIN and PTX.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv("DC_CUDA_TEST_HELPER_CACHE")
	if dir == "" {
		return
	}
	n := loadOrSkip(t)
	c := NewCompiler(CompilerOptions{CacheDir: dir, NVRTC: n})
	img, err := c.Compile(compileTestSaxpy(t), "saxpy.cu", 80)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("helper: origin=%s cubin=%x ptx=%x\n", img.Origin, sha256.Sum256(img.CUBIN), sha256.Sum256(img.PTX))
}

// cacheTestHelper starts the test binary's TestHelperProcess on dir.
func cacheTestHelper(t *testing.T, dir string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "DC_CUDA_TEST_HELPER_CACHE="+dir)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &out
}

// cacheTestHelperResult waits for a helper and returns its report: the
// origin and the hashes of the image.
func cacheTestHelperResult(t *testing.T, cmd *exec.Cmd, out *bytes.Buffer) (origin, hashes string) {
	t.Helper()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper process: %v\n%s", err, out)
	}
	s := bufio.NewScanner(out)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "helper: "); ok {
			origin, hashes, _ = strings.Cut(rest, " ")
			return strings.TrimPrefix(origin, "origin="), hashes
		}
	}
	t.Fatalf("helper process printed no result:\n%s", out)
	return "", ""
}

func TestCacheCrossProcess(t *testing.T) {
	n := loadOrSkip(t)
	hashesOf := func(img *Image) string {
		return fmt.Sprintf("cubin=%x ptx=%x", sha256.Sum256(img.CUBIN), sha256.Sum256(img.PTX))
	}

	t.Run("one writer", func(t *testing.T) {
		dir := t.TempDir()
		cmd, out := cacheTestHelper(t, dir)
		origin, hashes := cacheTestHelperResult(t, cmd, out)
		if origin != OriginNVRTC {
			t.Errorf("helper origin = %q, want nvrtc", origin)
		}
		c := NewCompiler(CompilerOptions{CacheDir: dir, NVRTC: n})
		img, err := c.Compile(compileTestSaxpy(t), "saxpy.cu", 80)
		if err != nil {
			t.Fatal(err)
		}
		if img.Origin != OriginDisk {
			t.Errorf("Origin = %q after another process compiled, want disk", img.Origin)
		}
		if got := hashesOf(img); got != hashes {
			t.Errorf("this process read %s, the helper compiled %s", got, hashes)
		}
		if s := c.Stats(); s.Compiles != 0 || s.DiskHits != 1 {
			t.Errorf("stats %+v, want one disk hit and no compile", s)
		}
	})

	t.Run("two writers", func(t *testing.T) {
		dir := t.TempDir()
		cmd1, out1 := cacheTestHelper(t, dir)
		cmd2, out2 := cacheTestHelper(t, dir)
		_, h1 := cacheTestHelperResult(t, cmd1, out1)
		_, h2 := cacheTestHelperResult(t, cmd2, out2)
		if h1 != h2 {
			t.Errorf("the helpers got different images: %s and %s", h1, h2)
		}
		c := NewCompiler(CompilerOptions{CacheDir: dir, NVRTC: n})
		img, err := c.Compile(compileTestSaxpy(t), "saxpy.cu", 80)
		if err != nil {
			t.Fatal(err)
		}
		if img.Origin != OriginDisk || hashesOf(img) != h1 {
			t.Errorf("after two writers: Origin %q, %s; want a disk hit of %s", img.Origin, hashesOf(img), h1)
		}
		cacheTestCheckEntry(t, cachePath(dir, img.Key), img)
		cacheTestNoTemps(t, dir)
	})
}

func TestCacheConcurrentWriters(t *testing.T) {
	n := loadOrSkip(t)
	dir := t.TempDir()
	src := compileTestSaxpy(t)
	const writers = 4
	imgs := make([]*Image, writers)
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			imgs[i], errs[i] = NewCompiler(CompilerOptions{CacheDir: dir, NVRTC: n}).Compile(src, "saxpy.cu", 80)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("writer %d: %v", i, err)
		}
		if !bytes.Equal(imgs[i].CUBIN, imgs[0].CUBIN) || !bytes.Equal(imgs[i].PTX, imgs[0].PTX) {
			t.Errorf("writer %d got another image", i)
		}
	}
	cacheTestCheckEntry(t, cachePath(dir, imgs[0].Key), imgs[0])
	cacheTestNoTemps(t, dir)
	img, err := NewCompiler(CompilerOptions{CacheDir: dir, NVRTC: n}).Compile(src, "saxpy.cu", 80)
	if err != nil || img.Origin != OriginDisk {
		t.Errorf("after the writers: %v, Origin %v; want a disk hit", err, img)
	}
}

func TestCachePermissions(t *testing.T) {
	n := loadOrSkip(t)
	perm := func(path string) fs.FileMode {
		t.Helper()
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Mode().Perm()
	}

	t.Run("created", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "dc", "kernels")
		img, path := cacheTestEntry(t, n, dir)
		if got := perm(dir); got != 0o700 {
			t.Errorf("new cache folder has mode %v, want 0700", got)
		}
		if got := perm(path); got != 0o600 {
			t.Errorf("entry has mode %v, want 0600", got)
		}
		cacheTestCheckEntry(t, path, img)
	})

	t.Run("tightened", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		_, path := cacheTestEntry(t, n, dir)
		if got := perm(dir); got != 0o700 {
			t.Errorf("an existing folder of mode 0755 has mode %v after a write, want 0700", got)
		}
		if got := perm(path); got != 0o600 {
			t.Errorf("entry has mode %v, want 0600", got)
		}
	})
}

func TestCacheOff(t *testing.T) {
	n := loadOrSkip(t)
	dir := t.TempDir()
	t.Setenv(EnvCacheDir, dir)
	for _, tc := range []struct {
		name string
		env  string
		opts CompilerOptions
	}{
		{"DC_CACHE=off", "off", CompilerOptions{NVRTC: n}},
		{"NoDiskCache", "", CompilerOptions{NVRTC: n, NoDiskCache: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(EnvCache, tc.env)
			c := NewCompiler(tc.opts)
			if c.CacheDir() != "" {
				t.Errorf("CacheDir() = %q, want \"\"", c.CacheDir())
			}
			src := compileTestSaxpy(t)
			for _, want := range []string{OriginNVRTC, OriginMemory} {
				img, err := c.Compile(src, "saxpy.cu", 80)
				if err != nil {
					t.Fatal(err)
				}
				if img.Origin != want {
					t.Errorf("Origin = %q, want %q", img.Origin, want)
				}
			}
			if diff := cmp.Diff(CompilerStats{MemoryHits: 1, Compiles: 1}, c.Stats()); diff != "" {
				t.Errorf("stats (-want +got):\n%s", diff)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("the disabled cache wrote %d files into %s", len(entries), dir)
			}
		})
	}
}

func TestCacheDirFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvCache, "")
	t.Setenv(EnvCacheDir, dir)
	if got := NewCompiler(CompilerOptions{}).CacheDir(); got != dir {
		t.Errorf("with DC_CACHE_DIR: CacheDir() = %q, want %q", got, dir)
	}
	if got := NewCompiler(CompilerOptions{CacheDir: "/elsewhere"}).CacheDir(); got != "/elsewhere" {
		t.Errorf("with CacheDir set: CacheDir() = %q, want /elsewhere", got)
	}
	t.Setenv(EnvCacheDir, "")
	t.Setenv("XDG_CACHE_HOME", dir)
	base, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := NewCompiler(CompilerOptions{}).CacheDir(), filepath.Join(base, "dc", "kernels"); got != want {
		t.Errorf("by default: CacheDir() = %q, want %q", got, want)
	}
}

func TestCacheUnwritable(t *testing.T) {
	n := loadOrSkip(t)
	check := func(t *testing.T, dir, why string) {
		t.Helper()
		c := NewCompiler(CompilerOptions{CacheDir: dir, NVRTC: n})
		img, err := c.Compile(compileTestSaxpy(t), "saxpy.cu", 80)
		if err != nil {
			t.Fatalf("Compile with an unwritable cache: %v", err)
		}
		compileTestCheckImage(t, img, "sm_80")
		if diff := cmp.Diff(CompilerStats{DiskMisses: 1, Compiles: 1, WriteErrors: 1}, c.Stats()); diff != "" {
			t.Errorf("stats (-want +got):\n%s", diff)
		}
		if err := c.DiskError(); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("DiskError() = %v, want one saying %q", err, why)
		}
	}

	t.Run("under a file", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		check(t, filepath.Join(file, "kernels"), "not a directory")
	})

	t.Run("read-only folder", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("running as root, which may write into a read-only folder; the case under a file covers unwritable folders")
		}
		dir := t.TempDir()
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
		check(t, dir, "permission denied")
	})
}

func TestCacheSweepsOldTemporaryFiles(t *testing.T) {
	n := loadOrSkip(t)
	dir := t.TempDir()
	old := filepath.Join(dir, cacheTempPrefix+"0123456789abcdef-1")
	recent := filepath.Join(dir, cacheTempPrefix+"0123456789abcdef-2")
	for _, p := range []string{old, recent} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	past := time.Now().Add(-2 * cacheTempAge)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	cacheTestEntry(t, n, dir)
	if _, err := os.Stat(old); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a temporary file older than %v is still there (%v)", cacheTempAge, err)
	}
	if _, err := os.Stat(recent); err != nil {
		t.Errorf("a recent temporary file, maybe being written, was removed: %v", err)
	}
}

// cacheTestLoader records the images Load offers and rejects them with
// errReject until it has seen accept-1 of them (never when accept is 0).
type cacheTestLoader struct {
	accept int
	calls  []string // "CUBIN" or "PTX"
	last   []byte
	jitLog string // returned with rejected PTX
}

var errReject = errors.New("cuda: cuModuleLoadDataEx: CUDA_ERROR_INVALID_PTX")

func (l *cacheTestLoader) try(image []byte, ptx bool) (string, error) {
	kind := "CUBIN"
	if ptx {
		kind = "PTX"
	}
	l.calls = append(l.calls, kind)
	l.last = image
	if len(l.calls) == l.accept {
		return "", nil
	}
	if ptx {
		return l.jitLog, errReject
	}
	return "", errReject
}

func TestLoadOrder(t *testing.T) {
	n := loadOrSkip(t)
	src := compileTestSaxpy(t)
	c := NewCompiler(CompilerOptions{CacheDir: t.TempDir(), NVRTC: n})

	// A loader that rejects the CUBIN gets the PTX, NUL-terminated.
	l := &cacheTestLoader{accept: 2}
	img, err := c.Load(src, "saxpy.cu", 80, l.try)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"CUBIN", "PTX"}, l.calls); diff != "" {
		t.Errorf("images tried (-want +got):\n%s", diff)
	}
	if img.Origin != OriginNVRTC || !bytes.Equal(l.last, append(bytes.Clone(img.PTX), 0)) {
		t.Errorf("Load returned Origin %q and offered %d bytes of PTX; want nvrtc and the PTX with a NUL", img.Origin, len(l.last))
	}
	// A loader that takes the CUBIN gets nothing else.
	l = &cacheTestLoader{accept: 1}
	if img, err = c.Load(src, "saxpy.cu", 80, l.try); err != nil {
		t.Fatal(err)
	}
	if len(l.calls) != 1 || img.Origin != OriginMemory || !bytes.Equal(l.last, img.CUBIN) {
		t.Errorf("second Load: tried %q, Origin %q; want the memory cache's CUBIN only", l.calls, img.Origin)
	}
	if s := c.Stats(); s.Rejected != 0 {
		t.Errorf("Rejected = %d after loads that succeeded, want 0", s.Rejected)
	}

	// A virtual architecture has PTX only.
	l = &cacheTestLoader{accept: 1}
	if img, err = c.Load(src, "saxpy.cu", 1000, l.try); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"PTX"}, l.calls); diff != "" || img.CUBIN != nil {
		t.Errorf("virtual architecture %s: images tried (-want +got):\n%s", img.Arch, diff)
	}
}

func TestLoadRejectsEverything(t *testing.T) {
	n := loadOrSkip(t)
	dir := t.TempDir()
	cached, path := cacheTestEntry(t, n, dir)
	mul := compileTestLineOf(strings.Split(string(cached.PTX), "\n"), "mul.rn.f32")
	if mul < 0 {
		t.Fatalf("PTX has no mul.rn.f32")
	}
	ptxas := fmt.Sprintf("ptxas application ptx input, line %d; error   : synthetic", mul+1)

	c := NewCompiler(CompilerOptions{CacheDir: dir, NVRTC: n})
	l := &cacheTestLoader{jitLog: ptxas}
	img, err := c.Load(compileTestSaxpy(t), "saxpy.cu", 80, l.try)
	if img != nil {
		t.Errorf("Load returned an image with its error")
	}
	if diff := cmp.Diff([]string{"CUBIN", "PTX", "CUBIN", "PTX"}, l.calls); diff != "" {
		t.Errorf("images tried (-want +got):\n%s", diff)
	}
	var ce *CompileError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v (%T), want a *CompileError", err, err)
	}
	if ce.Stage != "jit" || ce.Arch != "sm_80" || ce.Name != "saxpy.cu" {
		t.Errorf("CompileError{Stage %q, Arch %q, Name %q}, want jit, sm_80, saxpy.cu", ce.Stage, ce.Arch, ce.Name)
	}
	mapped := "\tsaxpy.go:12: ptxas error: synthetic\n\t\t" + ptxas
	wantLog := strings.Join([]string{
		"disk CUBIN: " + errReject.Error(),
		"disk PTX: " + errReject.Error() + "\n" + mapped,
		"nvrtc CUBIN: " + errReject.Error(),
		"nvrtc PTX: " + errReject.Error() + "\n" + mapped,
	}, "\n")
	if diff := cmp.Diff(wantLog, ce.Log); diff != "" {
		t.Errorf("Log mismatch (-want +got):\n%s", diff)
	}
	if !errors.Is(err, errReject) {
		t.Errorf("err does not match the loader's error")
	}
	if want := "cuda: jit: saxpy.cu for sm_80: no image loaded\n" + wantLog; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
	if s := c.Stats(); s.Rejected != 2 || s.DiskHits != 1 || s.Compiles != 1 {
		t.Errorf("stats %+v, want 2 rejected, 1 disk hit, 1 compile", s)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the rejected entry is still on disk (%v)", err)
	}
	img, err = c.Compile(compileTestSaxpy(t), "saxpy.cu", 80)
	if err != nil || img.Origin != OriginNVRTC {
		t.Errorf("Compile after the rejection: %v, Origin %v; want a fresh compile", err, img)
	}
}

func TestLoadReplacesRejectedEntry(t *testing.T) {
	n := loadOrSkip(t)
	dir := t.TempDir()
	cached, path := cacheTestEntry(t, n, dir)
	c := NewCompiler(CompilerOptions{CacheDir: dir, NVRTC: n})
	l := &cacheTestLoader{accept: 3} // rejects the cached CUBIN and PTX
	img, err := c.Load(compileTestSaxpy(t), "saxpy.cu", 80, l.try)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"CUBIN", "PTX", "CUBIN"}, l.calls); diff != "" {
		t.Errorf("images tried (-want +got):\n%s", diff)
	}
	if img.Origin != OriginNVRTC {
		t.Errorf("Origin = %q, want nvrtc", img.Origin)
	}
	if s := c.Stats(); s.Rejected != 1 || s.Compiles != 1 {
		t.Errorf("stats %+v, want 1 rejected and 1 compile", s)
	}
	cacheTestCheckEntry(t, path, cached)
}

// TestLoadRecompileFails rejects a cached image of a source that NVRTC
// cannot compile (planted under that source's key), so that the compile
// after the rejection fails: the error lists the rejections and the
// compile error.
func TestLoadRecompileFails(t *testing.T) {
	n := loadOrSkip(t)
	dir := t.TempDir()
	good, _ := cacheTestEntry(t, n, dir)
	c := NewCompiler(CompilerOptions{CacheDir: dir, NVRTC: n})
	bad := "extern \"C\" __global__ void k(float *x) {\n#line 5 \"k.go\"\n\tx[0] = undeclared;\n}\n"
	major, minor, err := n.Version()
	if err != nil {
		t.Fatal(err)
	}
	key := compileKey(compileKeyParts{
		Format:       compileFormat,
		DCVersion:    compileDCVersion(),
		NVRTCVersion: fmt.Sprintf("%d.%d", major, minor),
		Arch:         "sm_80",
		Options:      c.options,
		Name:         "k.cu",
		Source:       bad,
	})
	planted := *good
	planted.Key = key
	if err := cacheWrite(dir, &planted); err != nil {
		t.Fatal(err)
	}

	l := &cacheTestLoader{}
	_, err = c.Load(bad, "k.cu", 80, l.try)
	if diff := cmp.Diff([]string{"CUBIN", "PTX"}, l.calls); diff != "" {
		t.Errorf("images tried (-want +got):\n%s", diff)
	}
	var ce *CompileError
	if !errors.As(err, &ce) || ce.Stage != "jit" || ce.Arch != "sm_80" {
		t.Fatalf("err = %v, want a jit *CompileError for sm_80", err)
	}
	if !errors.Is(err, errReject) || !errors.Is(err, ErrCompilation) {
		t.Errorf("err matches errReject %v and ErrCompilation %v, want both", errors.Is(err, errReject), errors.Is(err, ErrCompilation))
	}
	for _, want := range []string{"disk CUBIN: ", "disk PTX: ", "recompiling: cuda: nvrtc: k.cu for sm_80: nvrtcCompileProgram: NVRTC_ERROR_COMPILATION", "k.go:5: error: identifier \"undeclared\" is undefined"} {
		if !strings.Contains(ce.Log, want) {
			t.Errorf("Log lacks %q:\n%s", want, ce.Log)
		}
	}
	if s := c.Stats(); s.Rejected != 1 || s.DiskHits != 1 || s.Compiles != 1 {
		t.Errorf("stats %+v, want 1 rejected, 1 disk hit, 1 compile", s)
	}
}
