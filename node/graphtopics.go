package node

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tiiuae/rclgo/pkg/rclgo"
	"github.com/tiiuae/rclgo/pkg/rclgo/types"

	"webcam/httpview"
	"webcam/rclx"
	"webcam/stream"
)

// graphImages is the web viewer's window on the rest of the ROS graph
// (httpview.Graph): the Image and CompressedImage topics other nodes publish,
// each subscribed while the viewer asks for it, with the viewer's qos_profile
// or else a QoS its publishers can match. httpview shares one feed per topic
// and profile among its viewers.
type graphImages struct {
	n *Node

	mu     sync.Mutex
	feeds  map[*graphFeed]struct{}
	closed bool
}

func newGraphImages(n *Node) *graphImages {
	return &graphImages{n: n, feeds: map[*graphFeed]struct{}{}}
}

// graphDepth: the viewer shows the newest frame only.
const graphDepth = 1

var errGraphClosed = errors.New("the node is shutting down")

// Topics lists the image topics with at least one publisher, except the
// node's own.
func (g *graphImages) Topics() []httpview.GraphTopic {
	all, err := g.n.ros.GetTopicNamesAndTypes(true) // true: ROS names, not DDS ones
	if err != nil {
		g.n.logThrottled("graph-topics", "web viewer: listing the ROS graph's topics: %v", err)
		return nil
	}
	own := map[string]bool{}
	for _, t := range publishedTopics {
		own[g.n.topics[t]] = true
	}
	var out []httpview.GraphTopic
	for name, typs := range all {
		if own[name] || len(typs) != 1 || (typs[0] != imageType && typs[0] != compressedImageType) {
			continue
		}
		pubs, err := g.n.ros.GetPublishersInfoByTopic(name, true) // true: name is a ROS name
		if err != nil || len(pubs) == 0 {
			continue // only subscribers: nothing to show
		}
		out = append(out, httpview.GraphTopic{Name: name, Type: typs[0], Publishers: len(pubs)})
	}
	return out
}

// matchQoS picks the subscription QoS every publisher in pubs can serve:
// best effort if any publisher is best effort (a reliable subscription gets
// nothing from it), transient local only if all are (then the last frame
// arrives at once, which a snapshot of a slow topic needs).
func matchQoS(pubs []rclgo.TopicEndpointInfo) rclx.QoS {
	q := rclx.QoS{Reliability: rclx.Reliable, Durability: rclx.Volatile, History: rclx.KeepLast, Depth: graphDepth}
	transientLocal := len(pubs) > 0
	for _, p := range pubs {
		if p.QosProfile.Reliability == rclgo.ReliabilityBestEffort {
			q.Reliability = rclx.BestEffort
		}
		if p.QosProfile.Durability != rclgo.DurabilityTransientLocal {
			transientLocal = false
		}
	}
	if transientLocal {
		q.Durability = rclx.TransientLocal
	}
	return q
}

// profileQoS is the subscription QoS for a viewer's qos_profile: rmw's
// profile of that name (web_video_server's names), at depth graphDepth; with
// none asked, matchQoS's. An explicit profile wins over the match, but one
// that no publisher in pubs can deliver to (a reliable subscription of
// best-effort publishers) is refused with httpview.ErrIncompatibleQoS rather
// than subscribed and left silent. system_default is the middleware's
// choice, which cannot be judged here: it is always tried.
func profileQoS(name string, profile httpview.QoSProfile, pubs []rclgo.TopicEndpointInfo) (rclx.QoS, error) {
	q := rclx.QoS{Reliability: rclx.Reliable, Durability: rclx.Volatile, History: rclx.KeepLast, Depth: graphDepth}
	switch profile {
	case httpview.QoSAuto:
		return matchQoS(pubs), nil
	case httpview.QoSDefault:
	case httpview.QoSSensorData:
		q.Reliability = rclx.BestEffort
	case httpview.QoSSystemDefault:
		return rclx.QoS{Reliability: rclx.ReliabilityDefault, Durability: rclx.DurabilitySysDefault, History: rclx.HistorySysDefault, Depth: graphDepth}, nil
	default:
		return q, fmt.Errorf("unknown qos_profile %q", profile)
	}
	if q.Reliability != rclx.Reliable || len(pubs) == 0 {
		return q, nil // best effort takes from any publisher; with none yet, nothing to judge
	}
	for _, p := range pubs {
		if p.QosProfile.Reliability != rclgo.ReliabilityBestEffort {
			return q, nil
		}
	}
	return q, fmt.Errorf("%w: %s subscribes reliable, and all %d publisher(s) of %s are best effort; "+
		"use qos_profile=%s, or leave qos_profile out for a QoS the publishers match",
		httpview.ErrIncompatibleQoS, profile, len(pubs), name, httpview.QoSSensorData)
}

