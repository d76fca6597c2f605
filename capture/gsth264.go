package capture

import (
	"errors"
	"fmt"
	"io"
	"time"

	"webcam/gstsample"
)

// H.264 from GStreamer: a "gst:" pipeline whose appsink takes video/x-h264
// is read with package gstsample, not OpenCV, and its access units are
// passed through as H264 frames (no decode, no re-encode):
//
//	gst:v4l2src device=/dev/video0 ! video/x-h264,width=1280,height=720 ! h264parse config-interval=-1 ! video/x-h264 ! appsink
//	gst:rtspsrc location=rtsp://cam/stream ! rtph264depay ! h264parse ! video/x-h264 ! appsink
//
// The caps before the appsink get stream-format=byte-stream,alignment=au if
// they lack them, and h264parse config-interval=-1 is put before them if the
// pipeline has no parser (h264Pipeline); Info.Notes says so. Reading starts
// at the first IDR (asking upstream for one if the stream begins without).

type gstH264Source struct {
	p        *gstsample.Pipeline
	pipeline string // as the user wrote it, for errors
	live     bool
	info     Info
	first    *Frame
	stall    time.Duration
	stream   *H264Stream
	bad      badFrames
}

func openGstH264(p string, live bool, req Request) (Source, error) {
	run, notes, err := h264Pipeline(p)
	if err != nil {
		return nil, err
	}
	pl, err := gstsample.Open(run)
	if err != nil {
		if run != p && errors.Is(err, gstsample.ErrParse) {
			err = fmt.Errorf("%w, run as %q", err, run) // the parser may be ours
		}
		return nil, h264OpenError(p, live, err)
	}
	s := &gstH264Source{p: pl, pipeline: p, live: live, stall: stallLimit(0)}
	s.stream = NewH264Stream(func() { pl.ForceKeyUnit() })
	if s.first, err = s.firstIDR(); err != nil {
		s.Close()
		return nil, h264OpenError(p, live, err)
	}
	fps := s.info.FPS // pull took it from the first sample's caps
	s.info = Info{URI: "gst:" + p, Backend: "gstreamer", Width: s.first.Width, Height: s.first.Height,
		FPS: fps, Format: H264, Notes: notes}
	sourceNotes(&s.info, req, "set the size in the pipeline's caps")
	return s, nil
}

// h264OpenError says why a pipeline did not start: a description GStreamer
// refuses is always a config error; anything else follows gstFailure.
func h264OpenError(p string, live bool, err error) error {
	var gerr *gstsample.Error
	switch {
	case errors.Is(err, gstsample.ErrParse):
		return Configf("GStreamer pipeline %q: %v", p, err)
	case errors.As(err, &gerr) && gerr.NotNegotiated():
		return gstFailure(p, live, "the stream does not fit the appsink's caps %q (%v); put h264parse right before them "+
			"(… ! h264parse config-interval=-1 ! video/x-h264,stream-format=byte-stream,alignment=au ! appsink) "+
			"and check that what comes before is H.264 matching any size or profile in the caps", appsinkCaps(p), err)
	case errors.Is(err, gstsample.ErrTimeout):
		return gstFailure(p, live, "gave no H.264 IDR picture within %s", stallLimit(0))
	case errors.Is(err, io.EOF):
		return gstFailure(p, live, "ended before its first H.264 IDR picture")
	}
	return gstFailure(p, live, "%v", err)
}

// firstIDR reads up to the first IDR that can be decoded on its own, so
// that every frame handed on can be: leading pictures that refer to ones
// before the stream began are dropped, and upstream is asked for a key
// frame once when the stream does not begin with one.
func (s *gstH264Source) firstIDR() (*Frame, error) {
	deadline := time.Now().Add(s.stall)
	asked := false
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return nil, gstsample.ErrTimeout
		}
		f, idr, err := s.pull(left)
		if err != nil {
			return nil, err
		}
		if f != nil && idr && s.stream.decodable() {
			return f, nil
		}
		if !asked {
			s.p.ForceKeyUnit()
			asked = true
		}
	}
}

// pull reads one access unit as a frame; f is nil when its bytes are not
// Annex-B (s.bad has counted it). The first sample's caps set the frame
// rate and, from it, the stall limit.
func (s *gstH264Source) pull(timeout time.Duration) (f *Frame, idr bool, err error) {
	begin := time.Now()
	smp, err := s.p.Pull(timeout)
	end := time.Now()
	if err != nil {
		return nil, false, err
	}
	if s.info.FPS == 0 {
		s.info.FPS = capsFPS(smp.Caps)
		s.stall = stallLimit(s.info.FPS)
	}
	w, h := capsSize(smp.Caps) // until the stream's SPS gives the size
	f, err = s.stream.Frame(smp.Data, w, h, end)
	if err != nil {
		return nil, false, s.bad.drop(fmt.Sprintf("GStreamer pipeline %q", s.pipeline), err)
	}
	s.bad.good()
	f.GrabBegin, f.GrabEnd = begin, end
	st, idx, _ := f.H264()
	return f, st.keyframe(idx), nil
}

func (s *gstH264Source) Info() Info { return s.info }

func (s *gstH264Source) Close() error {
	s.stream.Close()
	return s.p.Close()
}

func (s *gstH264Source) Read() (*Frame, error) {
	if f := s.first; f != nil {
		s.first = nil
		return f, nil
	}
	for {
		f, _, err := s.pull(s.stall)
		if err != nil {
			return nil, s.readError(err)
		}
		if f != nil {
			return f, nil
		}
	}
}

// readError maps the reader's errors to the Source contract: ErrClosed,
// io.EOF, a stall as the OpenCV sources report it, anything else retryable.
func (s *gstH264Source) readError(err error) error {
	switch {
	case errors.Is(err, gstsample.ErrClosed):
		return ErrClosed
	case errors.Is(err, io.EOF):
		return io.EOF
	case errors.Is(err, gstsample.ErrTimeout):
		return fmt.Errorf("GStreamer pipeline %q: %w for %s", s.pipeline, errStalled, s.stall)
	}
	return fmt.Errorf("GStreamer pipeline %q: %w", s.pipeline, err)
}
