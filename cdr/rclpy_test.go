package cdr

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var (
	rclpySeed  = flag.Int("rclpy.seed", 1, "seed for test/cdr_vectors.py")
	rclpyCount = flag.Int("rclpy.count", 150, "messages per type from test/cdr_vectors.py")
)

type vectorFile struct {
	Seed    int      `json:"seed"`
	Vectors []vector `json:"vectors"`
}

type vector struct {
	Type    string          `json:"type"`
	Name    string          `json:"name"`
	Fields  json.RawMessage `json:"fields"`  // what rclpy was given
	Decoded json.RawMessage `json:"decoded"` // what rclpy read back
	CDR     string          `json:"cdr"`     // rclpy's bytes
}

// venvPython is the project venv's python, which has rclpy. It is part of
// the project's setup (make setup), so its absence is a failure, not a skip.
func venvPython(t *testing.T) string {
	t.Helper()
	venv := os.Getenv("VENV")
	if venv == "" {
		venv = filepath.Join("..", ".venv")
	}
	py := filepath.Join(venv, "bin", "python")
	if _, err := os.Stat(py); err != nil {
		t.Fatalf("the cross-check with rclpy needs the project venv's python: %v\n"+
			"run `make setup`, then `source scripts/rosenv.sh` before go test", err)
	}
	return py
}

// pythonEnv is this process's environment without the venv bootstrapper's
// done-flag: with it, but without the library path the bootstrapper adds,
// rclpy fails to import; without it, python sets the path up again itself.
func pythonEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "_ROS_WHEELS_BOOTSTRAP_COMPLETE=") {
			env = append(env, kv)
		}
	}
	return env
}

func rclpyVectors(t *testing.T) []vector {
	t.Helper()
	script := filepath.Join("..", "test", "cdr_vectors.py")
	cmd := exec.Command(venvPython(t), script,
		"--seed", fmt.Sprint(*rclpySeed), "--count", fmt.Sprint(*rclpyCount))
	cmd.Env = pythonEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, stderr.String())
	}
	var f vectorFile
	if err := json.Unmarshal(out, &f); err != nil {
		t.Fatalf("%s wrote bad JSON: %v", script, err)
	}
	if len(f.Vectors) == 0 {
		t.Fatalf("%s wrote no vectors", script)
	}
	return f.Vectors
}

// TestAgainstRclpy checks every message type against rclpy
// (rmw_fastrtps_cpp's type support): encoding the fields rclpy was given
// must give rclpy's bytes, and decoding rclpy's bytes must give what rclpy
// reads back. Padding is the one exception: Fast DDS leaves it
// uninitialized, so there the Go bytes must be zero and rclpy's may be
// anything. Where padding is comes from decoding rclpy's bytes, which is
// itself checked field by field.
func TestAgainstRclpy(t *testing.T) {
	vectors := rclpyVectors(t)
	seen := map[string]int{}
	for _, v := range vectors {
		seen[v.Type]++
		t.Run(v.Name, func(t *testing.T) { checkVector(t, v) })
	}
	for typ := range kinds {
		if seen[typ] == 0 {
			t.Errorf("no vectors for %s", typ)
		}
	}
}

func checkVector(t *testing.T, v vector) {
	k, ok := kinds[v.Type]
	if !ok {
		t.Fatalf("unknown type %q", v.Type)
	}
	want, err := hex.DecodeString(v.CDR)
	if err != nil {
		t.Fatalf("bad hex: %v", err)
	}

	// Decode rclpy's bytes, noting where the padding is.
	padding := make([]bool, len(want))
	r := newReader(v.Type, want)
	r.padding = func(off, n int) {
		for i := off; i < off+n; i++ {
			padding[i] = true
		}
	}
	got, err := k.decode(r)
	if err != nil {
		t.Fatalf("decoding rclpy's bytes: %v", err)
	}
	decoded := k.newMirror()
	if err := json.Unmarshal(v.Decoded, decoded); err != nil {
		t.Fatalf("bad decoded JSON: %v", err)
	}
	if !reflect.DeepEqual(got, decoded) {
		t.Errorf("decoded rclpy's bytes as\n%s\nrclpy read\n%s", asJSON(got), asJSON(decoded))
	}

	fields := k.newMirror()
	if err := json.Unmarshal(v.Fields, fields); err != nil {
		t.Fatalf("bad fields JSON: %v", err)
	}
	msg := fields.message()
	enc, err := msg.AppendCDR(nil)
	if err != nil {
		t.Fatalf("AppendCDR: %v", err)
	}
	if msg.Size() != len(enc) {
		t.Errorf("Size() = %d, AppendCDR wrote %d bytes", msg.Size(), len(enc))
	}
	compareMasked(t, enc, want, padding)

	// Alignment counts from the message's own start, not dst's.
	prefix := []byte("xyz")
	enc2, err := msg.AppendCDR(prefix)
	if err != nil || !bytes.Equal(enc2[:len(prefix)], prefix) || !bytes.Equal(enc2[len(prefix):], enc) {
		t.Errorf("AppendCDR after a 3-byte prefix differs from AppendCDR(nil) (err %v)", err)
	}
}

// compareMasked compares the Go encoding with rclpy's: equal everywhere but
// padding, which must be zero on the Go side.
func compareMasked(t *testing.T, got, want []byte, padding []bool) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("encoded %d bytes, rclpy %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		switch {
		case padding[i] && got[i] != 0:
			t.Errorf("padding byte %d is %#02x, want 0", i, got[i])
			return
		case !padding[i] && got[i] != want[i]:
			lo, hi := max(0, i-8), min(len(want), i+8)
			t.Errorf("byte %d differs: got % x, rclpy % x (bytes %d..%d)", i, got[lo:min(hi, len(got))], want[lo:hi], lo, hi)
			return
		}
	}
}
