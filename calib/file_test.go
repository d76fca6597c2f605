package calib

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// dirEntries lists the names in dir, so tests can see leftover temp files.
func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestWriteFileReadersSeeWholeFiles reads the file continuously while it is
// rewritten: every read must parse as one of the two calibrations. A write
// in place (truncate, then write) shows readers empty or partial files.
func TestWriteFileReadersSeeWholeFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "front.yaml")
	a, b := fixtures[0].want, fixtures[1].want
	if err := WriteFile(path, a); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	var reads atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				got, _, err := ReadFile(path)
				if err == nil && !got.Equal(a) && !got.Equal(b) {
					err = errors.New("read a calibration that was never written")
				}
				if err != nil {
					select {
					case errs <- err:
					default:
					}
					return
				}
				reads.Add(1)
			}
		}()
	}
	for i := range 40 {
		next := a
		if i%2 == 0 {
			next = b
		}
		if err := WriteFile(path, next); err != nil {
			t.Fatal(err)
		}
	}
	stop.Store(true)
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatalf("a reader saw a partial file: %v", err)
	default:
	}
	if reads.Load() == 0 {
		t.Fatal("readers never ran")
	}
	if names := dirEntries(t, filepath.Dir(path)); !slices.Equal(names, []string{"front.yaml"}) {
		t.Errorf("directory holds %q, want only front.yaml", names)
	}
}

func TestWriteFileLayout(t *testing.T) {
	info := fixtures[0].want
	t.Run("creates missing directories with mode 0644", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), ".ros", "camera_info", "front.yaml")
		if err := WriteFile(path, info); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != 0o644 {
			t.Fatalf("stat: %v, mode %v; want 0644", err, fi.Mode())
		}
	})
	t.Run("keeps the mode of an existing file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "front.yaml")
		if err := os.WriteFile(path, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := WriteFile(path, info); err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
			t.Errorf("mode %v, want 0600", fi.Mode().Perm())
		}
	})
	t.Run("replaces a symlink's target and keeps the link", func(t *testing.T) {
		dir := t.TempDir()
		target, link := filepath.Join(dir, "real.yaml"), filepath.Join(dir, "front.yaml")
		if err := os.WriteFile(target, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("real.yaml", link); err != nil {
			t.Fatal(err)
		}
		if err := WriteFile(link, info); err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Lstat(link); fi.Mode()&fs.ModeSymlink == 0 {
			t.Error("the symlink was replaced by a file")
		}
		if got, _, err := ReadFile(target); err != nil || !got.Equal(info) {
			t.Errorf("target holds %+v, %v", got, err)
		}
	})
	t.Run("writes INI for .ini", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "ost.ini")
		if err := WriteFile(path, info); err != nil {
			t.Fatal(err)
		}
		if got, _, err := ReadFile(path); err != nil || !got.Equal(info) {
			t.Errorf("read back %+v, %v", got, err)
		}
	})
	t.Run("refuses a directory in the way", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "front.yaml")
		if err := os.Mkdir(path, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := WriteFile(path, info); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("error %v, want one saying it is not a regular file", err)
		}
	})
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, bytes.Repeat([]byte("#\n"), maxFileSize), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, want string
		notExist         bool
	}{
		{"missing", filepath.Join(dir, "none.yaml"), "no such file", true},
		{"too large", big, "larger than 1048576 bytes", false},
		{"wrong extension", filepath.Join(dir, "cal.txt"), `extension ".txt"`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ReadFile(tc.path)
			if err == nil || !strings.Contains(err.Error(), tc.want) || errors.Is(err, fs.ErrNotExist) != tc.notExist {
				t.Errorf("error %v, want one containing %q (not-exist %v)", err, tc.want, tc.notExist)
			}
		})
	}
}
