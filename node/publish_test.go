package node

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"webcam/capture"
)

// A camera JPEG whose markers are whole but whose body is not decodes to an
// error: image_raw skips that frame and counts it, and the next frame goes
// out; image_raw/compressed is not held back by it.
func TestUndecodableJPEGIsCountedAndSkipped(t *testing.T) {
	ns := fmt.Sprintf("/publish_test_%d", os.Getpid())
	ros := startROS(t, "publish_test", "-r", "__ns:="+ns)
	img, err := ros.NewPublisher(TopicImage, typeSupport[TopicImage], defaultQoS)
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	got := make(chan []byte, 10)
	sub, err := ros.Subscribe(ns+"/"+TopicImage, typeSupport[TopicImage], defaultQoS, func(b []byte, _ time.Time) { got <- b })
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	n := &Node{pubs: publishers{image: img}, throttled: map[string]time.Time{}, log: ros.Log()}
	n.pubConfig.Store(&pubConfig{frameID: "camera", encoding: capture.RGB8, publishRaw: true})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for img.Subscribers() == 0 && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}

	good := jpegFrame(noiseFrame(64, 48))
	bad := &capture.Frame{Seq: 2, Stamp: good.Stamp, Width: good.Width, Height: good.Height, Format: capture.JPEG,
		Data: append([]byte(nil), good.Data...)}
	for i := len(bad.Data) / 3; i < len(bad.Data)-2; i++ {
		bad.Data[i] = 0xFF // a run of marker prefixes: the entropy data is garbage
	}
	if sent := n.publishRaw(bad); sent != 0 || n.stats.raw.failed.Load() != 1 {
		t.Fatalf("corrupt frame: sent %d, failures %d; want 0 and 1", sent, n.stats.raw.failed.Load())
	}
	if sent := n.publishRaw(good); sent != 1 {
		t.Fatalf("the next good frame was not published (sent %d)", sent)
	}
	select {
	case <-got:
	case <-ctx.Done():
		t.Fatal("no image_raw message arrived")
	}
}
