package capture

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// A camera's own controls, described the same way by the V4L2 source
// (VIDIOC_QUERYCTRL, VIDIOC_QUERYMENU) and the fake camera of
// faulty://?controls=fake, so the node declares one parameter per control
// whatever describes them.

// ControlDescriber is implemented by sources that can list their device's
// controls: every control of a type a parameter can hold (ControlType),
// with its range, default, current value, menu entries and flags. The
// parameter name of a control is ControlParamName(Name). SetControl
// (Controller) takes those names besides usb_cam's.
//
// Skipped, and why: control class headings and buttons carry no value
// (a button is an action, which a parameter cannot express); strings,
// bitmasks, 64-bit integers and compound controls (areas, matrices) have
// no UVC webcam use we know of and no VIDIOC_G_CTRL value.
type ControlDescriber interface {
	DescribeControls() []ControlInfo
}

// ControlType is a control's kind, as V4L2 names them.
type ControlType string

const (
	ControlInteger     ControlType = "integer"
	ControlBoolean     ControlType = "boolean"
	ControlMenu        ControlType = "menu"
	ControlIntegerMenu ControlType = "integer menu"
)

// IsMenu reports whether a value must be one of the entries.
func (t ControlType) IsMenu() bool { return t == ControlMenu || t == ControlIntegerMenu }

// MenuEntry is one value of a menu control with its name (for an integer
// menu, the number the value stands for).
type MenuEntry struct {
	Value int64
	Name  string
}

// ControlParamName is the parameter name of a control, as v4l2-ctl names
// it: lower case, each run of other characters one underscore, none at
// either end ("Exposure Time, Absolute" → exposure_time_absolute).
func ControlParamName(driverName string) string {
	var b strings.Builder
	gap := false
	for _, r := range driverName {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			gap = false
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		gap = true
	}
	return b.String()
}

// Param is the control's parameter name.
func (c ControlInfo) Param() string { return ControlParamName(c.Name) }

// MenuText lists a menu's entries as "0: Disabled, 1: 50 Hz, 2: 60 Hz".
func (c ControlInfo) MenuText() string {
	parts := make([]string, len(c.Entries))
	for i, e := range c.Entries {
		parts[i] = fmt.Sprintf("%d: %s", e.Value, e.Name)
	}
	return strings.Join(parts, ", ")
}

// Allowed says in words which values the control takes.
func (c ControlInfo) Allowed() string {
	switch {
	case c.Type == ControlBoolean:
		return "0 or 1"
	case c.Type.IsMenu():
		return c.MenuText()
	case c.Step > 1:
		return fmt.Sprintf("%d..%d in steps of %d", c.Min, c.Max, c.Step)
	}
	return fmt.Sprintf("%d..%d", c.Min, c.Max)
}

// CheckValue says why the device would refuse v (out of range, off its
// step, not a menu entry, read-only), or nil. Inactive controls are the
// caller's to refuse: the flag changes with other controls.
func (c ControlInfo) CheckValue(v int) error {
	p := c.Param()
	switch {
	case c.ReadOnly:
		return fmt.Errorf("%s is read-only on this camera", p)
	case c.Type.IsMenu() && !slices.ContainsFunc(c.Entries, func(e MenuEntry) bool { return e.Value == int64(v) }):
		return fmt.Errorf("%s %d is not one of the camera's entries (%s)", p, v, c.Allowed())
	case v < c.Min || v > c.Max || (c.Step > 1 && (v-c.Min)%c.Step != 0):
		return fmt.Errorf("%s %d is outside the camera's range %s", p, v, c.Allowed())
	}
	return nil
}

// Description is the control's parameter description: the driver's name,
// type, range or menu entries and default, as `ros2 param describe` shows.
func (c ControlInfo) Description() string {
	def := fmt.Sprint(c.Default)
	if c.Type.IsMenu() {
		for _, e := range c.Entries {
			if e.Value == int64(c.Default) {
				def = fmt.Sprintf("%d (%s)", c.Default, e.Name)
			}
		}
	}
	what := c.Allowed()
	if c.Type == ControlBoolean {
		what = "true or false"
		def = fmt.Sprint(c.Default != 0)
	}
	s := fmt.Sprintf("Camera control %q (V4L2 %s, id 0x%08x): %s; default %s", c.Name, c.Type, c.ID, what, def)
	if auto, ok := AutoModeOf(c.Param()); ok {
		s += "; inactive while " + auto + " is on"
	}
	if c.ReadOnly {
		s += "; read-only (the camera reports it)"
	}
	return s
}

// UsbCamAlias is the device control among cs that usb_cam's control
// parameter name drives (white_balance → white_balance_temperature …), when
// it is a control of the same kind (an integer for an integer, a boolean
// for a boolean) under another name. autoexposure, a boolean over the
// exposure menu, is no alias: it keeps its own parameter.
func UsbCamAlias(name string, cs []ControlInfo) (ControlInfo, bool) {
	spec, err := lookupControl(name)
	if err != nil {
		return ControlInfo{}, false
	}
	for _, c := range cs {
		if c.ID != spec.cid || c.Param() == name {
			continue
		}
		if spec.isBool == (c.Type == ControlBoolean) {
			return c, true
		}
	}
	return ControlInfo{}, false
}
