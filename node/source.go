package node

import (
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

// captureRequest is what the parameters ask of the source.
func captureRequest(t *rosparam.Table) capture.Request {
	return capture.Request{
		Width:       integer(t, pWidth),
		Height:      integer(t, pHeight),
		FPS:         float(t, pFramerate),
		PixelFormat: str(t, pPixelFormat),
	}
}
