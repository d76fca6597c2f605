package node

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"webcam/capture"
	"webcam/rosparam"
)

// The camera's own controls as parameters, as camera_ros declares them:
// one per control the device has (capture.ControlDescriber), named as
// v4l2-ctl names it, with the device's range, step, menu and default.
//
// When: each time the source opens, in the capture goroutine (stream
// Config.OnOpen), before its first frame. The first open declares them
// (announced on /parameter_events as new parameters); a later open of a
// device with other controls declares the new ones and undeclares those it
// lacks (announced as deleted), so the list always matches the camera that
// is open. While no camera is open (unplugged, paused) they stay as they
// were. Values the user set (params file, -p, or at run time) are kept by
// name across opens and set again on every device that has the control.
//
// usb_cam's control names: one that is also a device control's name
// (brightness, contrast, saturation, sharpness, gain, auto_exposure,
// exposure_time_absolute) becomes that control's parameter; one that drives
// a control of another name (white_balance → white_balance_temperature,
// auto_white_balance → white_balance_automatic, exposure →
// exposure_time_absolute, focus → focus_absolute, autofocus →
// focus_automatic_continuous) becomes its alias (rosparam.Spec.AliasOf: one
// setting under two names). Without such a control they keep usb_cam's
// meaning (-1 leaves the device's value), and return to it when a device
// without the control opens. autoexposure, a boolean over the exposure
// menu, stays its own parameter.

// deviceControls is the node's record of the device's controls.
type deviceControls struct {
	mu       sync.Mutex
	declared map[string]capture.ControlInfo // device parameters now declared
	aliases  map[string]string              // usb_cam name → the device parameter it is an alias of now
	pending  map[string]rosparam.Value      // start-up overrides naming no parameter yet: device controls, until the first open
	wanted   map[string]rosparam.Value      // values the user set, by device parameter: set at every open
	seenOpen bool                           // pending was resolved
}

// isDevice reports whether name is a device control parameter now (not an alias).
func (d *deviceControls) isDevice(name string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, ok := d.declared[name]
	return ok
}

// isDeviceLayer reports whether name is handled by the device layer now: a
// device parameter or an alias of one.
func (d *deviceControls) isDeviceLayer(name string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, dev := d.declared[name]
	_, alias := d.aliases[name]
	return dev || alias
}

func (d *deviceControls) want(name string, v rosparam.Value) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.wanted == nil {
		d.wanted = map[string]rosparam.Value{}
	}
	d.wanted[name] = v
}

// controlName is how a device control may be named: v4l2-ctl's form.
var controlName = regexp.MustCompile(`^[a-z0-9]+(_[a-z0-9]+)*$`)

// holdDeviceOverrides takes out of overrides the names that are no
// parameter yet but may be a device control's, to apply when the camera
// opens (the device's controls are declared then).
func (n *Node) holdDeviceOverrides(overrides map[string]rosparam.Value) map[string]rosparam.Value {
	var held map[string]rosparam.Value
	for name, v := range overrides {
		if _, declared := n.params.Spec(name); declared || !controlName.MatchString(name) {
			continue
		}
		if held == nil {
			held = map[string]rosparam.Value{}
			overrides = maps.Clone(overrides)
		}
		held[name] = v
		delete(overrides, name)
	}
	n.dev.pending = held
	return overrides
}

// deviceSpec is the parameter of a device control.
func deviceSpec(c capture.ControlInfo) rosparam.Spec {
	s := rosparam.Spec{Name: c.Param(), Description: c.Description(), Group: groupControls}
	if c.ReadOnly {
		s.ReadOnly, s.ReadOnlyWhy = true, "the camera reports this control as read-only (a value it sets itself)"
	}
	if c.Type == capture.ControlBoolean {
		s.Default = rosparam.Bool(c.Default != 0)
		return s
	}
	s.Default = rosparam.Int(int64(c.Default))
	s.Int = &rosparam.IntRange{From: int64(c.Min), To: int64(c.Max), Step: int64(max(c.Step, 1))}
	if c.Type.IsMenu() {
		s.Int.Step = 1
		for _, e := range c.Entries {
			s.Menu = append(s.Menu, rosparam.MenuEntry{Value: e.Value, Name: e.Name})
		}
	}
	if _, err := s.Accept(s.Default); err != nil {
		// A driver whose default is off its own step or menu: keep the
		// range, drop what the default breaks.
		s.Int.Step, s.Menu = 1, nil
	}
	return s
}

