package httpview

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"webcam/capture"
	"webcam/h264"
)

// h264Key is one shared H.264 encode: a topic at a requested size with one
// set of encoder settings. Every viewer asking for the same key (WebRTC or
// type=h264) gets the same access units, so ten viewers cost one encode.
type h264Key struct {
	topic         string
	qos           QoSProfile
	width, height int // as asked (0: the source's); the encoder's own size follows the frames
	bitrate       int // kbit/s
	gop           int
	preset        string
	qmin, qmax    int
	relay         bool   // an H.264 source passed through: the fields above are unused
	profile       string // a relay's profile-level-id for SDP (relayProfiles)
}

// settings is the encoder configuration for a frame of srcW×srcH.
func (k h264Key) settings(srcW, srcH, fps int) h264.Settings {
	w, h := fitSize(srcW, srcH, k.width, k.height)
	if w == 0 && h == 0 { // fitSize's "the source's own size"
		w, h = srcW, srcH
	}
	w, h = h264.EvenSize(w, h)
	return h264.Settings{Width: w, Height: h, FPS: fps, BitrateKbps: k.bitrate, GOP: k.gop,
		Preset: k.preset, QMin: k.qmin, QMax: k.qmax}
}

// h264Session runs one encoder for its key while anyone watches: it reads the
// topic's frames, encodes each once and hands the access unit to the WebRTC
// track (which sends it to every peer bound to it) and to each HTTP sink.
type h264Session struct {
	key     h264Key
	encKey  h264Key     // what an encode uses: key, or for a relay the first viewer's settings
	relays  atomic.Bool // passing the source's units on (a relay that has not fallen back)
	topic   *topic
	release func() // the topic's graph subscription, if any
	log     *slog.Logger
	track   *rtpTrack

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	wantKey atomic.Bool                        // a viewer joined or lost packets: the next frame is an IDR
	stream  atomic.Pointer[capture.H264Stream] // what a relay is sending

	mu    sync.Mutex
	refs  int // WebRTC peers and HTTP sinks holding the session
	sinks map[*h264Sink]struct{}
	enc   h264.Settings // the running encoder's settings; zero before the first frame
	err   error         // why the session ended, if it did by itself

	encodes, relayed, keyframes, errors, bytes atomic.Uint64
}

// h264Sink is one HTTP viewer's queue of access units. A viewer that falls
// behind loses access units up to the next keyframe (counted) rather than
// holding up the encoder or the other viewers.
type h264Sink struct {
	ch      chan h264.AccessUnit
	waitKey bool // skip until a keyframe: at the start and after a drop
	dropped atomic.Uint64
	ended   chan struct{} // closed when the session stops feeding this sink
}

// sinkDepth is how many access units an HTTP viewer may lag behind.
const sinkDepth = 8

// errEncoderChanged ends HTTP streams when the frame size changes: an MP4
// stream's size is fixed by its header, so its viewer must reconnect.
var errEncoderChanged = errors.New("the source's frame size changed: reconnect for the new size")

func (h *h264Session) run() {
	defer close(h.done)
	defer h.endSinks()
	if h.relays.Load() && !h.relay() {
		return
	}
	h.encode()
}

// encode runs an encoding session: each frame it gets, encoded once.
func (h *h264Session) encode() {
	var enc *h264.Encoder
	defer func() {
		if enc != nil {
			enc.Close()
		}
	}()
	var last uint64
	for {
		f, err := h.topic.frames.Next(h.ctx, last)
		if err != nil {
			return
		}
		last = f.Seq
		if enc, err = h.encoderFor(enc, f); err != nil {
			f.Release()
			h.fail(err)
			return
		}
		au, err := enc.Encode(f, h.wantKey.Swap(false))
		f.Release() // the encoder copied the picture in; au is its own
		if err != nil {
			h.errors.Add(1)
			h.log.Debug(fmt.Sprintf("http: h264 %s: frame %d: %v", h.key.topic, f.Seq, err))
			continue
		}
		h.encodes.Add(1)
		h.bytes.Add(uint64(len(au.Data)))
		if au.Keyframe {
			h.keyframes.Add(1)
		}
		h.topic.rate.observe(f.Seq, f.Stamp)
		h.track.writeAccessUnit(au)
		h.fanout(au)
	}
}

