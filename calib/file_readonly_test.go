package calib

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// readOnlyChildEnv tells a re-executed test binary to run only the
// unprivileged half of TestWriteFileIntoReadOnlyDirectory, in that dir.
const readOnlyChildEnv = "CALIB_TEST_READONLY_CHILD_DIR"

const nobody = 65534

// TestWriteFileIntoReadOnlyDirectory stores into a directory the writer may
// not write: the error must say why, and the old file must stay as it was.
// root ignores directory permissions, so as root the write runs in a child
// process that has dropped to user nobody first.
func TestWriteFileIntoReadOnlyDirectory(t *testing.T) {
	if dir := os.Getenv(readOnlyChildEnv); dir != "" {
		fmt.Printf("RESULT: %v\n", writeAsUnprivileged(dir))
		return
	}
	dir, err := os.MkdirTemp("", "calib-readonly-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755); os.RemoveAll(dir) })
	old, _ := os.ReadFile(filepath.Join("testdata", "ost.yaml"))
	if err := os.WriteFile(filepath.Join(dir, "front.yaml"), old, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}

	var result string
	if os.Geteuid() == 0 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestWriteFileIntoReadOnlyDirectory$")
		cmd.Env = append(os.Environ(), readOnlyChildEnv+"="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if r, ok := strings.CutPrefix(line, "RESULT: "); ok {
				result = r
			}
		}
	} else {
		result = fmt.Sprint(writeAsUnprivileged(dir))
	}

	for _, want := range []string{"creating temporary file next to " + filepath.Join(dir, "front.yaml"), "permission denied"} {
		if !strings.Contains(result, want) {
			t.Errorf("result %q does not contain %q", result, want)
		}
	}
	if now, _ := os.ReadFile(filepath.Join(dir, "front.yaml")); !bytes.Equal(now, old) {
		t.Errorf("old file changed to %q", now)
	}
	if names := dirEntries(t, dir); !slices.Equal(names, []string{"front.yaml"}) {
		t.Errorf("directory holds %q, want only front.yaml", names)
	}
}

// writeAsUnprivileged drops root (for good: this runs in a child process)
// and writes a calibration into dir.
func writeAsUnprivileged(dir string) error {
	if os.Geteuid() == 0 {
		for _, step := range []func() error{
			func() error { return syscall.Setgroups(nil) },
			func() error { return syscall.Setgid(nobody) },
			func() error { return syscall.Setuid(nobody) },
		} {
			if err := step(); err != nil {
				return fmt.Errorf("dropping root: %w", err)
			}
		}
	}
	return WriteFile(filepath.Join(dir, "front.yaml"), fixtures[1].want)
}
