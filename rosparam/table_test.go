package rosparam

import (
	"strings"
	"testing"
)

func testSpecs() []Spec {
	return []Spec{
		{Name: "width", Default: Int(640), Int: &IntRange{From: 16, To: 8192}},
		{Name: "step", Default: Int(90), Int: &IntRange{From: 0, To: 270, Step: 90}},
		{Name: "fps", Default: Double(30), Float: &FloatRange{From: 0.1, To: 1000}},
		{Name: "fmt", Default: String("mjpeg"), Choices: []string{"mjpeg", "yuyv"}},
		{Name: "name", Default: String("cam"), ReadOnly: true},
		{Name: "on", Default: Bool(true)},
	}
}

func TestSetValidation(t *testing.T) {
	cases := []struct {
		name    string
		param   string
		value   Value
		wantErr string // "" = accepted
		want    Value
	}{
		{"in range", "width", Int(1280), "", Int(1280)},
		{"below range", "width", Int(8), "16..8192", Int(640)},
		{"above range", "width", Int(9000), "16..8192", Int(640)},
		{"wrong type", "width", String("wide"), "is of type integer", Int(640)},
		{"step ok", "step", Int(180), "", Int(180)},
		{"step off grid", "step", Int(100), "steps of 90", Int(90)},
		{"double", "fps", Double(15), "", Double(15)},
		{"int widens to double", "fps", Int(15), "", Double(15)},
		{"double out of range", "fps", Double(0), "0.1..1000", Double(30)},
		{"choice ok", "fmt", String("yuyv"), "", String("yuyv")},
		{"choice bad", "fmt", String("h264"), "one of: mjpeg, yuyv", String("mjpeg")},
		{"read-only", "name", String("x"), "read-only", String("cam")},
		{"bool from int", "on", Int(0), "is of type bool", Bool(true)},
		{"undeclared", "nope", Int(1), "not declared", Value{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tab, err := NewTable(testSpecs())
			if err != nil {
				t.Fatal(err)
			}
			err = tab.Set(c.param, c.value)
			if c.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
				t.Fatalf("error %v, want one containing %q", err, c.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), c.param) {
				t.Fatalf("error %q does not name the parameter %q", err, c.param)
			}
			got, _ := tab.Get(c.param)
			if !got.Equal(c.want) {
				t.Fatalf("value now %#v, want %#v", got, c.want)
			}
		})
	}
}

func TestSetAtomicallyAllOrNothing(t *testing.T) {
	tab, _ := NewTable(testSpecs())
	var seen []Change
	tab.OnChanged(func(c []Change) { seen = append(seen, c...) })
	err := tab.SetAtomically(map[string]Value{"width": Int(800), "fps": Double(-1)})
	if err == nil {
		t.Fatal("a batch with one bad value must fail")
	}
	if v, _ := tab.Get("width"); v.Int != 640 {
		t.Fatalf("width changed to %d despite the failed batch", v.Int)
	}
	if err := tab.SetAtomically(map[string]Value{"width": Int(800), "fps": Double(10)}); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 {
		t.Fatalf("listeners saw %d changes, want 2", len(seen))
	}
}

