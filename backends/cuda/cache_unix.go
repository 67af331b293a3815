//go:build unix

package cuda

import (
	"os"
	"syscall"
)

// cacheOwned reports whether the file fi describes belongs to the user
// this process runs as.
func cacheOwned(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Getuid()
}
