package node

import (
	"slices"
	"strings"

	"webcam/capture"
	"webcam/rosparam"
)

// sourceURI is the source to open: `source`, or usb_cam's video_device.
func sourceURI(t *rosparam.Table) string {
	if s := str(t, pSource); s != "" {
		return s
	}
	// "/dev/video0" gives v4l2:///dev/video0, an index "0" gives v4l2://0.
	return "v4l2://" + str(t, pVideoDevice)
}

// parseSource validates a source URI's syntax and scheme without opening it.
func parseSource(uri string) (string, error) {
	u, err := capture.ParseURI(uri)
	if err != nil {
		return "", err
	}
	if !slices.Contains(capture.Schemes(), u.Scheme) {
		return "", capture.Configf("source %q: unknown scheme %q (supported: %s)", uri, u.Scheme, strings.Join(capture.Schemes(), ", "))
	}
	return u.Scheme, nil
}

// captureRequest is what the parameters ask of the source.
func captureRequest(t *rosparam.Table) capture.Request {
	return capture.Request{
		Width:       integer(t, pWidth),
		Height:      integer(t, pHeight),
		FPS:         float(t, pFramerate),
		PixelFormat: str(t, pPixelFormat),
	}
}
