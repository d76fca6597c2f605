package capture

import (
	"fmt"
	"sync"
)

// FakeControls is a camera's control set held in memory: a UVC webcam's
// controls with their V4L2 ids, names, ranges, menus and defaults, and the
// V4L2 rule that a manual value is inactive while its automatic mode is on.
// It answers as the v4l2 source does, Controller and ControlDescriber both,
// for tests of control handling without a camera (faulty://?controls=fake).
type FakeControls struct {
	mu       sync.Mutex
	controls []ControlInfo // nil until first used: fakeUVC's
}

// fakeUVC is a typical UVC webcam's set, as uvcvideo names them (Linux ≥ 5.16).
var fakeUVC = []ControlInfo{
	{ID: 0x980900, Name: "Brightness", Type: ControlInteger, Min: -64, Max: 64, Step: 1},
	{ID: 0x980901, Name: "Contrast", Type: ControlInteger, Min: 0, Max: 95, Step: 1, Default: 32},
	{ID: 0x980902, Name: "Saturation", Type: ControlInteger, Min: 0, Max: 100, Step: 1, Default: 64},
	{ID: 0x980903, Name: "Hue", Type: ControlInteger, Min: -2000, Max: 2000, Step: 1},
	{ID: 0x98090c, Name: "White Balance, Automatic", Type: ControlBoolean, Min: 0, Max: 1, Step: 1, Default: 1},
	{ID: 0x980910, Name: "Gamma", Type: ControlInteger, Min: 100, Max: 300, Step: 1, Default: 100},
	{ID: 0x980913, Name: "Gain", Type: ControlInteger, Min: 0, Max: 100, Step: 1},
	{ID: 0x980918, Name: "Power Line Frequency", Type: ControlMenu, Min: 0, Max: 2, Step: 1, Default: 1,
		Entries: []MenuEntry{{0, "Disabled"}, {1, "50 Hz"}, {2, "60 Hz"}}},
	{ID: 0x98091a, Name: "White Balance Temperature", Type: ControlInteger, Min: 2800, Max: 6500, Step: 10, Default: 4600},
	{ID: 0x98091b, Name: "Sharpness", Type: ControlInteger, Min: 0, Max: 7, Step: 1, Default: 3},
	{ID: 0x98091c, Name: "Backlight Compensation", Type: ControlInteger, Min: 0, Max: 2, Step: 1, Default: 1},
	// The UVC exposure menu: 0 (auto) and 2 (shutter priority) exist in
	// V4L2 but not on these cameras, so the menu has holes.
	{ID: 0x9a0901, Name: "Auto Exposure", Type: ControlMenu, Min: 0, Max: 3, Step: 1, Default: 3,
		Entries: []MenuEntry{{1, "Manual Mode"}, {3, "Aperture Priority Mode"}}},
	{ID: 0x9a0902, Name: "Exposure Time, Absolute", Type: ControlInteger, Min: 3, Max: 2047, Step: 1, Default: 250},
	{ID: 0x9a0903, Name: "Exposure, Dynamic Framerate", Type: ControlBoolean, Min: 0, Max: 1, Step: 1},
	{ID: 0x9a0908, Name: "Pan, Absolute", Type: ControlInteger, Min: -36000, Max: 36000, Step: 3600},
	{ID: 0x9a0909, Name: "Tilt, Absolute", Type: ControlInteger, Min: -36000, Max: 36000, Step: 3600},
	{ID: 0x9a090a, Name: "Focus, Absolute", Type: ControlInteger, Min: 0, Max: 250, Step: 5},
	{ID: 0x9a090c, Name: "Focus, Automatic Continuous", Type: ControlBoolean, Min: 0, Max: 1, Step: 1, Default: 1},
	{ID: 0x9a090d, Name: "Zoom, Absolute", Type: ControlInteger, Min: 100, Max: 500, Step: 1, Default: 100},
}

// fakeAuto maps a manual control's id to its automatic mode's id and the
// mode's value that means manual.
var fakeAuto = map[uint32]struct {
	auto   uint32
	manual int
}{
	0x98091a: {0x98090c, 0}, // white balance temperature: white balance automatic off
	0x9a0902: {0x9a0901, 1}, // exposure time: auto exposure 1 (manual)
	0x9a090a: {0x9a090c, 0}, // focus: continuous autofocus off
}

// Controls lists usb_cam's control names, which the fake camera all has.
func (f *FakeControls) Controls() []string { return ControlNames() }

// DescribeControls lists the fake camera's controls as V4L2 describes
// them, with current values and inactive flags.
func (f *FakeControls) DescribeControls() []ControlInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.init()
	out := make([]ControlInfo, len(f.controls))
	for i, c := range f.controls {
		c.Inactive = f.inactive(c.ID)
		out[i] = c
	}
	return out
}

// SetControl sets a control, by usb_cam's name or the device's, as a
// camera would, or says why not.
func (f *FakeControls) SetControl(name string, value float64) (float64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.init()
	spec, err := lookupControl(name)
	usbCam := err == nil // else a device control's name
	i := -1
	for j, c := range f.controls {
		if (usbCam && c.ID == spec.cid) || (!usbCam && c.Param() == name) {
			i = j
		}
	}
	if i < 0 {
		return 0, fmt.Errorf("%s: %w", name, ErrNoControl)
	}
	c := &f.controls[i]
	want := []float64{value}
	if usbCam {
		want = spec.deviceValues(value)
	}
	granted := func() float64 {
		if usbCam {
			return spec.paramValue(float64(c.Value))
		}
		return float64(c.Value)
	}
	for _, v := range want {
		if err = c.CheckValue(int(v)); err != nil {
			continue
		}
		if f.inactive(c.ID) {
			auto := autoModeOfID(c.ID, name)
			return granted(), fmt.Errorf("the camera kept %s at %g (asked %g); %s is inactive while %s is on: set %s to false first",
				name, granted(), value, name, auto, auto)
		}
		c.Value = int(v)
		return granted(), nil
	}
	return granted(), err
}

// autoModeOfID names the automatic mode governing a control asked for as
// name: usb_cam's when name is usb_cam's, else the device's.
func autoModeOfID(id uint32, name string) string {
	if auto, ok := AutoModeOf(name); ok {
		return auto
	}
	if a, ok := fakeAuto[id]; ok {
		for _, c := range fakeUVC {
			if c.ID == a.auto {
				return c.Param()
			}
		}
	}
	return "its automatic mode"
}

// init sets the controls to their defaults once; call with mu held.
func (f *FakeControls) init() {
	if f.controls != nil {
		return
	}
	f.controls = make([]ControlInfo, len(fakeUVC))
	for i, c := range fakeUVC {
		c.Value = c.Default
		f.controls[i] = c
	}
}

// inactive reports whether control id's automatic mode is on; call with mu
// held.
func (f *FakeControls) inactive(id uint32) bool {
	a, ok := fakeAuto[id]
	if !ok {
		return false
	}
	for _, c := range f.controls {
		if c.ID == a.auto {
			return c.Value != a.manual
		}
	}
	return false
}