// encoderFor returns enc if it fits frame f, or a new encoder for f's size.
func (h *h264Session) encoderFor(enc *h264.Encoder, f *capture.Frame) (*h264.Encoder, error) {
	want := h.encKey.settings(f.Width, f.Height, h.fps())
	want.VideoRange = h264.VideoRangeFormat(f.Format) // a YUYV camera's values as they are
	if enc != nil {
		if have := enc.Settings(); have.Width == want.Width && have.Height == want.Height && have.VideoRange == want.VideoRange {
			return enc, nil // the rate it planned for stays: a new encoder would cost an IDR
		}
	}
	if enc != nil {
		enc.Close()
		h.log.Info(fmt.Sprintf("http: h264 %s: the frames are now %dx%d %s, encoding at %dx%d", h.key.topic, f.Width, f.Height, f.Format, want.Width, want.Height))
		h.endSinks() // their MP4 headers name the old size
	}
	next, err := h264.NewEncoder(want)
	if err != nil {
		return nil, fmt.Errorf("h264 encoder for %s: %w", h.key.topic, err)
	}
	h.mu.Lock()
	h.enc = want
	h.mu.Unlock()
	return next, nil
}

// fps is the rate the encoder plans its bitrate for: the topic's measured
// rate, or h264.DefaultFPS before one is known.
func (h *h264Session) fps() int {
	r := int(h.topic.rate.rate(time.Now()) + 0.5)
	if r < 1 || r > h264.MaxFPS {
		return h264.DefaultFPS
	}
	return r
}

func (h *h264Session) fail(err error) {
	h.mu.Lock()
	h.err = err
	h.mu.Unlock()
	h.log.Error("http: " + err.Error())
}

func (h *h264Session) fanout(au h264.AccessUnit) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.sinks {
		if s.waitKey && !au.Keyframe {
			continue
		}
		select {
		case s.ch <- au:
			s.waitKey = false
		default:
			s.dropped.Add(1)
			s.waitKey = true
			h.requestKeyframe()
		}
	}
}

// endSinks tells every HTTP viewer the stream is over.
func (h *h264Session) endSinks() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.sinks {
		close(s.ended)
		delete(h.sinks, s)
	}
}

// addSink registers an HTTP viewer; it starts at the next keyframe, which
// it asks for.
func (h *h264Session) addSink() *h264Sink {
	s := &h264Sink{ch: make(chan h264.AccessUnit, sinkDepth), waitKey: true, ended: make(chan struct{})}
	h.mu.Lock()
	h.sinks[s] = struct{}{}
	h.mu.Unlock()
	h.requestKeyframe()
	return s
}

func (h *h264Session) removeSink(s *h264Sink) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.sinks, s)
}

// requestKeyframe makes the next access unit an IDR (a viewer joined, or a
// WebRTC peer sent a PLI or FIR). A relay asks its source, which may not be
// able to: its viewers then wait for the source's next IDR.
func (h *h264Session) requestKeyframe() {
	h.wantKey.Store(true)
	if st := h.relayedStream(); st != nil {
		st.RequestKeyframe()
	}
}

// H264State is one shared H.264 encode in /state.
type H264State struct {
	Topic   string `json:"topic"`
	Width   int    `json:"width"`
	Height  int    `json:"height"`
	Bitrate int    `json:"bitrate"` // bits/s, as asked
	GOP     int    `json:"gop"`
	Preset  string `json:"preset"`
	Viewers int    `json:"viewers"` // WebRTC peers and type=h264 streams
	Encodes uint64 `json:"encodes"`
	// Passthrough: an H.264 source relayed as it is (Relayed access units,
	// no encodes); Bitrate, GOP and Preset are then the source's business.
	Passthrough bool   `json:"passthrough"`
	Relayed     uint64 `json:"relayed"`
	Keyframes   uint64 `json:"keyframes"`
	Errors      uint64 `json:"errors"`
	Bytes       uint64 `json:"bytes"`
}

func (h *h264Session) state() H264State {
	h.mu.Lock()
	defer h.mu.Unlock()
	relays, k := h.relays.Load(), h.encKey
	if relays {
		k = h.key
	}
	return H264State{Topic: h.key.topic, Width: h.enc.Width, Height: h.enc.Height, Bitrate: k.bitrate * 1000,
		GOP: k.gop, Preset: k.preset, Viewers: h.refs, Encodes: h.encodes.Load(),
		Passthrough: relays, Relayed: h.relayed.Load(),
		Keyframes: h.keyframes.Load(), Errors: h.errors.Load(), Bytes: h.bytes.Load()}
}

