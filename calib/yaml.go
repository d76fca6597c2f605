package calib

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Keys of the calibration YAML, as camera_calibration_parsers names them.
const (
	keyWidth  = "image_width"
	keyHeight = "image_height"
	keyName   = "camera_name"
	keyK      = "camera_matrix"
	keyModel  = "distortion_model"
	keyD      = "distortion_coefficients"
	keyR      = "rectification_matrix"
	keyP      = "projection_matrix"
	keyBinX   = "binning_x"
	keyBinY   = "binning_y"
	keyROI    = "roi"
)

// unknownCameraName is what camera_calibration_parsers reports for a file
// without camera_name.
const unknownCameraName = "unknown"

var knownKeys = map[string]bool{keyWidth: true, keyHeight: true, keyName: true, keyK: true,
	keyModel: true, keyD: true, keyR: true, keyP: true, keyBinX: true, keyBinY: true, keyROI: true}

// Parse reads a calibration in the YAML layout of ROS's camera_calibration
// tool and camera_calibration_parsers. It accepts what that parser accepts:
// no camera_name ("unknown"), no distortion_model (plumb_bob is assumed),
// the distortion vector as 1×N or N×1, optional binning_x/binning_y/roi,
// quoted numbers. Keys it does not know are ignored.
//
// notes lists what a user should hear about but that does not stop the file
// from being used (assumptions, ignored keys, an unusual coefficient count).
// A malformed file gives an error naming the field, its line, the bad value
// and what was expected.
func Parse(data []byte) (CameraInfo, []string, error) {
	root, err := yamlRoot(data)
	if err != nil {
		return CameraInfo{}, nil, err
	}
	m, order, err := fields(root, "")
	if err != nil {
		return CameraInfo{}, nil, err
	}
	p := &yamlCalibration{m: m}
	for _, key := range order {
		if !knownKeys[key] {
			p.notes = append(p.notes, fmt.Sprintf("ignoring unknown key %q (line %d)", key, m[key].Line))
		}
	}
	for _, read := range []func() error{p.size, p.name, p.matrices, p.distortion, p.binning, p.roi} {
		if err := read(); err != nil {
			return CameraInfo{}, nil, err
		}
	}
	return p.info, p.notes, nil
}

// yamlRoot is the top mapping of a calibration YAML, or why there is none.
func yamlRoot(data []byte) (*yaml.Node, error) {
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("%YAML:1.0")) {
		return nil, errors.New("this is an OpenCV FileStorage file (%YAML:1.0); " +
			"expected a ROS calibration YAML with image_width, image_height, camera_matrix, ... " +
			"(as written by ROS's camera_calibration)")
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("not valid YAML: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, errors.New("the file is empty; expected a calibration with " +
			"image_width, image_height, camera_matrix, distortion_coefficients, rectification_matrix, projection_matrix")
	}
	return deref(doc.Content[0]), nil
}

// yamlCalibration reads the fields of a calibration YAML into info, one
// group of fields per method.
type yamlCalibration struct {
	m     map[string]*yaml.Node
	info  CameraInfo
	notes []string
}

func (p *yamlCalibration) required(key, what string) (*yaml.Node, error) {
	n, ok := p.m[key]
	if !ok {
		return nil, fmt.Errorf("%s is missing; expected %s", key, what)
	}
	return n, nil
}

func (p *yamlCalibration) size() error {
	for _, f := range []struct {
		key  string
		dst  *uint32
		what string
	}{
		{keyWidth, &p.info.Width, "the image width in pixels"},
		{keyHeight, &p.info.Height, "the image height in pixels"},
	} {
		n, err := p.required(f.key, f.what)
		if err != nil {
			return err
		}
		if *f.dst, err = uint32Field(n, f.key, f.what+" (a whole number)"); err != nil {
			return err
		}
	}
	return nil
}

func (p *yamlCalibration) name() error {
	p.info.CameraName = unknownCameraName
	if n, ok := p.m[keyName]; ok && !(n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		var err error
		if p.info.CameraName, err = scalar(n, keyName, "a name"); err != nil {
			return err
		}
	}
	return nil
}

func (p *yamlCalibration) matrices() error {
	for _, f := range []struct {
		key        string
		dst        []float64
		rows, cols uint32
	}{
		{keyK, p.info.K[:], 3, 3},
		{keyR, p.info.R[:], 3, 3},
		{keyP, p.info.P[:], 3, 4},
	} {
		n, err := p.required(f.key, fmt.Sprintf("a %d×%d matrix {rows, cols, data}", f.rows, f.cols))
		if err != nil {
			return err
		}
		values, err := matrix(n, f.key, f.rows, f.cols)
		if err != nil {
			return err
		}
		copy(f.dst, values)
	}
	return nil
}

