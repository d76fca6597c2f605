package calib

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current Marshal output")

var identity = [9]float64{1, 0, 0, 0, 1, 0, 0, 0, 1}

// fixtures are the well-formed files in testdata and what they hold.
var fixtures = []struct {
	file      string
	want      CameraInfo
	wantNotes []string // substrings, one per expected note
}{
	{
		// Rendered the way ROS's camera_calibration writes ost.yaml
		// (numpy array2string: "0.     " padding, rows wrapped in the flow list).
		file: "ost.yaml",
		want: CameraInfo{Width: 640, Height: 480, CameraName: "narrow_stereo", DistortionModel: PlumbBob,
			K: [9]float64{612.34568, 0, 318.76543, 0, 611.98765, 241.23457, 0, 0, 1},
			D: []float64{0.112346, -0.234568, 0.001235, -0.000568, 0},
			R: identity,
			P: [12]float64{598.12346, 0, 319.54321, 0, 0, 601.23457, 240.87654, 0, 0, 0, 1, 0}},
	},
	{
		// Layout of camera_calibration_parsers' writer, with binning and roi.
		file: "parsers_written.yaml",
		want: CameraInfo{Width: 1280, Height: 720, CameraName: "front_camera", DistortionModel: PlumbBob,
			K:        [9]float64{912.4187, 0, 641.2206, 0, 911.8512, 362.7394, 0, 0, 1},
			D:        []float64{0.0921453, -0.187231, 0.000418, -0.0006127, 0.0437311},
			R:        identity,
			P:        [12]float64{905.102, 0, 640.517, 0, 0, 907.338, 361.904, 0, 0, 0, 1, 0},
			BinningX: 2, BinningY: 2,
			ROI: RegionOfInterest{XOffset: 16, YOffset: 8, Height: 704, Width: 1248, DoRectify: true}},
	},
	{
		file: "legacy_variants.yaml",
		want: CameraInfo{Width: 640, Height: 480, CameraName: "unknown", DistortionModel: PlumbBob,
			K: [9]float64{526.1871, 0, 319.2201, 0, 527.3049, 241.7614, 0, 0, 1},
			D: []float64{-0.3401, 0.1156, 0.0012, -0.0007, 0},
			R: identity,
			P: [12]float64{441.3452, 0, 318.5103, 0, 0, 478.0127, 240.0093, 0, 0, 0, 1, 0}},
		wantNotes: []string{`unknown key "calibration_time" (line 6)`, "no distortion_model given; assuming plumb_bob"},
	},
	{
		file: "rational_polynomial.yaml",
		want: CameraInfo{Width: 1920, Height: 1080, CameraName: "wide_angle", DistortionModel: RationalPolynomial,
			K: [9]float64{1057.1185, 0, 963.40127, 0, 1056.8243, 538.95413, 0, 0, 1},
			D: []float64{12.853216, -3.276421, 0.000214, -0.000391, -0.158846, 13.208914, 1.735217, -1.027439},
			R: identity,
			P: [12]float64{812.5741, 0, 961.8823, 0, 0, 876.9915, 536.2170, 0, 0, 0, 1, 0}},
	},
	{
		file: "equidistant.yaml",
		want: CameraInfo{Width: 800, Height: 800, CameraName: "fisheye_down", DistortionModel: Equidistant,
			K: [9]float64{286.181, 0, 401.913, 0, 286.326, 398.277, 0, 0, 1},
			D: []float64{-0.0113, 0.0496, -0.0471, 0.0089},
			R: [9]float64{0.99998, -0.00412, 0.00503, 0.00414, 0.99999, -0.00316, -0.00502, 0.00318, 0.99998},
			P: [12]float64{200.5, 0, 400, 0, 0, 200.5, 400, 0, 0, 0, 1, 0}},
	},
	{
		// camera_calibration's ost.ini, rendered the same way as ost.yaml.
		file: "ost.ini",
		want: CameraInfo{Width: 640, Height: 480, CameraName: "narrow_stereo", DistortionModel: PlumbBob,
			K: [9]float64{612.345679, 0, 318.765432, 0, 611.987654, 241.234568, 0, 0, 1},
			D: []float64{0.112346, -0.234568, 0.001235, -0.000568, 0},
			R: identity,
			P: [12]float64{598.123457, 0, 319.543211, 0, 0, 601.234568, 240.876543, 0, 0, 0, 1, 0}},
	},
}

