package rosparam

import (
	"fmt"
	"sort"
	"sync"
)

// Change is one accepted parameter change.
type Change struct {
	Name     string
	Old, New Value
	// Declared marks a change made by Declare or Undeclare, not by a set:
	// Old is not set for a new parameter, New for one taken away.
	Declared bool
}

// ApplyFunc sees a batch of validated changes before they are committed and
// may reject the whole batch with a reason (e.g. a device refused a control).
type ApplyFunc func(changes []Change) error

// ChangedFunc is told of every committed batch of changes.
type ChangedFunc func(changes []Change)

// Table holds declared parameters and their current values.
type Table struct {
	mu sync.Mutex
	// specs is replaced, never changed in place, once the table is made
	// (Declare), so a copy made by With keeps a consistent set.
	specs   map[string]*Spec
	order   []string
	values  map[string]Value
	apply   []ApplyFunc
	changed []ChangedFunc
}

// NewTable declares specs with their defaults. It fails on a duplicate name or
// a default that breaks its own bounds (a programming error).
func NewTable(specs []Spec) (*Table, error) {
	t := &Table{specs: map[string]*Spec{}, values: map[string]Value{}}
	for i := range specs {
		s := &specs[i]
		if _, dup := t.specs[s.Name]; dup {
			return nil, fmt.Errorf("parameter '%s' declared twice", s.Name)
		}
		if err := s.validate(s.Default); err != nil {
			return nil, fmt.Errorf("default: %w", err)
		}
		t.specs[s.Name] = s
		t.order = append(t.order, s.Name)
		t.values[s.Name] = s.Default
	}
	for _, s := range t.specs {
		if s.AliasOf == "" {
			continue
		}
		if p, ok := t.specs[s.AliasOf]; !ok || !p.Default.Equal(s.Default) || p.AliasOf != "" {
			return nil, fmt.Errorf("parameter '%s' is an alias of '%s', which must be declared with the same default and be no alias itself", s.Name, s.AliasOf)
		}
	}
	return t, nil
}

// twin is the parameter that always equals name ("" if none): its alias's
// target, or the alias of a target. Call with mu held.
func (t *Table) twin(name string) string {
	if s := t.specs[name]; s != nil && s.AliasOf != "" {
		return s.AliasOf
	}
	if _, declared := t.specs[name]; !declared {
		return ""
	}
	for _, s := range t.specs {
		if s.AliasOf != "" && s.AliasOf == name {
			return s.Name
		}
	}
	return ""
}

// givenFirst lists the names of all, those in given first (so an error
// names what the caller gave, not its alias), each part sorted.
func givenFirst(given, all map[string]Value) []string {
	var first, rest []string
	for n := range all {
		if _, ok := given[n]; ok {
			first = append(first, n)
		} else {
			rest = append(rest, n)
		}
	}
	sort.Strings(first)
	sort.Strings(rest)
	return append(first, rest...)
}

// withTwins adds each value's twin to vals, the given name winning over
// its alias when both are there; an error when a set gives them different
// values. Call with mu held.
func (t *Table) withTwins(vals map[string]Value, strict bool) (map[string]Value, error) {
	out := make(map[string]Value, len(vals))
	for n, v := range vals {
		out[n] = v
	}
	for n, v := range vals {
		tw := t.twin(n)
		if tw == "" {
			continue
		}
		if other, both := vals[tw]; both {
			if strict && !other.Equal(v) {
				return nil, fmt.Errorf("parameters '%s' and '%s' are one setting and were given different values (%s, %s)", n, tw, v, other)
			}
			if s := t.specs[n]; s != nil && s.AliasOf != "" {
				continue // the alias's target wins
			}
		}
		out[tw] = v
	}
	return out, nil
}

// OnApply registers a hook that may veto a batch of changes before commit.
func (t *Table) OnApply(fn ApplyFunc) { t.mu.Lock(); t.apply = append(t.apply, fn); t.mu.Unlock() }

