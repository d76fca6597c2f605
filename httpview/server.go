package httpview

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"webcam/capture"
	"webcam/stream"
)

// Topic is one camera, shown under the full name of its ROS image topic.
type Topic struct {
	Name   string         // e.g. "/cam1/image_raw"; Name+"/compressed" is accepted too
	Frames *stream.Latest // newest frame of that camera
}

// Config is the server's setup; the node fills it from its parameters.
type Config struct {
	Address string // listen address; "" means 0.0.0.0, like web_video_server
	Port    int    // listen port; 0 turns the server off (Start does nothing)

	// Basic auth on every endpoint when User is set. The password is never logged.
	User     string
	Password string

	// CORSOrigin, when set ("*" or "http://host:port"), is sent as
	// Access-Control-Allow-Origin so pages of that origin can use the streams.
	CORSOrigin string
	// DefaultType is the stream type of a URL that names none
	// (web_video_server's default_stream_type): mjpeg (the default), png or
	// ros_compressed.
	DefaultType string

	// CompressedQuality is the node's jpeg_quality: type=ros_compressed on a
	// raw camera uses it, so the encode is shared with the ROS publisher.
	// Nil means capture.DefaultJPEGQuality.
	CompressedQuality func() int
	// State, when set, is the node's part of /state (source, state, fps...).
	// If it marshals to a JSON object its fields are merged with "http".
	State func() any
	// Log receives connections, failures and auth refusals. Nil discards.
	Log *slog.Logger

	// Graph, when set, also serves the ROS graph's other image topics,
	// subscribed while watched (graph.go). GraphLinger is how long a
	// subscription outlives its last viewer; 0 means 3 s.
	Graph       Graph
	GraphLinger time.Duration

	// MaxRenditions bounds the distinct JPEG renditions (quality and size)
	// encoded of each camera at once, each an encode per frame: a viewer
	// asking for another gets the nearest one in use. 0 means 4.
	MaxRenditions int

	// WriteTimeout bounds how long one frame may take to reach a viewer; a
	// viewer slower than that is disconnected. 0 means 10 s.
	WriteTimeout time.Duration

	// PublishRate is web_video_server's publish_rate, in Hz: while a
	// stream's source sends no new frame, the stream's last part is sent
	// again at this rate, so proxies and browsers do not time it out. 0
	// turns it off (web_video_server's default, -1, is off too).
	PublishRate float64

	// H264 are the encoder settings of WebRTC and type=h264 viewers whose
	// URL names none; zero fields take the h264 package's defaults.
	H264 H264Defaults
	// WebRTC is how WebRTC viewers reach the server (ICE servers).
	WebRTC WebRTCConfig
}

const (
	defaultWriteTimeout = 10 * time.Second
	defaultMaxViewers   = 100 // streams at once; each may cost an encode per frame
	closeWait           = 3 * time.Second
)

// Server serves the cameras over HTTP. Create it with New.
type Server struct {
	cfg    Config
	topics []*topic
	byName map[string]*topic
	graph  *graphSet // nil without Config.Graph
	h264   *h264Hub  // the shared H.264 encodes of WebRTC and type=h264 viewers
	whep   *whepPeers
	// h264Defaults is Config.H264 with the package defaults filled in.
	h264Defaults H264Defaults
	handler      http.Handler

	maxViewers int // defaultMaxViewers; tests lower it
	// encode makes a frame's image: (*capture.Frame).Encoded; tests wrap it to
	// watch or slow the encodes.
	encode func(f *capture.Frame, o capture.EncodeOptions) ([]byte, error)

	ctx    context.Context // canceled by Close: ends every request
	cancel context.CancelFunc

	mu         sync.Mutex
	srv        *http.Server
	ln         net.Listener
	closed     bool
	viewers    map[uint64]*viewer
	renditions map[renditionKey]int // viewers and snapshots of each rendition in use
	running    sync.WaitGroup       // viewer goroutines, for Close to wait on
	handlers   atomic.Int64         // how many of them (a viewer leaves s.viewers on disconnect, its handler later)
	nextID     uint64
	snapshots  uint64
	refused    refusals // auth failures, for throttled logging
}

