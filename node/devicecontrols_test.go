package node

import (
	"strings"
	"testing"

	"webcam/capture"
	"webcam/rosparam"
)

func fakeControl(t *testing.T, name string) capture.ControlInfo {
	t.Helper()
	var f capture.FakeControls
	for _, c := range f.DescribeControls() {
		if c.Param() == name {
			return c
		}
	}
	t.Fatalf("the fake camera has no %s", name)
	return capture.ControlInfo{}
}

func TestDeviceSpec(t *testing.T) {
	plf := deviceSpec(fakeControl(t, "power_line_frequency"))
	if plf.Default.Int != 1 || *plf.Int != (rosparam.IntRange{From: 0, To: 2, Step: 1}) || len(plf.Menu) != 3 ||
		!strings.Contains(plf.Description, "0: Disabled, 1: 50 Hz, 2: 60 Hz; default 1 (50 Hz)") || plf.Group != groupControls {
		t.Fatalf("power_line_frequency: %+v", plf)
	}
	pan := deviceSpec(fakeControl(t, "pan_absolute"))
	if *pan.Int != (rosparam.IntRange{From: -36000, To: 36000, Step: 3600}) || pan.Menu != nil {
		t.Fatalf("pan_absolute: %+v", pan)
	}
	awb := deviceSpec(fakeControl(t, "white_balance_automatic"))
	if !awb.Default.Equal(rosparam.Bool(true)) || awb.Int != nil || !strings.Contains(awb.Description, "true or false; default true") {
		t.Fatalf("white_balance_automatic: %+v", awb)
	}
	wbt := deviceSpec(fakeControl(t, "white_balance_temperature"))
	if !strings.Contains(wbt.Description, "inactive while white_balance_automatic is on") {
		t.Fatalf("white_balance_temperature: %q", wbt.Description)
	}
	ro := deviceSpec(capture.ControlInfo{ID: 1, Name: "Pixel Rate", Type: capture.ControlInteger, Min: 0, Max: 9, Step: 1, ReadOnly: true})
	if !ro.ReadOnly || ro.ReadOnlyWhy == "" || ro.Name != "pixel_rate" {
		t.Fatalf("read-only control: %+v", ro)
	}
	// A driver default off its own step keeps the range, without the step.
	odd := deviceSpec(capture.ControlInfo{Name: "Odd", Type: capture.ControlInteger, Min: 0, Max: 100, Step: 10, Default: 5})
	if odd.Int.Step != 1 {
		t.Fatalf("odd default: %+v", odd.Int)
	}
}

// The parameter layer refuses what the device would, naming the value and
// what is allowed, before the driver sees it.
func TestDeviceControlRefusals(t *testing.T) {
	ro := capture.ControlInfo{ID: 1, Name: "Pixel Rate", Type: capture.ControlInteger, Min: 0, Max: 9, Step: 1, ReadOnly: true}
	specs := []rosparam.Spec{deviceSpec(fakeControl(t, "gamma")), deviceSpec(fakeControl(t, "pan_absolute")),
		deviceSpec(fakeControl(t, "auto_exposure")), deviceSpec(fakeControl(t, "power_line_frequency")), deviceSpec(ro)}
	tab, err := rosparam.NewTable(specs)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		v    rosparam.Value
		want string // "" = accepted
	}{
		{"gamma", rosparam.Int(200), ""},
		{"gamma", rosparam.Int(301), "301 is not allowed (allowed: 100..300)"},
		{"pan_absolute", rosparam.Int(7200), ""},
		{"pan_absolute", rosparam.Int(100), "100 is not allowed (allowed: -36000..36000 in steps of 3600)"},
		{"auto_exposure", rosparam.Int(1), ""},
		{"auto_exposure", rosparam.Int(2), "2 is not a menu entry (allowed: one of 1: Manual Mode, 3: Aperture Priority Mode)"},
		{"power_line_frequency", rosparam.Int(7), "allowed: one of 0: Disabled, 1: 50 Hz, 2: 60 Hz"},
		{"pixel_rate", rosparam.Int(3), "read-only: the camera reports this control as read-only"},
	} {
		err := tab.Set(c.name, c.v)
		if (c.want == "") != (err == nil) || (err != nil && (!strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.name))) {
			t.Errorf("%s=%s: error %v, want %q", c.name, c.v, err, c.want)
		}
	}
}

// describer is a source whose controls are given, for refuseInactive.
type describer struct {
	capture.Source
	infos []capture.ControlInfo
}

func (d describer) DescribeControls() []capture.ControlInfo { return d.infos }

// A device control the camera flags inactive, with no automatic mode the
// node knows, is refused with the reason; one with a known mode is left to
// inactive(), which allows turning the mode off in the same call.
func TestRefuseInactiveFlag(t *testing.T) {
	iris := capture.ControlInfo{ID: 0x9a0911, Name: "Iris, Absolute", Type: capture.ControlInteger, Min: 0, Max: 10, Step: 1, Value: 4, Inactive: true}
	wbt := fakeControl(t, "white_balance_temperature") // inactive: auto white balance is on
	n := &Node{}
	n.dev.declared = map[string]capture.ControlInfo{"iris_absolute": iris, "white_balance_temperature": wbt}
	src := describer{infos: []capture.ControlInfo{iris, wbt}}
	err := n.refuseInactive(src, []rosparam.Change{{Name: "iris_absolute", New: rosparam.Int(5)}})
	if err == nil || !strings.Contains(err.Error(), "iris_absolute inactive now") || !strings.Contains(err.Error(), "stays 4") {
		t.Fatalf("inactive iris: %v", err)
	}
	if err := n.refuseInactive(src, []rosparam.Change{{Name: "white_balance_temperature", New: rosparam.Int(5000)}}); err != nil {
		t.Fatalf("a control with a known automatic mode: %v", err)
	}
	tab, _ := rosparam.NewTable([]rosparam.Spec{deviceSpec(fakeControl(t, "white_balance_automatic")), deviceSpec(wbt)})
	if why := inactive(tab, "white_balance_temperature"); !strings.Contains(why, "inactive while white_balance_automatic is true") {
		t.Fatalf("inactive(): %q", why)
	}
	next, _ := tab.With([]rosparam.Change{{Name: "white_balance_automatic", New: rosparam.Bool(false)}})
	if why := inactive(next, "white_balance_temperature"); why != "" {
		t.Fatalf("with the mode turned off in the same call: %q", why)
	}
}
