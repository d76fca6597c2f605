package calib

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The Videre INI format ("oST version 5.0 parameters") is the older format
// that ROS's camera_calibration still writes next to ost.yaml and that
// camera_calibration_parsers reads for *.ini URLs:
//
//	[image]
//	width
//	640
//	height
//	480
//	[camera_name]
//	camera matrix
//	fx 0 cx
//	...
//
// Blank lines and lines starting with # or ; are ignored; a line holding
// both [ and ] starts a section; [externals] (stereo extrinsics) is ignored.

// iniSection is one [header] and its non-blank lines.
type iniSection struct {
	name     string
	line     int  // line number of the header
	preamble bool // the text before any header, not a section
	lines    []string
	nums     []int // line number of each entry of lines
}

func splitINI(data []byte) []iniSection {
	var out []iniSection
	for i, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if strings.Contains(line, "[") && strings.Contains(line, "]") {
			name := strings.TrimSpace(strings.Trim(line, "[]"))
			out = append(out, iniSection{name: name, line: i + 1})
			continue
		}
		if len(out) == 0 {
			out = append(out, iniSection{line: i + 1, preamble: true}) // text before any section
		}
		s := &out[len(out)-1]
		s.lines = append(s.lines, line)
		s.nums = append(s.nums, i+1)
	}
	return out
}

// after returns the count lines that follow the line key in the section,
// and the line number of the first of them.
func (s iniSection) after(key string, count int) ([]string, int, error) {
	for i, l := range s.lines {
		if l != key {
			continue
		}
		if len(s.lines)-1-i < count {
			return nil, 0, fmt.Errorf("line %d: [%s] %s: expected %d line(s) after it, found %d",
				s.nums[i], s.name, key, count, len(s.lines)-1-i)
		}
		return s.lines[i+1 : i+1+count], s.nums[i+1], nil
	}
	return nil, 0, fmt.Errorf("line %d: section [%s] has no %q", s.line, s.name, key)
}

// rowsOf reads count lines of exactly cols numbers each.
func (s iniSection) rowsOf(key string, count, cols int) ([]float64, error) {
	lines, first, err := s.after(key, count)
	if err != nil {
		return nil, err
	}
	var out []float64
	for r, l := range lines {
		vals := strings.Fields(l)
		if len(vals) != cols {
			return nil, fmt.Errorf("line %d: [%s] %s row %d has %d numbers; expected %d",
				first+r, s.name, key, r+1, len(vals), cols)
		}
		for _, v := range vals {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, fmt.Errorf("line %d: [%s] %s row %d: %q is not a finite number", first+r, s.name, key, r+1, v)
			}
			out = append(out, f)
		}
	}
	return out, nil
}

// ParseINI reads the Videre INI calibration format. Five distortion
// coefficients mean plumb_bob and eight rational_polynomial, as in
// camera_calibration_parsers. A file holding more than one camera (a
// stereo pair) is refused: a camera_info_url names one camera.
func ParseINI(data []byte) (CameraInfo, error) {
	image, camera, err := iniSections(splitINI(data))
	if err != nil {
		return CameraInfo{}, err
	}
	info := CameraInfo{CameraName: camera.name}
	for _, f := range []struct {
		key string
		dst *uint32
	}{{"width", &info.Width}, {"height", &info.Height}} {
		lines, num, err := image.after(f.key, 1)
		if err != nil {
			return CameraInfo{}, err
		}
		v, err := strconv.ParseUint(lines[0], 10, 32)
		if err != nil {
			return CameraInfo{}, fmt.Errorf("line %d: [image] %s: %q is not a whole number of pixels", num, f.key, lines[0])
		}
		*f.dst = uint32(v)
	}
	for _, f := range []struct {
		key        string
		dst        []float64
		rows, cols int
	}{
		{"camera matrix", info.K[:], 3, 3},
		{"rectification", info.R[:], 3, 3},
		{"projection", info.P[:], 3, 4},
	} {
		values, err := camera.rowsOf(f.key, f.rows, f.cols)
		if err != nil {
			return CameraInfo{}, err
		}
		copy(f.dst, values)
	}
	if info.DistortionModel, info.D, err = iniDistortion(camera); err != nil {
		return CameraInfo{}, err
	}
	return info, nil
}

// iniSections finds the [image] section and the one camera section.
func iniSections(sections []iniSection) (image, camera *iniSection, err error) {
	var cameras []string
	for i := range sections {
		s := &sections[i]
		switch {
		case s.preamble:
			return nil, nil, fmt.Errorf("line %d: %q comes before any [section]; expected [image] first", s.line, s.lines[0])
		case s.name == "":
			return nil, nil, fmt.Errorf("line %d: a section header with no name; expected [image] and one [camera_name]", s.line)
		case s.name == "image":
			image = s
		case s.name == "externals":
		default:
			camera = s
			cameras = append(cameras, "["+s.name+"]")
		}
	}
	if image == nil {
		return nil, nil, errors.New("no [image] section; expected [image] with width and height, then a [camera_name] section")
	}
	if len(cameras) != 1 {
		return nil, nil, fmt.Errorf("found %d camera sections %v; expected exactly one (a stereo file must be split per camera)", len(cameras), cameras)
	}
	return image, camera, nil
}

// iniDistortion reads the distortion row: five numbers are plumb_bob, eight
// rational_polynomial.
func iniDistortion(camera *iniSection) (string, []float64, error) {
	lines, num, err := camera.after("distortion", 1)
	if err != nil {
		return "", nil, err
	}
	var model string
	switch n := len(strings.Fields(lines[0])); n {
	case 5:
		model = PlumbBob
	case 8:
		model = RationalPolynomial
	default:
		return "", nil, fmt.Errorf("line %d: [%s] distortion has %d numbers; expected 5 (plumb_bob) or 8 (rational_polynomial)", num, camera.name, n)
	}
	d, err := camera.rowsOf("distortion", 1, len(strings.Fields(lines[0])))
	return model, d, err
}

// MarshalINI writes info in the Videre INI format. Like
// camera_calibration_parsers it can only hold plumb_bob with five
// coefficients; other calibrations need a .yaml file.
func MarshalINI(info CameraInfo) ([]byte, error) {
	if info.DistortionModel != PlumbBob || len(info.D) != 5 {
		return nil, fmt.Errorf("the INI format holds only plumb_bob with 5 distortion coefficients; "+
			"this calibration is %q with %d; use a .yaml file instead", info.DistortionModel, len(info.D))
	}
	if err := info.Validate(); err != nil {
		return nil, err
	}
	name := info.CameraName
	if name == "" {
		name = unknownCameraName
	}
	if strings.ContainsAny(name, "[]\n") {
		return nil, fmt.Errorf("camera name %q cannot be written to an INI section header; it must not contain [, ] or a newline", name)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# oST version 5.0 parameters\n\n\n[image]\n\nwidth\n%d\n\nheight\n%d\n\n[%s]\n\n", info.Width, info.Height, name)
	rows := func(key string, values []float64, cols int) {
		b.WriteString(key + "\n")
		for i := 0; i < len(values); i += cols {
			row := make([]string, cols)
			for j := range row {
				row[j] = formatNumber(values[i+j])
			}
			b.WriteString(strings.Join(row, " ") + "\n")
		}
		b.WriteString("\n")
	}
	rows("camera matrix", info.K[:], 3)
	rows("distortion", info.D, 5)
	rows("rectification", info.R[:], 3)
	rows("projection", info.P[:], 4)
	return b.Bytes(), nil
}
