package rosparam

import (
	"fmt"
	"math"
	"strings"
)

// IntRange is rcl_interfaces/IntegerRange: From..To inclusive, Step 0 = any.
type IntRange struct{ From, To, Step int64 }

// FloatRange is rcl_interfaces/FloatingPointRange.
type FloatRange struct{ From, To, Step float64 }

// Spec declares one parameter. The table of Specs is the single place a
// parameter is named, typed, documented and bounded.
type Spec struct {
	Name        string
	Default     Value
	Description string
	ReadOnly    bool        // cannot change once the node runs
	Int         *IntRange   // for integer parameters
	Float       *FloatRange // for double parameters
	Choices     []string    // allowed values of a string parameter
	// Check adds validation the fields above cannot express.
	Check func(Value) error
	// Group is the owner's name for how a change takes effect (reopen a
	// device, restart a server …), so the parameter is named only here;
	// the table does not read it.
	Group int
	// AliasOf names another parameter this one always equals: setting
	// either sets both (one batch, one event), and at start-up the other
	// one wins when both are given.
	AliasOf string
}

// Constraints describes the allowed values in words, for the descriptor's
// additional_constraints and for error messages.
func (s *Spec) Constraints() string {
	switch {
	case s.Int != nil && s.Int.Step > 1:
		return fmt.Sprintf("%d..%d in steps of %d", s.Int.From, s.Int.To, s.Int.Step)
	case s.Int != nil:
		return fmt.Sprintf("%d..%d", s.Int.From, s.Int.To)
	case s.Float != nil:
		return fmt.Sprintf("%g..%g", s.Float.From, s.Float.To)
	case len(s.Choices) > 0:
		return "one of: " + strings.Join(quoteEmpty(s.Choices), ", ")
	}
	return ""
}

// coerce converts v to the declared type where ROS users expect it to work
// (an integer given for a double parameter), or says why it cannot.
func (s *Spec) coerce(v Value) (Value, error) {
	want := s.Default.Type
	if v.Type == want {
		return v, nil
	}
	if want == TypeDouble && v.Type == TypeInteger {
		return Double(float64(v.Int)), nil
	}
	if want == TypeDoubleArray && v.Type == TypeIntegerArray {
		d := make([]float64, len(v.IntArray))
		for i, x := range v.IntArray {
			d[i] = float64(x)
		}
		return Doubles(d...), nil
	}
	return v, fmt.Errorf("parameter '%s' is of type %s; %s %s is not allowed", s.Name, want, v.Type, v)
}

// validate checks a value already of the right type against the bounds.
func (s *Spec) validate(v Value) error {
	if s.Int != nil && v.Type == TypeInteger {
		r := s.Int
		if v.Int < r.From || v.Int > r.To || (r.Step > 0 && (v.Int-r.From)%r.Step != 0 && v.Int != r.To) {
			return fmt.Errorf("parameter '%s': %d is not allowed (allowed: %s)", s.Name, v.Int, s.Constraints())
		}
	}
	if s.Float != nil && v.Type == TypeDouble {
		r := s.Float
		if math.IsNaN(v.Double) || v.Double < r.From || v.Double > r.To {
			return fmt.Errorf("parameter '%s': %g is not allowed (allowed: %s)", s.Name, v.Double, s.Constraints())
		}
	}
	if len(s.Choices) > 0 && v.Type == TypeString {
		ok := false
		for _, c := range s.Choices {
			ok = ok || c == v.Str
		}
		if !ok {
			return fmt.Errorf("parameter '%s': %q is not allowed (allowed: %s)", s.Name, v.Str, s.Constraints())
		}
	}
	if s.Check != nil {
		if err := s.Check(v); err != nil {
			return fmt.Errorf("parameter '%s': %v", s.Name, err)
		}
	}
	return nil
}

// quoteEmpty shows an empty choice (several parameters allow "") as "", so
// a list of choices never starts with a bare comma.
func quoteEmpty(choices []string) []string {
	out := make([]string, len(choices))
	for i, c := range choices {
		if c == "" {
			c = `""`
		}
		out[i] = c
	}
	return out
}
