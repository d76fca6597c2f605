package atomicfile

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Ops are the steps of an atomic write that can fail. Tests pass their own
// to fail one step on purpose; Write uses the os package's.
type Ops struct {
	CreateTemp func(dir, pattern string) (*os.File, error)
	Write      func(f *os.File, data []byte) (int, error)
	Sync       func(f *os.File) error
	Rename     func(from, to string) error
}

// OS is the Ops of the real file system.
var OS = Ops{
	CreateTemp: os.CreateTemp,
	Write:      (*os.File).Write,
	Sync:       (*os.File).Sync,
	Rename:     os.Rename,
}

// Write replaces path with data atomically, creating missing directories.
// A symbolic link's target is replaced, not the link, and an existing
// file keeps its mode (0644 for a new one).
func Write(path string, data []byte) error { return WriteWith(OS, path, data) }

// WriteWith is Write with the given steps.
func WriteWith(ops Ops, path string, data []byte) (err error) {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		target, err := filepath.EvalSymlinks(path)
		if err != nil {
			return fmt.Errorf("%s is a symbolic link whose target cannot be resolved: %w", path, err)
		}
		path = target
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating directory %s: %w", dir, err)
	}
	perm := fs.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("%s exists and is not a regular file", path)
		}
		perm = fi.Mode().Perm() // keep the mode the user gave the file
	}
	tmp, err := ops.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("creating temporary file next to %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := fill(ops, tmp, data, perm); err != nil {
		return err
	}
	if err := ops.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replacing %s: %w", path, err)
	}
	// Make the rename itself durable. The new file is in place already, so a
	// file system that cannot sync directories is not a failure to report.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// fill writes data to tmp with mode perm, flushes it to disk and closes it.
func fill(ops Ops, tmp *os.File, data []byte, perm fs.FileMode) error {
	if _, err := ops.Write(tmp, data); err != nil {
		return fmt.Errorf("writing %s: %w", tmp.Name(), err)
	}
	if err := tmp.Chmod(perm); err != nil {
		return fmt.Errorf("setting mode of %s: %w", tmp.Name(), err)
	}
	if err := ops.Sync(tmp); err != nil {
		return fmt.Errorf("flushing %s to disk: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", tmp.Name(), err)
	}
	return nil
}
