package httpview

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"webcam/capture"
	"webcam/stream"
)

// The multipart framing, byte for byte as web_video_server's
// multipart_stream.cpp writes it: the first boundary right after the response
// headers, then per part its headers, the JPEG, and the next boundary at once,
// so a browser shows each image as soon as it arrives.
const (
	boundary      = "boundarydonotcross"
	multipartType = "multipart/x-mixed-replace;boundary=" + boundary
	firstBoundary = "--" + boundary + "\r\n"
	partFooter    = "\r\n--" + boundary + "\r\n"
)

// appendPartHeader writes a part's headers with web_video_server's names, case
// and order. X-Timestamp is the capture stamp in seconds with microseconds
// (its "%.06lf").
func appendPartHeader(b []byte, contentType string, stamp time.Time, size int) []byte {
	b = append(b, "Content-type: "...)
	b = append(b, contentType...)
	b = append(b, "\r\nX-Timestamp: "...)
	b = appendStamp(b, stamp)
	b = append(b, "\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(size), 10)
	return append(b, "\r\n\r\n"...)
}

func appendStamp(b []byte, t time.Time) []byte {
	return fmt.Appendf(b, "%d.%06d", t.Unix(), t.Nanosecond()/1000)
}

// streamHeaders are web_video_server's response headers for a stream, minus
// its unconditional Access-Control-Allow-Origin (ours is configured).
func streamHeaders(h http.Header) {
	h.Set("Content-Type", multipartType)
	h.Set("Cache-Control", noCache)
	h.Set("Pragma", "no-cache")
	h.Set("Connection", "close")
	// With Connection: close, "identity" makes net/http send the body raw
	// rather than chunked, the same bytes web_video_server's HTTP/1.0 sends;
	// clients that parse the stream by hand depend on that.
	h.Set("Transfer-Encoding", "identity")
}

func (s *Server) handleStream(w http.ResponseWriter, r *http.Request) {
	q, rerr := query(r)
	if rerr != nil {
		fail(w, rerr.status, rerr.msg)
		return
	}
	req, release, rerr := s.openView(q)
	if rerr != nil {
		fail(w, rerr.status, rerr.msg)
		return
	}
	if req.typ == typeH264 {
		s.streamH264(w, r, q, req, release)
		return
	}
	defer release() // a graph topic's subscription
	if _, ok := w.(http.Flusher); !ok {
		fail(w, http.StatusInternalServerError, "this connection cannot stream")
		return
	}
	asked := req
	req, done, note := s.takeRendition(req)
	defer done()
	v, ok := s.admitViewer(w, r, req)
	if !ok {
		return
	}
	if note != "" {
		s.cfg.Log.Info(fmt.Sprintf("http: viewer %d (%s) watches %s, %s", v.id, v.remote, asked, note))
	} else {
		s.cfg.Log.Info(fmt.Sprintf("http: viewer %d (%s) watches %s", v.id, v.remote, req))
	}
	streamHeaders(w.Header())
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		s.removeViewer(v, nil)
		return
	}
	s.removeViewer(v, s.serveParts(w, r, v))
}

// serveParts writes the newest frame whenever the previous one has gone out,
// until the client leaves, a write fails or the server closes. The reason is
// returned for the log; a client that simply left is not an error.
//
// With Config.PublishRate set, a source that sends nothing new for a period
// (1/PublishRate) gets its last part written again, once a period, with the
// same bytes and X-Timestamp (web_video_server's restreamFrame, which stamps
// the send time instead): a client can tell a repeat by its stamp. Repeats
// are counted apart from frames (viewer.resent), and end with the viewer.
func (s *Server) serveParts(w http.ResponseWriter, r *http.Request, v *viewer) error {
	ctx := r.Context()
	rc := http.NewResponseController(w)
	deadline := func() error { return rc.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout)) }
	if err := deadline(); err != nil {
		return err
	}
	if _, err := io.WriteString(w, firstBoundary); err != nil {
		return nil
	}
	if err := rc.Flush(); err != nil {
		return nil
	}
	head := make([]byte, 0, 128)
	var (
		last      uint64
		prev      *capture.Frame // the last part written, for re-sending
		prevImage []byte         // may be prev's Data (a camera's JPEG)
		pending   *capture.Frame // a new frame until it is written
		wrote     time.Time
	)
	// prev and pending are held (Retain): their images are written later.
	defer func() {
		for _, f := range []*capture.Frame{prev, pending} {
			if f != nil {
				f.Release()
			}
		}
	}()
	for {
		var due time.Time
		if s.cfg.PublishRate > 0 && prev != nil {
			due = wrote.Add(time.Duration(float64(time.Second) / s.cfg.PublishRate))
		}
		f, err := nextOrDue(ctx, v.req.topic.frames, last, due)
		if err != nil {
			return nil // client gone or server closing
		}
		resend := f == nil
		var image []byte
		if resend {
			f, image = prev, prevImage
		} else {
			pending = f
			last = f.Seq
			v.req.topic.rate.observe(f.Seq, f.Stamp)
			image, err = s.encode(f, s.options(v.req, f))
			if err != nil {
				pending = nil
				f.Release()
				if v.failed(f.Seq, err) {
					s.cfg.Log.Warn(fmt.Sprintf("http: viewer %d: frame %d of %s: %v", v.id, f.Seq, v.req.topic.name, err))
				}
				continue
			}
		}
		if err := deadline(); err != nil {
			if ctx.Err() != nil {
				return nil // client gone while this frame was encoded
			}
			return err
		}
		err = writePart(w, head, v.req.contentType(), f, image)
		if err == nil {
			err = rc.Flush()
		}
		switch {
		case err == nil:
		case errors.Is(err, os.ErrDeadlineExceeded): // before ctx: a failed write cancels it too
			return fmt.Errorf("too slow: a frame took over %s to send", s.cfg.WriteTimeout)
		case ctx.Err() != nil:
			return nil
		default:
			return err
		}
		wrote = time.Now()
		if resend {
			v.resent(len(image))
			continue
		}
		v.sent(f.Seq, len(image))
		if prev != nil {
			prev.Release()
		}
		prev, prevImage, pending = f, image, nil
	}
}

// nextOrDue waits for a frame newer than last, as frames.Next; with a due
// time set it gives up then and returns nil, nil: time to re-send. A new
// frame that is already there wins over a re-send that is due.
func nextOrDue(ctx context.Context, frames *stream.Latest, last uint64, due time.Time) (*capture.Frame, error) {
	if due.IsZero() {
		return frames.Next(ctx, last)
	}
	wait, cancel := context.WithDeadline(ctx, due)
	defer cancel()
	f, err := frames.Next(wait, last)
	if err != nil && ctx.Err() == nil {
		return nil, nil
	}
	return f, err
}

func writePart(w io.Writer, head []byte, contentType string, f *capture.Frame, jpeg []byte) error {
	head = appendPartHeader(head[:0], contentType, f.Stamp, len(jpeg))
	if _, err := w.Write(head); err != nil {
		return err
	}
	if _, err := w.Write(jpeg); err != nil {
		return err
	}
	_, err := io.WriteString(w, partFooter)
	return err
}
