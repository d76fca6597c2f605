package paramserver

import (
	"strings"
	"testing"

	rcl_interfaces_msg "webcam/msgs/rcl_interfaces/msg"
	"webcam/rosparam"
)

func TestParameterValueRoundTrip(t *testing.T) {
	values := []rosparam.Value{
		rosparam.Bool(true),
		rosparam.Int(-42),
		rosparam.Double(29.97),
		rosparam.String("v4l2:///dev/video0"),
		{Type: rosparam.TypeByteArray, Bytes: []byte{0, 255}},
		{Type: rosparam.TypeBoolArray, BoolArray: []bool{true, false}},
		{Type: rosparam.TypeIntegerArray, IntArray: []int64{1, -2}},
		rosparam.Doubles(0.5, -1),
		rosparam.Strings("a", ""),
		{Type: rosparam.TypeNotSet},
	}
	for _, v := range values {
		t.Run(v.Type.String(), func(t *testing.T) {
			m := toMsgValue(v)
			if m.Type != uint8(v.Type) {
				t.Fatalf("type %d, want %d", m.Type, v.Type)
			}
			if back := fromMsgValue(m); !back.Equal(v) {
				t.Fatalf("round trip gave %#v, want %#v", back, v)
			}
		})
	}
}

// A client's message carries every field; only the one its type names counts.
func TestFromMsgValueReadsOnlyTheTypedField(t *testing.T) {
	m := rcl_interfaces_msg.ParameterValue{Type: rcl_interfaces_msg.ParameterType_PARAMETER_INTEGER,
		IntegerValue: 7, StringValue: "ignored", DoubleValue: 3}
	if v := fromMsgValue(m); !v.Equal(rosparam.Int(7)) {
		t.Fatalf("got %#v", v)
	}
}

func TestDescriptorLikeRclcpp(t *testing.T) {
	cases := []struct {
		spec  rosparam.Spec
		check func(t *testing.T, d rcl_interfaces_msg.ParameterDescriptor)
	}{
		{rosparam.Spec{Name: "jpeg_quality", Default: rosparam.Int(80), Description: "JPEG quality", Int: &rosparam.IntRange{From: 1, To: 100}},
			func(t *testing.T, d rcl_interfaces_msg.ParameterDescriptor) {
				if d.Type != rcl_interfaces_msg.ParameterType_PARAMETER_INTEGER || d.Description != "JPEG quality" {
					t.Errorf("type %d description %q", d.Type, d.Description)
				}
				if len(d.IntegerRange) != 1 || d.IntegerRange[0] != (rcl_interfaces_msg.IntegerRange{FromValue: 1, ToValue: 100}) {
					t.Errorf("integer_range %+v, want one element 1..100 step 0", d.IntegerRange)
				}
				if len(d.FloatingPointRange) != 0 || d.AdditionalConstraints != "" {
					t.Errorf("unexpected floating_point_range %+v or constraints %q", d.FloatingPointRange, d.AdditionalConstraints)
				}
			}},
		{rosparam.Spec{Name: "rot", Default: rosparam.Int(0), Int: &rosparam.IntRange{From: 0, To: 270, Step: 90}},
			func(t *testing.T, d rcl_interfaces_msg.ParameterDescriptor) {
				if len(d.IntegerRange) != 1 || d.IntegerRange[0].Step != 90 {
					t.Errorf("integer_range %+v, want step 90", d.IntegerRange)
				}
			}},
		{rosparam.Spec{Name: "framerate", Default: rosparam.Double(30), Float: &rosparam.FloatRange{From: 0.1, To: 1000}},
			func(t *testing.T, d rcl_interfaces_msg.ParameterDescriptor) {
				if d.Type != rcl_interfaces_msg.ParameterType_PARAMETER_DOUBLE || len(d.FloatingPointRange) != 1 ||
					d.FloatingPointRange[0] != (rcl_interfaces_msg.FloatingPointRange{FromValue: 0.1, ToValue: 1000}) {
					t.Errorf("type %d floating_point_range %+v", d.Type, d.FloatingPointRange)
				}
				if len(d.IntegerRange) != 0 {
					t.Errorf("integer_range %+v on a double", d.IntegerRange)
				}
			}},
		{rosparam.Spec{Name: "pixel_format", Default: rosparam.String(""), Choices: []string{"", "mjpeg", "yuyv"}},
			func(t *testing.T, d rcl_interfaces_msg.ParameterDescriptor) {
				if d.AdditionalConstraints != `one of: "", mjpeg, yuyv` {
					t.Errorf("additional_constraints %q", d.AdditionalConstraints)
				}
			}},
		{rosparam.Spec{Name: "camera_name", Default: rosparam.String("webcam"), ReadOnly: true},
			func(t *testing.T, d rcl_interfaces_msg.ParameterDescriptor) {
				if !d.ReadOnly || d.DynamicTyping {
					t.Errorf("read_only %v dynamic_typing %v, want true false", d.ReadOnly, d.DynamicTyping)
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.spec.Name, func(t *testing.T) {
			d := descriptor(c.spec)
			if d.Name != c.spec.Name || d.DynamicTyping {
				t.Fatalf("name %q dynamic_typing %v", d.Name, d.DynamicTyping)
			}
			c.check(t, d)
		})
	}
}

// Every declared parameter gets a descriptor that names it, is typed and
// says what it is for.
func TestEveryParameterIsDescribed(t *testing.T) {
	specs := append(StandardSpecs(), QoSOverrideSpecs(testTopics, testDefault)...)
	for _, s := range specs {
		d := descriptor(s)
		if d.Type == rcl_interfaces_msg.ParameterType_PARAMETER_NOT_SET || strings.TrimSpace(d.Description) == "" {
			t.Errorf("%s: type %d, description %q", s.Name, d.Type, d.Description)
		}
	}
}
