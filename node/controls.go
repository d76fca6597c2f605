package node

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"webcam/capture"
	"webcam/rosparam"
	"webcam/stream"
)

// cameraControls is what a source with camera controls offers (the V4L2
// source). Names are the control parameters' names; booleans are 0 or 1.
// SetControl returns the value in effect afterwards and an error when the
// device refused or changed the value.
type cameraControls interface {
	SetControl(name string, value float64) (granted float64, err error)
	Controls() []string
}

// controlTimeout bounds the wait for the capture goroutine to reach a frame
// boundary; a source slower than this gets the control anyway, later.
const controlTimeout = 3 * time.Second

// controlValue is the device value of a control parameter; false for -1,
// which leaves the device's own setting alone (and for brightness -100 too,
// usb_cam's sentinel since brightness ranges went negative).
func controlValue(name string, v rosparam.Value) (float64, bool) {
	switch v.Type {
	case rosparam.TypeBool:
		if v.Bool {
			return 1, true
		}
		return 0, true
	case rosparam.TypeInteger:
		leave := v.Int == -1 || (name == "brightness" && v.Int == -100)
		return float64(v.Int), !leave
	}
	return 0, false
}

// autoOn says whether the automatic mode auto (capture.AutoModeOf) has a
// value that turns its manual control off.
func autoOn(auto string, v rosparam.Value) bool {
	if auto == "auto_exposure" {
		return v.Int != 1 && v.Int != -1 // 1 is manual; -1 leaves the device's mode
	}
	return v.Bool
}

// inactive says why the manual control name would be ignored with t's
// values (its automatic mode is on), or "".
func inactive(t *rosparam.Table, name string) string {
	auto, ok := capture.AutoModeOf(name)
	if !ok {
		return ""
	}
	if v, _ := t.Get(auto); autoOn(auto, v) {
		return fmt.Sprintf("%s is inactive while %s is %s", name, auto, v)
	}
	return ""
}

// inControlOrder sorts control changes so each automatic mode comes before
// the manual value it governs: usb_cam's names as controlSpecs lists them,
// then device controls, booleans and menus before integers. Aliases are
// left out: their target is in the same batch (rosparam's twins).
func (n *Node) inControlOrder(changes []rosparam.Change) []rosparam.Change {
	out := make([]rosparam.Change, 0, len(changes))
	for _, s := range controlSpecs {
		for _, c := range changes {
			if c.Name == s.Name && !n.dev.isDeviceLayer(c.Name) {
				out = append(out, c)
			}
		}
	}
	var ints []rosparam.Change
	for _, c := range changes {
		switch {
		case !n.dev.isDevice(c.Name):
		case c.New.Type == rosparam.TypeInteger && !n.isMenu(c.Name):
			ints = append(ints, c)
		default:
			out = append(out, c)
		}
	}
	return append(out, ints...)
}

func (n *Node) isMenu(name string) bool {
	s, _ := n.params.Spec(name)
	return len(s.Menu) > 0
}

// controlValueOf is controlValue for usb_cam's names; a device control's
// parameter holds the device's value as it is (-1 is a brightness too).
func (n *Node) controlValueOf(name string, v rosparam.Value) (float64, bool) {
	if n.dev.isDevice(name) {
		return paramNumber(v), true
	}
	return controlValue(name, v)
}

// setControls applies changed camera controls to the open source between
// two frames. A source without controls, or a device that refuses a value,
// refuses the change with the reason; so does a device control the camera
// reports inactive now. While no source is open the change is kept and
// applied when it opens (applyControlsOnOpen).
func (n *Node) setControls(changes []rosparam.Change) error {
	if len(changes) == 0 {
		return nil
	}
	next, err := n.params.With(changes)
	if err != nil {
		return err
	}
	for _, c := range changes {
		if _, apply := n.controlValueOf(c.Name, c.New); !apply || n.governedElsewhere(c.Name) {
			continue
		}
		if why := inactive(next, c.Name); why != "" {
			auto, _ := capture.AutoModeOf(c.Name)
			return fmt.Errorf("parameter '%s': %s, as on the camera; set %s to turn it off first (or in the same call)", c.Name, why, auto)
		}
	}
	if st := n.source.Status(); st.State != stream.StateOK {
		n.log.Info(fmt.Sprintf("%s will be applied when the source opens (it is %s)", changeNames(changes), st.State))
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), controlTimeout)
	defer cancel()
	ordered := n.inControlOrder(changes)
	err = n.source.Do(ctx, func(src capture.Source) error {
		ctl, ok := src.(cameraControls)
		if !ok {
			return fmt.Errorf("%s cannot be set: the source %s has no camera controls (V4L2 cameras have them)", changeNames(changes), src.Info().URI)
		}
		if err := n.refuseInactive(src, ordered); err != nil {
			return err
		}
		for _, c := range ordered {
			v, apply := n.controlValueOf(c.Name, c.New)
			if !apply {
				continue
			}
			granted, err := ctl.SetControl(c.Name, v)
			switch {
			case errors.Is(err, capture.ErrNoControl):
				return fmt.Errorf("parameter '%s': this camera has no %s control (it has: %s); leave it at -1", c.Name, c.Name, controlList(ctl))
			case err != nil:
				return fmt.Errorf("parameter '%s': the camera did not take %s: %v (it now has %g)", c.Name, c.New, err, granted)
			}
		}
		return nil
	})
	if errors.Is(err, context.DeadlineExceeded) {
		n.log.Warn(fmt.Sprintf("%s: the source did not reach a frame boundary within %s; the value is set when it does", changeNames(changes), controlTimeout))
		return nil
	}
	return err
}

