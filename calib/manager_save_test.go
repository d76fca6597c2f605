package calib

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestManagerSave(t *testing.T) {
	newCal := fixtures[1].want.Clone() // 1280×720 with roi, named front_camera
	for _, tc := range []struct {
		name     string
		setup    func(t *testing.T, c *testCamera) (url, wantFile string)
		info     CameraInfo
		wantErr  []string
		wantUsed bool // the new calibration is in use afterwards
	}{
		{name: "file URL", info: newCal, wantUsed: true,
			setup: func(_ *testing.T, c *testCamera) (string, string) {
				p := filepath.Join(c.root, "cams", "front.yaml")
				return "file://" + p, p
			}},
		{name: "default URL creates ~/.ros/camera_info", info: newCal, wantUsed: true,
			setup: func(_ *testing.T, c *testCamera) (string, string) {
				return "", filepath.Join(c.home, ".ros", "camera_info", "front.yaml")
			}},
		{name: "ini URL", info: fixtures[0].want, wantUsed: true,
			setup: func(_ *testing.T, c *testCamera) (string, string) {
				p := filepath.Join(c.root, "front.ini")
				return "file://" + p, p
			}},
		{name: "package URL is read-only", info: newCal, wantUsed: true,
			wantErr: []string{"in use but not stored", "read-only", "file:// URL"},
			setup: func(t *testing.T, c *testCamera) (string, string) {
				c.put(t, filepath.Join(c.prefix, "share", "my_robot", "calib", "front.yaml"), "ost.yaml")
				return "package://my_robot/calib/front.yaml", ""
			}},
		{name: "unusable URL", info: newCal, wantUsed: true,
			wantErr: []string{"in use but not stored", `unsupported scheme "http"`},
			setup:   func(*testing.T, *testCamera) (string, string) { return "http://cams/front.yaml", "" }},
		{name: "directory cannot be created", info: newCal, wantUsed: true,
			wantErr: []string{"in use but not stored", "creating directory", "not a directory"},
			setup: func(t *testing.T, c *testCamera) (string, string) {
				blocker := filepath.Join(c.root, "blocker")
				if err := os.WriteFile(blocker, nil, 0o644); err != nil {
					t.Fatal(err)
				}
				return "file://" + filepath.Join(blocker, "front.yaml"), ""
			}},
		{name: "ini cannot hold rational_polynomial", info: fixtures[3].want, wantUsed: true,
			wantErr: []string{"in use but not stored", "use a .yaml file"},
			setup: func(_ *testing.T, c *testCamera) (string, string) {
				return "file://" + filepath.Join(c.root, "front.ini"), ""
			}},
		{name: "non-finite numbers refused", wantErr: []string{"calibration refused", "K[4] is NaN"},
			info: func() CameraInfo { c := newCal.Clone(); c.K[4] = nan(); return c }(),
			setup: func(_ *testing.T, c *testCamera) (string, string) {
				return "file://" + filepath.Join(c.root, "front.yaml"), ""
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestCamera(t)
			m := c.manager(t)
			url, wantFile := tc.setup(t, c)
			m.Load(url)
			err := m.Save(tc.info)
			if tc.wantErr == nil && err != nil {
				t.Fatal(err)
			}
			for _, want := range tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("Save error %v, want it to contain %q", err, want)
				}
			}
			want := tc.info.Clone()
			want.CameraName = "front" // stored under the manager's camera name
			if got, ok := m.Current(); ok != tc.wantUsed || tc.wantUsed && !got.Equal(want) {
				t.Errorf("Current = %+v, %v; want in use %v", got, ok, tc.wantUsed)
			}
			if wantFile == "" {
				return
			}
			stored, _, err := ReadFile(wantFile)
			if err != nil || !stored.Equal(want) {
				t.Fatalf("stored %+v, %v", stored, err)
			}
			// A fresh manager (the next run of the node) loads it.
			next := c.manager(t)
			if err := next.Load(url); err != nil {
				t.Fatal(err)
			}
			if got, _ := next.Current(); !got.Equal(want) {
				t.Errorf("reloaded %+v", got)
			}
		})
	}
}

func TestManagerSaveBeforeLoad(t *testing.T) {
	m := newTestCamera(t).manager(t)
	if err := m.Save(fixtures[0].want); err == nil || !strings.Contains(err.Error(), "no camera_info_url has been loaded") {
		t.Errorf("error %v", err)
	}
}

func TestManagerInfoFor(t *testing.T) {
	c := newTestCamera(t)
	m := c.manager(t)
	if got := m.InfoFor(320, 240); !got.Equal(Uncalibrated(320, 240)) {
		t.Errorf("before Load: %+v", got)
	}
	if err := m.Load("file://" + c.put(t, filepath.Join(c.root, "front.yaml"), "ost.yaml")); err != nil {
		t.Fatal(err)
	}
	want := fixtures[0].want.Clone()
	want.CameraName = "front"
	const mismatch = "camera calibration is for 640x480 but frames are"
	for _, tc := range []struct {
		width, height uint32
		wantWarnings  int // total so far
	}{
		{640, 480, 0},
		{1280, 720, 1}, // published anyway, warned once
		{1280, 720, 1},
		{1280, 720, 1},
		{640, 480, 1},
		{320, 240, 2}, // a new size warns again
	} {
		// The 640x480 calibration is published whatever the frame size.
		if got := m.InfoFor(tc.width, tc.height); !got.Equal(want) {
			t.Errorf("InfoFor(%d, %d) = %+v, want the file's calibration", tc.width, tc.height, got)
		}
		if n := c.log.count("WARN", mismatch); n != tc.wantWarnings {
			t.Errorf("after InfoFor(%d, %d): %d size warnings, want %d", tc.width, tc.height, n, tc.wantWarnings)
		}
	}
	// The result is the caller's to keep and change.
	got := m.InfoFor(640, 480)
	got.D[0], got.K[0] = 99, 99
	if again := m.InfoFor(640, 480); again.D[0] == 99 || again.K[0] == 99 {
		t.Error("changing a returned CameraInfo changed the manager's")
	}
}

// TestManagerConcurrentReaders runs InfoFor in several goroutines while
// calibrations are saved (run with -race): each reader sees whole values.
func TestManagerConcurrentReaders(t *testing.T) {
	c := newTestCamera(t)
	m := c.manager(t)
	if err := m.Load("file://" + filepath.Join(c.root, "front.yaml")); err == nil {
		t.Fatal("expected the file to be missing")
	}
	a, b := fixtures[0].want.Clone(), fixtures[2].want.Clone()
	a.CameraName, b.CameraName = "front", "front"
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var bad sync.Map
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				got := m.InfoFor(640, 480)
				if !got.Equal(a) && !got.Equal(b) && !got.Equal(Uncalibrated(640, 480)) {
					bad.Store(got.CameraName, got)
				}
			}
		}()
	}
	for i := range 10 {
		next := a
		if i%2 == 1 {
			next = b
		}
		if err := m.Save(next); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	bad.Range(func(_, v any) bool { t.Errorf("reader saw %+v", v); return true })
}