// OnChanged registers a listener told of every committed batch.
func (t *Table) OnChanged(fn ChangedFunc) {
	t.mu.Lock()
	t.changed = append(t.changed, fn)
	t.mu.Unlock()
}

// Names returns the declared names, sorted.
func (t *Table) Names() []string {
	t.mu.Lock()
	out := append([]string(nil), t.order...)
	t.mu.Unlock()
	sort.Strings(out)
	return out
}

// Spec returns the declaration of name.
func (t *Table) Spec(name string) (Spec, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s, ok := t.specs[name]
	if !ok {
		return Spec{}, false
	}
	return *s, true
}

// Get returns the current value of name.
func (t *Table) Get(name string) (Value, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	v, ok := t.values[name]
	return v, ok
}

// Load applies start-up overrides (from params files and -p): read-only
// parameters may be set here. Unknown names are returned as warnings; a bad
// value is an error naming it.
func (t *Table) Load(overrides map[string]Value) (warnings []string, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	given := overrides
	overrides, _ = t.withTwins(overrides, false)
	names := givenFirst(given, overrides)
	for _, n := range names {
		s, ok := t.specs[n]
		if !ok {
			warnings = append(warnings, fmt.Sprintf("ignoring unknown parameter '%s' (this node has: %v)", n, t.order))
			continue
		}
		v, err := s.coerce(overrides[n])
		if err == nil {
			err = s.validate(v)
		}
		if err != nil {
			return warnings, err
		}
		t.values[n] = v
	}
	return warnings, nil
}

// With returns a copy of the table (no hooks) with changes applied as Load
// applies them, to compute what a batch of changes would ask for before it
// is committed.
func (t *Table) With(changes []Change) (*Table, error) {
	t.mu.Lock()
	c := &Table{specs: t.specs, order: t.order, values: make(map[string]Value, len(t.values))}
	for n, v := range t.values {
		c.values[n] = v
	}
	t.mu.Unlock()
	vals := make(map[string]Value, len(changes))
	for _, ch := range changes {
		vals[ch.Name] = ch.New
	}
	if _, err := c.Load(vals); err != nil {
		return nil, err
	}
	return c, nil
}

// Set changes one parameter at run time.
func (t *Table) Set(name string, v Value) error { return t.SetAtomically(map[string]Value{name: v}) }

// SetAtomically changes all the given parameters, or none of them.
func (t *Table) SetAtomically(vals map[string]Value) error {
	t.mu.Lock()
	given := vals
	vals, err := t.withTwins(vals, true)
	if err != nil {
		t.mu.Unlock()
		return err
	}
	var changes []Change
	names := givenFirst(given, vals)
	for _, n := range names {
		s, ok := t.specs[n]
		if !ok {
			t.mu.Unlock()
			return fmt.Errorf("parameter '%s' is not declared by this node", n)
		}
		v, err := s.coerce(vals[n])
		if err == nil {
			err = s.validate(v)
		}
		if err != nil {
			t.mu.Unlock()
			return err
		}
		if s.ReadOnly {
			t.mu.Unlock()
			if s.ReadOnlyWhy != "" {
				return fmt.Errorf("parameter '%s' is read-only: %s", n, s.ReadOnlyWhy)
			}
			return fmt.Errorf("parameter '%s' is read-only; set it at start-up (-p %s:=... or a params file)", n, n)
		}
		if old := t.values[n]; !old.Equal(v) {
			changes = append(changes, Change{Name: n, Old: old, New: v})
		}
	}
	apply := append([]ApplyFunc(nil), t.apply...)
	t.mu.Unlock()

	if len(changes) == 0 {
		return nil
	}
	// Hooks run without the lock: they may read the table or touch devices.
	for _, fn := range apply {
		if err := fn(changes); err != nil {
			return err
		}
	}
	t.mu.Lock()
	for _, c := range changes {
		t.values[c.Name] = c.New
	}
	listeners := append([]ChangedFunc(nil), t.changed...)
	t.mu.Unlock()
	for _, fn := range listeners {
		fn(changes)
	}
	return nil
}
