package calib

import (
	"math"
	"path/filepath"
	"strings"
	"testing"
)

func nan() float64 { return math.NaN() }

// TestReadFileMalformed checks that each broken file is refused with an
// error that names the file, the field and what was expected.
func TestReadFileMalformed(t *testing.T) {
	for _, tc := range []struct {
		file string
		want []string // substrings of the error
	}{
		{"k_rows_4.yaml", []string{"line 5", "camera_matrix", "4×3", "expected 3×3"}},
		{"k_data_short.yaml", []string{"camera_matrix.data", "has 8 numbers", "needs 9"}},
		{"k_nested_rows.yaml", []string{"camera_matrix.data", "list of lists", "flat list of 9 numbers"}},
		{"k_no_data.yaml", []string{"camera_matrix", "has no data", "9 numbers"}},
		{"p_not_number.yaml", []string{"line 24", "projection_matrix.data[3]", `"zero" is not a number`}},
		{"k_nan.yaml", []string{"camera_matrix.data[2]", `".nan" is not a finite number`}},
		{"missing_width.yaml", []string{"image_width is missing", "image width in pixels"}},
		{"negative_height.yaml", []string{"image_height", `"-480" is not`, "whole number"}},
		{"width_fraction.yaml", []string{"image_width", `"640.5" is not`, "whole number"}},
		{"d_count_mismatch.yaml", []string{"distortion_coefficients.data", "has 4 numbers", "rows 1 × cols 5 needs 5"}},
		{"duplicate_key.yaml", []string{"line 27: image_width: appears twice"}},
		{"roi_incomplete.yaml", []string{"roi", "has no do_rectify"}},
		{"model_is_list.yaml", []string{"distortion_model", "is a list", "plumb_bob"}},
		{"not_yaml.yaml", []string{"not valid YAML"}},
		{"empty.yaml", []string{"empty", "image_width"}},
		{"list_at_top.yaml", []string{"line 1: top level: is a list; expected a mapping"}},
		{"opencv_filestorage.yaml", []string{"OpenCV FileStorage", "camera_calibration"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", "malformed", tc.file)
			_, _, err := ReadFile(path)
			if err == nil {
				t.Fatal("ReadFile accepted a malformed file")
			}
			for _, want := range append([]string{path}, tc.want...) {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}

// TestParseVariants covers spellings camera_calibration_parsers (yaml-cpp)
// accepts that the fixtures do not show.
func TestParseVariants(t *testing.T) {
	const rest = "camera_matrix: {rows: 3, cols: 3, data: [500, 0, 320, 0, 500, 240, 0, 0, 1]}\n" +
		"rectification_matrix: {rows: 3, cols: 3, data: [1, 0, 0, 0, 1, 0, 0, 0, 1]}\n" +
		"projection_matrix: {rows: 3, cols: 4, data: [500, 0, 320, 0, 0, 500, 240, 0, 0, 0, 1, 0]}\n"
	for _, tc := range []struct {
		name  string
		yaml  string
		check func(CameraInfo) bool
	}{
		{"empty distortion vector", "image_width: 640\nimage_height: 480\ndistortion_model: ''\n" +
			"distortion_coefficients: {rows: 1, cols: 0, data: []}\n" + rest,
			func(c CameraInfo) bool { return len(c.D) == 0 && c.DistortionModel == "" }},
		{"empty camera_name means unknown", "camera_name:\nimage_width: 640\nimage_height: 480\n" +
			"distortion_coefficients: {rows: 1, cols: 5, data: [0, 0, 0, 0, 0]}\n" + rest,
			func(c CameraInfo) bool { return c.CameraName == "unknown" }},
		{"numeric camera_name", "camera_name: 08144361026320\nimage_width: 640\nimage_height: 480\n" +
			"distortion_coefficients: {rows: 1, cols: 5, data: [0, 0, 0, 0, 0]}\n" + rest,
			func(c CameraInfo) bool { return c.CameraName == "08144361026320" }},
		{"roi do_rectify spelled yes", "image_width: 640\nimage_height: 480\n" +
			"distortion_coefficients: {rows: 1, cols: 5, data: [0, 0, 0, 0, 0]}\n" + rest +
			"roi: {x_offset: 1, y_offset: 2, height: 3, width: 4, do_rectify: Yes}\n",
			func(c CameraInfo) bool { return c.ROI == RegionOfInterest{1, 2, 3, 4, true} }},
		{"anchors and aliases", "image_width: 640\nimage_height: 480\n" +
			"distortion_coefficients: {rows: 1, cols: 5, data: [&z 0, *z, *z, *z, *z]}\n" + rest,
			func(c CameraInfo) bool { return len(c.D) == 5 }},
		{"exponents and signs", "image_width: +640\nimage_height: 480\n" +
			"distortion_coefficients: {rows: 1, cols: 5, data: [1e-3, -2.5E+1, +0.5, .25, 7.]}\n" + rest,
			func(c CameraInfo) bool {
				return c.Width == 640 && c.D[0] == 0.001 && c.D[1] == -25 && c.D[2] == 0.5 && c.D[3] == 0.25 && c.D[4] == 7
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := Parse([]byte(tc.yaml))
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(got) {
				t.Errorf("parsed %+v", got)
			}
		})
	}
}
