package rosparam

import (
	"fmt"
	"math"
	"slices"
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
	// Menu lists the allowed values of an integer parameter by name (a
	// V4L2 menu control); Int still bounds them.
	Menu []MenuEntry
	// ReadOnlyWhy is the refusal's reason for a ReadOnly parameter, when
	// "set it at start-up" is not it (a camera's read-only control).
	ReadOnlyWhy string
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

// MenuEntry is one allowed value of a menu parameter, with its name.
type MenuEntry struct {
	Value int64
	Name  string
}

// MenuText lists entries as "0: Disabled, 1: 50 Hz, 2: 60 Hz".
func MenuText(entries []MenuEntry) string {
	parts := make([]string, len(entries))
	for i, e := range entries {
		parts[i] = fmt.Sprintf("%d: %s", e.Value, e.Name)
	}
	return strings.Join(parts, ", ")
}

// Constraints describes the allowed values in words, for the descriptor's
// additional_constraints and for error messages.
func (s *Spec) Constraints() string {
	switch {
	case len(s.Menu) > 0:
		return "one of " + MenuText(s.Menu)
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
	if len(s.Menu) > 0 && v.Type == TypeInteger && !slices.ContainsFunc(s.Menu, func(e MenuEntry) bool { return e.Value == v.Int }) {
		return fmt.Errorf("parameter '%s': %d is not a menu entry (allowed: %s)", s.Name, v.Int, s.Constraints())
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

// Accept returns v as the parameter holds it (coerced to its type), or why
// it is not allowed, as a set would answer.
func (s *Spec) Accept(v Value) (Value, error) {
	v, err := s.coerce(v)
	if err == nil {
		err = s.validate(v)
	}
	return v, err
}
