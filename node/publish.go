package node

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tiiuae/rclgo/pkg/rclgo"

	"webcam/calib"
	"webcam/capture"
	"webcam/cdr"
	std_msgs_msg "webcam/msgs/std_msgs/msg"
	"webcam/stream"
)

// Topic names, relative so that namespaces and remaps apply.
const (
	TopicImage      = "image_raw"
	TopicCompressed = "image_raw/compressed"
	TopicInfo       = "camera_info"
)

// publishStats counts what the publish loop did.
type publishStats struct {
	published atomic.Uint64 // frames for which anything was published
	skipped   atomic.Uint64 // frames captured but never seen by the publish loop
	mu        sync.Mutex
	rate      stream.RateMeter
}

// PublishStats is a snapshot of the publish loop's counters.
type PublishStats struct {
	Published, Skipped uint64
	PublishFPS         float64
}

// Stats returns the publish loop's counters.
func (n *Node) Stats(now time.Time) PublishStats {
	n.stats.mu.Lock()
	fps := n.stats.rate.Rate(now)
	n.stats.mu.Unlock()
	return PublishStats{Published: n.stats.published.Load(), Skipped: n.stats.skipped.Load(), PublishFPS: fps}
}

// headerAt is a std_msgs/Header.
func headerAt(t time.Time, frameID string) std_msgs_msg.Header {
	return std_msgs_msg.Header{Stamp: rosTime(t), FrameId: frameID}
}

// publishers are the node's three topics, as rclgo created them.
type publishers struct {
	image, compressed, info *rclgo.Publisher
}

// writers publish serialized CDR in place (serialized.go); made once, in the
// publish goroutine that alone uses them. The messages live here too, so
// passing them as cdr.Message allocates nothing per frame.
type writers struct {
	image, compressed, info *serializedPublisher

	imageMsg      cdr.Image
	compressedMsg cdr.CompressedImage
	infoMsg       cdr.CameraInfo
}

func (p *publishers) writers() (*writers, error) {
	var w writers
	var err error
	if w.image, err = newSerializedPublisher(p.image); err != nil {
		return nil, err
	}
	if w.compressed, err = newSerializedPublisher(p.compressed); err != nil {
		return nil, err
	}
	if w.info, err = newSerializedPublisher(p.info); err != nil {
		return nil, err
	}
	return &w, nil
}

// publishLoop publishes the newest frame on every topic that has subscribers,
// all with one header, and skips frames it could not keep up with.
func (n *Node) publishLoop(ctx context.Context) error {
	w, err := n.pubs.writers()
	if err != nil {
		n.log.Errorf("cannot publish: %v", err)
		return err
	}
	var last uint64
	for {
		f, err := n.latest.Next(ctx, last)
		if err != nil {
			return nil // ctx ended
		}
		if last != 0 && f.Seq > last+1 {
			n.stats.skipped.Add(f.Seq - last - 1)
		}
		last = f.Seq
		if err := n.publishFrame(w, f); err != nil {
			n.logThrottled("publish", "publishing frame %d: %v", f.Seq, err)
			continue
		}
		n.stats.published.Add(1)
		n.stats.mu.Lock()
		n.stats.rate.Add(time.Now())
		n.stats.mu.Unlock()
	}
}

// publishFrame serializes each wanted message straight into its publisher's
// reused buffer: the pixels are copied once, and nothing is allocated for a
// frame whose format needs no conversion.
func (n *Node) publishFrame(w *writers, f *capture.Frame) error {
	cfg := n.pubConfig.Load()
	header := cdr.Header{Stamp: cdr.TimeOf(f.Stamp), FrameID: cfg.frameID}
	if cfg.publishRaw && w.image.subscribers() > 0 {
		data, step, err := f.Pixels(cfg.encoding)
		if err != nil {
			return err
		}
		w.imageMsg = cdr.Image{Header: header, Height: uint32(f.Height), Width: uint32(f.Width),
			Encoding: string(cfg.encoding), Step: uint32(step), Data: data}
		if err := publishCDR(w.image, &w.imageMsg); err != nil {
			return err
		}
	}
	if cfg.publishCompressed && w.compressed.subscribers() > 0 {
		jpeg, err := f.JPEG(capture.EncodeOptions{Quality: cfg.jpegQuality})
		if err != nil {
			return err
		}
		w.compressedMsg = cdr.CompressedImage{Header: header, Format: "jpeg", Data: jpeg}
		if err := publishCDR(w.compressed, &w.compressedMsg); err != nil {
			return err
		}
	}
	if cfg.publishInfo && w.info.subscribers() > 0 {
		w.infoMsg = cdrCameraInfo(n.calib.InfoFor(uint32(f.Width), uint32(f.Height)))
		w.infoMsg.Header = header
		if err := publishCDR(w.info, &w.infoMsg); err != nil {
			return err
		}
	}
	return nil
}

func publishCDR(w *serializedPublisher, m cdr.Message) error {
	buf, err := w.buffer(m.Size())
	if err != nil {
		return err
	}
	out, err := m.AppendCDR(buf)
	if err != nil {
		return err
	}
	return w.publish(out)
}

// cdrCameraInfo is the calibration as a CDR message (header aside).
func cdrCameraInfo(c calib.CameraInfo) cdr.CameraInfo {
	return cdr.CameraInfo{
		Height: c.Height, Width: c.Width, DistortionModel: c.DistortionModel,
		D: c.D, K: c.K, R: c.R, P: c.P, BinningX: c.BinningX, BinningY: c.BinningY,
		ROI: cdr.RegionOfInterest(c.ROI),
	}
}
