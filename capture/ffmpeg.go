package capture

import (
	"errors"
	"strings"

	"gocv.io/x/gocv"
)

// Helpers for sources read through OpenCV's FFmpeg backend (files and network
// streams).

// OpenCV properties gocv v0.43 has no names for.
const (
	propOpenTimeoutMsec gocv.VideoCaptureProperties = 53 // CAP_PROP_OPEN_TIMEOUT_MSEC, open-only
	propReadTimeoutMsec gocv.VideoCaptureProperties = 54 // CAP_PROP_READ_TIMEOUT_MSEC, open-only
)

// isMJPEG reports whether FFmpeg's FOURCC for a stream names Motion JPEG:
// the container's tag ("MJPG" in AVI) or, with no tag, the first letters of
// FFmpeg's codec name ("mjpe" for multipart MJPEG over HTTP).
func isMJPEG(code uint32) bool {
	switch strings.ToUpper(fourccString(code)) {
	case "MJPG", "MJPE", "JPEG", "MJPA", "AVRN":
		return true
	}
	return false
}

// setRawPackets asks FFmpeg for the stream's packets instead of decoded
// frames (CAP_PROP_FORMAT = -1, before the first read). For Motion JPEG
// each packet is one complete JPEG: the stored bytes pass through untouched.
func setRawPackets(vc *gocv.VideoCapture) bool {
	vc.Set(gocv.VideoCaptureFormat, -1)
	return vc.Get(gocv.VideoCaptureFormat) == -1
}

// errNotJPEG marks a raw packet that is not a whole JPEG image.
var errNotJPEG = errors.New("packet is not a complete JPEG image")

// packetFrame turns one raw FFmpeg packet into a JPEG frame.
func packetFrame(r cvRead) (*Frame, error) {
	if r.rows != 1 || r.typ != gocv.MatTypeCV8UC1 || len(r.data) < 2 || r.data[0] != 0xFF || r.data[1] != 0xD8 {
		if r.pooled != nil {
			r.pooled.Release()
		}
		return nil, errNotJPEG
	}
	return matFrame(r, "")
}

// usableFPS filters the frame rates FFmpeg reports: 0 or absurd values
// (RTSP streams often report 90000 or 180000) mean "unknown".
func usableFPS(fps float64) float64 {
	if fps > 0 && fps <= 1000 {
		return fps
	}
	return 0
}