// Subscribe starts a feed of name's frames, subscribed with profileQoS.
func (g *graphImages) Subscribe(name string, profile httpview.QoSProfile) (httpview.GraphFeed, error) {
	all, err := g.n.ros.GetTopicNamesAndTypes(true)
	if err != nil {
		return nil, fmt.Errorf("listing topics: %w", err)
	}
	typs := all[name]
	var ts types.MessageTypeSupport
	switch {
	case len(typs) != 1:
		return nil, fmt.Errorf("topic has types %v, want one of %s, %s", typs, imageType, compressedImageType)
	case typs[0] == imageType || typs[0] == compressedImageType:
		ts = typeSupport[typs[0]]
	default:
		return nil, fmt.Errorf("type %s is not %s or %s", typs[0], imageType, compressedImageType)
	}
	pubs, err := g.n.ros.GetPublishersInfoByTopic(name, true)
	if err != nil {
		return nil, fmt.Errorf("publishers of %s: %w", name, err)
	}
	qos, err := profileQoS(name, profile, pubs)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return nil, errGraphClosed
	}
	f := &graphFeed{g: g, name: name, typ: typs[0]}
	if f.sub, err = g.n.ros.Subscribe(name, ts, qos, f.deliver); err != nil {
		return nil, err
	}
	g.feeds[f] = struct{}{}
	g.n.log.Debug(fmt.Sprintf("web viewer: subscribed to %s (%s) with %s for %d publisher(s)", name, typs[0], qos, len(pubs)))
	return f, nil
}

// closeAll ends every feed and refuses new ones; the node calls it before
// rcl goes away, since a subscription must be finalized before its node.
func (g *graphImages) closeAll() {
	g.mu.Lock()
	g.closed = true
	feeds := make([]*graphFeed, 0, len(g.feeds))
	for f := range g.feeds {
		feeds = append(feeds, f)
	}
	g.mu.Unlock()
	for _, f := range feeds {
		if err := f.Close(); err != nil {
			g.n.log.Warn(fmt.Sprintf("web viewer: %v", err))
		}
	}
}

// graphFeed is one subscription's frames (httpview.GraphFeed).
type graphFeed struct {
	g      *graphImages
	name   string
	typ    string
	sub    *rclx.Subscription
	frames stream.Latest
	seq    uint64 // of the last frame published; only the subscription's goroutine writes it

	mu  sync.Mutex
	err error // why the newest message gave no frame
}

func (f *graphFeed) Frames() *stream.Latest { return &f.frames }

func (f *graphFeed) Err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// deliver runs on the subscription's goroutine for each newest message.
func (f *graphFeed) deliver(msg []byte, received time.Time) {
	fr, err := graphFrame(f.typ, msg, f.seq+1, received)
	f.mu.Lock()
	f.err = err
	f.mu.Unlock()
	if err != nil { // a bad topic sends bad messages at its frame rate: log every 5 s at most
		f.g.n.logThrottled("graph "+f.name, "web viewer: %s: %v", f.name, err)
		return
	}
	f.seq++
	f.frames.Publish(fr)
	fr.Release() // the producer's reference, as a source's (a no-op: not pooled)
}

// Close unsubscribes; safe to call more than once.
func (f *graphFeed) Close() error {
	err := f.sub.Close()
	f.g.mu.Lock()
	delete(f.g.feeds, f)
	f.g.mu.Unlock()
	if err != nil {
		return fmt.Errorf("closing the subscription to %s: %w", f.name, err)
	}
	return nil
}
