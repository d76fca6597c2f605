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

// loopStats counts what one publish loop did.
type loopStats struct {
	published atomic.Uint64 // frames for which the loop published something
	skipped   atomic.Uint64 // frames captured but never seen by the loop
	failed    atomic.Uint64 // messages that could not be made or sent
	mu        sync.Mutex
	rate      stream.RateMeter
}

func (s *loopStats) sent(now time.Time) {
	s.published.Add(1)
	s.mu.Lock()
	s.rate.Add(now)
	s.mu.Unlock()
}

func (s *loopStats) fps(now time.Time) float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rate.Rate(now)
}

// PublishStats is a snapshot of the publish loops' counters: Published and
// PublishFPS are the busier loop's (frames that went out on some topic),
// Skipped and Failed the sum of both.
type PublishStats struct {
	Published, Skipped, Failed uint64
	PublishFPS                 float64
}

// Stats returns the publish loops' counters.
func (n *Node) Stats(now time.Time) PublishStats {
	m, r := &n.stats.main, &n.stats.raw
	return PublishStats{
		Published:  max(m.published.Load(), r.published.Load()),
		Skipped:    m.skipped.Load() + r.skipped.Load(),
		Failed:     m.failed.Load() + r.failed.Load(),
		PublishFPS: max(m.fps(now), r.fps(now)),
	}
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

// open advertises the topics with the QoS their qos_overrides give;
// image_raw only if raw (usb_cam's raw_mjpeg, or image_transport/raw not in
// image_raw.enable_pub_plugins), image_raw/compressed only if compressed.
func (p *publishers) open(ros *rclx.Node, t *rosparam.Table, resolved map[string]string, raw, compressed bool) error {
	for _, pub := range []struct {
		to    **rclx.Publisher
		topic string
	}{{&p.image, TopicImage}, {&p.compressed, TopicCompressed}, {&p.info, TopicInfo}} {
		if pub.to == &p.image && !raw || pub.to == &p.compressed && !compressed {
			ros.Log().Info(fmt.Sprintf("%s is not advertised (pixel_format %s, %s %v)", resolved[pub.topic], str(t, pPixelFormat), pITPlugins, pluginList(t)))
			continue
		}
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

// Two loops publish each frame, one goroutine each, so the two cores
// overlap their work: the main loop sends image_raw/compressed (an MJPEG
// camera's own bytes, or one encode) and camera_info; the raw loop decodes
// or converts into image_raw's message. A slow decode never delays the
// compressed image, and neither loop reorders or re-stamps frames: each
// takes the newest frame and counts the ones it skipped.
func (n *Node) publishLoop(ctx context.Context) {
	n.runLoop(ctx, &n.stats.main, n.publishMain)
}

func (n *Node) rawLoop(ctx context.Context) {
	n.runLoop(ctx, &n.stats.raw, n.publishRaw)
}

func (n *Node) runLoop(ctx context.Context, st *loopStats, publish func(*capture.Frame) int) {
	var last uint64
	for {
		f, err := n.frames.Next(ctx, last)
		if err != nil {
			return // ctx ended
		}
		if last != 0 && f.Seq > last+1 {
			st.skipped.Add(f.Seq - last - 1)
		}
		last = f.Seq
		sent := publish(f)
		f.Release() // every message was serialized (copied) by now
		if sent > 0 {
			st.sent(time.Now())
		}
	}
}

// topicStep is one topic's message for a frame.
type topicStep struct {
	topic  string
	wanted bool
	pub    *rclx.Publisher
	send   func() error
}

// publishSteps runs each wanted step whose topic has subscribers and
// returns how many went out. Each topic is independent: a failure is
// counted and logged, and the others still go out.
func (n *Node) publishSteps(f *capture.Frame, st *loopStats, steps ...topicStep) int {
	sent := 0
	for _, step := range steps {
		if !step.wanted || step.pub.Subscribers() == 0 {
			continue
		}
		if err := step.send(); err != nil {
			st.failed.Add(1)
			n.logThrottled("publish "+step.topic, "publishing frame %d on %s: %v", f.Seq, n.topics[step.topic], err)
			continue
		}
		sent++
	}
	return sent
}

// publishMain sends the compressed image, then camera_info, all with the
// frame's header.
func (n *Node) publishMain(f *capture.Frame) int {
	cfg := n.pubConfig.Load()
	h := cdr.Header{Stamp: cdr.TimeOf(f.Stamp), FrameID: cfg.frameID}
	p := &n.pubs
	return n.publishSteps(f, &n.stats.main,
		topicStep{TopicCompressed, cfg.publishCompressed && p.compressed != nil, p.compressed, func() error {
			m, err := n.compressedMessage(f, cfg, h)
			if err != nil {
				return err
			}
			return publishCDR(p.compressed, m)
		}},
		topicStep{TopicInfo, cfg.publishInfo, p.info, func() error { return publishCDR(p.info, n.infoMessage(f, h)) }},
	)
}

// publishRaw sends image_raw, its pixels written once, straight into the
// message buffer rcl sends from (a decode, a colour conversion or a copy).
func (n *Node) publishRaw(f *capture.Frame) int {
	cfg := n.pubConfig.Load()
	p := &n.pubs
	return n.publishSteps(f, &n.stats.raw,
		topicStep{TopicImage, cfg.publishRaw && p.image != nil, p.image, func() error { return n.sendImage(f, cfg) }},
	)
}

func (n *Node) sendImage(f *capture.Frame, cfg *pubConfig) error {
	enc := cfg.encoding
	size := f.PixelsSize(enc)
	m := &n.pubs.imageMsg
	*m = cdr.Image{Header: cdr.Header{Stamp: cdr.TimeOf(f.Stamp), FrameID: cfg.frameID},
		Height: uint32(f.Height), Width: uint32(f.Width), Encoding: string(enc), Step: uint32(f.Width * enc.BytesPerPixel())}
	buf, err := n.pubs.image.Buffer(m.SizeWithData(size))
	if err != nil {
		return err
	}
	msg, data, err := m.AppendCDRReserving(buf, size)
	if err != nil {
		return err
	}
	if err := f.PixelsInto(data, enc); err != nil {
		return err
	}
	return n.pubs.image.Publish(msg)
}

func (n *Node) compressedMessage(f *capture.Frame, cfg *pubConfig, h cdr.Header) (*cdr.CompressedImage, error) {
	o, format := capture.EncodeOptions{Quality: cfg.jpegQuality}, "jpeg"
	if cfg.compressedPNG {
		o, format = capture.EncodeOptions{PNG: true, Quality: cfg.pngLevel}, "png"
	}
	data, err := f.Encoded(o)
	if err != nil {
		return nil, err
	}
	n.pubs.compressedMsg = cdr.CompressedImage{Header: h, Format: format, Data: data}
	return &n.pubs.compressedMsg, nil
}

func (n *Node) infoMessage(f *capture.Frame, h cdr.Header) *cdr.CameraInfo {
	n.pubs.infoMsg = n.calib.MessageFor(uint32(f.Width), uint32(f.Height))
	n.pubs.infoMsg.Header = h
	return &n.pubs.infoMsg
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