// h264Hub holds the running sessions, one per key, each started by its first
// viewer and stopped when its last leaves: nobody watching, nothing encoded.
type h264Hub struct {
	mu       sync.Mutex
	sessions map[h264Key]*h264Session
	closed   bool
	total    atomic.Uint64 // encodes of sessions that have ended, for Stats
	log      *slog.Logger
}

var errHubClosed = errors.New("the server is shutting down")

func newH264Hub(log *slog.Logger) *h264Hub {
	return &h264Hub{sessions: map[h264Key]*h264Session{}, log: log}
}

// acquire joins the session for key, starting it on t if none runs. release
// (of t's graph subscription, or nil) is taken over by the hub either way.
// encKey is the encode a relay falls back to (the key itself otherwise).
// The returned function leaves the session.
func (hub *h264Hub) acquire(key, encKey h264Key, t *topic, release func()) (*h264Session, func(), error) {
	hub.mu.Lock()
	defer hub.mu.Unlock()
	if hub.closed {
		if release != nil {
			release()
		}
		return nil, nil, errHubClosed
	}
	h := hub.sessions[key]
	if h != nil {
		if release != nil {
			release() // the running session holds its own reference
		}
	} else {
		h = &h264Session{key: key, encKey: encKey, topic: t, release: release, log: hub.log, track: newRTPTrack(key.profile),
			sinks: map[*h264Sink]struct{}{}, done: make(chan struct{})}
		h.ctx, h.cancel = context.WithCancel(context.Background())
		h.relays.Store(key.relay)
		hub.sessions[key] = h
		hub.log.Info(fmt.Sprintf("http: h264 %s of %s started (%s)", key.kind(), key.topic, key.describe()))
		go h.run()
	}
	h.mu.Lock()
	h.refs++
	h.mu.Unlock()
	var once sync.Once
	return h, func() { once.Do(func() { hub.leave(h) }) }, nil
}

// leave drops one reference; the last one stops the encoder.
func (hub *h264Hub) leave(h *h264Session) {
	hub.mu.Lock()
	h.mu.Lock()
	h.refs--
	last := h.refs == 0
	h.mu.Unlock()
	if last && hub.sessions[h.key] == h {
		delete(hub.sessions, h.key)
	}
	hub.mu.Unlock()
	if last {
		hub.stop(h)
	}
}

func (hub *h264Hub) stop(h *h264Session) {
	h.cancel()
	<-h.done
	hub.total.Add(h.encodes.Load())
	if h.release != nil {
		h.release()
	}
	hub.log.Info(fmt.Sprintf("http: h264 %s of %s stopped after %d frames", h.key.kind(), h.key.topic, h.encodes.Load()+h.relayed.Load()))
}

// states lists the running sessions for /state.
func (hub *h264Hub) states() []H264State {
	hub.mu.Lock()
	defer hub.mu.Unlock()
	out := make([]H264State, 0, len(hub.sessions))
	for _, h := range hub.sessions {
		out = append(out, h.state())
	}
	return out
}

// encodes is every H.264 encode made so far, by running and ended sessions.
func (hub *h264Hub) encodes() uint64 {
	hub.mu.Lock()
	defer hub.mu.Unlock()
	n := hub.total.Load()
	for _, h := range hub.sessions {
		n += h.encodes.Load()
	}
	return n
}

// close stops every session (their viewers are ended by the server's close).
func (hub *h264Hub) close() {
	hub.mu.Lock()
	hub.closed = true
	running := make([]*h264Session, 0, len(hub.sessions))
	for k, h := range hub.sessions {
		running = append(running, h)
		delete(hub.sessions, k)
	}
	hub.mu.Unlock()
	for _, h := range running {
		hub.stop(h)
	}
}

// kind says what a session does: "encode" or "relay".
func (k h264Key) kind() string {
	if k.relay {
		return "relay"
	}
	return "encode"
}

func (k h264Key) describe() string {
	if k.relay {
		return "passed through as the source sends it, profile-level-id " + k.profile
	}
	size := "source size"
	if k.width > 0 || k.height > 0 {
		size = fmt.Sprintf("fit in %dx%d", k.width, k.height)
	}
	return fmt.Sprintf("%s, %d kbit/s, gop %d, preset %s", size, k.bitrate, k.gop, k.preset)
}
