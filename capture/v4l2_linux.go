//go:build linux

package capture

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"time"

	"gocv.io/x/gocv"
	"golang.org/x/sys/unix"
)

// The V4L2 camera, "v4l2:///dev/video0" or "v4l2://0", opened through
// OpenCV's V4L2 backend (never its GStreamer default). OpenCV's colour
// conversion is turned off whenever we can take the camera's bytes as they
// are: MJPEG frames are the camera's JPEG, YUYV frames its YUYV.

func init() { Register("v4l2", openV4L2Source) }

type v4l2Source struct {
	h      *cvHandle
	info   Info
	dev    DeviceInfo
	packed PixelFormat // layout of 2/3-channel frames
	stall  time.Duration
	bad    badFrames // consecutive corrupt frames dropped
	failed int       // consecutive reads that returned no frame
}

// maxFailedReads is how many reads in a row may return nothing, on a device
// that is still there, before Read reports the camera as failing.
const maxFailedReads = 3

// v4l2Path maps "v4l2:///dev/video0", "v4l2:/dev/video0" and "v4l2://0" to a
// device path.
func v4l2Path(u *url.URL) (string, error) {
	if len(u.Query()) > 0 {
		return "", Configf("source %q: v4l2 takes no query options; use pixel_format, image_width, image_height, framerate", u)
	}
	switch {
	case u.Opaque != "":
		return "", Configf("source %q: write v4l2:///dev/videoN or v4l2://N", u)
	case u.Host != "" && u.Path != "":
		return "", Configf("source %q: write v4l2:///dev/videoN (three slashes) or v4l2://N", u)
	case u.Host != "":
		n, err := strconv.Atoi(u.Host)
		if err != nil || n < 0 {
			return "", Configf("source %q: %q is not a device number (write v4l2:///dev/videoN or v4l2://N)", u, u.Host)
		}
		return fmt.Sprintf("/dev/video%d", n), nil
	case u.Path == "" || u.Path[0] != '/':
		return "", Configf("source %q: no device path (write v4l2:///dev/videoN or v4l2://N)", u)
	}
	return u.Path, nil
}

func openV4L2Source(u *url.URL, req Request) (Source, error) {
	path, err := v4l2Path(u)
	if err != nil {
		return nil, err
	}
	cf, err := LookupCameraFormat(req.PixelFormat)
	if err != nil {
		return nil, err
	}
	if (req.Width == 0) != (req.Height == 0) {
		return nil, Configf("v4l2 %s: image_width and image_height must be set together (got %dx%d)", path, req.Width, req.Height)
	}
	if req.Width != 0 {
		if err := CheckSize(req.Width, req.Height, max(req.FPS, 1)); err != nil {
			return nil, Configf("v4l2 %s: %v", path, err)
		}
	}
	dev, err := probeDevice(path)
	if err != nil {
		return nil, fmt.Errorf("v4l2: %w", err)
	}
	if !dev.Capture {
		return nil, Configf("v4l2: %s (%s) is not a camera stream but a %s node; capture devices: %s", path, dev.Card, dev.Kind, captureDevicePaths())
	}
	fourcc := cf.FourCC
	if fourcc == "" {
		fourcc = dev.defaultFourCC(req.Width, req.Height)
	} else if fourcc == "MJPG" && dev.Format("MJPG") == nil && dev.Format("JPEG") != nil {
		fourcc = "JPEG"
	}
	if fourcc != "" {
		if err := dev.checkMode(fourcc, req.Width, req.Height, req.FPS); err != nil {
			return nil, fmt.Errorf("v4l2: %w", err)
		}
	}
	vc, err := gocv.VideoCaptureFileWithAPI(path, gocv.VideoCaptureV4L2)
	if err != nil {
		vc.Close()
		if _, perr := probeDevice(path); perr != nil {
			return nil, fmt.Errorf("v4l2: %w", perr)
		}
		return nil, fmt.Errorf("v4l2: OpenCV could not open %s (is another program using it?)", path)
	}
	s := &v4l2Source{h: newCVHandle(vc), dev: dev}
	s.negotiate(vc, path, fourcc, req)
	s.info.URI = u.String()
	s.stall = stallLimit(s.info.FPS)
	return s, nil
}

