package main

import "github.com/dotcompute/dc"

//go:generate go run github.com/dotcompute/dc/cmd/dckgen -emit=cuda,opencl,metal

// Group is the group size Step needs (dc.Grid1D's default): it loads the
// bodies into group-shared memory a group's worth at a time.
const Group = 256

// Body is a point mass.
type Body struct {
	X, Y, Z, M float32
}

// Vec is a velocity.
type Vec struct {
	X, Y, Z float32
}

// Step advances every body by one time step dt under the gravity of all
// the others (G = 1, softened by eps2: the force between bodies r apart
// goes as 1/(r²+eps2)), and writes the moved bodies to next and their new
// velocities to vel (semi-implicit Euler).
//
// All the bodies pass through group-shared memory, one tile of Group
// bodies at a time: each thread loads one body of the tile, the group
// waits at a barrier, every thread adds the pull of the whole tile to its
// own body's acceleration, and the group waits again before the next tile
// overwrites it.
//
//dc:kernel
func Step(t dc.Thread, pos []Body, vel []Vec, next []Body, dt, eps2 float32) {
	tile := dc.Shared[[Group]Body](t)
	i, l := t.GlobalX(), t.LocalX()
	var p Body
	if i < len(pos) {
		p = pos[i]
	}
	var ax, ay, az float32
	for base := 0; base < len(pos); base += Group {
		if j := base + l; j < len(pos) {
			tile[l] = pos[j]
		} else {
			tile[l] = Body{} // no mass, no pull
		}
		t.Barrier()
		for k := range Group {
			q := tile[k]
			dx, dy, dz := q.X-p.X, q.Y-p.Y, q.Z-p.Z
			r := dc.Sqrt(dx*dx + dy*dy + dz*dz + eps2)
			s := q.M / (r * r * r)
			ax += dx * s
			ay += dy * s
			az += dz * s
		}
		t.Barrier()
	}
	if i < len(pos) {
		v := vel[i]
		v.X += ax * dt
		v.Y += ay * dt
		v.Z += az * dt
		vel[i] = v
		next[i] = Body{X: p.X + v.X*dt, Y: p.Y + v.Y*dt, Z: p.Z + v.Z*dt, M: p.M}
	}
}
