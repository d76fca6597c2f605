package node

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"webcam/capture"
	"webcam/httpview"
	"webcam/rosparam"
)

// PasswordEnv is read for the HTTP password when http_password_file is empty.
const PasswordEnv = "WEBCAM_HTTP_PASSWORD"

// httpViewer owns the built-in HTTP server and restarts it when an http_*
// parameter changes, keeping the old one if the new one cannot start.
type httpViewer struct {
	n     *Node
	ctx   context.Context
	graph *graphImages // other nodes' image topics, while http_graph_topics is true

	startedOff bool // http_port was 0 at start-up

	mu  sync.Mutex
	srv *httpview.Server
	cfg httpview.Config
	// h264Retired counts the H.264 encodes of servers replaced by a change.
	h264Retired uint64
}

// h264Encodes is every H.264 encode for web viewers since start.
func (v *httpViewer) h264Encodes() uint64 {
	if v == nil {
		return 0
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	n := v.h264Retired
	if v.srv != nil {
		n += v.srv.H264Encodes()
	}
	return n
}

// httpConfig builds the server's configuration from parameter values.
func (n *Node) httpConfig(t *rosparam.Table) (httpview.Config, error) {
	cfg := httpview.Config{
		Address:           str(t, pHTTPAddress),
		Port:              integer(t, pHTTPPort),
		User:              str(t, pHTTPUser),
		CORSOrigin:        str(t, pHTTPCORS),
		DefaultType:       str(t, pDefaultType),
		PublishRate:       float(t, pHTTPRate),
		H264:              httpview.H264Defaults{Bitrate: integer(t, pH264Bitrate), GOP: integer(t, pH264GOP), Preset: str(t, pH264Preset)},
		CompressedQuality: func() int { return n.pubConfig.Load().jpegQuality },
		State:             func() any { return n.State() },
		Log:               n.log,
	}
	var err error
	if cfg.WebRTC, err = webRTCConfig(t); err != nil {
		return cfg, err
	}
	if cfg.User == "" {
		return cfg, nil
	}
	if file := str(t, pHTTPPassFile); file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return cfg, fmt.Errorf("%s %q: %v", pHTTPPassFile, file, err)
		}
		cfg.Password = strings.TrimRight(string(b), "\r\n")
	} else {
		cfg.Password = os.Getenv(PasswordEnv)
	}
	return cfg, nil
}

// webRTCConfig reads the ICE servers and the TURN password file.
func webRTCConfig(t *rosparam.Table) (httpview.WebRTCConfig, error) {
	servers, _ := t.Get(pICEServers)
	c := httpview.WebRTCConfig{ICEServers: servers.StringArray, TURNUser: str(t, pTURNUser)}
	if file := str(t, pTURNPassFile); file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return c, fmt.Errorf("%s %q: %v", pTURNPassFile, file, err)
		}
		c.TURNPassword = strings.TrimRight(string(b), "\r\n")
	}
	return c, nil
}

// startHTTP starts the viewer for the node's image topic and installs the
// live-change hook. http_port 0 leaves it off until a change turns it on.
func (n *Node) startHTTP(ctx context.Context) error {
	v := &httpViewer{n: n, ctx: ctx, graph: newGraphImages(n), startedOff: integer(n.params, pHTTPPort) == 0}
	cfg, err := n.httpConfig(n.params)
	if err != nil {
		return err
	}
	cfg.Graph = v.graphHook(n.params)
	n.http = v // before the server starts: its /state handler reads it
	if err := v.start(cfg); err != nil {
		n.http = nil
		return err
	}
	context.AfterFunc(ctx, v.close)
	return nil
}

func (v *httpViewer) topics() []httpview.Topic {
	return []httpview.Topic{{Name: v.n.topics[TopicImage], Frames: v.n.frames}}
}

// start replaces the running server with one for cfg.
func (v *httpViewer) start(cfg httpview.Config) error {
	srv, err := httpview.New(cfg, v.topics())
	if err != nil {
		return err
	}
	if err := srv.Start(v.ctx); err != nil {
		return err
	}
	v.mu.Lock()
	v.srv, v.cfg = srv, cfg
	v.mu.Unlock()
	return nil
}