func TestReadFileFixtures(t *testing.T) {
	for _, tc := range fixtures {
		t.Run(tc.file, func(t *testing.T) {
			got, notes, err := ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
			if len(notes) != len(tc.wantNotes) {
				t.Fatalf("notes %q, want %d matching %q", notes, len(tc.wantNotes), tc.wantNotes)
			}
			for i, want := range tc.wantNotes {
				if !strings.Contains(notes[i], want) {
					t.Errorf("note %d = %q, want it to contain %q", i, notes[i], want)
				}
			}
		})
	}
}

// TestMarshalGolden pins the exact text Marshal writes for each fixture, and
// that parsing it gives the same calibration back.
func TestMarshalGolden(t *testing.T) {
	for _, tc := range fixtures {
		t.Run(tc.file, func(t *testing.T) {
			out, err := Marshal(tc.want)
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden", strings.ReplaceAll(tc.file, ".", "_")+".yaml")
			if *update {
				if err := os.WriteFile(golden, out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(out, want) {
				t.Errorf("Marshal output differs from %s:\n%s", golden, out)
			}
			back, notes, err := Parse(out)
			if err != nil || len(notes) != 0 {
				t.Fatalf("Parse(Marshal) = notes %q, error %v", notes, err)
			}
			if !back.Equal(tc.want) {
				t.Errorf("round trip changed the calibration:\ngot  %+v\nwant %+v", back, tc.want)
			}
		})
	}
}

func TestMarshalParseRoundTrip(t *testing.T) {
	base := fixtures[0].want
	with := func(change func(*CameraInfo)) CameraInfo {
		c := base.Clone()
		change(&c)
		return c
	}
	for _, tc := range []struct {
		name string
		info CameraInfo
	}{
		{"as calibrated", base},
		{"uncalibrated", Uncalibrated(1280, 720)},
		{"name that reads as a number", with(func(c *CameraInfo) { c.CameraName = "0123" })},
		{"name that reads as a bool", with(func(c *CameraInfo) { c.CameraName = "yes" })},
		{"tiny and huge numbers", with(func(c *CameraInfo) {
			c.D = []float64{1e-300, -2.5e-17, 123456789.123, 1e21, 0.1 + 0.2}
		})},
		{"negative zero", with(func(c *CameraInfo) { c.P[3] = math.Copysign(0, -1) })},
		{"stereo right camera Tx", with(func(c *CameraInfo) { c.P[3] = -42.9581273 })},
		{"fourteen coefficients", with(func(c *CameraInfo) {
			c.DistortionModel = RationalPolynomial
			c.D = []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}
		})},
		{"roi and binning", fixtures[1].want},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Marshal(tc.info)
			if err != nil {
				t.Fatal(err)
			}
			back, _, err := Parse(out)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			want := tc.info
			if want.CameraName == "" {
				want.CameraName = unknownCameraName
			}
			if !back.Equal(want) {
				t.Errorf("got  %+v\nwant %+v\nfile:\n%s", back, want, out)
			}
		})
	}
}

func TestMarshalRefusesNonFinite(t *testing.T) {
	info := fixtures[0].want.Clone()
	info.D[2] = nan()
	if _, err := Marshal(info); err == nil || !strings.Contains(err.Error(), "D[2]") {
		t.Fatalf("Marshal with NaN: error %v, want one naming D[2]", err)
	}
}

// TestExampleCalibration keeps params/example_calibration.yaml loadable
// without warnings.
func TestExampleCalibration(t *testing.T) {
	info, notes, err := ReadFile(filepath.Join("..", "params", "example_calibration.yaml"))
	if err != nil || len(notes) != 0 {
		t.Fatalf("notes %q, error %v", notes, err)
	}
	if info.Width != 640 || info.Height != 480 || !info.IsCalibrated() || info.DistortionModel != PlumbBob || len(info.D) != 5 {
		t.Errorf("example holds %+v", info)
	}
}
