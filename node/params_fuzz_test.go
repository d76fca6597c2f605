package node

import (
	"errors"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"webcam/paramserver"
	"webcam/rosparam"
)

// fuzzTopics are the node's resolved topic names, for its qos_overrides specs.
var fuzzTopics = []string{"/image_raw", "/image_raw/compressed", "/camera_info"}

// fuzzSpecs is the node's whole parameter table, as New declares it.
func fuzzSpecs() []rosparam.Spec {
	specs := append(ParamSpecs(), paramserver.StandardSpecs()...)
	return append(specs, paramserver.QoSOverrideSpecs(fuzzTopics, defaultQoS)...)
}

// FuzzParamValues sets the node's real parameters (ParamSpecs, the standard
// and qos_overrides ones) to values of any type and content, one or two at a
// time, as a live ros2 param set (SetAtomically, with or without an apply
// hook that refuses) or as start-up overrides (Load). Nothing may panic; a
// refused set leaves the table unchanged, and its error names the
// parameter; whatever the table holds afterwards is within its spec (type,
// range, step, choices, Check), and an accepted value is the value given
// (an integer widened for a double). Seeds: testdata/fuzz/FuzzParamValues.
func FuzzParamValues(f *testing.F) {
	specs := fuzzSpecs()
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.Name
	}
	f.Fuzz(func(t *testing.T, sel1, typ1, sel2, typ2, mode uint8, i int64, d float64, s string) {
		table, err := rosparam.NewTable(fuzzSpecs())
		if err != nil {
			t.Fatal(err)
		}
		pick := func(sel uint8) string {
			if int(sel) < len(names) {
				return names[sel]
			}
			return s // most likely not a parameter at all
		}
		vals := map[string]rosparam.Value{pick(sel1): fuzzValue(typ1, i, d, s)}
		if sel2 != sel1 && sel2%4 != 0 { // one parameter, or two at once
			vals[pick(sel2)] = fuzzValue(typ2, -i, d/3, strings.ToUpper(s))
		}
		before := snapshot(table)
		veto := errors.New("vetoed by the apply hook")
		var changed []string
		table.OnChanged(func(cs []rosparam.Change) {
			for _, c := range cs {
				changed = append(changed, c.Name)
			}
		})

		switch mode % 3 {
		case 0, 1: // a live set; in mode 1 a hook (a device, a server) refuses it
			if mode%3 == 1 {
				table.OnApply(func([]rosparam.Change) error { return veto })
			}
			err = table.SetAtomically(vals)
			after := snapshot(table)
			if err != nil {
				if !maps.Equal(before, after) {
					t.Fatalf("SetAtomically(%v) refused (%v) but changed the table:\n%s", vals, err, diff(before, after))
				}
				if !errors.Is(err, veto) && !namesOne(err, vals) {
					t.Fatalf("SetAtomically(%v): error %q names none of the parameters", vals, err)
				}
				if len(changed) != 0 {
					t.Fatalf("SetAtomically(%v) refused (%v) but told listeners of %v", vals, err, changed)
				}
				return
			}
			for n, v := range vals {
				spec, _ := table.Spec(n)
				if spec.ReadOnly {
					t.Fatalf("SetAtomically(%v) changed read-only %s", vals, n)
				}
				checkStored(t, table, spec, v)
			}
			for n := range after {
				if _, set := vals[n]; set || after[n] == before[n] {
					continue
				}
				// An alias and its target are one setting: the twin of a
				// given name changes with it, to the same value.
				tw := twinOf(table, n)
				if _, given := vals[tw]; tw == "" || !given || after[n] != after[tw] {
					t.Fatalf("SetAtomically(%v) changed %s too: %s → %s", vals, n, before[n], after[n])
				}
			}
			for _, n := range changed {
				if before[n] == after[n] {
					t.Fatalf("SetAtomically(%v) told listeners %s changed, but it is still %s", vals, n, after[n])
				}
			}
		case 2: // start-up overrides: read-only ones too, unknown names warned about (up to the first refusal)
			warnings, err := table.Load(vals)
			after := snapshot(table)
			for n, v := range vals {
				spec, known := table.Spec(n)
				if !known {
					if err == nil && !slices.ContainsFunc(warnings, func(w string) bool { return strings.Contains(w, "'"+n+"'") }) {
						t.Fatalf("Load(%v): unknown %q not warned about: %q", vals, n, warnings)
					}
					continue
				}
				if err == nil {
					checkStored(t, table, spec, v)
				}
			}
			if err != nil {
				if !namesOne(err, vals) {
					t.Fatalf("Load(%v): error %q names none of the parameters", vals, err)
				}
				// Load is not atomic (New exits on its error; With works on a
				// copy), but the refused value itself must not be stored.
				for n := range vals {
					if strings.Contains(err.Error(), "'"+n+"'") && after[n] != before[n] {
						t.Fatalf("Load(%v) refused %s (%v) but stored %s", vals, n, err, after[n])
					}
				}
			}
		}
		// Whatever happened, every value the table holds is within its spec.
		for _, n := range table.Names() {
			spec, _ := table.Spec(n)
			v, _ := table.Get(n)
			if why := outOfSpec(spec, v); why != "" {
				t.Fatalf("after %v: %s = %#v is out of spec: %s", vals, n, v, why)
			}
		}
	})
}

