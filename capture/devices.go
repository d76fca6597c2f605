package capture

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// DeviceInfo describes one V4L2 device node, as enumerated by ListDevices.
type DeviceInfo struct {
	Path    string   // e.g. /dev/video0
	Links   []string // stable names (/dev/v4l/by-id/…, by-path/…) that point to Path
	Card    string   // e.g. "HD Pro Webcam C920"
	Driver  string   // e.g. "uvcvideo"
	Bus     string   // e.g. "usb-0000:00:14.0-2"
	Capture bool     // a video capture node this package can open
	Kind    string   // "video capture", "metadata", "video output", "multi-planar video capture", "non-capture"
	Err     string   // why the node could not be queried (e.g. permission denied)

	Formats  []FormatInfo
	Controls []ControlInfo
}

// FormatInfo is one pixel format a device offers.
type FormatInfo struct {
	FourCC      string // e.g. "MJPG"
	Description string // the driver's, e.g. "Motion-JPEG"
	Name        string // the pixel_format value that selects it; "" if unsupported here
	Compressed  bool
	Emulated    bool        // converted in software by the driver or libv4l
	Sizes       []FrameSize // discrete sizes; empty when SizeRange is set
	SizeRange   *SizeRange  // stepwise or continuous sizes
}

// FrameSize is one discrete frame size with its frame rates.
type FrameSize struct {
	Width, Height int
	FPS           []float64 // discrete rates, fastest first as the driver lists them
	FPSIsRange    bool      // FPS holds {fastest, slowest} of a continuous range
}

// SizeRange is a stepwise range of frame sizes.
type SizeRange struct {
	MinWidth, MaxWidth, StepWidth    int
	MinHeight, MaxHeight, StepHeight int
	FPS                              []float64 // at the largest size
	FPSIsRange                       bool
}

// ControlInfo is one camera control the device has, as VIDIOC_QUERYCTRL
// and VIDIOC_QUERYMENU describe it (controlinfo.go).
type ControlInfo struct {
	ID             uint32
	Name           string // the driver's name, e.g. "Exposure, Auto"
	Type           ControlType
	Min, Max, Step int
	Default        int
	Value          int         // the current value (Default if it cannot be read)
	Entries        []MenuEntry // a menu's entries, in order (some values may have none)
	ReadOnly       bool
	Inactive       bool // e.g. manual exposure while auto exposure is on
	Disabled       bool
	Grabbed        bool // busy: fixed while streaming
}

// Format returns the format with the given FOURCC, or nil.
func (d *DeviceInfo) Format(fourcc string) *FormatInfo {
	for i := range d.Formats {
		if d.Formats[i].FourCC == fourcc {
			return &d.Formats[i]
		}
	}
	return nil
}

// formatNames lists the formats pixel_format can select, and how many others
// the device has.
func (d *DeviceInfo) formatNames() string {
	var names []string
	others := 0
	for _, f := range d.Formats {
		if f.Name != "" {
			names = append(names, fmt.Sprintf("%s (%s)", f.Name, f.FourCC))
		} else {
			others++
		}
	}
	out := strings.Join(names, ", ")
	if len(names) == 0 {
		out = "none that pixel_format can select"
	}
	if others > 0 {
		out += fmt.Sprintf(", and %d formats not supported here (see --list-devices)", others)
	}
	return out
}

// checkMode returns a ConfigError naming what the device offers when it
// cannot deliver the format, size (0 = any) or rate (0 = any). Devices that do
// not enumerate a property are not checked on it.
func (d *DeviceInfo) checkMode(fourcc string, w, h int, fps float64) error {
	if len(d.Formats) == 0 {
		return nil
	}
	f := d.Format(fourcc)
	if f == nil && fourcc == "MJPG" {
		f = d.Format("JPEG")
	}
	if f == nil {
		return Configf("%s does not offer pixel format %s; it offers: %s", d.Path, fourcc, d.formatNames())
	}
	label := f.FourCC
	if f.Name != "" {
		label = f.Name + " (" + f.FourCC + ")"
	}
	var rates []float64
	var ranged bool
	switch {
	case w == 0 || h == 0:
		return nil
	case f.SizeRange != nil:
		r := f.SizeRange
		if !inStep(w, r.MinWidth, r.MaxWidth, r.StepWidth) || !inStep(h, r.MinHeight, r.MaxHeight, r.StepHeight) {
			return Configf("%s cannot do %dx%d in %s; sizes: %s", d.Path, w, h, label, r)
		}
		rates, ranged = r.FPS, r.FPSIsRange
	case len(f.Sizes) > 0:
		i := f.sizeIndex(w, h)
		if i < 0 {
			return Configf("%s does not offer %dx%d in %s; sizes: %s", d.Path, w, h, label, f.sizeList())
		}
		rates, ranged = f.Sizes[i].FPS, f.Sizes[i].FPSIsRange
	}
	if fps == 0 || len(rates) == 0 || rateOffered(fps, rates, ranged) {
		return nil
	}
	return Configf("%s does not offer %g fps at %dx%d in %s; rates: %s", d.Path, fps, w, h, label, rateList(rates, ranged))
}

func (f *FormatInfo) sizeIndex(w, h int) int {
	for i, s := range f.Sizes {
		if s.Width == w && s.Height == h {
			return i
		}
	}
	return -1
}

func (f *FormatInfo) sizeList() string {
	parts := make([]string, len(f.Sizes))
	for i, s := range f.Sizes {
		parts[i] = fmt.Sprintf("%dx%d", s.Width, s.Height)
	}
	return strings.Join(parts, ", ")
}

func (r *SizeRange) String() string {
	return fmt.Sprintf("%d..%d (step %d) x %d..%d (step %d)", r.MinWidth, r.MaxWidth, r.StepWidth, r.MinHeight, r.MaxHeight, r.StepHeight)
}

func inStep(v, lo, hi, step int) bool {
	if v < lo || v > hi {
		return false
	}
	return step <= 1 || (v-lo)%step == 0
}

// rateOffered allows 1% slack: drivers list 29.97 as 30000/1001, users write 30.
func rateOffered(fps float64, rates []float64, ranged bool) bool {
	if ranged && len(rates) == 2 {
		lo, hi := min(rates[0], rates[1]), max(rates[0], rates[1])
		return fps >= lo*0.99 && fps <= hi*1.01
	}
	for _, r := range rates {
		if math.Abs(r-fps) <= 0.01*r {
			return true
		}
	}
	return false
}

func rateList(rates []float64, ranged bool) string {
	parts := make([]string, len(rates))
	for i, r := range rates {
		parts[i] = formatFPS(r)
	}
	if ranged && len(parts) == 2 {
		return parts[1] + ".." + parts[0]
	}
	return strings.Join(parts, ", ")
}

func formatFPS(r float64) string { return strconv.FormatFloat(math.Round(r*100)/100, 'f', -1, 64) }

// defaultFourCC picks the camera format when pixel_format is empty: MJPEG when
// offered at the size (no decode needed, full frame rate over USB), else
// YUYV, else "" to keep the driver's choice.
func (d *DeviceInfo) defaultFourCC(w, h int) string {
	for _, cc := range []string{"MJPG", "JPEG", "YUYV"} {
		f := d.Format(cc)
		if f == nil {
			continue
		}
		if w == 0 || h == 0 || f.SizeRange != nil || len(f.Sizes) == 0 || f.sizeIndex(w, h) >= 0 {
			return cc
		}
	}
	return ""
}
