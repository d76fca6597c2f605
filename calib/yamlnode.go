package calib

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// The helpers below read a yaml.Node tree field by field so that every error
// names the field (as a dotted path), the line, the bad value and what was
// expected — a struct decode would only say "cannot unmarshal".

// fieldError formats an error about one field of the file.
func fieldError(n *yaml.Node, field, format string, args ...any) error {
	return fmt.Errorf("line %d: %s: %s", n.Line, field, fmt.Sprintf(format, args...))
}

// deref follows YAML aliases (*anchor) to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "empty"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

// fields returns the keys of a mapping node; field "" is the top level. Duplicate keys are an error:
// which of two values a reader picks differs between YAML libraries.
func fields(n *yaml.Node, field string) (map[string]*yaml.Node, []string, error) {
	if n.Kind != yaml.MappingNode {
		where := field
		if where == "" {
			where = "top level"
		}
		return nil, nil, fieldError(n, where, "is %s; expected a mapping", kindName(n))
	}
	m := make(map[string]*yaml.Node, len(n.Content)/2)
	var order []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		name := k.Value
		if _, dup := m[name]; dup {
			return nil, nil, fieldError(k, join(field, name), "appears twice; each key may appear once")
		}
		m[name] = v
		order = append(order, name)
	}
	return m, order, nil
}

func join(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// scalar returns the text of a non-empty scalar node.
func scalar(n *yaml.Node, field, want string) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", fieldError(n, field, "is %s; expected %s", kindName(n), want)
	}
	return n.Value, nil
}

// uint32Field reads a whole number 0..4294967295.
func uint32Field(n *yaml.Node, field, want string) (uint32, error) {
	s, err := scalar(n, field, want)
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseUint(strings.TrimPrefix(s, "+"), 10, 32)
	if err != nil {
		return 0, fieldError(n, field, "%q is not %s", s, want)
	}
	return uint32(v), nil
}

// number reads a finite number. Quoted numbers are accepted, as yaml-cpp's
// as<double>() (which camera_calibration_parsers uses) accepts them.
func number(n *yaml.Node, field string) (float64, error) {
	const want = "a number"
	s, err := scalar(n, field, want)
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil && n.Tag != "!!float" {
		return 0, fieldError(n, field, "%q is not %s", s, want)
	}
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) { // YAML's .nan and .inf are floats to it
		return 0, fieldError(n, field, "%q is not a finite number; calibration values must be finite", s)
	}
	return v, nil
}

// boolField reads the spellings yaml-cpp's as<bool>() accepts.
func boolField(n *yaml.Node, field string) (bool, error) {
	const want = "true or false"
	s, err := scalar(n, field, want)
	if err != nil {
		return false, err
	}
	switch strings.ToLower(s) {
	case "true", "yes", "on", "y":
		return true, nil
	case "false", "no", "off", "n":
		return false, nil
	}
	return false, fieldError(n, field, "%q is not %s", s, want)
}

// matrix reads {rows, cols, data} as written by camera_calibration_parsers.
// wantRows/wantCols of 0 accept any shape (the distortion vector is 1×N in
// files ROS writes and N×1 in some older ones).
func matrix(n *yaml.Node, field string, wantRows, wantCols uint32) ([]float64, error) {
	m, _, err := fields(n, field)
	if err != nil {
		return nil, err
	}
	shape := [2]uint32{}
	for i, key := range []string{"rows", "cols"} {
		v, ok := m[key]
		if !ok {
			return nil, fieldError(n, field, "has no %s; expected rows, cols and data", key)
		}
		if shape[i], err = uint32Field(v, join(field, key), "a whole number"); err != nil {
			return nil, err
		}
	}
	rows, cols := shape[0], shape[1]
	if wantRows != 0 && (rows != wantRows || cols != wantCols) {
		return nil, fieldError(n, field, "is %d×%d (rows: %d, cols: %d); expected %d×%d",
			rows, cols, rows, cols, wantRows, wantCols)
	}
	data, ok := m["data"]
	if !ok {
		return nil, fieldError(n, field, "has no data; expected a list of %d numbers", uint64(rows)*uint64(cols))
	}
	dataField := join(field, "data")
	if data.Kind != yaml.SequenceNode {
		return nil, fieldError(data, dataField, "is %s; expected a list of %d numbers", kindName(data), uint64(rows)*uint64(cols))
	}
	if len(data.Content) > 0 && deref(data.Content[0]).Kind == yaml.SequenceNode {
		return nil, fieldError(data, dataField, "is a list of lists; expected one flat list of %d numbers, row after row",
			uint64(rows)*uint64(cols))
	}
	if uint64(len(data.Content)) != uint64(rows)*uint64(cols) {
		return nil, fieldError(data, dataField, "has %d numbers; rows %d × cols %d needs %d",
			len(data.Content), rows, cols, uint64(rows)*uint64(cols))
	}
	out := make([]float64, len(data.Content))
	for i, e := range data.Content {
		if out[i], err = number(deref(e), fmt.Sprintf("%s[%d]", dataField, i)); err != nil {
			return nil, err
		}
	}
	return out, nil
}
