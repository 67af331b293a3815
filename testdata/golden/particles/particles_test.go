package particles

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/dotcompute/dc"
	"github.com/dotcompute/dc/internal/kerneltest"
	"github.com/dotcompute/dc/runtime"
)

// Tolerance: every float field is a handful of float32 operations on values
// below 100; a device may contract each multiply-add (in Add(Scale(..)),
// Dot and the kinetic energy) into an FMA, skipping roundings of half an
// ulp each. rel 1e-5 plus abs 1e-5 covers a few ulp with cancellation.
const rel, abs = 1e-5, 1e-5

func particles(seed uint64, n int) []Particle {
	r := kerneltest.Rand(seed)
	f := func(lo, hi float32) float32 { return lo + (hi-lo)*r.Float32() }
	ps := make([]Particle, n)
	for i := range ps {
		ps[i] = Particle{
			Pos:   Vec3{f(-12, 12), f(-1, 10), f(-5, 5)},
			Vel:   Vec3{f(-5, 5), f(-5, 5), f(-5, 5)},
			Mass:  f(0.5, 2),
			Age:   int32(r.IntN(103)),
			Alive: r.IntN(4) != 0,
		}
		for c := range ps[i].Color {
			ps[i].Color[c] = f(0, 1)
		}
	}
	return ps
}

// split returns the float fields and the other fields of ps, to compare
// them with tolerances and exactly.
func split(ps []Particle) (fs []float32, rest []string) {
	for _, p := range ps {
		fs = append(fs, p.Pos.X, p.Pos.Y, p.Pos.Z, p.Vel.X, p.Vel.Y, p.Vel.Z, p.Color[0], p.Color[1], p.Color[2], p.Mass)
		rest = append(rest, fmt.Sprintf("age %d alive %v", p.Age, p.Alive))
	}
	return fs, rest
}

func compare(t *testing.T, name string, got, want []Particle) {
	t.Helper()
	gf, gr := split(got)
	wf, wr := split(want)
	kerneltest.Close32(t, name+" (floats: pos, vel, color, mass per particle)", gf, wf, rel, abs)
	kerneltest.Equal(t, name+" (age, alive)", gr, wr)
}

var sizes = []struct {
	n int
	g dc.Grid
}{
	{1, dc.Grid1D(1)},
	{700, dc.Grid1D(700)}, // 3 groups, the last partly idle
	{700, kerneltest.Grid1D(700, 32)},
}

func TestParticles(t *testing.T) {
	const dt = 0.05
	gravity := Vec3{0, -9.81, 0}
	box := Box{Min: Vec3{-10, 0, -10}, Max: Vec3{10, 20, 10}}
	origin, dir := Vec3{1, 2, 3}, Vec3{0.5, 1, -0.25}
	for _, dev := range kerneltest.Devices(t) {
		for si, s := range sizes {
			name := fmt.Sprintf("%s n=%d group=%d", dev.Backend(), s.n, s.g.GroupSize.X)
			ps := particles(uint64(si), s.n)
			want := slices.Clone(ps)
			wantStats := make([]Stats, s.n)
			for range 3 {
				if err := dc.Emulate(s.g, func(t dc.Thread) { Step(t, want, dt, gravity, box) }); err != nil {
					t.Fatal(err)
				}
			}
			if err := dc.Emulate(s.g, func(t dc.Thread) { Measure(t, want, wantStats) }); err != nil {
				t.Fatal(err)
			}
			wantStep := slices.Clone(want)
			if err := dc.Emulate(s.g, func(t dc.Thread) { Respawn(t, want, origin, dir) }); err != nil {
				t.Fatal(err)
			}

			pb, _ := runtime.BufferOf(dev, ps)
			sb, _ := runtime.NewBuffer[Stats](dev, s.n)
			for range 3 {
				if err := LaunchStep(dev, s.g, pb, dt, gravity, box); err != nil {
					t.Fatalf("%s: Step: %v", name, err)
				}
			}
			if err := LaunchMeasure(dev, s.g, pb, sb); err != nil {
				t.Fatalf("%s: Measure: %v", name, err)
			}
			gotStep := make([]Particle, s.n)
			if err := pb.Read(gotStep); err != nil {
				t.Fatal(err)
			}
			compare(t, name+": after 3 Steps", gotStep, wantStep)

			gotStats := make([]Stats, s.n)
			if err := sb.Read(gotStats); err != nil {
				t.Fatal(err)
			}
			var gf, wf []float32
			var gb, wb []bool
			for i := range gotStats {
				g, w := gotStats[i], wantStats[i]
				gf = append(gf, g.Kinetic, g.Momentum.X, g.Momentum.Y, g.Momentum.Z)
				wf = append(wf, w.Kinetic, w.Momentum.X, w.Momentum.Y, w.Momentum.Z)
				gb, wb = append(gb, g.Bright), append(wb, w.Bright)
			}
			kerneltest.Close32(t, name+": Measure (kinetic, momentum per particle)", gf, wf, rel, abs)
			kerneltest.Equal(t, name+": Measure bright", gb, wb)

			if err := LaunchRespawn(dev, s.g, pb, origin, dir); err != nil {
				t.Fatalf("%s: Respawn: %v", name, err)
			}
			got := make([]Particle, s.n)
			if err := pb.Read(got); err != nil {
				t.Fatal(err)
			}
			compare(t, name+": after Respawn", got, want)
			for i, p := range want {
				if !p.Alive || (!wantStep[i].Alive && (p.Age != 0 || p.Pos != origin || p.Color[0] != 1)) {
					t.Fatalf("%s: Emulate: Respawn left particle %d as %+v", name, i, p)
				}
			}
		}
	}
}

