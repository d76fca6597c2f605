package calib

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestManagerSaveRefusesBrokenCalibration: set_camera_info must not replace a
// good calibration with one the image pipeline cannot use (issue 14, defect
// 4). A refused calibration leaves both the one in use and the file as they
// were, and the error says why.
func TestManagerSaveRefusesBrokenCalibration(t *testing.T) {
	good := fixtures[0].want // 640×480 plumb_bob, as camera_calibration sends it
	with := func(change func(c *CameraInfo)) CameraInfo {
		c := good.Clone()
		change(&c)
		return c
	}
	for _, tc := range []struct {
		name    string
		info    CameraInfo
		wantErr []string // substrings of the refusal; nil: accepted
	}{
		{"as calibrated", good, nil},
		{"rational_polynomial with 8", fixtures[3].want, nil},
		{"rational_polynomial with 14 (OpenCV's tilted model)", with(func(c *CameraInfo) {
			c.DistortionModel = RationalPolynomial
			c.D = make([]float64, 14)
		}), nil},
		{"equidistant with 4", fixtures[4].want, nil},
		{"a model of its own takes any D", with(func(c *CameraInfo) {
			c.DistortionModel = "my_lens_model"
			c.D = []float64{1, 2, 3}
		}), nil},
		{"largest size", with(func(c *CameraInfo) { c.Width, c.Height = 16384, 16384 }), nil},

		{"0x0 size", with(func(c *CameraInfo) { c.Width, c.Height = 0, 0 }),
			[]string{"calibration refused", "image size 0x0", "width and height must be > 0"}},
		{"zero height", with(func(c *CameraInfo) { c.Height = 0 }),
			[]string{"calibration refused", "image size 640x0"}},
		{"absurd width", with(func(c *CameraInfo) { c.Width = 100000 }),
			[]string{"calibration refused", "image size 100000x480", "16384"}},
		{"absurd height", with(func(c *CameraInfo) { c.Height = 1 << 31 }),
			[]string{"calibration refused", "16384"}},
		{"all-zero K", with(func(c *CameraInfo) { c.K = [9]float64{} }),
			[]string{"calibration refused", "K is all zero", "uncalibrated"}},
		{"K[8] is not 1", with(func(c *CameraInfo) { c.K[8] = 0 }),
			[]string{"calibration refused", "K[8] is 0", "must be 1"}},
		{"K[8] is 2", with(func(c *CameraInfo) { c.K[8] = 2 }),
			[]string{"calibration refused", "K[8] is 2"}},
		{"negative focal length", with(func(c *CameraInfo) { c.K[0] = -612 }),
			[]string{"calibration refused", "fx", "K[0] is -612"}},
		{"zero fy", with(func(c *CameraInfo) { c.K[4] = 0 }),
			[]string{"calibration refused", "fy", "K[4] is 0"}},
		{"plumb_bob with 4", with(func(c *CameraInfo) { c.D = c.D[:4] }),
			[]string{"calibration refused", "plumb_bob", "5 distortion coefficients", "D has 4"}},
		{"plumb_bob with 8", with(func(c *CameraInfo) { c.D = make([]float64, 8) }),
			[]string{"calibration refused", "plumb_bob", "D has 8"}},
		{"plumb_bob with none", with(func(c *CameraInfo) { c.D = nil }),
			[]string{"calibration refused", "plumb_bob", "D has 0", "[0, 0, 0, 0, 0]"}},
		{"rational_polynomial with 5", with(func(c *CameraInfo) { c.DistortionModel = RationalPolynomial }),
			[]string{"calibration refused", "rational_polynomial", "8, 12 or 14", "D has 5"}},
		{"equidistant with 5", with(func(c *CameraInfo) { c.DistortionModel = Equidistant }),
			[]string{"calibration refused", "equidistant", "4 distortion coefficients", "D has 5"}},
		{"no distortion model", with(func(c *CameraInfo) { c.DistortionModel = "" }),
			[]string{"calibration refused", "distortion_model is empty", "plumb_bob"}},
		{"non-finite", with(func(c *CameraInfo) { c.P[0] = nan() }),
			[]string{"calibration refused", "P[0] is NaN"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestCamera(t)
			path := c.put(t, filepath.Join(c.root, "front.yaml"), "ost.yaml")
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			m := c.manager(t)
			if err := m.Load("file://" + path); err != nil {
				t.Fatal(err)
			}
			inUse, _ := m.Current()
			err = m.Save(tc.info)
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			for _, want := range tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("Save error %v, want it to contain %q", err, want)
				}
			}
			if got, ok := m.Current(); !ok || !got.Equal(inUse) {
				t.Errorf("a refused calibration replaced the one in use: %+v", got)
			}
			if after, _ := os.ReadFile(path); string(after) != string(before) {
				t.Errorf("a refused calibration changed the file:\n%s", after)
			}
			if _, err := os.Stat(path + ".bak"); err == nil {
				t.Error("a refused calibration made a .bak")
			}
		})
	}
}

// TestManagerSaveKeepsBackup: overwriting a calibration keeps the previous
// file as <file>.bak, so a mistaken set_camera_info can be undone by hand.
func TestManagerSaveKeepsBackup(t *testing.T) {
	c := newTestCamera(t)
	path := filepath.Join(c.root, "cams", "front.yaml")
	m := c.manager(t)
	m.Load("file://" + path) // no file yet
	first, second := fixtures[0].want.Clone(), fixtures[1].want.Clone()
	if err := m.Save(first); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + ".bak"); !os.IsNotExist(err) {
		t.Errorf("the first calibration has nothing to back up, yet %s.bak: %v", path, err)
	}
	firstBytes, _ := os.ReadFile(path)
	if err := m.Save(second); err != nil {
		t.Fatal(err)
	}
	bak, err := os.ReadFile(path + ".bak")
	if err != nil || string(bak) != string(firstBytes) {
		t.Fatalf(".bak = %q, %v; want the first calibration:\n%s", bak, err, firstBytes)
	}
	secondBytes, _ := os.ReadFile(path)
	if err := m.Save(first); err != nil {
		t.Fatal(err)
	}
	if bak, _ := os.ReadFile(path + ".bak"); string(bak) != string(secondBytes) {
		t.Errorf(".bak after the third save = %q, want the second calibration", bak)
	}

	// A backup that cannot be written stops the overwrite: nothing is lost.
	now, _ := os.ReadFile(path)
	os.Remove(path + ".bak")
	if err := os.Mkdir(path+".bak", 0o755); err != nil {
		t.Fatal(err)
	}
	err = m.Save(second)
	if err == nil || !strings.Contains(err.Error(), "not stored") || !strings.Contains(err.Error(), ".bak") {
		t.Errorf("Save with an unwritable .bak: %v", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(now) {
		t.Error("the file was overwritten without a backup")
	}
}
