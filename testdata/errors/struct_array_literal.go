package p

import "github.com/dotcompute/dc"

type Particle struct {
	Pos   [3]float32
	Alive bool
}

//dc:kernel
func K(t dc.Thread, ps []Particle) {
	ps[0] = Particle{Alive: true} // ERROR: unsupported: struct literal of Particle, which has the array field Pos
}
