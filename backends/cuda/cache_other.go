//go:build !unix

package cuda

import "os"

// cacheOwned reports whether the file fi describes belongs to the user
// this process runs as. Without Unix permissions there is nothing to
// tighten, so it reports false.
func cacheOwned(fi os.FileInfo) bool { return false }
