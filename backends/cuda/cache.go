package cuda

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The disk kernel cache holds one file per image, named by the hex cache
// key plus ".dck", in a folder only its owner can read (0700; files 0600).
// A file is an entry header followed by the payload, the CUBIN then the
// PTX:
//
//	offset size
//	     0    8  magic "DCCUIMG\x00"
//	     8    4  entry format version, little-endian (cacheVersion)
//	    12   32  the cache key (the file's name, repeated)
//	    44   16  the architecture, "sm_90" or "compute_80", NUL-padded
//	    60    8  CUBIN length, little-endian
//	    68    8  PTX length, little-endian
//	    76    4  CRC-32C of bytes 0..75 and the payload, little-endian
//	    80       the CUBIN, then the PTX (without NUL)
//
// The checksum catches damaged and truncated files; CRC-32C runs at memory
// speed (SSE 4.2 / ARMv8 CRC instructions), which keeps a disk hit near the
// cost of reading the file. (The key, the file's name, is a SHA-256 of
// what the image is compiled from; the folder's permissions keep other
// users from writing entries.)
//
// Entries are written to a temporary file in the same folder, synced and
// renamed over the entry's name, so a reader sees a whole entry or none,
// and two processes writing the same entry leave one of their two (equal)
// files. A reader checks everything above; a file that fails a check
// (truncated, damaged, tampered with, or not an entry) is counted in
// CompilerStats.CorruptEntries, removed, compiled again and replaced.
const (
	cacheMagic      = "DCCUIMG\x00"
	cacheVersion    = 2
	cacheArchSize   = 16
	cacheHeaderSize = 80
	cacheSuffix     = ".dck"
	cacheTempPrefix = ".tmp-"
	// cacheMaxEntry bounds the size of a file taken for an entry.
	cacheMaxEntry = 1 << 30
	// cacheTempAge is the age after which a temporary file is taken for
	// the leftover of a process that died while writing, and removed.
	cacheTempAge = time.Hour
)

// cacheDirFor returns the disk cache folder: dir if set, else
// $DC_CACHE_DIR, else os.UserCacheDir()/dc/kernels.
func cacheDirFor(dir string) (string, error) {
	if dir != "" {
		return dir, nil
	}
	if d := os.Getenv(EnvCacheDir); d != "" {
		return d, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("cuda: kernel cache disabled: %w", err)
	}
	return filepath.Join(base, "dc", "kernels"), nil
}

// cachePath returns the file of the entry of key in dir.
func cachePath(dir string, key [32]byte) string {
	return filepath.Join(dir, hex.EncodeToString(key[:])+cacheSuffix)
}

// readDisk returns the disk cache's image of key for arch, or nil when it
// has no usable one. A corrupt entry is counted and removed.
func (c *Compiler) readDisk(key [32]byte, arch string) *Image {
	path := cachePath(c.dir, key)
	data, err := cacheReadFile(path)
	if err == nil {
		var img *Image
		if img, err = cacheDecode(data, key, arch); err == nil {
			c.diskHits.Add(1)
			return img
		}
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case errors.Is(err, errCacheNotEntry) || !errors.Is(err, errCacheRead):
		c.corrupt.Add(1)
		if rerr := os.Remove(path); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			err = fmt.Errorf("%w (and removing it: %v)", err, rerr)
		}
		c.setDiskError(fmt.Errorf("cuda: kernel cache: corrupt entry %s: %w", path, err))
	default:
		c.setDiskError(fmt.Errorf("cuda: kernel cache: %w", err))
	}
	c.diskMisses.Add(1)
	return nil
}

var (
	// errCacheRead wraps the errors of reading an entry file.
	errCacheRead = errors.New("reading")
	// errCacheNotEntry says that a path holds something other than a
	// file that could be an entry.
	errCacheNotEntry = errors.New("not an entry")
)

// cacheReadFile returns the contents of the entry file path, with one zero
// byte of spare capacity after them (the PTX's NUL terminator). Its errors
// wrap errCacheRead, or errCacheNotEntry when path is not a regular file
// of a possible size.
func cacheReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errCacheRead, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errCacheRead, err)
	}
	size := fi.Size()
	if !fi.Mode().IsRegular() || size > cacheMaxEntry {
		return nil, fmt.Errorf("%w: %v, %d bytes", errCacheNotEntry, fi.Mode(), size)
	}
	buf := make([]byte, size+1)
	n, err := io.ReadFull(f, buf[:size])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("%w: %w", errCacheRead, err)
	}
	return buf[:n], nil
}

// writeDisk writes img to the disk cache, counting a failure.
func (c *Compiler) writeDisk(img *Image) {
	if err := cacheWrite(c.dir, img); err != nil {
		c.writeErrors.Add(1)
		c.setDiskError(fmt.Errorf("cuda: kernel cache: %w", err))
	}
}