// fuzzValue is a Value of type typ (0..10: every rcl type and one beyond)
// whose contents come from the fuzzed i, d and s.
func fuzzValue(typ uint8, i int64, d float64, s string) rosparam.Value {
	v := rosparam.Value{Type: rosparam.Type(typ % 11)}
	switch v.Type {
	case rosparam.TypeBool:
		v.Bool = i&1 == 1
	case rosparam.TypeInteger:
		v.Int = i
	case rosparam.TypeDouble:
		v.Double = d
	case rosparam.TypeString:
		v.Str = s
	case rosparam.TypeByteArray:
		v.Bytes = []byte(s)
	case rosparam.TypeBoolArray:
		for _, b := range []byte(s) {
			v.BoolArray = append(v.BoolArray, b&1 == 1)
		}
	case rosparam.TypeIntegerArray:
		for _, b := range []byte(s) {
			v.IntArray = append(v.IntArray, i*int64(b))
		}
	case rosparam.TypeDoubleArray:
		for _, b := range []byte(s) {
			v.DoubleArray = append(v.DoubleArray, d*float64(b))
		}
	case rosparam.TypeStringArray:
		v.StringArray = strings.Split(s, ",")
	}
	return v
}

// checkStored: an accepted v is what the table now holds for spec, as given
// or widened from integer to double.
func checkStored(t *testing.T, table *rosparam.Table, spec rosparam.Spec, v rosparam.Value) {
	t.Helper()
	want := v
	switch {
	case spec.Default.Type == rosparam.TypeDouble && v.Type == rosparam.TypeInteger:
		want = rosparam.Double(float64(v.Int))
	case spec.Default.Type == rosparam.TypeDoubleArray && v.Type == rosparam.TypeIntegerArray:
		d := make([]float64, len(v.IntArray))
		for i, x := range v.IntArray {
			d[i] = float64(x)
		}
		want = rosparam.Doubles(d...)
	}
	got, _ := table.Get(spec.Name)
	if !got.Equal(want) {
		t.Fatalf("%s: accepted %#v but holds %#v", spec.Name, v, got)
	}
	if why := outOfSpec(spec, got); why != "" {
		t.Fatalf("%s: accepted %#v, which is out of spec: %s", spec.Name, v, why)
	}
}

// outOfSpec says why v breaks spec, or "" if it does not; written from the
// spec's fields, not from the table's own check.
func outOfSpec(spec rosparam.Spec, v rosparam.Value) string {
	if v.Type != spec.Default.Type {
		return "type " + v.Type.String() + ", declared " + spec.Default.Type.String()
	}
	if r := spec.Int; r != nil {
		if v.Int < r.From || v.Int > r.To {
			return "outside " + spec.Constraints()
		}
		if r.Step > 0 && v.Int != r.To && (v.Int-r.From)%r.Step != 0 {
			return "off the step of " + spec.Constraints()
		}
	}
	if r := spec.Float; r != nil && (math.IsNaN(v.Double) || v.Double < r.From || v.Double > r.To) {
		return "outside " + spec.Constraints()
	}
	if len(spec.Choices) > 0 && !slices.Contains(spec.Choices, v.Str) {
		return "not " + spec.Constraints()
	}
	if spec.Check != nil {
		if err := spec.Check(v); err != nil {
			return err.Error()
		}
	}
	return ""
}

func snapshot(t *rosparam.Table) map[string]string {
	out := map[string]string{}
	for _, n := range t.Names() {
		v, _ := t.Get(n)
		out[n] = v.GoString()
	}
	return out
}

func diff(a, b map[string]string) string {
	var out []string
	for k, v := range a {
		if b[k] != v {
			out = append(out, k+": "+v+" → "+b[k])
		}
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}

// namesOne: err names one of the parameters of vals, quoted as ROS does.
func namesOne(err error, vals map[string]rosparam.Value) bool {
	for n := range vals {
		if strings.Contains(err.Error(), "'"+n+"'") {
			return true
		}
	}
	return false
}

// twinOf is the parameter n is one setting with (an alias or its target).
func twinOf(table *rosparam.Table, n string) string {
	if s, _ := table.Spec(n); s.AliasOf != "" {
		return s.AliasOf
	}
	for _, name := range table.Names() {
		if s, _ := table.Spec(name); s.AliasOf == n {
			return name
		}
	}
	return ""
}
