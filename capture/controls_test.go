package capture

import (
	"slices"
	"testing"
)

func TestControlValues(t *testing.T) {
	tests := []struct {
		name   string
		value  float64
		device []float64 // values tried on the device, in order
		back   float64   // parameter value when the first is granted
	}{
		{"brightness", 128, []float64{128}, 128},
		{"brightness", -10.6, []float64{-11}, -11},
		{"exposure", 250.4, []float64{250}, 250},
		{"white_balance", 4000, []float64{4000}, 4000},
		{"autoexposure", 1, []float64{exposureAperturePriority, exposureAuto}, 1},
		{"autoexposure", 0, []float64{exposureManual}, 0},
		{"auto_white_balance", 1, []float64{1}, 1},
		{"autofocus", 0, []float64{0}, 0},
		{"autofocus", 5, []float64{1}, 1},
	}
	for _, tt := range tests {
		spec, err := lookupControl(tt.name)
		if err != nil {
			t.Fatal(err)
		}
		dev := spec.deviceValues(tt.value)
		if !slices.Equal(dev, tt.device) {
			t.Errorf("%s %g: device values %v, want %v", tt.name, tt.value, dev, tt.device)
			continue
		}
		if back := spec.paramValue(dev[0]); back != tt.back {
			t.Errorf("%s %g: read back as %g, want %g", tt.name, tt.value, back, tt.back)
		}
	}
}

func TestControlNames(t *testing.T) {
	// usb_cam's names: those of its first ROS 2 releases, then its current
	// exposure controls (a V4L2 menu and the time).
	want := []string{"brightness", "contrast", "saturation", "sharpness", "gain", "auto_white_balance",
		"white_balance", "autoexposure", "exposure", "autofocus", "focus", "auto_exposure", "exposure_time_absolute"}
	if got := ControlNames(); !slices.Equal(got, want) {
		t.Errorf("ControlNames() = %v, want usb_cam's %v", got, want)
	}
	_, err := lookupControl("zoom")
	wantErrKind(t, err, true, `"zoom"`)
	wantErrKind(t, err, true, "white_balance")
	for manual, auto := range autoOf {
		if _, err := lookupControl(manual); err != nil {
			// a device control's name: the fake UVC camera has both, the mode a boolean
			var fake FakeControls
			kinds := map[string]ControlType{}
			for _, c := range fake.DescribeControls() {
				kinds[c.Param()] = c.Type
			}
			if kinds[manual] != ControlInteger || kinds[auto] != ControlBoolean {
				t.Errorf("%s governed by %s: kinds %q, %q", manual, auto, kinds[manual], kinds[auto])
			}
			continue
		}
		if s, err := lookupControl(auto); err != nil || (!s.isBool && auto != "auto_exposure") {
			t.Errorf("%s: %+v, %v; want a boolean control (or auto_exposure's menu)", auto, s, err)
		}
	}
}