// governedElsewhere reports whether name is an alias whose usb_cam
// automatic mode is not the device's (exposure, an alias of
// exposure_time_absolute, while autoexposure is its own boolean): the
// target, in the same batch, is checked against the device's mode.
func (n *Node) governedElsewhere(name string) bool {
	s, _ := n.params.Spec(name)
	auto, ok := capture.AutoModeOf(name)
	return s.AliasOf != "" && ok && !n.dev.isDeviceLayer(auto)
}

// refuseInactive refuses a device control the camera reports inactive now
// (V4L2_CTRL_FLAG_INACTIVE), before the driver is asked. Controls whose
// automatic mode the node knows are left to inactive(), which also allows
// turning the mode off in the same call.
func (n *Node) refuseInactive(src capture.Source, changes []rosparam.Change) error {
	desc, ok := src.(capture.ControlDescriber)
	if !ok {
		return nil
	}
	var infos []capture.ControlInfo
	for _, c := range changes {
		if _, known := capture.AutoModeOf(c.Name); known || !n.dev.isDevice(c.Name) {
			continue
		}
		if infos == nil {
			infos = desc.DescribeControls()
		}
		for _, info := range infos {
			if info.Param() == c.Name && info.Inactive {
				return fmt.Errorf("parameter '%s': the camera reports %s inactive now (another control, such as an automatic mode, governs it); it stays %d",
					c.Name, c.Name, info.Value)
			}
		}
	}
	return nil
}

// applyControlsOnOpen declares the camera's own controls and sets, on a
// newly opened source, the controls the user set (in a params file, with
// -p or at run time); controls never set keep the device's values. Runs in
// the capture goroutine (stream.Config OnOpen); an error is logged as a
// warning.
func (n *Node) applyControlsOnOpen(src capture.Source) error {
	return errors.Join(n.openDeviceControls(src), n.applyUsbCamControls(src))
}

// applyUsbCamControls sets usb_cam's controls the user set that are not
// the device's own parameters (or aliases of them) on this camera.
func (n *Node) applyUsbCamControls(src capture.Source) error {
	var names, skipped []string
	for _, s := range controlSpecs {
		if n.dev.isDeviceLayer(s.Name) {
			continue
		}
		v, _ := n.params.Get(s.Name)
		if _, apply := controlValue(s.Name, v); !apply || !n.controls.wasSet(s.Name) {
			continue
		}
		if inactive(n.params, s.Name) != "" {
			skipped = append(skipped, s.Name)
			continue
		}
		names = append(names, s.Name)
	}
	if len(skipped) > 0 { // as usb_cam: a manual value waits for its auto mode to be off
		n.log.Info(fmt.Sprintf("not setting %s while the matching automatic mode is on", strings.Join(skipped, ", ")))
	}
	if len(names) == 0 {
		return nil
	}
	ctl, ok := src.(cameraControls)
	if !ok {
		return fmt.Errorf("the source %s has no camera controls; ignoring %s", src.Info().URI, strings.Join(names, ", "))
	}
	var errs []error
	for _, name := range names {
		v, _ := n.params.Get(name)
		dev, _ := controlValue(name, v)
		if _, err := ctl.SetControl(name, dev); err != nil {
			errs = append(errs, fmt.Errorf("camera control %s=%s: %w", name, v, err))
		}
	}
	return errors.Join(errs...)
}

func controlList(ctl cameraControls) string {
	if names := ctl.Controls(); len(names) > 0 {
		return strings.Join(names, ", ")
	}
	return "none"
}

// controlsSet are the camera controls the user set (params file, -p or at
// run time): they are applied at each open, the others keep the device's
// values.
type controlsSet struct {
	mu  sync.Mutex
	set map[string]bool
}

func (c *controlsSet) mark(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.set == nil {
		c.set = map[string]bool{}
	}
	c.set[name] = true
}

func (c *controlsSet) wasSet(name string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.set[name]
}
