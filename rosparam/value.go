package rosparam

import (
	"fmt"
	"strconv"
	"strings"
)

// Type is rcl_interfaces/ParameterType.
type Type uint8

const (
	TypeNotSet Type = iota
	TypeBool
	TypeInteger
	TypeDouble
	TypeString
	TypeByteArray
	TypeBoolArray
	TypeIntegerArray
	TypeDoubleArray
	TypeStringArray
)

var typeNames = [...]string{"not set", "bool", "integer", "double", "string", "byte array", "bool array", "integer array", "double array", "string array"}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("type %d", t)
}

// Value is rcl_interfaces/ParameterValue: Type says which field is used.
type Value struct {
	Type        Type
	Bool        bool
	Int         int64
	Double      float64
	Str         string
	Bytes       []byte
	BoolArray   []bool
	IntArray    []int64
	DoubleArray []float64
	StringArray []string
}

func Bool(v bool) Value          { return Value{Type: TypeBool, Bool: v} }
func Int(v int64) Value          { return Value{Type: TypeInteger, Int: v} }
func Double(v float64) Value     { return Value{Type: TypeDouble, Double: v} }
func String(v string) Value      { return Value{Type: TypeString, Str: v} }
func Doubles(v ...float64) Value { return Value{Type: TypeDoubleArray, DoubleArray: v} }
func Strings(v ...string) Value  { return Value{Type: TypeStringArray, StringArray: v} }

// Equal reports whether two values have the same type and contents.
func (v Value) Equal(o Value) bool { return v.Type == o.Type && v.GoString() == o.GoString() }

// GoString renders the value unambiguously, for comparisons and messages.
func (v Value) GoString() string { return fmt.Sprintf("%s(%s)", v.Type, v) }

// String renders the value as ros2 param would show it.
func (v Value) String() string {
	switch v.Type {
	case TypeBool:
		return strconv.FormatBool(v.Bool)
	case TypeInteger:
		return strconv.FormatInt(v.Int, 10)
	case TypeDouble:
		return strconv.FormatFloat(v.Double, 'g', -1, 64)
	case TypeString:
		return strconv.Quote(v.Str)
	case TypeByteArray:
		return fmt.Sprint(v.Bytes)
	case TypeBoolArray:
		return fmt.Sprint(v.BoolArray)
	case TypeIntegerArray:
		return fmt.Sprint(v.IntArray)
	case TypeDoubleArray:
		return fmt.Sprint(v.DoubleArray)
	case TypeStringArray:
		q := make([]string, len(v.StringArray))
		for i, s := range v.StringArray {
			q[i] = strconv.Quote(s)
		}
		return "[" + strings.Join(q, " ") + "]"
	}
	return "<not set>"
}

// AsFloat returns a numeric value as float64 (integers widen).
func (v Value) AsFloat() (float64, bool) {
	switch v.Type {
	case TypeDouble:
		return v.Double, true
	case TypeInteger:
		return float64(v.Int), true
	}
	return 0, false
}
