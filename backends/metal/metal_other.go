//go:build !darwin

package metal

import (
	"fmt"
	goruntime "runtime"

	"github.com/dotcompute/dc/runtime"
)

// open fails: Metal exists on macOS only.
func open() (runtime.Backend, error) {
	return nil, runtime.Unavailable(fmt.Errorf("%w (this is %s/%s)", ErrNeedsMacOS, goruntime.GOOS, goruntime.GOARCH))
}
