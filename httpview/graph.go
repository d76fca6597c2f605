package httpview

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"webcam/stream"
)

// Graph is the rest of the ROS graph's cameras: image topics other nodes
// publish, served under their own names next to the server's cameras, the way
// web_video_server serves every image topic. The server subscribes to one only
// while someone watches it (Config.Graph).
type Graph interface {
	// Topics lists the image topics that can be watched now. The server
	// drops any that collide with its own cameras' names.
	Topics() []GraphTopic
	// Subscribe starts receiving the topic's frames with qos (QoSAuto: a QoS
	// every publisher of the topic can serve). The server calls it for the
	// first viewer of a topic and profile and closes the feed a linger after
	// the last one left. An error wrapping ErrIncompatibleQoS means no
	// publisher could deliver to that profile (a reliable subscription of
	// best-effort publishers gets nothing).
	Subscribe(name string, qos QoSProfile) (GraphFeed, error)
}

// QoSProfile is a viewer URL's qos_profile: how the server subscribes to a
// graph topic. The names are web_video_server's (its
// get_qos_profile_from_name), each rmw's profile of that name.
type QoSProfile string

const (
	// QoSAuto (no qos_profile): a QoS every publisher can serve, reliable
	// unless one of them is best effort (web_video_server: "default").
	QoSAuto          QoSProfile = ""
	QoSDefault       QoSProfile = "default"        // rmw_qos_profile_default: reliable, volatile
	QoSSystemDefault QoSProfile = "system_default" // rmw_qos_profile_system_default: the middleware's defaults
	QoSSensorData    QoSProfile = "sensor_data"    // rmw_qos_profile_sensor_data: best effort, volatile
	allowedQoS                  = "default, system_default, sensor_data"
)

// note is the profile for a log line: empty for QoSAuto.
func (p QoSProfile) note() string {
	if p == QoSAuto {
		return ""
	}
	return ", qos_profile " + string(p)
}

// label names the profile in /state: "auto" for QoSAuto.
func (p QoSProfile) label() string {
	if p == QoSAuto {
		return "auto"
	}
	return string(p)
}

// ErrIncompatibleQoS is wrapped by Graph.Subscribe's error when the asked
// qos_profile cannot match any publisher of the topic; the viewer gets a 409
// saying so rather than a stream that never shows a frame.
var ErrIncompatibleQoS = errors.New("no publisher of the topic can deliver to this qos_profile")

// GraphTopic is one image topic of the ROS graph.
type GraphTopic struct {
	Name       string // full ROS name, e.g. "/arm/camera/image_raw"
	Type       string // e.g. "sensor_msgs/msg/Image" or "sensor_msgs/msg/CompressedImage"
	Publishers int
}

// GraphFeed is a live subscription to a graph topic.
type GraphFeed interface {
	Frames() *stream.Latest // where received frames are published
	Err() error             // why the newest message gave no frame (unsupported encoding…), or nil
	Close() error           // unsubscribes; Frames gets nothing more
}

const (
	defaultGraphLinger = 3 * time.Second // keeps a subscription across a page reload
	graphListTTL       = time.Second     // graph queries are shared by requests this close together
)

var errGraphClosed = errors.New("the server is shutting down")

// graphSet reference-counts the server's subscriptions to graph topics: the
// first viewer of a topic and qos_profile subscribes, the others share its
// frames (and its encodes), and the last one to leave ends it after the
// linger, so a reload or a snapshot a second does not resubscribe each time.
// Viewers of one topic with different profiles get one subscription each.
type graphSet struct {
	src    Graph
	linger time.Duration
	log    *slog.Logger

	mu     sync.Mutex
	subs   map[graphKey]*graphSub
	closed bool

	listMu sync.Mutex
	list   []GraphTopic
	listAt time.Time
}

// graphKey is one subscription: a topic with one qos_profile.
type graphKey struct {
	name string
	qos  QoSProfile
}

type graphSub struct {
	key   graphKey
	topic *topic // shared by the subscription's viewers: frames and rate
	feed  GraphFeed
	refs  int
	gen   int // bumped when the last viewer leaves: a newer leave voids older timers
	idle  *time.Timer
}

func newGraphSet(src Graph, linger time.Duration, log *slog.Logger) *graphSet {
	if linger <= 0 {
		linger = defaultGraphLinger
	}
	return &graphSet{src: src, linger: linger, log: log, subs: map[graphKey]*graphSub{}}
}

// topics is the graph's image topics, queried at most once per graphListTTL.
func (g *graphSet) topics() []GraphTopic {
	g.listMu.Lock()
	defer g.listMu.Unlock()
	if g.list == nil || time.Since(g.listAt) > graphListTTL {
		g.list = slices.Clone(g.src.Topics())
		if g.list == nil {
			g.list = []GraphTopic{}
		}
		slices.SortFunc(g.list, func(a, b GraphTopic) int { return cmp.Compare(a.Name, b.Name) })
		g.listAt = time.Now()
	}
	return g.list
}