type topic struct {
	name   string
	frames *stream.Latest
	rate   seqMeter // the camera's frame rate, as seen by its viewers

	graph string     // a graph topic's ROS type; "" for the server's own cameras
	qos   QoSProfile // a subscribed graph topic's qos_profile
	feed  GraphFeed  // a subscribed graph topic's feed
}

// New checks the configuration and topics. It binds nothing: call Start or Serve.
func New(cfg Config, topics []Topic) (*Server, error) {
	if cfg.Port < 0 || cfg.Port > 65535 {
		return nil, fmt.Errorf("http_port %d is outside 0..65535 (0 turns the server off)", cfg.Port)
	}
	if cfg.Address == "" {
		cfg.Address = "0.0.0.0"
	}
	if cfg.User == "" && cfg.Password != "" {
		return nil, errors.New("an HTTP password is set but http_user is empty: set both, or neither for no auth")
	}
	if cfg.User != "" && cfg.Password == "" {
		return nil, fmt.Errorf("http_user %q is set but the password is empty: basic auth needs both", cfg.User)
	}
	if strings.ContainsAny(cfg.User, ":\r\n") {
		return nil, fmt.Errorf("http_user %q must not contain ':' or line breaks", cfg.User)
	}
	switch streamType(cfg.DefaultType) {
	case "":
		cfg.DefaultType = string(typeMJPEG)
	case typeMJPEG, typePNG, typeCompressed:
	default:
		return nil, fmt.Errorf("default stream type %q is not one of mjpeg, png, ros_compressed", cfg.DefaultType)
	}
	if err := checkOrigin(cfg.CORSOrigin); err != nil {
		return nil, err
	}
	if cfg.MaxRenditions < 0 {
		return nil, fmt.Errorf("MaxRenditions %d is negative (0 means %d)", cfg.MaxRenditions, defaultMaxRenditions)
	}
	if cfg.MaxRenditions == 0 {
		cfg.MaxRenditions = defaultMaxRenditions
	}
	if !(cfg.PublishRate >= 0) || math.IsInf(cfg.PublishRate, 0) {
		return nil, fmt.Errorf("publish rate %v Hz is not a rate ≥ 0 (0 turns re-sending off)", cfg.PublishRate)
	}
	h264Defaults := cfg.H264.withDefaults()
	if err := h264Defaults.check(); err != nil {
		return nil, err
	}
	if err := cfg.WebRTC.check(); err != nil {
		return nil, err
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = defaultWriteTimeout
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, byName: map[string]*topic{}, viewers: map[uint64]*viewer{},
		renditions: map[renditionKey]int{}, maxViewers: defaultMaxViewers, encode: (*capture.Frame).Encoded,
		h264: newH264Hub(cfg.Log), h264Defaults: h264Defaults}
	var err error
	if s.whep, err = newWHEPPeers(cfg.WebRTC); err != nil {
		return nil, fmt.Errorf("webrtc: %w", err)
	}
	for _, t := range topics {
		if err := checkTopicName(t.Name); err != nil {
			return nil, err
		}
		if t.Frames == nil {
			return nil, fmt.Errorf("topic %s has no frame source", t.Name)
		}
		base, isCompressed := strings.CutSuffix(t.Name, "/compressed")
		if s.byName[t.Name] != nil || s.byName[t.Name+"/compressed"] != nil || isCompressed && s.byName[base] != nil {
			return nil, fmt.Errorf("topic %s is listed twice", t.Name)
		}
		tp := &topic{name: t.Name, frames: t.Frames}
		s.topics = append(s.topics, tp)
		s.byName[t.Name] = tp
	}
	if cfg.Graph != nil {
		s.graph = newGraphSet(cfg.Graph, cfg.GraphLinger, cfg.Log)
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.handler = s.routes()
	return s, nil
}

// checkTopicName accepts fully qualified ROS names: "/" then tokens of
// [A-Za-z0-9_] not starting with a digit, separated by single slashes. Names
// this strict need no escaping anywhere, though everything is escaped anyway.
func checkTopicName(name string) error {
	bad := func(why string) error {
		return fmt.Errorf("topic name %q is not a full ROS name (%s), e.g. /cam1/image_raw", name, why)
	}
	rest, ok := strings.CutPrefix(name, "/")
	if !ok {
		return bad("must start with /")
	}
	for tok := range strings.SplitSeq(rest, "/") {
		if tok == "" {
			return bad("empty part")
		}
		for i, c := range tok {
			letter := c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
			if !letter && !(i > 0 && c >= '0' && c <= '9') {
				return bad(fmt.Sprintf("character %q", c))
			}
		}
	}
	return nil
}

func checkOrigin(o string) error {
	if o == "" || o == "*" {
		return nil
	}
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return fmt.Errorf("CORS origin %q is not \"*\" or an origin like http://host:8000", o)
	}
	return nil
}

