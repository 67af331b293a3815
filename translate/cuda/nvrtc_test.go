package cuda

import (
	"go/token"
	"os"
	"strings"
	"testing"

	nv "github.com/dotcompute/dc/backends/cuda"
	"github.com/dotcompute/dc/translate/ir"
)

// archs are the real architectures every printed program must compile for.
var archs = []string{"sm_70", "sm_80", "sm_90"}

// loadNVRTC returns NVRTC, skipping the test when it is not installed, or
// failing it when DC_REQUIRE_NVRTC=1.
func loadNVRTC(t *testing.T) *nv.NVRTC {
	t.Helper()
	n, err := nv.LoadNVRTC()
	if err != nil {
		if os.Getenv("DC_REQUIRE_NVRTC") == "1" {
			t.Fatalf("DC_REQUIRE_NVRTC=1 but NVRTC cannot be loaded: %v", err)
		}
		t.Skipf("NVRTC not installed (run scripts/install-deps.sh): %v", err)
	}
	return n
}

// compile compiles src for arch with the options the runtime must use.
func compile(n *nv.NVRTC, src, name, arch string) (*nv.Compiled, error) {
	return n.Compile(src, name, "-arch="+arch, "-std=c++17")
}

// TestNVRTCCompiles compiles every hand-built program to CUBIN for each
// architecture; the log must be free of errors.
func TestNVRTCCompiles(t *testing.T) {
	n := loadNVRTC(t)
	for _, c := range printCases {
		src := Print(c.prog())
		for _, arch := range archs {
			t.Run(c.name+"/"+arch, func(t *testing.T) {
				t.Parallel()
				out, err := compile(n, src, "k.cu", arch)
				if err != nil {
					t.Fatalf("compile: %v\nsource:\n%s", err, src)
				}
				if len(out.CUBIN) == 0 {
					t.Errorf("no CUBIN for %s", arch)
				}
				if strings.Contains(out.Log, "error") {
					t.Errorf("log has errors:\n%s", out.Log)
				}
			})
		}
	}
}

// TestNVRTCLayoutCheck shows that the static layout checks fire: a struct
// whose Go offsets are not C's does not compile, and the log names the field.
func TestNVRTCLayoutCheck(t *testing.T) {
	n := loadNVRTC(t)
	prog := structProgram()
	part := prog.Structs[1]
	part.Fields[3].Offset = 24 // ID really is at 28
	_, err := compile(n, Print(prog), "k.cu", "sm_80")
	if err == nil {
		t.Fatal("a wrong field offset compiled")
	}
	const want = "dc: offset of Particle.ID differs from Go"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error does not contain %q:\n%v", want, err)
	}
}

// TestNVRTCUnsupportedNamesGoLine shows that an #error for IR the printer
// cannot express reaches the NVRTC log at the Go file and line.
func TestNVRTCUnsupportedNamesGoLine(t *testing.T) {
	n := loadNVRTC(t)
	src, perr := PrintChecked(unsupportedProgram())
	if perr == nil {
		t.Fatal("PrintChecked reported no problem")
	}
	_, err := compile(n, src, "k.cu", "sm_80")
	if err == nil {
		t.Fatal("source with #error compiled")
	}
	const want = `k.go(3): catastrophic error: #error directive: "dc: unsupported: comparison of arrays ([4]float32)"`
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error does not contain %q:\n%v", want, err)
	}
}

// unsupportedProgram compares two arrays, which C cannot do with ==.
func unsupportedProgram() *ir.Program {
	a, b := param("a", arrayOf(4, tF32)), param("b", arrayOf(4, tF32))
	o := out("o", sliceOf(tBool))
	return program(kernel("Bad", 1, []*ir.Var{a, b, o},
		assign(3, idx(ref(o), cnst(tInt, 0)), bin(token.EQL, ref(a), ref(b))),
	))
}

// TestNVRTCNeedsCpp11 shows that compiling in C++03 mode (NVRTC 11's
// default) stops at the prologue's message.
func TestNVRTCNeedsCpp11(t *testing.T) {
	n := loadNVRTC(t)
	_, err := n.Compile(Print(saxpyProgram()), "k.cu", "-arch=sm_80", "-std=c++03")
	if err == nil {
		t.Fatal("compiled as C++03")
	}
	const want = "dc: this CUDA C++ needs C++11 or later: compile it with the NVRTC option -std=c++17"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error does not contain %q:\n%v", want, err)
	}
}
