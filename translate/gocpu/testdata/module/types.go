package kern

// Point is a struct kernels take in slices and by value.
type Point struct{ X, Y float32 }

// Points is a named slice type.
type Points []Point

// Celsius is a named float type.
type Celsius float32
