package node

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"webcam/capture"
	"webcam/cdr"
	"webcam/paramserver"
	"webcam/rclx"
	"webcam/rosparam"
	"webcam/stream"
)

// Topic names, relative so that namespaces and remaps apply.
const (
	TopicImage      = "image_raw"
	TopicCompressed = "image_raw/compressed"
	TopicInfo       = "camera_info"
)

// publishedTopics are the topics whose publisher QoS can be overridden.
var publishedTopics = []string{TopicImage, TopicCompressed, TopicInfo}

// defaultQoS: reliable (what web_video_server and default subscribers ask
// for), volatile, and only the newest frames: a deep queue is stale video.
var defaultQoS = rclx.QoS{Reliability: rclx.Reliable, Durability: rclx.Volatile, History: rclx.KeepLast, Depth: 2}

// publishStats counts what the publish loop did.
type publishStats struct {
	published atomic.Uint64 // frames for which anything was published
	skipped   atomic.Uint64 // frames captured but never seen by the publish loop
	failed    atomic.Uint64 // messages that could not be made or sent
	mu        sync.Mutex
	rate      stream.RateMeter
}

// PublishStats is a snapshot of the publish loop's counters.
type PublishStats struct {
	Published, Skipped, Failed uint64
	PublishFPS                 float64
}

// Stats returns the publish loop's counters.
func (n *Node) Stats(now time.Time) PublishStats {
	n.stats.mu.Lock()
	fps := n.stats.rate.Rate(now)
	n.stats.mu.Unlock()
	return PublishStats{Published: n.stats.published.Load(), Skipped: n.stats.skipped.Load(),
		Failed: n.stats.failed.Load(), PublishFPS: fps}
}

// publishers are the node's three topics, each with its reused message; one
// goroutine (the publish loop) uses them. Keeping the messages here lets
// them pass as cdr.Message with no allocation per frame.
type publishers struct {
	image, compressed, info *rclx.Publisher

	imageMsg      cdr.Image
	compressedMsg cdr.CompressedImage
	infoMsg       cdr.CameraInfo
}

// open advertises the three topics with the QoS their qos_overrides give.
func (p *publishers) open(ros *rclx.Node, t *rosparam.Table, resolved map[string]string) error {
	for _, pub := range []struct {
		to    **rclx.Publisher
		topic string
	}{{&p.image, TopicImage}, {&p.compressed, TopicCompressed}, {&p.info, TopicInfo}} {
		q := paramserver.PublisherQoS(t, resolved[pub.topic])
		var err error
		if *pub.to, err = ros.NewPublisher(pub.topic, typeSupport[pub.topic], q); err != nil {
			p.Close()
			return err
		}
		ros.Log().Info(fmt.Sprintf("publisher %s: QoS %s", resolved[pub.topic], q))
	}
	return nil
}

func (p *publishers) Close() error {
	var errs []error
	for _, pub := range []**rclx.Publisher{&p.image, &p.compressed, &p.info} {
		if *pub != nil {
			errs = append(errs, (*pub).Close())
			*pub = nil
		}
	}
	return errors.Join(errs...)
}

// publishLoop publishes the newest frame on every topic that has
// subscribers, all with one header, and skips frames it could not keep up
// with.
func (n *Node) publishLoop(ctx context.Context) {
	var last uint64
	for {
		f, err := n.frames.Next(ctx, last)
		if err != nil {
			return // ctx ended
		}
		if last != 0 && f.Seq > last+1 {
			n.stats.skipped.Add(f.Seq - last - 1)
		}
		last = f.Seq
		if n.publishFrame(f) == 0 {
			continue
		}
		n.stats.published.Add(1)
		n.stats.mu.Lock()
		n.stats.rate.Add(time.Now())
		n.stats.mu.Unlock()
	}
}

// publishFrame serializes each wanted message straight into its
// publisher's buffer and returns how many went out. The compressed image
// and camera_info go first: they are ready (an MJPEG camera's bytes) or
// cheap, while image_raw may need a decode. Each topic is independent: a
// failure is counted and logged, and the others still go out.
func (n *Node) publishFrame(f *capture.Frame) int {
	cfg := n.pubConfig.Load()
	header := cdr.Header{Stamp: cdr.TimeOf(f.Stamp), FrameID: cfg.frameID}
	p := &n.pubs
	sent := 0
	for _, step := range []struct {
		topic  string
		wanted bool
		pub    *rclx.Publisher
		fill   func() (cdr.Message, error)
	}{
		{TopicCompressed, cfg.publishCompressed, p.compressed, func() (cdr.Message, error) { return n.compressedMessage(f, cfg, header) }},
		{TopicInfo, cfg.publishInfo, p.info, func() (cdr.Message, error) { return n.infoMessage(f, header), nil }},
		{TopicImage, cfg.publishRaw, p.image, func() (cdr.Message, error) { return n.imageMessage(f, cfg, header) }},
	} {
		if !step.wanted || step.pub.Subscribers() == 0 {
			continue
		}
		m, err := step.fill()
		if err == nil {
			err = publishCDR(step.pub, m)
		}
		if err != nil {
			n.stats.failed.Add(1)
			n.logThrottled("publish "+step.topic, "publishing frame %d on %s: %v", f.Seq, n.topics[step.topic], err)
			continue
		}
		sent++
	}
	return sent
}

func (n *Node) compressedMessage(f *capture.Frame, cfg *pubConfig, h cdr.Header) (cdr.Message, error) {
	jpeg, err := f.JPEG(capture.EncodeOptions{Quality: cfg.jpegQuality})
	if err != nil {
		return nil, err
	}
	n.pubs.compressedMsg = cdr.CompressedImage{Header: h, Format: "jpeg", Data: jpeg}
	return &n.pubs.compressedMsg, nil
}

func (n *Node) infoMessage(f *capture.Frame, h cdr.Header) cdr.Message {
	n.pubs.infoMsg = n.calib.MessageFor(uint32(f.Width), uint32(f.Height))
	n.pubs.infoMsg.Header = h
	return &n.pubs.infoMsg
}

func (n *Node) imageMessage(f *capture.Frame, cfg *pubConfig, h cdr.Header) (cdr.Message, error) {
	data, step, err := f.Pixels(cfg.encoding)
	if err != nil {
		return nil, err
	}
	n.pubs.imageMsg = cdr.Image{Header: h, Height: uint32(f.Height), Width: uint32(f.Width),
		Encoding: string(cfg.encoding), Step: uint32(step), Data: data}
	return &n.pubs.imageMsg, nil
}

func publishCDR(p *rclx.Publisher, m cdr.Message) error {
	buf, err := p.Buffer(m.Size())
	if err != nil {
		return err
	}
	out, err := m.AppendCDR(buf)
	if err != nil {
		return err
	}
	return p.Publish(out)
}
