// Package particles is a golden case: struct types in kernels — a nested
// struct, a fixed-size array field, a bool field, slices of structs, struct
// parameters, struct literals, value-receiver methods and field updates.
package particles

import "github.com/dotcompute/dc"

// Vec3 is a 3D vector.
type Vec3 struct {
	X, Y, Z float32
}

// Add returns v + w.
func (v Vec3) Add(w Vec3) Vec3 {
	return Vec3{v.X + w.X, v.Y + w.Y, v.Z + w.Z}
}

// Scale returns s*v.
func (v Vec3) Scale(s float32) Vec3 {
	return Vec3{X: v.X * s, Y: v.Y * s, Z: v.Z * s}
}

// Dot returns the dot product of v and w.
func (v Vec3) Dot(w Vec3) float32 {
	return v.X*w.X + v.Y*w.Y + v.Z*w.Z
}

// Particle is one simulated particle.
type Particle struct {
	Pos, Vel Vec3
	Color    [3]float32 // RGB
	Mass     float32
	Age      int32
	Alive    bool
}

// Box is an axis-aligned box.
type Box struct {
	Min, Max Vec3
}

// Stats is what Measure computes per particle.
type Stats struct {
	Kinetic  float32
	Momentum Vec3
	Bright   bool
}

// Step advances live particles by dt under gravity, bouncing them off the
// floor and walls of box with damping, fading their colour and ageing them.
//
//dc:kernel
func Step(t dc.Thread, ps []Particle, dt float32, gravity Vec3, box Box) {
	i := t.GlobalX()
	if i >= len(ps) || !ps[i].Alive {
		return
	}
	p := ps[i]
	p.Vel = p.Vel.Add(gravity.Scale(dt))
	p.Pos = p.Pos.Add(p.Vel.Scale(dt))
	if p.Pos.Y < box.Min.Y {
		p.Pos.Y = box.Min.Y
		p.Vel.Y = -p.Vel.Y * 0.5
	}
	if p.Pos.X < box.Min.X || p.Pos.X > box.Max.X {
		p.Pos.X = min(max(p.Pos.X, box.Min.X), box.Max.X)
		p.Vel.X = -p.Vel.X
	}
	for c := range 3 {
		p.Color[c] *= 0.99
	}
	ps[i] = p
	ps[i].Age++
	if ps[i].Age > 100 {
		ps[i].Alive = false
	}
}

// Measure writes each particle's kinetic energy and momentum, and whether
// its colour is bright.
//
//dc:kernel
func Measure(t dc.Thread, ps []Particle, out []Stats) {
	i := t.GlobalX()
	if i >= len(ps) {
		return
	}
	p := ps[i]
	var lum float32
	for _, c := range p.Color {
		lum += c
	}
	out[i] = Stats{
		Kinetic:  0.5 * p.Mass * p.Vel.Dot(p.Vel),
		Momentum: p.Vel.Scale(p.Mass),
		Bright:   lum > 1.5,
	}
}

// Respawn replaces dead particles with new ones at origin moving along dir,
// keeping their colour.
//
//dc:kernel
func Respawn(t dc.Thread, ps []Particle, origin, dir Vec3) {
	i := t.GlobalX()
	if i >= len(ps) || ps[i].Alive {
		return
	}
	old := ps[i]
	ps[i] = Particle{
		Pos:   origin,
		Vel:   dir.Scale(float32(i%7) + 1),
		Color: old.Color,
		Mass:  1,
		Alive: true,
	}
	ps[i].Color[0] = 1
}

// maxGroup is the largest group size Moments supports.
const maxGroup = 64

// Moments writes each group's mass-weighted sum of the positions of its
// live particles to moments[group]: a tree reduction over a shared array
// of structs.
//
//dc:kernel
func Moments(t dc.Thread, ps []Particle, moments []Vec3) {
	s := dc.Shared[[maxGroup]Vec3](t)
	lx := t.LocalX()
	var v Vec3
	if i := t.GlobalX(); i < len(ps) && ps[i].Alive {
		v = ps[i].Pos.Scale(ps[i].Mass)
	}
	s[lx] = v
	t.Barrier()
	for stride := t.GroupSizeX() / 2; stride > 0; stride /= 2 {
		if lx < stride {
			s[lx] = s[lx].Add(s[lx+stride])
		}
		t.Barrier()
	}
	if lx == 0 {
		moments[t.GroupX()] = s[0]
	}
}
