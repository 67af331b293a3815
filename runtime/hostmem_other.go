//go:build !linux && !darwin

package runtime

// hostMemory reports that the available memory is unknown on this
// platform: only requests beyond what a Go slice can hold are refused.
func hostMemory() (avail uint64, ok bool) { return 0, false }