// deviceValue is a control's current value as its parameter holds it.
func deviceValue(c capture.ControlInfo, s rosparam.Spec) rosparam.Value {
	v := rosparam.Int(int64(c.Value))
	if c.Type == capture.ControlBoolean {
		v = rosparam.Bool(c.Value != 0)
	}
	if _, err := s.Accept(v); err != nil {
		return s.Default
	}
	return v
}

// paramNumber is a bool or integer parameter value as a control value.
func paramNumber(v rosparam.Value) float64 {
	if v.Type == rosparam.TypeBool {
		if v.Bool {
			return 1
		}
		return 0
	}
	return float64(v.Int)
}

// deviceControlSet is what a device describes, by parameter name, with the
// usb_cam names that become aliases.
type deviceControlSet struct {
	infos   map[string]capture.ControlInfo
	order   []string          // as the device lists them
	aliases map[string]string // usb_cam name → device parameter
}

// collectControls names the described controls, leaving out those whose
// name is one of the node's own parameters (not a camera control) or comes
// twice.
func (n *Node) collectControls(infos []capture.ControlInfo) (deviceControlSet, []string) {
	set := deviceControlSet{infos: map[string]capture.ControlInfo{}, aliases: map[string]string{}}
	var clashes []string
	for _, c := range infos {
		name := c.Param()
		if _, dup := set.infos[name]; dup || name == "" {
			continue
		}
		if s, ok := n.params.Spec(name); ok && s.Group != groupControls {
			clashes = append(clashes, fmt.Sprintf("%q (%s)", c.Name, name))
			continue
		}
		set.infos[name] = c
		set.order = append(set.order, name)
	}
	taken := map[string]bool{}
	for _, s := range controlSpecs {
		c, ok := capture.UsbCamAlias(s.Name, infos)
		if !ok || taken[c.Param()] || set.infos[c.Param()].ID != c.ID {
			continue
		}
		if _, clash := set.infos[s.Name]; clash {
			continue
		}
		set.aliases[s.Name] = c.Param()
		taken[c.Param()] = true
	}
	return set, clashes
}

// openDeviceControls declares the controls of a newly opened source and
// sets on it the values the user wants. It runs in the capture goroutine.
// What cannot be set is returned (logged as a warning); nothing here stops
// the source.
func (n *Node) openDeviceControls(src capture.Source) error {
	desc, ok := src.(capture.ControlDescriber)
	var infos []capture.ControlInfo
	if ok {
		infos = desc.DescribeControls()
	}
	set, clashes := n.collectControls(infos)
	var errs []error
	if len(clashes) > 0 {
		n.log.Warn(fmt.Sprintf("camera controls named like this node's own parameters are not declared: %s", strings.Join(clashes, ", ")))
	}
	n.takeWanted(set, src)
	if ctl, ok := src.(cameraControls); ok && len(set.infos) > 0 {
		errs = append(errs, n.setWanted(ctl, desc, set))
		set, _ = n.collectControls(desc.DescribeControls()) // the values now
	}
	errs = append(errs, n.declareDeviceControls(set))
	return errors.Join(errs...)
}

// takeWanted gathers the values to set on this device: start-up overrides
// of its controls (one warning for those it lacks), and usb_cam names the
// user set that now name its controls. A value the device's range refuses
// is dropped with a warning.
func (n *Node) takeWanted(set deviceControlSet, src capture.Source) {
	d := &n.dev
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.wanted == nil {
		d.wanted = map[string]rosparam.Value{}
	}
	if !d.seenOpen {
		d.seenOpen = true
		var lacking []string
		for name, v := range d.pending {
			if _, ok := set.infos[name]; ok {
				d.wanted[name] = v
			} else {
				lacking = append(lacking, name)
			}
		}
		if len(lacking) > 0 {
			sort.Strings(lacking)
			n.log.Warn(fmt.Sprintf("ignoring parameter override(s) %s: no parameter of this node and no control of %s (its controls: %s)",
				strings.Join(lacking, ", "), src.Info().URI, orNone(set.order)))
		}
		d.pending = nil
	}
	for _, s := range controlSpecs {
		target := s.Name
		if a, ok := set.aliases[s.Name]; ok {
			target = a
		}
		_, dev := set.infos[target]
		_, isDev := d.declared[s.Name]
		_, isAlias := d.aliases[s.Name]
		if !dev || isDev || isAlias || !n.controls.wasSet(s.Name) {
			continue // not a control here, already the device's, or never set
		}
		v, _ := n.params.Get(s.Name)
		if _, apply := controlValue(s.Name, v); apply {
			if _, given := d.wanted[target]; !given {
				d.wanted[target] = v
			}
		}
	}
	for name, v := range d.wanted {
		c, ok := set.infos[name]
		if !ok {
			continue // kept for a device that has it
		}
		spec := deviceSpec(c)
		if _, err := spec.Accept(v); err != nil {
			n.log.Warn(fmt.Sprintf("not setting camera control %s: %v; it keeps the camera's %s", name, err, deviceValue(c, spec)))
			delete(d.wanted, name)
		}
	}
}