// Start listens on Address:Port and serves in the background until ctx ends
// or Close. With Port 0 it does nothing. A bind failure is returned at once.
func (s *Server) Start(ctx context.Context) error {
	if s.cfg.Port == 0 {
		return nil
	}
	addr := net.JoinHostPort(s.cfg.Address, strconv.Itoa(s.cfg.Port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("http server cannot listen on %s: %w (choose another http_port, or 0 to turn it off)", addr, err)
	}
	srv, err := s.attach(ln)
	if err != nil {
		return err
	}
	go func() {
		if err := s.run(ctx, srv, ln); err != nil {
			s.cfg.Log.Error("http server stopped: " + err.Error())
		}
	}()
	return nil
}

// Serve serves on ln until ctx ends or Close, then closes ln. It returns nil
// after a clean stop.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv, err := s.attach(ln)
	if err != nil {
		return err
	}
	return s.run(ctx, srv, ln)
}

// attach makes ln the server's listener (once in its life).
func (s *Server) attach(ln net.Listener) (*http.Server, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil || s.closed {
		if ln != nil {
			ln.Close()
		}
		return nil, errors.New("httpview: Serve called on a server already serving or closed")
	}
	s.srv = &http.Server{
		Handler:           s.handler,
		BaseContext:       func(net.Listener) context.Context { return s.ctx },
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          log.New(logWriter{s.cfg.Log}, "", 0),
	}
	s.ln = ln
	return s.srv, nil
}

func (s *Server) run(ctx context.Context, srv *http.Server, ln net.Listener) error {
	s.cfg.Log.Info(fmt.Sprintf("http server on http://%s/ (%d camera(s)%s)", ln.Addr(), len(s.topics), s.authNote()))
	defer ln.Close() // in case Close came between attach and Serve
	stop := context.AfterFunc(ctx, func() { s.Close() })
	defer stop()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (s *Server) authNote() string {
	if s.cfg.User != "" {
		return ", basic auth for user " + strconv.Quote(s.cfg.User)
	}
	return ""
}

// Addr is the address the server listens on, or nil before Serve.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// H264Encodes is the number of H.264 encodes made for WebRTC and type=h264
// viewers since start, for /diagnostics.
func (s *Server) H264Encodes() uint64 { return s.h264.encodes() }

// Viewers is the number of streams being watched now.
func (s *Server) Viewers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.viewers)
}

// Close stops listening, ends every request at once and waits (briefly) for
// the viewers' goroutines to finish. Safe to call more than once.
func (s *Server) Close() error {
	s.mu.Lock()
	already := s.closed
	s.closed = true
	srv := s.srv
	s.mu.Unlock()
	if already {
		return nil
	}
	s.cancel()
	var err error
	if srv != nil {
		err = srv.Close() // closes the connections too: blocked writes fail now
	}
	done := make(chan struct{})
	go func() { s.running.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(closeWait):
		err = errors.Join(err, fmt.Errorf("httpview: %d viewer(s) still running %s after close", s.handlers.Load(), closeWait))
	}
	s.whep.closeAll()
	s.h264.close() // after its viewers: their sessions hold graph subscriptions
	if s.graph != nil {
		s.graph.close()
	}
	return err
}

// logWriter turns net/http's own error log into Log calls.
type logWriter struct{ log *slog.Logger }

func (w logWriter) Write(p []byte) (int, error) {
	w.log.Warn(strings.TrimSpace(string(p)))
	return len(p), nil
}
