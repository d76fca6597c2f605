package rosparam

import (
	"strings"
	"testing"
)

func TestDeclareAndUndeclare(t *testing.T) {
	tab, _ := NewTable(testSpecs())
	var seen []Change
	tab.OnChanged(func(c []Change) { seen = append(seen, c...) })
	menu := Spec{Name: "plf", Default: Int(1), Int: &IntRange{From: 0, To: 2, Step: 1},
		Menu: []MenuEntry{{0, "Disabled"}, {1, "50 Hz"}, {2, "60 Hz"}}}
	alias := menu
	alias.Name, alias.AliasOf = "power_line", "plf"
	if err := tab.Declare([]Spec{menu, alias}, map[string]Value{"plf": Int(2), "power_line": Int(2)}); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || !seen[0].Declared || seen[0].Old.Type != TypeNotSet {
		t.Fatalf("declaration changes: %+v", seen)
	}
	if err := tab.Set("plf", Int(3)); err == nil || !strings.Contains(err.Error(), "0: Disabled, 1: 50 Hz, 2: 60 Hz") {
		t.Fatalf("value outside the menu: %v", err)
	}
	if err := tab.Set("power_line", Int(0)); err != nil {
		t.Fatal(err)
	}
	if v, _ := tab.Get("plf"); v.Int != 0 {
		t.Fatalf("alias did not set its target: %s", v)
	}
	if err := tab.Undeclare("plf"); err == nil {
		t.Fatal("undeclared a target while its alias stays")
	}
	seen = nil
	if err := tab.Undeclare("plf", "power_line", "nope"); err != nil {
		t.Fatal(err)
	}
	if _, ok := tab.Spec("plf"); ok || len(seen) != 2 || seen[0].New.Type != TypeNotSet {
		t.Fatalf("after undeclare: %+v", seen)
	}
	ro := Spec{Name: "rate", Default: Int(5), ReadOnly: true, ReadOnlyWhy: "the camera reports it"}
	if err := tab.Declare([]Spec{ro}, nil); err != nil {
		t.Fatal(err)
	}
	if err := tab.Set("rate", Int(6)); err == nil || !strings.Contains(err.Error(), "read-only: the camera reports it") {
		t.Fatalf("read-only: %v", err)
	}
	if err := tab.Declare([]Spec{{Name: "width", Default: Int(0), Int: &IntRange{From: 0, To: 10}}}, map[string]Value{"width": Int(11)}); err == nil {
		t.Fatal("declared a value outside its range")
	}
}
