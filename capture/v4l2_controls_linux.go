//go:build linux

package capture

import (
	"errors"
	"fmt"
	"strings"

	"gocv.io/x/gocv"
	"golang.org/x/sys/unix"
)

// The v4l2 source's camera controls: set through OpenCV's properties, which
// its V4L2 backend passes to the driver in the driver's own units, and
// checked against the ranges the driver reports (VIDIOC_QUERYCTRL).

var (
	_ Controller       = (*v4l2Source)(nil)
	_ ControlDescriber = (*v4l2Source)(nil)
)

// DescribeControls lists the camera's controls as the driver describes
// them now (values and flags change), on a query handle of its own.
func (s *v4l2Source) DescribeControls() []ControlInfo {
	fd, err := openV4L2(s.dev.Path)
	if err != nil {
		return s.dev.Controls
	}
	defer unix.Close(fd)
	return enumControls(fd)
}

// setDeviceControl sets a control by its parameter name (ControlParamName)
// with VIDIOC_S_CTRL, V4L2's own call (OpenCV's properties reach only
// usb_cam's dozen), and reads back what the driver kept.
func (s *v4l2Source) setDeviceControl(name string, value float64) (float64, error) {
	fd, err := openV4L2(s.dev.Path)
	if err != nil {
		return 0, fmt.Errorf("%s: setting %s: %w", s.dev.Path, name, err)
	}
	defer unix.Close(fd)
	var ci ControlInfo
	found := false
	for _, c := range enumControls(fd) {
		if c.Param() == name {
			ci, found = c, true
		}
	}
	if !found {
		return 0, fmt.Errorf("%s %s: %w", s.dev.Path, name, ErrNoControl)
	}
	v := int(value)
	if err := ci.CheckValue(v); err != nil {
		return float64(ci.Value), fmt.Errorf("%s: %w", s.dev.Path, err)
	}
	if ci.Inactive {
		return float64(ci.Value), fmt.Errorf("%s: %s is inactive on this camera now (another control, such as an automatic mode, governs it)", s.dev.Path, name)
	}
	if err := setControl(fd, ci.ID, v); err != nil {
		return float64(ci.Value), fmt.Errorf("%s: setting %s to %d: %w", s.dev.Path, name, v, err)
	}
	got, err := getControl(fd, ci.ID)
	if err != nil || got == v {
		return float64(v), nil // a write-only control reads back nothing
	}
	return float64(got), fmt.Errorf("%s: the camera kept %s at %d (asked %d)", s.dev.Path, name, got, v)
}

// Controls lists the control parameters this camera has.
func (s *v4l2Source) Controls() []string {
	var out []string
	for _, spec := range controlSpecs {
		if _, ok := s.dev.control(spec.cid); ok {
			out = append(out, spec.name)
		}
	}
	return out
}

func (d *DeviceInfo) control(cid uint32) (ControlInfo, bool) {
	for _, c := range d.Controls {
		if c.ID == cid {
			return c, true
		}
	}
	return ControlInfo{}, false
}

// SetControl sets one control and reads it back; see Controller.
func (s *v4l2Source) SetControl(name string, value float64) (float64, error) {
	spec, err := lookupControl(name)
	if err != nil {
		return s.setDeviceControl(name, value)
	}
	ci, ok := s.freshControl(spec.cid)
	if !ok {
		return 0, fmt.Errorf("%s %s: %w (it has: %s)", s.dev.Path, name, ErrNoControl, strings.Join(s.Controls(), ", "))
	}
	if ci.ReadOnly {
		return 0, fmt.Errorf("%s: %s is read-only on this camera", s.dev.Path, name)
	}
	want := spec.deviceValues(value)
	if !spec.isBool && (want[0] < float64(ci.Min) || want[0] > float64(ci.Max)) {
		return 0, fmt.Errorf("%s: %s %g is outside the camera's range %d..%d (default %d)", s.dev.Path, name, value, ci.Min, ci.Max, ci.Default)
	}
	var got float64
	applied := false
	err = s.h.with(func(vc *gocv.VideoCapture) error {
		for _, v := range want {
			vc.Set(spec.prop, v)
			if got = vc.Get(spec.prop); got == v {
				applied = true
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("%s: setting %s: %w", s.dev.Path, name, err)
	}
	granted := spec.paramValue(got)
	if applied {
		return granted, nil
	}
	msg := fmt.Sprintf("%s: the camera kept %s at %g (asked %g)", s.dev.Path, name, granted, value)
	if auto, ok := autoOf[name]; ok && ci.Inactive {
		msg += fmt.Sprintf("; %s is inactive while %s is on: set %s to false first", name, auto, auto)
	}
	return granted, errors.New(msg)
}

// freshControl queries the control now, since flags such as "inactive"
// change with other controls; it falls back to what was listed at open.
func (s *v4l2Source) freshControl(cid uint32) (ControlInfo, bool) {
	fd, err := openV4L2(s.dev.Path)
	if err != nil {
		return s.dev.control(cid)
	}
	defer unix.Close(fd)
	return queryControl(fd, cid)
}
