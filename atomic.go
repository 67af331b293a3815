package dc

import (
	"math"
	"sync/atomic"
	"unsafe"
)

// AtomicAdd adds v to *p atomically and returns the old value. p points into
// a slice parameter or a Shared array (&x[i]). Integer addition wraps; float32
// addition rounds like x + v in Go.
func AtomicAdd[T int32 | uint32 | float32](p *T, v T) T {
	switch q := any(p).(type) {
	case *int32:
		return T(atomic.AddInt32(q, int32(v)) - int32(v))
	case *uint32:
		return T(atomic.AddUint32(q, uint32(v)) - uint32(v))
	case *float32:
		bits := (*uint32)(unsafe.Pointer(q))
		for {
			old := atomic.LoadUint32(bits)
			sum := math.Float32frombits(old) + float32(v)
			if atomic.CompareAndSwapUint32(bits, old, math.Float32bits(sum)) {
				return T(math.Float32frombits(old))
			}
		}
	}
	panic("unreachable")
}

// AtomicExchange stores v in *p atomically and returns the old value.
func AtomicExchange[T int32 | uint32 | float32](p *T, v T) T {
	switch q := any(p).(type) {
	case *int32:
		return T(atomic.SwapInt32(q, int32(v)))
	case *uint32:
		return T(atomic.SwapUint32(q, uint32(v)))
	case *float32:
		old := atomic.SwapUint32((*uint32)(unsafe.Pointer(q)), math.Float32bits(float32(v)))
		return T(math.Float32frombits(old))
	}
	panic("unreachable")
}

// AtomicMin stores min(*p, v) in *p atomically and returns the old value.
func AtomicMin[T int32 | uint32](p *T, v T) T {
	switch q := any(p).(type) {
	case *int32:
		for {
			old := atomic.LoadInt32(q)
			if old <= int32(v) || atomic.CompareAndSwapInt32(q, old, int32(v)) {
				return T(old)
			}
		}
	case *uint32:
		for {
			old := atomic.LoadUint32(q)
			if old <= uint32(v) || atomic.CompareAndSwapUint32(q, old, uint32(v)) {
				return T(old)
			}
		}
	}
	panic("unreachable")
}

// AtomicMax stores max(*p, v) in *p atomically and returns the old value.
func AtomicMax[T int32 | uint32](p *T, v T) T {
	switch q := any(p).(type) {
	case *int32:
		for {
			old := atomic.LoadInt32(q)
			if old >= int32(v) || atomic.CompareAndSwapInt32(q, old, int32(v)) {
				return T(old)
			}
		}
	case *uint32:
		for {
			old := atomic.LoadUint32(q)
			if old >= uint32(v) || atomic.CompareAndSwapUint32(q, old, uint32(v)) {
				return T(old)
			}
		}
	}
	panic("unreachable")
}

// AtomicCAS stores new in *p if *p equals old, atomically, and returns the
// value *p had: old if the swap happened.
func AtomicCAS[T int32 | uint32](p *T, old, new T) T {
	switch q := any(p).(type) {
	case *int32:
		for {
			cur := atomic.LoadInt32(q)
			if cur != int32(old) || atomic.CompareAndSwapInt32(q, cur, int32(new)) {
				return T(cur)
			}
		}
	case *uint32:
		for {
			cur := atomic.LoadUint32(q)
			if cur != uint32(old) || atomic.CompareAndSwapUint32(q, cur, uint32(new)) {
				return T(cur)
			}
		}
	}
	panic("unreachable")
}
