package httpview

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// snapshotWait is how long /snapshot waits for a camera's first frame.
const snapshotWait = 5 * time.Second

// handleSnapshot answers with one image of the newest frame: a PNG for
// type=png (web_video_server's PngSnapshotStreamer), otherwise a JPEG
// (default_stream_type applies to streams only); the "/compressed" topic
// name or type=ros_compressed gives the compressed topic's bytes.
func (s *Server) handleSnapshot(w http.ResponseWriter, r *http.Request) {
	q, rerr := query(r)
	if rerr != nil {
		fail(w, rerr.status, rerr.msg)
		return
	}
	switch t := streamType(q.Get("type")); {
	case t == typePNG, t == typeCompressed:
	case strings.HasSuffix(q.Get("topic"), "/compressed"):
		q.Del("type") // the compressed topic's own bytes
	default:
		q.Set("type", string(typeMJPEG)) // a JPEG, whatever default_stream_type says
	}
	req, release, rerr := s.openView(q)
	if rerr != nil {
		fail(w, rerr.status, rerr.msg)
		return
	}
	defer release() // a graph topic's subscription lingers for the next snapshot
	req, done, _ := s.takeRendition(req)
	defer done()
	f := req.topic.frames.Acquire()
	if f == nil {
		ctx, cancel := context.WithTimeout(r.Context(), snapshotWait)
		f, _ = req.topic.frames.Next(ctx, 0)
		cancel()
	}
	if f == nil {
		msg := fmt.Sprintf("no frame from %s yet (waited %s)", req.topic.name, snapshotWait)
		if req.topic.feed != nil {
			if err := req.topic.feed.Err(); err != nil {
				msg += ": " + err.Error()
			}
		}
		fail(w, http.StatusServiceUnavailable, msg)
		return
	}
	defer f.Release() // jpeg may be its Data (a camera's JPEG), written below
	jpeg, err := s.encode(f, s.options(req, f))
	if err != nil {
		fail(w, http.StatusInternalServerError, fmt.Sprintf("frame %d of %s: %v", f.Seq, req.topic.name, err))
		return
	}
	s.mu.Lock()
	s.snapshots++
	s.mu.Unlock()
	h := w.Header()
	h.Set("Content-Type", req.contentType())
	h.Set("Content-Length", strconv.Itoa(len(jpeg)))
	h.Set("Cache-Control", noCache)
	h.Set("Pragma", "no-cache")
	h.Set("X-Timestamp", string(appendStamp(nil, f.Stamp)))
	setWriteDeadline(w, pageWriteTimeout)
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(jpeg)
	}
}