func (p *yamlCalibration) distortion() error {
	if n, ok := p.m[keyModel]; ok {
		if n.Kind != yaml.ScalarNode {
			return fieldError(n, keyModel, "is %s; expected a model name such as %s, %s or %s",
				kindName(n), PlumbBob, RationalPolynomial, Equidistant)
		}
		p.info.DistortionModel = n.Value
	} else {
		p.info.DistortionModel = PlumbBob
		p.notes = append(p.notes, "no distortion_model given; assuming plumb_bob, as camera_calibration_parsers does")
	}
	n, err := p.required(keyD, "a 1×N matrix {rows, cols, data}")
	if err != nil {
		return err
	}
	if p.info.D, err = matrix(n, keyD, 0, 0); err != nil {
		return err
	}
	if note := coefficientNote(p.info.DistortionModel, p.info.D); note != "" {
		p.notes = append(p.notes, note)
	}
	return nil
}

func (p *yamlCalibration) binning() error {
	for _, f := range []struct {
		key string
		dst *uint32
	}{{keyBinX, &p.info.BinningX}, {keyBinY, &p.info.BinningY}} {
		if n, ok := p.m[f.key]; ok {
			var err error
			if *f.dst, err = uint32Field(n, f.key, "a whole number (0 or 1 means no binning)"); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *yamlCalibration) roi() error {
	if n, ok := p.m[keyROI]; ok {
		var err error
		if p.info.ROI, err = parseROI(n); err != nil {
			return err
		}
	}
	return nil
}

// parseROI reads roi {x_offset, y_offset, height, width, do_rectify}; like
// camera_calibration_parsers it needs all five once roi is present.
func parseROI(n *yaml.Node) (RegionOfInterest, error) {
	m, _, err := fields(n, keyROI)
	if err != nil {
		return RegionOfInterest{}, err
	}
	var roi RegionOfInterest
	for _, f := range []struct {
		key string
		dst *uint32
	}{{"x_offset", &roi.XOffset}, {"y_offset", &roi.YOffset}, {"height", &roi.Height}, {"width", &roi.Width}} {
		v, ok := m[f.key]
		if !ok {
			return RegionOfInterest{}, fieldError(n, keyROI, "has no %s; expected x_offset, y_offset, height, width and do_rectify", f.key)
		}
		if *f.dst, err = uint32Field(v, join(keyROI, f.key), "a whole number of pixels"); err != nil {
			return RegionOfInterest{}, err
		}
	}
	v, ok := m["do_rectify"]
	if !ok {
		return RegionOfInterest{}, fieldError(n, keyROI, "has no do_rectify; expected x_offset, y_offset, height, width and do_rectify")
	}
	roi.DoRectify, err = boolField(v, keyROI+".do_rectify")
	return roi, err
}

// Marshal writes info in the layout camera_calibration_parsers writes (so
// every ROS tool reads it back), with numbers printed exactly: parsing the
// output gives back the same float64 values.
func Marshal(info CameraInfo) ([]byte, error) {
	if err := info.Validate(); err != nil {
		return nil, err
	}
	name := info.CameraName
	if name == "" {
		name = unknownCameraName
	}
	root := &yaml.Node{Kind: yaml.MappingNode}
	add := func(key string, value *yaml.Node) {
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, value)
	}
	add(keyWidth, uintNode(info.Width))
	add(keyHeight, uintNode(info.Height))
	add(keyName, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: name})
	add(keyK, matrixNode(3, 3, info.K[:]))
	add(keyModel, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: info.DistortionModel})
	add(keyD, matrixNode(1, len(info.D), info.D))
	add(keyR, matrixNode(3, 3, info.R[:]))
	add(keyP, matrixNode(3, 4, info.P[:]))
	add(keyBinX, uintNode(info.BinningX))
	add(keyBinY, uintNode(info.BinningY))
	roi := &yaml.Node{Kind: yaml.MappingNode}
	for _, kv := range []struct {
		key   string
		value *yaml.Node
	}{
		{"x_offset", uintNode(info.ROI.XOffset)},
		{"y_offset", uintNode(info.ROI.YOffset)},
		{"height", uintNode(info.ROI.Height)},
		{"width", uintNode(info.ROI.Width)},
		{"do_rectify", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(info.ROI.DoRectify)}},
	} {
		roi.Content = append(roi.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: kv.key}, kv.value)
	}
	add(keyROI, roi)

	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("encoding calibration YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encoding calibration YAML: %w", err)
	}
	return buf.Bytes(), nil
}

func uintNode(v uint32) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatUint(uint64(v), 10)}
}

func matrixNode(rows, cols int, data []float64) *yaml.Node {
	seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, v := range data {
		seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: formatNumber(v)})
	}
	return &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Value: "rows"}, uintNode(uint32(rows)),
		{Kind: yaml.ScalarNode, Value: "cols"}, uintNode(uint32(cols)),
		{Kind: yaml.ScalarNode, Value: "data"}, seq,
	}}
}

// formatNumber prints the shortest text that parses back to v. An exponent
// gets a decimal point in its mantissa ("1.0e-05", not "1e-05") because
// YAML 1.1 readers such as PyYAML read "1e-05" as a string.
func formatNumber(v float64) string {
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if e := strings.IndexByte(s, 'e'); e >= 0 && !strings.Contains(s[:e], ".") {
		s = s[:e] + ".0" + s[e:]
	}
	return s
}
