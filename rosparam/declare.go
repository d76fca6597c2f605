package rosparam

import (
	"fmt"
	"maps"
	"slices"
)

// Parameters declared while the node runs (a camera's own controls, known
// only once it is open), as rclcpp's declare_parameter and
// undeclare_parameter allow after start-up.

// Declare declares specs, or declares again parameters of the same names
// with new bounds and descriptions, with the given values (a spec's default
// where none is given): all or none. Listeners (OnChanged) are told in one
// batch of Declared changes: a new parameter has Old not set; a parameter
// declared again is listed when its value changed. No apply hook runs: the
// caller has the values from (or has given them to) whatever they drive.
func (t *Table) Declare(specs []Spec, values map[string]Value) error {
	t.mu.Lock()
	next := maps.Clone(t.specs)
	order := slices.Clone(t.order)
	for i := range specs {
		s := specs[i]
		if _, had := next[s.Name]; !had {
			order = append(order, s.Name)
		}
		next[s.Name] = &s
	}
	vals := map[string]Value{}
	var changes []Change
	for _, s := range specs {
		sp := next[s.Name]
		if err := sp.validate(sp.Default); err != nil {
			t.mu.Unlock()
			return fmt.Errorf("default: %w", err)
		}
		v, ok := values[s.Name]
		if !ok {
			v = s.Default
		}
		v, err := sp.coerce(v)
		if err == nil {
			err = sp.validate(v)
		}
		if err != nil {
			t.mu.Unlock()
			return err
		}
		vals[s.Name] = v
		if old, had := t.values[s.Name]; !had || !old.Equal(v) {
			changes = append(changes, Change{Name: s.Name, Old: old, New: v, Declared: true})
		}
	}
	for _, s := range specs {
		if s.AliasOf == "" {
			continue
		}
		target, ok := next[s.AliasOf]
		tv, given := vals[s.AliasOf]
		if !given {
			tv = t.values[s.AliasOf]
		}
		if !ok || target.AliasOf != "" || !target.Default.Equal(s.Default) || !tv.Equal(vals[s.Name]) {
			t.mu.Unlock()
			return fmt.Errorf("parameter '%s' is an alias of '%s', which must be declared with the same default and value and be no alias itself", s.Name, s.AliasOf)
		}
	}
	t.specs, t.order = next, order
	maps.Copy(t.values, vals)
	listeners := slices.Clone(t.changed)
	t.mu.Unlock()
	notify(listeners, changes)
	return nil
}

// Undeclare removes the named parameters (names not declared are skipped).
// Listeners are told in one batch of Declared changes whose New is not set.
// An alias whose target goes must go in the same call.
func (t *Table) Undeclare(names ...string) error {
	t.mu.Lock()
	next := maps.Clone(t.specs)
	var changes []Change
	for _, n := range names {
		if _, ok := next[n]; ok {
			delete(next, n)
			changes = append(changes, Change{Name: n, Old: t.values[n], Declared: true})
		}
	}
	for _, s := range next {
		if _, gone := t.specs[s.AliasOf]; gone && s.AliasOf != "" && next[s.AliasOf] == nil {
			t.mu.Unlock()
			return fmt.Errorf("parameter '%s' cannot be undeclared while its alias '%s' stays", s.AliasOf, s.Name)
		}
	}
	t.specs = next
	t.order = slices.DeleteFunc(slices.Clone(t.order), func(n string) bool { return next[n] == nil })
	for _, c := range changes {
		delete(t.values, c.Name)
	}
	listeners := slices.Clone(t.changed)
	t.mu.Unlock()
	notify(listeners, changes)
	return nil
}

func notify(listeners []ChangedFunc, changes []Change) {
	if len(changes) == 0 {
		return
	}
	for _, fn := range listeners {
		fn(changes)
	}
}
