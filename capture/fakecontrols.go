package capture

import (
	"fmt"
	"sync"
)

// FakeControls is a camera's control set held in memory, with a UVC
// webcam's ranges and the V4L2 rule that a manual value is inactive while
// its automatic mode is on: the same answers a Controller gives, for tests
// of control handling without a camera (faulty://?controls=fake).
type FakeControls struct {
	mu     sync.Mutex
	values map[string]float64
}

// fakeRanges are a typical UVC webcam's ranges, in the parameters' terms.
var fakeRanges = map[string][2]float64{
	"brightness": {-64, 64}, "contrast": {0, 95}, "saturation": {0, 100}, "sharpness": {0, 7}, "gain": {0, 100},
	"auto_white_balance": {0, 1}, "white_balance": {2800, 6500},
	"autoexposure": {0, 1}, "exposure": {1, 5000}, "auto_exposure": {0, 3}, "exposure_time_absolute": {1, 5000},
	"autofocus": {0, 1}, "focus": {0, 255},
}

// Controls lists the control parameters the fake camera has: all of them.
func (f *FakeControls) Controls() []string { return ControlNames() }

// SetControl sets name to value as a camera would, or says why not.
func (f *FakeControls) SetControl(name string, value float64) (float64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.values == nil {
		f.values = map[string]float64{"auto_white_balance": 1, "autoexposure": 1, "auto_exposure": 3, "exposure": 156, "exposure_time_absolute": 156, "white_balance": 4600}
	}
	r, ok := fakeRanges[name]
	if !ok {
		return 0, fmt.Errorf("%s: %w", name, ErrNoControl)
	}
	if value < r[0] || value > r[1] {
		return f.values[name], fmt.Errorf("%s %g is outside the camera's range %g..%g", name, value, r[0], r[1])
	}
	if auto, ok := autoOf[name]; ok && f.autoOn(auto) {
		return f.values[name], fmt.Errorf("the camera kept %s at %g (asked %g); %s is inactive while %s is on: set %s to false first",
			name, f.values[name], value, name, auto, auto)
	}
	f.values[name] = value
	switch name { // the two spellings of the exposure controls are one control
	case "autoexposure":
		f.values["auto_exposure"] = map[bool]float64{true: 3, false: 1}[value != 0]
	case "auto_exposure":
		f.values["autoexposure"] = map[bool]float64{true: 0, false: 1}[value == 1]
	case "exposure":
		f.values["exposure_time_absolute"] = value
	case "exposure_time_absolute":
		f.values["exposure"] = value
	}
	return value, nil
}

// autoOn reports whether the automatic mode auto is on; call with mu held.
func (f *FakeControls) autoOn(auto string) bool {
	if auto == "auto_exposure" {
		return f.values[auto] != 1 // 1 is manual
	}
	return f.values[auto] != 0
}