// setWanted sets the wanted values on the device: automatic modes and
// menus first, then the values they may govern; a value inactive on the
// device then is left, as usb_cam does, and said in one line.
func (n *Node) setWanted(ctl cameraControls, desc capture.ControlDescriber, set deviceControlSet) error {
	n.dev.mu.Lock()
	wanted := maps.Clone(n.dev.wanted)
	n.dev.mu.Unlock()
	var errs []error
	var skipped []string
	for pass := range 2 {
		if pass == 1 {
			set, _ = n.collectControls(desc.DescribeControls()) // flags after the modes changed
		}
		for _, name := range set.order {
			v, ok := wanted[name]
			c := set.infos[name]
			if !ok || (c.Type == capture.ControlInteger) != (pass == 1) {
				continue
			}
			if c.Inactive {
				skipped = append(skipped, name)
				continue
			}
			if _, err := ctl.SetControl(name, paramNumber(v)); err != nil {
				errs = append(errs, fmt.Errorf("camera control %s=%s: %w", name, v, err))
			}
		}
	}
	if len(skipped) > 0 {
		n.log.Info(fmt.Sprintf("not setting %s while the camera reports them inactive (their automatic mode is on)", strings.Join(skipped, ", ")))
	}
	return errors.Join(errs...)
}

// declareDeviceControls makes the parameters match set: its controls
// declared with their current values, usb_cam names that drive them made
// aliases, and those of the previous device that this one lacks
// undeclared (usb_cam's names go back to their own declaration).
func (n *Node) declareDeviceControls(set deviceControlSet) error {
	d := &n.dev
	d.mu.Lock()
	defer d.mu.Unlock()
	specs := make([]rosparam.Spec, 0, len(set.order)+len(set.aliases))
	values := map[string]rosparam.Value{}
	for _, name := range set.order {
		s := deviceSpec(set.infos[name])
		specs = append(specs, s)
		values[name] = deviceValue(set.infos[name], s)
	}
	for alias, target := range set.aliases {
		s := deviceSpec(set.infos[target])
		s.Name, s.AliasOf = alias, target
		s.Description = fmt.Sprintf("usb_cam's name for %s, one setting under two names. %s", target, s.Description)
		specs = append(specs, s)
		values[alias] = values[target]
	}
	var gone []string
	for name := range d.declared {
		if _, ok := set.infos[name]; !ok {
			gone = append(gone, name)
		}
	}
	for name := range d.aliases {
		if _, ok := set.aliases[name]; !ok {
			gone = append(gone, name)
		}
	}
	sort.Strings(gone)
	var undeclare []string
	for _, name := range gone {
		if s, static := usbCamSpec(name); static {
			if _, again := values[name]; !again {
				specs = append(specs, s) // usb_cam's meaning again
				values[name] = s.Default
			}
			continue
		}
		undeclare = append(undeclare, name)
	}
	if err := n.params.Declare(specs, values); err != nil {
		return fmt.Errorf("declaring the camera's controls: %w", err)
	}
	if err := n.params.Undeclare(undeclare...); err != nil {
		return fmt.Errorf("undeclaring controls the camera lacks: %w", err)
	}
	if len(undeclare) > 0 {
		n.log.Info(fmt.Sprintf("this camera lacks %s: undeclared (values set for them are set again on a camera that has them)", strings.Join(undeclare, ", ")))
	}
	d.declared = set.infos
	d.aliases = set.aliases
	if len(set.order) > 0 {
		n.log.Info(fmt.Sprintf("camera controls as parameters: %s", strings.Join(set.order, ", ")))
	}
	return nil
}

// usbCamSpec is usb_cam's declaration of name, if it is one of its controls.
func usbCamSpec(name string) (rosparam.Spec, bool) {
	i := slices.IndexFunc(controlSpecs, func(s rosparam.Spec) bool { return s.Name == name })
	if i < 0 {
		return rosparam.Spec{}, false
	}
	return controlSpecs[i], true
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
