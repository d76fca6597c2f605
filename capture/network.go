package capture

import (
	"errors"
	"fmt"
	"net/url"
	"time"

	"gocv.io/x/gocv"
)

// Network cameras, "rtsp://…", "rtsps://…", "http://…", "https://…", read
// through OpenCV's FFmpeg backend. An MJPEG-over-HTTP stream is a JPEG source:
// FFmpeg hands over each part's JPEG bytes, published without decoding. An
// H.264 stream (most RTSP cameras) is an H264 source: its access units pass
// through to WebRTC and type=h264 viewers, decoded only for pixels. The
// URI goes to FFmpeg as written, query included.

func init() {
	for _, scheme := range []string{"rtsp", "rtsps", "http", "https"} {
		Register(scheme, openNetwork)
	}
}

// networkTimeout bounds FFmpeg's open and each read, so a server that goes
// quiet is noticed and the runner reconnects.
const networkTimeout = 10 * time.Second

type networkSource struct {
	h     *cvHandle
	name  string // the URI without its password, for messages
	info  Info
	raw   bool
	h264  *H264Stream // the packets are H.264 access units
	stall time.Duration
	bad   badFrames
}

func openNetwork(u *url.URL, req Request) (Source, error) {
	name := u.Redacted()
	if u.Host == "" {
		return nil, Configf("source %q: no host (e.g. rtsp://192.168.1.20:554/stream, http://cam.local/mjpg)", name)
	}
	ms := gocv.VideoCaptureProperties(networkTimeout / time.Millisecond)
	params := []gocv.VideoCaptureProperties{propOpenTimeoutMsec, ms, propReadTimeoutMsec, ms}
	vc, err := gocv.VideoCaptureFileWithAPIParams(u.String(), gocv.VideoCaptureFFmpeg, params)
	if err != nil {
		vc.Close()
		return nil, fmt.Errorf("cannot open stream %s (server down, wrong URL or credentials?)", name)
	}
	codec := uint32(vc.Get(gocv.VideoCaptureFOURCC))
	s := &networkSource{name: name, raw: (isMJPEG(codec) || isH264(codec)) && setRawPackets(vc)}
	s.info = Info{
		URI: name, Backend: "network", Format: BGR8,
		Width: int(vc.Get(gocv.VideoCaptureFrameWidth)), Height: int(vc.Get(gocv.VideoCaptureFrameHeight)),
		FPS: usableFPS(vc.Get(gocv.VideoCaptureFPS)),
	}
	switch {
	case s.raw && isH264(codec):
		s.info.Format, s.h264 = H264, NewH264Stream(nil)
	case s.raw:
		s.info.Format = JPEG
	}
	s.h = newCVHandle(vc)
	s.stall = stallLimit(s.info.FPS)
	sourceNotes(&s.info, req, "network streams are not scaled")
	if req.FPS > 0 && s.info.FPS > 0 && req.FPS < s.info.FPS*0.99 {
		s.info.Notes = append(s.info.Notes, fmt.Sprintf("frame rate: asked %g fps, the stream sends %s fps", req.FPS, formatFPS(s.info.FPS)))
	}
	return s, nil
}

func (s *networkSource) Info() Info { return s.info }

func (s *networkSource) Close() error {
	s.h.close()
	if s.h264 != nil {
		s.h264.Close()
	}
	return nil
}

func (s *networkSource) Read() (*Frame, error) {
	for {
		r, ok, err := s.h.read(s.stall)
		switch {
		case errors.Is(err, errStalled):
			return nil, fmt.Errorf("stream %s: %w", s.name, err)
		case err != nil:
			return nil, err
		case !ok:
			return nil, fmt.Errorf("stream %s ended or timed out after %s", s.name, networkTimeout)
		}
		var f *Frame
		switch {
		case s.h264 != nil:
			f, err = s.h264.Frame(r.data, s.info.Width, s.info.Height, r.end)
		case s.raw:
			f, err = packetFrame(r)
		default:
			f, err = matFrame(r, BGR8)
		}
		if err != nil {
			if err := s.bad.drop("stream "+s.name, err); err != nil {
				return nil, err
			}
			continue
		}
		s.bad.good()
		f.Stamp = r.end
		return f, nil
	}
}
