package node

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/tiiuae/rclgo/pkg/rclgo"

	"webcam/cdr"
)

// The in-place serialized publisher reaches a real subscription through rcl
// and Fast DDS, byte for byte, and reuses its buffer.
func TestSerializedPublisherHandle(t *testing.T) {
	rctx, err := rclgo.NewContextWithOpts(nil, rclgo.NewDefaultContextOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer rctx.Close()
	rn, err := rctx.NewNode("serialized_test", "/serialized_test")
	if err != nil {
		t.Fatal(err)
	}
	pub, err := rn.NewPublisher("image_raw", imageTypeSupport(), nil)
	if err != nil {
		t.Fatal(err)
	}
	w, err := newSerializedPublisher(pub)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte, 10)
	sub, err := rn.NewSubscription("image_raw", imageTypeSupport(), nil, func(s *rclgo.Subscription) {
		b, _, err := s.TakeSerializedMessage()
		if err == nil {
			got <- b
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := rctx.NewWaitSet()
	if err != nil {
		t.Fatal(err)
	}
	ws.AddSubscriptions(sub)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	spun := make(chan struct{})
	go func() { defer close(spun); ws.Run(ctx) }()
	// The wait set must be out of rcl_wait before the context is closed.
	defer func() { cancel(); <-spun }()

	msg := cdr.Image{Header: cdr.Header{Stamp: cdr.TimeOf(time.Unix(1700000000, 5)), FrameID: "cam"},
		Height: 2, Width: 3, Encoding: "rgb8", Step: 9, Data: bytes.Repeat([]byte{7}, 18)}
	want, _ := msg.AppendCDR(nil)
	var first *byte
	for ctx.Err() == nil {
		if w.subscribers() > 0 {
			if err := publishCDR(w, &msg); err != nil {
				t.Fatal(err)
			}
			b, _ := w.buffer(0)
			if first == nil {
				first = &b[:1][0]
			} else if &b[:1][0] != first {
				t.Fatal("buffer was reallocated for a message of the same size")
			}
		}
		select {
		case b := <-got:
			if !bytes.Equal(b, want) {
				t.Fatalf("received % x\nwant     % x", b, want)
			}
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatal("no message received")
}
