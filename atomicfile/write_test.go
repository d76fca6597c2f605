package atomicfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

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

// Each step of the write fails in turn: the old file is untouched and no
// temporary file is left.
func TestFailureKeepsOldFile(t *testing.T) {
	boom := errors.New("injected failure")
	for _, tc := range []struct {
		step    string
		breakIt func(*Ops)
		wantErr string
	}{
		{"create temp", func(o *Ops) {
			o.CreateTemp = func(string, string) (*os.File, error) { return nil, boom }
		}, "creating temporary file next to"},
		{"write", func(o *Ops) {
			o.Write = func(f *os.File, b []byte) (int, error) {
				n, _ := f.Write(b[:len(b)/2]) // half the data reaches the temp file
				return n, boom
			}
		}, "writing"},
		{"sync", func(o *Ops) { o.Sync = func(*os.File) error { return boom } }, "flushing"},
		{"rename", func(o *Ops) { o.Rename = func(string, string) error { return boom } }, "replacing"},
	} {
		t.Run(tc.step, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "front.yaml")
			old := []byte("image_width: 640\nimage_height: 480\n")
			if err := os.WriteFile(path, old, 0o600); err != nil {
				t.Fatal(err)
			}
			ops := OS
			tc.breakIt(&ops)
			err := WriteWith(ops, path, []byte("image_width: 1280\n"))
			if !errors.Is(err, boom) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want the injected failure reported as %q", err, tc.wantErr)
			}
			if now, _ := os.ReadFile(path); !bytes.Equal(now, old) {
				t.Errorf("old file changed to %q", now)
			}
			if names := dirEntries(t, dir); !slices.Equal(names, []string{"front.yaml"}) {
				t.Errorf("directory holds %q, want only front.yaml", names)
			}
		})
	}
}

// A write keeps the file's mode, replaces a link's target, and makes
// missing directories.
func TestWriteKeepsModeAndLinks(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.yaml")
	if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := Write(link, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(target); string(b) != "new" {
		t.Errorf("target holds %q, want new", b)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced by a file")
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600 kept", fi.Mode().Perm())
	}
	deep := filepath.Join(dir, "a", "b", "c.yaml")
	if err := Write(deep, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(deep); fi.Mode().Perm() != 0o644 {
		t.Errorf("new file mode %v, want 0644", fi.Mode().Perm())
	}
}
