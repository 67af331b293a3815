//go:build !linux && !darwin

package runtime_test

import "testing"

// hugeSlice returns nil: there is no memory outside Go's heap to build a
// huge slice over here.
func hugeSlice(t *testing.T) []byte { return nil }
