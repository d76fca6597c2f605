package paramserver

import (
	rcl_interfaces_msg "webcam/msgs/rcl_interfaces/msg"
	"webcam/rosparam"
)

// toMsgValue converts a parameter value to rcl_interfaces/ParameterValue.
// rosparam.Type numbers are ParameterType's, so the type carries over as is.
func toMsgValue(v rosparam.Value) rcl_interfaces_msg.ParameterValue {
	m := rcl_interfaces_msg.ParameterValue{Type: uint8(v.Type)}
	switch v.Type {
	case rosparam.TypeBool:
		m.BoolValue = v.Bool
	case rosparam.TypeInteger:
		m.IntegerValue = v.Int
	case rosparam.TypeDouble:
		m.DoubleValue = v.Double
	case rosparam.TypeString:
		m.StringValue = v.Str
	case rosparam.TypeByteArray:
		m.ByteArrayValue = v.Bytes
	case rosparam.TypeBoolArray:
		m.BoolArrayValue = v.BoolArray
	case rosparam.TypeIntegerArray:
		m.IntegerArrayValue = v.IntArray
	case rosparam.TypeDoubleArray:
		m.DoubleArrayValue = v.DoubleArray
	case rosparam.TypeStringArray:
		m.StringArrayValue = v.StringArray
	}
	return m
}

// fromMsgValue converts a ParameterValue from a client. Only the field its
// type names is read, as rclcpp does; an unknown type is returned as is and
// the table rejects it as the wrong type.
func fromMsgValue(m rcl_interfaces_msg.ParameterValue) rosparam.Value {
	v := rosparam.Value{Type: rosparam.Type(m.Type)}
	switch v.Type {
	case rosparam.TypeBool:
		v.Bool = m.BoolValue
	case rosparam.TypeInteger:
		v.Int = m.IntegerValue
	case rosparam.TypeDouble:
		v.Double = m.DoubleValue
	case rosparam.TypeString:
		v.Str = m.StringValue
	case rosparam.TypeByteArray:
		v.Bytes = m.ByteArrayValue
	case rosparam.TypeBoolArray:
		v.BoolArray = m.BoolArrayValue
	case rosparam.TypeIntegerArray:
		v.IntArray = m.IntegerArrayValue
	case rosparam.TypeDoubleArray:
		v.DoubleArray = m.DoubleArrayValue
	case rosparam.TypeStringArray:
		v.StringArray = m.StringArrayValue
	}
	return v
}

// descriptor builds the ParameterDescriptor rclcpp would hold for a
// parameter declared with this spec: statically typed (dynamic_typing false),
// one integer_range or floating_point_range element when the spec has a
// range, and the allowed strings in additional_constraints, since the
// descriptor has no field for them.
func descriptor(s rosparam.Spec) rcl_interfaces_msg.ParameterDescriptor {
	d := rcl_interfaces_msg.ParameterDescriptor{
		Name:        s.Name,
		Type:        uint8(s.Default.Type),
		Description: s.Description,
		ReadOnly:    s.ReadOnly,
	}
	if s.Int != nil {
		step := s.Int.Step
		if step < 0 {
			step = -step
		}
		d.IntegerRange = []rcl_interfaces_msg.IntegerRange{{FromValue: s.Int.From, ToValue: s.Int.To, Step: uint64(step)}}
	}
	if s.Float != nil {
		d.FloatingPointRange = []rcl_interfaces_msg.FloatingPointRange{{FromValue: s.Float.From, ToValue: s.Float.To, Step: s.Float.Step}}
	}
	if len(s.Choices) > 0 {
		d.AdditionalConstraints = s.Constraints() // "one of: …", the empty choice as ""
	}
	return d
}

// undeclaredDescriptor is what describe_parameters answers for a name the
// node does not have: the name and PARAMETER_NOT_SET, as rclcpp does for
// nodes that allow undeclared parameters, so the answer keeps one entry per
// requested name as the service definition promises.
func undeclaredDescriptor(name string) rcl_interfaces_msg.ParameterDescriptor {
	return rcl_interfaces_msg.ParameterDescriptor{Name: name, Type: rcl_interfaces_msg.ParameterType_PARAMETER_NOT_SET}
}
