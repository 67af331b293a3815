package fresh

import "github.com/dotcompute/dc"

// V is a vector.
type V struct{ X, Y float32 }

func add(a, b V) V { return V{X: a.X + b.X, Y: a.Y + b.Y} }

// Move moves every vector by d.
//
//dc:kernel
func Move(t dc.Thread, vs []V, d V) {
	if i := t.GlobalX(); i < len(vs) {
		vs[i] = add(vs[i], d)
	}
}
