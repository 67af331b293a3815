// Package named is a golden case: named basic types (with methods), a
// named slice type as a kernel parameter, and constants — package-level
// and local, typed and untyped, in float32 and integer expressions.
package named

import "github.com/dotcompute/dc"

// Celsius is a temperature in degrees Celsius.
type Celsius float32

// Fahrenheit is a temperature in degrees Fahrenheit.
type Fahrenheit float32

// Temps is a series of temperatures.
type Temps []Celsius

// Level is a coarse classification of a temperature.
type Level int8

// Count counts readings.
type Count uint32

// Alarm reports a reading above the alarm threshold.
type Alarm bool

// Package-level constants, typed and untyped.
const (
	Freezing Celsius = 0
	Boiling  Celsius = 100
	offsetF          = 32 // untyped
	ratio            = 9.0 / 5.0
	hot      Level   = 2
	cold     Level   = -1
	mild     Level   = iota - 5 // 1: iota is 6 here
	bias     Count   = 1 << 31
	window           = 8 // untyped
)

// F converts c to Fahrenheit in float32 arithmetic: ratio and offsetF
// become float32 constants, and the explicit conversion rounds the product
// before the addition, so Go's rules forbid fusing them into an FMA.
func (c Celsius) F() Fahrenheit {
	return Fahrenheit(c*ratio) + offsetF
}

// Level classifies c.
func (c Celsius) Level() Level {
	const warm = 25 // local, untyped
	switch {
	case c <= Freezing:
		return cold
	case c >= warm:
		return hot
	}
	return mild
}

// Convert converts temperatures to Fahrenheit and classifies them; it
// writes an exponentially smoothed series (a local typed constant), counts
// the readings of the last window that reach threshold (offset by bias),
// and raises an alarm above the boiling point.
//
//dc:kernel
func Convert(t dc.Thread, in Temps, out []Fahrenheit, levels []Level, smooth Temps, counts []Count, alarms []Alarm, threshold Celsius) {
	const alpha Celsius = 0.25
	i := t.GlobalX()
	if i >= len(in) {
		return
	}
	c := in[i]
	out[i] = c.F()
	levels[i] = c.Level()
	prev := c
	if i > 0 {
		prev = in[i-1]
	}
	smooth[i] = alpha*c + (1-alpha)*prev
	n := bias
	for k := max(0, i-window+1); k <= i; k++ {
		if in[k] >= threshold {
			n++
		}
	}
	counts[i] = n
	alarms[i] = Alarm(c > Boiling)
}

// Scale converts a whole series in place by a factor and offset given as
// named scalars, with integer constant arithmetic on a Level.
//
//dc:kernel
func Scale(t dc.Thread, ts Temps, levels []Level, factor, offset Celsius) {
	const step Level = 3
	i := t.GlobalX()
	if i >= len(ts) {
		return
	}
	ts[i] = ts[i]*factor + offset
	levels[i] = levels[i]*step - hot
}

// Shift adds delta to each temperature of either scale: a generic kernel
// instantiated for this package's named types.
//
//dc:kernel types=Celsius,Fahrenheit
func Shift[T dc.Float](t dc.Thread, xs []T, delta T) {
	if i := t.GlobalX(); i < len(xs) {
		xs[i] += delta
	}
}
