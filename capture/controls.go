package capture

import (
	"errors"
	"sort"
	"strings"

	"gocv.io/x/gocv"
)

// Controller is implemented by sources with camera controls (the v4l2
// source). Names are usb_cam's parameter names (see ControlNames) or, on a
// ControlDescriber, the device's own (ControlParamName). Values are the
// device's own units, as v4l2-ctl shows them, except the booleans
// autoexposure, auto_white_balance and autofocus, which are 0 or 1.
//
// SetControl applies a value and reads it back. It returns the value now in
// effect; a non-nil error with a granted value means the device refused or
// changed it (worth a warning, not fatal). Call it from the goroutine that
// reads the source, between frames (stream.Runner.Do does this).
type Controller interface {
	SetControl(name string, value float64) (granted float64, err error)
	// Controls lists the control names this device has.
	Controls() []string
}

// ErrNoControl is wrapped by SetControl when the device has no such control.
var ErrNoControl = errors.New("the camera has no such control")

// controlSpec maps a parameter name to OpenCV's property and the V4L2
// control OpenCV drives with it.
type controlSpec struct {
	name   string
	prop   gocv.VideoCaptureProperties
	cid    uint32 // V4L2_CID_*
	isBool bool
}

var controlSpecs = []controlSpec{
	{"brightness", gocv.VideoCaptureBrightness, 0x980900, false},
	{"contrast", gocv.VideoCaptureContrast, 0x980901, false},
	{"saturation", gocv.VideoCaptureSaturation, 0x980902, false},
	{"sharpness", gocv.VideoCaptureSharpness, 0x98091b, false},
	{"gain", gocv.VideoCaptureGain, 0x980913, false},
	{"auto_white_balance", gocv.VideoCaptureAutoWB, 0x98090c, true},
	{"white_balance", gocv.VideoCaptureWBTemperature, 0x98091a, false},
	{"autoexposure", gocv.VideoCaptureAutoExposure, 0x9a0901, true},
	{"exposure", gocv.VideoCaptureExposure, 0x9a0902, false},
	{"autofocus", gocv.VideoCaptureAutoFocus, 0x9a090c, true},
	{"focus", gocv.VideoCaptureFocus, 0x9a090a, false},
	// usb_cam's current names for the exposure controls: the V4L2 menu as
	// is (0 auto, 1 manual, 2 shutter, 3 aperture priority) and the time.
	{"auto_exposure", gocv.VideoCaptureAutoExposure, 0x9a0901, false},
	{"exposure_time_absolute", gocv.VideoCaptureExposure, 0x9a0902, false},
}

// autoOf names the automatic mode that makes a manual control inactive:
// usb_cam's names, then the device controls' (ControlParamName) that are not
// usb_cam's too.
var autoOf = map[string]string{
	"exposure":               "autoexposure",
	"exposure_time_absolute": "auto_exposure",
	"focus":                  "autofocus",
	"white_balance":          "auto_white_balance",

	"white_balance_temperature": "white_balance_automatic",
	"focus_absolute":            "focus_automatic_continuous",
}

// AutoModeOf names the automatic mode that makes the manual control name
// inactive (exposure: autoexposure …); false for a control with none.
func AutoModeOf(name string) (string, bool) {
	auto, ok := autoOf[name]
	return auto, ok
}

// V4L2 exposure modes (V4L2_CID_EXPOSURE_AUTO menu).
const (
	exposureAuto             = 0
	exposureManual           = 1
	exposureAperturePriority = 3
)

// ControlNames lists the control parameter names, in usb_cam's order.
func ControlNames() []string {
	out := make([]string, len(controlSpecs))
	for i, s := range controlSpecs {
		out[i] = s.name
	}
	return out
}

func lookupControl(name string) (controlSpec, error) {
	for _, s := range controlSpecs {
		if s.name == name {
			return s, nil
		}
	}
	names := ControlNames()
	sort.Strings(names)
	return controlSpec{}, Configf("unknown camera control %q (controls: %s)", name, strings.Join(names, ", "))
}

// deviceValues are the device values to try, in order, for a parameter
// value. autoexposure on is aperture priority on most UVC cameras and full
// auto on others.
func (s controlSpec) deviceValues(v float64) []float64 {
	switch {
	case s.name == "autoexposure" && v != 0:
		return []float64{exposureAperturePriority, exposureAuto}
	case s.name == "autoexposure":
		return []float64{exposureManual}
	case s.isBool && v != 0:
		return []float64{1}
	case s.isBool:
		return []float64{0}
	}
	return []float64{float64(int64(v + 0.5*sign(v)))}
}

// paramValue turns a device value back into the parameter's terms.
func (s controlSpec) paramValue(dev float64) float64 {
	switch {
	case s.name == "autoexposure":
		if dev == exposureManual {
			return 0
		}
		return 1
	case s.isBool && dev != 0:
		return 1
	}
	return dev
}

func sign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}
