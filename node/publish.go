package node

import (
	"context"
	"sync/atomic"

	"github.com/tiiuae/rclgo/pkg/rclgo"

	"webcam/capture"
	sensor_msgs_msg "webcam/msgs/sensor_msgs/msg"
	std_msgs_msg "webcam/msgs/std_msgs/msg"
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
}

// publishers are the node's three topics.
type publishers struct {
	image, compressed, info *rclgo.Publisher
}

// consumers reports how many subscribers (ROS) and viewers (HTTP) want each
// rendition right now, so nothing is converted for nobody.
func (p *publishers) subscribers(pub *rclgo.Publisher) int {
	n, err := pub.GetSubscriptionCount()
	if err != nil {
		return 1 // err on the side of publishing
	}
	return n
}

// publishLoop publishes the newest frame on every topic that has subscribers,
// all with one header, and skips frames it could not keep up with.
func (n *Node) publishLoop(ctx context.Context) error {
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
		if err := n.publishFrame(f); err != nil {
			n.logThrottled("publish", "publishing frame %d: %v", f.Seq, err)
			continue
		}
		n.stats.published.Add(1)
	}
}

func (n *Node) publishFrame(f *capture.Frame) error {
	cfg := n.pubConfig.Load()
	header := std_msgs_msg.Header{Stamp: rosTime(f.Stamp), FrameId: cfg.frameID}
	pubs := n.pubs
	if cfg.publishRaw && pubs.subscribers(pubs.image) > 0 {
		data, step, err := f.Pixels(cfg.encoding)
		if err != nil {
			return err
		}
		msg := sensor_msgs_msg.Image{Header: header, Height: uint32(f.Height), Width: uint32(f.Width),
			Encoding: string(cfg.encoding), Step: uint32(step), Data: data}
		if err := pubs.image.Publish(&msg); err != nil {
			return err
		}
	}
	if cfg.publishCompressed && pubs.subscribers(pubs.compressed) > 0 {
		jpeg, err := f.JPEG(capture.EncodeOptions{Quality: cfg.jpegQuality})
		if err != nil {
			return err
		}
		msg := sensor_msgs_msg.CompressedImage{Header: header, Format: "jpeg", Data: jpeg}
		if err := pubs.compressed.Publish(&msg); err != nil {
			return err
		}
	}
	if cfg.publishInfo && pubs.subscribers(pubs.info) > 0 {
		msg := n.cameraInfo(f)
		msg.Header = header
		if err := pubs.info.Publish(&msg); err != nil {
			return err
		}
	}
	return nil
}

// cameraInfo is the calibration for the frame's size.
func (n *Node) cameraInfo(f *capture.Frame) sensor_msgs_msg.CameraInfo {
	return sensor_msgs_msg.CameraInfo{Height: uint32(f.Height), Width: uint32(f.Width), DistortionModel: "plumb_bob"}
}
