package capture

import (
	"strings"
	"testing"
)

func TestControlParamName(t *testing.T) {
	for _, c := range []struct{ driver, want string }{
		{"Power Line Frequency", "power_line_frequency"},
		{"Exposure Time, Absolute", "exposure_time_absolute"},
		{"White Balance, Automatic", "white_balance_automatic"},
		{"Exposure (Absolute)", "exposure_absolute"},
		{"Focus, Automatic Continuous", "focus_automatic_continuous"},
		{"  Gain  ", "gain"},
		{"Integer 64 Bit", "integer_64_bit"},
		{"LED1 Mode", "led1_mode"},
		{"Brightness", "brightness"},
		{"Zoom, Absolute", "zoom_absolute"},
		{"Température", "temp_rature"}, // v4l2-ctl's isalnum is ASCII only
		{"", ""},
	} {
		if got := ControlParamName(c.driver); got != c.want {
			t.Errorf("ControlParamName(%q) = %q, want %q", c.driver, got, c.want)
		}
	}
}

func TestCheckValue(t *testing.T) {
	plf := ControlInfo{Name: "Power Line Frequency", Type: ControlMenu, Min: 0, Max: 2, Step: 1,
		Entries: []MenuEntry{{0, "Disabled"}, {1, "50 Hz"}, {2, "60 Hz"}}}
	ae := ControlInfo{Name: "Auto Exposure", Type: ControlMenu, Min: 0, Max: 3, Step: 1,
		Entries: []MenuEntry{{1, "Manual Mode"}, {3, "Aperture Priority Mode"}}}
	pan := ControlInfo{Name: "Pan, Absolute", Type: ControlInteger, Min: -36000, Max: 36000, Step: 3600}
	ro := ControlInfo{Name: "Pixel Rate", Type: ControlInteger, Min: 0, Max: 10, Step: 1, ReadOnly: true}
	for _, c := range []struct {
		ctl  ControlInfo
		v    int
		want string // "" = accepted
	}{
		{plf, 2, ""},
		{plf, 3, "not one of the camera's entries (0: Disabled, 1: 50 Hz, 2: 60 Hz)"},
		{ae, 3, ""},
		{ae, 2, "auto_exposure 2 is not one of the camera's entries (1: Manual Mode, 3: Aperture Priority Mode)"},
		{pan, 7200, ""},
		{pan, 100, "pan_absolute 100 is outside the camera's range -36000..36000 in steps of 3600"},
		{pan, 40000, "outside"},
		{ro, 1, "pixel_rate is read-only"},
	} {
		err := c.ctl.CheckValue(c.v)
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s %d: error %v, want %q", c.ctl.Param(), c.v, err, c.want)
		}
	}
}

// The fake camera describes its controls as the V4L2 path does: names,
// menus, and the inactive flag following the automatic modes.
func TestFakeControlsDescribe(t *testing.T) {
	var f FakeControls
	find := func(name string) ControlInfo {
		for _, c := range f.DescribeControls() {
			if c.Param() == name {
				return c
			}
		}
		t.Fatalf("no %s control", name)
		return ControlInfo{}
	}
	if c := find("power_line_frequency"); c.MenuText() != "0: Disabled, 1: 50 Hz, 2: 60 Hz" || c.Value != 1 {
		t.Fatalf("power_line_frequency: %+v", c)
	}
	if !find("white_balance_temperature").Inactive || !find("exposure_time_absolute").Inactive {
		t.Fatal("manual controls must be inactive while their automatic modes are on")
	}
	if _, err := f.SetControl("white_balance_temperature", 5000); err == nil {
		t.Fatal("an inactive control was set")
	}
	if _, err := f.SetControl("white_balance_automatic", 0); err != nil {
		t.Fatal(err)
	}
	if got, err := f.SetControl("white_balance", 5000); err != nil || got != 5000 {
		t.Fatalf("usb_cam's name: %g %v", got, err)
	}
	if c := find("white_balance_temperature"); c.Inactive || c.Value != 5000 {
		t.Fatalf("white_balance_temperature after auto off: %+v", c)
	}
	if got, err := f.SetControl("autoexposure", 0); err != nil || got != 0 || find("auto_exposure").Value != 1 {
		t.Fatalf("autoexposure false → auto_exposure 1: %g %v", got, err)
	}
	if _, err := f.SetControl("auto_exposure", 2); err == nil || !strings.Contains(err.Error(), "1: Manual Mode, 3: Aperture Priority Mode") {
		t.Fatalf("auto_exposure 2: %v", err)
	}
	if _, err := f.SetControl("iris_absolute", 1); err == nil {
		t.Fatal("a control the camera lacks was set")
	}
	if a, ok := UsbCamAlias("white_balance", f.DescribeControls()); !ok || a.Param() != "white_balance_temperature" {
		t.Fatalf("UsbCamAlias(white_balance) = %v %v", a.Param(), ok)
	}
	if _, ok := UsbCamAlias("autoexposure", f.DescribeControls()); ok {
		t.Fatal("autoexposure (a boolean over a menu) must not be an alias")
	}
	if _, ok := UsbCamAlias("brightness", f.DescribeControls()); ok {
		t.Fatal("brightness is the device control's own name, not an alias")
	}
}
