package metal

import (
	"errors"

	"github.com/dotcompute/dc/runtime"
)

func init() {
	runtime.Register("metal", runtime.PriorityMetal, driver{})
}

// driver opens the Metal device DC_METAL_DEVICE selects.
type driver struct{}

// Open opens the selected device with a command queue of its own. Off
// macOS it returns an error matching ErrNeedsMacOS and
// runtime.ErrUnavailable, and runtime.Open goes on to the next backend
// quietly (a debug message of its selection log).
func (driver) Open() (runtime.Backend, error) {
	return open()
}

// ErrNeedsMacOS is the error Open returns on every platform but macOS,
// where Metal does not exist.
var ErrNeedsMacOS = errors.New("metal: Metal needs macOS")

// ErrNoDevice is the error Open returns on macOS when Metal lists no
// device (a virtual machine without GPU access, say).
var ErrNoDevice = errors.New("metal: no Metal device")
