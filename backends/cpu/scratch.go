package cpu

import "sync"

// Scratch is the working memory of one goroutine running groups of a
// kernel in group form: the kernel's group-shared arrays and the arrays
// holding the per-thread values of its variables that live across a
// barrier. Generated code takes one from the kernel's Scratches for each
// chunk of groups and gives it back after, so launches in the steady state
// allocate nothing.
type Scratch struct {
	slots []any
}

// Scratches is a pool of Scratch values for one kernel. The zero value is
// ready to use.
type Scratches struct {
	pool sync.Pool
}

// Get returns a Scratch from the pool, or a new one.
func (s *Scratches) Get() *Scratch {
	if m, ok := s.pool.Get().(*Scratch); ok {
		return m
	}
	return &Scratch{}
}

// Put returns m to the pool.
func (s *Scratches) Put(m *Scratch) { s.pool.Put(m) }

// slot returns slot i of m, growing the slot list as needed.
func (m *Scratch) slot(i int) *any {
	if i >= len(m.slots) {
		m.slots = append(m.slots, make([]any, i+1-len(m.slots))...)
	}
	return &m.slots[i]
}

// PerThread returns slot i of m as a slice of n values of type T, reusing
// the slice the slot holds when it is long enough. The values are not
// zeroed: generated code assigns each before reading it.
func PerThread[T any](m *Scratch, i, n int) []T {
	p := m.slot(i)
	if s, ok := (*p).([]T); ok && len(s) >= n {
		return s[:n]
	}
	s := make([]T, n)
	*p = s
	return s
}

// Shared returns slot i of m as a pointer to a group-shared array of type
// A, allocated on first use. Generated code zeroes it for each group.
func Shared[A any](m *Scratch, i int) *A {
	p := m.slot(i)
	if a, ok := (*p).(*A); ok {
		return a
	}
	a := new(A)
	*p = a
	return a
}
