package capture

import (
	"fmt"
	"io"
	"strings"
)

// FormatDeviceList writes devs for people choosing a camera and its
// pixel_format, image_width, image_height and framerate, e.g.
//
//	/dev/video0: HD Pro Webcam C920 (uvcvideo, usb-0000:00:14.0-2)
//	  also: /dev/v4l/by-id/usb-046d_HD_Pro_Webcam_C920-video-index0
//	  pixel_format mjpeg (MJPG, Motion-JPEG, compressed):
//	    1920x1080 @ 30, 24, 15 fps
//	  controls: brightness 0..255 (default 128), autoexposure true/false (default true)
//	/dev/video1: HD Pro Webcam C920 (uvcvideo): metadata node, not a camera stream
func FormatDeviceList(w io.Writer, devs []DeviceInfo) error {
	var b strings.Builder
	if len(devs) == 0 {
		b.WriteString("no V4L2 devices found (/dev/video* is empty)\n")
	}
	for _, d := range devs {
		writeDevice(&b, d)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeDevice(b *strings.Builder, d DeviceInfo) {
	fmt.Fprintf(b, "%s:", d.Path)
	if d.Card != "" {
		fmt.Fprintf(b, " %s (%s", d.Card, d.Driver)
		if d.Bus != "" {
			fmt.Fprintf(b, ", %s", d.Bus)
		}
		b.WriteString(")")
	}
	switch {
	case d.Err != "":
		fmt.Fprintf(b, " cannot be queried: %s\n", strings.TrimPrefix(d.Err, d.Path+": "))
		return
	case !d.Capture:
		fmt.Fprintf(b, ": %s node, not a camera stream\n", d.Kind)
		return
	}
	b.WriteString("\n")
	for _, l := range d.Links {
		fmt.Fprintf(b, "  also: %s\n", l)
	}
	if len(d.Formats) == 0 {
		b.WriteString("  (the driver lists no formats)\n")
	}
	var unsupported []string
	for _, f := range d.Formats {
		if f.Name == "" {
			unsupported = append(unsupported, f.FourCC)
			continue
		}
		writeFormat(b, f)
	}
	writeWrapped(b, "  not supported here: ", unsupported)
	if line := controlLine(d.Controls); line != "" {
		fmt.Fprintf(b, "  controls: %s\n", line)
	}
}

func writeFormat(b *strings.Builder, f FormatInfo) {
	desc := f.FourCC
	if f.Description != "" && f.Description != f.FourCC {
		desc += ", " + f.Description
	}
	if f.Compressed {
		desc += ", compressed"
	}
	if f.Emulated {
		desc += ", emulated"
	}
	fmt.Fprintf(b, "  pixel_format %s (%s):\n", f.Name, desc)
	if r := f.SizeRange; r != nil {
		fmt.Fprintf(b, "    %s%s\n", r, ratesSuffix(r.FPS, r.FPSIsRange))
	}
	for _, s := range f.Sizes {
		fmt.Fprintf(b, "    %dx%d%s\n", s.Width, s.Height, ratesSuffix(s.FPS, s.FPSIsRange))
	}
}

// writeWrapped writes a comma-separated list after prefix, wrapped at about
// 100 columns under the prefix's indentation.
func writeWrapped(b *strings.Builder, prefix string, items []string) {
	if len(items) == 0 {
		return
	}
	indent := strings.Repeat(" ", 4)
	line := prefix
	for i, it := range items {
		if i < len(items)-1 {
			it += ","
		}
		if len(line)+1+len(it) > 100 && line != prefix {
			b.WriteString(line + "\n")
			line = indent + it
			continue
		}
		if line != prefix {
			line += " "
		}
		line += it
	}
	b.WriteString(line + "\n")
}

func ratesSuffix(rates []float64, ranged bool) string {
	if len(rates) == 0 {
		return ""
	}
	return " @ " + rateList(rates, ranged) + " fps"
}

// controlLine lists the controls settable through the node's parameters,
// under the parameter names.
func controlLine(cs []ControlInfo) string {
	var parts []string
	for _, spec := range controlSpecs {
		for _, c := range cs {
			if c.ID != spec.cid {
				continue
			}
			p := fmt.Sprintf("%s %d..%d (default %d)", spec.name, c.Min, c.Max, c.Default)
			if spec.isBool {
				p = fmt.Sprintf("%s true/false (default %t)", spec.name, spec.paramValue(float64(c.Default)) != 0)
			}
			if auto, ok := autoOf[spec.name]; ok && c.Inactive {
				p += fmt.Sprintf(" (inactive while %s is on)", auto)
			}
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}