// negotiate asks for format, size and rate in the order OpenCV's V4L2 backend
// needs (each of the first two restarts the stream), reads back what the
// driver granted and turns OpenCV's conversion off when the camera's bytes
// can be taken as they are.
func (s *v4l2Source) negotiate(vc *gocv.VideoCapture, path, fourcc string, req Request) {
	if fourcc != "" {
		if code, err := fourccCode(fourcc); err == nil {
			vc.Set(gocv.VideoCaptureFOURCC, float64(code))
		}
	}
	if req.Width > 0 {
		vc.Set(gocv.VideoCaptureFrameWidth, float64(req.Width))
		vc.Set(gocv.VideoCaptureFrameHeight, float64(req.Height))
	}
	if req.FPS > 0 {
		vc.Set(gocv.VideoCaptureFPS, req.FPS)
	}
	got := fourccString(uint32(vc.Get(gocv.VideoCaptureFOURCC)))
	w, h := int(vc.Get(gocv.VideoCaptureFrameWidth)), int(vc.Get(gocv.VideoCaptureFrameHeight))
	fps := vc.Get(gocv.VideoCaptureFPS)
	format := BGR8 // OpenCV converts formats we cannot take as they are
	if cf, ok := cameraFormatForFourCC(got); ok {
		vc.Set(gocv.VideoCaptureConvertRGB, 0)
		if vc.Get(gocv.VideoCaptureConvertRGB) == 0 {
			format = cf.Frames
		}
	}
	s.packed = format
	s.info = Info{Backend: "v4l2", Width: w, Height: h, FPS: max(fps, 0), Format: format}
	if fourcc != "" && got != fourcc {
		s.note("pixel format: asked %s, %s granted %s", fourcc, path, got)
	}
	if req.Width > 0 && (w != req.Width || h != req.Height) {
		s.note("size: asked %dx%d, %s granted %dx%d", req.Width, req.Height, path, w, h)
	}
	if req.FPS > 0 && math.Abs(fps-req.FPS) > 0.01*req.FPS {
		s.note("frame rate: asked %g fps, %s granted %s fps", req.FPS, path, formatFPS(fps))
	}
	if format == BGR8 && got != "BGR3" {
		s.note("%s delivers %s, which OpenCV converts to bgr8 on every frame", path, got)
	}
}

func (s *v4l2Source) note(format string, a ...any) {
	s.info.Notes = append(s.info.Notes, fmt.Sprintf(format, a...))
}

func (s *v4l2Source) Info() Info { return s.info }

func (s *v4l2Source) Close() error {
	s.h.close()
	return nil
}

func (s *v4l2Source) Read() (*Frame, error) {
	for {
		r, ok, err := s.h.read(s.stall)
		if err != nil {
			if errors.Is(err, errStalled) {
				return nil, fmt.Errorf("v4l2 %s: %w", s.dev.Path, err)
			}
			return nil, err
		}
		if !ok {
			if _, perr := probeDevice(s.dev.Path); perr != nil {
				return nil, fmt.Errorf("v4l2: camera lost: %w", perr)
			}
			// A single failed dequeue (seen with vivid) is not worth a
			// reopen; a camera that keeps failing is.
			if s.failed++; s.failed < maxFailedReads {
				continue
			}
			return nil, fmt.Errorf("v4l2 %s: the camera stopped delivering frames (%d failed reads)", s.dev.Path, s.failed)
		}
		s.failed = 0
		f, err := matFrame(r, s.packed)
		if err != nil {
			if err := s.bad.drop("v4l2 "+s.dev.Path, err); err != nil {
				return nil, err
			}
			continue // a torn USB transfer: drop it, like a camera glitch
		}
		s.bad.good()
		f.Stamp = r.end
		if t, ok := monotonicToWall(r.posMsec, r.end); ok {
			f.Stamp = t
		}
		return f, nil
	}
}

// monotonicToWall converts a buffer timestamp in CLOCK_MONOTONIC
// milliseconds, which is what V4L2 drivers stamp and OpenCV reports as
// CAP_PROP_POS_MSEC, to wall time, given ref, the moment the buffer was
// handed over. Go's own monotonic reading of ref ties the two clocks together,
// however late this runs. A stamp slightly after ref (drivers such as vivid
// stamp the ideal frame time) is taken as ref; ok is false for a stamp that
// cannot be one: zero, well in the future, or older than any frame could be.
func monotonicToWall(ms float64, ref time.Time) (time.Time, bool) {
	var ts unix.Timespec
	if ms <= 0 || unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts) != nil {
		return time.Time{}, false
	}
	monoRef := ts.Nano() - int64(time.Since(ref))
	age := time.Duration(monoRef - int64(ms*1e6))
	switch {
	case age < -maxStampLead || age > maxStampAge:
		return time.Time{}, false
	case age < 0:
		return ref, true
	}
	return ref.Add(-age), true
}

const (
	maxStampLead = 100 * time.Millisecond
	maxStampAge  = 10 * time.Second
)
