package calib

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// logRecorder is a slog.Handler that keeps "LEVEL message attrs" lines.
type logRecorder struct {
	mu    sync.Mutex
	lines []string
}

func (r *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *logRecorder) WithGroup(string) slog.Handler            { return r }
func (r *logRecorder) Handle(_ context.Context, rec slog.Record) error {
	line := rec.Level.String() + " " + rec.Message
	rec.Attrs(func(a slog.Attr) bool { line += " " + a.String(); return true })
	r.mu.Lock()
	r.lines = append(r.lines, line)
	r.mu.Unlock()
	return nil
}

// count returns how many lines start with level and contain text.
func (r *logRecorder) count(level, text string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, l := range r.lines {
		if strings.HasPrefix(l, level+" ") && strings.Contains(l, text) {
			n++
		}
	}
	return n
}

func (r *logRecorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.lines, "\n")
}

// testCamera is a camera "front" with a HOME, a ROS package "my_robot" and
// some calibration files in a temp tree.
type testCamera struct {
	root, home, prefix string
	env                Env
	log                *logRecorder
}

func newTestCamera(t *testing.T) *testCamera {
	root := t.TempDir()
	c := &testCamera{root: root, home: filepath.Join(root, "home"), prefix: filepath.Join(root, "install"), log: &logRecorder{}}
	installPackage(t, c.prefix, "my_robot")
	c.env = Env{Home: c.home, AmentPrefixPath: c.prefix}
	return c
}

// put writes a fixture (renamed to camera "front" unless keepName) at path.
func (c *testCamera) put(t *testing.T, path, fixture string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", fixture))
	if err != nil {
		t.Fatal(err)
	}
	data = []byte(strings.Replace(string(data), "camera_name: narrow_stereo", "camera_name: front", 1))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func (c *testCamera) manager(t *testing.T) *Manager {
	m, err := NewManager("front", c.env, slog.New(c.log))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestManagerLoad(t *testing.T) {
	for _, tc := range []struct {
		name           string
		setup          func(t *testing.T, c *testCamera) string // returns the URL
		wantErr        string                                   // "" means nil
		wantNotExist   bool
		wantCalibrated bool     // InfoFor says calibrated
		wantLoaded     bool     // Current reports a calibration in use
		wantLog        []string // "LEVEL text"
	}{
		{name: "default URL without a file", setup: func(*testing.T, *testCamera) string { return "" },
			wantLog: []string{"INFO camera_info_url not set, using the default", "INFO no camera calibration yet"}},
		{name: "default URL with a file", setup: func(t *testing.T, c *testCamera) string {
			c.put(t, filepath.Join(c.home, ".ros", "camera_info", "front.yaml"), "ost.yaml")
			return ""
		}, wantCalibrated: true, wantLoaded: true, wantLog: []string{"INFO loaded camera calibration"}},
		{name: "explicit file missing", setup: func(_ *testing.T, c *testCamera) string {
			return "file://" + filepath.Join(c.root, "cams", "front.yaml")
		}, wantErr: "not found", wantNotExist: true, wantLog: []string{"WARN camera calibration file not found"}},
		{name: "explicit file", setup: func(t *testing.T, c *testCamera) string {
			return "file://" + c.put(t, filepath.Join(c.root, "cams", "front.yaml"), "ost.yaml")
		}, wantCalibrated: true, wantLoaded: true, wantLog: []string{"INFO camera calibration URL", "INFO loaded camera calibration"}},
		{name: "ini file", setup: func(t *testing.T, c *testCamera) string {
			return "file://" + c.put(t, filepath.Join(c.root, "ost.ini"), "ost.ini")
		}, wantCalibrated: true, wantLoaded: true, wantLog: []string{`WARN camera name "front" does not match "narrow_stereo"`}},
		{name: "package URL", setup: func(t *testing.T, c *testCamera) string {
			c.put(t, filepath.Join(c.prefix, "share", "my_robot", "calib", "front.yaml"), "ost.yaml")
			return "package://my_robot/calib/${NAME}.yaml"
		}, wantCalibrated: true, wantLoaded: true, wantLog: []string{"INFO loaded camera calibration"}},
		{name: "legacy file warns about assumptions", setup: func(t *testing.T, c *testCamera) string {
			return "file://" + c.put(t, filepath.Join(c.root, "legacy.yaml"), "legacy_variants.yaml")
		}, wantCalibrated: true, wantLoaded: true, wantLog: []string{"WARN camera calibration: no distortion_model given",
			`WARN camera name "front" does not match "unknown"`}},
		{name: "malformed file", setup: func(t *testing.T, c *testCamera) string {
			return "file://" + c.put(t, filepath.Join(c.root, "bad.yaml"), "malformed/k_data_short.yaml")
		}, wantErr: "camera_matrix.data: has 8 numbers", wantLog: []string{"ERROR camera calibration file cannot be used"}},
		{name: "unsupported URL", setup: func(*testing.T, *testCamera) string { return "http://cams/front.yaml" },
			wantErr: `unsupported scheme "http"`, wantLog: []string{"ERROR camera_info_url cannot be used"}},
		{name: "file without intrinsics", setup: func(t *testing.T, c *testCamera) string {
			path := filepath.Join(c.root, "zero.yaml")
			info := Uncalibrated(640, 480)
			info.CameraName = "front"
			if err := WriteFile(path, info); err != nil {
				t.Fatal(err)
			}
			return "file://" + path
		}, wantLoaded: true, wantLog: []string{"WARN calibration file has a zero camera_matrix"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestCamera(t)
			m := c.manager(t)
			err := m.Load(tc.setup(t, c))
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("Load error %v, want %q", err, tc.wantErr)
			}
			if errors.Is(err, fs.ErrNotExist) != tc.wantNotExist {
				t.Errorf("errors.Is(%v, fs.ErrNotExist) != %v", err, tc.wantNotExist)
			}
			if _, ok := m.Current(); ok != tc.wantLoaded {
				t.Errorf("Current in use = %v, want %v", ok, tc.wantLoaded)
			}
			if got := m.InfoFor(640, 480); got.IsCalibrated() != tc.wantCalibrated || got.Width != 640 || got.Height != 480 {
				t.Errorf("InfoFor(640, 480) = %+v", got)
			}
			for _, want := range tc.wantLog {
				level, text, _ := strings.Cut(want, " ")
				if c.log.count(level, text) == 0 {
					t.Errorf("log lacks %q; it has:\n%s", want, c.log)
				}
			}
		})
	}
}

// TestManagerLoadReplacesCalibration: a later Load of a broken file drops
// the earlier calibration, so what is published always matches the URL.
func TestManagerLoadReplacesCalibration(t *testing.T) {
	c := newTestCamera(t)
	m := c.manager(t)
	good := c.put(t, filepath.Join(c.root, "good.yaml"), "ost.yaml")
	bad := c.put(t, filepath.Join(c.root, "bad.yaml"), "malformed/k_nan.yaml")
	if err := m.Load("file://" + good); err != nil {
		t.Fatal(err)
	}
	if err := m.Load("file://" + bad); err == nil {
		t.Fatal("malformed file accepted")
	}
	if _, ok := m.Current(); ok {
		t.Error("calibration from the previous URL still in use")
	}
}

func TestNewManagerRejectsBadName(t *testing.T) {
	if _, err := NewManager("front camera", Env{}, nil); err == nil || !strings.Contains(err.Error(), `"front camera"`) {
		t.Errorf("error %v, want one naming the camera name", err)
	}
}
