package httpview

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"webcam/fmp4"
)

// serveH264 is web_video_server's /stream?type=h264: the shared encode of the
// topic as fragmented MP4 (fmp4), one fragment per picture, in an endless
// response a <video src> element plays as it arrives.
func (s *Server) serveH264(w http.ResponseWriter, r *http.Request, v *viewer, h *h264Session) error {
	sink := h.addSink()
	defer h.removeSink(sink)
	streamHeaders(w.Header())
	w.Header().Set("Content-Type", fmp4.ContentType)
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	if flusher != nil {
		flusher.Flush()
	}
	mp4 := fmp4.NewWriter(w, fmp4.Options{})
	var origin time.Time
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-sink.ended:
			return errEncoderChanged
		case au := <-sink.ch:
			if origin.IsZero() {
				origin = au.Stamp
			}
			setWriteDeadline(w, s.cfg.WriteTimeout)
			err := mp4.WriteAccessUnit(fmp4.AccessUnit{Data: au.Data, Key: au.Keyframe, Time: au.Stamp.Sub(origin)})
			if errors.Is(err, fmp4.ErrParameterSetsChanged) {
				return errEncoderChanged
			}
			if err != nil {
				return fmt.Errorf("h264 stream: %w", err)
			}
			if flusher != nil {
				flusher.Flush()
			}
			v.sent(au.Seq, len(au.Data))
			if d := sink.dropped.Swap(0); d > 0 {
				v.skipped(d)
			}
		}
	}
}

// streamH264 answers /stream?type=h264: it joins the shared encode (taking
// over release, the graph subscription) and registers a viewer, as MJPEG
// streams do, for the viewer cap and /state.
func (s *Server) streamH264(w http.ResponseWriter, r *http.Request, q url.Values, req viewRequest, release func()) {
	h, leave, rerr := s.joinH264(q, req, release, nil)
	if rerr != nil {
		fail(w, rerr.status, rerr.msg)
		return
	}
	defer leave()
	v, ok := s.admitViewer(w, r, req)
	if !ok {
		return
	}
	s.cfg.Log.Info(fmt.Sprintf("http: viewer %d (%s) watches %s as h264 (%s)", v.id, v.remote, h.key.topic, h.key.describe()))
	if r.Method == http.MethodHead {
		streamHeaders(w.Header())
		w.Header().Set("Content-Type", fmp4.ContentType)
		w.WriteHeader(http.StatusOK)
		s.removeViewer(v, nil)
		return
	}
	s.removeViewer(v, s.serveH264(w, r, v, h))
}