func TestApplyHookVetoKeepsOldValue(t *testing.T) {
	tab, _ := NewTable(testSpecs())
	tab.OnApply(func([]Change) error { return errString("device refused") })
	if err := tab.Set("width", Int(320)); err == nil || !strings.Contains(err.Error(), "device refused") {
		t.Fatalf("got %v", err)
	}
	if v, _ := tab.Get("width"); v.Int != 640 {
		t.Fatal("vetoed value was stored")
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestLoadOverrides(t *testing.T) {
	tab, _ := NewTable(testSpecs())
	warn, err := tab.Load(map[string]Value{"name": String("front"), "fps": Int(60), "typo_width": Int(3)})
	if err != nil {
		t.Fatal(err)
	}
	if len(warn) != 1 || !strings.Contains(warn[0], "typo_width") {
		t.Fatalf("warnings %q, want one naming typo_width", warn)
	}
	if v, _ := tab.Get("name"); v.Str != "front" {
		t.Fatal("read-only parameters must be settable at load")
	}
	if v, _ := tab.Get("fps"); v.Type != TypeDouble || v.Double != 60 {
		t.Fatalf("fps = %#v", v)
	}
	if _, err := tab.Load(map[string]Value{"width": Int(1)}); err == nil || !strings.Contains(err.Error(), "width") {
		t.Fatalf("bad override: %v", err)
	}
}

func TestDuplicateAndBadDefault(t *testing.T) {
	if _, err := NewTable([]Spec{{Name: "a", Default: Int(1)}, {Name: "a", Default: Int(2)}}); err == nil {
		t.Fatal("duplicate accepted")
	}
	if _, err := NewTable([]Spec{{Name: "a", Default: Int(0), Int: &IntRange{From: 1, To: 2}}}); err == nil {
		t.Fatal("out-of-range default accepted")
	}
}

func TestWithLeavesTheTableAlone(t *testing.T) {
	tab, _ := NewTable(testSpecs())
	next, err := tab.With([]Change{{Name: "width", New: Int(800)}, {Name: "name", New: String("rear")}})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := next.Get("width"); v.Int != 800 {
		t.Fatalf("copy has width %d", v.Int)
	}
	if v, _ := next.Get("name"); v.Str != "rear" {
		t.Fatal("read-only values are applied in the copy, as at load")
	}
	if v, _ := tab.Get("width"); v.Int != 640 {
		t.Fatalf("original changed to %d", v.Int)
	}
	if _, err := tab.With([]Change{{Name: "width", New: Int(1)}}); err == nil {
		t.Fatal("an invalid change must fail")
	}
}

// An alias and its target are one setting: set either and both change, in
// one batch; at start-up the target wins when both are given.
func TestAliases(t *testing.T) {
	specs := func() []Spec {
		return []Spec{
			{Name: "image_raw.compressed.jpeg_quality", Default: Int(80), Int: &IntRange{From: 1, To: 100}},
			{Name: "jpeg_quality", Default: Int(80), Int: &IntRange{From: 1, To: 100}, AliasOf: "image_raw.compressed.jpeg_quality"},
		}
	}
	tab, err := NewTable(specs())
	if err != nil {
		t.Fatal(err)
	}
	var batches [][]Change
	tab.OnChanged(func(c []Change) { batches = append(batches, c) })
	for _, tc := range []struct {
		set     map[string]Value
		want    int64
		wantErr string
	}{
		{map[string]Value{"jpeg_quality": Int(50)}, 50, ""},
		{map[string]Value{"image_raw.compressed.jpeg_quality": Int(60)}, 60, ""},
		{map[string]Value{"jpeg_quality": Int(70), "image_raw.compressed.jpeg_quality": Int(70)}, 70, ""},
		{map[string]Value{"jpeg_quality": Int(10), "image_raw.compressed.jpeg_quality": Int(20)}, 70, "one setting"},
		{map[string]Value{"jpeg_quality": Int(0)}, 70, "1..100"},
	} {
		err := tab.SetAtomically(tc.set)
		if (err == nil) != (tc.wantErr == "") || err != nil && !strings.Contains(err.Error(), tc.wantErr) {
			t.Fatalf("set %v: %v, want error %q", tc.set, err, tc.wantErr)
		}
		a, _ := tab.Get("jpeg_quality")
		b, _ := tab.Get("image_raw.compressed.jpeg_quality")
		if a.Int != tc.want || b.Int != tc.want {
			t.Fatalf("after %v: %d and %d, want both %d", tc.set, a.Int, b.Int, tc.want)
		}
	}
	if len(batches) != 3 || len(batches[0]) != 2 {
		t.Fatalf("change batches %v, want 3 batches of both names", batches)
	}
	// Start-up: the target wins over its alias.
	tab, _ = NewTable(specs())
	if _, err := tab.Load(map[string]Value{"jpeg_quality": Int(30), "image_raw.compressed.jpeg_quality": Int(90)}); err != nil {
		t.Fatal(err)
	}
	if a, _ := tab.Get("jpeg_quality"); a.Int != 90 {
		t.Fatalf("jpeg_quality %d after loading both, want the target's 90", a.Int)
	}
	bad := specs()
	bad[1].Default = Int(95)
	if _, err := NewTable(bad); err == nil || !strings.Contains(err.Error(), "same default") {
		t.Fatalf("alias with another default: %v", err)
	}
}

// Only declared names have twins: an empty or unknown name is no alias of
// every parameter without one (the fuzzer found Load({"": 0}) setting
// autoexposure).
func TestNoTwinForUndeclaredNames(t *testing.T) {
	tab, err := NewTable([]Spec{
		{Name: "a", Default: Bool(true)},
		{Name: "b", Default: Int(1)},
		{Name: "c", Default: Int(1), AliasOf: "b"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"", "zzz", "a"} {
		if tw := tab.twin(name); tw != "" {
			t.Errorf("twin(%q) = %q, want none", name, tw)
		}
	}
	if warnings, err := tab.Load(map[string]Value{"": Int(0)}); err != nil || len(warnings) != 1 {
		t.Fatalf("Load of an empty name: %v, %v; want one warning", warnings, err)
	}
}