func TestMoments(t *testing.T) {
	// Tolerance: sums of up to 64 terms below 24 in magnitude, in the same
	// tree order as Emulate; a device may contract Scale into the first
	// Add (one FMA per term), changing each partial sum by at most an ulp
	// of 1536 (2^-13) over 6 tree levels: abs 1e-3.
	const abs = 1e-3
	for _, dev := range kerneltest.Devices(t) {
		for si, c := range []struct{ n, group int }{{1, 64}, {700, 64}, {700, 32}, {64, 64}} {
			g := kerneltest.Grid1D(c.n, c.group)
			name := fmt.Sprintf("%s n=%d group=%d", dev.Backend(), c.n, c.group)
			ps := particles(uint64(si)+20, c.n)
			groups := g.Groups.X
			want := make([]Vec3, groups)
			if err := dc.Emulate(g, func(t dc.Thread) { Moments(t, ps, want) }); err != nil {
				t.Fatal(err)
			}
			var host Vec3
			for _, p := range ps[:min(c.n, c.group)] {
				if p.Alive {
					host = host.Add(p.Pos.Scale(p.Mass))
				}
			}
			kerneltest.Close32(t, name+": Emulate vs host, group 0", []float32{want[0].X, want[0].Y, want[0].Z}, []float32{host.X, host.Y, host.Z}, 0, abs)

			pb, _ := runtime.BufferOf(dev, ps)
			mb, _ := runtime.NewBuffer[Vec3](dev, groups)
			if err := LaunchMoments(dev, g, pb, mb); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got := make([]Vec3, groups)
			if err := mb.Read(got); err != nil {
				t.Fatal(err)
			}
			var gf, wf []float32
			for i := range got {
				gf = append(gf, got[i].X, got[i].Y, got[i].Z)
				wf = append(wf, want[i].X, want[i].Y, want[i].Z)
			}
			kerneltest.Close32(t, name+": moments (x, y, z per group)", gf, wf, 0, abs)
		}
	}
}

func TestParticlesErrors(t *testing.T) {
	for _, dev := range kerneltest.Devices(t) {
		pb, _ := runtime.BufferOf(dev, particles(1, 4))
		err := LaunchMeasure(dev, dc.Grid1D(4), pb, nil)
		var ke *runtime.KernelError
		if !errors.As(err, &ke) || ke.Kernel != "Measure" || ke.Arg != "out" {
			t.Errorf("%s: nil out: got error %v, want a *runtime.KernelError for Measure, argument out", dev.Backend(), err)
		}
		pb.Close()
		err = LaunchStep(dev, dc.Grid1D(4), pb, 1, Vec3{}, Box{})
		if !errors.Is(err, runtime.ErrBufferClosed) {
			t.Errorf("%s: closed ps: got error %v, want runtime.ErrBufferClosed", dev.Backend(), err)
		}
	}
}
