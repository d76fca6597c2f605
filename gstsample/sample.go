package gstsample

import (
	"errors"
	"strings"
	"time"
)

// Sample is one buffer the appsink received, copied out of GStreamer.
type Sample struct {
	Data     []byte
	PTS      time.Duration // presentation time on the pipeline's clock; -1 when unset
	Keyframe bool          // the buffer is not flagged DELTA_UNIT
	Caps     string        // the sample's caps, e.g. "video/x-h264, stream-format=(string)byte-stream, …"
}

var (
	// ErrTimeout: Pull's timeout passed with no sample, error or end of stream.
	ErrTimeout = errors.New("gstsample: no sample within the timeout")
	// ErrClosed: the pipeline was closed.
	ErrClosed = errors.New("gstsample: pipeline closed")
	// ErrParse wraps the reason a pipeline description was refused (syntax,
	// an unknown element, elements that cannot be linked).
	ErrParse = errors.New("gstsample: bad pipeline description")
)

// Error is an error message GStreamer posted on the pipeline's bus.
type Error struct {
	Element string // name of the element that posted it, e.g. "v4l2src0"
	Message string // GStreamer's text for users
	Debug   string // details for developers, e.g. "streaming stopped, reason not-negotiated (-4)"
}

func (e *Error) Error() string {
	s := "gstsample: " + e.Element + ": " + e.Message
	if e.Debug != "" {
		s += " (" + strings.Join(strings.Fields(e.Debug), " ") + ")" // one line
	}
	return s
}

// NotNegotiated reports whether the error is a caps negotiation failure:
// the elements could not agree on a format (GST_FLOW_NOT_NEGOTIATED).
func (e *Error) NotNegotiated() bool {
	return strings.Contains(e.Debug, "not-negotiated")
}
