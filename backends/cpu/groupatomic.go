package cpu

// The Group atomics are the dc atomics on group-shared memory of a kernel
// in group form: one goroutine runs every thread of a group, and no other
// goroutine sees the group's shared arrays, so a plain read-modify-write
// is atomic there. Each returns the old value, as its dc counterpart does.

// GroupAdd adds v to *p and returns the old value (dc.AtomicAdd).
func GroupAdd[T int32 | uint32 | float32](p *T, v T) T {
	old := *p
	*p = old + v
	return old
}

// GroupExchange stores v in *p and returns the old value
// (dc.AtomicExchange).
func GroupExchange[T int32 | uint32 | float32](p *T, v T) T {
	old := *p
	*p = v
	return old
}

// GroupMin stores min(*p, v) in *p and returns the old value
// (dc.AtomicMin).
func GroupMin[T int32 | uint32](p *T, v T) T {
	old := *p
	if v < old {
		*p = v
	}
	return old
}

// GroupMax stores max(*p, v) in *p and returns the old value
// (dc.AtomicMax).
func GroupMax[T int32 | uint32](p *T, v T) T {
	old := *p
	if v > old {
		*p = v
	}
	return old
}

// GroupCAS stores new in *p if *p equals old and returns the value *p had
// (dc.AtomicCAS).
func GroupCAS[T int32 | uint32](p *T, old, new T) T {
	cur := *p
	if cur == old {
		*p = new
	}
	return cur
}