// apply takes a batch of http_* changes before they are committed. Only
// the port and graph topics change at run time, and a viewer turned off at
// start-up (http_port 0) stays off: anyone on the ROS graph can set
// parameters, so none of them may open the camera wider than the operator
// started it (README: trust model).
func (v *httpViewer) apply(changes []rosparam.Change) error {
	for _, c := range changes {
		if c.Name == pHTTPPort && v.startedOff && c.New.Int != 0 {
			return fmt.Errorf("parameter '%s': the web viewer was turned off at start-up (%s 0); turning it on needs a restart", pHTTPPort, pHTTPPort)
		}
	}
	next, err := v.n.params.With(changes)
	if err != nil {
		return err
	}
	cfg, err := v.n.httpConfig(next)
	if err != nil {
		return err
	}
	cfg.Graph = v.graphHook(next)
	if _, err := httpview.New(cfg, v.topics()); err != nil {
		return err // refuse a bad configuration before stopping anything
	}
	v.mu.Lock()
	old, oldCfg := v.srv, v.cfg
	v.mu.Unlock()
	if old != nil {
		old.Close() // frees the port, which the new server may reuse
		v.mu.Lock()
		v.h264Retired += old.H264Encodes()
		v.srv = nil
		v.mu.Unlock()
	}
	if err := v.start(cfg); err != nil {
		if rerr := v.start(oldCfg); rerr != nil {
			v.n.log.Error(fmt.Sprintf("http server: could not restore the previous configuration: %v", rerr))
		}
		return err
	}
	return nil
}

func (v *httpViewer) close() {
	v.mu.Lock()
	srv := v.srv
	v.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// graphHook is the viewer's Graph when http_graph_topics is on, else nil (an
// untyped nil: a nil *graphImages in the interface would read as "on").
func (v *httpViewer) graphHook(t *rosparam.Table) httpview.Graph {
	if !flag(t, pHTTPGraph) {
		return nil
	}
	return v.graph
}

// stopHTTP closes the viewer and ends its subscriptions to other nodes'
// topics, waiting for them: Run calls it before returning, as rcl
// subscriptions must be finalized before the node.
func (n *Node) stopHTTP() {
	if n.http == nil {
		return
	}
	n.http.close()
	n.http.graph.closeAll()
}

// NodeState is the node's part of the viewer's /state.
type NodeState struct {
	Node       string  `json:"node"`
	Source     string  `json:"source"`
	State      string  `json:"state"`
	Reason     string  `json:"reason,omitempty"`
	Backend    string  `json:"backend"`
	Width      int     `json:"width"`
	Height     int     `json:"height"`
	Format     string  `json:"format"`
	CaptureFPS float64 `json:"capture_fps"`
	PublishFPS float64 `json:"publish_fps"`
	Captured   uint64  `json:"frames_captured"`
	Published  uint64  `json:"frames_published"`
	Dropped    uint64  `json:"frames_dropped"`
	Failures   uint64  `json:"publish_failures"`       // messages not sent: an undecodable JPEG, a failed conversion
	Corrupt    uint64  `json:"corrupt_frames_dropped"` // truncated or torn camera JPEGs never published
	Reopens    uint64  `json:"reopens"`
	Encodes    uint64  `json:"jpeg_encodes"`
	Decodes    uint64  `json:"jpeg_decodes"`
	H264       uint64  `json:"h264_encodes"` // for WebRTC and type=h264 viewers
}

// State is a snapshot for /state.
func (n *Node) State() NodeState {
	s := n.source.Status()
	p := n.Stats(time.Now())
	c := capture.Counts()
	return NodeState{
		Node: n.ros.FullyQualifiedName(), Source: s.URI, State: string(s.State), Reason: s.Reason,
		Backend: s.Info.Backend, Width: s.Info.Width, Height: s.Info.Height, Format: string(s.Info.Format),
		CaptureFPS: s.CaptureFPS, PublishFPS: p.PublishFPS, Captured: s.Captured, Published: p.Published,
		Dropped: p.Skipped, Failures: p.Failed, Corrupt: c.Corrupt, Reopens: s.Reopens, Encodes: c.Encodes, Decodes: c.Decodes,
		H264: n.http.h264Encodes(),
	}
}