// removeDisk removes the entry of key from the disk cache.
func (c *Compiler) removeDisk(key [32]byte) {
	if err := os.Remove(cachePath(c.dir, key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		c.setDiskError(fmt.Errorf("cuda: kernel cache: %w", err))
	}
}

// cacheWrite writes img's entry into dir atomically.
func cacheWrite(dir string, img *Image) error {
	data, err := cacheEncode(img)
	if err != nil {
		return err
	}
	if err := cachePrepareDir(dir); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, cacheTempPrefix+hex.EncodeToString(img.Key[:8])+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if err := cacheWriteFile(f, data); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, cachePath(dir, img.Key)); err != nil {
		os.Remove(tmp)
		return err
	}
	cacheSweep(dir)
	return nil
}

// cacheWriteFile writes data to f with mode 0600, syncs and closes it.
func cacheWriteFile(f *os.File, data []byte) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Chmod(0o600)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// cachePrepareDir creates dir with mode 0700, or tightens an existing dir
// of ours that others may read to 0700.
func cachePrepareDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if fi.Mode().Perm()&0o077 != 0 && cacheOwned(fi) {
		return os.Chmod(dir, 0o700)
	}
	return nil
}

// cacheSweep removes temporary files in dir older than cacheTempAge: what
// processes that died while writing left.
func cacheSweep(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), cacheTempPrefix) {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > cacheTempAge {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// cacheEncode returns img's entry file.
func cacheEncode(img *Image) ([]byte, error) {
	if len(img.Arch) == 0 || len(img.Arch) > cacheArchSize {
		return nil, fmt.Errorf("architecture %q does not fit an entry", img.Arch)
	}
	data := make([]byte, cacheHeaderSize, cacheHeaderSize+len(img.CUBIN)+len(img.PTX))
	copy(data, cacheMagic)
	binary.LittleEndian.PutUint32(data[8:], cacheVersion)
	copy(data[12:44], img.Key[:])
	copy(data[44:60], img.Arch)
	binary.LittleEndian.PutUint64(data[60:], uint64(len(img.CUBIN)))
	binary.LittleEndian.PutUint64(data[68:], uint64(len(img.PTX)))
	data = append(data, img.CUBIN...)
	data = append(data, img.PTX...)
	binary.LittleEndian.PutUint32(data[76:], cacheChecksum(data))
	return data, nil
}

// cacheCRC is the CRC-32C (Castagnoli) table, hardware-accelerated.
var cacheCRC = crc32.MakeTable(crc32.Castagnoli)

// cacheChecksum returns the CRC-32C of an entry's bytes but its checksum.
func cacheChecksum(data []byte) uint32 {
	c := crc32.Update(0, cacheCRC, data[:76])
	return crc32.Update(c, cacheCRC, data[cacheHeaderSize:])
}

// cacheDecode checks the entry file data against the key and architecture
// it should hold and returns its image, or says what is wrong with it.
// When data has a zero byte of spare capacity, the PTX keeps it as its NUL
// terminator.
func cacheDecode(data []byte, key [32]byte, arch string) (*Image, error) {
	if len(data) < cacheHeaderSize {
		return nil, fmt.Errorf("truncated: %d bytes, less than the %d-byte header", len(data), cacheHeaderSize)
	}
	if string(data[:8]) != cacheMagic {
		return nil, fmt.Errorf("not an entry: magic %q", data[:8])
	}
	if v := binary.LittleEndian.Uint32(data[8:]); v != cacheVersion {
		return nil, fmt.Errorf("entry format %d, want %d", v, cacheVersion)
	}
	cubinLen := binary.LittleEndian.Uint64(data[60:])
	ptxLen := binary.LittleEndian.Uint64(data[68:])
	payload := uint64(len(data) - cacheHeaderSize)
	if cubinLen > payload || ptxLen != payload-cubinLen {
		return nil, fmt.Errorf("lengths %d+%d do not match the %d payload bytes", cubinLen, ptxLen, payload)
	}
	if !bytes.Equal(data[12:44], key[:]) {
		return nil, fmt.Errorf("holds key %x", data[12:44])
	}
	if got := string(bytes.TrimRight(data[44:60], "\x00")); got != arch {
		return nil, fmt.Errorf("holds architecture %q, want %q", got, arch)
	}
	if real := strings.HasPrefix(arch, "sm_"); real != (cubinLen > 0) || ptxLen == 0 {
		return nil, fmt.Errorf("holds %d bytes of CUBIN and %d of PTX for %s", cubinLen, ptxLen, arch)
	}
	if cacheChecksum(data) != binary.LittleEndian.Uint32(data[76:]) {
		return nil, errors.New("checksum mismatch")
	}
	img := &Image{Arch: arch, Origin: OriginDisk, Key: key}
	ptxStart := cacheHeaderSize + int(cubinLen)
	if cubinLen > 0 {
		img.CUBIN = data[cacheHeaderSize:ptxStart:ptxStart]
	}
	img.PTX = compilePTX(data[ptxStart:])
	return img, nil
}
