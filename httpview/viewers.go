package httpview

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"

	"webcam/stream"
)

// viewer is one open /stream and its counters for /state.
type viewer struct {
	id     uint64
	remote string
	req    viewRequest
	since  time.Time

	mu        sync.Mutex
	frames    uint64 // parts written, of new frames
	resends   uint64 // parts written again while the source sent nothing new (Config.PublishRate)
	last      uint64 // Seq of the newest frame written (or skipped for an error)
	drops     uint64 // frames skipped: newer ones arrived while this viewer was writing
	failures  uint64 // frames that could not be encoded
	bytes     uint64
	rate      stream.RateMeter
	lastError string

	leave func() bool // stops the release on disconnect; see addViewer
}

var errTooManyViewers = errors.New("too many viewers")

// addViewer registers a stream; the caller must removeViewer when it ends.
//
// The viewer's place under the cap is given back as soon as the client's
// connection closes (the request's context ends), not only when the handler
// returns: a handler busy in an encode or a write on a loaded machine would
// otherwise hold the place of a viewer long gone, and turn new ones away.
func (s *Server) addViewer(r *http.Request, req viewRequest) (*viewer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, http.ErrServerClosed
	}
	if len(s.viewers) >= s.maxViewers {
		return nil, errTooManyViewers
	}
	s.nextID++
	v := &viewer{id: s.nextID, remote: r.RemoteAddr, req: req, since: time.Now()}
	s.viewers[v.id] = v
	s.running.Add(1)
	s.handlers.Add(1)
	v.leave = context.AfterFunc(r.Context(), func() { s.freeSlot(v) })
	return v, nil
}

// freeSlot takes v off the list of open streams (and so off the cap).
func (s *Server) freeSlot(v *viewer) {
	s.mu.Lock()
	delete(s.viewers, v.id)
	s.mu.Unlock()
}

// admitViewer registers a stream for r, or answers 503 (the cap reached, or
// the server closing) and returns false.
func (s *Server) admitViewer(w http.ResponseWriter, r *http.Request, req viewRequest) (*viewer, bool) {
	v, err := s.addViewer(r, req)
	switch {
	case errors.Is(err, errTooManyViewers):
		fail(w, http.StatusServiceUnavailable, fmt.Sprintf("too many viewers (%d): try again later", s.maxViewers))
		return nil, false
	case err != nil:
		fail(w, http.StatusServiceUnavailable, "the server is shutting down")
		return nil, false
	}
	return v, true
}

func (s *Server) removeViewer(v *viewer, why error) {
	v.leave()
	s.freeSlot(v)
	s.handlers.Add(-1)
	s.running.Done()
	v.mu.Lock()
	msg := fmt.Sprintf("http: viewer %d (%s) left %s after %s: %d frames, %d dropped",
		v.id, v.remote, v.req.topic.name, time.Since(v.since).Round(100*time.Millisecond), v.frames, v.dropsNow())
	if v.resends > 0 {
		msg += fmt.Sprintf(", %d re-sent", v.resends)
	}
	if v.failures > 0 {
		msg += fmt.Sprintf(", %d not encoded (%s)", v.failures, v.lastError)
	}
	v.mu.Unlock()
	if why != nil {
		msg += ": " + why.Error()
	}
	s.cfg.Log.Info(msg)
}

// sent records one written part; skipped frames (Seq gaps) count as drops.
func (v *viewer) sent(seq uint64, n int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.skipTo(seq)
	v.frames++
	v.bytes += uint64(n)
	v.rate.Add(time.Now())
}

// resent records a part written again (Config.PublishRate): its bytes, but
// neither a frame nor a step of the viewer's frame rate.
func (v *viewer) resent(n int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.resends++
	v.bytes += uint64(n)
}

func (v *viewer) skipTo(seq uint64) {
	if v.last != 0 && seq > v.last+1 {
		v.drops += seq - v.last - 1
	}
	v.last = seq
}

// dropsNow adds the frames this viewer has certainly missed while still busy
// with its current one: all but the newest, which it may yet take. Without
// this a viewer blocked in a write would show no drops at all.
func (v *viewer) dropsNow() uint64 {
	newest := v.req.topic.frames.Load()
	if v.last == 0 || newest == nil || newest.Seq <= v.last+1 {
		return v.drops
	}
	return v.drops + newest.Seq - v.last - 1
}

// failed records a frame that could not be encoded; true the first time, so
// the caller logs a failing camera once per viewer rather than per frame.
func (v *viewer) failed(seq uint64, err error) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.skipTo(seq)
	v.failures++
	v.lastError = err.Error()
	return v.failures == 1
}

// ViewerState is one viewer in /state.
type ViewerState struct {
	ID        uint64  `json:"id"`
	Remote    string  `json:"remote"`
	Topic     string  `json:"topic"`
	Type      string  `json:"type"`
	Quality   int     `json:"quality,omitempty"`
	Width     int     `json:"width,omitempty"`
	Height    int     `json:"height,omitempty"`
	Seconds   float64 `json:"seconds"`
	Frames    uint64  `json:"frames"`
	Resent    uint64  `json:"resent,omitempty"` // parts written again while the source sent nothing new
	Drops     uint64  `json:"drops"`
	Failures  uint64  `json:"failures,omitempty"`
	Bytes     uint64  `json:"bytes"`
	FPS       float64 `json:"fps"`
	LastError string  `json:"last_error,omitempty"`
}

func (v *viewer) state(now time.Time) ViewerState {
	v.mu.Lock()
	defer v.mu.Unlock()
	st := ViewerState{
		ID: v.id, Remote: v.remote, Topic: v.req.topic.name, Type: string(v.req.typ),
		Seconds: now.Sub(v.since).Seconds(), Frames: v.frames, Resent: v.resends, Drops: v.dropsNow(),
		Failures: v.failures, Bytes: v.bytes, FPS: v.rate.Rate(now), LastError: v.lastError,
	}
	if v.req.typ == typeMJPEG {
		st.Quality, st.Width, st.Height = v.req.quality, v.req.width, v.req.height
	}
	return st
}

// viewerStates lists the open streams, oldest first.
func (s *Server) viewerStates() []ViewerState {
	s.mu.Lock()
	vs := make([]*viewer, 0, len(s.viewers))
	for _, v := range s.viewers {
		vs = append(vs, v)
	}
	s.mu.Unlock()
	sort.Slice(vs, func(i, j int) bool { return vs[i].id < vs[j].id })
	now := time.Now()
	out := make([]ViewerState, len(vs))
	for i, v := range vs {
		out[i] = v.state(now)
	}
	return out
}

// skipped counts access units an H.264 viewer lost to falling behind (it
// then waits for the next keyframe).
func (v *viewer) skipped(n uint64) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.drops += n
}
