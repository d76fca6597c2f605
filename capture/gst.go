package capture

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"gocv.io/x/gocv"
)

// GStreamer pipelines, "gst:<pipeline>", ending in an appsink and read through
// OpenCV's GStreamer backend. The appsink may take raw video (BGR or GRAY8,
// e.g. after videoconvert) or image/jpeg, whose bytes are passed through:
//
//	gst:v4l2src device=/dev/video0 ! image/jpeg,width=1280,height=720 ! appsink
//	gst:rtspsrc location=rtsp://cam/stream ! decodebin ! videoconvert ! appsink
//
// A pipeline whose appsink is preceded by video/x-h264 caps is read by the
// H.264 source instead (gsth264.go), which passes the access units through.

func init() { Register("gst", openGst) }

// liveElements are sources whose failure can pass (a device or server that
// comes back): a pipeline using one that fails to start is retried. Any other
// pipeline that fails to start is taken as malformed.
var liveElements = map[string]bool{
	"v4l2src": true, "libcamerasrc": true, "rtspsrc": true, "souphttpsrc": true,
	"udpsrc": true, "tcpclientsrc": true, "tcpserversrc": true, "rtmpsrc": true,
	"rtmp2src": true, "srtsrc": true, "srtclientsrc": true, "uridecodebin": true,
	"uridecodebin3": true, "urisourcebin": true, "playbin": true, "playbin3": true,
	"filesrc": true, "multifilesrc": true, "nvarguscamerasrc": true,
	"nvv4l2camerasrc": true, "pipewiresrc": true, "aravissrc": true,
	"shmsrc": true, "ximagesrc": true, "rpicamsrc": true, "tcambin": true,
}

type gstSource struct {
	h        *cvHandle
	pipeline string
	info     Info
	first    *Frame
	stall    time.Duration
	bad      badFrames
}

// pipelineElements lists the factory names in a pipeline description.
func pipelineElements(p string) []string {
	var out []string
	for _, seg := range strings.Split(p, "!") {
		fields := strings.Fields(seg)
		if len(fields) == 0 {
			continue
		}
		name := fields[0]
		if strings.Contains(name, "=") || strings.HasSuffix(name, ".") || strings.Contains(name, "/") {
			continue // a property, a pad reference or caps, not an element
		}
		out = append(out, name)
	}
	return out
}

// gstFailure is a pipeline's failure to start: retryable if it has a live
// element, else a config error (the pipeline itself is wrong).
func gstFailure(p string, live bool, format string, a ...any) error {
	msg := fmt.Sprintf("GStreamer pipeline %q: ", p) + fmt.Sprintf(format, a...)
	if live {
		return errors.New(msg)
	}
	return Configf("%s", msg)
}

func openGst(u *url.URL, req Request) (Source, error) {
	p := strings.TrimSpace(u.Opaque)
	if p == "" {
		return nil, Configf("source %q: empty GStreamer pipeline (e.g. gst:videotestsrc ! videoconvert ! appsink)", "gst:")
	}
	elems := pipelineElements(p)
	if len(elems) == 0 || elems[len(elems)-1] != "appsink" {
		return nil, Configf("GStreamer pipeline %q must end in an appsink (e.g. … ! videoconvert ! appsink, or … ! image/jpeg ! appsink)", p)
	}
	live := false
	for _, e := range elems {
		live = live || liveElements[e]
	}
	if isH264Caps(appsinkCaps(p)) {
		return openGstH264(p, live, req)
	}
	failed := func(format string, a ...any) error { return gstFailure(p, live, format, a...) }
	vc, err := gocv.VideoCaptureFileWithAPI(p, gocv.VideoCaptureGstreamer)
	if err != nil {
		vc.Close()
		return nil, failed("could not be started (unknown element, bad caps or syntax; OpenCV's log has GStreamer's reason)")
	}
	s := &gstSource{h: newCVHandle(vc), pipeline: p}
	fps := usableFPS(vc.Get(gocv.VideoCaptureFPS))
	s.stall = stallLimit(fps)
	r, ok, err := s.h.read(s.stall)
	if err != nil || !ok {
		s.h.close()
		return nil, failed("gave no frame (the appsink takes video/x-raw as BGR or GRAY8, or image/jpeg)")
	}
	f, err := matFrame(r, BGR8)
	if err != nil {
		s.h.close()
		return nil, failed("%v", err)
	}
	f.Stamp = r.end
	s.first = f
	s.info = Info{URI: "gst:" + p, Backend: "gstreamer", Width: f.Width, Height: f.Height, FPS: fps, Format: f.Format}
	sourceNotes(&s.info, req, "set the size in the pipeline's caps")
	return s, nil
}

func (s *gstSource) Info() Info { return s.info }

func (s *gstSource) Close() error {
	s.h.close()
	return nil
}

func (s *gstSource) Read() (*Frame, error) {
	if f := s.first; f != nil {
		s.first = nil
		return f, nil
	}
	for {
		r, ok, err := s.h.read(s.stall)
		switch {
		case errors.Is(err, errStalled):
			return nil, fmt.Errorf("GStreamer pipeline %q: %w", s.pipeline, err)
		case err != nil:
			return nil, err
		case !ok:
			return nil, fmt.Errorf("GStreamer pipeline %q stopped (end of stream or an error)", s.pipeline)
		}
		f, err := matFrame(r, BGR8)
		if err != nil {
			if err := s.bad.drop(fmt.Sprintf("GStreamer pipeline %q", s.pipeline), err); err != nil {
				return nil, err
			}
			continue
		}
		s.bad.good()
		f.Stamp = r.end
		return f, nil
	}
}
