//go:build linux

package capture

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// devDir is where device nodes live; a variable so tests can point it at a
// folder of their own.
var devDir = "/dev"

// ListDevices enumerates every /dev/video* node through V4L2 ioctls: card,
// driver, formats with sizes and rates, and controls. A node that cannot be
// queried is listed with Err set. No devices is an empty list, not an error.
func ListDevices() ([]DeviceInfo, error) {
	paths, err := filepath.Glob(filepath.Join(devDir, "video*"))
	if err != nil {
		return nil, err
	}
	sort.Slice(paths, func(i, j int) bool { return videoIndex(paths[i]) < videoIndex(paths[j]) })
	links := stableLinks()
	out := make([]DeviceInfo, 0, len(paths))
	for _, p := range paths {
		d, err := probeDevice(p)
		if err != nil {
			d.Err = err.Error()
		}
		d.Links = links[p]
		out = append(out, d)
	}
	return out, nil
}

// videoIndex sorts /dev/video2 before /dev/video10.
func videoIndex(p string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(p), "video"))
	if err != nil {
		return 1 << 30
	}
	return n
}

// stableLinks maps device nodes to the udev symlinks naming them, so users can
// pick a name that survives replugging.
func stableLinks() map[string][]string {
	out := map[string][]string{}
	for _, dir := range []string{"v4l/by-id", "v4l/by-path"} {
		entries, _ := filepath.Glob(filepath.Join(devDir, dir, "*"))
		for _, e := range entries {
			if target, err := filepath.EvalSymlinks(e); err == nil {
				out[target] = append(out[target], e)
			}
		}
	}
	return out
}

// errNoDevice marks a device node that does not exist (yet): retryable.
var errNoDevice = errors.New("no such device")

// probeDevice queries one node. Its errors say whether retrying can help: a
// missing node or a device that vanished are plain errors; a node that is not
// a V4L2 capture device is a ConfigError.
func probeDevice(path string) (DeviceInfo, error) {
	d := DeviceInfo{Path: path, Kind: "non-capture"}
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return d, fmt.Errorf("%s: %w (is the camera plugged in?)", path, errNoDevice)
		}
		return d, fmt.Errorf("%s: %w", path, err)
	}
	if st.Mode()&os.ModeCharDevice == 0 {
		return d, Configf("%s is not a device node (it is a %s)", path, fileKind(st.Mode()))
	}
	fd, err := openV4L2(path)
	if err != nil {
		switch {
		case errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM):
			return d, Configf("%s: permission denied (add the user to the %q group or fix the udev rule)", path, groupOf(st))
		case errors.Is(err, unix.ENODEV) || errors.Is(err, unix.ENXIO) || errors.Is(err, unix.ENOENT):
			return d, fmt.Errorf("%s: %w (it is being unplugged?)", path, errNoDevice)
		}
		return d, fmt.Errorf("%s: %w", path, err)
	}
	defer unix.Close(fd)
	c, err := queryCap(fd)
	if err != nil {
		if errors.Is(err, unix.ENODEV) {
			return d, fmt.Errorf("%s: %w", path, errNoDevice)
		}
		return d, Configf("%s is not a V4L2 video device (VIDIOC_QUERYCAP: %v)", path, err)
	}
	d.Card, d.Driver, d.Bus = cString(c.Card[:]), cString(c.Driver[:]), cString(c.BusInfo[:])
	caps := c.Capabilities
	if caps&v4l2CapDeviceCaps != 0 {
		caps = c.DeviceCaps
	}
	switch {
	case caps&v4l2CapVideoCapture != 0:
		d.Kind, d.Capture = "video capture", true
	case caps&v4l2CapVideoCaptureMplane != 0:
		d.Kind = "multi-planar video capture"
	case caps&v4l2CapMetaCapture != 0:
		d.Kind = "metadata"
	case caps&v4l2CapVideoOutput != 0:
		d.Kind = "video output"
	}
	if !d.Capture {
		return d, nil
	}
	if d.Formats, err = enumFormats(fd); err != nil && errors.Is(err, unix.ENODEV) {
		return d, fmt.Errorf("%s: %w", path, errNoDevice)
	}
	d.Controls = enumControls(fd)
	return d, nil
}

func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m.IsRegular():
		return "regular file"
	case m&os.ModeDevice != 0:
		return "block device"
	}
	return m.Type().String()
}

func groupOf(st os.FileInfo) string {
	if s, ok := st.Sys().(*unix.Stat_t); ok && s.Gid != 0 {
		if g, err := user.LookupGroupId(strconv.FormatUint(uint64(s.Gid), 10)); err == nil {
			return g.Name
		}
	}
	return "video"
}

// captureDevicePaths lists the nodes a user could open instead, for errors.
func captureDevicePaths() string {
	devs, _ := ListDevices()
	var out []string
	for _, d := range devs {
		if d.Capture {
			out = append(out, d.Path+" ("+d.Card+")")
		}
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}