// acquire joins the subscription to name with qos, subscribing for the
// first viewer. The returned release must be called once when the viewer is
// done.
func (g *graphSet) acquire(name, typ string, qos QoSProfile) (*topic, func(), error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return nil, nil, errGraphClosed
	}
	key := graphKey{name, qos}
	sub := g.subs[key]
	if sub == nil {
		feed, err := g.src.Subscribe(name, qos) // under the lock: two first viewers must not both subscribe
		if err != nil {
			return nil, nil, err
		}
		sub = &graphSub{key: key, topic: &topic{name: name, graph: typ, qos: qos, frames: feed.Frames(), feed: feed}, feed: feed}
		g.subs[key] = sub
		g.log.Info(fmt.Sprintf("http: subscribed to %s (%s%s) for its viewers", name, typ, qos.note()))
	}
	sub.refs++
	if sub.idle != nil {
		sub.idle.Stop()
		sub.idle = nil
	}
	var once sync.Once
	return sub.topic, func() { once.Do(func() { g.release(sub) }) }, nil
}

func (g *graphSet) release(sub *graphSub) {
	g.mu.Lock()
	defer g.mu.Unlock()
	sub.refs--
	if sub.refs > 0 {
		return
	}
	if g.closed {
		delete(g.subs, sub.key)
		go g.end(sub, "the server closed")
		return
	}
	sub.gen++
	gen := sub.gen
	sub.idle = time.AfterFunc(g.linger, func() { g.expire(sub, gen) })
}

// expire ends a subscription nobody came back to within the linger.
func (g *graphSet) expire(sub *graphSub, gen int) {
	g.mu.Lock()
	if sub.refs > 0 || sub.gen != gen || g.subs[sub.key] != sub {
		g.mu.Unlock()
		return
	}
	delete(g.subs, sub.key)
	g.mu.Unlock()
	g.end(sub, "no viewer for "+g.linger.String())
}

func (g *graphSet) end(sub *graphSub, why string) {
	msg := fmt.Sprintf("http: unsubscribed from %s%s (%s)", sub.topic.name, sub.key.qos.note(), why)
	level := slog.LevelInfo
	if err := sub.feed.Close(); err != nil {
		msg, level = msg+": "+err.Error(), slog.LevelWarn
	}
	g.log.Log(context.Background(), level, msg)
}

// subscribed is the subscriptions now, viewed or lingering, by topic name:
// one per qos_profile its viewers asked for.
func (g *graphSet) subscribed() map[string][]*topic {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make(map[string][]*topic, len(g.subs))
	for key, sub := range g.subs {
		out[key.name] = append(out[key.name], sub.topic)
	}
	for _, ts := range out {
		slices.SortFunc(ts, func(a, b *topic) int { return cmp.Compare(a.qos, b.qos) })
	}
	return out
}

// close ends the idle subscriptions now; those still viewed end when their
// viewers leave, which Server.Close makes happen at once.
func (g *graphSet) close() {
	g.mu.Lock()
	g.closed = true
	var idle []*graphSub
	for key, sub := range g.subs {
		if sub.refs == 0 {
			if sub.idle != nil {
				sub.idle.Stop()
			}
			delete(g.subs, key)
			idle = append(idle, sub)
		}
	}
	g.mu.Unlock()
	for _, sub := range idle {
		g.end(sub, "the server closed")
	}
}

// graphTopics is the graph's topics minus names the server's own cameras
// answer to; nil without a Graph.
func (s *Server) graphTopics() []GraphTopic {
	if s.graph == nil {
		return nil
	}
	var out []GraphTopic
	for _, t := range s.graph.topics() {
		if own, _ := s.lookupOwn(t.Name); own == nil && checkTopicName(t.Name) == nil {
			out = append(out, t)
		}
	}
	return out
}

// lookupGraph finds name among the graph's topics: a placeholder topic
// (no frames) that openView swaps for the subscription's.
func (s *Server) lookupGraph(name string) *topic {
	for _, t := range s.graphTopics() {
		if t.Name == name {
			return &topic{name: t.Name, graph: t.Type}
		}
	}
	return nil
}

// openView parses a /stream or /snapshot query and, for a graph topic, joins
// or starts its subscription; release must be called when the request ends.
func (s *Server) openView(q url.Values) (viewRequest, func(), *requestError) {
	req, rerr := s.parseView(q)
	if rerr != nil {
		return req, nil, rerr
	}
	if req.topic.graph == "" {
		return req, func() {}, nil
	}
	t, release, err := s.graph.acquire(req.topic.name, req.topic.graph, req.qos)
	if errors.Is(err, ErrIncompatibleQoS) {
		return req, nil, &requestError{http.StatusConflict, fmt.Sprintf("cannot subscribe to %s with qos_profile %s: %v", req.topic.name, req.qos, err)}
	}
	if err != nil {
		return req, nil, &requestError{http.StatusServiceUnavailable, fmt.Sprintf("cannot subscribe to %s: %v", req.topic.name, err)}
	}
	req.topic = t
	return req, release, nil
}
